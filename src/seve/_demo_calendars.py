"""``seve demo``'s calendars: the agenda of the synthetic year, published to .ics feeds.

The synthetic year has PMSMP; a team also makes appointments and plans collective
moments.  :func:`with_agenda` adds them to the year, drawn from a generator of their
own (the other events stay those of the scenario):

- an entretien with the person's CIP before each bilan, a suivi meeting before each
  suivi dans l'emploi contact (with the new employer's contact when it is the employer
  who is met); a few are moved, a few cancelled;
- a Flash Info on the first Tuesday of each month, for a group of the salarié·es
  under contract that day, with an employer of the network; then held;
- a job dating each quarter with two employers, and once a year a "cas d'école" day
  with the prescripteurs of the people invited; one is moved.

:class:`DemoCalendars` records the year with the calendar plugin ``seve-ics`` when it
is installed, so that seve's planner puts the calendar effects in the outbox, then
delivers them: one feed per audience and per person, in a folder next to the journal.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import attrs

from .app import Dispatcher
from .audience import Audience
from .hooks import Plugins
from .model import (
    PARIS,
    Appointment,
    AppointmentCancelled,
    AppointmentChanged,
    AppointmentId,
    AppointmentKind,
    AppointmentScheduled,
    BilanRecorded,
    ClockTime,
    CompanyEvent,
    CompanyEventChanged,
    CompanyEventHeld,
    CompanyEventId,
    CompanyEventKind,
    CompanyEventScheduled,
    CompanyRegistered,
    ContactAdded,
    ContactPerson,
    Embauche,
    EmployerContact,
    EmployerId,
    Event,
    EventId,
    FlashInfo,
    FlashInfoCancelled,
    FlashInfoHeld,
    FlashInfoId,
    FlashInfoScheduled,
    Place,
    PrescripteurId,
    SalarieId,
    SiaeRegistered,
    SortieRecorded,
    StaffContact,
    StaffId,
    StaffMemberJoined,
    StaffRole,
    StreamId,
    SuiviContactRecorded,
    SuiviWith,
)
from .storage import Store

__all__ = ["DemoCalendars", "with_agenda"]

#: Who reads the feeds, in the demo's summary.
_READERS: Final = {
    Audience.STAFF: "équipe",
    Audience.SALARIE: "salarié·es",
    Audience.EMPLOYER: "employeurs et tuteur·rices",
    Audience.PRESCRIPTEUR: "prescripteurs",
    Audience.FUNDER: "financeurs",
}
#: The demo's fictitious phone numbers for the staff: 03 21 00 00 10, 11...
_PHONE: Final = "03 21 00 00 {:02d}"
_TUESDAY: Final = 1


@attrs.frozen
class _Parcours:
    stream: str
    salarie: SalarieId
    hired: dt.date
    hired_at: dt.datetime
    left: dt.date | None = None
    left_at: dt.datetime | None = None
    prescripteur: str | None = None


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower())
    return "".join(c if c.isalnum() else "." for c in plain if not unicodedata.combining(c))


class _Agenda:
    """What the synthetic year says of its people, and the agenda drawn from it."""

    def __init__(self, events: list[Event[Any]], seed: int) -> None:
        self.rng = random.Random(f"{seed}:agenda")
        self.added: defaultdict[str, list[Event[Any]]] = defaultdict(list)
        self.parcours: dict[str, _Parcours] = {}
        self.contacts: dict[EmployerId, ContactPerson] = {}
        self.employers: dict[EmployerId, str] = {}
        self.staff: list[StaffContact] = []
        self.relations: StaffContact | None = None
        self.structure: str | None = None
        self.siae_name = "la structure"
        self.count = 0
        self._read(events)
        self.place = Place(name=f"{self.siae_name}, salle de réunion")

    def _read(self, events: list[Event[Any]]) -> None:
        members: list[Any] = []
        for event in events:
            payload = event.payload
            if isinstance(payload, SiaeRegistered):
                self.structure = event.stream
                self.siae_name = payload.siae.name
            elif isinstance(payload, StaffMemberJoined):
                members.append(payload.member)
            elif isinstance(payload, CompanyRegistered):
                self.employers[payload.company.id] = payload.company.name
            elif isinstance(payload, ContactAdded):
                self.contacts.setdefault(payload.contact.employer, payload.contact)
            elif isinstance(payload, Embauche):
                self.parcours[event.stream] = _Parcours(
                    stream=event.stream,
                    salarie=payload.salarie,
                    hired=event.day,
                    hired_at=event.occurred_at,
                    prescripteur=payload.prescripteur,
                )
            elif isinstance(payload, SortieRecorded):
                known = self.parcours[event.stream]
                self.parcours[event.stream] = attrs.evolve(
                    known, left=payload.sortie.date, left_at=event.occurred_at
                )
        domain = _slug(self.siae_name).strip(".") + ".example"
        for n, member in enumerate(members):
            contact = StaffContact(
                staff=member.id,
                name=member.name,
                phone=_PHONE.format(10 + n),
                email=f"{_slug(member.name)}@{domain}",
            )
            if StaffRole.CIP in member.roles:
                self.staff.append(contact)
            if StaffRole.RELATIONS_ENTREPRISES in member.roles and self.relations is None:
                self.relations = contact
        if not self.staff and members:
            self.staff = [StaffContact(staff=m.id, name=m.name) for m in members[:1]]

    def add(self, stream: str, at: dt.datetime, by: StaffId, payload: Any) -> None:
        self.count += 1
        self.added[stream].append(
            Event(
                id=EventId(f"agenda-{self.count}"),
                stream=StreamId(stream),
                occurred_at=at,
                recorded_at=at,
                recorded_by=by,
                payload=payload,
            )
        )

    def slot(self, length: int = 60) -> tuple[ClockTime, ClockTime]:
        """A slot of ``length`` minutes, in the morning or the afternoon."""
        start = self.rng.choice([9 * 60, 10 * 60, 11 * 60, 14 * 60, 15 * 60 + 30])
        end = start + length
        return (
            ClockTime(f"{start // 60:02}:{start % 60:02}"),
            ClockTime(f"{end // 60:02}:{end % 60:02}"),
        )

    # -- appointments -------------------------------------------------------------------------

    def appointments(self, events: list[Event[Any]]) -> None:
        index: Counter[str] = Counter()
        for event in events:
            payload = event.payload
            known = self.parcours.get(event.stream)
            if known is None or not self.staff:
                continue
            referent = self.staff[sum(map(ord, known.salarie)) % len(self.staff)]
            if isinstance(payload, BilanRecorded):
                kind, topic = AppointmentKind.ENTRETIEN, payload.bilan.kind.label
                bring: tuple[str, ...] = ("votre CV à jour",)
                met, employer = None, None
                not_before = known.hired_at
            elif isinstance(payload, SuiviContactRecorded) and known.left_at is not None:
                kind, topic, bring = (
                    AppointmentKind.SUIVI,
                    "Comment se passe le nouvel emploi ?",
                    (),
                )
                employer = payload.contact.employer
                met = None
                if payload.contact.party is SuiviWith.EMPLOYEUR and employer in self.contacts:
                    assert employer is not None
                    person = self.contacts[employer]
                    met = EmployerContact(
                        contact=person.id,
                        name=person.name,
                        job_title=person.job_title,
                        phone=person.phone,
                        email=person.email,
                    )
                not_before = known.left_at
            else:
                continue
            day = event.day
            if kind is AppointmentKind.SUIVI and known.left is not None and day < known.left:
                continue
            index[event.stream] += 1
            start, end = self.slot()
            appointment = Appointment(
                id=AppointmentId(f"rdv-{index[event.stream]}"),
                kind=kind,
                date=day,
                start=start,
                end=end,
                place=self.place,
                referent=referent,
                topic=topic,
                bring=bring,
                employer_contact=met,
                employer=employer if met else None,
            )
            scheduled = max(_at(day - dt.timedelta(days=10), 16), not_before)
            planned = AppointmentScheduled(appointment=appointment)
            self.add(event.stream, scheduled, referent.staff, planned)
            draw = self.rng.random()
            later = scheduled + dt.timedelta(days=2)
            if draw < 0.15:
                start, end = self.slot()
                moved = attrs.evolve(appointment, start=start, end=end)
                self.add(event.stream, later, referent.staff, AppointmentChanged(appointment=moved))
            elif draw < 0.22:
                cancelled = AppointmentCancelled(
                    appointment=appointment.id, reason="empêchement signalé, à reprogrammer"
                )
                self.add(event.stream, later, referent.staff, cancelled)

    # -- collective moments --------------------------------------------------------------------

    def under_contract(self, day: dt.date) -> list[SalarieId]:
        return sorted(
            p.salarie
            for p in self.parcours.values()
            if p.hired <= day and (p.left is None or day <= p.left)
        )

    def collective(self, first: dt.date, last: dt.date) -> None:
        if self.structure is None or not self.staff:
            return
        employers = sorted(self.employers)
        month = first.replace(day=1)
        n = 0
        while month <= last:
            n += 1
            day = month + dt.timedelta(days=(_TUESDAY - month.weekday()) % 7)
            month = (month + dt.timedelta(days=32)).replace(day=1)
            people = self.under_contract(day)
            if day > last or len(people) < 2:
                continue
            lead = self.staff[n % len(self.staff)]
            invited = frozenset(self.rng.sample(people, min(8, len(people))))
            guests = frozenset(self.rng.sample(employers, 1)) if employers else frozenset()
            session = FlashInfo(
                id=FlashInfoId(f"fi-{day:%Y-%m}"),
                date=day,
                led_by=lead.staff,
                topics=("Les métiers qui recrutent près de chez vous",),
                start=ClockTime("14:00"),
                end=ClockTime("15:00"),
                place=self.place,
                contact=lead,
                invited=invited,
                employers=guests,
            )
            announced = _at(day - dt.timedelta(days=14), 9)
            self.add(self.structure, announced, lead.staff, FlashInfoScheduled(session=session))
            if self.rng.random() < 0.1:
                cancelled = FlashInfoCancelled(session=session.id, reason="salle indisponible")
                self.add(self.structure, announced + dt.timedelta(days=7), lead.staff, cancelled)
                continue
            present = frozenset(s for s in invited if self.rng.random() < 0.8)
            held = FlashInfo(
                id=session.id, date=day, led_by=lead.staff, topics=session.topics, present=present
            )
            self.add(self.structure, _at(day, 15, 30), lead.staff, FlashInfoHeld(session=held))
        self._job_datings(first, last, employers)

    def _job_datings(self, first: dt.date, last: dt.date, employers: list[EmployerId]) -> None:
        assert self.structure is not None
        organiser = self.relations or self.staff[0]
        quarter = dt.date(first.year, 1 + 3 * ((first.month - 1) // 3), 1)
        n = 0
        while quarter <= last and len(employers) >= 2:
            n += 1
            day = quarter + dt.timedelta(days=44)
            day += dt.timedelta(days=(3 - day.weekday()) % 7)  # a Thursday
            quarter = dt.date(quarter.year + quarter.month // 10, (quarter.month + 2) % 12 + 1, 1)
            people = self.under_contract(day)
            if day > last or len(people) < 2:
                continue
            invited = frozenset(self.rng.sample(people, min(6, len(people))))
            yearly = day.month == 5  # the "cas d'école" day, with the prescripteurs
            prescripteurs = frozenset(
                PrescripteurId(p.prescripteur)
                for p in self.parcours.values()
                if yearly and p.salarie in invited and p.prescripteur
            )
            guests = frozenset(self.rng.sample(employers, 2))
            kind = CompanyEventKind.CAS_D_ECOLE if yearly else CompanyEventKind.JOB_DATING
            names = " et ".join(sorted(self.employers[e] for e in guests))
            event = CompanyEvent(
                id=CompanyEventId(f"agenda-{kind.value}-{day:%Y-%m}"),
                kind=kind,
                date=day,
                title=names,
                start=ClockTime("14:00"),
                end=ClockTime("17:00"),
                place=self.place,
                contact=organiser,
                employers=guests,
                staff=frozenset({organiser.staff, self.staff[n % len(self.staff)].staff}),
                prescripteurs=prescripteurs,
                invited=invited,
                bring=("votre CV",),
            )
            announced = _at(day - dt.timedelta(days=21), 10)
            who = organiser.staff
            self.add(self.structure, announced, who, CompanyEventScheduled(event=event))
            if n % 3 == 1:
                moved = attrs.evolve(event, start=ClockTime("13:30"), end=ClockTime("16:30"))
                changed = CompanyEventChanged(event=moved)
                self.add(self.structure, announced + dt.timedelta(days=3), who, changed)
            held = CompanyEvent(
                id=event.id, kind=kind, date=day, participants=frozenset(sorted(invited)[:-1])
            )
            self.add(self.structure, _at(day, 17, 30), who, CompanyEventHeld(event=held))


def with_agenda(events: Iterable[Event[Any]], *, seed: int) -> list[Event[Any]]:
    """The synthetic year's events with its agenda (see the module): each stream's
    events in the order of time, the agenda's after the year's at the same instant."""
    year = list(events)
    if not year:
        return year
    agenda = _Agenda(year, seed)
    agenda.appointments(year)
    days = [event.day for event in year]
    agenda.collective(min(days), max(days))
    pending = {stream: sorted(added, key=lambda e: e.occurred_at.timestamp())
               for stream, added in agenda.added.items()}  # fmt: skip
    merged: list[Event[Any]] = []
    for event in year:  # the year's order, each agenda event just before the first later one
        waiting = pending.get(event.stream)
        while waiting and waiting[0].occurred_at.timestamp() < event.occurred_at.timestamp():
            merged.append(waiting.pop(0))
        merged.append(event)
    for waiting in pending.values():
        merged.extend(waiting)
    return merged


class DemoCalendars:
    """The demo's calendar feeds, next to its journal, when ``seve-ics`` is installed.

    :param journal: the demo's SQLite file; the feeds go in ``<name>-agendas``.
    """

    def __init__(self, journal: Path) -> None:
        self.directory = journal.with_name(f"{journal.stem}-agendas")
        self.plugins: Plugins | None = None
        self._feeds: Any = None
        try:
            from seve_ics import IcsFeeds
        except ImportError:
            return
        if (self.directory / ".seve-ics").exists():
            shutil.rmtree(self.directory)  # the demo's own feeds, from an earlier run
        self._feeds = IcsFeeds(self.directory, fsync=False)  # disposable, like the journal
        self.plugins = Plugins(entry_points=False)
        self.plugins.register(self._feeds, "ics")

    def publish(self, store: Store) -> list[str]:
        """Deliver the calendar entries the year planned; what the demo says of it."""
        if self.plugins is None:
            return [
                (
                    "Agendas : installez seve-ics (pip install ./plugins/seve-ics) pour écrire "
                    "les flux .ics de l'année"
                )
            ]
        report = Dispatcher(store, plugins=self.plugins).run_until_idle()
        feeds = self._feeds.feeds()
        by: Counter[Audience] = Counter(feed.audience for feed in feeds)
        detail = ", ".join(f"{_READERS[a]} {by[a]}" for a in Audience if by[a])
        lines = [
            (
                f"Agendas : {report.count('delivered')} entrées publiées, mises à jour ou annulées "
                f"dans {len(feeds)} flux .ics : {detail}"
            ),
            (
                f"  écrits dans {self.directory} ; la liste des flux : "
                f"{self.directory / '.seve-ics' / 'index.json'}"
            ),
        ]
        failed = report.count("retry") + report.count("dead")
        if failed:
            lines.append(f"  {failed} entrée(s) non écrite(s) : voir le journal des envois")
        return lines
