"""Conventions de partenariat: the lifecycle in the fold, the rules, renewals and the
JSON round trip of every event type."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

import seve
from builders import Log, day
from company_builders import activate, company_log, employer_state, partnership
from seve import DomainError
from seve.model import (
    CompanyCommitments,
    ConventionActivated,
    ConventionAmended,
    ConventionDrafted,
    ConventionEnded,
    ConventionId,
    ConventionRenewed,
    ConventionSigned,
    ConventionStatus,
    ConventionTerminated,
    Employer,
    PartyId,
    SiaeCommitments,
    SiaeId,
    TerminationReason,
)
from seve.partnerships import due_for_renewal
from seve.serialization import decode_event, encode_event
from seve.testing.strategies import events, from_model

CONV = ConventionId("conv-1")


def codes(state: Employer, log: Log, when: str, payload: Any) -> list[str]:
    return [p.code for p in seve.check(state, log.make(when, payload))]


def active_log(**kw: Any) -> tuple[Log, Employer]:
    log = company_log()
    activate(log, partnership(**kw))
    return log, employer_state(log)


# -- the lifecycle ---------------------------------------------------------------------------


def test_a_convention_goes_from_draft_to_its_term() -> None:
    log = company_log()
    terms = partnership(siaes=("siae-1", "siae-2"), pmsmp=6, hires=2, visits=4)
    log.add("2024-12-02", ConventionDrafted(convention=terms))
    state = employer_state(log)
    assert state.partnerships[CONV].status is ConventionStatus.DRAFTED
    assert state.partnerships[CONV].missing_signatures == {"emp-1", "siae-1", "siae-2"}
    for party, when in (
        ("emp-1", "2024-12-05"),
        ("siae-1", "2024-12-09"),
        ("siae-2", "2024-12-10"),
    ):
        log.add(when, ConventionSigned(convention=CONV, party=PartyId(party), signatory="X, dir."))
    log.add("2024-12-16", ConventionActivated(convention=CONV))
    state = employer_state(log)
    p = state.partnerships[CONV]
    assert p.status is ConventionStatus.ACTIVE
    assert p.activated_on == day("2024-12-16")
    assert [s.date for s in p.signatures] == [
        day("2024-12-05"),
        day("2024-12-09"),
        day("2024-12-10"),
    ]
    assert not p.in_force_on(day("2024-12-31"))  # activated, but the period starts in January
    assert p.in_force_on(day("2025-01-01"))
    assert p.in_force_on(day("2025-12-31"))
    assert state.siaes == {"siae-1", "siae-2"}
    log.add("2025-12-31", ConventionEnded(convention=CONV))
    assert employer_state(log).partnerships[CONV].status is ConventionStatus.ENDED


def test_an_avenant_changes_commitments_and_end() -> None:
    log, _state = active_log(pmsmp=4)
    avenant = ConventionAmended(
        convention=CONV,
        avenant="av-1",
        summary="Deux PMSMP de plus, jusqu'à fin février",
        company=CompanyCommitments(pmsmp=6),
        end=day("2026-02-28"),
    )
    log.add("2025-06-02", avenant)
    p = employer_state(log).partnerships[CONV]
    assert p.convention.company.pmsmp == 6
    assert p.convention.end == day("2026-02-28")
    assert [a.avenant for a in p.amendments] == ["av-1"]
    again = ConventionAmended(convention=CONV, avenant="av-1", summary="Encore")
    assert codes(employer_state(log), log, "2025-07-01", again) == ["convention.avenant_doublon"]


def test_a_renewal_is_a_new_convention_in_force_from_its_start() -> None:
    log, _ = active_log(pmsmp=4, hires=1)
    renewal = ConventionRenewed(
        convention=CONV,
        renewal=ConventionId("conv-2"),
        start=day("2026-01-01"),
        end=day("2026-12-31"),
        company=CompanyCommitments(pmsmp=8, hires=2),
    )
    log.add("2025-11-20", renewal)
    state = employer_state(log)
    first, second = state.partnerships[CONV], state.partnerships[ConventionId("conv-2")]
    assert first.renewed_by == "conv-2"
    assert second.renews == "conv-1"
    assert second.status is ConventionStatus.ACTIVE
    assert second.signatures == first.signatures
    assert second.convention.company.pmsmp == 8
    assert second.convention.siae == first.convention.siae
    assert second.in_force_on(day("2026-01-01"))
    assert not second.in_force_on(day("2025-12-31"))
    assert codes(state, log, "2025-11-21", renewal) == ["convention.deja_renouvelee"]


def test_an_early_end_gives_its_day_and_reason() -> None:
    log, _ = active_log()
    log.add(
        "2025-06-10",
        ConventionTerminated(
            convention=CONV,
            date=day("2025-06-30"),
            reason=TerminationReason.CESSATION_ACTIVITE,
            detail="Reprise du restaurant",
        ),
    )
    p = employer_state(log).partnerships[CONV]
    assert p.status is ConventionStatus.TERMINATED
    assert p.effective_end == day("2025-06-30")
    assert p.in_force_on(day("2025-06-30"))
    assert not p.in_force_on(day("2025-07-01"))


def test_a_draft_may_be_given_up() -> None:
    log = company_log()
    log.add("2025-01-06", ConventionDrafted(convention=partnership()))
    log.add(
        "2025-02-03",
        ConventionTerminated(
            convention=CONV, date=day("2025-02-03"), reason=TerminationReason.ABANDON
        ),
    )
    p = employer_state(log).partnerships[CONV]
    assert p.status is ConventionStatus.TERMINATED
    assert not p.in_force_on(day("2025-02-01"))


# -- contradictions refused by the fold --------------------------------------------------------


def test_the_fold_refuses_what_contradicts_the_lifecycle() -> None:
    log = company_log()
    state = employer_state(log)
    assert codes(state, log, "2025-01-06", ConventionActivated(convention=CONV)) == [
        "convention.inconnue"
    ]
    other = partnership(employer="emp-2")
    assert codes(state, log, "2025-01-06", ConventionDrafted(convention=other)) == [
        "employeur.autre"
    ]
    alone = partnership(siaes=())
    assert codes(state, log, "2025-01-06", ConventionDrafted(convention=alone)) == [
        "convention.sans_structure"
    ]
    log.add("2025-01-06", ConventionDrafted(convention=partnership()))
    state = employer_state(log)
    assert codes(state, log, "2025-01-06", ConventionDrafted(convention=partnership())) == [
        "convention.doublon"
    ]
    stranger = ConventionSigned(convention=CONV, party=PartyId("siae-9"), signatory="Quelqu'un")
    assert codes(state, log, "2025-01-07", stranger) == ["convention.partie_inconnue"]
    signed = ConventionSigned(convention=CONV, party=PartyId("emp-1"), signatory="La gérante")
    log.add("2025-01-07", signed)
    state = employer_state(log)
    assert codes(state, log, "2025-01-08", signed) == ["convention.deja_signee"]
    amend = ConventionAmended(convention=CONV, avenant="av-1", summary="Plus de PMSMP")
    assert codes(state, log, "2025-01-08", amend) == ["convention.statut"]
    assert codes(state, log, "2025-01-08", ConventionEnded(convention=CONV)) == [
        "convention.statut"
    ]


def test_a_convention_in_force_is_no_longer_signed() -> None:
    log, state = active_log()
    signed = ConventionSigned(convention=CONV, party=PartyId("emp-1"), signatory="La gérante")
    assert codes(state, log, "2025-01-08", signed) == ["convention.statut"]


# -- the rules ---------------------------------------------------------------------------------


def test_every_party_signs_before_it_comes_into_force() -> None:
    log = company_log()
    log.add("2025-01-06", ConventionDrafted(convention=partnership(siaes=("siae-1", "siae-2"))))
    log.add("2025-01-06", ConventionSigned(convention=CONV, party=PartyId("emp-1"), signatory="G"))
    log.add("2025-01-07", ConventionSigned(convention=CONV, party=PartyId("siae-1"), signatory="D"))
    problems = seve.check(
        employer_state(log), log.make("2025-01-08", ConventionActivated(convention=CONV))
    )
    assert [p.code for p in problems] == ["convention.signatures_manquantes"]
    assert "siae-2" in problems[0].message
    assert problems[0].path == ("payload", "convention")
    with pytest.raises(DomainError):
        seve.apply(
            employer_state(log), log.make("2025-01-08", ConventionActivated(convention=CONV))
        )


@pytest.mark.parametrize(
    ("volumes", "expected"),
    [
        ({"pmsmp": 4}, []),
        ({"hires": 1}, []),
        ({"mecenat": 2}, []),
        ({"pmsmp": -1, "hires": 2}, ["convention.engagement_negatif"]),
        ({"pmsmp": 0}, ["convention.sans_engagement"]),
        ({"visits": -2}, ["convention.engagement_negatif", "convention.sans_engagement"]),
    ],
)
def test_commitments_are_positive(volumes: dict[str, int], expected: list[str]) -> None:
    log = company_log()
    drafted = ConventionDrafted(convention=partnership(**volumes))
    assert codes(employer_state(log), log, "2025-01-06", drafted) == expected


def test_the_siae_commitments_are_positive_too() -> None:
    log = company_log()
    drafted = ConventionDrafted(convention=partnership(proposals=-3))
    problems = seve.check(employer_state(log), log.make("2025-01-06", drafted))
    assert [(p.code, p.path) for p in problems] == [
        ("convention.engagement_negatif", ("payload", "convention", "siae", "proposals"))
    ]


@settings(deadline=None)
@given(
    volumes=st.fixed_dictionaries(
        {name: st.integers(-3, 3) for name in CompanyCommitments.VOLUMES}
    ),
    proposals=st.integers(-3, 3),
)
def test_commitment_problems_match_the_volumes(volumes: dict[str, int], proposals: int) -> None:
    """Property: a negative volume is reported at its path; none positive is reported once."""
    log = company_log()
    drafted = ConventionDrafted(convention=partnership(proposals=proposals, **volumes))
    problems = seve.check(employer_state(log), log.make("2025-01-06", drafted))
    negative = sorted(
        [("company", n) for n, v in volumes.items() if v < 0]
        + ([("siae", "proposals")] if proposals < 0 else [])
    )
    found = sorted(p.path[-2:] for p in problems if p.code == "convention.engagement_negatif")
    assert found == negative
    none = not any(v > 0 for v in volumes.values())
    assert ("convention.sans_engagement" in [p.code for p in problems]) is none


def test_dates_are_coherent() -> None:
    log = company_log()
    backwards = ConventionDrafted(convention=partnership(start="2025-12-31", end="2025-01-01"))
    assert codes(employer_state(log), log, "2024-12-02", backwards) == [
        "convention.dates_incoherentes"
    ]
    log, state = active_log()
    renewal = ConventionRenewed(
        convention=CONV,
        renewal=ConventionId("conv-2"),
        start=day("2025-12-01"),
        end=day("2026-11-30"),
    )
    assert codes(state, log, "2025-11-20", renewal) == [
        "convention.renouvellement_debut",
        "convention.chevauchement",
    ]
    upside = ConventionRenewed(
        convention=CONV,
        renewal=ConventionId("conv-2"),
        start=day("2026-12-31"),
        end=day("2026-01-01"),
    )
    assert codes(state, log, "2025-11-20", upside) == ["convention.dates_incoherentes"]
    shorter = ConventionAmended(
        convention=CONV, avenant="av-1", summary="Fin", end=day("2024-06-30")
    )
    assert codes(state, log, "2025-02-03", shorter) == ["convention.dates_incoherentes"]
    assert codes(state, log, "2025-06-30", ConventionEnded(convention=CONV)) == [
        "convention.fin_avant_terme"
    ]
    early = ConventionTerminated(
        convention=CONV, date=day("2026-03-01"), reason=TerminationReason.ENTREPRISE
    )
    assert codes(state, log, "2025-06-30", early) == ["convention.resiliation_date"]


def test_a_convention_cannot_come_into_force_after_its_period() -> None:
    log = company_log()
    log.add("2025-01-06", ConventionDrafted(convention=partnership(end="2025-03-31")))
    for party in ("emp-1", "siae-1"):
        log.add(
            "2025-01-06", ConventionSigned(convention=CONV, party=PartyId(party), signatory="X")
        )
    assert codes(employer_state(log), log, "2025-04-01", ConventionActivated(convention=CONV)) == [
        "convention.activation_tardive"
    ]


def _second(siaes: tuple[str, ...], start: str, end: str) -> list[Any]:
    second = ConventionId("conv-2")
    terms = partnership("conv-2", siaes=siaes, start=start, end=end)
    return [
        ConventionDrafted(convention=terms),
        *(
            ConventionSigned(convention=second, party=PartyId(p), signatory="X")
            for p in sorted(terms.parties)
        ),
    ]


@pytest.mark.parametrize(
    ("siaes", "start", "end", "expected"),
    [
        (("siae-1",), "2025-06-01", "2026-05-31", ["convention.chevauchement"]),
        (("siae-1", "siae-2"), "2025-12-31", "2026-12-30", ["convention.chevauchement"]),
        (("siae-2",), "2025-06-01", "2026-05-31", []),  # another SIAE: no common party
        (("siae-1",), "2026-01-01", "2026-12-31", []),  # the next period
    ],
)
def test_no_two_conventions_in_force_between_the_same_parties(
    siaes: tuple[str, ...], start: str, end: str, expected: list[str]
) -> None:
    log, _ = active_log()
    for payload in _second(siaes, start, end):
        log.add("2025-02-03", payload)
    state = employer_state(log)
    activated = ConventionActivated(convention=ConventionId("conv-2"))
    assert codes(state, log, "2025-02-04", activated) == expected


def test_a_terminated_convention_no_longer_overlaps() -> None:
    log, _ = active_log()
    log.add(
        "2025-04-30",
        ConventionTerminated(
            convention=CONV, date=day("2025-04-30"), reason=TerminationReason.SIAE
        ),
    )
    for payload in _second(("siae-1",), "2025-05-01", "2026-04-30"):
        log.add("2025-04-30", payload)
    log.add("2025-04-30", ConventionActivated(convention=ConventionId("conv-2")))
    assert (
        employer_state(log).partnerships[ConventionId("conv-2")].status is ConventionStatus.ACTIVE
    )


def test_an_avenant_that_extends_into_another_convention_is_refused() -> None:
    log, _ = active_log()
    log.add(
        "2025-11-20",
        ConventionRenewed(
            convention=CONV,
            renewal=ConventionId("conv-2"),
            start=day("2026-01-01"),
            end=day("2026-12-31"),
        ),
    )
    longer = ConventionAmended(
        convention=CONV, avenant="av-1", summary="+1 mois", end=day("2026-01-31")
    )
    assert codes(employer_state(log), log, "2025-11-21", longer) == ["convention.chevauchement"]


# -- queries -----------------------------------------------------------------------------------


def test_conventions_due_for_renewal() -> None:
    log, _ = active_log()
    other = company_log("emp-2")
    activate(other, partnership("conv-b", employer="emp-2", start="2025-03-01", end="2026-02-28"))
    employers = [employer_state(log), employer_state(other)]
    on = day("2025-11-15")
    assert [(r.convention, r.days_left) for r in due_for_renewal(employers, on)] == [("conv-1", 46)]
    later = [(r.convention, r.days_left) for r in due_for_renewal(employers, day("2026-01-10"))]
    assert later == [("conv-1", -10), ("conv-b", 49)]
    assert due_for_renewal(employers, on, siae=SiaeId("siae-2")) == ()
    wide = due_for_renewal(employers, on, within=dt.timedelta(days=120))
    assert [r.convention for r in wide] == ["conv-1", "conv-b"]
    log.add(
        "2025-11-20",
        ConventionRenewed(
            convention=CONV,
            renewal=ConventionId("conv-2"),
            start=day("2026-01-01"),
            end=day("2026-12-31"),
        ),
    )
    assert [r.convention for r in due_for_renewal([employer_state(log)], on)] == []


# -- serialization -----------------------------------------------------------------------------

PAYLOADS = (
    ConventionDrafted,
    ConventionSigned,
    ConventionActivated,
    ConventionAmended,
    ConventionRenewed,
    ConventionEnded,
    ConventionTerminated,
    seve.InteractionRecorded,
    seve.RelationTransferred,
)


@settings(deadline=None)
@given(events(st.one_of([from_model(cls) for cls in PAYLOADS])))
def test_every_event_type_round_trips_through_json_lines(event: Any) -> None:
    assert decode_event(encode_event(event)) == event


def test_a_convention_line_reads_like_the_domain() -> None:
    log = company_log()
    terms = partnership(pmsmp=6, hires=2)
    line = encode_event(log.make("2024-12-02", ConventionDrafted(convention=terms)))
    assert b'"type":"convention_drafted"' in line
    assert b'"siaes":["siae-1"]' in line
    assert decode_event(line).payload.convention == terms
    assert SiaeCommitments().suivi_dans_l_emploi
