"""Médiation active: complete outcomes of mises en relation, and valorisation that
respects the person (consent before sharing, only acquired skills vouched for)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from ..errors import Problem
from ..model import (
    Event,
    MiseEnRelationOutcomeRecorded,
    MiseEnRelationResult,
    Parcours,
    RecommendationWritten,
    StreamKind,
    SuccessStoryShared,
)
from ._base import register

__all__ = ["check_mise_en_relation", "check_valorisation"]

#: Consent is the lawful basis for sharing a person's story outside the SIAE.
_CONSENT: Final = "RGPD (règlement (UE) 2016/679), art. 6.1 a) et 7"


@register(StreamKind.PARCOURS)
def check_mise_en_relation(
    before: Parcours | None, after: Parcours, event: Event[Any]
) -> Iterator[Problem]:
    """A hire says with which contract and from when; a refusal says by whom and why."""
    payload = event.payload
    if not isinstance(payload, MiseEnRelationOutcomeRecorded):
        return
    o = payload.outcome
    required = {
        MiseEnRelationResult.EMBAUCHE: (("contract", o.contract), ("start", o.start)),
        MiseEnRelationResult.REFUS: (("refused_by", o.refused_by), ("reason", o.reason)),
    }.get(o.result, ())
    for name, value in required:
        if value is None:
            yield Problem(
                code="mise_en_relation.resultat_incomplet",
                message=f"un résultat « {o.result.label} » précise le champ {name}",
                path=("payload", "outcome", name),
            )


@register(StreamKind.PARCOURS)
def check_valorisation(
    before: Parcours | None, after: Parcours, event: Event[Any]
) -> Iterator[Problem]:
    """A success story goes to prescripteurs only with the person's consent; a
    recommendation letter vouches only for skills the ETI assessed as acquired."""
    payload = event.payload
    file = after.mediation
    if isinstance(payload, SuccessStoryShared):
        consent = file.consents.get(payload.story)
        if consent is None or not consent.valid_on(event.day):
            yield Problem(
                code="valorisation.partage_sans_consentement",
                message=f"le récit {payload.story} ne se partage avec un prescripteur qu'avec "
                f"le consentement de la personne, en cours le {event.day:%d/%m/%Y}",
                path=("payload", "story"),
                legal=_CONSENT,
            )
    elif isinstance(payload, RecommendationWritten) and payload.letter.grid is not None:
        attestation = file.attestation(payload.letter.grid)
        acquired = {s.id for s in attestation.acquired} if attestation is not None else set()
        for i, skill in enumerate(payload.letter.skills):
            if skill not in acquired:
                yield Problem(
                    code="valorisation.competence_non_acquise",
                    message=f"la lettre cite la compétence {skill}, que l'évaluation de l'ETI "
                    "ne donne pas encore pour acquise",
                    path=("payload", "letter", "skills", i),
                )
