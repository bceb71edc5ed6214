"""The legal rules, each at its boundary: ``seve.check`` lists the problems,
``seve.apply`` raises one :class:`DomainError` carrying all of them.

Days are chosen so that the boundary is visible: a CDDI from 15 January lasts
4 months *de date à date* when it ends on 14 May.
"""

from __future__ import annotations

import calendar
import datetime as dt
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import seve
from seve import DomainError, Problem
from seve.model import (
    AgeBand,
    CddiDerogation,
    ClientKind,
    ContractEnded,
    ContractEndReason,
    ContractId,
    ContractKind,
    ContractRenewed,
    ContractStarted,
    EmployerId,
    Parcours,
    PassProlongation,
    PassProlonged,
    PassSuspended,
    PassSuspension,
    ProlongationReason,
    SiaeKind,
    Site,
    SiteAdded,
    SiteId,
    StreamKind,
    SuspensionReason,
)
from seve.rules import (
    AI_COMPANY_HOURS,
    CDDI_ARTICLES,
    check_cddi,
    check_contract_kind,
    check_mise_a_disposition,
    check_pass_iae,
    months_after,
    rules_for,
)
from seve.testing.strategies import payloads

sys.path.insert(0, str(Path(__file__).parent))  # builders.py: see its docstring
from builders import (
    Log,
    cddi,
    day,
    embauche,
    hours,
    mise_a_disposition,
    parcours_events,
    pass_iae,
    situation,
)

START = "2025-01-15"
#: The last day of 24 months from START, de date à date.
PASS_END = "2027-01-14"


# -- helpers -------------------------------------------------------------------------------


def assert_well_formed(problem: Problem, *, legal: bool = True) -> None:
    """A problem says what is wrong in French, where, and (for a legal rule) why."""
    assert isinstance(problem.code, str)
    assert "." in problem.code
    assert isinstance(problem.message, str)
    assert problem.message.strip()
    assert problem.path[0] == "payload"
    if legal:
        assert isinstance(problem.legal, str)
        assert problem.legal.startswith("Code du travail")


def codes(problems: Sequence[Problem]) -> list[str]:
    for problem in problems:
        assert_well_formed(problem)
    return sorted(p.code for p in problems)


def check_embauche(**kw: Any) -> list[Problem]:
    """The problems of an embauche (the first event of a parcours)."""
    start = kw.pop("start", START)
    return seve.check(None, Log().make(start, embauche(start, **kw)))


def parcours(log: Log) -> Parcours:
    state = seve.replay(log)
    assert isinstance(state, Parcours)
    return state


def check_next(log: Log, when: str, payload: Any) -> list[Problem]:
    """The problems of ``payload`` recorded on ``when`` after the events of ``log``."""
    return seve.check(parcours(log), log.make(when, payload))


def opened(**kw: Any) -> Log:
    """A parcours opened on START (by default an EI, a CDDI of 6 months)."""
    log = Log()
    log.add(START, embauche(START, **kw))
    return log


def renewal(end: str, derogation: CddiDerogation | None = None) -> ContractRenewed:
    return ContractRenewed(contract=ContractId("c-1"), end=day(end), derogation=derogation)


def prolongation(start: str, end: str, reason: ProlongationReason) -> PassProlonged:
    return PassProlonged(
        prolongation=PassProlongation(start=day(start), end=day(end), reason=reason)
    )


def suspension(start: str, end: str) -> PassSuspended:
    return PassSuspended(
        suspension=PassSuspension(
            start=day(start), end=day(end), reason=SuspensionReason.CONTRAT_TERMINE
        )
    )


# -- the engine ----------------------------------------------------------------------------


def test_every_legal_rule_is_registered() -> None:
    rules = rules_for(StreamKind.PARCOURS)
    for rule in (check_contract_kind, check_cddi, check_pass_iae, check_mise_a_disposition):
        assert rule in rules


def test_check_is_empty_and_apply_gives_the_state_when_all_is_well() -> None:
    event = Log().make(START, embauche())
    assert seve.check(None, event) == []
    state = seve.apply(None, event)
    assert isinstance(state, Parcours)
    assert state.version == 1


def test_apply_raises_every_problem_at_once() -> None:
    short_and_thin = cddi(START, "2025-04-14", weekly_hours="18")  # 3 months, 18 h
    event = Log().make(START, embauche(contract=short_and_thin))
    with pytest.raises(DomainError) as info:
        seve.apply(None, event)
    assert sorted(info.value.codes) == ["cddi.duree_min", "cddi.heures_min"]
    assert codes(info.value.problems) == codes(seve.check(None, event))
    by_code = {p.code: p for p in info.value.problems}
    assert by_code["cddi.duree_min"].path == ("payload", "contract", "end")
    assert by_code["cddi.heures_min"].path == ("payload", "contract", "weekly_hours")
    assert "14/05/2025" in by_code["cddi.duree_min"].message
    for problem in info.value.problems:
        assert problem.code in str(info.value)


def test_apply_raises_problems_of_different_rules_together() -> None:
    mission = cddi(START, kind=ContractKind.MISSION)
    event = Log().make(START, embauche(contract=mission, pass_=pass_iae("2025-02-01")))
    with pytest.raises(DomainError) as info:
        seve.apply(None, event)
    assert sorted(info.value.codes) == ["contrat.type_structure", "pass.contrat_hors_validite"]


def test_contradictions_of_the_state_come_first_and_alone() -> None:
    log = opened()
    problems = check_next(log, "2025-02-01", renewal("2025-03-01"))
    assert [p.code for p in problems] == ["contrat.renouvellement_date"]
    assert problems[0].path == ("payload", "end")
    assert problems[0].legal is None
    with pytest.raises(DomainError):
        seve.apply(parcours(log), log.make("2025-02-01", renewal("2025-03-01")))


def test_replay_locates_a_rule_problem_at_its_event() -> None:
    log = opened()
    log.add("2025-07-01", renewal("2027-01-15"))
    with pytest.raises(DomainError) as info:
        seve.replay(log)
    (problem,) = info.value.problems
    assert problem.code == "cddi.duree_max"
    assert problem.path == (1, "payload", "end")
    # The fold alone does not know the law.
    assert seve.PARCOURS(log).contracts[0].end == day("2027-01-15")


# -- CDDI ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        ("2025-01-15", "2025-05-14", True),
        ("2025-01-15", "2025-05-13", False),
        ("2025-01-01", "2025-04-30", True),
        ("2025-01-01", "2025-04-29", False),
        # From 31 October: there is no 31 February, the period ends on the last day.
        ("2024-10-31", "2025-02-28", True),
        ("2024-10-31", "2025-02-27", False),
        ("2023-10-31", "2024-02-29", True),  # a leap year
        ("2023-10-31", "2024-02-28", False),
    ],
)
def test_cddi_lasts_at_least_four_months(start: str, end: str, ok: bool) -> None:
    problems = check_embauche(start=start, contract=cddi(start, end))
    assert codes(problems) == ([] if ok else ["cddi.duree_min"])


def test_cddi_minimum_applies_to_later_contracts_too() -> None:
    log = opened()
    log.add(
        "2025-07-14",
        ContractEnded(
            contract=ContractId("c-1"), date=day("2025-07-14"), reason=ContractEndReason.TERME
        ),
    )
    short = cddi("2025-07-15", "2025-11-13", id="c-2")
    problems = check_next(log, "2025-07-15", ContractStarted(contract=short))
    assert codes(problems) == ["cddi.duree_min"]
    assert problems[0].path == ("payload", "contract", "end")


@pytest.mark.parametrize("kind", [SiaeKind.EI, SiaeKind.AI, SiaeKind.ACI])
def test_cddi_rules_cite_the_article_of_the_structure(kind: SiaeKind) -> None:
    (problem,) = check_embauche(siae_kind=kind, contract=cddi(START, "2025-05-13"))
    assert problem.legal == CDDI_ARTICLES[kind]


@pytest.mark.parametrize(
    ("weekly", "reduced", "expected"),
    [
        ("19.5", False, ["cddi.heures_min"]),
        ("20", False, []),
        ("10", True, []),
        ("19.5", True, []),
        ("35", False, []),
        ("35.5", False, ["cddi.heures_max"]),
        ("35.5", True, ["cddi.heures_max"]),
    ],
)
def test_cddi_weekly_hours(weekly: str, reduced: bool, expected: list[str]) -> None:
    contract = cddi(START, weekly_hours=weekly, reduced_hours=reduced)
    assert codes(check_embauche(contract=contract)) == expected


@pytest.mark.parametrize(("end", "ok"), [("2027-01-14", True), ("2027-01-15", False)])
def test_cddi_renewals_up_to_24_months(end: str, ok: bool) -> None:
    problems = check_next(opened(), "2025-07-01", renewal(end))
    assert codes(problems) == ([] if ok else ["cddi.duree_max"])
    if not ok:
        assert problems[0].path == ("payload", "end")


def test_cddi_24_months_count_from_the_first_contract() -> None:
    log = opened()
    log.add(
        "2025-07-14",
        ContractEnded(
            contract=ContractId("c-1"), date=day("2025-07-14"), reason=ContractEndReason.TERME
        ),
    )
    ok = ContractStarted(contract=cddi("2025-07-15", "2027-01-14", id="c-2"))
    too_long = ContractStarted(contract=cddi("2025-07-15", "2027-01-15", id="c-2"))
    assert check_next(log, "2025-07-15", ok) == []
    problems = check_next(log, "2025-07-15", too_long)
    assert codes(problems) == ["cddi.duree_max"]
    assert problems[0].path == ("payload", "contract", "end")


@pytest.mark.parametrize(
    ("derogation", "kind", "situation_", "ceiling"),
    [
        (CddiDerogation.CINQUANTE_ANS, SiaeKind.EI, situation(AgeBand.FROM_50_TO_56), 84),
        (CddiDerogation.CINQUANTE_ANS, SiaeKind.AI, situation(AgeBand.FROM_57), 84),
        (CddiDerogation.RQTH, SiaeKind.EI, situation(rqth=True), 60),
        (CddiDerogation.DIFFICULTES_PARTICULIERES, SiaeKind.ACI, situation(), 60),
    ],
    ids=["50+", "57+", "rqth", "difficultes-aci"],
)
def test_cddi_derogation_up_to_its_ceiling(
    derogation: CddiDerogation, kind: SiaeKind, situation_: Any, ceiling: int
) -> None:
    log = opened(siae_kind=kind, situation_=situation_)
    last = months_after(day(START), ceiling)
    at_ceiling = renewal(last.isoformat(), derogation)
    beyond = renewal((last + dt.timedelta(days=1)).isoformat(), derogation)
    assert check_next(log, "2025-07-01", at_ceiling) == []
    problems = check_next(log, "2025-07-01", beyond)
    assert codes(problems) == ["cddi.derogation_plafond"]
    assert problems[0].path == ("payload", "end")
    assert "R5132-1-8" in (problems[0].legal or "")


@pytest.mark.parametrize(
    ("derogation", "kind", "situation_"),
    [
        (CddiDerogation.CINQUANTE_ANS, SiaeKind.EI, situation(AgeBand.FROM_18_TO_25)),
        (CddiDerogation.RQTH, SiaeKind.ACI, situation(AgeBand.FROM_50_TO_56, rqth=False)),
        (CddiDerogation.DIFFICULTES_PARTICULIERES, SiaeKind.EI, situation()),
        (CddiDerogation.DIFFICULTES_PARTICULIERES, SiaeKind.AI, situation()),
    ],
    ids=["50+-at-20", "rqth-without-rqth", "difficultes-in-ei", "difficultes-in-ai"],
)
def test_cddi_derogation_conditions(
    derogation: CddiDerogation, kind: SiaeKind, situation_: Any
) -> None:
    log = opened(siae_kind=kind, situation_=situation_)
    problems = check_next(log, "2025-07-01", renewal("2027-06-30", derogation))
    assert codes(problems) == ["cddi.derogation_conditions"]
    assert problems[0].path == ("payload", "derogation")


def test_cddi_derogation_is_not_needed_within_24_months() -> None:
    log = opened(situation_=situation(AgeBand.FROM_26_TO_49))
    assert check_next(log, "2025-07-01", renewal(PASS_END, CddiDerogation.CINQUANTE_ANS)) == []


def test_cddi_derogation_to_finish_a_training_has_no_ceiling() -> None:
    log = opened()
    assert (
        check_next(log, "2025-07-01", renewal("2033-01-01", CddiDerogation.FIN_DE_FORMATION)) == []
    )


def test_cddi_derogation_is_kept_by_later_renewals() -> None:
    log = opened(situation_=situation(AgeBand.FROM_57))
    log.add("2025-07-01", renewal("2027-06-30", CddiDerogation.CINQUANTE_ANS))
    assert check_next(log, "2027-06-01", renewal("2028-06-30")) == []
    assert parcours(log).contracts[0].derogation is CddiDerogation.CINQUANTE_ANS


def test_cddi_rules_ignore_other_contracts() -> None:
    mission = cddi(START, "2025-02-14", weekly_hours="40", kind=ContractKind.MISSION)
    assert check_embauche(siae_kind=SiaeKind.ETTI, contract=mission) == []
    placement = mise_a_disposition(START, "2025-01-31", weekly_hours="5")
    assert check_embauche(siae_kind=SiaeKind.AI, contract=placement) == []


# -- contracts and structures ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "contract_kind", "ok"),
    [
        (SiaeKind.EI, ContractKind.CDDI, True),
        (SiaeKind.ACI, ContractKind.CDDI, True),
        (SiaeKind.AI, ContractKind.CDDI, True),
        (SiaeKind.AI, ContractKind.MISE_A_DISPOSITION, True),
        (SiaeKind.ETTI, ContractKind.MISSION, True),
        (SiaeKind.EITI, ContractKind.ACCOMPAGNEMENT_EITI, True),
        (SiaeKind.ETTI, ContractKind.CDDI, False),
        (SiaeKind.ACI, ContractKind.MISSION, False),
        (SiaeKind.EI, ContractKind.MISE_A_DISPOSITION, False),
        (SiaeKind.EITI, ContractKind.CDDI, False),
    ],
)
def test_each_structure_signs_its_own_contracts(
    kind: SiaeKind, contract_kind: ContractKind, ok: bool
) -> None:
    contract = cddi(START, kind=contract_kind, client_kind=ClientKind.ENTREPRISE)
    problems = check_embauche(siae_kind=kind, contract=contract)
    assert codes(problems) == ([] if ok else ["contrat.type_structure"])
    if not ok:
        assert problems[0].path == ("payload", "contract", "kind")
        assert contract_kind.label in problems[0].message


def test_later_contracts_of_the_wrong_kind() -> None:
    log = opened(siae_kind=SiaeKind.ACI, contract=cddi(START))
    log.add(
        "2025-07-14",
        ContractEnded(
            contract=ContractId("c-1"), date=day("2025-07-14"), reason=ContractEndReason.TERME
        ),
    )
    mission = cddi("2025-07-15", id="c-2", kind=ContractKind.MISSION)
    assert codes(check_next(log, "2025-07-15", ContractStarted(contract=mission))) == [
        "contrat.type_structure"
    ]


def test_mise_a_disposition_names_its_client() -> None:
    placement = mise_a_disposition(START, client_kind=None)
    problems = check_embauche(siae_kind=SiaeKind.AI, contract=placement)
    assert codes(problems) == ["contrat.client_manquant"]
    assert problems[0].path == ("payload", "contract", "client_kind")
    assert "L5132-9" in (problems[0].legal or "")


@pytest.mark.parametrize(
    ("contract_start", "ok"),
    [("2025-01-14", False), ("2025-01-15", True), (PASS_END, True), ("2027-01-15", False)],
)
def test_contract_starts_while_the_pass_is_valid(contract_start: str, ok: bool) -> None:
    contract = cddi(contract_start)
    problems = check_embauche(start=contract_start, contract=contract, pass_=pass_iae(START))
    assert codes(problems) == ([] if ok else ["pass.contrat_hors_validite"])
    if not ok:
        assert problems[0].path == ("payload", "contract", "start")


def mission(start: str, end: str, id: str = "c-1") -> Any:
    return cddi(start, end, id=id, kind=ContractKind.MISSION, client_kind=ClientKind.ENTREPRISE)


def test_later_contract_after_the_pass() -> None:
    log = opened(siae_kind=SiaeKind.ETTI, contract=mission(START, "2026-12-31"))
    late = ContractStarted(contract=mission("2027-01-15", "2027-03-31", id="c-2"))
    problems = check_next(log, "2027-01-02", late)
    assert codes(problems) == ["pass.contrat_hors_validite"]
    on_time = ContractStarted(contract=mission(PASS_END, "2027-03-31", id="c-2"))
    assert check_next(log, "2027-01-02", on_time) == []


def test_a_suspension_keeps_the_pass_valid_longer() -> None:
    log = opened(siae_kind=SiaeKind.ETTI, contract=mission(START, "2026-12-31"))
    log.add("2025-03-01", suspension("2025-03-01", "2025-03-31"))  # PASS to 14/02/2027
    on_time = ContractStarted(contract=mission("2027-02-14", "2027-06-30", id="c-2"))
    late = ContractStarted(contract=mission("2027-02-15", "2027-06-30", id="c-2"))
    assert check_next(log, "2027-01-02", on_time) == []
    assert codes(check_next(log, "2027-01-02", late)) == ["pass.contrat_hors_validite"]


@pytest.mark.parametrize(("end", "ok"), [("2027-01-14", True), ("2027-01-15", False)])
def test_an_etti_mission_lasts_at_most_24_months(end: str, ok: bool) -> None:
    problems = check_embauche(siae_kind=SiaeKind.ETTI, contract=mission(START, end))
    assert [p.code for p in problems if p.code.startswith("mission")] == (
        [] if ok else ["mission.duree_max"]
    )
    log = opened(siae_kind=SiaeKind.ETTI, contract=mission(START, "2025-12-31"))
    renewed = check_next(log, "2025-06-01", renewal(end))
    assert codes(renewed) == ([] if ok else ["mission.duree_max"])
    if not ok:
        assert renewed[0].path == ("payload", "end")
        assert renewed[0].legal == "Code du travail, art. L5132-6"


# -- PASS IAE ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        ("2025-01-15", "2027-01-14", True),  # 730 days
        ("2025-01-15", "2027-01-15", False),
        ("2025-01-15", "2025-12-31", True),
        ("2024-01-01", "2025-12-31", True),  # 731 days with 29 February
        ("2024-01-01", "2026-01-01", False),
    ],
)
def test_pass_lasts_24_months(start: str, end: str, ok: bool) -> None:
    problems = check_embauche(start=start, pass_=pass_iae(start, end))
    assert codes(problems) == ([] if ok else ["pass.duree_initiale"])
    if not ok:
        assert problems[0].path == ("payload", "pass_iae", "end")
        assert "R5132-1-2" in (problems[0].legal or "")


def test_730_days() -> None:
    assert (day("2027-01-14") - day("2025-01-15")).days + 1 == 730


@pytest.mark.parametrize(("end", "ok"), [("2028-02-29", True), ("2028-03-01", False)])
def test_pass_suspension_lasts_at_most_36_months(end: str, ok: bool) -> None:
    problems = check_next(opened(), "2025-03-01", suspension("2025-03-01", end))
    assert codes(problems) == ([] if ok else ["pass.suspension_max"])
    if not ok:
        assert problems[0].path == ("payload", "suspension", "end")


@pytest.mark.parametrize(
    ("kind", "ok"),
    [(SiaeKind.AI, True), (SiaeKind.ACI, True), (SiaeKind.EI, False), (SiaeKind.ETTI, False)],
)
def test_prolongation_for_difficulties_only_in_ai_and_aci(kind: SiaeKind, ok: bool) -> None:
    contract_kind = ContractKind.MISSION if kind is SiaeKind.ETTI else ContractKind.CDDI
    log = opened(siae_kind=kind, contract=cddi(START, kind=contract_kind))
    payload = prolongation("2027-01-15", "2028-01-14", ProlongationReason.DIFFICULTES_PARTICULIERES)
    problems = check_next(log, "2026-12-01", payload)
    assert codes(problems) == ([] if ok else ["pass.prolongation_structure"])
    if not ok:
        assert problems[0].path == ("payload", "prolongation", "reason")


@pytest.mark.parametrize(
    ("reason", "situation_", "ok"),
    [
        (ProlongationReason.CINQUANTE_ANS, situation(AgeBand.FROM_50_TO_56), True),
        (ProlongationReason.CINQUANTE_ANS, situation(AgeBand.FROM_18_TO_25), False),
        (ProlongationReason.RQTH, situation(rqth=True), True),
        (ProlongationReason.RQTH, situation(), False),
        (ProlongationReason.CDI_57_ANS, situation(AgeBand.FROM_57), True),
        (ProlongationReason.CDI_57_ANS, situation(AgeBand.FROM_18_TO_25), False),
        (ProlongationReason.FIN_DE_FORMATION, situation(AgeBand.FROM_18_TO_25), True),
    ],
)
def test_prolongation_conditions(reason: ProlongationReason, situation_: Any, ok: bool) -> None:
    log = opened(situation_=situation_)
    problems = check_next(log, "2026-12-01", prolongation("2027-01-15", "2027-07-14", reason))
    assert codes(problems) == ([] if ok else ["pass.prolongation_conditions"])
    if not ok:
        assert problems[0].path == ("payload", "prolongation", "reason")


@pytest.mark.parametrize(("end", "ok"), [("2028-01-14", True), ("2028-01-15", False)])
def test_prolongation_for_difficulties_one_year_per_decision(end: str, ok: bool) -> None:
    log = opened(siae_kind=SiaeKind.ACI)
    payload = prolongation("2027-01-15", end, ProlongationReason.DIFFICULTES_PARTICULIERES)
    problems = check_next(log, "2026-12-01", payload)
    assert codes(problems) == ([] if ok else ["pass.prolongation_duree"])
    if not ok:
        assert problems[0].path == ("payload", "prolongation", "end")


@pytest.mark.parametrize(
    ("reason", "situation_", "months"),
    [
        (ProlongationReason.RQTH, situation(rqth=True), 60),
        (ProlongationReason.CINQUANTE_ANS, situation(AgeBand.FROM_57), 84),
        (ProlongationReason.FIN_DE_FORMATION, situation(), 48),
    ],
    ids=["rqth", "50+", "formation"],
)
def test_prolongation_within_the_parcours_ceiling(
    reason: ProlongationReason, situation_: Any, months: int
) -> None:
    log = opened(situation_=situation_)
    last = months_after(day(START), months)
    ok = prolongation("2027-01-15", last.isoformat(), reason)
    beyond = prolongation("2027-01-15", (last + dt.timedelta(days=1)).isoformat(), reason)
    assert check_next(log, "2026-12-01", ok) == []
    problems = check_next(log, "2026-12-01", beyond)
    assert codes(problems) == ["pass.prolongation_plafond"]
    assert problems[0].path == ("payload", "prolongation", "end")


def test_suspensions_push_the_prolongation_ceiling() -> None:
    log = opened(situation_=situation(rqth=True))
    log.add("2025-03-01", suspension("2025-03-01", "2025-03-10"))  # 10 days: PASS to 24/01/2027
    ok = prolongation("2027-01-25", "2030-01-24", ProlongationReason.RQTH)
    beyond = prolongation("2027-01-25", "2030-01-25", ProlongationReason.RQTH)
    assert check_next(log, "2026-12-01", ok) == []
    (problem,) = check_next(log, "2026-12-01", beyond)
    assert problem.code == "pass.prolongation_plafond"
    assert "24/01/2030" in problem.message


def test_successive_prolongations_for_difficulties_up_to_60_months() -> None:
    reason = ProlongationReason.DIFFICULTES_PARTICULIERES
    log = opened(siae_kind=SiaeKind.ACI)
    log.add("2026-12-01", prolongation("2027-01-15", "2028-01-14", reason))
    log.add("2027-12-01", prolongation("2028-01-15", "2029-01-14", reason))
    log.add("2028-12-01", prolongation("2029-01-15", "2030-01-14", reason))
    assert parcours(log).pass_iae.end == day("2030-01-14")
    problems = check_next(log, "2029-12-01", prolongation("2030-01-15", "2030-01-15", reason))
    assert codes(problems) == ["pass.prolongation_plafond"]


def test_prolongation_problems_come_together() -> None:
    log = opened(siae_kind=SiaeKind.EI)
    payload = prolongation("2027-01-15", "2030-06-30", ProlongationReason.DIFFICULTES_PARTICULIERES)
    with pytest.raises(DomainError) as info:
        seve.apply(parcours(log), log.make("2026-12-01", payload))
    assert sorted(info.value.codes) == [
        "pass.prolongation_duree",
        "pass.prolongation_plafond",
        "pass.prolongation_structure",
    ]


# -- association intermédiaire: 480 hours with companies ---------------------------------------


def ai_log(*contracts: Any) -> Log:
    """An AI parcours whose first contract is ``contracts[0]``, the others following it."""
    log = Log()
    first, *others = contracts
    log.add(START, embauche(siae_kind=SiaeKind.AI, contract=first))
    for contract in others:
        log.add(START, ContractStarted(contract=contract))
    return log


def months(first: str, n: int) -> list[dt.date]:
    start = day(first)
    return [start + relativedelta(months=i) for i in range(n)]


def test_ai_company_hours_up_to_480() -> None:
    log = ai_log(mise_a_disposition(START, "2027-06-30"))
    for month in months("2025-01-01", 6):
        log.add("2025-07-01", hours(month, 80, contract="mad-1"))
    assert parcours(log).hours_worked == AI_COMPANY_HOURS == 480
    problems = check_next(log, "2025-08-01", hours("2025-07-01", "0.5", contract="mad-1"))
    assert codes(problems) == ["ai.plafond_entreprises"]
    assert problems[0].path == ("payload", "hours", "hours")
    assert "R5132-18" in (problems[0].legal or "")
    assert "480.5" in problems[0].message
    with pytest.raises(DomainError):
        seve.apply(parcours(log), log.make("2025-08-01", hours("2025-07-01", "0.5", "mad-1")))


@pytest.mark.parametrize(
    "client", [ClientKind.PARTICULIER, ClientKind.ASSOCIATION, ClientKind.COLLECTIVITE]
)
def test_ai_hours_with_non_companies_are_not_counted(client: ClientKind) -> None:
    log = ai_log(
        mise_a_disposition(START, "2025-06-30", client_kind=client),
        mise_a_disposition("2025-07-01", "2025-12-31", id="mad-2"),
    )
    for month in months("2025-01-01", 6):
        log.add("2025-07-01", hours(month, 100, contract="mad-1"))
    for month in months("2025-07-01", 5):
        log.add("2026-01-01", hours(month, 96, contract="mad-2"))
    assert parcours(log).hours_worked == 600 + 480
    problems = check_next(log, "2026-01-01", hours("2025-12-01", "0.5", contract="mad-2"))
    assert codes(problems) == ["ai.plafond_entreprises"]


def test_ai_hours_in_cddi_are_not_counted() -> None:
    log = ai_log(cddi(START, "2025-12-31"))
    for month in months("2025-01-01", 6):
        log.add("2025-07-01", hours(month, 151, contract="c-1"))
    assert check_next(log, "2025-08-01", hours("2025-07-01", 151)) == []


@pytest.mark.parametrize(("month", "ok"), [("2027-01-01", False), ("2027-02-01", True)])
def test_ai_hours_after_the_24_month_window_are_not_counted(month: str, ok: bool) -> None:
    log = ai_log(mise_a_disposition(START, "2027-06-30"))
    for m in months("2025-01-01", 6):
        log.add("2025-07-01", hours(m, 80, contract="mad-1"))
    # The window runs from 15/01/2025 to 14/01/2027: January 2027 is in it.
    problems = check_next(log, "2027-03-01", hours(month, 100, contract="mad-1"))
    assert codes(problems) == ([] if ok else ["ai.plafond_entreprises"])


def test_ai_window_starts_at_the_first_company_placement() -> None:
    log = ai_log(
        mise_a_disposition(START, "2025-06-30", client_kind=ClientKind.PARTICULIER),
        mise_a_disposition("2025-07-01", "2027-12-31", id="mad-2"),
    )
    log.add("2025-08-01", hours("2025-07-01", 480, contract="mad-2"))
    # From 01/07/2025, the window ends on 30/06/2027: June 2027 still counts.
    assert codes(check_next(log, "2027-07-01", hours("2027-06-01", 1, contract="mad-2"))) == [
        "ai.plafond_entreprises"
    ]
    assert check_next(log, "2027-08-01", hours("2027-07-01", 1, contract="mad-2")) == []


# -- months_after ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "last"),
    [
        ("2025-01-15", 4, "2025-05-14"),
        ("2024-10-31", 4, "2025-02-28"),
        ("2023-10-31", 4, "2024-02-29"),
        ("2025-01-01", 12, "2025-12-31"),
        ("2024-02-29", 24, "2026-02-28"),
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2025-01-28", 1, "2025-02-27"),
        ("2025-03-15", 0, "2025-03-14"),
    ],
)
def test_months_after(start: str, n: int, last: str) -> None:
    assert months_after(day(start), n) == day(last)


@given(st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31)), st.integers(0, 120))
def test_months_after_is_de_date_a_date(start: dt.date, n: int) -> None:
    last = months_after(start, n)
    same_date = start + relativedelta(months=n)
    if same_date.day == start.day:
        assert last + dt.timedelta(days=1) == same_date
    else:  # no such date that month: the period ends on its last day
        assert last == same_date
        assert (last + dt.timedelta(days=1)).day == 1
    assert months_after(start, n + 1) > last
    if n:
        assert last >= start
        assert (last.year * 12 + last.month) - (start.year * 12 + start.month) in (n - 1, n)


@given(st.integers(2000, 2090), st.sampled_from([1, 3, 5, 7, 8, 10, 12]), st.integers(1, 120))
def test_months_after_the_31st_ends_on_the_last_day_or_the_30th(
    year: int, month: int, n: int
) -> None:
    start = dt.date(year, month, 31)
    target = start + relativedelta(months=n)
    last_of_month = calendar.monthrange(target.year, target.month)[1]
    assert target.day == last_of_month
    expected = target - dt.timedelta(days=1) if last_of_month == 31 else target
    assert months_after(start, n) == expected


# -- check never raises -----------------------------------------------------------------------


def next_payloads(state: Parcours) -> st.SearchStrategy[Any]:
    """Payloads aimed at the rules: about this parcours's contract and PASS, with
    dates around every boundary, plus any parcours payload at all."""
    contract = state.contracts[-1]
    pass_ = state.pass_iae
    days = st.integers(-60, 3200).map(lambda n: contract.start + dt.timedelta(days=n))
    after_pass = pass_.end + dt.timedelta(days=1)
    return st.one_of(
        st.builds(
            ContractRenewed,
            contract=st.just(contract.id),
            end=days,
            derogation=st.none() | st.sampled_from(CddiDerogation),
        ),
        st.builds(lambda d, h: hours(d.replace(day=1), h, contract.id), days, st.integers(0, 700)),
        st.builds(
            lambda n, reason: prolongation(
                after_pass.isoformat(), (after_pass + dt.timedelta(days=n)).isoformat(), reason
            ),
            st.integers(0, 3000),
            st.sampled_from(ProlongationReason),
        ),
        st.builds(
            lambda s, n: suspension(
                (pass_.start + dt.timedelta(days=s)).isoformat(),
                (pass_.start + dt.timedelta(days=s + n)).isoformat(),
            ),
            st.integers(-10, 900),
            st.integers(0, 1500),
        ),
        st.builds(
            lambda s, n, kind, client, weekly: ContractStarted(
                contract=cddi(
                    s,
                    s + dt.timedelta(days=n),
                    id="c-new",
                    kind=kind,
                    client_kind=client,
                    weekly_hours=Decimal(weekly) / 2,
                )
            ),
            days,
            st.integers(0, 1000),
            st.sampled_from(ContractKind),
            st.none() | st.sampled_from(ClientKind),
            st.integers(0, 100),
        ),
        payloads(StreamKind.PARCOURS),
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(parcours_events(), st.data())
def test_check_never_raises(events: list[Any], data: st.DataObject) -> None:
    n = data.draw(st.integers(1, len(events)), label="prefix")
    state = seve.replay(events[:n])
    payload = data.draw(next_payloads(state), label="payload")
    later = dt.timedelta(days=data.draw(st.integers(0, 400)))
    event = attrs.evolve(
        events[n - 1], id="e-next", payload=payload, occurred_at=events[n - 1].occurred_at + later
    )
    problems = seve.check(state, event)
    assert isinstance(problems, list)
    for problem in problems:
        assert problem.message.strip()
        if problem.legal is not None:
            assert_well_formed(problem)
    if not problems:
        assert seve.apply(state, event).version == state.version + 1


@given(parcours_events())
def test_a_valid_parcours_has_no_problem_at_any_step(events: list[Any]) -> None:
    state = None
    for event in events:
        assert seve.check(state, event) == []
        state = seve.apply(state, event)


# -- regressions, found while writing these tests -------------------------------------


def test_check_with_an_event_of_another_kind_of_stream() -> None:
    log = opened()
    site = Site(
        id=SiteId("site-1"),
        employer=EmployerId("emp-1"),
        name="Dépôt",
        postcode="35000",
        city="Rennes",
    )
    problems = seve.check(parcours(log), log.make("2025-02-01", SiteAdded(site=site)))
    assert [p.code for p in problems] == ["evenement.mauvais_flux"]


@pytest.mark.parametrize(
    ("payload", "band"),
    [
        (prolongation("2027-01-15", "2028-01-14", ProlongationReason.CINQUANTE_ANS), "26-49"),
        (prolongation("2027-01-15", "2028-01-14", ProlongationReason.CDI_57_ANS), "50-56"),
        (renewal("2027-06-30", CddiDerogation.CINQUANTE_ANS), "26-49"),
    ],
    ids=["pass-50+", "pass-cdi-57+", "cddi-50+"],
)
def test_age_conditions_at_the_time_of_the_decision(payload: Any, band: str) -> None:
    log = opened(situation_=situation(AgeBand.from_code(band)))
    assert check_next(log, "2026-12-01", payload) == []


def test_cddi_24_months_count_time_under_contract() -> None:
    log = opened()  # CDDI 15/01/2025 - 14/07/2025
    log.add(
        "2025-07-14",
        ContractEnded(
            contract=ContractId("c-1"), date=day("2025-07-14"), reason=ContractEndReason.TERME
        ),
    )
    log.add("2025-07-15", suspension("2025-07-15", "2026-07-14"))
    back = ContractStarted(contract=cddi("2026-07-15", "2027-07-14", id="c-2"))
    assert check_next(log, "2026-07-15", back) == []
