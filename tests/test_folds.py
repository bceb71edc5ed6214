"""Folding streams into their state: ``PARCOURS``, ``STRUCTURE``, ``EMPLOYER`` and ``replay``.

A valid stream folds into the state it describes; every event that contradicts the
state before it is refused with its code, and the problem's path starts with the
event's position in the stream.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import seve
from seve import DomainError
from seve.model import (
    EMPLOYER,
    PARCOURS,
    PARIS,
    STRUCTURE,
    Action,
    ActionId,
    ActionPlanned,
    ActionStatus,
    ActionStatusChanged,
    AgeBand,
    Bilan,
    BilanId,
    BilanKind,
    BilanRecorded,
    ContactAdded,
    ContactId,
    ContactPerson,
    ContractEnded,
    ContractEndReason,
    ContractId,
    ContractRenewed,
    ContractStarted,
    ContractSuspended,
    EmployerId,
    Frein,
    FreinId,
    FreinIdentified,
    FreinLifted,
    FreinTheme,
    Objective,
    ObjectiveDefined,
    ObjectiveId,
    PassProlongation,
    PassProlonged,
    PassSuspended,
    PassSuspension,
    PersonalData,
    PersonalDataRecorded,
    ProlongationReason,
    SiaeId,
    SiaeKind,
    SiaeRegistered,
    Site,
    SiteAdded,
    SiteId,
    Sortie,
    SortieMotif,
    SortieRecorded,
    StaffId,
    StaffMember,
    StaffMemberJoined,
    StaffMemberLeft,
    StaffRole,
    StreamKind,
    SuiviContact,
    SuiviContactRecorded,
    SuiviWith,
    SuspensionReason,
    stream_id,
)
from seve.rules import months_after

sys.path.insert(0, str(Path(__file__).parent))  # builders.py: see its docstring
from builders import (
    Log,
    at,
    cddi,
    company,
    day,
    embauche,
    employer_log,
    hours,
    parcours_events,
    pass_iae,
    prefix,
    situation,
    structure_log,
)

# -- a whole parcours --------------------------------------------------------------------


def frein(id: str, theme: FreinTheme, on: str) -> FreinIdentified:
    return FreinIdentified(frein=Frein(id=FreinId(id), theme=theme, identified_on=day(on)))


def objective(id: str, *freins: str) -> ObjectiveDefined:
    return ObjectiveDefined(
        objective=Objective(
            id=ObjectiveId(id), label="Passer le permis", freins=tuple(map(FreinId, freins))
        )
    )


def action(id: str, objective: str) -> ActionPlanned:
    return ActionPlanned(
        action=Action(id=ActionId(id), objective=ObjectiveId(objective), label="Code de la route")
    )


def status(id: str, value: ActionStatus) -> ActionStatusChanged:
    return ActionStatusChanged(action=ActionId(id), status=value)


def sortie(on: str, motif: SortieMotif = SortieMotif.CDI) -> SortieRecorded:
    return SortieRecorded(sortie=Sortie(date=day(on), motif=motif))


def suivi(on: str) -> SuiviContactRecorded:
    return SuiviContactRecorded(
        contact=SuiviContact(date=day(on), party=SuiviWith.EMPLOYEUR, in_employment=True)
    )


def pass_suspension(start: str, end: str) -> PassSuspended:
    return PassSuspended(
        suspension=PassSuspension(
            start=day(start), end=day(end), reason=SuspensionReason.CONTRAT_SUSPENDU
        )
    )


def prolongation(start: str, end: str, reason: ProlongationReason) -> PassProlonged:
    return PassProlonged(
        prolongation=PassProlongation(start=day(start), end=day(end), reason=reason)
    )


def renewal(end: str, contract: str = "c-1") -> ContractRenewed:
    return ContractRenewed(contract=ContractId(contract), end=day(end))


def ended(on: str, contract: str = "c-1") -> ContractEnded:
    return ContractEnded(
        contract=ContractId(contract), date=day(on), reason=ContractEndReason.TERME
    )


def bilan(id: str, kind: BilanKind, on: str) -> BilanRecorded:
    return BilanRecorded(bilan=Bilan(id=BilanId(id), kind=kind, date=day(on)))


@pytest.fixture
def story() -> Log:
    """A year in an ACI: CDDI renewed once, freins, a plan, a suspended and prolonged
    PASS IAE, the sortie in CDI, then suivi dans l'emploi."""
    log = Log()
    log.add("2025-01-15", embauche("2025-01-15", siae_kind=SiaeKind.ACI))  # CDDI to 14/07
    log.add("2025-01-20", frein("f-mob", FreinTheme.MOBILITE, "2025-01-20"))
    log.add("2025-01-20", frein("f-log", FreinTheme.LOGEMENT, "2025-01-20"))
    log.add("2025-01-22", objective("o-1", "f-mob"))
    log.add("2025-01-22", action("a-1", "o-1"))
    log.add("2025-01-22", action("a-2", "o-1"))
    log.add("2025-02-01", hours("2025-01-01", 52))
    log.add("2025-02-10", status("a-1", ActionStatus.IN_PROGRESS))
    log.add("2025-03-01", hours("2025-02-01", "104.5"))
    log.add("2025-03-05", pass_suspension("2025-03-05", "2025-03-14"))  # 10 days
    log.add("2025-04-01", FreinLifted(frein=FreinId("f-mob")))
    log.add("2025-04-01", status("a-1", ActionStatus.DONE))
    log.add("2025-04-02", status("a-2", ActionStatus.CANCELLED))
    log.add("2025-07-01", renewal("2025-12-31"))
    # The PASS ends on 24/01/2027 (14/01 + 10 days): prolonged from the 25th for a year.
    log.add(
        "2025-12-01",
        prolongation("2027-01-25", "2028-01-24", ProlongationReason.DIFFICULTES_PARTICULIERES),
    )
    log.add("2025-12-31", sortie("2025-12-31"))
    log.add("2026-01-05", hours("2025-12-01", 100))
    log.add("2026-01-10", bilan("b-1", BilanKind.SORTIE, "2026-01-10"))
    log.add("2026-03-01", suivi("2026-03-01"))
    return log


def test_a_parcours_folds_into_its_state(story: Log) -> None:
    p = PARCOURS(story)

    assert p.stream == "parcours:p-1"
    assert p.version == len(story) == 19
    assert p.updated_at == at("2026-03-01")
    assert (p.salarie, p.siae, p.siae_kind) == ("s-1", "siae-1", SiaeKind.ACI)
    assert p.embauche == day("2025-01-15")

    (contract,) = p.contracts
    assert (contract.start, contract.end) == (day("2025-01-15"), day("2025-12-31"))
    assert p.contract(ContractId("c-1")) == contract
    assert p.contract(ContractId("c-2")) is None
    assert p.running_contract(day("2025-12-31")) == contract
    assert p.running_contract(day("2026-01-01")) is None
    assert p.running_contract(day("2025-01-14")) is None

    assert p.hours_worked == Decimal("256.5")
    assert [h.month for h in p.hours] == [day("2025-01-01"), day("2025-02-01"), day("2025-12-01")]

    assert [f.id for f in p.open_freins] == ["f-log"]
    assert p.freins[FreinId("f-mob")].lifted_on == day("2025-04-01")
    assert p.objectives[ObjectiveId("o-1")].freins == ("f-mob",)
    assert {a: x.status for a, x in p.actions.items()} == {
        "a-1": ActionStatus.DONE,
        "a-2": ActionStatus.CANCELLED,
    }

    assert p.pass_iae.start == day("2025-01-15")
    assert p.pass_iae.end == day("2028-01-24")
    assert [s.days for s in p.pass_iae.suspensions] == [10]
    assert len(p.pass_iae.prolongations) == 1
    assert p.pass_iae.suspended_on(day("2025-03-14"))
    assert not p.pass_iae.suspended_on(day("2025-03-15"))

    assert p.closed
    assert p.sortie == Sortie(date=day("2025-12-31"), motif=SortieMotif.CDI)
    assert [b.kind for b in p.bilans] == [BilanKind.SORTIE]
    assert [s.date for s in p.suivis] == [day("2026-03-01")]


def test_replay_checks_the_rules_and_gives_the_same_state(story: Log) -> None:
    assert seve.replay(story) == PARCOURS(story)


@pytest.mark.parametrize(
    ("until", "version", "worked", "contract_end", "pass_end", "closed"),
    [
        ("2025-01-15", 1, "0", "2025-07-14", "2027-01-14", False),
        ("2025-02-28", 8, "52", "2025-07-14", "2027-01-14", False),
        ("2025-03-05", 10, "156.5", "2025-07-14", "2027-01-24", False),
        ("2025-07-01", 14, "156.5", "2025-12-31", "2027-01-24", False),
        ("2025-12-31", 16, "156.5", "2025-12-31", "2028-01-24", True),
        ("2030-01-01", 19, "256.5", "2025-12-31", "2028-01-24", True),
    ],
)
def test_until_gives_the_state_at_a_day(
    story: Log,
    until: str,
    version: int,
    worked: str,
    contract_end: str,
    pass_end: str,
    closed: bool,
) -> None:
    for fold in (PARCOURS, seve.replay):
        p = fold(story, until=day(until))
        assert p.version == version
        assert p.hours_worked == Decimal(worked)
        assert p.contracts[0].end == day(contract_end)
        assert p.pass_iae.end == day(pass_end)
        assert p.closed is closed


def test_until_counts_days_in_paris() -> None:
    log = Log()
    log.add("2025-01-15", embauche())
    # 23:30 UTC on 31 January is already 1 February in Paris.
    late = dt.datetime(2025, 1, 31, 23, 30, tzinfo=dt.UTC)
    log.add(late, hours("2025-01-01", 60))
    assert log.events[-1].day == day("2025-02-01")
    assert PARCOURS(log, until=day("2025-01-31")).hours_worked == 0
    assert PARCOURS(log, until=day("2025-02-01")).hours_worked == 60


def test_until_before_the_first_event_is_an_empty_stream(story: Log) -> None:
    with pytest.raises(DomainError) as info:
        PARCOURS(story, until=day("2025-01-14"))
    assert info.value.codes == ["evenement.flux_vide"]
    with pytest.raises(DomainError) as info:
        seve.replay([])
    assert info.value.codes == ["evenement.flux_vide"]


def test_contracts_follow_each_other() -> None:
    log = Log()
    log.add("2025-01-15", embauche(contract=cddi("2025-01-15", "2025-07-14")))
    log.add("2025-04-30", ended("2025-04-30"))
    log.add("2025-05-01", ContractStarted(contract=cddi("2025-05-01", "2025-10-31", id="c-2")))
    log.add("2025-06-01", hours("2025-04-01", 80))
    log.add("2025-06-01", hours("2025-05-01", 90, contract="c-2"))
    p = seve.replay(log)
    assert [c.id for c in p.contracts] == ["c-1", "c-2"]
    assert p.contract_ends[ContractId("c-1")].date == day("2025-04-30")
    assert p.contract_end_date(p.contracts[0]) == day("2025-04-30")
    assert p.running_contract(day("2025-04-30")).id == "c-1"  # type: ignore[union-attr]
    assert p.running_contract(day("2025-05-01")).id == "c-2"  # type: ignore[union-attr]
    assert p.hours_worked == 170


def test_contract_suspension_and_personal_data_after_the_sortie() -> None:
    log = Log()
    log.add("2025-01-15", embauche())
    suspended = ContractSuspended(
        contract=ContractId("c-1"), start=day("2025-03-01"), end=day("2025-03-20")
    )
    log.add("2025-03-01", suspended)
    log.add("2025-07-14", sortie("2025-07-14"))
    data = PersonalData(first_name="Awa", last_name="Diallo")
    log.add("2025-08-01", PersonalDataRecorded(data=data))
    p = seve.replay(log)
    assert [(s.start, s.end) for s in p.contract_suspensions] == [
        (day("2025-03-01"), day("2025-03-20"))
    ]
    assert p.personal == data


# -- every contradiction is refused ------------------------------------------------------


def refused(events: Any, fold: Any = PARCOURS) -> DomainError:
    """The error folding ``events`` raises; every problem is French and located."""
    with pytest.raises(DomainError) as info:
        fold(events)
    error = info.value
    for problem in error.problems:
        assert isinstance(problem.message, str)
        assert problem.message.strip()
        assert problem.code in str(error)
    return error


def assert_refused_last(log: Log, code: str, *path: str | int) -> DomainError:
    """Folding ``log`` fails on its last event, with ``code`` at ``path``."""
    error = refused(log)
    assert error.codes == [code]
    (problem,) = error.problems
    assert problem.path[0] == len(log) - 1
    if path:
        assert problem.path[1:] == path
    assert problem.legal is None  # contradictions of the state cite no article
    # seve.replay refuses it the same way (the fold runs before the rules).
    assert refused(log, seve.replay).problems == error.problems
    # Everything before the last event folds.
    assert PARCOURS(log.events[:-1]).version == len(log) - 1
    return error


@pytest.fixture
def log() -> Log:
    log = Log()
    log.add("2025-01-15", embauche())  # CDDI c-1, 15/01 - 14/07/2025
    return log


def test_first_event_must_be_an_embauche() -> None:
    log = Log()
    log.add("2025-01-15", hours("2025-01-01", 10))
    error = refused(log)
    assert error.codes == ["evenement.premier"]
    assert error.problems[0].path == (0, "type")
    assert "embauche" in error.problems[0].message


def test_second_embauche(log: Log) -> None:
    log.add("2025-02-01", embauche("2025-02-01"))
    assert_refused_last(log, "evenement.deja_ouvert", "type")


def test_event_of_another_stream(log: Log) -> None:
    log.add("2025-02-01", hours("2025-01-01", 10), stream=stream_id(StreamKind.PARCOURS, "p-2"))
    assert_refused_last(log, "evenement.autre_flux", "stream")


def test_event_of_another_kind_of_stream() -> None:
    log = structure_log()
    error = refused(log)
    assert error.codes == ["evenement.mauvais_flux"]
    assert error.problems[0].path == (0, "stream")


def test_events_in_chronological_order(log: Log) -> None:
    log.add("2025-03-01", hours("2025-02-01", 10))
    log.add(at("2025-02-28", 23, 59), hours("2025-01-01", 10))
    assert_refused_last(log, "evenement.ordre", "occurred_at")


def test_events_at_the_same_instant_are_in_order(log: Log) -> None:
    log.add(at("2025-01-15"), hours("2025-01-01", 10))
    assert PARCOURS(log).version == 2


@pytest.mark.parametrize(
    "payload",
    [
        frein("f-1", FreinTheme.SANTE, "2025-08-01"),
        ContractStarted(contract=cddi("2025-08-01", id="c-2")),
        pass_suspension("2025-08-01", "2025-08-31"),
        renewal("2025-12-31"),
        sortie("2025-08-01"),
    ],
    ids=lambda p: type(p).__name__,
)
def test_nothing_but_suivi_after_the_sortie(log: Log, payload: Any) -> None:
    log.add("2025-07-14", sortie("2025-07-14"))
    log.add("2025-08-01", payload)
    assert_refused_last(log, "evenement.apres_cloture", "type")


def test_only_the_bilan_de_sortie_after_the_sortie(log: Log) -> None:
    log.add("2025-07-14", sortie("2025-07-14"))
    log.add("2025-07-20", bilan("b-1", BilanKind.SORTIE, "2025-07-20"))
    assert PARCOURS(log).bilans[0].kind is BilanKind.SORTIE
    log.add("2025-07-21", bilan("b-2", BilanKind.INTERMEDIAIRE, "2025-07-21"))
    assert_refused_last(log, "evenement.apres_cloture", "payload", "bilan", "kind")


def test_what_may_follow_the_sortie(log: Log) -> None:
    log.add("2025-07-14", sortie("2025-07-14"))
    log.add("2025-08-01", hours("2025-07-01", 40))
    log.add("2025-08-01", PersonalDataRecorded(data=PersonalData(first_name="A", last_name="B")))
    log.add("2025-08-02", bilan("b-1", BilanKind.SORTIE, "2025-08-02"))
    log.add("2025-09-01", suivi("2025-09-01"))
    assert seve.replay(log).version == 6


def test_overlapping_contracts(log: Log) -> None:
    log.add("2025-03-01", ContractStarted(contract=cddi("2025-07-14", id="c-2")))
    assert_refused_last(log, "contrat.chevauchement", "payload", "contract", "start")


def test_a_contract_may_start_after_an_early_end(log: Log) -> None:
    log.add("2025-03-31", ended("2025-03-31"))
    log.add("2025-03-31", ContractStarted(contract=cddi("2025-04-01", id="c-2")))
    assert PARCOURS(log).running_contract(day("2025-04-01")).id == "c-2"  # type: ignore[union-attr]


def test_same_contract_twice(log: Log) -> None:
    log.add("2025-08-01", ContractStarted(contract=cddi("2025-08-01")))
    assert_refused_last(log, "contrat.doublon", "payload", "contract", "id")


@pytest.mark.parametrize(
    "payload",
    [
        renewal("2025-12-31", contract="c-9"),
        ended("2025-05-01", contract="c-9"),
        hours("2025-01-01", 10, contract="c-9"),
        ContractSuspended(
            contract=ContractId("c-9"), start=day("2025-02-01"), end=day("2025-02-02")
        ),
    ],
    ids=lambda p: type(p).__name__,
)
def test_unknown_contract(log: Log, payload: Any) -> None:
    log.add("2025-02-01", payload)
    error = assert_refused_last(log, "contrat.inconnu")
    assert error.problems[0].path[1] == "payload"
    assert "c-9" in error.problems[0].message


@pytest.mark.parametrize("end", ["2025-07-14", "2025-07-13"])
def test_renewal_moves_the_end(log: Log, end: str) -> None:
    log.add("2025-07-01", renewal(end))
    assert_refused_last(log, "contrat.renouvellement_date", "payload", "end")


def test_renewal_of_an_ended_contract(log: Log) -> None:
    log.add("2025-05-01", ended("2025-05-01"))
    log.add("2025-05-02", renewal("2025-12-31"))
    assert_refused_last(log, "contrat.termine", "payload", "contract")


@pytest.mark.parametrize("on", ["2025-01-14", "2025-07-15"])
def test_contract_end_within_the_contract(log: Log, on: str) -> None:
    log.add("2025-02-01", ended(on))
    assert_refused_last(log, "contrat.fin_hors_contrat", "payload", "date")


def test_contract_ended_twice(log: Log) -> None:
    log.add("2025-05-01", ended("2025-05-01"))
    log.add("2025-05-02", ended("2025-05-02"))
    assert_refused_last(log, "contrat.termine", "payload", "contract")


@pytest.mark.parametrize(
    ("start", "end"), [("2025-07-10", "2025-07-15"), ("2025-01-14", "2025-01-20")]
)
def test_contract_suspension_within_the_contract(log: Log, start: str, end: str) -> None:
    suspended = ContractSuspended(contract=ContractId("c-1"), start=day(start), end=day(end))
    log.add("2025-02-01", suspended)
    assert_refused_last(log, "contrat.suspension_hors_contrat", "payload", "start")


@pytest.mark.parametrize("month", ["2024-12-01", "2025-08-01"])
def test_hours_outside_the_contract(log: Log, month: str) -> None:
    log.add("2025-02-01", hours(month, 10))
    assert_refused_last(log, "heures.hors_contrat", "payload", "hours", "month")


@pytest.mark.parametrize("month", ["2025-01-01", "2025-07-01"])
def test_hours_in_the_first_and_last_months(log: Log, month: str) -> None:
    log.add("2025-08-01", hours(month, 10))
    assert PARCOURS(log).hours_worked == 10


def test_hours_after_an_early_end(log: Log) -> None:
    log.add("2025-04-10", ended("2025-04-10"))
    log.add("2025-04-30", hours("2025-04-01", 10))
    log.add("2025-05-31", hours("2025-05-01", 10))
    assert_refused_last(log, "heures.hors_contrat", "payload", "hours", "month")


def test_hours_declared_twice(log: Log) -> None:
    log.add("2025-02-01", hours("2025-01-01", 10))
    log.add("2025-02-02", hours("2025-01-01", 12))
    assert_refused_last(log, "heures.doublon", "payload", "hours", "month")


def test_pass_suspension_moves_the_end(log: Log) -> None:
    log.add("2025-03-01", pass_suspension("2025-03-01", "2025-03-31"))  # 31 days
    log.add("2025-06-01", pass_suspension("2025-06-01", "2025-06-01"))  # 1 day
    p = PARCOURS(log)
    assert p.pass_iae.end == day("2027-01-14") + dt.timedelta(days=32)


@pytest.mark.parametrize("start", ["2025-01-14", "2027-01-15"])
def test_pass_suspension_outside_the_pass(log: Log, start: str) -> None:
    log.add("2025-02-01", pass_suspension(start, "2027-02-01"))
    assert_refused_last(log, "pass.suspension_hors_pass", "payload", "suspension", "start")


def test_pass_suspension_may_start_on_the_last_day(log: Log) -> None:
    log.add("2025-02-01", pass_suspension("2027-01-14", "2027-01-20"))
    assert PARCOURS(log).pass_iae.end == day("2027-01-21")


@pytest.mark.parametrize(
    ("start", "end"),
    [("2025-03-31", "2025-04-10"), ("2025-02-20", "2025-03-01"), ("2025-03-05", "2025-03-06")],
)
def test_overlapping_pass_suspensions(log: Log, start: str, end: str) -> None:
    log.add("2025-03-01", pass_suspension("2025-03-01", "2025-03-31"))
    log.add("2025-04-01", pass_suspension(start, end))
    assert_refused_last(log, "pass.suspension_chevauchement", "payload", "suspension", "start")


def test_prolongation_moves_the_end(log: Log) -> None:
    log.add(
        "2026-12-01", prolongation("2027-01-15", "2027-06-30", ProlongationReason.FIN_DE_FORMATION)
    )
    assert PARCOURS(log).pass_iae.end == day("2027-06-30")


@pytest.mark.parametrize("start", ["2027-01-14", "2027-01-16"])
def test_prolongation_starts_the_day_after_the_end(log: Log, start: str) -> None:
    log.add("2026-12-01", prolongation(start, "2027-06-30", ProlongationReason.FIN_DE_FORMATION))
    error = assert_refused_last(log, "pass.prolongation_debut", "payload", "prolongation", "start")
    assert "15/01/2027" in error.problems[0].message


def test_prolongation_after_a_suspension(log: Log) -> None:
    log.add("2025-03-01", pass_suspension("2025-03-01", "2025-03-10"))
    log.add(
        "2026-12-01", prolongation("2027-01-15", "2027-06-30", ProlongationReason.FIN_DE_FORMATION)
    )
    assert_refused_last(log, "pass.prolongation_debut", "payload", "prolongation", "start")


def test_frein_unknown(log: Log) -> None:
    log.add("2025-02-01", FreinLifted(frein=FreinId("f-9")))
    assert_refused_last(log, "frein.inconnu", "payload", "frein")


def test_frein_lifted_twice(log: Log) -> None:
    log.add("2025-02-01", frein("f-1", FreinTheme.MOBILITE, "2025-02-01"))
    log.add("2025-03-01", FreinLifted(frein=FreinId("f-1")))
    log.add("2025-04-01", FreinLifted(frein=FreinId("f-1")))
    assert_refused_last(log, "frein.deja_leve", "payload", "frein")


def test_frein_identified_twice(log: Log) -> None:
    log.add("2025-02-01", frein("f-1", FreinTheme.MOBILITE, "2025-02-01"))
    log.add("2025-02-02", frein("f-1", FreinTheme.SANTE, "2025-02-02"))
    assert_refused_last(log, "frein.doublon", "payload", "frein", "id")


def test_frein_identified_already_lifted(log: Log) -> None:
    lifted = Frein(
        id=FreinId("f-1"),
        theme=FreinTheme.MOBILITE,
        identified_on=day("2025-02-01"),
        lifted_on=day("2025-02-02"),
    )
    log.add("2025-02-02", FreinIdentified(frein=lifted))
    assert_refused_last(log, "frein.deja_leve", "payload", "frein", "lifted_on")


def test_objective_tied_to_an_unknown_frein(log: Log) -> None:
    log.add("2025-02-01", frein("f-1", FreinTheme.MOBILITE, "2025-02-01"))
    log.add("2025-02-02", objective("o-1", "f-1", "f-9"))
    assert_refused_last(log, "frein.inconnu", "payload", "objective", "freins", 1)


def test_objective_defined_twice(log: Log) -> None:
    log.add("2025-02-02", objective("o-1"))
    log.add("2025-02-03", objective("o-1"))
    assert_refused_last(log, "objectif.doublon", "payload", "objective", "id")


def test_action_for_an_unknown_objective(log: Log) -> None:
    log.add("2025-02-02", action("a-1", "o-9"))
    assert_refused_last(log, "objectif.inconnu", "payload", "action", "objective")


def test_action_planned_twice(log: Log) -> None:
    log.add("2025-02-02", objective("o-1"))
    log.add("2025-02-02", action("a-1", "o-1"))
    log.add("2025-02-03", action("a-1", "o-1"))
    assert_refused_last(log, "action.doublon", "payload", "action", "id")


def test_unknown_action_changed(log: Log) -> None:
    log.add("2025-02-02", status("a-9", ActionStatus.DONE))
    assert_refused_last(log, "action.inconnue", "payload", "action")


@pytest.mark.parametrize("closing", [s for s in ActionStatus if s.closed], ids=str)
def test_closed_action_changed(log: Log, closing: ActionStatus) -> None:
    log.add("2025-02-02", objective("o-1"))
    log.add("2025-02-02", action("a-1", "o-1"))
    log.add("2025-02-03", status("a-1", ActionStatus.STANDBY))
    log.add("2025-02-04", status("a-1", closing))
    log.add("2025-02-05", status("a-1", ActionStatus.IN_PROGRESS))
    assert_refused_last(log, "action.close", "payload", "status")


def test_bilan_recorded_twice(log: Log) -> None:
    log.add("2025-02-02", bilan("b-1", BilanKind.ENTREE, "2025-02-02"))
    log.add("2025-02-03", bilan("b-1", BilanKind.INTERMEDIAIRE, "2025-02-03"))
    assert_refused_last(log, "bilan.doublon", "payload", "bilan", "id")


@pytest.mark.parametrize("on", ["2025-03-31", "2025-07-13"])
def test_sortie_with_a_running_contract(log: Log, on: str) -> None:
    log.add("2025-03-31", sortie(on))
    error = assert_refused_last(log, "sortie.contrat_en_cours", "payload", "sortie", "date")
    assert "c-1" in error.problems[0].message


def test_sortie_after_an_early_end(log: Log) -> None:
    log.add("2025-03-31", ended("2025-03-31"))
    log.add("2025-03-31", sortie("2025-03-31"))
    assert PARCOURS(log).closed


def test_sortie_before_the_embauche(log: Log) -> None:
    log.add("2025-03-31", sortie("2025-01-14"))
    assert_refused_last(log, "sortie.avant_embauche", "payload", "sortie", "date")


def test_suivi_before_any_sortie(log: Log) -> None:
    log.add("2025-03-31", suivi("2025-03-31"))
    assert_refused_last(log, "suivi.avant_sortie", "payload", "contact", "date")


def test_suivi_dated_before_the_sortie(log: Log) -> None:
    log.add("2025-07-14", sortie("2025-07-14"))
    log.add("2025-07-20", suivi("2025-07-13"))
    assert_refused_last(log, "suivi.avant_sortie", "payload", "contact", "date")


def test_suivi_on_the_day_of_the_sortie(log: Log) -> None:
    log.add("2025-07-14", sortie("2025-07-14"))
    log.add("2025-07-14", suivi("2025-07-14"))
    assert len(PARCOURS(log).suivis) == 1


def test_fold_step_raises_without_an_index(log: Log) -> None:
    state = PARCOURS(log)
    with pytest.raises(DomainError) as info:
        PARCOURS.step(state, log.make("2025-02-01", hours("2024-12-01", 1)))
    assert info.value.problems[0].path == ("payload", "hours", "month")


def test_fold_stops_at_the_first_contradiction(log: Log) -> None:
    log.add("2025-02-01", FreinLifted(frein=FreinId("f-9")))
    log.add("2025-02-02", FreinLifted(frein=FreinId("f-8")))
    error = refused(log)
    assert [p.path[0] for p in error.problems] == [1]


# -- regressions, found while writing these tests -------------------------------------


def test_embauche_in_a_structure_stream() -> None:
    log = Log(stream_id(StreamKind.SIAE, "siae-1"))
    log.add("2025-01-15", embauche())
    assert refused(log).codes == ["evenement.mauvais_flux"]


def test_renewal_overlapping_the_next_contract() -> None:
    log = Log()
    log.add("2025-01-15", embauche(contract=cddi("2025-01-15", "2025-05-14")))
    log.add("2025-05-15", ContractStarted(contract=cddi("2025-05-15", "2025-09-14", id="c-2")))
    log.add("2025-05-16", renewal("2025-08-31"))
    assert_refused_last(log, "contrat.chevauchement")


def test_sortie_with_a_contract_starting_later() -> None:
    log = Log()
    log.add("2025-01-15", embauche(contract=cddi("2025-01-15", "2025-05-14")))
    log.add("2025-05-10", ContractStarted(contract=cddi("2025-06-01", "2025-09-30", id="c-2")))
    log.add("2025-05-14", sortie("2025-05-14"))
    assert_refused_last(log, "sortie.contrat_en_cours", "payload", "sortie", "date")


def test_frein_lifted_before_it_was_identified(log: Log) -> None:
    log.add("2025-02-01", frein("f-1", FreinTheme.SANTE, "2025-03-01"))
    log.add("2025-02-15", FreinLifted(frein=FreinId("f-1")))
    assert_refused_last(log, "frein.levee_avant_identification", "payload", "frein")


# -- structure and employer streams --------------------------------------------------------


def member(id: str = "staff-1", siae: str = "siae-1") -> StaffMember:
    return StaffMember(
        id=StaffId(id), siae=SiaeId(siae), name="Claire Martin", roles={StaffRole.CIP}
    )


def test_structure_folds() -> None:
    log = structure_log()
    log.add("2025-01-03", StaffMemberJoined(member=member("staff-1")))
    log.add("2025-01-04", StaffMemberJoined(member=member("staff-2")))
    log.add("2025-06-30", StaffMemberLeft(member=StaffId("staff-1")))
    s = STRUCTURE(log)
    assert s == seve.replay(log)
    assert s.version == 4
    assert s.siae.kind is SiaeKind.ACI
    assert list(s.staff) == ["staff-2"]
    assert not s.closed
    assert STRUCTURE(log, until=day("2025-06-29")).staff.keys() == {"staff-1", "staff-2"}


def test_structure_refusals() -> None:
    log = structure_log()
    log.add("2025-01-03", StaffMemberJoined(member=member(siae="siae-2")))
    assert refused(log, STRUCTURE).problems[0].path == (1, "payload", "member", "siae")
    assert refused(log, STRUCTURE).codes == ["equipe.autre_structure"]

    log = structure_log()
    log.add("2025-01-03", StaffMemberLeft(member=StaffId("staff-9")))
    assert refused(log, STRUCTURE).codes == ["equipe.inconnu"]

    log = structure_log()
    log.add("2025-01-03", SiaeRegistered(siae=log.events[0].payload.siae))
    assert refused(log, STRUCTURE).codes == ["evenement.deja_ouvert"]


def test_structure_must_start_with_its_registration() -> None:
    log = Log(stream_id(StreamKind.SIAE, "siae-1"))
    log.add("2025-01-03", StaffMemberJoined(member=member()))
    with pytest.raises(DomainError) as info:
        STRUCTURE(log)
    assert info.value.codes == ["evenement.premier"]


def site(id: str = "site-1", employer: str = "emp-1") -> Site:
    return Site(
        id=SiteId(id), employer=EmployerId(employer), name="Dépôt", postcode="35000", city="Rennes"
    )


def contact(site: str | None = "site-1", employer: str = "emp-1") -> ContactPerson:
    return ContactPerson(
        id=ContactId("ct-1"),
        employer=EmployerId(employer),
        name="Jean Dupont",
        job_title="Chef d'équipe",
        site=None if site is None else SiteId(site),
    )


def test_employer_folds() -> None:
    log = employer_log()
    log.add("2025-01-03", SiteAdded(site=site()))
    log.add("2025-01-04", ContactAdded(contact=contact()))
    e = EMPLOYER(log)
    assert e == seve.replay(log)
    assert e.version == 3
    assert e.company == company()
    assert list(e.sites) == ["site-1"]
    assert e.contacts[ContactId("ct-1")].site == "site-1"
    assert EMPLOYER(log, until=day("2025-01-03")).contacts == {}


@pytest.mark.parametrize(
    ("payload", "code", "path"),
    [
        (SiteAdded(site=site(employer="emp-2")), "employeur.autre", ("site", "employer")),
        (
            ContactAdded(contact=contact(employer="emp-2")),
            "employeur.autre",
            ("contact", "employer"),
        ),
        (ContactAdded(contact=contact(site="site-9")), "site.inconnu", ("contact", "site")),
    ],
    ids=["site", "contact", "contact-site"],
)
def test_employer_refusals(payload: Any, code: str, path: tuple[str, ...]) -> None:
    log = employer_log()
    log.add("2025-01-05", payload)
    error = refused(log, EMPLOYER)
    assert error.codes == [code]
    assert error.problems[0].path == (1, "payload", *path)


def test_employer_registered_twice() -> None:
    log = employer_log()
    log.add("2025-01-05", log.events[0].payload)
    assert refused(log, EMPLOYER).problems[0].path == (1, "type")
    assert refused(log, EMPLOYER).codes == ["evenement.deja_ouvert"]


def test_employer_event_in_a_parcours_fold() -> None:
    error = refused(employer_log())
    assert error.codes == ["evenement.mauvais_flux"]


# -- properties ----------------------------------------------------------------------------


@given(parcours_events())
def test_folding_is_deterministic(events: list[Any]) -> None:
    state = PARCOURS(events)
    assert state == PARCOURS(list(events))
    assert state == seve.replay(events)
    assert state.version == len(events)
    assert state.updated_at == events[-1].occurred_at


@given(parcours_events(), st.data())
def test_until_is_the_fold_of_a_prefix(events: list[Any], data: st.DataObject) -> None:
    first, last = events[0].day, events[-1].day
    until = data.draw(st.dates(first, last + dt.timedelta(days=1)))
    assert seve.replay(events, until=until) == seve.replay(prefix(events, until))
    assert PARCOURS(events, until=until) == PARCOURS(prefix(events, until))


@given(parcours_events())
def test_generated_parcours_are_consistent(events: list[Any]) -> None:
    p = seve.replay(events)
    assert p.hours_worked == sum(e.payload.hours.hours for e in events if e.type == "hours_worked")
    assert p.pass_iae.end == months_after(p.pass_iae.start, 24) + dt.timedelta(
        days=sum(s.days for s in p.pass_iae.suspensions)
    )
    lifted = {e.payload.frein for e in events if e.type == "frein_lifted"}
    assert {f.id for f in p.open_freins} == set(p.freins) - lifted
    if p.closed:
        assert p.sortie is not None
        assert p.running_contract(p.sortie.date + dt.timedelta(days=1)) is None


def test_builders_use_paris() -> None:
    assert at("2025-01-15").tzinfo is PARIS
    assert pass_iae("2025-01-15").end == day("2027-01-14")
    assert situation(AgeBand.FROM_57).age_band.fifty_or_more
    assert attrs.evolve(cddi("2025-01-15"), id=ContractId("x")).end == day("2025-07-14")
