"""Médiation active: mises en relation, company events, Flash Info, valorisation,
compétences and the mediation of a job at risk.

These are the values; their events are in ``_mediation_events.py``.  What belongs to
one person is kept in the :class:`MediationFile` of their parcours; collective
moments (company events, Flash Info) belong to the structure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs
from attrs import field, frozen

from ._appointments import (
    AgendaStatus,
    Appointment,
    AppointmentId,
    ClockTime,
    Place,
    StaffContact,
    clock_time,
)
from ._base import LabelledEnum, identifier, non_empty, personal, sensitive
from ._ids import (
    CompanyEventId,
    EmployerId,
    FlashInfoId,
    GridId,
    LetterId,
    MediationId,
    MiseEnRelationId,
    OfferId,
    PrescripteurId,
    SalarieId,
    SkillId,
    StaffId,
    StoryId,
)
from ._offers import JobContractKind, RomeCode, rome_code

__all__ = [
    "Attestation",
    "AttestationLine",
    "CompanyEvent",
    "CompanyEventFollowUp",
    "CompanyEventKind",
    "Consent",
    "FlashInfo",
    "FollowUpKind",
    "JobMediation",
    "JobMediationResult",
    "MediationFile",
    "MiseEnRelation",
    "MiseEnRelationOutcome",
    "MiseEnRelationResult",
    "RecommendationLetter",
    "RefusalReason",
    "RefusedBy",
    "Skill",
    "SkillKind",
    "SkillLevel",
    "SkillRating",
    "SkillsAssessment",
    "SkillsGrid",
    "StoryShare",
    "SuccessStory",
]

_OPTIONAL_ID = attrs.validators.optional(identifier)
_OPTIONAL_CLOCK = attrs.validators.optional(clock_time)
_OPTIONAL_TEXT = attrs.validators.optional(non_empty)
_TEXTS = attrs.validators.deep_iterable(non_empty)

# -- mise en relation ------------------------------------------------------------------------


class MiseEnRelationResult(LabelledEnum):
    """What came of proposing a person for an offer."""

    ENTRETIEN = ("entretien", "Entretien d'embauche")
    EMBAUCHE = ("embauche", "Embauche")
    REFUS = ("refus", "Refus")

    @property
    def final(self) -> bool:
        """Whether it closes the mise en relation (an interview leads somewhere else)."""
        return self is not MiseEnRelationResult.ENTRETIEN


class RefusedBy(LabelledEnum):
    """Who declined: either side may."""

    SALARIE = ("salarie", "La personne")
    EMPLOYEUR = ("employeur", "L'employeur")


class RefusalReason(LabelledEnum):
    """Why a mise en relation did not lead to a hire."""

    PROFIL = ("profil", "Profil ne correspondant pas au poste")
    POSTE_POURVU = ("poste_pourvu", "Poste déjà pourvu")
    HORAIRES = ("horaires", "Horaires ou temps de travail")
    MOBILITE = ("mobilite", "Mobilité, trajet")
    REMUNERATION = ("remuneration", "Rémunération")
    CONDITIONS = ("conditions", "Conditions de travail")
    PROJET = ("projet", "Ne correspond pas au projet de la personne")
    AUTRE = ("autre", "Autre raison")


@frozen(kw_only=True)
class MiseEnRelationOutcome:
    """One step of a mise en relation: an interview, a hire, or a refusal.

    :param contract: for a hire, the contract; ``start``: its first day.
    :param refused_by: for a refusal, who declined; ``reason``: why.
    :param detail: free text for the staff (personal).
    """

    mise_en_relation: MiseEnRelationId = field(validator=identifier)
    result: MiseEnRelationResult
    date: dt.date
    contract: JobContractKind | None = None
    start: dt.date | None = None
    refused_by: RefusedBy | None = None
    reason: RefusalReason | None = None
    detail: str | None = personal(default=None)


@frozen(kw_only=True)
class MiseEnRelation:
    """A permanent·e proposes the person for a captured offer (*mise en relation*)."""

    id: MiseEnRelationId = field(validator=identifier)
    offer: OfferId = field(validator=identifier)
    employer: EmployerId = field(validator=identifier)
    proposed_on: dt.date
    proposed_by: StaffId = field(validator=identifier)


# -- company events and Flash Info ---------------------------------------------------------


class CompanyEventKind(LabelledEnum):
    """The moments an SIAE organises with employers."""

    JOB_DATING = ("job_dating", "Job dating")
    PRESENTATION_METIERS = ("presentation_metiers", "Présentation des métiers par un employeur")
    VISITE_ENTREPRISE = ("visite_entreprise", "Visite d'entreprise")
    VISITE_CHANTIER = ("visite_chantier", "Visite de chantier de la SIAE")
    CAS_D_ECOLE = ("cas_d_ecole", "Journée « cas d'école » avec des prescripteurs")


@frozen(kw_only=True)
class CompanyEvent:
    """An *événement entreprise*: scheduled ahead (its calendar entries go to the staff,
    the salarié·es invited, the employers and the prescripteurs), then held, with who
    took part.

    :param participants: the salarié·es present (pseudonymous ids: still personal).
    :param start: when it starts, ``"HH:MM"``; ``end``: when it ends.  Both or
        neither; only timed events go in calendars.
    :param place: where it takes place.
    :param contact: the permanent·e to call about it.
    :param invited: the salarié·es invited (personal).
    :param bring: what participants bring ("votre CV").
    :param status: kept by the fold: held when recorded after the fact, scheduled
        when planned ahead, then held or cancelled.
    :param sequence: kept by the fold: raised on every change, as the SEQUENCE of its
        calendar entries.
    :param reason: kept by the fold: why it was cancelled.

    ``status``, ``sequence`` and ``reason`` belong to the fold: the values a payload
    gives are replaced.  Count only the held ones as events that took place.
    """

    id: CompanyEventId = field(validator=identifier)
    kind: CompanyEventKind
    date: dt.date
    employers: frozenset[EmployerId] = frozenset()
    participants: frozenset[SalarieId] = personal(factory=frozenset)
    prescripteurs: frozenset[PrescripteurId] = frozenset()
    staff: frozenset[StaffId] = frozenset()
    title: str | None = field(default=None, validator=_OPTIONAL_TEXT)
    start: ClockTime | None = field(default=None, validator=_OPTIONAL_CLOCK)
    end: ClockTime | None = field(default=None, validator=_OPTIONAL_CLOCK)
    place: Place | None = None
    contact: StaffContact | None = None
    invited: frozenset[SalarieId] = personal(factory=frozenset)
    bring: tuple[str, ...] = field(default=(), validator=_TEXTS)
    status: AgendaStatus = AgendaStatus.HELD
    sequence: int = 0
    reason: str | None = field(default=None, validator=_OPTIONAL_TEXT)

    @property
    def held(self) -> bool:
        """Whether it took place."""
        return self.status is AgendaStatus.HELD


class FollowUpKind(LabelledEnum):
    """What a company event led to, for one participant."""

    MISE_EN_RELATION = ("mise_en_relation", "Mise en relation")
    ENTRETIEN = ("entretien", "Entretien d'embauche")
    PMSMP = ("pmsmp", "PMSMP")
    EMBAUCHE = ("embauche", "Embauche")


@frozen(kw_only=True)
class CompanyEventFollowUp:
    """What followed a company event for one of its participants."""

    event: CompanyEventId = field(validator=identifier)
    salarie: SalarieId = personal(validator=identifier)
    kind: FollowUpKind
    date: dt.date
    employer: EmployerId | None = field(default=None, validator=_OPTIONAL_ID)


@frozen(kw_only=True)
class FlashInfo:
    """A *Flash Info*: a short meeting of salarié·es about jobs and companies,
    scheduled ahead or recorded once held.

    :param present: the salarié·es present, once held (personal).
    :param start: when it starts, ``"HH:MM"``; ``end``: when it ends.  Both or
        neither; only timed sessions go in calendars.
    :param contact: the permanent·e to call about it (default: who leads it).
    :param invited: the salarié·es invited (personal).
    :param status: kept by the fold, as for a :class:`CompanyEvent`.
    :param sequence: kept by the fold: the SEQUENCE of its calendar entries.
    :param reason: kept by the fold: why it was cancelled.
    """

    id: FlashInfoId = field(validator=identifier)
    date: dt.date
    led_by: StaffId = field(validator=identifier)
    topics: tuple[str, ...] = field(validator=_TEXTS)
    present: frozenset[SalarieId] = personal(factory=frozenset)
    employers: frozenset[EmployerId] = frozenset()
    start: ClockTime | None = field(default=None, validator=_OPTIONAL_CLOCK)
    end: ClockTime | None = field(default=None, validator=_OPTIONAL_CLOCK)
    place: Place | None = None
    contact: StaffContact | None = None
    invited: frozenset[SalarieId] = personal(factory=frozenset)
    status: AgendaStatus = AgendaStatus.HELD
    sequence: int = 0
    reason: str | None = field(default=None, validator=_OPTIONAL_TEXT)

    @property
    def held(self) -> bool:
        """Whether it took place."""
        return self.status is AgendaStatus.HELD


# -- compétences ------------------------------------------------------------------------------


class SkillKind(LabelledEnum):
    """The two halves of a skills grid."""

    SAVOIR_FAIRE = ("savoir_faire", "Savoir-faire")
    SAVOIR_ETRE = ("savoir_etre", "Savoir-être")


@frozen(kw_only=True)
class Skill:
    """One line of a skills grid."""

    id: SkillId = field(validator=identifier)
    kind: SkillKind
    label: str = field(validator=non_empty)


@frozen(kw_only=True)
class SkillsGrid:
    """The skills of one post of the SIAE (an agent·e d'entretien des espaces verts...)."""

    id: GridId = field(validator=identifier)
    post: str = field(validator=non_empty)
    skills: tuple[Skill, ...]
    rome: RomeCode | None = field(default=None, validator=attrs.validators.optional(rome_code))

    def skill(self, skill_id: SkillId) -> Skill | None:
        return next((s for s in self.skills if s.id == skill_id), None)


class SkillLevel(LabelledEnum):
    """How far a skill is acquired, as the ETI assesses it on the work site."""

    A_ACQUERIR = ("a_acquerir", "À acquérir")
    EN_COURS = ("en_cours", "En cours d'acquisition")
    ACQUIS = ("acquis", "Acquis")
    MAITRISE = ("maitrise", "Maîtrisé")

    @property
    def acquired(self) -> bool:
        return self in (SkillLevel.ACQUIS, SkillLevel.MAITRISE)


@frozen(kw_only=True)
class SkillRating:
    """The level of one skill at one assessment."""

    skill: SkillId = field(validator=identifier)
    level: SkillLevel


@frozen(kw_only=True)
class SkillsAssessment:
    """An assessment of the person against a grid, by the ETI, on a day."""

    grid: GridId = field(validator=identifier)
    date: dt.date
    assessed_by: StaffId = field(validator=identifier)
    ratings: tuple[SkillRating, ...]


@frozen(kw_only=True)
class AttestationLine:
    """A skill of an attestation, at its latest assessed level."""

    skill: Skill
    level: SkillLevel
    assessed_on: dt.date


@frozen(kw_only=True)
class Attestation:
    """An *attestation de compétences*: the latest level of each assessed skill of a grid."""

    grid: GridId
    post: str
    lines: tuple[AttestationLine, ...]

    @property
    def acquired(self) -> tuple[Skill, ...]:
        """The skills acquired or mastered: what the attestation certifies."""
        return tuple(line.skill for line in self.lines if line.level.acquired)


# -- valorisation ----------------------------------------------------------------------------


@frozen(kw_only=True)
class RecommendationLetter:
    """A *feuille de recommandation* for the person, citing skills of a grid.

    :param skills: skills of ``grid`` the letter vouches for (acquired ones: see the rules).
    """

    id: LetterId = field(validator=identifier)
    date: dt.date
    author: StaffId = field(validator=identifier)
    post: str = field(validator=non_empty)
    grid: GridId | None = field(default=None, validator=_OPTIONAL_ID)
    skills: tuple[SkillId, ...] = ()
    text: str | None = personal(default=None)


@frozen(kw_only=True)
class SuccessStory:
    """A *belle histoire*: the person's path told to change how others see them.

    It may be shared with prescripteurs only while the person consents.
    """

    id: StoryId = field(validator=identifier)
    date: dt.date
    author: StaffId = field(validator=identifier)
    title: str = personal(validator=non_empty)
    text: str = sensitive(validator=non_empty)


@frozen(kw_only=True)
class Consent:
    """The person's consent to share a success story with prescripteurs.

    :param withdrawn_on: the day it was withdrawn; sharing stops from that day.
    """

    story: StoryId = field(validator=identifier)
    given_on: dt.date
    withdrawn_on: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return self.given_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)


@frozen(kw_only=True)
class StoryShare:
    """A success story sent to a prescripteur."""

    story: StoryId = field(validator=identifier)
    prescripteur: PrescripteurId = field(validator=identifier)
    date: dt.date


# -- suivi dans l'emploi ---------------------------------------------------------------------


class JobMediationResult(LabelledEnum):
    """How a mediation for a job at risk ended."""

    MAINTIEN = ("maintien", "Emploi maintenu")
    RUPTURE = ("rupture", "Fin du contrat")


@frozen(kw_only=True)
class JobMediation:
    """A mediation between the person and their new employer when the job is at risk.

    :param reason: what puts the job at risk (sensitive: it may be health, justice...).
    """

    id: MediationId = field(validator=identifier)
    employer: EmployerId = field(validator=identifier)
    opened_on: dt.date
    by: StaffId = field(validator=identifier)
    reason: str = sensitive(validator=non_empty)
    closed_on: dt.date | None = None
    result: JobMediationResult | None = None


# -- the file of one parcours ------------------------------------------------------------------


@frozen(kw_only=True)
class MediationFile:
    """Everything médiation active of one parcours, folded from its events (PMSMP aside),
    and the appointments of the parcours."""

    mises_en_relation: Mapping[MiseEnRelationId, MiseEnRelation] = field(factory=dict)
    outcomes: tuple[MiseEnRelationOutcome, ...] = ()
    grids: Mapping[GridId, SkillsGrid] = field(factory=dict)
    assessments: tuple[SkillsAssessment, ...] = ()
    letters: Mapping[LetterId, RecommendationLetter] = field(factory=dict)
    stories: Mapping[StoryId, SuccessStory] = field(factory=dict)
    consents: Mapping[StoryId, Consent] = field(factory=dict)
    shares: tuple[StoryShare, ...] = ()
    job_mediations: Mapping[MediationId, JobMediation] = field(factory=dict)
    appointments: Mapping[AppointmentId, Appointment] = field(factory=dict)

    def outcomes_of(self, mise_en_relation: MiseEnRelationId) -> tuple[MiseEnRelationOutcome, ...]:
        """The outcomes of one mise en relation, in order."""
        return tuple(o for o in self.outcomes if o.mise_en_relation == mise_en_relation)

    def attestation(self, grid_id: GridId) -> Attestation | None:
        """The attestation de compétences of a grid, from its latest assessments."""
        grid = self.grids.get(grid_id)
        if grid is None:
            return None
        latest: dict[SkillId, AttestationLine] = {}
        for assessment in self.assessments:
            if assessment.grid != grid_id:
                continue
            for rating in assessment.ratings:
                skill = grid.skill(rating.skill)
                if skill is not None:
                    latest[skill.id] = AttestationLine(
                        skill=skill, level=rating.level, assessed_on=assessment.date
                    )
        lines = tuple(latest[s.id] for s in grid.skills if s.id in latest)
        return Attestation(grid=grid.id, post=grid.post, lines=lines)

    def shareable(self, day: dt.date) -> tuple[SuccessStory, ...]:
        """The success stories that may be shared with prescripteurs on ``day``."""
        return tuple(
            story
            for story in self.stories.values()
            if (consent := self.consents.get(story.id)) is not None and consent.valid_on(day)
        )
