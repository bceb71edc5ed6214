"""Médiation active beyond the PMSMP: offers, mises en relation, company events, Flash Info,
compétences, valorisation, actions tied to freins, suivi dans l'emploi."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import seve
from seve import DomainError
from seve.model import Action as PlanAction
from seve.model import (
    ActionId,
    ActionPlanned,
    CompanyEvent,
    CompanyEventFollowedUp,
    CompanyEventFollowUp,
    CompanyEventHeld,
    CompanyEventId,
    CompanyEventKind,
    ContractEnded,
    ContractEndReason,
    ContractId,
    EmployerId,
    FlashInfo,
    FlashInfoHeld,
    FlashInfoId,
    FollowUpKind,
    Frein,
    FreinId,
    FreinIdentified,
    FreinLifted,
    FreinTheme,
    GridId,
    JobContractKind,
    JobMediation,
    JobMediationClosed,
    JobMediationOpened,
    JobMediationResult,
    LetterId,
    MediationId,
    MiseEnRelation,
    MiseEnRelationId,
    MiseEnRelationOutcome,
    MiseEnRelationOutcomeRecorded,
    MiseEnRelationProposed,
    MiseEnRelationResult,
    Objective,
    ObjectiveDefined,
    ObjectiveId,
    Offer,
    OfferCaptured,
    OfferId,
    OfferStatus,
    OfferStatusChanged,
    PrescripteurId,
    RecommendationLetter,
    RecommendationWritten,
    RefusalReason,
    RefusedBy,
    RomeCode,
    SalarieId,
    Sensitivity,
    SiteId,
    Skill,
    SkillId,
    SkillKind,
    SkillLevel,
    SkillRating,
    SkillsAssessed,
    SkillsAssessment,
    SkillsGrid,
    SkillsGridAssigned,
    Sortie,
    SortieMotif,
    SortieRecorded,
    StaffId,
    StoryId,
    SuccessStory,
    SuccessStoryConsentGiven,
    SuccessStoryConsentWithdrawn,
    SuccessStoryShared,
    SuccessStoryWritten,
    SuiviContact,
    SuiviContactRecorded,
    SuiviWith,
    sensitivity_of,
    suivi_milestones,
)

sys.path.insert(0, str(Path(__file__).parent))  # builders.py: see its docstring
from builders import Log, day, embauche, employer_log, structure_log


def codes(log: Log, when: str, payload: Any) -> list[str]:
    return [p.code for p in seve.check(seve.replay(log), log.make(when, payload))]


def refused(log: Log, when: str, payload: Any) -> list[str]:
    """The codes ``payload`` is refused with, after ``log``."""
    with pytest.raises(DomainError) as info:
        seve.replay([*log, log.make(when, payload)])
    return list(info.value.codes)


@pytest.fixture
def log() -> Log:
    log = Log()
    log.add("2025-01-15", embauche("2025-01-15"))  # CDDI to 14/07/2025
    return log


# -- offers ------------------------------------------------------------------------------------


def offer(id: str = "o-1", **kw: Any) -> Offer:
    return Offer(
        id=OfferId(id),
        employer=EmployerId(kw.pop("employer", "emp-1")),
        title="Préparateur·rice de commandes",
        rome=RomeCode(kw.pop("rome", "N1103")),
        contract=JobContractKind.CDI,
        weekly_hours=Decimal(35),
        postcode="35200",
        city="Rennes",
        search_start=day("2025-04-01"),
        search_end=day("2025-05-31"),
        captured_by=StaffId("eti-1"),
        **kw,
    )


def test_offers_are_captured_and_closed() -> None:
    log = employer_log()
    log.add("2025-04-01", OfferCaptured(offer=offer()))
    log.add("2025-04-20", OfferStatusChanged(offer=OfferId("o-1"), status=OfferStatus.FILLED))
    state = seve.replay(log)
    assert state.offers[OfferId("o-1")].status is OfferStatus.FILLED
    assert not state.offers[OfferId("o-1")].published_on(day("2025-04-21"))
    reopened = OfferStatusChanged(offer=OfferId("o-1"), status=OfferStatus.OPEN)
    assert refused(log, "2025-04-21", reopened) == ["offre.close"]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (OfferCaptured(offer=offer(employer="emp-2")), "employeur.autre"),
        (OfferCaptured(offer=offer("o-2", site=SiteId("nowhere"))), "site.inconnu"),
        (OfferCaptured(offer=offer()), "offre.doublon"),
        (OfferStatusChanged(offer=OfferId("o-9"), status=OfferStatus.WITHDRAWN), "offre.inconnue"),
    ],
)
def test_offer_contradictions(payload: Any, code: str) -> None:
    log = employer_log()
    log.add("2025-04-01", OfferCaptured(offer=offer()))
    assert refused(log, "2025-04-02", payload) == [code]


@pytest.mark.parametrize(
    ("on", "published"),
    [("2025-03-31", False), ("2025-04-01", True), ("2025-05-31", True), ("2025-06-01", False)],
)
def test_an_offer_is_published_during_the_search_period(on: str, published: bool) -> None:
    assert offer().published_on(day(on)) is published


def test_rome_codes_are_checked() -> None:
    with pytest.raises(ValueError, match="code ROME invalide") as info:
        offer(rome="Z1234")
    assert getattr(info.value, "code", None) == "rome.invalide"


# -- mises en relation ---------------------------------------------------------------------------


def proposed(log: Log) -> None:
    mer = MiseEnRelation(
        id=MiseEnRelationId("mer-1"),
        offer=OfferId("o-1"),
        employer=EmployerId("emp-1"),
        proposed_on=day("2025-04-02"),
        proposed_by=StaffId("cip-1"),
    )
    log.add("2025-04-02", MiseEnRelationProposed(mise_en_relation=mer))


def outcome(
    result: MiseEnRelationResult, on: str = "2025-04-10", **kw: Any
) -> MiseEnRelationOutcomeRecorded:
    return MiseEnRelationOutcomeRecorded(
        outcome=MiseEnRelationOutcome(
            mise_en_relation=MiseEnRelationId(kw.pop("id", "mer-1")),
            result=result,
            date=day(on),
            **kw,
        )
    )


def test_a_mise_en_relation_leads_to_an_interview_then_a_hire(log: Log) -> None:
    proposed(log)
    log.add("2025-04-10", outcome(MiseEnRelationResult.ENTRETIEN))
    hire = outcome(
        MiseEnRelationResult.EMBAUCHE,
        "2025-04-15",
        contract=JobContractKind.CDI,
        start=day("2025-05-02"),
    )
    assert codes(log, "2025-04-15", hire) == []
    log.add("2025-04-15", hire)
    state = seve.replay(log)
    assert [o.result for o in state.mediation.outcomes_of(MiseEnRelationId("mer-1"))] == [
        MiseEnRelationResult.ENTRETIEN,
        MiseEnRelationResult.EMBAUCHE,
    ]
    assert refused(log, "2025-04-16", outcome(MiseEnRelationResult.ENTRETIEN, "2025-04-16")) == [
        "mise_en_relation.close"
    ]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            outcome(
                MiseEnRelationResult.REFUS,
                refused_by=RefusedBy.EMPLOYEUR,
                reason=RefusalReason.POSTE_POURVU,
            ),
            [],
        ),
        (
            outcome(MiseEnRelationResult.REFUS, refused_by=RefusedBy.SALARIE),
            ["mise_en_relation.resultat_incomplet"],
        ),
        (outcome(MiseEnRelationResult.EMBAUCHE), ["mise_en_relation.resultat_incomplet"] * 2),
    ],
)
def test_an_outcome_is_complete(log: Log, payload: Any, expected: list[str]) -> None:
    proposed(log)
    assert codes(log, "2025-04-10", payload) == expected


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (outcome(MiseEnRelationResult.ENTRETIEN, id="mer-9"), "mise_en_relation.inconnue"),
        (outcome(MiseEnRelationResult.ENTRETIEN, "2025-04-01"), "mise_en_relation.date"),
    ],
)
def test_outcome_contradictions(log: Log, payload: Any, code: str) -> None:
    proposed(log)
    assert refused(log, "2025-04-10", payload) == [code]


def test_a_mise_en_relation_id_is_unique(log: Log) -> None:
    proposed(log)
    assert refused(log, "2025-04-03", log.events[-1].payload) == ["mise_en_relation.doublon"]


# -- actions tied to freins -----------------------------------------------------------------------


def test_a_frein_lifted_while_in_action(log: Log) -> None:
    log.add(
        "2025-01-20",
        FreinIdentified(
            frein=Frein(
                id=FreinId("f-1"), theme=FreinTheme.MOBILITE, identified_on=day("2025-01-20")
            )
        ),
    )
    log.add(
        "2025-01-20",
        FreinIdentified(
            frein=Frein(
                id=FreinId("f-2"), theme=FreinTheme.LOGEMENT, identified_on=day("2025-01-20")
            )
        ),
    )
    log.add(
        "2025-01-21",
        ObjectiveDefined(
            objective=Objective(
                id=ObjectiveId("o-1"), label="Se déplacer", freins=(FreinId("f-1"),)
            )
        ),
    )
    action = PlanAction(
        id=ActionId("a-1"), objective=ObjectiveId("o-1"), label="Permis B", freins=(FreinId("f-1"),)
    )
    log.add("2025-01-21", ActionPlanned(action=action))
    assert refused(
        log, "2025-03-01", FreinLifted(frein=FreinId("f-2"), action=ActionId("a-1"))
    ) == ["action.frein_non_lie"]
    assert refused(
        log, "2025-03-01", FreinLifted(frein=FreinId("f-1"), action=ActionId("a-9"))
    ) == ["action.inconnue"]
    log.add("2025-03-01", FreinLifted(frein=FreinId("f-1"), action=ActionId("a-1")))
    assert seve.replay(log).freins[FreinId("f-1")].lifted_on == day("2025-03-01")
    unknown = PlanAction(
        id=ActionId("a-2"), objective=ObjectiveId("o-1"), label="x", freins=(FreinId("f-9"),)
    )
    assert refused(log, "2025-03-02", ActionPlanned(action=unknown)) == ["frein.inconnu"]


# -- company events and Flash Info ----------------------------------------------------------------


def company_event() -> CompanyEventHeld:
    return CompanyEventHeld(
        event=CompanyEvent(
            id=CompanyEventId("ce-1"),
            kind=CompanyEventKind.JOB_DATING,
            date=day("2025-03-11"),
            employers=frozenset({EmployerId("emp-1")}),
            participants=frozenset({SalarieId("s-1")}),
        )
    )


def follow_up(
    salarie: str = "s-1", on: str = "2025-03-20", event: str = "ce-1"
) -> CompanyEventFollowedUp:
    return CompanyEventFollowedUp(
        follow_up=CompanyEventFollowUp(
            event=CompanyEventId(event),
            salarie=SalarieId(salarie),
            kind=FollowUpKind.PMSMP,
            date=day(on),
        )
    )


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (company_event(), "evenement_entreprise.doublon"),
        (follow_up(event="ce-9"), "evenement_entreprise.inconnu"),
        (follow_up("s-2"), "evenement_entreprise.participant_inconnu"),
        (follow_up(on="2025-03-10"), "evenement_entreprise.suite_avant"),
    ],
)
def test_company_event_contradictions(payload: Any, code: str) -> None:
    log = structure_log()
    log.add("2025-03-11", company_event())
    assert refused(log, "2025-03-20", payload) == [code]


def test_company_events_and_their_follow_ups() -> None:
    log = structure_log()
    log.add("2025-03-11", company_event())
    log.add("2025-03-20", follow_up())
    flash = FlashInfo(
        id=FlashInfoId("fi-1"), date=day("2025-03-21"), led_by=StaffId("cip-1"), topics=("Offres",)
    )
    log.add("2025-03-21", FlashInfoHeld(session=flash))
    state = seve.replay(log)
    assert [f.kind for f in state.follow_ups] == [FollowUpKind.PMSMP]
    assert state.flash_infos[FlashInfoId("fi-1")] == flash
    assert refused(log, "2025-03-22", FlashInfoHeld(session=flash)) == ["flash_info.doublon"]


# -- compétences and valorisation ------------------------------------------------------------------

GRID = SkillsGrid(
    id=GridId("g-1"),
    post="Agent·e d'entretien",
    skills=(
        Skill(id=SkillId("s-tonte"), kind=SkillKind.SAVOIR_FAIRE, label="Tondre"),
        Skill(id=SkillId("s-ponct"), kind=SkillKind.SAVOIR_ETRE, label="Ponctualité"),
    ),
)


def assessed(on: str, **levels: SkillLevel) -> SkillsAssessed:
    ratings = tuple(
        SkillRating(skill=SkillId(s.replace("_", "-")), level=lv) for s, lv in levels.items()
    )
    return SkillsAssessed(
        assessment=SkillsAssessment(
            grid=GridId("g-1"), date=day(on), assessed_by=StaffId("eti-1"), ratings=ratings
        )
    )


def letter(*skills: str, grid: str | None = "g-1") -> RecommendationWritten:
    return RecommendationWritten(
        letter=RecommendationLetter(
            id=LetterId("l-1"),
            date=day("2025-05-02"),
            author=StaffId("eti-1"),
            post="Agent·e",
            grid=None if grid is None else GridId(grid),
            skills=tuple(SkillId(s) for s in skills),
        )
    )


def test_skills_assessed_over_time_feed_the_attestation(log: Log) -> None:
    log.add("2025-01-15", SkillsGridAssigned(grid=GRID))
    log.add(
        "2025-02-28", assessed("2025-02-28", s_tonte=SkillLevel.EN_COURS, s_ponct=SkillLevel.ACQUIS)
    )
    assert codes(log, "2025-03-01", letter("s-tonte")) == ["valorisation.competence_non_acquise"]
    log.add("2025-04-30", assessed("2025-04-30", s_tonte=SkillLevel.ACQUIS))
    attestation = seve.replay(log).mediation.attestation(GridId("g-1"))
    assert attestation is not None
    assert [s.id for s in attestation.acquired] == ["s-tonte", "s-ponct"]
    assert codes(log, "2025-05-02", letter("s-tonte", "s-ponct")) == []
    assert seve.replay(log).mediation.attestation(GridId("g-9")) is None


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (SkillsGridAssigned(grid=GRID), "competences.grille_doublon"),
        (assessed("2025-03-01", s_taille=SkillLevel.ACQUIS), "competences.inconnue"),
        (letter("s-tonte", grid=None), "competences.grille_inconnue"),
        (letter("s-tonte", grid="g-9"), "competences.grille_inconnue"),
    ],
)
def test_skills_contradictions(log: Log, payload: Any, code: str) -> None:
    log.add("2025-01-15", SkillsGridAssigned(grid=GRID))
    assert refused(log, "2025-03-01", payload) == [code]


def story(log: Log) -> None:
    text = SuccessStory(
        id=StoryId("st-1"),
        date=day("2025-05-05"),
        author=StaffId("cip-1"),
        title="Un CDI",
        text="…",
    )
    log.add("2025-05-05", SuccessStoryWritten(story=text))


SHARE = SuccessStoryShared(story=StoryId("st-1"), prescripteur=PrescripteurId("ft-1"))


def test_a_success_story_is_shared_only_with_consent(log: Log) -> None:
    story(log)
    assert codes(log, "2025-05-06", SHARE) == ["valorisation.partage_sans_consentement"]
    log.add("2025-05-06", SuccessStoryConsentGiven(story=StoryId("st-1")))
    assert codes(log, "2025-05-06", SHARE) == []
    log.add("2025-05-06", SHARE)
    log.add("2025-06-01", SuccessStoryConsentWithdrawn(story=StoryId("st-1")))
    assert codes(log, "2025-06-01", SHARE) == ["valorisation.partage_sans_consentement"]
    state = seve.replay(log)
    assert state.mediation.shareable(day("2025-05-31")) == (
        state.mediation.stories[StoryId("st-1")],
    )
    assert state.mediation.shareable(day("2025-06-01")) == ()
    assert [s.date for s in state.mediation.shares] == [day("2025-05-06")]
    assert sensitivity_of(SuccessStory, "text") is Sensitivity.SENSITIVE


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (SuccessStoryConsentGiven(story=StoryId("st-9")), "valorisation.recit_inconnu"),
        (SuccessStoryConsentWithdrawn(story=StoryId("st-1")), "valorisation.consentement_inconnu"),
        (letter(), "valorisation.doublon"),
    ],
)
def test_valorisation_contradictions(log: Log, payload: Any, code: str) -> None:
    story(log)
    log.add("2025-05-05", letter())
    assert refused(log, "2025-05-06", payload) == [code]


# -- suivi dans l'emploi --------------------------------------------------------------------------


def sortie(log: Log, on: str = "2025-06-30") -> None:
    log.add(
        on,
        ContractEnded(contract=ContractId("c-1"), date=day(on), reason=ContractEndReason.EMBAUCHE),
    )
    log.add(on, SortieRecorded(sortie=Sortie(date=day(on), motif=SortieMotif.CDI)))


def mediation(on: str = "2025-09-15") -> JobMediationOpened:
    return JobMediationOpened(
        mediation=JobMediation(
            id=MediationId("m-1"),
            employer=EmployerId("emp-1"),
            opened_on=day(on),
            by=StaffId("cip-1"),
            reason="Retards",
        )
    )


def test_milestones_at_1_3_6_and_12_months(log: Log) -> None:
    assert suivi_milestones(seve.replay(log)) == ()
    sortie(log, "2025-01-31")
    for on in ("2025-03-15", "2025-04-30"):  # 1 month: 28/02 + 15 days is the last day
        contact = SuiviContact(date=day(on), party=SuiviWith.EMPLOYEUR, in_employment=True)
        log.add(on, SuiviContactRecorded(contact=contact))
    milestones = suivi_milestones(seve.replay(log))
    assert [(m.months, m.due) for m in milestones] == [
        (1, day("2025-02-28")),
        (3, day("2025-04-30")),
        (6, day("2025-07-31")),
        (12, day("2026-01-31")),
    ]
    assert [m.contacted for m in milestones] == [True, True, False, False]
    assert milestones[0].in_employment is True


def test_a_job_at_risk_is_mediated_after_the_sortie(log: Log) -> None:
    assert refused(log, "2025-06-01", mediation("2025-06-01")) == ["suivi.avant_sortie"]
    sortie(log)
    log.add("2025-09-15", mediation())
    assert refused(log, "2025-09-16", mediation()) == ["mediation.doublon"]
    close = JobMediationClosed(
        mediation=MediationId("m-1"), date=day("2025-09-30"), result=JobMediationResult.MAINTIEN
    )
    assert refused(
        log,
        "2025-09-30",
        JobMediationClosed(
            mediation=MediationId("m-9"), date=day("2025-09-30"), result=JobMediationResult.MAINTIEN
        ),
    ) == ["mediation.inconnue"]
    assert refused(
        log,
        "2025-09-30",
        JobMediationClosed(
            mediation=MediationId("m-1"), date=day("2025-09-14"), result=JobMediationResult.RUPTURE
        ),
    ) == ["mediation.date"]
    log.add("2025-09-30", close)
    assert (
        seve.replay(log).mediation.job_mediations[MediationId("m-1")].result
        is JobMediationResult.MAINTIEN
    )
    assert refused(log, "2025-10-01", close) == ["mediation.close"]
    assert sensitivity_of(JobMediation, "reason") is Sensitivity.SENSITIVE
