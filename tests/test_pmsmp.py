"""PMSMP: the lifecycle in the fold, and every legal rule at its boundary.

The parcours of these tests opens on Monday 6 January 2025 with a CDDI to
31 December 2026, so that a PMSMP anywhere in 2025 and 2026 runs under contract.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import seve
from seve import DomainError, Problem
from seve.model import (
    ContractEnded,
    ContractEndReason,
    ContractId,
    ForbiddenUse,
    JobContractKind,
    JobOffered,
    Parcours,
    Period,
    PersonalData,
    PersonalDataRecorded,
    PmsmpAmended,
    PmsmpBilan,
    PmsmpCancelled,
    PmsmpConvention,
    PmsmpDrafted,
    PmsmpEnded,
    PmsmpId,
    PmsmpObjective,
    PmsmpOutcome,
    PmsmpParty,
    PmsmpRejected,
    PmsmpRenewed,
    PmsmpSigned,
    PmsmpStarted,
    PmsmpStatus,
    PmsmpValidated,
    PrescripteurId,
    ScheduleDay,
    StreamKind,
    weekly_schedule,
)
from seve.rules import months_after
from seve.serialization import encode_event
from seve.testing.strategies import events, payloads

sys.path.insert(0, str(Path(__file__).parent))  # builders.py: see its docstring
from builders import WORKWEEK, Log, cddi, convention, day, embauche

SIGNERS = (
    PmsmpParty.BENEFICIAIRE,
    PmsmpParty.STRUCTURE_ACCUEIL,
    PmsmpParty.STRUCTURE_ACCOMPAGNEMENT,
)


def parcours_log(start: str = "2025-01-06", end: str = "2026-12-31") -> Log:
    log = Log()
    log.add(start, embauche(start, contract=cddi(start, end)))
    return log


@pytest.fixture
def log() -> Log:
    return parcours_log()


def check(log: Log, when: str | dt.date, payload: Any) -> list[Problem]:
    """The problems of recording ``payload`` on ``when`` after ``log``."""
    return seve.check(seve.replay(log), log.make(when, payload))


def codes(log: Log, when: str | dt.date, payload: Any) -> list[str]:
    return [p.code for p in check(log, when, payload)]


def accept(log: Log, when: str | dt.date, payload: Any) -> Parcours:
    """Record ``payload``, which every rule must accept."""
    assert check(log, when, payload) == []
    log.add(when, payload)
    return seve.replay(log)  # type: ignore[no-any-return]


def validated(log: Log, c: PmsmpConvention, *, renews: str | None = None) -> None:
    """Draft (or renew), sign and validate ``c`` the week before it starts."""
    when = max(c.start - dt.timedelta(days=7), log.events[-1].day)
    if renews is None:
        accept(log, when, PmsmpDrafted(convention=c))
    else:
        accept(log, when, PmsmpRenewed(renews=PmsmpId(renews), convention=c))
    for party in SIGNERS:
        accept(log, when, PmsmpSigned(convention=c.id, party=party))
    accept(log, when, PmsmpValidated(convention=c.id))


def bilan(*, reached: bool = True, **kw: Any) -> PmsmpBilan:
    return PmsmpBilan(
        outcome=kw.pop("outcome", PmsmpOutcome.COMPLETED), objectives_reached=reached, **kw
    )


def done(log: Log, c: PmsmpConvention, *, reached: bool = True, renews: str | None = None) -> None:
    """A whole PMSMP: validated, started on its first day, ended on its last."""
    validated(log, c, renews=renews)
    accept(log, c.start, PmsmpStarted(convention=c.id))
    accept(log, c.end, PmsmpEnded(convention=c.id, bilan=bilan(reached=reached)))


def schedule(*days: tuple[str, Iterable[tuple[str, str]]]) -> tuple[ScheduleDay, ...]:
    return tuple(
        ScheduleDay(date=day(d), periods=tuple(Period(start=s, end=e) for s, e in periods))
        for d, periods in days
    )


# -- the lifecycle ---------------------------------------------------------------------------


def test_a_whole_pmsmp(log: Log) -> None:
    c = convention("2025-03-03", "2025-03-14")
    validated(log, c)
    assert seve.replay(log).pmsmps[c.id].status is PmsmpStatus.VALIDATED
    accept(log, "2025-03-03", PmsmpStarted(convention=c.id))
    offer = JobOffered(contract=JobContractKind.CDI, start=day("2025-04-01"))
    state = accept(log, "2025-03-14", PmsmpEnded(convention=c.id, bilan=bilan(job_offer=offer)))
    pmsmp = state.pmsmps[c.id]
    assert pmsmp.status is PmsmpStatus.ENDED
    assert pmsmp.signatures == frozenset(SIGNERS)
    assert pmsmp.bilan is not None
    assert pmsmp.bilan.job_offer == offer
    assert c.hours == 70  # two weeks of 35 hours
    assert c.days == 12


def test_a_prescripteur_signs_when_there_is_one(log: Log) -> None:
    c = convention(prescripteur=PrescripteurId("ft-rennes"))
    accept(log, "2025-02-20", PmsmpDrafted(convention=c))
    for party in SIGNERS:
        accept(log, "2025-02-20", PmsmpSigned(convention=c.id, party=party))
    assert codes(log, "2025-02-21", PmsmpValidated(convention=c.id)) == [
        "pmsmp.signatures_manquantes"
    ]
    accept(log, "2025-02-21", PmsmpSigned(convention=c.id, party=PmsmpParty.PRESCRIPTEUR))
    accept(log, "2025-02-21", PmsmpValidated(convention=c.id))


@pytest.mark.parametrize(
    ("steps", "payload", "code"),
    [
        (0, PmsmpStarted(convention=PmsmpId("pm-1")), "pmsmp.statut"),
        (0, PmsmpValidated(convention=PmsmpId("pm-1")), "pmsmp.signatures_manquantes"),
        (
            1,
            PmsmpSigned(convention=PmsmpId("pm-1"), party=PmsmpParty.BENEFICIAIRE),
            "pmsmp.deja_signee",
        ),
        (4, PmsmpSigned(convention=PmsmpId("pm-1"), party=PmsmpParty.PRESCRIPTEUR), "pmsmp.statut"),
        (
            4,
            PmsmpRejected(convention=PmsmpId("pm-1"), by=PmsmpParty.PRESCRIPTEUR, reason="x"),
            "pmsmp.statut",
        ),
        (4, PmsmpEnded(convention=PmsmpId("pm-1"), bilan=bilan()), "pmsmp.statut"),
        (0, PmsmpStarted(convention=PmsmpId("pm-2")), "pmsmp.inconnue"),
        (0, PmsmpDrafted(convention=convention()), "pmsmp.doublon"),
        (
            0,
            PmsmpRenewed(renews=PmsmpId("pm-9"), convention=convention(id="pm-2")),
            "pmsmp.inconnue",
        ),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_lifecycle_contradictions(log: Log, steps: int, payload: Any, code: str) -> None:
    c = convention()
    log.add("2025-02-20", PmsmpDrafted(convention=c))
    for party in SIGNERS[:steps]:
        log.add("2025-02-20", PmsmpSigned(convention=c.id, party=party))
    if steps == len(SIGNERS) + 1:
        log.add("2025-02-20", PmsmpValidated(convention=c.id))
    with pytest.raises(DomainError) as info:
        seve.PARCOURS([*log, log.make("2025-02-21", payload)])
    assert info.value.codes == [code]


def test_did_not_show_ends_a_validated_pmsmp(log: Log) -> None:
    c = convention()
    validated(log, c)
    not_shown = bilan(reached=False, outcome=PmsmpOutcome.NOT_SHOWN)
    state = accept(log, c.end, PmsmpEnded(convention=c.id, bilan=not_shown))
    assert state.pmsmps[c.id].status is PmsmpStatus.ENDED


@pytest.mark.parametrize("status", [PmsmpStatus.ENDED, PmsmpStatus.CANCELLED])
def test_cancelled_only_before_it_is_over(log: Log, status: PmsmpStatus) -> None:
    c = convention()
    if status is PmsmpStatus.ENDED:
        done(log, c)
    else:
        validated(log, c)
        accept(log, "2025-02-28", PmsmpCancelled(convention=c.id, reason="Entreprise fermée"))
        assert seve.replay(log).pmsmps[c.id].reason == "Entreprise fermée"
    assert codes(log, "2025-03-20", PmsmpCancelled(convention=c.id, reason="x")) == ["pmsmp.statut"]


def test_rejected_with_a_reason_does_not_count(log: Log) -> None:
    c = convention("2025-03-03", "2025-04-02")  # 31 days
    accept(log, "2025-02-20", PmsmpDrafted(convention=c))
    accept(
        log,
        "2025-02-21",
        PmsmpRejected(convention=c.id, by=PmsmpParty.PRESCRIPTEUR, reason="Objet flou"),
    )
    # a rejected convention neither counts towards the 60 days nor blocks the objective
    done(log, convention("2025-04-07", "2025-05-06", id="pm-2"))


# -- one month, de date à date ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "last"),
    [
        ("2025-03-15", "2025-04-14"),
        ("2025-01-31", "2025-02-28"),  # no 31 February: the last day of the month
        ("2024-01-31", "2024-02-29"),  # leap year
        ("2025-12-31", "2026-01-30"),
    ],
)
def test_one_month_de_date_a_date(start: str, last: str) -> None:
    log = parcours_log("2024-01-08", "2025-12-31") if start < "2025" else parcours_log()
    assert months_after(day(start), 1) == day(last)
    assert codes(log, start, PmsmpDrafted(convention=convention(start, last))) == []
    too_long = convention(start, day(last) + dt.timedelta(days=1))
    assert codes(log, start, PmsmpDrafted(convention=too_long)) == ["pmsmp.duree_max"]


# -- renewal --------------------------------------------------------------------------------


@pytest.fixture
def first(log: Log) -> PmsmpConvention:
    """A first PMSMP in March whose objectives were not reached."""
    c = convention("2025-03-03", "2025-03-14")
    done(log, c, reached=False)
    return c


def renewal(start: str = "2025-03-15", end: str = "2025-04-11", **kw: Any) -> PmsmpRenewed:
    return PmsmpRenewed(renews=PmsmpId("pm-1"), convention=convention(start, end, id="pm-r", **kw))


def test_renewal_the_day_after_the_first_period(log: Log, first: PmsmpConvention) -> None:
    state = accept(log, "2025-03-14", renewal("2025-03-15"))
    assert state.pmsmps[PmsmpId("pm-1")].renewed_by == "pm-r"
    assert state.pmsmps[PmsmpId("pm-r")].renews == "pm-1"


def test_renewal_overlapping_the_first_period(log: Log, first: PmsmpConvention) -> None:
    # it starts on the last day of the first: the schedules of that day overlap too
    assert "pmsmp.renouvellement_chevauchement" in codes(log, "2025-03-14", renewal("2025-03-14"))


def test_renewal_lasts_one_month_at_most(log: Log, first: PmsmpConvention) -> None:
    assert codes(log, "2025-03-14", renewal("2025-03-17", "2025-04-16")) == []
    assert codes(log, "2025-03-14", renewal("2025-03-17", "2025-04-17")) == ["pmsmp.duree_max"]


def test_renewal_only_when_objectives_were_not_reached(log: Log) -> None:
    done(log, convention("2025-03-03", "2025-03-14"), reached=True)
    assert codes(log, "2025-03-14", renewal()) == ["pmsmp.renouvellement_objectifs_atteints"]


def test_renewal_needs_the_bilan(log: Log) -> None:
    c = convention("2025-03-03", "2025-03-14")
    validated(log, c)
    accept(log, c.start, PmsmpStarted(convention=c.id))
    assert codes(log, "2025-03-10", renewal()) == ["pmsmp.renouvellement_objectifs_atteints"]


def test_renewal_keeps_objective_and_host(log: Log, first: PmsmpConvention) -> None:
    other = renewal(objective=PmsmpObjective.CONFIRMER, host="emp-2")
    assert codes(log, "2025-03-14", other) == [
        "pmsmp.renouvellement_objectif",
        "pmsmp.renouvellement_accueil",
    ]


def test_renewed_once_only(log: Log, first: PmsmpConvention) -> None:
    done(log, renewal().convention, reached=False, renews="pm-1")
    again = PmsmpRenewed(renews=PmsmpId("pm-1"), convention=convention("2025-04-14", id="pm-3"))
    assert "pmsmp.renouvellement_unique" in codes(log, "2025-04-11", again)
    of_renewal = PmsmpRenewed(
        renews=PmsmpId("pm-r"), convention=convention("2025-04-14", id="pm-3")
    )
    assert "pmsmp.renouvellement_unique" in codes(log, "2025-04-11", of_renewal)


def test_a_cancelled_renewal_may_be_replaced(log: Log, first: PmsmpConvention) -> None:
    accept(log, "2025-03-14", renewal())
    accept(log, "2025-03-14", PmsmpCancelled(convention=PmsmpId("pm-r"), reason="Tuteur absent"))
    replacement = PmsmpRenewed(
        renews=PmsmpId("pm-1"), convention=convention("2025-03-24", id="pm-3")
    )
    assert codes(log, "2025-03-20", replacement) == []


# -- per person and host: 2 conventions, different objectives, 60 days, over 12 months --------


def test_sixty_days_renewals_included(log: Log) -> None:
    done(log, convention("2025-03-01", "2025-03-31"), reached=False)  # 31 days
    assert codes(log, "2025-03-31", renewal("2025-04-01", "2025-04-29")) == []  # 60
    assert codes(log, "2025-03-31", renewal("2025-04-01", "2025-04-30")) == [  # 61
        "pmsmp.accueil_jours"
    ]


def test_sixty_days_over_two_conventions(log: Log) -> None:
    done(log, convention("2025-03-01", "2025-03-31"))  # 31 days
    second = convention("2025-09-01", "2025-09-29", id="pm-2", objective=PmsmpObjective.CONFIRMER)
    assert codes(log, "2025-08-25", PmsmpDrafted(convention=second)) == []
    longer = attrs.evolve(second, end=day("2025-09-30"))
    assert codes(log, "2025-08-25", PmsmpDrafted(convention=longer)) == ["pmsmp.accueil_jours"]


def test_days_with_other_hosts_do_not_count(log: Log) -> None:
    done(log, convention("2025-03-01", "2025-03-31"))
    other = convention("2025-09-01", "2025-09-30", id="pm-2", host="emp-2")
    assert codes(log, "2025-08-25", PmsmpDrafted(convention=other)) == []


@pytest.mark.parametrize(
    ("start", "expected"), [("2026-01-30", ["pmsmp.accueil_nombre"]), ("2026-01-31", [])]
)
def test_two_conventions_over_twelve_months(log: Log, start: str, expected: list[str]) -> None:
    done(log, convention("2025-01-06", "2025-01-31"))  # ends on 31 January 2025
    done(log, convention("2025-03-03", "2025-03-14", id="pm-2", objective=PmsmpObjective.CONFIRMER))
    third = convention(start, id="pm-3", objective=PmsmpObjective.RECRUTEMENT)
    # the window of 31/01/2025 - 30/01/2026 holds the first day of the third or not
    assert codes(log, "2026-01-20", PmsmpDrafted(convention=third)) == expected


@pytest.mark.parametrize(
    ("start", "expected"), [("2026-01-30", ["pmsmp.accueil_objectif"]), ("2026-01-31", [])]
)
def test_different_objectives_over_twelve_months(log: Log, start: str, expected: list[str]) -> None:
    done(log, convention("2025-01-06", "2025-01-31"))
    again = convention(start, id="pm-2")  # the same objective: découvrir un métier
    assert codes(log, "2026-01-20", PmsmpDrafted(convention=again)) == expected


def test_the_window_looks_back_from_a_new_convention(log: Log) -> None:
    # a later convention drafted first, then an earlier one: any 12 consecutive months count
    done(log, convention("2025-11-03", "2025-11-14"))
    earlier = convention("2025-03-03", "2025-03-14", id="pm-2")
    assert codes(log, "2025-11-14", PmsmpDrafted(convention=earlier)) == ["pmsmp.accueil_objectif"]


# -- schedule --------------------------------------------------------------------------------


def test_weekly_schedule_expands_into_dated_days() -> None:
    days = weekly_schedule(
        day("2025-03-03"), day("2025-03-16"), WORKWEEK, except_on={day("2025-03-07")}
    )
    assert [d.date.isoformat() for d in days] == [
        "2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06",
        "2025-03-10", "2025-03-11", "2025-03-12", "2025-03-13", "2025-03-14",
    ]  # fmt: skip
    assert sum(d.hours for d in days) == 63


EIGHT = [("08:00", "16:00")]


def test_forty_eight_hours_a_week(log: Log) -> None:
    week = [(f"2025-03-{n:02}", EIGHT) for n in range(3, 9)]  # Monday to Saturday, 8 h
    ok = convention("2025-03-03", "2025-03-09", schedule=schedule(*week))
    assert codes(log, "2025-03-01", PmsmpDrafted(convention=ok)) == []
    more = schedule(*week[:-1], ("2025-03-08", [("08:00", "16:01")]))
    too_much = convention("2025-03-03", "2025-03-09", schedule=more)
    assert check(log, "2025-03-01", PmsmpDrafted(convention=too_much)) == [
        Problem(
            code="pmsmp.heures_semaine",
            message="au plus 48 heures de présence par semaine, du lundi au dimanche : la "
            "semaine du 03/03/2025 en compte 48.02",
            path=("payload", "convention", "schedule", 0),
            legal="Code du travail, art. L3121-20 (plafond de la plateforme de l'immersion)",
        )
    ]


def test_an_avenant_is_held_to_every_rule_of_a_convention(log: Log) -> None:
    week = [(f"2025-03-{n:02}", EIGHT) for n in range(3, 9)]
    ok = convention("2025-03-03", "2025-03-09", schedule=schedule(*week))
    validated(log, ok)
    more = schedule(*week[:-1], ("2025-03-08", [("08:00", "16:01")]))
    amended = attrs.evolve(ok, schedule=more)
    assert codes(log, "2025-03-01", PmsmpAmended(convention=amended)) == ["pmsmp.heures_semaine"]


def test_weeks_run_from_monday_to_sunday(log: Log) -> None:
    # seven days of 8 hours from a Thursday: 32 hours, then 24, in two weeks
    days = [(f"2025-03-{n:02}", EIGHT) for n in range(6, 13)]
    c = convention("2025-03-06", "2025-03-12", schedule=schedule(*days))
    assert codes(log, "2025-03-01", PmsmpDrafted(convention=c)) == []


def test_a_renewal_counts_in_the_week_of_the_first(log: Log) -> None:
    first = convention(
        "2025-03-03",
        "2025-03-05",
        schedule=schedule(*[(f"2025-03-0{n}", EIGHT) for n in (3, 4, 5)]),
    )
    done(log, first, reached=False)
    rest = schedule(
        *[(f"2025-03-0{n}", EIGHT) for n in (6, 7, 8)], ("2025-03-09", [("08:00", "08:01")])
    )
    assert codes(log, "2025-03-05", renewal("2025-03-06", "2025-03-09", schedule=rest)) == [
        "pmsmp.heures_semaine"
    ]


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        ([("09:00", "12:00"), ("12:00", "17:00")], []),  # back to back
        ([("09:00", "12:00"), ("11:59", "17:00")], ["pmsmp.horaires_chevauchement"]),
        ([("12:00", "09:00")], ["pmsmp.horaires_inverses"]),
        ([("09:00", "09:00")], ["pmsmp.horaires_inverses"]),
    ],
)
def test_periods_of_a_day(log: Log, periods: list[tuple[str, str]], expected: list[str]) -> None:
    c = convention("2025-03-03", "2025-03-03", schedule=schedule(("2025-03-03", periods)))
    assert codes(log, "2025-03-01", PmsmpDrafted(convention=c)) == expected


def test_periods_do_not_overlap_another_pmsmp(log: Log) -> None:
    accept(log, "2025-03-01", PmsmpDrafted(convention=convention("2025-03-03", "2025-03-07")))
    other = convention(
        "2025-03-07",
        "2025-03-07",
        id="pm-2",
        host="emp-2",
        schedule=schedule(("2025-03-07", [("16:00", "18:00")])),
    )
    assert codes(log, "2025-03-01", PmsmpDrafted(convention=other)) == [
        "pmsmp.horaires_chevauchement"
    ]


def test_schedule_days_within_the_period(log: Log) -> None:
    c = convention("2025-03-03", "2025-03-07", schedule=schedule(("2025-03-10", EIGHT)))
    problems = check(log, "2025-03-01", PmsmpDrafted(convention=c))
    assert [(p.code, p.path) for p in problems] == [
        ("pmsmp.jour_hors_periode", ("payload", "convention", "schedule", 0, "date"))
    ]


# -- content and forbidden uses ----------------------------------------------------------------


def test_the_host_declares_every_forbidden_use_excluded(log: Log) -> None:
    c = convention(excluded_uses=frozenset(ForbiddenUse) - {ForbiddenUse.REMPLACEMENT})
    (problem,) = check(log, "2025-03-01", PmsmpDrafted(convention=c))
    assert problem.code == "pmsmp.usage_interdit"
    assert problem.legal == "Code du travail, art. L5135-7"
    assert "remplacer un·e salarié·e absent·e" in problem.message


def test_content_names_tasks_and_schedule(log: Log) -> None:
    c = convention(tasks=(), schedule=())
    problems = check(log, "2025-03-01", PmsmpDrafted(convention=c))
    assert [(p.code, p.path[-1]) for p in problems] == [
        ("pmsmp.contenu_incomplet", "tasks"),
        ("pmsmp.contenu_incomplet", "schedule"),
    ]


# -- the beneficiary --------------------------------------------------------------------------


def test_under_contract_over_the_whole_period() -> None:
    log = parcours_log("2025-01-06", "2025-07-05")
    assert (
        codes(log, "2025-06-20", PmsmpDrafted(convention=convention("2025-06-23", "2025-07-05")))
        == []
    )
    late = convention("2025-06-23", "2025-07-06")
    assert codes(log, "2025-06-20", PmsmpDrafted(convention=late)) == ["pmsmp.contrat"]


def test_a_contract_ended_before_a_pmsmp_it_should_cover(log: Log) -> None:
    validated(log, convention("2025-05-05", "2025-05-16"))
    early = ContractEnded(
        contract=ContractId("c-1"), date=day("2025-05-09"), reason=ContractEndReason.EMBAUCHE
    )
    assert codes(log, "2025-05-09", early) == ["pmsmp.contrat"]
    assert codes(log, "2025-05-09", attrs.evolve(early, date=day("2025-05-16"))) == []


def born(log: Log, birth: str) -> None:
    data = PersonalData(first_name="Lina", last_name="M.", birth_date=day(birth))
    log.add(log.events[-1].day, PersonalDataRecorded(data=data))


def test_sixteen_years_old_at_least(log: Log) -> None:
    born(log, "2009-03-04")  # 16 on 4 March 2025
    assert codes(log, "2025-03-01", PmsmpDrafted(convention=convention("2025-03-03"))) == [
        "pmsmp.age_min"
    ]
    assert codes(log, "2025-03-01", PmsmpDrafted(convention=convention("2025-03-04"))) == []


def test_a_minor_s_legal_representative_signs(log: Log) -> None:
    born(log, "2008-01-01")  # 17 in March 2025
    c = convention()
    accept(log, "2025-02-20", PmsmpDrafted(convention=c))
    for party in SIGNERS:
        accept(log, "2025-02-20", PmsmpSigned(convention=c.id, party=party))
    assert codes(log, "2025-02-21", PmsmpValidated(convention=c.id)) == ["pmsmp.representant_legal"]
    accept(log, "2025-02-21", PmsmpSigned(convention=c.id, party=PmsmpParty.REPRESENTANT_LEGAL))
    accept(log, "2025-02-21", PmsmpValidated(convention=c.id))


# -- bilan -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "last_day", "expected"),
    [
        (PmsmpOutcome.PARTIAL, "2025-03-12", []),
        (PmsmpOutcome.PARTIAL, None, ["pmsmp.bilan_incomplet"]),
        (PmsmpOutcome.PARTIAL, "2025-03-15", ["pmsmp.bilan_incoherent"]),
        (PmsmpOutcome.COMPLETED, "2025-03-12", ["pmsmp.bilan_incoherent"]),
    ],
)
def test_a_partial_bilan_gives_the_last_day(
    log: Log, outcome: PmsmpOutcome, last_day: str | None, expected: list[str]
) -> None:
    c = convention("2025-03-03", "2025-03-14")
    validated(log, c)
    accept(log, c.start, PmsmpStarted(convention=c.id))
    b = bilan(outcome=outcome, last_day=None if last_day is None else day(last_day))
    assert codes(log, c.end, PmsmpEnded(convention=c.id, bilan=b)) == expected


# -- the whole log, as seve validate sees it -----------------------------------------------------


def test_validate_log_applies_the_pmsmp_rules(log: Log) -> None:
    done(log, convention("2025-03-01", "2025-03-31"), reached=False)
    log.add("2025-03-31", renewal("2025-04-01", "2025-04-30"))  # 61 days
    report = seve.validate_log(encode_event(e) for e in log)
    assert [(p.code, p.line) for p in report.problems] == [("pmsmp.accueil_jours", len(log))]


# -- properties --------------------------------------------------------------------------------

START = day("2025-01-06")
LAST = day("2026-11-30")  # a month before the CDDI ends


@st.composite
def valid_conventions(draw: st.DrawFn) -> PmsmpConvention:
    """A convention every rule accepts in the parcours of :func:`parcours_log`."""
    start = draw(st.dates(START, LAST))
    end = start + dt.timedelta(days=draw(st.integers(0, (months_after(start, 1) - start).days)))
    pattern = {}
    for weekday in draw(st.sets(st.integers(0, 6), min_size=1)):
        first = draw(st.integers(6 * 60, 10 * 60))
        length = draw(st.integers(1, 4 * 60))
        pause = draw(st.integers(0, 60))
        second = draw(st.integers(0, 3 * 60))
        periods = [(first, first + length)]
        if second:
            periods.append((first + length + pause, first + length + pause + second))
        pattern[weekday] = tuple(Period(start=_clock(a), end=_clock(b)) for a, b in periods)
    days = weekly_schedule(start, end, pattern)
    if not days:  # the pattern missed every day of a short period: work on the first
        days = (ScheduleDay(date=start, periods=pattern[min(pattern)]),)
    objective = draw(st.sampled_from(PmsmpObjective))
    return convention(start, end, schedule=days, objective=objective)


def _clock(minutes: int) -> Any:
    return f"{minutes // 60:02}:{minutes % 60:02}"


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(valid_conventions())
def test_every_valid_convention_passes(c: PmsmpConvention) -> None:
    log = parcours_log()
    assert codes(log, START, PmsmpDrafted(convention=c)) == []


def _longer(c: PmsmpConvention) -> PmsmpConvention:
    return attrs.evolve(c, end=months_after(c.start, 1) + dt.timedelta(days=1))


def _inverted(c: PmsmpConvention) -> PmsmpConvention:
    first, *rest = c.schedule
    period = first.periods[0]
    flipped = attrs.evolve(first, periods=(Period(start=period.end, end=period.start),))
    return attrs.evolve(c, schedule=(flipped, *rest))


def _doubled(c: PmsmpConvention) -> PmsmpConvention:
    first, *rest = c.schedule
    return attrs.evolve(c, schedule=(attrs.evolve(first, periods=first.periods * 2), *rest))


def _outside(c: PmsmpConvention) -> PmsmpConvention:
    moved = attrs.evolve(c.schedule[-1], date=c.end + dt.timedelta(days=1))
    return attrs.evolve(c, schedule=(*c.schedule[:-1], moved))


def _undeclared(c: PmsmpConvention) -> PmsmpConvention:
    return attrs.evolve(c, excluded_uses=c.excluded_uses - {ForbiddenUse.SURCROIT_ACTIVITE})


def _after_the_contract(c: PmsmpConvention) -> PmsmpConvention:
    return attrs.evolve(c, start=day("2026-12-20"), end=day("2027-01-04"), schedule=())


MUTATIONS = {
    "pmsmp.duree_max": _longer,
    "pmsmp.horaires_inverses": _inverted,
    "pmsmp.horaires_chevauchement": _doubled,
    "pmsmp.jour_hors_periode": _outside,
    "pmsmp.usage_interdit": _undeclared,
    "pmsmp.contrat": _after_the_contract,
}


@FAST
@given(valid_conventions(), st.sampled_from(sorted(MUTATIONS)))
def test_every_mutation_across_a_boundary_fails_with_its_code(
    c: PmsmpConvention, code: str
) -> None:
    log = parcours_log()
    assert code in codes(log, START, PmsmpDrafted(convention=MUTATIONS[code](c)))


def _lifecycle_payloads() -> st.SearchStrategy[Any]:
    ids = st.sampled_from([PmsmpId("pm-1"), PmsmpId("pm-2"), PmsmpId("pm-r")])
    return st.one_of(
        payloads(StreamKind.PARCOURS).filter(lambda p: type(p).__name__.startswith("Pmsmp")),
        st.builds(PmsmpSigned, convention=ids, party=st.sampled_from(PmsmpParty)),
        st.builds(PmsmpValidated, convention=ids),
        st.builds(PmsmpStarted, convention=ids),
        st.builds(PmsmpEnded, convention=ids, bilan=st.just(bilan(reached=False))),
        st.builds(PmsmpRenewed, renews=ids, convention=valid_conventions()),
        valid_conventions().map(lambda c: PmsmpDrafted(convention=c)),
    )


def attempt(state: Parcours, event: Any) -> tuple[Parcours | None, tuple[Problem, ...]]:
    """Apply ``event``: the new state, or the problems it was refused with."""
    try:
        return seve.apply(state, event), ()
    except DomainError as refused:
        return None, refused.problems


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_lifecycle_payloads(), max_size=6))
def test_any_pmsmp_event_only_raises_seve_errors_and_a_refusal_changes_nothing(
    pmsmp_payloads: list[Any],
) -> None:
    log = parcours_log()
    state = seve.replay(log)
    for payload in pmsmp_payloads:
        event = log.make(log.events[-1].occurred_at, payload)
        after, problems = attempt(state, event)
        assert list(problems) == seve.check(state, event)
        if after is None:
            assert problems
            assert seve.replay(log) == state  # the log and its state are as they were
            continue
        log.events.append(event)
        state = after
    assert seve.replay(log) == state


@settings(max_examples=20, deadline=None)
@given(events(payloads(StreamKind.PARCOURS)))
def test_random_events_on_a_parcours_with_pmsmp(event: Any) -> None:
    """Any parcours event, PMSMP and médiation included, is accepted or refused as data."""
    log = parcours_log()
    validated(log, convention("2025-03-03"))
    state = seve.replay(log)
    event = attrs.evolve(event, stream=log.stream, occurred_at=log.events[-1].occurred_at)
    after, problems = attempt(state, event)
    assert (after is None) == bool(problems)
