"""Reading an employer's .ics into draft company events (seve.calendar.read_company_events)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from seve import DecodeError
from seve.calendar import read_company_events
from seve.model import (
    AgendaStatus,
    CompanyEventCancelled,
    CompanyEventChanged,
    CompanyEventKind,
    CompanyEventScheduled,
    EmployerId,
    StaffId,
)

sys.path.insert(0, str(Path(__file__).parent))
from calendar_world import KARIM, structure

LIDL = EmployerId("emp-lidl")


def ics(*events: str, method: str = "PUBLISH", zones: str = "") -> str:
    body = "".join(events)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Employeur//Agenda//FR\r\n"
        f"METHOD:{method}\r\n{zones}{body}END:VCALENDAR\r\n"
    )


def vevent(uid: str, *lines: str) -> str:
    head = f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20250301T080000Z\r\n"
    return head + "".join(f"{line}\r\n" for line in lines) + "END:VEVENT\r\n"


NEW_YORK = (
    "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nBEGIN:STANDARD\r\nDTSTART:19701101T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n"
    "END:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700308T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n"
    "END:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
)


def test_visit_slots_and_a_job_dating_become_draft_company_events() -> None:
    text = ics(
        vevent(
            "slot-1@lidl",
            "SUMMARY:Visite de l'entrepôt",
            "DTSTART;TZID=Europe/Paris:20250318T093000",
            "DTEND;TZID=Europe/Paris:20250318T113000",
            "LOCATION:Entrepôt Lidl\\, ZI des Peupliers\\, Liévin",
        ),
        vevent(
            "jd@lidl",
            "SUMMARY:Job dating préparateurs",
            "DTSTART:20250325T130000Z",  # UTC: 14:00 in Paris
            "DURATION:PT3H",
        ),
    )
    imported = read_company_events(
        text, employer=LIDL, staff=frozenset({StaffId("cip-karim")}), contact=KARIM
    )
    assert imported.problems == ()
    visit, dating = imported.events
    assert (visit.kind, visit.date, visit.start, visit.end) == (
        CompanyEventKind.VISITE_ENTREPRISE,
        dt.date(2025, 3, 18),
        "09:30",
        "11:30",
    )
    assert visit.place is not None
    assert visit.place.name == "Entrepôt Lidl, ZI des Peupliers, Liévin"
    assert visit.title == "Visite de l'entrepôt"
    assert visit.employers == {LIDL}
    assert visit.contact == KARIM
    assert visit.status is AgendaStatus.SCHEDULED
    assert (dating.kind, dating.start, dating.end) == (
        CompanyEventKind.JOB_DATING,
        "14:00",
        "17:00",
    )
    assert visit.id.startswith("ics-")
    again = read_company_events(text, employer=LIDL)
    assert [e.id for e in again.events] == [e.id for e in imported.events]  # from the UIDs


def test_times_in_another_zone_are_read_in_paris() -> None:
    text = ics(
        vevent(
            "call@ny",
            "SUMMARY:Présentation des métiers (visio)",
            "DTSTART;TZID=America/New_York:20250610T090000",
            "DTEND;TZID=America/New_York:20250610T100000",
        ),
        zones=NEW_YORK,
    )
    (event,) = read_company_events(text, employer=LIDL).events
    assert (event.kind, event.start, event.end) == (
        CompanyEventKind.PRESENTATION_METIERS,
        "15:00",
        "16:00",
    )


def test_a_whole_day_event_over_three_days_gives_three_days() -> None:
    text = ics(
        vevent(
            "forum@x", "SUMMARY:Forum", "DTSTART;VALUE=DATE:20250401", "DTEND;VALUE=DATE:20250404"
        )
    )
    events = read_company_events(text, employer=LIDL, default_kind=CompanyEventKind.CAS_D_ECOLE)
    assert [(e.date, e.start, e.kind) for e in events.events] == [
        (dt.date(2025, 4, d), None, CompanyEventKind.CAS_D_ECOLE) for d in (1, 2, 3)
    ]
    assert len({e.id for e in events.events}) == 3


def test_a_bounded_series_gives_each_occurrence_with_exceptions_and_overrides() -> None:
    text = ics(
        vevent(
            "mardis@lidl",
            "SUMMARY:Visite",
            "DTSTART;TZID=Europe/Paris:20250304T140000",
            "DTEND;TZID=Europe/Paris:20250304T150000",
            "RRULE:FREQ=WEEKLY;COUNT=4",
            "EXDATE;TZID=Europe/Paris:20250311T140000",
        ),
        vevent(
            "mardis@lidl",
            "SUMMARY:Visite (décalée)",
            "RECURRENCE-ID;TZID=Europe/Paris:20250318T140000",
            "DTSTART;TZID=Europe/Paris:20250319T100000",
            "DTEND;TZID=Europe/Paris:20250319T110000",
        ),
    )
    events = read_company_events(text, employer=LIDL).events
    assert [(e.date, e.start) for e in events] == [
        (dt.date(2025, 3, 4), "14:00"),
        (dt.date(2025, 3, 19), "10:00"),  # the 18th, moved
        (dt.date(2025, 3, 25), "14:00"),
    ]


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        (("SUMMARY:Visite",), "calendrier.ics_sans_debut"),
        (("DTSTART:20250304T140000",), "calendrier.ics_sans_fin"),
        (("DTSTART:20250304T140000", "DTEND:20250305T100000"), "calendrier.ics_plusieurs_jours"),
        (
            ("DTSTART:20250304T140000", "DTEND:20250304T150000", "RRULE:FREQ=WEEKLY"),
            "calendrier.ics_repetition",
        ),
        (
            ("DTSTART:20250304T140000", "DTEND:20250304T150000", "RRULE:FREQ=DAILY;COUNT=500"),
            "calendrier.ics_repetition",
        ),
    ],
)
def test_what_cannot_be_read_is_a_problem_with_its_path(lines: tuple[str, ...], code: str) -> None:
    text = ics(
        vevent("ok@x", "DTSTART:20250304T090000", "DTEND:20250304T100000"), vevent("ko@x", *lines)
    )
    imported = read_company_events(text, employer=LIDL)
    assert len(imported.events) == 1
    (problem,) = imported.problems
    assert problem.code == code
    assert problem.path[:2] == ("VEVENT", 1)
    assert problem.message  # in French, for the staff


def test_an_event_until_midnight_ends_at_23_59() -> None:
    text = ics(vevent("soir@x", "DTSTART:20250304T200000", "DTEND:20250305T000000"))
    (event,) = read_company_events(text, employer=LIDL).events
    assert (event.start, event.end) == ("20:00", "23:59")


def test_a_file_that_is_not_icalendar_is_refused_with_a_decode_error() -> None:
    with pytest.raises(DecodeError) as refused:
        read_company_events("BEGIN:VCARD\r\nFN:Martin\r\nEND:VCARD\r\n", employer=LIDL)
    assert refused.value.codes == ["calendrier.ics_illisible"]
    with pytest.raises(DecodeError):
        read_company_events("pas un calendrier", employer=LIDL)


def test_payloads_schedule_the_new_change_the_moved_and_cancel_the_cancelled() -> None:
    first = ics(
        vevent("a@x", "SUMMARY:Visite", "DTSTART:20250304T090000", "DTEND:20250304T100000"),
        vevent("b@x", "SUMMARY:Job dating", "DTSTART:20250305T090000", "DTEND:20250305T100000"),
    )
    timeline = structure()
    imported = read_company_events(first, employer=LIDL)
    payloads = imported.payloads(timeline.state)
    assert all(isinstance(p, CompanyEventScheduled) for p in payloads)
    for payload in payloads:
        timeline.add("2025-03-01", payload)
    assert imported.payloads(timeline.state) == []  # nothing new: nothing to record
    second = ics(
        vevent("a@x", "SUMMARY:Visite", "DTSTART:20250304T140000", "DTEND:20250304T150000"),
        vevent("b@x", "SUMMARY:Job dating", "DTSTART:20250305T090000", "STATUS:CANCELLED"),
    )
    again = read_company_events(second, employer=LIDL)
    changes = again.payloads(timeline.state)
    assert [type(p) for p in changes] == [CompanyEventChanged, CompanyEventCancelled]
    moved = changes[0]
    assert isinstance(moved, CompanyEventChanged)
    assert (moved.event.start, moved.event.end) == ("14:00", "15:00")
    for payload in changes:
        timeline.add("2025-03-02", payload)
    assert read_company_events(second, employer=LIDL).payloads(timeline.state) == []


def test_a_cancel_message_cancels_its_events() -> None:
    text = ics(vevent("a@x", "DTSTART:20250304T090000", "DTEND:20250304T100000"), method="CANCEL")
    imported = read_company_events(text, employer=LIDL)
    assert imported.events == ()
    assert len(imported.cancelled) == 1
