"""Reading an .ics an employer sent (job dating dates, visit slots) into draft company
events, for the staff to review before recording them.

Every event of the file becomes a draft :class:`~seve.model.CompanyEvent` with a
deterministic id derived from its UID (and its day, for a series or a several-day
event), so that reading a corrected file again gives the same ids:
:meth:`ImportedEvents.payloads` then tells what to schedule, change or cancel.
What cannot be read is reported, event by event, as problems: nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any, Final

import attrs
import icalendar
from attrs import frozen
from dateutil.rrule import rrulestr

from ..errors import DecodeError, Path, Problem
from ..model import (
    PARIS,
    AgendaStatus,
    ClockTime,
    CompanyEvent,
    CompanyEventCancelled,
    CompanyEventChanged,
    CompanyEventId,
    CompanyEventKind,
    CompanyEventScheduled,
    EmployerId,
    Place,
    SalarieId,
    StaffContact,
    StaffId,
    Structure,
)

__all__ = ["ImportedEvents", "read_company_events"]

#: The most occurrences a repeated event may give.
MAX_OCCURRENCES: Final = 100

#: Words of a summary that say what kind of event it is (lowercase, without accents).
_KINDS: Final = (
    (("job dating", "jobdating", "job-dating"), CompanyEventKind.JOB_DATING),
    (("cas d'ecole", "cas d’ecole"), CompanyEventKind.CAS_D_ECOLE),
    (("presentation", "metiers"), CompanyEventKind.PRESENTATION_METIERS),
    (("visite de chantier",), CompanyEventKind.VISITE_CHANTIER),
    (("visite",), CompanyEventKind.VISITE_ENTREPRISE),
)

Payload = CompanyEventScheduled | CompanyEventChanged | CompanyEventCancelled


@frozen(kw_only=True)
class ImportedEvents:
    """What an .ics file gave.

    :param events: the draft company events, scheduled, in the order of the file.
    :param cancelled: the ids of the events the file cancels (``STATUS:CANCELLED``
        or ``METHOD:CANCEL``).
    :param problems: what could not be read, with the path of the ``VEVENT``.
    """

    events: tuple[CompanyEvent, ...] = ()
    cancelled: tuple[CompanyEventId, ...] = ()
    problems: tuple[Problem, ...] = ()

    def payloads(self, structure: Structure | None = None) -> list[Payload]:
        """The events to record so that ``structure`` holds what the file says: a new
        event is scheduled, a scheduled one that moved is changed (what the staff added,
        who is invited, the contact, stays), a scheduled one the file cancels is
        cancelled.  Events already held or cancelled are left alone."""
        known = {} if structure is None else structure.company_events
        out: list[Payload] = []
        for draft in self.events:
            old = known.get(draft.id)
            if old is None:
                out.append(CompanyEventScheduled(event=draft))
            elif old.status is AgendaStatus.SCHEDULED:
                moved = attrs.evolve(
                    old,
                    date=draft.date,
                    start=draft.start,
                    end=draft.end,
                    place=draft.place or old.place,
                    title=draft.title or old.title,
                )
                if moved != old:
                    out.append(CompanyEventChanged(event=moved))
        for key in self.cancelled:
            old = known.get(key)
            if old is not None and old.status is AgendaStatus.SCHEDULED:
                out.append(CompanyEventCancelled(event=key, reason="annulé par l'employeur"))
        return out


def read_company_events(
    ics: str | bytes,
    *,
    employer: EmployerId,
    default_kind: CompanyEventKind = CompanyEventKind.VISITE_ENTREPRISE,
    staff: frozenset[StaffId] = frozenset(),
    contact: StaffContact | None = None,
    invited: frozenset[SalarieId] = frozenset(),
    id_prefix: str = "ics",
) -> ImportedEvents:
    """Read the events of an .ics file sent by ``employer`` into draft company events.

    Each event gives one draft per day: a timed event its day and hours (in
    Europe/Paris, whatever zone the file uses), a whole-day event each of its days, a
    repeated event (``RRULE`` with an end, ``EXDATE`` and overridden occurrences
    honoured) each occurrence.  The kind comes from the summary ("job dating",
    "visite", "présentation des métiers", "cas d'école"), else ``default_kind``; the
    summary is the title, the ``LOCATION`` the place.

    :param staff: the permanent·es to name on every draft; ``contact``, the one to
        call; ``invited``, the salarié·es invited.
    :raises DecodeError: the text is not an iCalendar file (``calendrier.ics_illisible``).
    """
    try:
        parsed = icalendar.Calendar.from_ical(ics)
    except (ValueError, IndexError, KeyError) as exc:
        raise DecodeError(
            [
                Problem(
                    code="calendrier.ics_illisible",
                    message=f"ce fichier n'est pas un calendrier iCalendar lisible : {exc}",
                )
            ]
        ) from None
    if parsed.name != "VCALENDAR":
        raise DecodeError(
            [
                Problem(
                    code="calendrier.ics_illisible",
                    message=f"ce fichier contient un {parsed.name}, pas un VCALENDAR",
                )
            ]
        )
    method_cancels = str(parsed.get("method", "")).upper() == "CANCEL"
    base = CompanyEvent(
        id=CompanyEventId(f"{id_prefix}-0"),
        kind=default_kind,
        date=dt.date(2000, 1, 1),
        employers=frozenset({employer}),
        staff=staff,
        contact=contact,
        invited=invited,
        status=AgendaStatus.SCHEDULED,
    )
    drafts: dict[str, CompanyEvent] = {}
    cancelled: dict[str, None] = {}
    problems: list[Problem] = []
    vevents = list(enumerate(parsed.walk("VEVENT")))
    # a series first, then the occurrences it overrides (RECURRENCE-ID)
    vevents.sort(key=lambda item: item[1].get("recurrence-id") is not None)
    for index, vevent in vevents:
        path: Path = ("VEVENT", index)
        uid = str(vevent.get("uid", f"sans-uid-{index}"))
        overrides = None
        if vevent.get("recurrence-id") is not None:
            overrides = _day_of(vevent.decoded("recurrence-id"))
        cancelling = method_cancels or str(vevent.get("status", "")).upper() == "CANCELLED"
        try:
            occurrences = list(_occurrences(vevent, path))
        except _Unreadable as exc:
            if cancelling and vevent.get("rrule") is None:  # its hours do not matter
                key = _event_id(id_prefix, uid, overrides)
                drafts.pop(key, None)
                cancelled[key] = None
            else:
                problems.append(exc.problem)
            continue
        summary = str(vevent.get("summary", "")).strip() or None
        location = str(vevent.get("location", "")).strip() or None
        several = len(occurrences) > 1 or vevent.get("rrule") is not None
        for day, start, end in occurrences:
            key = _event_id(id_prefix, uid, overrides or (day if several else None))
            if cancelling:
                drafts.pop(key, None)
                cancelled[key] = None
                continue
            drafts[key] = attrs.evolve(
                base,
                id=CompanyEventId(key),
                kind=_kind(summary, default_kind),
                date=day,
                start=start,
                end=end,
                title=summary,
                place=Place(name=location) if location else None,
            )
            cancelled.pop(key, None)
    return ImportedEvents(
        events=tuple(sorted(drafts.values(), key=lambda e: (e.date, e.start or "", e.id))),
        cancelled=tuple(CompanyEventId(key) for key in cancelled),
        problems=tuple(problems),
    )


class _Unreadable(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _unreadable(code: str, message: str, path: Path) -> _Unreadable:
    return _Unreadable(Problem(code=code, message=message, path=path))


def _event_id(prefix: str, uid: str, day: dt.date | None) -> str:
    digest = hashlib.sha256(uid.encode()).hexdigest()[:12]
    return f"{prefix}-{digest}" if day is None else f"{prefix}-{digest}-{day:%Y%m%d}"


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _kind(summary: str | None, default: CompanyEventKind) -> CompanyEventKind:
    plain = _plain(summary or "")
    for words, kind in _KINDS:
        if any(word in plain for word in words):
            return kind
    return default


def _paris(value: dt.datetime) -> dt.datetime:
    """In Europe/Paris: floating times are read as Paris times."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=PARIS)
    return value.astimezone(PARIS)


def _clock(value: dt.datetime) -> ClockTime:
    return ClockTime(f"{value:%H:%M}")


Occurrence = tuple[dt.date, ClockTime | None, ClockTime | None]


def _occurrences(vevent: Any, path: Path) -> Iterator[Occurrence]:
    """The days (and hours) of one ``VEVENT``."""
    if vevent.get("dtstart") is None:
        raise _unreadable(
            "calendrier.ics_sans_debut",
            "cet événement n'a pas de date de début",
            (*path, "DTSTART"),
        )
    start = vevent.decoded("dtstart")
    if vevent.get("dtend") is not None:
        end = vevent.decoded("dtend")
    elif vevent.get("duration") is not None:
        end = start + vevent.decoded("duration")
    else:
        end = None
    starts = list(_starts(vevent, start, path))
    if isinstance(start, dt.datetime):
        if end is None or not isinstance(end, dt.datetime):
            raise _unreadable(
                "calendrier.ics_sans_fin",
                "cet événement horaire n'a ni fin ni durée : l'heure de fin reste à saisir",
                (*path, "DTEND"),
            )
        length = _paris(end) - _paris(start)
        for first in starts:
            yield _timed(_paris(first), _paris(first) + length, path)
        return
    days = 1 if not isinstance(end, dt.date) else max((end - start).days, 1)
    for first in starts:
        for offset in range(days):
            yield first + dt.timedelta(days=offset), None, None


def _timed(start: dt.datetime, end: dt.datetime, path: Path) -> Occurrence:
    last = end
    if end.date() == start.date() + dt.timedelta(days=1) and end.time() == dt.time(0, 0):
        last = end - dt.timedelta(minutes=1)  # until midnight: 23:59 the same day
    if last.date() != start.date() or last <= start:
        raise _unreadable(
            "calendrier.ics_plusieurs_jours",
            f"cet événement va du {start:%d/%m/%Y %H:%M} au {end:%d/%m/%Y %H:%M} : un "
            "événement entreprise tient dans une journée (découpez-le)",
            (*path, "DTEND"),
        )
    return start.date(), _clock(start), _clock(last)


def _starts(vevent: Any, start: Any, path: Path) -> Iterable[Any]:
    """The starts of a ``VEVENT``: its own, or each of its series (``RRULE``)."""
    rule = vevent.get("rrule")
    if rule is None:
        return [start]
    text = rule.to_ical().decode()
    if "COUNT=" not in text and "UNTIL=" not in text:
        raise _unreadable(
            "calendrier.ics_repetition",
            "cet événement se répète sans fin : importez une série bornée (COUNT ou UNTIL)",
            (*path, "RRULE"),
        )
    anchor = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time())
    excluded = set()
    for exdates in _as_list(vevent.get("exdate")):
        for item in exdates.dts:
            excluded.add(_naive_key(item.dt))
    found: list[Any] = []
    try:
        series = rrulestr(text, dtstart=anchor, forceset=True)
    except ValueError as exc:
        raise _unreadable(
            "calendrier.ics_repetition",
            f"cette série ne se lit pas : {exc}",
            (*path, "RRULE"),
        ) from None
    for occurrence in series:
        if len(found) >= MAX_OCCURRENCES:
            raise _unreadable(
                "calendrier.ics_repetition",
                f"cette série compte plus de {MAX_OCCURRENCES} dates : importez-la par morceaux",
                (*path, "RRULE"),
            )
        if _naive_key(occurrence) not in excluded:
            found.append(occurrence if isinstance(start, dt.datetime) else occurrence.date())
    return found


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _day_of(value: Any) -> dt.date:
    return _paris(value).date() if isinstance(value, dt.datetime) else value


def _naive_key(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _paris(value).replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time())
