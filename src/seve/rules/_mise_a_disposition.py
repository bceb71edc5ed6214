"""Association intermédiaire: hours placed with companies are capped."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Final

from ..errors import Problem
from ..model import (
    ClientKind,
    ContractKind,
    Event,
    HoursWorked,
    Parcours,
    StreamKind,
)
from ._base import months_after, register

__all__ = ["AI_COMPANY_HOURS", "check_mise_a_disposition"]

#: Hours an AI may place one salarié·e with companies over 24 months from the first
#: placement (art. L5132-9 2° and R5132-18 2°; a préfet may allow more, D5132-18-1).
AI_COMPANY_HOURS: Final = Decimal(480)
_WINDOW_MONTHS: Final = 24
_LEGAL: Final = "Code du travail, art. L5132-9 2° et R5132-18 2°"


@register(StreamKind.PARCOURS)
def check_mise_a_disposition(
    before: Parcours | None, after: Parcours, event: Event[Any]
) -> Iterator[Problem]:
    """At most 480 hours with companies over 24 months from the first placement.

    Placements with private individuals, non-profit bodies and public bodies are
    not counted.
    """
    if not isinstance(event.payload, HoursWorked):
        return
    counted = {
        c.id: c.start
        for c in after.contracts
        if c.kind is ContractKind.MISE_A_DISPOSITION and c.client_kind is ClientKind.ENTREPRISE
    }
    if event.payload.hours.contract not in counted:
        return
    first = min(counted.values())
    window_end = months_after(first, _WINDOW_MONTHS)
    total = sum(
        (h.hours for h in after.hours if h.contract in counted and h.month <= window_end),
        Decimal(0),
    )
    if total > AI_COMPANY_HOURS:
        yield Problem(
            code="ai.plafond_entreprises",
            message=f"{total} heures de mise à disposition en entreprise depuis le "
            f"{first:%d/%m/%Y} : le plafond est de {AI_COMPANY_HOURS} heures sur 24 mois "
            "à compter de la première mise à disposition",
            path=("payload", "hours", "hours"),
            legal=_LEGAL,
        )
