"""Médiation active as events: offers in the employer stream; mises en relation,
compétences, valorisation and the suivi mediation in the parcours; company events
and Flash Info in the structure stream, scheduled ahead (then changed, cancelled or
held) or recorded once held.

Each payload class is followed by its fold rule; the fold refuses contradictions
(an unknown offer, a follow-up for someone who was not there); the programme and
legal rules (consent before sharing a success story...) are in :mod:`seve.rules`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final, TypeVar

import attrs
from attrs import field, frozen
from dateutil.relativedelta import relativedelta

from ._appointments import AgendaStatus, clock_minutes
from ._base import identifier, non_empty
from ._events import Event, StreamKind, event_type
from ._fold import refuse, refuse_duplicate
from ._ids import (
    CompanyEventId,
    FlashInfoId,
    GridId,
    MediationId,
    OfferId,
    PrescripteurId,
    SkillId,
    StoryId,
)
from ._mediation import (
    CompanyEvent,
    CompanyEventFollowUp,
    Consent,
    FlashInfo,
    JobMediation,
    JobMediationResult,
    MediationFile,
    MiseEnRelation,
    MiseEnRelationOutcome,
    RecommendationLetter,
    SkillsAssessment,
    SkillsGrid,
    StoryShare,
    SuccessStory,
)
from ._network import EMPLOYER, STRUCTURE, Employer, Structure
from ._offers import JobProject, Offer, OfferStatus
from ._parcours import PARCOURS, Parcours

__all__ = [
    "SUIVI_MONTHS",
    "SUIVI_TOLERANCE",
    "CompanyEventCancelled",
    "CompanyEventChanged",
    "CompanyEventFollowedUp",
    "CompanyEventHeld",
    "CompanyEventScheduled",
    "FlashInfoCancelled",
    "FlashInfoChanged",
    "FlashInfoHeld",
    "FlashInfoScheduled",
    "JobMediationClosed",
    "JobMediationOpened",
    "JobProjectDefined",
    "MiseEnRelationOutcomeRecorded",
    "MiseEnRelationProposed",
    "OfferCaptured",
    "OfferStatusChanged",
    "RecommendationWritten",
    "SkillsAssessed",
    "SkillsGridAssigned",
    "SuccessStoryConsentGiven",
    "SuccessStoryConsentWithdrawn",
    "SuccessStoryShared",
    "SuccessStoryWritten",
    "SuiviMilestone",
    "refuse_bad_times",
    "suivi_milestones",
]

_PARCOURS = StreamKind.PARCOURS


def _file(state: Parcours, **changes: Any) -> Parcours:
    return attrs.evolve(state, mediation=attrs.evolve(state.mediation, **changes))


def refuse_bad_times(start: str | None, end: str | None, *path: str) -> None:
    """Refuse hours given by halves, or that do not start before they end."""
    if (start is None) != (end is None):
        refuse("agenda.horaires", "l'heure de début et l'heure de fin vont ensemble", *path)
    if start is not None and end is not None and clock_minutes(start) >= clock_minutes(end):
        refuse("agenda.horaires", f"l'horaire {start}-{end} doit commencer avant de finir", *path)


# -- offers (employer stream) ------------------------------------------------------------------


@event_type("offer_captured", stream=StreamKind.EMPLOYER)
@frozen(kw_only=True)
class OfferCaptured:
    """The SIAE team obtains a job offer directly from the employer (*offre captée*)."""

    offer: Offer


@EMPLOYER.rule(OfferCaptured)
def _offer_captured(state: Employer, event: Event[OfferCaptured]) -> Employer:
    offer = event.payload.offer
    if offer.employer != state.company.id:
        refuse(
            "employeur.autre", f"l'offre {offer.id} relève de {offer.employer}", "offer", "employer"
        )
    refuse_duplicate(offer.id, state.offers, "offre.doublon", "l'offre", "offer", "id")
    if offer.site is not None and offer.site not in state.sites:
        refuse("site.inconnu", f"aucun site {offer.site} pour cet employeur", "offer", "site")
    return attrs.evolve(state, offers={**state.offers, offer.id: offer})


@event_type("offer_status_changed", stream=StreamKind.EMPLOYER)
@frozen(kw_only=True)
class OfferStatusChanged:
    """An offer is filled or withdrawn (or reopened while still open)."""

    offer: OfferId = field(validator=identifier)
    status: OfferStatus


@EMPLOYER.rule(OfferStatusChanged)
def _offer_status(state: Employer, event: Event[OfferStatusChanged]) -> Employer:
    p = event.payload
    offer = state.offers.get(p.offer)
    if offer is None:
        refuse("offre.inconnue", f"aucune offre {p.offer} pour cet employeur", "offer")
    if offer.status is not OfferStatus.OPEN:
        refuse("offre.close", f"l'offre {p.offer} est close ({offer.status.label})", "status")
    return attrs.evolve(
        state, offers={**state.offers, p.offer: attrs.evolve(offer, status=p.status)}
    )


# -- plan d'action: the job project ------------------------------------------------------------


@event_type("job_project_defined", stream=_PARCOURS)
@frozen(kw_only=True)
class JobProjectDefined:
    """What the person looks for (métiers, hours, places, constraints) is set or updated."""

    project: JobProject


@PARCOURS.rule(JobProjectDefined)
def _job_project(state: Parcours, event: Event[JobProjectDefined]) -> Parcours:
    return attrs.evolve(state, job_project=event.payload.project)


# -- mises en relation -----------------------------------------------------------------------


@event_type("mise_en_relation_proposed", stream=_PARCOURS)
@frozen(kw_only=True)
class MiseEnRelationProposed:
    """A permanent·e proposes the person for a captured offer."""

    mise_en_relation: MiseEnRelation


@PARCOURS.rule(MiseEnRelationProposed)
def _mer_proposed(state: Parcours, event: Event[MiseEnRelationProposed]) -> Parcours:
    mer = event.payload.mise_en_relation
    known = state.mediation.mises_en_relation
    refuse_duplicate(
        mer.id, known, "mise_en_relation.doublon", "la mise en relation", "mise_en_relation", "id"
    )
    return _file(state, mises_en_relation={**known, mer.id: mer})


@event_type("mise_en_relation_outcome_recorded", stream=_PARCOURS)
@frozen(kw_only=True)
class MiseEnRelationOutcomeRecorded:
    """What came of a mise en relation: an interview, a hire, a refusal."""

    outcome: MiseEnRelationOutcome


@PARCOURS.rule(MiseEnRelationOutcomeRecorded)
def _mer_outcome(state: Parcours, event: Event[MiseEnRelationOutcomeRecorded]) -> Parcours:
    outcome = event.payload.outcome
    file = state.mediation
    mer = file.mises_en_relation.get(outcome.mise_en_relation)
    path = ("outcome", "mise_en_relation")
    if mer is None:
        refuse(
            "mise_en_relation.inconnue",
            f"aucune mise en relation {outcome.mise_en_relation}",
            *path,
        )
    if any(o.result.final for o in file.outcomes_of(mer.id)):
        refuse("mise_en_relation.close", f"la mise en relation {mer.id} est close", *path)
    if outcome.date < mer.proposed_on:
        refuse(
            "mise_en_relation.date",
            f"un résultat ne peut précéder la mise en relation ({mer.proposed_on:%d/%m/%Y})",
            "outcome",
            "date",
        )
    return _file(state, outcomes=(*file.outcomes, outcome))


# -- compétences -----------------------------------------------------------------------------


def _grid(file: MediationFile, grid_id: GridId, *path: str) -> SkillsGrid:
    grid = file.grids.get(grid_id)
    if grid is None:
        refuse("competences.grille_inconnue", f"aucune grille {grid_id} dans ce parcours", *path)
    return grid


def _skills(grid: SkillsGrid, skills: tuple[SkillId, ...], *path: str | int) -> None:
    for i, skill in enumerate(skills):
        if grid.skill(skill) is None:
            refuse(
                "competences.inconnue",
                f"aucune compétence {skill} dans la grille {grid.id} ({grid.post})",
                *path,
                i,
            )


@event_type("skills_grid_assigned", stream=_PARCOURS)
@frozen(kw_only=True)
class SkillsGridAssigned:
    """The skills grid of the person's post, against which the ETI assesses them."""

    grid: SkillsGrid


@PARCOURS.rule(SkillsGridAssigned)
def _grid_assigned(state: Parcours, event: Event[SkillsGridAssigned]) -> Parcours:
    grid = event.payload.grid
    refuse_duplicate(
        grid.id, state.mediation.grids, "competences.grille_doublon", "la grille", "grid", "id"
    )
    return _file(state, grids={**state.mediation.grids, grid.id: grid})


@event_type("skills_assessed", stream=_PARCOURS)
@frozen(kw_only=True)
class SkillsAssessed:
    """The ETI assesses the person against a grid; later assessments supersede earlier."""

    assessment: SkillsAssessment


@PARCOURS.rule(SkillsAssessed)
def _assessed(state: Parcours, event: Event[SkillsAssessed]) -> Parcours:
    a = event.payload.assessment
    grid = _grid(state.mediation, a.grid, "assessment", "grid")
    _skills(grid, tuple(r.skill for r in a.ratings), "assessment", "ratings")
    return _file(state, assessments=(*state.mediation.assessments, a))


# -- valorisation ----------------------------------------------------------------------------


@event_type("recommendation_written", stream=_PARCOURS)
@frozen(kw_only=True)
class RecommendationWritten:
    """A recommendation letter is written for the person."""

    letter: RecommendationLetter


@PARCOURS.rule(RecommendationWritten)
def _letter(state: Parcours, event: Event[RecommendationWritten]) -> Parcours:
    letter = event.payload.letter
    file = state.mediation
    refuse_duplicate(letter.id, file.letters, "valorisation.doublon", "la lettre", "letter", "id")
    if letter.skills:
        if letter.grid is None:
            refuse(
                "competences.grille_inconnue",
                "une lettre qui cite des compétences nomme leur grille",
                "letter",
                "grid",
            )
        _skills(_grid(file, letter.grid, "letter", "grid"), letter.skills, "letter", "skills")
    return _file(state, letters={**file.letters, letter.id: letter})


@event_type("success_story_written", stream=_PARCOURS)
@frozen(kw_only=True)
class SuccessStoryWritten:
    """A success story (*belle histoire*) is written with the person."""

    story: SuccessStory


@PARCOURS.rule(SuccessStoryWritten)
def _story(state: Parcours, event: Event[SuccessStoryWritten]) -> Parcours:
    story = event.payload.story
    refuse_duplicate(
        story.id, state.mediation.stories, "valorisation.doublon", "le récit", "story", "id"
    )
    return _file(state, stories={**state.mediation.stories, story.id: story})


def _known_story(state: Parcours, story: StoryId) -> None:
    if story not in state.mediation.stories:
        refuse("valorisation.recit_inconnu", f"aucun récit {story} dans ce parcours", "story")


@event_type("success_story_consent_given", stream=_PARCOURS)
@frozen(kw_only=True)
class SuccessStoryConsentGiven:
    """The person agrees, from this day, that the story be shared with prescripteurs."""

    story: StoryId = field(validator=identifier)


@PARCOURS.rule(SuccessStoryConsentGiven)
def _consent_given(state: Parcours, event: Event[SuccessStoryConsentGiven]) -> Parcours:
    story = event.payload.story
    _known_story(state, story)
    consent = Consent(story=story, given_on=event.day)
    return _file(state, consents={**state.mediation.consents, story: consent})


@event_type("success_story_consent_withdrawn", stream=_PARCOURS)
@frozen(kw_only=True)
class SuccessStoryConsentWithdrawn:
    """The person withdraws their consent: the story is no longer shared from this day."""

    story: StoryId = field(validator=identifier)


@PARCOURS.rule(SuccessStoryConsentWithdrawn)
def _consent_withdrawn(state: Parcours, event: Event[SuccessStoryConsentWithdrawn]) -> Parcours:
    story = event.payload.story
    _known_story(state, story)
    consent = state.mediation.consents.get(story)
    if consent is None or consent.withdrawn_on is not None:
        refuse(
            "valorisation.consentement_inconnu",
            f"aucun consentement en cours pour le récit {story}",
            "story",
        )
    withdrawn = attrs.evolve(consent, withdrawn_on=event.day)
    return _file(state, consents={**state.mediation.consents, story: withdrawn})


@event_type("success_story_shared", stream=_PARCOURS)
@frozen(kw_only=True)
class SuccessStoryShared:
    """A success story is sent to a prescripteur (only with the person's consent)."""

    story: StoryId = field(validator=identifier)
    prescripteur: PrescripteurId = field(validator=identifier)


@PARCOURS.rule(SuccessStoryShared)
def _shared(state: Parcours, event: Event[SuccessStoryShared]) -> Parcours:
    p = event.payload
    _known_story(state, p.story)
    share = StoryShare(story=p.story, prescripteur=p.prescripteur, date=event.day)
    return _file(state, shares=(*state.mediation.shares, share))


# -- suivi dans l'emploi ---------------------------------------------------------------------

#: The suivi dans l'emploi contacts the programme expects, in months after the sortie.
SUIVI_MONTHS: Final = (1, 3, 6, 12)
#: How far from its due day a contact still counts for a milestone.
SUIVI_TOLERANCE: Final = dt.timedelta(days=15)


@frozen(kw_only=True)
class SuiviMilestone:
    """One expected suivi contact: ``months`` after the sortie, due on ``due``.

    :param contacted: whether a contact took place within :data:`SUIVI_TOLERANCE`.
    :param in_employment: what the last such contact said, if it said.
    """

    months: int
    due: dt.date
    contacted: bool
    in_employment: bool | None


def suivi_milestones(parcours: Parcours) -> tuple[SuiviMilestone, ...]:
    """The suivi contacts at 1, 3, 6 and 12 months after the sortie, and which took place.

    Empty before the sortie.
    """
    if parcours.sortie is None:
        return ()
    milestones = []
    for months in SUIVI_MONTHS:
        due = parcours.sortie.date + relativedelta(months=months)
        near = [c for c in parcours.suivis if abs(c.date - due) <= SUIVI_TOLERANCE]
        said = [c.in_employment for c in near if c.in_employment is not None]
        milestones.append(
            SuiviMilestone(
                months=months,
                due=due,
                contacted=bool(near),
                in_employment=said[-1] if said else None,
            )
        )
    return tuple(milestones)


def _after_sortie(state: Parcours, day: dt.date, *path: str) -> None:
    if state.sortie is None or day < state.sortie.date:
        refuse("suivi.avant_sortie", "le suivi dans l'emploi commence après la sortie", *path)


@event_type("job_mediation_opened", stream=_PARCOURS)
@frozen(kw_only=True)
class JobMediationOpened:
    """After the sortie, the job is at risk: the SIAE mediates with the new employer."""

    mediation: JobMediation


@PARCOURS.rule(JobMediationOpened, when_closed=True)
def _mediation_opened(state: Parcours, event: Event[JobMediationOpened]) -> Parcours:
    m = event.payload.mediation
    _after_sortie(state, m.opened_on, "mediation", "opened_on")
    known = state.mediation.job_mediations
    refuse_duplicate(m.id, known, "mediation.doublon", "la médiation", "mediation", "id")
    return _file(state, job_mediations={**known, m.id: m})


@event_type("job_mediation_closed", stream=_PARCOURS)
@frozen(kw_only=True)
class JobMediationClosed:
    """The mediation ends: the job is kept, or it ends."""

    mediation: MediationId = field(validator=identifier)
    date: dt.date
    result: JobMediationResult


@PARCOURS.rule(JobMediationClosed, when_closed=True)
def _mediation_closed(state: Parcours, event: Event[JobMediationClosed]) -> Parcours:
    p = event.payload
    known = state.mediation.job_mediations
    m = known.get(p.mediation)
    if m is None:
        refuse("mediation.inconnue", f"aucune médiation {p.mediation}", "mediation")
    if m.closed_on is not None:
        refuse("mediation.close", f"la médiation {m.id} est déjà close", "mediation")
    if p.date < m.opened_on:
        refuse(
            "mediation.date",
            f"la médiation ne peut se clore avant d'être ouverte ({m.opened_on:%d/%m/%Y})",
            "date",
        )
    closed = attrs.evolve(m, closed_on=p.date, result=p.result)
    return _file(state, job_mediations={**known, m.id: closed})


# -- company events and Flash Info (structure stream) ------------------------------------------


@frozen(kw_only=True)
class _Agenda:
    """What the folds of company events and Flash Info say of the moments they keep."""

    noun: str
    name: str
    duplicate_code: str
    unknown_code: str
    status_code: str
    #: What a held record may leave out, to be taken from the moment as scheduled.
    kept_when_held: tuple[str, ...]


_COMPANY_EVENTS: Final = _Agenda(
    noun="l'événement",
    name="événement",
    duplicate_code="evenement_entreprise.doublon",
    unknown_code="evenement_entreprise.inconnu",
    status_code="evenement_entreprise.statut",
    kept_when_held=(
        *("title", "start", "end", "place", "contact", "invited", "bring"),
        *("employers", "prescripteurs", "staff"),
    ),
)
_FLASH_INFOS: Final = _Agenda(
    noun="le Flash Info",
    name="Flash Info",
    duplicate_code="flash_info.doublon",
    unknown_code="flash_info.inconnu",
    status_code="flash_info.statut",
    kept_when_held=("start", "end", "place", "contact", "invited", "employers"),
)

M = TypeVar("M", CompanyEvent, FlashInfo)


def _new(agenda: _Agenda, known: M | None, new: M, *path: str) -> None:
    if known is not None:
        refuse(agenda.duplicate_code, f"{agenda.noun} {new.id} existe déjà", *path, "id")
    refuse_bad_times(new.start, new.end, *path, "end")


def _pending(agenda: _Agenda, known: M | None, key: str, step: str, *path: str) -> M:
    """The scheduled moment ``key``, for a change or a cancellation."""
    if known is None:
        refuse(agenda.unknown_code, f"aucun {agenda.name} {key} dans cette structure", *path)
    if known.status is not AgendaStatus.SCHEDULED:
        refuse(
            agenda.status_code,
            f"{agenda.noun} {key} est {known.status.label.lower()} : seul un {agenda.name} "
            f"prévu peut {step}",
            *path,
        )
    return known


def _scheduled(agenda: _Agenda, known: M | None, new: M, *path: str) -> M:
    _new(agenda, known, new, *path)
    return attrs.evolve(new, status=AgendaStatus.SCHEDULED, sequence=0, reason=None)


def _changed(agenda: _Agenda, known: M | None, new: M, *path: str) -> M:
    known = _pending(agenda, known, new.id, "changer", *path, "id")
    refuse_bad_times(new.start, new.end, *path, "end")
    return attrs.evolve(
        new, status=AgendaStatus.SCHEDULED, sequence=known.sequence + 1, reason=None
    )


def _cancelled(agenda: _Agenda, known: M | None, key: str, reason: str | None, *path: str) -> M:
    known = _pending(agenda, known, key, "être annulé", *path)
    return attrs.evolve(
        known, status=AgendaStatus.CANCELLED, sequence=known.sequence + 1, reason=reason
    )


def _held(agenda: _Agenda, known: M | None, held: M, *path: str) -> M:
    """The record of a held moment: the held record alone when nothing was scheduled;
    otherwise the schedule, completed by the held record (which may leave out what the
    schedule said: hours, place, invited...)."""
    if known is None or known.status is AgendaStatus.HELD:
        _new(agenda, known, held, *path)
        return attrs.evolve(held, status=AgendaStatus.HELD, sequence=0, reason=None)
    known = _pending(agenda, known, held.id, "être tenu", *path, "id")
    kept = {name: getattr(known, name) for name in agenda.kept_when_held if not getattr(held, name)}
    merged = attrs.evolve(held, **kept)
    refuse_bad_times(merged.start, merged.end, *path, "end")
    return attrs.evolve(merged, status=AgendaStatus.HELD, sequence=known.sequence + 1, reason=None)


@event_type("company_event_scheduled", stream=StreamKind.SIAE)
@frozen(kw_only=True)
class CompanyEventScheduled:
    """A company event is planned: its day and hours, place, employers, staff,
    prescripteurs and the salarié·es invited.  Its calendar entries go to each of them."""

    event: CompanyEvent


@STRUCTURE.rule(CompanyEventScheduled)
def _company_event_scheduled(state: Structure, event: Event[CompanyEventScheduled]) -> Structure:
    new = event.payload.event
    planned = _scheduled(_COMPANY_EVENTS, state.company_events.get(new.id), new, "event")
    return attrs.evolve(state, company_events={**state.company_events, new.id: planned})


@event_type("company_event_changed", stream=StreamKind.SIAE)
@frozen(kw_only=True)
class CompanyEventChanged:
    """A scheduled company event moves or changes (hours, place, who is invited...):
    the whole event as it now stands, under the same id."""

    event: CompanyEvent


@STRUCTURE.rule(CompanyEventChanged)
def _company_event_changed(state: Structure, event: Event[CompanyEventChanged]) -> Structure:
    new = event.payload.event
    changed = _changed(_COMPANY_EVENTS, state.company_events.get(new.id), new, "event")
    return attrs.evolve(state, company_events={**state.company_events, new.id: changed})


@event_type("company_event_cancelled", stream=StreamKind.SIAE)
@frozen(kw_only=True)
class CompanyEventCancelled:
    """A scheduled company event will not take place."""

    event: CompanyEventId = field(validator=identifier)
    reason: str | None = field(default=None, validator=attrs.validators.optional(non_empty))


@STRUCTURE.rule(CompanyEventCancelled)
def _company_event_cancelled(state: Structure, event: Event[CompanyEventCancelled]) -> Structure:
    p = event.payload
    known = state.company_events.get(p.event)
    cancelled = _cancelled(_COMPANY_EVENTS, known, p.event, p.reason, "event")
    return attrs.evolve(state, company_events={**state.company_events, p.event: cancelled})


@event_type("company_event_held", stream=StreamKind.SIAE)
@frozen(kw_only=True)
class CompanyEventHeld:
    """A job dating, a presentation of métiers, a visit, a "cas d'école" day took place.

    For an event scheduled ahead (same id), what the record leaves out (hours, place,
    invited, staff...) is taken from the schedule.
    """

    event: CompanyEvent


@STRUCTURE.rule(CompanyEventHeld)
def _company_event(state: Structure, event: Event[CompanyEventHeld]) -> Structure:
    held = event.payload.event
    known = state.company_events.get(held.id)
    record = _held(_COMPANY_EVENTS, known, held, "event")
    return attrs.evolve(state, company_events={**state.company_events, held.id: record})


@event_type("company_event_followed_up", stream=StreamKind.SIAE)
@frozen(kw_only=True)
class CompanyEventFollowedUp:
    """What a company event led to for one participant: a PMSMP, an interview, a hire."""

    follow_up: CompanyEventFollowUp


@STRUCTURE.rule(CompanyEventFollowedUp)
def _followed_up(state: Structure, event: Event[CompanyEventFollowedUp]) -> Structure:
    f = event.payload.follow_up
    held = state.company_events.get(f.event)
    if held is None:
        refuse("evenement_entreprise.inconnu", f"aucun événement {f.event}", "follow_up", "event")
    if f.salarie not in held.participants:
        refuse(
            "evenement_entreprise.participant_inconnu",
            f"{f.salarie} n'a pas participé à l'événement {held.id}",
            "follow_up",
            "salarie",
        )
    if f.date < held.date:
        refuse(
            "evenement_entreprise.suite_avant",
            f"une suite ne peut précéder l'événement ({held.date:%d/%m/%Y})",
            "follow_up",
            "date",
        )
    return attrs.evolve(state, follow_ups=(*state.follow_ups, f))


@event_type("flash_info_scheduled", stream=StreamKind.SIAE)
@frozen(kw_only=True)
class FlashInfoScheduled:
    """A Flash Info session is planned, with the salarié·es invited."""

    session: FlashInfo


@STRUCTURE.rule(FlashInfoScheduled)
def _flash_info_scheduled(state: Structure, event: Event[FlashInfoScheduled]) -> Structure:
    new = event.payload.session
    planned = _scheduled(_FLASH_INFOS, state.flash_infos.get(new.id), new, "session")
    return attrs.evolve(state, flash_infos={**state.flash_infos, new.id: planned})


@event_type("flash_info_changed", stream=StreamKind.SIAE)
@frozen(kw_only=True)
class FlashInfoChanged:
    """A scheduled Flash Info moves or changes: the whole session, under the same id."""

    session: FlashInfo


@STRUCTURE.rule(FlashInfoChanged)
def _flash_info_changed(state: Structure, event: Event[FlashInfoChanged]) -> Structure:
    new = event.payload.session
    changed = _changed(_FLASH_INFOS, state.flash_infos.get(new.id), new, "session")
    return attrs.evolve(state, flash_infos={**state.flash_infos, new.id: changed})


@event_type("flash_info_cancelled", stream=StreamKind.SIAE)
@frozen(kw_only=True)
class FlashInfoCancelled:
    """A scheduled Flash Info will not take place."""

    session: FlashInfoId = field(validator=identifier)
    reason: str | None = field(default=None, validator=attrs.validators.optional(non_empty))


@STRUCTURE.rule(FlashInfoCancelled)
def _flash_info_cancelled(state: Structure, event: Event[FlashInfoCancelled]) -> Structure:
    p = event.payload
    known = state.flash_infos.get(p.session)
    cancelled = _cancelled(_FLASH_INFOS, known, p.session, p.reason, "session")
    return attrs.evolve(state, flash_infos={**state.flash_infos, p.session: cancelled})


@event_type("flash_info_held", stream=StreamKind.SIAE)
@frozen(kw_only=True)
class FlashInfoHeld:
    """A Flash Info session took place, with the salarié·es present (for a session
    scheduled ahead, what the record leaves out is taken from the schedule)."""

    session: FlashInfo


@STRUCTURE.rule(FlashInfoHeld)
def _flash_info(state: Structure, event: Event[FlashInfoHeld]) -> Structure:
    session = event.payload.session
    known = state.flash_infos.get(session.id)
    record = _held(_FLASH_INFOS, known, session, "session")
    return attrs.evolve(state, flash_infos={**state.flash_infos, session.id: record})
