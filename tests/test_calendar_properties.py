"""Properties of seve.calendar, on generated parcours and collective moments.

- publish -> update -> cancel keeps an entry's UID and strictly raises its SEQUENCE,
  whatever the lifecycle of the PMSMP, the appointment or the company event;
- no field an audience may not see (by :mod:`seve.audience`) ever reaches its
  calendar: generated parcours with every text drawn as a distinct token, every
  audience;
- every entry parses back with icalendar and with vobject.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from seve.audience import Audience, Naming, may_see, policy
from seve.calendar import calendar_effects
from seve.effects import CalendarAction, CalendarEffect
from seve.model import (
    Appointment,
    AppointmentCancelled,
    AppointmentChanged,
    AppointmentId,
    AppointmentKind,
    AppointmentScheduled,
    ClockTime,
    CompanyEvent,
    CompanyEventCancelled,
    CompanyEventChanged,
    CompanyEventHeld,
    CompanyEventId,
    CompanyEventKind,
    CompanyEventScheduled,
    EmployerContact,
    EmployerId,
    Frein,
    FreinId,
    FreinIdentified,
    FreinTheme,
    PersonalData,
    PersonalDataRecorded,
    Place,
    PmsmpAmended,
    PmsmpBilan,
    PmsmpCancelled,
    PmsmpDrafted,
    PmsmpEnded,
    PmsmpOutcome,
    PmsmpStarted,
    PrescripteurId,
    SalarieId,
    StaffContact,
    StaffId,
    sensitivity_of,
)
from seve.testing.strategies import from_model

sys.path.insert(0, str(Path(__file__).parent))
from builders import PARCOURS_STREAM, convention, embauche
from calendar_world import (
    Timeline,
    appointment,
    job_dating,
    parcours,
    parses_twice,
    pmsmp_convention,
    structure,
    validated,
)

#: Every drawn text starts with this: a token is found only where it was put.
TOKEN = "tk"


def tokens() -> st.SearchStrategy[str]:
    return st.uuids().map(lambda u: f"{TOKEN}{u.hex[:16]}")


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def places() -> st.SearchStrategy[Place]:
    return from_model(
        Place, name=tokens(), street=maybe(tokens()), postcode=maybe(tokens()),
        city=maybe(tokens()), access=maybe(tokens()),
    )  # fmt: skip


def staff_contacts() -> st.SearchStrategy[StaffContact]:
    return from_model(StaffContact, name=tokens(), phone=maybe(tokens()), email=maybe(tokens()))


def employer_contacts() -> st.SearchStrategy[EmployerContact]:
    return from_model(
        EmployerContact, name=tokens(), job_title=maybe(tokens()), phone=maybe(tokens()),
        email=maybe(tokens()),
    )  # fmt: skip


# --- generated parcours ----------------------------------------------------------------------


@st.composite
def generated_parcours(draw: st.DrawFn) -> tuple[Any, list[CalendarEffect]]:
    """A parcours with personal data, freins, a PMSMP and appointments, every text a
    token; its final state and every calendar effect planned along the way."""
    timeline = Timeline(PARCOURS_STREAM)
    hire = attrs.evolve(embauche("2025-01-15"), prescripteur=PrescripteurId(draw(tokens())))
    timeline.add("2025-01-15", hire)
    personal = draw(
        from_model(
            PersonalData, first_name=tokens(), last_name=tokens(), email=maybe(tokens()),
            phone=maybe(tokens()), birth_date=st.none(),
        )
    )  # fmt: skip
    timeline.add("2025-01-15", PersonalDataRecorded(data=personal))
    for n in range(draw(st.integers(0, 2))):
        frein = Frein(
            id=FreinId(f"f-{n}"),
            theme=draw(st.sampled_from(FreinTheme)),
            identified_on=dt.date(2025, 1, 20),
            detail=draw(tokens()),
        )
        timeline.add("2025-01-20", FreinIdentified(frein=frein))
    first = convention(
        "2025-03-03",
        place=draw(maybe(places())),
        referent=draw(maybe(staff_contacts())),
        tutor_name=draw(maybe(tokens())),
        bring=tuple(draw(st.lists(tokens(), max_size=2))),
        prescripteur=draw(maybe(tokens())),
        tasks=tuple(draw(st.lists(tokens(), min_size=1, max_size=2))),
    )
    timeline.add("2025-02-01", PmsmpDrafted(convention=first))
    for n in range(draw(st.integers(0, 2))):
        kind = draw(
            st.sampled_from([AppointmentKind.ENTRETIEN, AppointmentKind.ENTRETIEN_EMBAUCHE])
        )
        meeting = Appointment(
            id=AppointmentId(f"rdv-{n}"),
            kind=kind,
            date=dt.date(2025, 2, 10 + n),
            start=ClockTime("10:00"),
            end=ClockTime("11:00"),
            place=draw(places()),
            referent=draw(staff_contacts()),
            topic=draw(maybe(tokens())),
            bring=tuple(draw(st.lists(tokens(), max_size=2))),
            employer=EmployerId("emp-1") if kind is AppointmentKind.ENTRETIEN_EMBAUCHE else None,
            employer_contact=draw(maybe(employer_contacts())),
            note=draw(maybe(tokens())),
        )
        timeline.add(f"2025-02-0{2 + 2 * n}", AppointmentScheduled(appointment=meeting))
        if draw(st.booleans()):
            timeline.add(
                f"2025-02-0{3 + 2 * n}",
                AppointmentCancelled(appointment=meeting.id, reason=draw(tokens())),
            )
    if draw(st.booleans()):
        validated(timeline, when="2025-02-20")
        ending = draw(st.sampled_from(["cancel", "partial", "none"]))
        if ending == "cancel":
            timeline.add("2025-02-25", PmsmpCancelled(convention="pm-1", reason=draw(tokens())))
        elif ending == "partial":
            timeline.add("2025-03-03", PmsmpStarted(convention="pm-1"))
            bilan = PmsmpBilan(
                outcome=PmsmpOutcome.PARTIAL,
                objectives_reached=False,
                last_day=dt.date(2025, 3, 5),
                employer_comment=draw(tokens()),
                beneficiary_comment=draw(tokens()),
            )
            timeline.add("2025-03-06", PmsmpEnded(convention="pm-1", bilan=bilan))
    now = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    return timeline.state, [*timeline.effects, *calendar_effects(timeline.state, now=now)]


def _strings(value: Any) -> Iterator[str]:
    """Every token inside a value: texts, ids, and the values of attrs classes,
    mappings and collections."""
    if isinstance(value, str):
        if value.startswith(TOKEN):
            yield value
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            yield from _strings(getattr(value, field.name))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, tuple | frozenset | list):
        for item in value:
            yield from _strings(item)


def forbidden(state: Any, audience: Audience) -> set[str]:
    """The tokens ``audience`` may not read, by the audience policy: fields tagged more
    sensitive than its row allows, freins, the prescripteur and the person's contact
    unless its flags allow them, the names its naming does not give."""
    rules = policy(audience)
    out: set[str] = set()

    def walk(value: Any) -> None:
        if attrs.has(type(value)):
            cls = type(value)
            for field in attrs.fields(cls):
                inner = getattr(value, field.name)
                if may_see(audience, sensitivity_of(cls, field.name)):
                    walk(inner)
                else:
                    out.update(_strings(inner))
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, tuple | frozenset | list):
            for item in value:
                walk(item)

    walk(state)
    if not rules.freins:
        out.update(_strings(state.freins))
    if not rules.prescripteur:
        out.update(_strings(state.prescripteur))
        out.update(_strings([p.convention.prescripteur for p in state.pmsmps.values()]))
    personal = state.personal
    if personal is not None:
        if not rules.person_contact:
            out.update(_strings((personal.email, personal.phone)))
        if rules.naming is not Naming.FULL_NAME:
            out.add(personal.last_name)
        if rules.naming is Naming.PSEUDONYM:
            out.add(personal.first_name)
        else:
            out.discard(personal.first_name)  # the name the policy gives it
    return out


def readable(ical: str) -> str:
    """An entry's text, unfolded: tokens are letters and digits, which iCalendar never
    escapes, so a token is in the entry if and only if it is in this text."""
    return ical.replace("\r\n ", "").replace("\r\n\t", "")


@settings(deadline=None)
@given(generated_parcours())
def test_no_field_an_audience_may_not_see_reaches_its_calendar(
    generated: tuple[Any, list[CalendarEffect]],
) -> None:
    state, effects = generated
    secrets = {audience: forbidden(state, audience) for audience in Audience}
    assert secrets[Audience.EMPLOYER] > secrets[Audience.STAFF]
    for effect in effects:
        audience = effect.entry.audience
        assert audience is not Audience.FUNDER  # funders never get a calendar
        text = readable(effect.entry.ical)
        leaked = {token for token in secrets[audience] if token in text}
        assert not leaked, (audience, effect.entry.calendar, leaked)


@settings(deadline=None, max_examples=20)
@given(generated_parcours())
def test_every_generated_entry_parses_with_icalendar_and_vobject(
    generated: tuple[Any, list[CalendarEffect]],
) -> None:
    _state, effects = generated
    shapes = {}  # vobject is slow: one entry of each shape (audience, action, kind)
    for effect in effects:
        kind = effect.entry.uid.split("-")[0]
        shapes.setdefault((effect.entry.audience, effect.action, kind), effect)
    for effect in shapes.values():
        parses_twice(effect.entry.ical)


@settings(deadline=None)
@given(
    invited=st.frozensets(st.sampled_from([SalarieId(f"s-{n}") for n in range(6)]), min_size=1),
    prescripteurs=st.frozensets(tokens().map(PrescripteurId), max_size=2),
    reason=maybe(tokens()),
)
def test_a_salarie_or_an_employer_never_learns_who_else_is_invited(
    invited: frozenset[SalarieId], prescripteurs: frozenset[PrescripteurId], reason: str | None
) -> None:
    timeline = structure()
    event = job_dating(invited=invited, prescripteurs=prescripteurs)
    timeline.add("2025-03-01", CompanyEventScheduled(event=event))
    timeline.add("2025-03-02", CompanyEventCancelled(event="jd-1", reason=reason))
    for effect in timeline.effects:
        if effect.entry.audience is Audience.STAFF:
            continue
        text = readable(effect.entry.ical)
        own = effect.entry.calendar.partition(":")[2]
        assert not [s for s in invited if s != own and s in text]


# --- publish -> update -> cancel ---------------------------------------------------------------


def check_lifecycles(effects: Iterable[CalendarEffect]) -> dict[tuple[str, str], list[Any]]:
    """Each entry (calendar, UID) is published first, then updated or cancelled with a
    strictly higher SEQUENCE each time; only a new invitation (a permanent·e or a
    salarié·e invited again) follows a cancellation."""
    history: dict[tuple[str, str], list[tuple[CalendarAction, int]]] = defaultdict(list)
    for effect in effects:
        history[(effect.entry.calendar, effect.entry.uid)].append(
            (effect.action, effect.entry.sequence)
        )
    for key, steps in history.items():
        assert steps[0][0] is CalendarAction.PUBLISH, (key, steps)
        sequences = [sequence for _action, sequence in steps]
        assert sequences == sorted(set(sequences)), (key, steps)  # strictly rising
        actions = [action for action, _sequence in steps]
        for before, after in itertools.pairwise(actions):
            if before is CalendarAction.CANCEL:
                assert after is CalendarAction.PUBLISH, (key, steps)
    return history


def clock_pairs() -> st.SearchStrategy[tuple[str, str]]:
    return st.tuples(st.integers(8, 15), st.integers(1, 3)).map(
        lambda p: (f"{p[0]:02}:00", f"{p[0] + p[1]:02}:00")
    )


@settings(deadline=None)
@given(data=st.data())
def test_an_appointment_keeps_its_uids_and_raises_its_sequence(data: st.DataObject) -> None:
    timeline = parcours()
    timeline.add("2025-02-01", AppointmentScheduled(appointment=appointment()))
    day = 1
    for _ in range(data.draw(st.integers(0, 4), label="changes")):
        day += 1
        start, end = data.draw(clock_pairs())
        changed = appointment(
            start=ClockTime(start),
            end=ClockTime(end),
            date=dt.date(2025, 2, 10 + data.draw(st.integers(0, 3))),
            topic=data.draw(st.sampled_from(["Préparer la PMSMP", "Bilan intermédiaire"])),
        )
        timeline.add(f"2025-02-0{day}", AppointmentChanged(appointment=changed))
    if data.draw(st.booleans(), label="cancelled"):
        timeline.add("2025-02-09", AppointmentCancelled(appointment="rdv-1", reason="reporté"))
    history = check_lifecycles(timeline.effects)
    assert len(history) == 3  # Karim's, the team's, hers: one UID each, kept


@settings(deadline=None)
@given(data=st.data())
def test_a_pmsmp_keeps_its_uids_and_raises_its_sequence(data: st.DataObject) -> None:
    timeline = parcours()
    first = pmsmp_convention()
    timeline.add("2025-02-01", PmsmpDrafted(convention=first))
    schedule = first.schedule

    def amend(when: str) -> None:
        nonlocal schedule
        keep = data.draw(st.lists(st.sampled_from(first.schedule), min_size=1, unique=True))
        schedule = tuple(sorted(keep, key=lambda d: d.date))
        amended = attrs.evolve(
            first,
            schedule=schedule,
            tutor_name=data.draw(st.sampled_from(["Mme Martin", "M. Durand"])),
        )
        timeline.add(when, PmsmpAmended(convention=amended))

    if data.draw(st.booleans(), label="amended while drafted"):
        amend("2025-02-05")
    if data.draw(st.booleans(), label="validated"):
        validated(timeline, when="2025-02-10")
        if data.draw(st.booleans(), label="amended once validated"):
            amend("2025-02-12")
        ending = data.draw(st.sampled_from(["cancel", "partial", "not shown", "completed", "-"]))
        if ending == "cancel":
            timeline.add("2025-02-25", PmsmpCancelled(convention="pm-1", reason="fermeture"))
        elif ending != "-":
            if ending != "not shown":
                timeline.add("2025-03-03", PmsmpStarted(convention="pm-1"))
            outcome = {
                "partial": PmsmpOutcome.PARTIAL,
                "not shown": PmsmpOutcome.NOT_SHOWN,
                "completed": PmsmpOutcome.COMPLETED,
            }[ending]
            last = schedule[0].date if outcome is PmsmpOutcome.PARTIAL else None
            bilan = PmsmpBilan(outcome=outcome, objectives_reached=False, last_day=last)
            timeline.add("2025-03-15", PmsmpEnded(convention="pm-1", bilan=bilan))
    elif data.draw(st.booleans(), label="cancelled as a draft"):
        timeline.add("2025-02-25", PmsmpCancelled(convention="pm-1", reason="abandon"))
    check_lifecycles(timeline.effects)


@settings(deadline=None)
@given(data=st.data())
def test_a_company_event_keeps_its_uids_and_raises_its_sequence(data: st.DataObject) -> None:
    timeline = structure()
    people = [SalarieId(f"s-{n}") for n in range(5)]
    staff = [StaffId("cip-karim"), StaffId("cip-lea")]

    def draw_event() -> CompanyEvent:
        start, end = data.draw(clock_pairs())
        return job_dating(
            start=ClockTime(start),
            end=ClockTime(end),
            invited=data.draw(st.frozensets(st.sampled_from(people))),
            staff=data.draw(st.frozensets(st.sampled_from(staff))),
            employers=data.draw(st.frozensets(st.sampled_from([EmployerId("emp-1"), "emp-2"]))),
        )

    timeline.add("2025-03-01", CompanyEventScheduled(event=draw_event()))
    for n in range(data.draw(st.integers(0, 3), label="changes")):
        timeline.add(f"2025-03-0{n + 2}", CompanyEventChanged(event=draw_event()))
    ending = data.draw(st.sampled_from(["cancel", "held", "-"]))
    if ending == "cancel":
        timeline.add("2025-03-10", CompanyEventCancelled(event="jd-1"))
    elif ending == "held":
        held = CompanyEvent(
            id=CompanyEventId("jd-1"),
            kind=CompanyEventKind.JOB_DATING,
            date=dt.date(2025, 3, 18),
            participants=frozenset(people[:1]),
        )
        timeline.add("2025-03-18", CompanyEventHeld(event=held))
    check_lifecycles(timeline.effects)
