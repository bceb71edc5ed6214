"""What each audience's calendar shows of each dated moment of the domain.

One function per kind of moment (a PMSMP, an appointment, a company event, a
Flash Info) gives its views: one :class:`~seve.calendar.EntryView` per calendar,
keyed by ``(calendar, uid)``, each cut to its audience.  What a view may show is
asked of :mod:`seve.audience` (:func:`~seve.audience.visible_fields`,
:func:`~seve.audience.name_for`, the flags of :func:`~seve.audience.policy`), never
decided here; what a view does show is chosen for its reader: an employer reads the
first name, the dates, the place and the SIAE contact; a salarié·e reads plain French,
what to bring and whom to call.  No view carries the freins, not even the staff's:
calendars are synced to phones and shared; the freins stay in seve.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any, Final

from attrs import frozen

from .. import _french as fr
from ..audience import Audience, name_for, policy, visible_fields
from ..model import (
    PARIS,
    AgendaStatus,
    Appointment,
    AppointmentKind,
    CompanyEvent,
    FlashInfo,
    Parcours,
    Period,
    Pmsmp,
    PmsmpOutcome,
    PmsmpStatus,
    ScheduleDay,
    StaffContact,
    StaffId,
    Structure,
)
from ..model._appointments import clock_minutes
from ._options import CalendarOptions, PmsmpLayout
from ._render import Address, EntryStatus, EntryView, cancelled, uid_for

__all__ = [
    "Key",
    "Views",
    "appointment_views",
    "calendar_id",
    "company_event_views",
    "flash_info_views",
    "pmsmp_views",
]

#: A view's place: its calendar and its UID.
Key = tuple[str, str]
#: The views of one moment.
Views = dict[Key, EntryView]

_MAX_ID: Final = 128
_PUBLIC: Final = frozenset({Audience.EMPLOYER, Audience.PRESCRIPTEUR, Audience.FUNDER})


def calendar_id(kind: str, key: str) -> str:
    """The id of one person's (or one structure's) calendar: ``"staff:cip-1"``.

    Kinds: ``staff``, ``siae`` (the team), ``salarie``, ``contact`` (someone at an
    employer: a tutor, a recruiter), ``employer`` (a company), ``prescripteur``.
    """
    calendar = f"{kind}:{key}"
    if len(calendar) <= _MAX_ID:
        return calendar
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return f"{kind}:{key[: _MAX_ID - len(kind) - 26]}-{digest}"


# -- who ---------------------------------------------------------------------------------------


def _cal_address(kind: str, key: str, email: str | None) -> str:
    return f"mailto:{email}" if email else f"urn:seve:{kind}:{key}"


def _staff_address(contact: StaffContact) -> Address:
    return Address(name=contact.name, uri=_cal_address("staff", contact.staff, contact.email))


def _member_address(structure: Structure, staff: StaffId) -> Address:
    member = structure.staff.get(staff)
    return Address(name=member.name if member else staff, uri=_cal_address("staff", staff, None))


def _team_address(siae: str, name: str | None) -> Address:
    return Address(name=name or "la structure", uri=_cal_address("siae", siae, None))


def _contact_line(contact: StaffContact) -> str:
    """``Karim Haddad, 06 12 34 56 78, karim@le-jardin.fr``."""
    return ", ".join(part for part in (contact.name, contact.phone, contact.email) if part)


def _call(contact: StaffContact | None) -> str:
    """Whom the salarié·e calls when something comes up."""
    if contact is None:
        return "Un empêchement, un retard ? Prévenez votre conseiller·e à la structure."
    how = f" au {contact.phone}" if contact.phone else ""
    return f"Un empêchement, un retard ? Prévenez {contact.name}{how}."


def _seen(instance: Any, audience: Audience) -> dict[str, Any]:
    """The fields of ``instance`` ``audience`` may read (the audience policy decides)."""
    return visible_fields(instance, audience)


# -- when --------------------------------------------------------------------------------------


def _at(day: dt.date, clock: str) -> dt.datetime:
    minutes = clock_minutes(clock)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=PARIS)


def _periods(day: ScheduleDay) -> list[Period]:
    """The periods of a day that start before they end, in order."""
    return sorted((p for p in day.periods if p.minutes > 0), key=lambda p: p.bounds)


def _periods_fr(periods: Sequence[Period]) -> str:
    """``de 9 h à 12 h, puis de 13 h à 17 h``."""
    return ", puis ".join(fr.span(p.start, p.end) for p in periods)


def _hours(value: Any) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


# -- building views ----------------------------------------------------------------------------


class _Builder:
    """Collects the views of one moment, one per calendar."""

    def __init__(self, options: CalendarOptions, *, categories: tuple[str, ...]) -> None:
        self.options = options
        self.categories = categories
        self.views: Views = {}

    def add(
        self,
        calendars: Iterable[str],
        *,
        uid: str,
        audience: Audience,
        start: dt.datetime | dt.date,
        end: dt.datetime | dt.date,
        summary: str,
        lines: Iterable[str | None],
        location: str | None,
        status: EntryStatus,
        sequence: int,
        organizer: Address,
        attendees: tuple[Address, ...] = (),
        transparent: bool = False,
        cancelled_why: str | None = None,
        cancel: bool = False,
    ) -> None:
        timed = isinstance(start, dt.datetime)
        for calendar in dict.fromkeys(calendars):
            view = EntryView(
                uid=uid,
                calendar=calendar,
                audience=audience,
                start=start,
                end=end,
                summary=summary,
                description="\n".join(line for line in lines if line),
                location=location,
                status=status,
                sequence=sequence,
                organizer=organizer,
                attendees=attendees if audience is Audience.STAFF else (),
                categories=self.categories,
                alarms=self.options.alarms_for(audience, timed=timed),
                transparent=transparent,
                private=audience not in _PUBLIC,
            )
            if cancel:
                view = cancelled(view, sequence=sequence, why=cancelled_why)
            self.views[(calendar, uid)] = view


def _staff_calendars(options: CalendarOptions, siae: str, staff: Iterable[StaffId]) -> list[str]:
    named = [calendar_id("staff", s) for s in sorted(set(staff))]
    if options.team_calendar or not named:
        named.append(calendar_id("siae", siae))
    return named


# -- PMSMP -------------------------------------------------------------------------------------

_PMSMP_LIVE: Final = {
    PmsmpStatus.DRAFTED: frozenset({Audience.STAFF}),
    PmsmpStatus.VALIDATED: frozenset(Audience),
    PmsmpStatus.STARTED: frozenset(Audience),
    PmsmpStatus.ENDED: frozenset(Audience),
}


def pmsmp_views(parcours: Parcours, pmsmp: Pmsmp, options: CalendarOptions) -> Views:
    """The views of one PMSMP: the staff's (the referent's, the team's) and the
    prescripteur's over the period; the salarié·e's and the tutor's day by day (see
    :class:`~seve.calendar.CalendarOptions`).

    A drafted PMSMP is in the staff's calendars only, as tentative; once validated,
    in everyone's; rejected or cancelled, it is cancelled everywhere it was.  Ended
    with a partial bilan, the days after the last day of presence are cancelled;
    when the person did not show, every day is.
    """
    c = pmsmp.convention
    status = pmsmp.status
    live = _PMSMP_LIVE.get(status, frozenset(Audience))
    dead = status in (PmsmpStatus.REJECTED, PmsmpStatus.CANCELLED)
    bilan = pmsmp.bilan
    last_day = c.end
    if status is PmsmpStatus.ENDED and bilan is not None:
        if bilan.outcome is PmsmpOutcome.NOT_SHOWN:
            dead = True
        elif bilan.outcome is PmsmpOutcome.PARTIAL and bilan.last_day is not None:
            last_day = min(bilan.last_day, c.end)
    why = None
    if status is PmsmpStatus.ENDED and dead:
        why = PmsmpOutcome.NOT_SHOWN.label.lower()
    entry_status = EntryStatus.TENTATIVE if status is PmsmpStatus.DRAFTED else EntryStatus.CONFIRMED
    referent = c.referent
    organizer = _staff_address(referent) if referent else _team_address(parcours.siae, None)
    build = _Builder(options, categories=("PMSMP",))
    days = [(d, ps) for d in c.schedule if (ps := _periods(d)) and c.start <= d.date <= c.end]
    stream = parcours.stream

    def add(audience: Audience, calendars: list[str], layout: PmsmpLayout) -> None:
        if audience not in live or not calendars:
            return
        text = _PMSMP_TEXTS[audience]
        # (uid key, start, end, periods of the day or None, cancelled)
        entries: list[tuple[str, dt.date | dt.datetime, dt.date | dt.datetime, Any, bool]]
        if layout is PmsmpLayout.PERIOD:
            end = min(last_day, c.end) + dt.timedelta(days=1)
            entries = [("periode", c.start, end, None, dead)]
        else:
            entries = [
                (
                    day.date.isoformat(),
                    _at(day.date, periods[0].start),
                    _at(day.date, max(periods, key=lambda p: p.bounds[1]).end),
                    periods,
                    dead or day.date > last_day,
                )
                for day, periods in days
            ]
        for key, start, end, periods, cancel in entries:
            shown = _PmsmpShown(
                parcours=parcours, pmsmp=pmsmp, audience=audience, periods=periods, days=days
            )
            build.add(
                calendars,
                uid=uid_for("pmsmp", stream, c.id, key, audience.value),
                audience=audience,
                start=start,
                end=end,
                summary=text.summary(shown),
                lines=text.lines(shown),
                location=_location(c, audience),
                status=entry_status,
                sequence=pmsmp.sequence,
                organizer=organizer,
                attendees=(organizer,) if referent else (),
                transparent=periods is None,
                cancel=cancel,
                cancelled_why=_pmsmp_why(pmsmp, audience, why),
            )

    staff = [referent.staff] if referent else []
    add(Audience.STAFF, _staff_calendars(options, parcours.siae, staff), options.staff_pmsmp)
    add(Audience.SALARIE, [calendar_id("salarie", parcours.salarie)], options.pmsmp)
    add(Audience.EMPLOYER, [calendar_id("contact", c.tutor)], options.pmsmp)
    prescripteur = _seen(c, Audience.PRESCRIPTEUR).get("prescripteur")
    if prescripteur is not None and policy(Audience.PRESCRIPTEUR).prescripteur:
        add(Audience.PRESCRIPTEUR, [calendar_id("prescripteur", prescripteur)], options.staff_pmsmp)
    return build.views


def _pmsmp_why(pmsmp: Pmsmp, audience: Audience, outcome: str | None) -> str | None:
    """Why it is cancelled, as ``audience`` may read it: the reason for the staff only
    (for the others it is the staff's words about them), the outcome for all."""
    if outcome is not None:
        return outcome
    if audience is Audience.STAFF:
        return _seen(pmsmp, audience).get("reason")
    return None


def _location(convention: Any, audience: Audience) -> str | None:
    place = _seen(convention, audience).get("place")
    return place.address if place is not None else None


@frozen(kw_only=True)
class _PmsmpShown:
    """What a PMSMP entry is about, for one audience: ``periods``, those of its day
    (``None``: the entry spans the whole period); ``days``, the days of presence."""

    parcours: Parcours
    pmsmp: Pmsmp
    audience: Audience
    periods: Sequence[Period] | None
    days: Sequence[tuple[ScheduleDay, list[Period]]]

    @property
    def name(self) -> str:
        return _name(self.parcours, self.audience)

    @property
    def convention(self) -> dict[str, Any]:
        """The convention's fields the audience may read."""
        return _seen(self.pmsmp.convention, self.audience)

    @property
    def place_name(self) -> str | None:
        return _place_name(self.pmsmp.convention, self.audience)

    def schedule(self, days_label: str) -> str | None:
        """Its hours on the entry of a day, its days (``days_label : ...``) on the
        entry of the period."""
        if self.periods:
            return f"Ce jour-là : {_periods_fr(self.periods)}."
        if self.periods is None and self.days:
            return f"{days_label} : {_days_fr(self.days)}."
        return None


class _PmsmpText:
    """The words of a PMSMP entry for one audience."""

    def summary(self, shown: _PmsmpShown) -> str:
        raise NotImplementedError

    def lines(self, shown: _PmsmpShown) -> list[str | None]:
        raise NotImplementedError


def _name(parcours: Parcours, audience: Audience) -> str:
    return name_for(parcours.personal, audience, pseudonym=parcours.salarie)


def _place_name(convention: Any, audience: Audience) -> str | None:
    place = _seen(convention, audience).get("place")
    return place.name if place is not None else None


def _dates(start: dt.date, end: dt.date) -> str:
    if start == end:
        return f"le {fr.long_date(start)}"
    return f"du {fr.long_date(start)} au {fr.long_date(end)}"


def _days_fr(days: Sequence[tuple[ScheduleDay, list[Period]]]) -> str:
    return " ; ".join(f"{fr.short_date(d.date)} {_periods_fr(ps)}" for d, ps in days)


class _StaffPmsmp(_PmsmpText):
    def summary(self, shown: _PmsmpShown) -> str:
        where = shown.place_name or shown.pmsmp.convention.host
        return f"PMSMP {shown.name} – {where}"

    def lines(self, shown: _PmsmpShown) -> list[str | None]:
        c, parcours, pmsmp, audience = shown.convention, shown.parcours, shown.pmsmp, shown.audience
        rules = policy(audience)
        person = _seen(parcours.personal, audience) if parcours.personal else {}
        place = c.get("place")
        referent = c.get("referent")
        tutor = c.get("tutor_name")
        hours = pmsmp.convention.hours
        prescripteur = c.get("prescripteur") or _seen(parcours, audience).get("prescripteur")
        return [
            f"PMSMP {pmsmp.id} de {shown.name} (parcours {parcours.stream})",
            (
                f"{_upper_first(_dates(c['start'], c['end']))} : {len(shown.days)} jour(s) "
                f"de présence, {_hours(hours)} h."
            ),
            f"Statut : {_STATUS_SHOWN.get(pmsmp.status, pmsmp.status).label.lower()}"
            + (f" ; bilan : {pmsmp.bilan.outcome.label.lower()}" if pmsmp.bilan else "")
            + ".",
            f"Objet : {c['objective'].label.lower()}.",
            f"Activités : {' ; '.join(c['tasks'])}." if c.get("tasks") else None,
            f"Lieu : {place.address}." if place else None,
            f"Accès : {place.access}." if place and place.access else None,
            f"Structure d'accueil : {c['host']} ; tuteur·rice : "
            + (f"{tutor} ({c['tutor']})" if tutor else c["tutor"])
            + ".",
            f"Référent·e : {_contact_line(referent)}." if referent else None,
            f"Prescripteur : {prescripteur}." if prescripteur and rules.prescripteur else None,
            _person_contact(person, audience),
            shown.schedule("Jours"),
        ]


#: The status a calendar shows: a PMSMP started is validated (starting raises no sequence).
_STATUS_SHOWN: Final = {PmsmpStatus.STARTED: PmsmpStatus.VALIDATED}


def _person_contact(person: dict[str, Any], audience: Audience) -> str | None:
    if not policy(audience).person_contact:
        return None
    parts = [
        f"{label} : {person[name]}"
        for name, label in (("phone", "téléphone"), ("email", "courriel"))
        if person.get(name)
    ]
    return f"Pour joindre la personne : {' ; '.join(parts)}." if parts else None


class _SalariePmsmp(_PmsmpText):
    def summary(self, shown: _PmsmpShown) -> str:
        where = shown.place_name
        return f"PMSMP chez {where}" if where else "PMSMP"

    def lines(self, shown: _PmsmpShown) -> list[str | None]:
        c = shown.convention
        place = c.get("place")
        tutor = c.get("tutor_name")
        bring = ["votre convention de PMSMP signée", *c.get("bring", ())]
        return [
            (
                "Votre période de mise en situation en milieu professionnel (PMSMP), pour "
                f"{_lower_first(c['objective'].label)}, {_dates(c['start'], c['end'])}."
            ),
            shown.schedule("Vos jours"),
            f"Adresse : {place.address}." if place else None,
            f"Accès : {place.access}." if place and place.access else None,
            f"À l'arrivée, demandez {tutor}, votre tuteur·rice."
            if tutor
            else "À l'arrivée, présentez-vous à l'accueil et demandez votre tuteur·rice.",
            f"Ce que vous ferez : {' ; '.join(c['tasks'])}." if c.get("tasks") else None,
            f"À apporter : {' ; '.join(bring)}.",
            _call(c.get("referent")),
        ]


class _EmployerPmsmp(_PmsmpText):
    def summary(self, shown: _PmsmpShown) -> str:
        return f"PMSMP : accueil de {shown.name}"

    def lines(self, shown: _PmsmpShown) -> list[str | None]:
        c = shown.convention
        place = c.get("place")
        referent = c.get("referent")
        return [
            (
                f"Vous accueillez {shown.name} en période de mise en situation en "
                f"milieu professionnel (PMSMP) {_dates(c['start'], c['end'])}."
            ),
            shown.schedule("Jours de présence"),
            f"Objet : {_lower_first(c['objective'].label)}.",
            f"Activités prévues : {' ; '.join(c['tasks'])}." if c.get("tasks") else None,
            f"Lieu : {place.address}." if place else None,
            "Contact à la structure d'insertion : "
            + (f"{_contact_line(referent)}." if referent else "la structure d'insertion."),
        ]


class _PrescripteurPmsmp(_PmsmpText):
    def summary(self, shown: _PmsmpShown) -> str:
        where = shown.place_name
        return f"PMSMP {shown.name}" + (f" – {where}" if where else "")

    def lines(self, shown: _PmsmpShown) -> list[str | None]:
        c = shown.convention
        place = c.get("place")
        referent = c.get("referent")
        return [
            (
                f"PMSMP de {shown.name} {_dates(c['start'], c['end'])}, pour "
                f"{_lower_first(c['objective'].label)}."
            ),
            f"Lieu : {place.address}." if place else None,
            f"Contact à la structure : {_contact_line(referent)}." if referent else None,
        ]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


_PMSMP_TEXTS: Final[dict[Audience, _PmsmpText]] = {
    Audience.STAFF: _StaffPmsmp(),
    Audience.SALARIE: _SalariePmsmp(),
    Audience.EMPLOYER: _EmployerPmsmp(),
    Audience.PRESCRIPTEUR: _PrescripteurPmsmp(),
}


# -- appointments ------------------------------------------------------------------------------


def appointment_views(
    parcours: Parcours, appointment: Appointment, options: CalendarOptions
) -> Views:
    """The views of one appointment: the referent's and the team's (a ``REQUEST``),
    the salarié·e's, and the employer contact's when someone at an employer is met."""
    a = appointment
    build = _Builder(options, categories=(a.kind.label,))
    start, end = _at(a.date, a.start), _at(a.date, a.end)
    dead = a.status is AgendaStatus.CANCELLED
    organizer = _staff_address(a.referent)
    stream = parcours.stream

    def add(
        audience: Audience, calendars: list[str], summary: str, lines: list[str | None]
    ) -> None:
        seen = _seen(a, audience)
        build.add(
            calendars,
            uid=uid_for("rdv", stream, a.id, audience.value),
            audience=audience,
            start=start,
            end=end,
            summary=summary,
            lines=lines,
            location=seen["place"].address,
            status=EntryStatus.CONFIRMED,
            sequence=a.sequence,
            organizer=organizer,
            attendees=(organizer,),
            cancel=dead,
            cancelled_why=seen.get("reason") if audience is Audience.STAFF else None,
        )

    staff = _seen(a, Audience.STAFF)
    person = _seen(parcours.personal, Audience.STAFF) if parcours.personal else {}
    met = staff.get("employer_contact")
    add(
        Audience.STAFF,
        _staff_calendars(options, parcours.siae, [a.referent.staff]),
        f"{a.kind.label} – {_name(parcours, Audience.STAFF)}",
        [
            (
                f"{a.kind.label} avec {_name(parcours, Audience.STAFF)} (parcours {stream}), "
                f"le {fr.long_date(a.date)}, {fr.span(a.start, a.end)}."
            ),
            f"Objet : {staff['topic']}." if staff.get("topic") else None,
            f"Lieu : {staff['place'].address}.",
            f"Reçu·e par : {_employer_line(met)}." if met else None,
            f"Employeur : {staff['employer']}." if staff.get("employer") else None,
            f"À apporter : {' ; '.join(staff['bring'])}." if staff.get("bring") else None,
            f"Note : {staff['note']}."
            if staff.get("note") and policy(Audience.STAFF).private_notes
            else None,
            _person_contact(person, Audience.STAFF),
        ],
    )
    seen = _seen(a, Audience.SALARIE)
    add(
        Audience.SALARIE,
        [calendar_id("salarie", parcours.salarie)],
        _salarie_appointment_summary(a, seen),
        [
            f"Le {fr.long_date(a.date)}, {fr.span(a.start, a.end)}.",
            f"Pour : {seen['topic']}." if seen.get("topic") else None,
            f"Adresse : {seen['place'].address}.",
            f"Accès : {seen['place'].access}." if seen["place"].access else None,
            f"Vous serez reçu·e par {_employer_line(seen['employer_contact'], phone=False)}."
            if seen.get("employer_contact")
            else None,
            f"À apporter : {' ; '.join(seen['bring'])}." if seen.get("bring") else None,
            _call(seen["referent"]),
        ],
    )
    if met is not None:
        seen = _seen(a, Audience.EMPLOYER)
        first_name = _name(parcours, Audience.EMPLOYER)
        add(
            Audience.EMPLOYER,
            [calendar_id("contact", met.contact)],
            f"{a.kind.label} : {first_name}",
            [
                _employer_appointment_head(a.kind, first_name),
                f"Le {fr.long_date(a.date)}, {fr.span(a.start, a.end)}.",
                f"Lieu : {seen['place'].address}.",
                f"Contact à la structure d'insertion : {_contact_line(seen['referent'])}.",
            ],
        )
    return build.views


def _employer_line(contact: Any, *, phone: bool = True) -> str:
    parts = [contact.name]
    if contact.job_title:
        parts[0] += f" ({contact.job_title})"
    if phone and contact.phone:
        parts.append(contact.phone)
    return ", ".join(parts)


def _salarie_appointment_summary(a: Appointment, seen: dict[str, Any]) -> str:
    if a.kind is AppointmentKind.ENTRETIEN_EMBAUCHE:
        return f"Entretien d'embauche – {seen['place'].name}"
    if a.kind is AppointmentKind.SUIVI:
        return f"Rendez-vous de suivi avec {seen['referent'].name}"
    return f"Rendez-vous avec {seen['referent'].name}"


def _employer_appointment_head(kind: AppointmentKind, first_name: str) -> str:
    if kind is AppointmentKind.ENTRETIEN_EMBAUCHE:
        return f"Entretien avec {first_name}, candidat·e proposé·e par une structure d'insertion."
    if kind is AppointmentKind.SUIVI:
        return f"Point de suivi dans l'emploi de {first_name}, avec la structure d'insertion."
    return f"Rendez-vous au sujet de {first_name}, avec la structure d'insertion."


# -- company events and Flash Info ---------------------------------------------------------------


def _in_calendars(moment: CompanyEvent | FlashInfo) -> bool:
    """A moment recorded once held, never scheduled, stays out of calendars."""
    return moment.status is not AgendaStatus.HELD or moment.sequence > 0


def _when(moment: CompanyEvent | FlashInfo) -> tuple[dt.datetime | dt.date, dt.datetime | dt.date]:
    if moment.start is not None and moment.end is not None:
        return _at(moment.date, moment.start), _at(moment.date, moment.end)
    return moment.date, moment.date + dt.timedelta(days=1)


def _when_fr(moment: CompanyEvent | FlashInfo) -> str:
    if moment.start is not None and moment.end is not None:
        return f"Le {fr.long_date(moment.date)}, {fr.span(moment.start, moment.end)}."
    return f"Le {fr.long_date(moment.date)}."


def _collective(
    structure: Structure,
    moment: CompanyEvent | FlashInfo,
    options: CalendarOptions,
    *,
    kind: str,
    label: str,
    staff: Iterable[StaffId],
    organizer_id: StaffId | None,
    summary: str,
    staff_lines: list[str | None],
    others: Sequence[tuple[Audience, list[str]]],
) -> Views:
    """The views of a company event or a Flash Info (they differ only in words)."""
    if not _in_calendars(moment):
        return {}
    build = _Builder(options, categories=(label,))
    start, end = _when(moment)
    siae = structure.siae
    contact = moment.contact
    if contact is not None:
        organizer = _staff_address(contact)
    elif organizer_id is not None:
        organizer = _member_address(structure, organizer_id)
    else:
        organizer = _team_address(siae.id, siae.name)
    members = sorted({*staff, *([contact.staff] if contact else [])})
    attendees = tuple(
        _staff_address(contact) if contact and s == contact.staff else _member_address(structure, s)
        for s in members
    )
    dead = moment.status is AgendaStatus.CANCELLED

    def add(audience: Audience, calendars: list[str], text: str, lines: list[str | None]) -> None:
        seen = _seen(moment, audience)
        place = seen.get("place")
        build.add(
            calendars,
            uid=uid_for(kind, structure.stream, moment.id, audience.value),
            audience=audience,
            start=start,
            end=end,
            summary=text,
            lines=lines,
            location=place.address if place else None,
            status=EntryStatus.CONFIRMED,
            sequence=moment.sequence,
            organizer=organizer,
            attendees=attendees,
            cancel=dead,
            cancelled_why=seen.get("reason"),
        )

    add(Audience.STAFF, _staff_calendars(options, siae.id, members), summary, staff_lines)
    for audience, calendars in others:
        seen = _seen(moment, audience)
        place = seen.get("place")
        call = seen.get("contact")
        lines: list[str | None] = [
            _collective_head(moment, audience, siae.name, label),
            _when_fr(moment),
            f"Adresse : {place.address}." if place else None,
            f"Accès : {place.access}." if place and place.access else None,
        ]
        if audience is Audience.SALARIE:
            bring = seen.get("bring")
            lines += [f"À apporter : {' ; '.join(bring)}." if bring else None, _call(call)]
        else:
            lines += [
                _invited_count(moment),
                f"Contact à {siae.name} : {_contact_line(call)}."
                if call
                else f"Organisé par {siae.name}.",
            ]
        add(audience, calendars, summary, lines)
    return build.views


def _invited_count(moment: CompanyEvent | FlashInfo) -> str | None:
    """How many salarié·es are invited: a count, never who."""
    count = len(moment.invited)
    if not count:
        return None
    return f"{count} salarié·e(s) en transition inscrit·e(s)."


def _collective_head(
    moment: CompanyEvent | FlashInfo, audience: Audience, siae: str, label: str
) -> str:
    if isinstance(moment, FlashInfo):
        topics = " ; ".join(_seen(moment, audience).get("topics", ()))
        if audience is Audience.SALARIE:
            return f"Flash Info à {siae}, sur les métiers et les entreprises : {topics}."
        return f"Flash Info de {siae} avec ses salarié·es en transition : {topics}."
    title = _seen(moment, audience).get("title")
    what = f"{label} « {title} »" if title else label
    if audience is Audience.SALARIE:
        return f"Inscription : {what}, organisé par {siae}."
    return f"{what}, organisé par {siae}."


def company_event_views(
    structure: Structure, event: CompanyEvent, options: CalendarOptions
) -> Views:
    """The views of a company event: the staff's (a ``REQUEST`` to each permanent·e
    named, and the team's), each invited salarié·e's, each employer's and each
    prescripteur's.  Employers and prescripteurs learn how many salarié·es come,
    never who."""
    label = event.kind.label
    summary = f"{label} : {event.title}" if event.title else label
    staff = _seen(event, Audience.STAFF)
    lines: list[str | None] = [
        f"{summary} ({event.id}), {structure.siae.name}.",
        _when_fr(event),
        f"Lieu : {staff['place'].address}." if staff.get("place") else None,
        f"Employeurs : {', '.join(sorted(staff['employers']))}." if staff["employers"] else None,
        f"Prescripteurs : {', '.join(sorted(staff['prescripteurs']))}."
        if staff["prescripteurs"]
        else None,
        f"Inscrit·es ({len(staff['invited'])}) : {', '.join(sorted(staff['invited']))}."
        if staff.get("invited")
        else None,
        f"À apporter : {' ; '.join(staff['bring'])}." if staff.get("bring") else None,
    ]
    others: list[tuple[Audience, list[str]]] = [
        *((Audience.SALARIE, [calendar_id("salarie", s)]) for s in sorted(event.invited)),
        *((Audience.EMPLOYER, [calendar_id("employer", e)]) for e in sorted(event.employers)),
        *(
            (Audience.PRESCRIPTEUR, [calendar_id("prescripteur", p)])
            for p in sorted(event.prescripteurs)
        ),
    ]
    return _collective(
        structure,
        event,
        options,
        kind="evenement",
        label=label,
        staff=event.staff,
        organizer_id=min(event.staff) if event.staff else None,
        summary=summary,
        staff_lines=lines,
        others=_grouped(others),
    )


def flash_info_views(structure: Structure, session: FlashInfo, options: CalendarOptions) -> Views:
    """The views of a Flash Info: the staff's (who leads it, the team), each invited
    salarié·e's, and each employer's who comes to present its trades."""
    staff = _seen(session, Audience.STAFF)
    summary = "Flash Info" + (f" : {session.topics[0]}" if len(session.topics) == 1 else "")
    lines: list[str | None] = [
        f"Flash Info {session.id}, {structure.siae.name} : {' ; '.join(staff['topics'])}.",
        _when_fr(session),
        f"Lieu : {staff['place'].address}." if staff.get("place") else None,
        f"Employeurs : {', '.join(sorted(staff['employers']))}." if staff["employers"] else None,
        f"Inscrit·es ({len(staff['invited'])}) : {', '.join(sorted(staff['invited']))}."
        if staff.get("invited")
        else None,
    ]
    others: list[tuple[Audience, list[str]]] = [
        *((Audience.SALARIE, [calendar_id("salarie", s)]) for s in sorted(session.invited)),
        *((Audience.EMPLOYER, [calendar_id("employer", e)]) for e in sorted(session.employers)),
    ]
    return _collective(
        structure,
        session,
        options,
        kind="flash",
        label="Flash Info",
        staff=[session.led_by],
        organizer_id=session.led_by,
        summary=summary,
        staff_lines=lines,
        others=_grouped(others),
    )


def _grouped(pairs: Iterable[tuple[Audience, list[str]]]) -> list[tuple[Audience, list[str]]]:
    """One entry per audience, with all its calendars (they share one UID)."""
    grouped: dict[Audience, list[str]] = {}
    for audience, calendars in pairs:
        grouped.setdefault(audience, []).extend(calendars)
    return list(grouped.items())
