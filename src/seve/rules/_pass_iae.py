"""Rules on the PASS IAE: its length, suspensions and prolongations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Final

from attrs import frozen

from ..errors import Problem
from ..model import (
    Embauche,
    Event,
    Parcours,
    PassProlonged,
    PassSuspended,
    ProlongationReason,
    SiaeKind,
    StreamKind,
)
from ._base import may_be_aged, months_after, register

__all__ = ["PROLONGATION_CEILINGS", "ProlongationCeiling", "check_pass_iae"]

_LENGTH_MONTHS: Final = 24
_SUSPENSION_MAX_MONTHS: Final = 36
_R8: Final = "Code du travail, art. R5132-1-8"


@frozen(kw_only=True)
class ProlongationCeiling:
    """How far a prolongation reason may take the PASS IAE.

    :param parcours_months: the longest parcours, counted from the PASS start with
        suspensions left out, or ``None`` when the law sets none.
    :param decision_months: the longest single prolongation, or ``None``.
    :param siae_kinds: the SIAE kinds allowed to use the reason (``None``: all).
    :param legal: the source.
    """

    parcours_months: int | None
    decision_months: int | None
    siae_kinds: frozenset[SiaeKind] | None
    legal: str


#: Ceilings by reason (art. R5132-1-8; the training and 57+ CDI reasons run until
#: the training or the contract ends: the state platform caps them at 2 and 10 years).
PROLONGATION_CEILINGS: Final = {
    ProlongationReason.CDI_57_ANS: ProlongationCeiling(
        parcours_months=24 + 120, decision_months=None, siae_kinds=None, legal=f"{_R8}, 1° a)"
    ),
    ProlongationReason.FIN_DE_FORMATION: ProlongationCeiling(
        parcours_months=24 + 24, decision_months=None, siae_kinds=None, legal=f"{_R8}, 1° b)"
    ),
    ProlongationReason.CINQUANTE_ANS: ProlongationCeiling(
        parcours_months=84, decision_months=None, siae_kinds=None, legal=f"{_R8}, 2° a)"
    ),
    ProlongationReason.RQTH: ProlongationCeiling(
        parcours_months=60, decision_months=None, siae_kinds=None, legal=f"{_R8}, 2° b)"
    ),
    ProlongationReason.DIFFICULTES_PARTICULIERES: ProlongationCeiling(
        parcours_months=60,
        decision_months=12,
        siae_kinds=frozenset({SiaeKind.AI, SiaeKind.ACI}),
        legal=f"{_R8}, 2° c)",
    ),
}


@register(StreamKind.PARCOURS)
def check_pass_iae(
    before: Parcours | None, after: Parcours, event: Event[Any]
) -> Iterator[Problem]:
    """PASS IAE: 24 months; suspensions of at most 36 months; prolongations per reason."""
    payload = event.payload
    if isinstance(payload, Embauche):
        pass_ = payload.pass_iae
        longest = months_after(pass_.start, _LENGTH_MONTHS)
        if not pass_.suspensions and not pass_.prolongations and pass_.end > longest:
            yield Problem(
                code="pass.duree_initiale",
                message=f"un PASS IAE vaut {_LENGTH_MONTHS} mois : du {pass_.start:%d/%m/%Y}, "
                f"il finit au plus tard le {longest:%d/%m/%Y}",
                path=("payload", "pass_iae", "end"),
                legal="Code du travail, art. R5132-1-2",
            )
    elif isinstance(payload, PassSuspended):
        s = payload.suspension
        if s.end > months_after(s.start, _SUSPENSION_MAX_MONTHS):
            yield Problem(
                code="pass.suspension_max",
                message=f"une suspension du PASS IAE dure au plus {_SUSPENSION_MAX_MONTHS} mois",
                path=("payload", "suspension", "end"),
                legal="Code du travail, art. R5132-1-3 (plafond de la plateforme de l'inclusion)",
            )
    elif isinstance(payload, PassProlonged):
        yield from _check_prolongation(after, payload, event.day)


def _check_prolongation(after: Parcours, payload: PassProlonged, day: dt.date) -> Iterator[Problem]:
    p = payload.prolongation
    ceiling = PROLONGATION_CEILINGS[p.reason]
    path = ("payload", "prolongation")
    if ceiling.siae_kinds is not None and after.siae_kind not in ceiling.siae_kinds:
        yield Problem(
            code="pass.prolongation_structure",
            message=f"le motif « {p.reason.label} » est réservé aux "
            + " et ".join(sorted(k.value.upper() for k in ceiling.siae_kinds)),
            path=(*path, "reason"),
            legal=ceiling.legal,
        )
    unmet = {
        ProlongationReason.CINQUANTE_ANS: not may_be_aged(after, 50, day),
        ProlongationReason.CDI_57_ANS: not may_be_aged(after, 57, day),
        ProlongationReason.RQTH: not after.situation.rqth,
    }.get(p.reason, False)
    if unmet:
        yield Problem(
            code="pass.prolongation_conditions",
            message=f"le motif « {p.reason.label} » ne correspond pas à la situation de la "
            "personne (âge ou RQTH)",
            path=(*path, "reason"),
            legal=ceiling.legal,
        )
    if ceiling.decision_months is not None and p.end > months_after(
        p.start, ceiling.decision_months
    ):
        yield Problem(
            code="pass.prolongation_duree",
            message=f"une prolongation « {p.reason.label} » dure au plus "
            f"{ceiling.decision_months} mois par décision",
            path=(*path, "end"),
            legal=ceiling.legal,
        )
    pass_ = after.pass_iae
    if ceiling.parcours_months is not None:
        suspended = sum(s.days for s in pass_.suspensions)
        limit = months_after(pass_.start, ceiling.parcours_months) + dt.timedelta(days=suspended)
        if p.end > limit:
            yield Problem(
                code="pass.prolongation_plafond",
                message=f"avec le motif « {p.reason.label} », le parcours dure au plus "
                f"{ceiling.parcours_months} mois : le PASS IAE ne peut aller au-delà du "
                f"{limit:%d/%m/%Y}",
                path=(*path, "end"),
                legal=ceiling.legal,
            )
