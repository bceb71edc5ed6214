"""The fulfilment of conventions de partenariat: the facts read from the log, the
arithmetic of pro-rating, and its properties (the order of events never changes a
figure; what is expected and what is done never decrease with time)."""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from builders import Log, day, siae
from company_builders import (
    activate,
    company_log,
    employer_state,
    interaction,
    partnership,
    pmsmp_parcours,
)
from seve.model import (
    CompanyCommitments,
    CompanyEvent,
    CompanyEventFollowedUp,
    CompanyEventFollowUp,
    CompanyEventHeld,
    CompanyEventId,
    CompanyEventKind,
    ContractEnded,
    ContractEndReason,
    ContractId,
    ConventionAmended,
    ConventionDrafted,
    ConventionId,
    ConventionTerminated,
    EmployerId,
    Event,
    EventId,
    FollowUpKind,
    InteractionKind,
    JobContractKind,
    MiseEnRelation,
    MiseEnRelationId,
    MiseEnRelationOutcome,
    MiseEnRelationOutcomeRecorded,
    MiseEnRelationProposed,
    MiseEnRelationResult,
    OfferId,
    Partnership,
    PmsmpBilan,
    PmsmpEnded,
    PmsmpId,
    PmsmpOutcome,
    SalarieId,
    SiaeId,
    SiaeRegistered,
    Sortie,
    SortieMotif,
    SortieRecorded,
    StaffId,
    StreamKind,
    TerminationReason,
    stream_id,
)
from seve.partnerships import (
    Fact,
    FactKind,
    FulfilmentStatus,
    facts,
    fulfilment,
    fulfilments,
)
from seve.rules import replay

START, END = day("2025-01-01"), day("2025-12-31")


def active(**volumes: Any) -> Partnership:
    log = company_log()
    activate(log, partnership(**volumes))
    return employer_state(log).partnerships[ConventionId("conv-1")]


def replays(events: list[Event[Any]]) -> None:
    """Every stream of ``events`` folds and passes the rules."""
    streams: defaultdict[str, list[Event[Any]]] = defaultdict(list)
    for event in events:
        streams[event.stream].append(event)
    for stream in streams.values():
        replay(stream)


def proposed(n: int, when: str, employer: str = "emp-1") -> MiseEnRelationProposed:
    return MiseEnRelationProposed(
        mise_en_relation=MiseEnRelation(
            id=MiseEnRelationId(f"mer-{n}"),
            offer=OfferId("o-1"),
            employer=EmployerId(employer),
            proposed_on=day(when),
            proposed_by=StaffId("cip-1"),
        )
    )


def hired(n: int, when: str) -> MiseEnRelationOutcomeRecorded:
    return MiseEnRelationOutcomeRecorded(
        outcome=MiseEnRelationOutcome(
            mise_en_relation=MiseEnRelationId(f"mer-{n}"),
            result=MiseEnRelationResult.EMBAUCHE,
            date=day(when),
            contract=JobContractKind.CDI,
            start=day(when) + dt.timedelta(days=7),
        )
    )


def left_for(n: int, when: str, motif: SortieMotif, employer: str = "emp-1") -> list[Any]:
    return [
        (
            when,
            ContractEnded(
                contract=ContractId("c-1"), date=day(when), reason=ContractEndReason.EMBAUCHE
            ),
        ),
        (
            when,
            SortieRecorded(
                sortie=Sortie(date=day(when), motif=motif, employer=EmployerId(employer))
            ),
        ),
    ]


def structure(*held: tuple[str, CompanyEvent], follow: tuple[Any, ...] = ()) -> list[Event[Any]]:
    log = Log(stream_id(StreamKind.SIAE, "siae-1"))
    log.add("2024-06-03", SiaeRegistered(siae=siae()))
    for when, event in held:
        log.add(when, CompanyEventHeld(event=event))
    for when, payload in follow:
        log.add(when, payload)
    return [attrs.evolve(e, id=f"s-{e.id}") for e in log.events]


def company_event(id: str, when: str, kind: CompanyEventKind, **kw: Any) -> CompanyEvent:
    return CompanyEvent(
        id=CompanyEventId(id),
        kind=kind,
        date=day(when),
        employers=frozenset({EmployerId("emp-1")}),
        **kw,
    )


# -- facts -----------------------------------------------------------------------------------


def test_a_pmsmp_counts_once_it_started_with_its_host() -> None:
    events = pmsmp_parcours(1, "emp-1", "2025-03-03")
    replays(events)
    (fact,) = facts(events)
    assert fact.kind is FactKind.PMSMP
    assert (fact.employer, fact.siae, fact.day, fact.salarie) == (
        "emp-1",
        "siae-1",
        day("2025-03-03"),
        "s-1",
    )
    drafted = next(e.id for e in events if e.type == "pmsmp_drafted")
    started = next(e.id for e in events if e.type == "pmsmp_started")
    assert fact.events == tuple(sorted((drafted, started)))
    not_started = [e for e in events if e.type != "pmsmp_started"]
    assert facts(not_started) == ()


def test_a_pmsmp_the_person_did_not_come_to_does_not_count() -> None:
    bilan = PmsmpBilan(outcome=PmsmpOutcome.NOT_SHOWN, objectives_reached=False)
    events = pmsmp_parcours(
        1,
        "emp-1",
        "2025-03-03",
        extra=[("2025-03-04", PmsmpEnded(convention=PmsmpId("pm-1"), bilan=bilan))],
    )
    replays(events)
    assert facts(events) == ()


def test_hires_count_once_per_person_and_company() -> None:
    by_offer = pmsmp_parcours(
        1,
        "emp-1",
        "2025-03-03",
        extra=[("2025-04-01", proposed(1, "2025-04-01")), ("2025-04-15", hired(1, "2025-04-15"))],
    )
    by_offer_then_sortie = pmsmp_parcours(
        2,
        "emp-2",
        "2025-03-03",
        extra=[
            ("2025-04-01", proposed(1, "2025-04-01")),
            ("2025-04-15", hired(1, "2025-04-15")),
            *left_for(2, "2025-04-30", SortieMotif.CDI),
        ],
    )
    unemployed = pmsmp_parcours(
        3, "emp-2", "2025-03-03", extra=left_for(3, "2025-04-30", SortieMotif.CHOMAGE)
    )
    events = by_offer + by_offer_then_sortie + unemployed
    replays(events)
    hires = [f for f in facts(events) if f.kind is FactKind.HIRE]
    assert [(f.salarie, f.employer, f.day, len(f.events)) for f in hires] == [
        ("s-1", "emp-1", day("2025-04-15"), 2),
        ("s-2", "emp-1", day("2025-04-15"), 3),  # the mise en relation, its outcome, the sortie
    ]
    proposals = [f for f in facts(events) if f.kind is FactKind.PROPOSAL]
    assert [(f.salarie, f.day) for f in proposals] == [
        ("s-1", day("2025-04-01")),
        ("s-2", day("2025-04-01")),
    ]


def test_visits_events_follow_ups_and_mecenat() -> None:
    visit = company_event("ce-1", "2025-03-12", CompanyEventKind.VISITE_ENTREPRISE)
    dating = company_event(
        "ce-2",
        "2025-04-08",
        CompanyEventKind.JOB_DATING,
        participants=frozenset({SalarieId("s-7")}),
    )
    follow = CompanyEventFollowedUp(
        follow_up=CompanyEventFollowUp(
            event=CompanyEventId("ce-2"),
            salarie=SalarieId("s-7"),
            kind=FollowUpKind.EMBAUCHE,
            date=day("2025-04-20"),
            employer=EmployerId("emp-1"),
        )
    )
    events = structure(
        ("2025-03-12", visit), ("2025-04-08", dating), follow=(("2025-04-20", follow),)
    )
    company = company_log()
    company.add("2025-05-06", interaction("i-1", "2025-05-06", kind=InteractionKind.MECENAT))
    company.add("2025-05-07", interaction("i-2", "2025-05-07", kind=InteractionKind.APPEL))
    events += company.events
    replays(events)
    found = [(f.kind, f.employer, f.siae, f.day) for f in facts(events)]
    assert found == [
        (FactKind.VISIT, "emp-1", "siae-1", day("2025-03-12")),
        (FactKind.EVENT, "emp-1", "siae-1", day("2025-04-08")),
        (FactKind.HIRE, "emp-1", "siae-1", day("2025-04-20")),
        (FactKind.MECENAT, "emp-1", "siae-1", day("2025-05-06")),
    ]


# -- the arithmetic ----------------------------------------------------------------------------


def fact(kind: FactKind, when: str | dt.date, n: int = 0, **kw: Any) -> Fact:
    fields: dict[str, Any] = {"employer": EmployerId("emp-1"), "siae": SiaeId("siae-1")}
    fields.update(kw)
    return Fact(kind=kind, day=day(when), events=(EventId(f"ev-{n}"),), **fields)


def test_figures_on_a_date() -> None:
    p = active(pmsmp=6, hires=2, visits=4)
    done = [
        fact(FactKind.PMSMP, "2025-02-03", 1),
        fact(FactKind.PMSMP, "2025-05-05", 2),
        fact(FactKind.PMSMP, "2025-09-01", 3),  # after the date asked
        fact(FactKind.PMSMP, "2024-12-02", 4),  # before the period
        fact(FactKind.PMSMP, "2025-03-03", 5, siae=SiaeId("siae-2")),  # another SIAE
        fact(FactKind.PMSMP, "2025-03-03", 6, employer=EmployerId("emp-2")),  # another company
        fact(FactKind.HIRE, "2025-04-15", 7),
        fact(FactKind.HIRE, "2025-06-02", 8),
    ]
    report = fulfilment(p, done, day("2025-06-30"))
    assert (report.start, report.end, report.elapsed_days, report.period_days) == (
        START,
        END,
        181,
        365,
    )
    pmsmp = report.figure(FactKind.PMSMP)
    assert (pmsmp.committed, pmsmp.expected, pmsmp.done) == (6, Decimal("2.97"), 2)
    assert pmsmp.status is FulfilmentStatus.ON_TRACK
    assert pmsmp.events == ("ev-1", "ev-2")
    assert report.figure(FactKind.HIRE).status is FulfilmentStatus.MET
    visits = report.figure(FactKind.VISIT)
    assert (visits.expected, visits.done, visits.status) == (
        Decimal("1.98"),
        0,
        FulfilmentStatus.BEHIND,
    )
    assert report.figure(FactKind.EVENT).status is FulfilmentStatus.NOT_COMMITTED
    assert report.status is FulfilmentStatus.BEHIND


def test_before_the_period_nothing_is_expected_and_at_its_end_everything() -> None:
    p = active(pmsmp=6)
    before = fulfilment(p, [], day("2024-12-20")).figure(FactKind.PMSMP)
    assert (before.expected, before.status) == (Decimal(0), FulfilmentStatus.ON_TRACK)
    after = fulfilment(p, [], day("2026-03-01"))
    assert after.elapsed_days == 365
    assert after.figure(FactKind.PMSMP).expected == 6
    assert after.figure(FactKind.PMSMP).status is FulfilmentStatus.BEHIND
    met = fulfilment(
        p, [fact(FactKind.PMSMP, "2025-03-03", n) for n in range(7)], day("2025-03-31")
    )
    assert met.status is FulfilmentStatus.MET


def test_an_early_end_stops_the_count_and_the_pro_rating() -> None:
    log = company_log()
    activate(log, partnership(pmsmp=12))
    log.add(
        "2025-06-02",
        ConventionTerminated(
            convention=ConventionId("conv-1"),
            date=day("2025-06-30"),
            reason=TerminationReason.ENTREPRISE,
        ),
    )
    p = employer_state(log).partnerships[ConventionId("conv-1")]
    done = [fact(FactKind.PMSMP, "2025-03-03", 1), fact(FactKind.PMSMP, "2025-07-07", 2)]
    report = fulfilment(p, done, day("2025-12-31"))
    assert (report.end, report.elapsed_days) == (day("2025-06-30"), 181)
    assert report.figure(FactKind.PMSMP).done == 1
    assert report.figure(FactKind.PMSMP).expected == Decimal("5.95")


def test_an_avenant_changes_what_is_committed() -> None:
    log = company_log()
    activate(log, partnership(pmsmp=4))
    log.add(
        "2025-03-03",
        ConventionAmended(
            convention=ConventionId("conv-1"),
            avenant="av-1",
            summary="8 PMSMP",
            company=CompanyCommitments(pmsmp=8),
        ),
    )
    p = employer_state(log).partnerships[ConventionId("conv-1")]
    assert fulfilment(p, [], END).figure(FactKind.PMSMP).committed == 8


def test_the_fulfilment_of_every_convention_in_force() -> None:
    one = company_log()
    activate(one, partnership(pmsmp=2))
    two = company_log("emp-2")
    activate(two, partnership("conv-2", employer="emp-2", siaes=("siae-2",), hires=1))
    draft = company_log("emp-3")
    draft.add("2024-12-02", ConventionDrafted(convention=partnership("conv-3", employer="emp-3")))
    employers = [employer_state(log) for log in (one, two, draft)]
    done = [fact(FactKind.PMSMP, "2025-02-03", 1), fact(FactKind.PMSMP, "2025-03-03", 2)]
    reports = fulfilments(employers, done, day("2025-06-30"))
    assert [(r.convention, r.status) for r in reports] == [
        ("conv-1", FulfilmentStatus.MET),
        ("conv-2", FulfilmentStatus.ON_TRACK),
    ]
    assert [
        r.convention for r in fulfilments(employers, done, day("2025-06-30"), siae=SiaeId("siae-2"))
    ] == ["conv-2"]


# -- properties -------------------------------------------------------------------------------


@st.composite
def logs(draw: st.DrawFn) -> list[Event[Any]]:
    """Several parcours with PMSMP at two hosts, proposals and hires, and company events."""
    events: list[Event[Any]] = []
    for n in range(draw(st.integers(1, 5))):
        host = draw(st.sampled_from(["emp-1", "emp-2"]))
        start = START + dt.timedelta(days=draw(st.integers(35, 300)))
        extra: list[tuple[dt.date, Any]] = []
        if draw(st.booleans()):
            when = start + dt.timedelta(days=14)
            extra += [
                (when, proposed(n, when.isoformat(), host)),
                (when, hired(n, when.isoformat())),
            ]
        events += pmsmp_parcours(
            n, host, start, siae=draw(st.sampled_from(["siae-1", "siae-2"])), extra=extra
        )
    days = draw(st.lists(st.integers(0, 364), max_size=4))
    held = [
        (
            (START + dt.timedelta(days=d)).isoformat(),
            company_event(
                f"ce-{i}",
                (START + dt.timedelta(days=d)).isoformat(),
                CompanyEventKind.VISITE_ENTREPRISE,
            ),
        )
        for i, d in enumerate(sorted(days))
    ]
    return events + structure(*held)


@settings(deadline=None)
@given(data=st.data(), log=logs())
def test_the_order_of_events_never_changes_a_figure(
    data: st.DataObject, log: list[Event[Any]]
) -> None:
    p = active(pmsmp=3, hires=1, visits=2, proposals=2)
    shuffled = data.draw(st.permutations(log))
    on = START + dt.timedelta(days=data.draw(st.integers(0, 400)))
    assert facts(shuffled) == facts(log)
    assert fulfilment(p, facts(shuffled), on) == fulfilment(p, facts(log), on)
    assert fulfilment(p, data.draw(st.permutations(facts(log))), on) == fulfilment(
        p, facts(log), on
    )


def fact_lists() -> st.SearchStrategy[list[Fact]]:
    return st.lists(
        st.builds(
            Fact,
            kind=st.sampled_from(FactKind),
            employer=st.sampled_from([EmployerId("emp-1"), EmployerId("emp-2")]),
            siae=st.sampled_from([SiaeId("siae-1"), SiaeId("siae-2"), None]),
            day=st.dates(dt.date(2024, 6, 1), dt.date(2026, 6, 30)),
            events=st.tuples(st.from_regex(r"ev-[0-9]{1,4}", fullmatch=True).map(EventId)),
        ),
        max_size=30,
    )


@settings(deadline=None)
@given(
    done=fact_lists(),
    length=st.integers(0, 800),
    volumes=st.fixed_dictionaries(
        {name: st.integers(0, 40) for name in CompanyCommitments.VOLUMES}
    ),
    proposals=st.integers(0, 40),
    first=st.dates(dt.date(2024, 6, 1), dt.date(2026, 12, 31)),
    gap=st.integers(0, 400),
)
def test_pro_rating_is_monotonic_in_time(
    done: list[Fact], length: int, volumes: dict[str, int], proposals: int, first: dt.date, gap: int
) -> None:
    end = START + dt.timedelta(days=length)
    p = Partnership(
        convention=partnership(end=end, proposals=proposals, **volumes), activated_on=START
    )
    earlier, later = fulfilment(p, done, first), fulfilment(p, done, first + dt.timedelta(days=gap))
    assert earlier.elapsed_days <= later.elapsed_days
    for a, b in zip(earlier.figures, later.figures, strict=True):
        assert a.kind is b.kind
        assert a.expected <= b.expected
        assert a.done <= b.done
        assert set(a.facts) <= set(b.facts)
        assert 0 <= a.expected <= max(a.committed, 0)
    final = fulfilment(p, done, end)
    for figure in final.figures:
        assert figure.expected == figure.committed
        expected_status = (
            FulfilmentStatus.NOT_COMMITTED
            if figure.committed == 0
            else FulfilmentStatus.MET
            if figure.done >= figure.committed
            else FulfilmentStatus.BEHIND
        )
        assert figure.status is expected_status


@pytest.mark.parametrize(
    ("on", "expected"), [("2025-01-01", "0.01"), ("2025-07-02", "2.00"), ("2025-12-31", "4.00")]
)
def test_expected_is_pro_rated_by_days(on: str, expected: str) -> None:
    assert fulfilment(active(pmsmp=4), [], day(on)).figure(FactKind.PMSMP).expected == Decimal(
        expected
    )
