"""A small world for the calendar tests: Leïla's parcours at Le Jardin, Karim her CIP,
a PMSMP at Boulangerie Martin, appointments, a job dating and a Flash Info.

:class:`Timeline` records events one by one (every rule checked) and keeps the
calendar effects seve's planner gives for each, as the recording service would.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import icalendar
import vobject

from seve.calendar import plan_calendar
from seve.effects import CalendarAction, CalendarEffect
from seve.model import (
    Appointment,
    AppointmentId,
    AppointmentKind,
    ClockTime,
    CompanyEvent,
    CompanyEventId,
    CompanyEventKind,
    ContactId,
    EmployerContact,
    EmployerId,
    Event,
    FlashInfo,
    FlashInfoId,
    PersonalData,
    PersonalDataRecorded,
    Place,
    PmsmpConvention,
    PmsmpParty,
    PmsmpSigned,
    PmsmpValidated,
    PrescripteurId,
    SalarieId,
    SiaeId,
    StaffContact,
    StaffId,
    StaffMember,
    StaffMemberJoined,
    StaffRole,
    StreamId,
    StreamKind,
    stream_id,
)
from seve.rules import apply

sys.path.insert(0, str(Path(__file__).parent))
from builders import Log, convention, embauche, siae

KARIM = StaffContact(
    staff=StaffId("cip-karim"),
    name="Karim Haddad",
    phone="06 12 34 56 78",
    email="karim.haddad@lejardin.example",
)
LEA = StaffMember(
    id=StaffId("cip-lea"), siae=SiaeId("siae-1"), name="Léa Morel", roles={StaffRole.CIP}
)
KARIM_MEMBER = StaffMember(
    id=StaffId("cip-karim"), siae=SiaeId("siae-1"), name="Karim Haddad", roles={StaffRole.CIP}
)
BOULANGERIE = Place(
    name="Boulangerie Martin",
    street="12 rue des Lilas",
    postcode="35000",
    city="Rennes",
    access="entrée du personnel, à l'arrière",
)
LE_JARDIN = Place(name="Le Jardin", street="3 chemin des Serres", postcode="35200", city="Rennes")
LEILA = PersonalData(
    first_name="Leïla",
    last_name="Benali",
    phone="07 98 76 54 32",
    email="leila.benali@example.org",
)
SALARIE = SalarieId("s-1")


def pmsmp_convention(**kw: Any) -> PmsmpConvention:
    """Two weeks at Boulangerie Martin from Monday 3 March 2025, Karim as referent."""
    defaults: dict[str, Any] = {
        "place": BOULANGERIE,
        "referent": KARIM,
        "tutor_name": "Mme Martin",
        "bring": ("vos chaussures de sécurité",),
        "prescripteur": PrescripteurId("ft-rennes"),
    }
    return convention("2025-03-03", **{**defaults, **kw})


def appointment(**kw: Any) -> Appointment:
    """An entretien with Karim at Le Jardin on Monday 10 February 2025, 10:00-11:00."""
    defaults: dict[str, Any] = {
        "id": AppointmentId("rdv-1"),
        "kind": AppointmentKind.ENTRETIEN,
        "date": dt.date(2025, 2, 10),
        "start": ClockTime("10:00"),
        "end": ClockTime("11:00"),
        "place": LE_JARDIN,
        "referent": KARIM,
        "topic": "Préparer votre PMSMP",
        "bring": ("votre CV",),
        "note": "Point sur le suivi avec le SPIP",
    }
    return Appointment(**{**defaults, **kw})


def job_interview(**kw: Any) -> Appointment:
    """A job interview at Boulangerie Martin with its manager."""
    return appointment(
        id=AppointmentId("rdv-2"),
        kind=AppointmentKind.ENTRETIEN_EMBAUCHE,
        place=BOULANGERIE,
        employer=EmployerId("emp-1"),
        employer_contact=EmployerContact(
            contact=ContactId("tutor-1"), name="Sophie Martin", job_title="gérante"
        ),
        topic="Entretien pour le poste de vendeur·se",
        **kw,
    )


def job_dating(**kw: Any) -> CompanyEvent:
    """A job dating at Le Jardin on Tuesday 18 March 2025, 14:00-17:00."""
    defaults: dict[str, Any] = {
        "id": CompanyEventId("jd-1"),
        "kind": CompanyEventKind.JOB_DATING,
        "date": dt.date(2025, 3, 18),
        "title": "Restauration et métiers de bouche",
        "start": ClockTime("14:00"),
        "end": ClockTime("17:00"),
        "place": LE_JARDIN,
        "contact": KARIM,
        "employers": frozenset({EmployerId("emp-1"), EmployerId("emp-2")}),
        "staff": frozenset({StaffId("cip-karim"), StaffId("cip-lea")}),
        "prescripteurs": frozenset({PrescripteurId("ft-rennes")}),
        "invited": frozenset({SalarieId("s-1"), SalarieId("s-2")}),
        "bring": ("votre CV",),
    }
    return CompanyEvent(**{**defaults, **kw})


def flash_info(**kw: Any) -> FlashInfo:
    """A Flash Info led by Léa on Thursday 13 March 2025, 14:00-15:00."""
    defaults: dict[str, Any] = {
        "id": FlashInfoId("fi-1"),
        "date": dt.date(2025, 3, 13),
        "led_by": StaffId("cip-lea"),
        "topics": ("La logistique recrute",),
        "start": ClockTime("14:00"),
        "end": ClockTime("15:00"),
        "place": LE_JARDIN,
        "invited": frozenset({SalarieId("s-1"), SalarieId("s-3")}),
        "employers": frozenset({EmployerId("emp-2")}),
    }
    return FlashInfo(**{**defaults, **kw})


class Timeline:
    """One stream recorded event by event, every rule checked, with the calendar
    effects planned for each event."""

    def __init__(self, stream: StreamId) -> None:
        self.log = Log(stream)
        self.state: Any = None
        self.effects: list[CalendarEffect] = []

    def add(self, when: str | dt.datetime, payload: Any) -> list[CalendarEffect]:
        event = self.log.add(when, payload)
        return self.record(event)

    def record(self, event: Event[Any]) -> list[CalendarEffect]:
        before = self.state
        self.state = apply(before, event)
        planned = plan_calendar(event, before, self.state)
        self.effects.extend(planned)
        return planned


def parcours() -> Timeline:
    """Leïla's parcours: hired on 15 January 2025, her personal data recorded."""
    timeline = Timeline(stream_id(StreamKind.PARCOURS, "p-1"))
    timeline.add("2025-01-15", embauche("2025-01-15", siae_kind=siae().kind))
    timeline.add("2025-01-15", PersonalDataRecorded(data=LEILA))
    return timeline


def validated(timeline: Timeline, pmsmp: str = "pm-1", when: str = "2025-02-20") -> None:
    """Every party signs the PMSMP, then it is validated."""
    for party in (
        PmsmpParty.BENEFICIAIRE,
        PmsmpParty.STRUCTURE_ACCUEIL,
        PmsmpParty.STRUCTURE_ACCOMPAGNEMENT,
        PmsmpParty.PRESCRIPTEUR,
    ):
        timeline.add(when, PmsmpSigned(convention=pmsmp, party=party))
    timeline.add(when, PmsmpValidated(convention=pmsmp))


def structure() -> Timeline:
    """Le Jardin with Karim and Léa."""
    from builders import structure_log

    timeline = Timeline(stream_id(StreamKind.SIAE, "siae-1"))
    for event in structure_log():
        timeline.record(event)
    timeline.add("2025-01-03", StaffMemberJoined(member=KARIM_MEMBER))
    timeline.add("2025-01-03", StaffMemberJoined(member=LEA))
    return timeline


def by(effects: Iterable[CalendarEffect], **where: Any) -> list[CalendarEffect]:
    """The effects whose action, calendar or audience are those given."""
    out = []
    for effect in effects:
        fields = {
            "action": effect.action,
            "calendar": effect.entry.calendar,
            "audience": effect.entry.audience,
        }
        if all(fields[name] == value for name, value in where.items()):
            out.append(effect)
    return out


def vevent(ical: str) -> icalendar.cal.Component:
    """The one VEVENT of a rendered entry."""
    (event,) = icalendar.Calendar.from_ical(ical).walk("VEVENT")
    return event


def parses_twice(ical: str) -> None:
    """The entry parses with icalendar and with vobject, an independent parser, and
    both read the same UID, SEQUENCE and STATUS."""
    ours = vevent(ical)
    theirs = vobject.readOne(ical)
    (event,) = theirs.vevent_list
    assert event.uid.value == str(ours["uid"])
    assert int(event.sequence.value) == ours.decoded("sequence")
    assert event.status.value == str(ours["status"])
    assert event.dtstart.value == ours.decoded("dtstart")
    assert theirs.method.value in ("PUBLISH", "REQUEST", "CANCEL")


ACTIONS = tuple(CalendarAction)
