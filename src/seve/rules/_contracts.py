"""Rules on the contracts of a parcours: CDDI durations and hours, kinds per SIAE."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Final

from ..errors import Problem
from ..model import (
    CddiDerogation,
    ContractKind,
    ContractRenewed,
    ContractStarted,
    Embauche,
    Event,
    Parcours,
    SiaeKind,
    StreamKind,
)
from ..model import Contract as _Contract
from ._base import may_be_aged, months_after, register

__all__ = [
    "CDDI_ARTICLES",
    "CONTRACT_KINDS",
    "check_cddi",
    "check_contract_kind",
    "check_mission",
]

#: Where the CDDI rules come from, per kind of SIAE (loi n° 2020-1577 wording).
CDDI_ARTICLES: Final = {
    SiaeKind.EI: "Code du travail, art. L5132-5",
    SiaeKind.AI: "Code du travail, art. L5132-11-1",
    SiaeKind.ACI: "Code du travail, art. L5132-15-1",
}

#: The contracts each kind of SIAE signs with its salarié·es.
CONTRACT_KINDS: Final = {
    SiaeKind.EI: frozenset({ContractKind.CDDI}),
    SiaeKind.ACI: frozenset({ContractKind.CDDI}),
    SiaeKind.AI: frozenset({ContractKind.CDDI, ContractKind.MISE_A_DISPOSITION}),
    SiaeKind.ETTI: frozenset({ContractKind.MISSION}),
    SiaeKind.EITI: frozenset({ContractKind.ACCOMPAGNEMENT_EITI}),
}

_KIND_ARTICLES: Final = "Code du travail, art. L5132-5, L5132-6, L5132-11-1 et L5132-15-1"
_MIN_MONTHS: Final = 4
_MAX_MONTHS: Final = 24
_MIN_HOURS: Final = 20
_MAX_HOURS: Final = 35
#: Parcours ceilings for a CDDI prolonged beyond 24 months (art. R5132-1-8 for 50+).
_DEROGATION_CEILING: Final = {
    CddiDerogation.CINQUANTE_ANS: 84,
    CddiDerogation.RQTH: 60,
    CddiDerogation.DIFFICULTES_PARTICULIERES: 60,
}


def _new_contract(event: Event[Any]) -> _Contract | None:
    payload = event.payload
    if isinstance(payload, Embauche | ContractStarted):
        return payload.contract
    return None


@register(StreamKind.PARCOURS)
def check_contract_kind(
    before: Parcours | None, after: Parcours, event: Event[Any]
) -> Iterator[Problem]:
    """Each SIAE kind signs its own contracts; a mise à disposition names its client."""
    contract = _new_contract(event)
    if contract is None:
        return
    allowed = CONTRACT_KINDS[after.siae_kind]
    if contract.kind not in allowed:
        names = ", ".join(sorted(k.label for k in allowed))
        yield Problem(
            code="contrat.type_structure",
            message=f"une {after.siae_kind.label.lower()} embauche en : {names} ; "
            f"pas en « {contract.kind.label} »",
            path=("payload", "contract", "kind"),
            legal=_KIND_ARTICLES,
        )
    if contract.kind is ContractKind.MISE_A_DISPOSITION and contract.client_kind is None:
        yield Problem(
            code="contrat.client_manquant",
            message="une mise à disposition précise chez qui (entreprise, particulier, "
            "association ou collectivité)",
            path=("payload", "contract", "client_kind"),
            legal="Code du travail, art. L5132-9",
        )
    if not after.pass_iae.start <= contract.start <= after.pass_iae.end:
        yield Problem(
            code="pass.contrat_hors_validite",
            message=f"le contrat commence le {contract.start:%d/%m/%Y}, hors de la validité du "
            f"PASS IAE ({after.pass_iae.start:%d/%m/%Y} - {after.pass_iae.end:%d/%m/%Y})",
            path=("payload", "contract", "start"),
            legal="Code du travail, art. L5132-3 et R5132-1-1",
        )


@register(StreamKind.PARCOURS)
def check_cddi(before: Parcours | None, after: Parcours, event: Event[Any]) -> Iterator[Problem]:
    """CDDI: at least 4 months, at most 24 in total (with derogations), 20 to 35 h a week."""
    legal = CDDI_ARTICLES.get(after.siae_kind)
    if legal is None:
        return
    contract = _new_contract(event)
    if contract is not None and contract.kind is ContractKind.CDDI:
        yield from _check_new_cddi(contract, legal)
    if isinstance(event.payload, ContractRenewed | ContractStarted | Embauche):
        yield from _check_total(after, event, legal)


def _check_new_cddi(contract: _Contract, legal: str) -> Iterator[Problem]:
    shortest = months_after(contract.start, _MIN_MONTHS)
    if contract.end < shortest:
        yield Problem(
            code="cddi.duree_min",
            message=f"un CDDI dure au moins {_MIN_MONTHS} mois : du {contract.start:%d/%m/%Y}, "
            f"il ne peut finir avant le {shortest:%d/%m/%Y}",
            path=("payload", "contract", "end"),
            legal=legal,
        )
    if contract.weekly_hours < _MIN_HOURS and not contract.reduced_hours:
        yield Problem(
            code="cddi.heures_min",
            message=f"un CDDI prévoit au moins {_MIN_HOURS} heures par semaine "
            f"({contract.weekly_hours} h), sauf difficultés particulièrement importantes "
            "prévues au contrat (reduced_hours)",
            path=("payload", "contract", "weekly_hours"),
            legal=legal,
        )
    if contract.weekly_hours > _MAX_HOURS:
        yield Problem(
            code="cddi.heures_max",
            message=f"un CDDI ne dépasse pas la durée légale de {_MAX_HOURS} heures par semaine "
            f"({contract.weekly_hours} h)",
            path=("payload", "contract", "weekly_hours"),
            legal=legal,
        )


def _allowance(first: dt.date, months: int) -> int:
    """Days in ``months`` months *de date à date* from ``first``."""
    return (months_after(first, months) - first).days + 1


def _check_total(after: Parcours, event: Event[Any], legal: str) -> Iterator[Problem]:
    """The *durée totale* counts the days under CDDI, breaks between contracts left out."""
    cddis = [c for c in after.contracts if c.kind is ContractKind.CDDI]
    if not cddis:
        return
    first = min(c.start for c in cddis)
    last = max(cddis, key=lambda c: c.end)
    days = sum((after.contract_end_date(c) - c.start).days + 1 for c in cddis)
    renewal = isinstance(event.payload, ContractRenewed)
    path = ("payload", "end") if renewal else ("payload", "contract", "end")
    if days <= _allowance(first, _MAX_MONTHS):
        return
    derogation = last.derogation
    if derogation is None:
        yield Problem(
            code="cddi.duree_max",
            message=f"les CDDI d'un parcours durent au plus {_MAX_MONTHS} mois au total "
            f"({_allowance(first, _MAX_MONTHS)} jours depuis le {first:%d/%m/%Y}, ici {days}), "
            "sauf dérogation : fin de formation, 50 ans et plus, RQTH",
            path=path,
            legal=legal,
        )
        return
    unmet = {
        CddiDerogation.CINQUANTE_ANS: not may_be_aged(after, 50, event.day),
        CddiDerogation.RQTH: not after.situation.rqth,
        CddiDerogation.DIFFICULTES_PARTICULIERES: after.siae_kind is not SiaeKind.ACI,
    }.get(derogation, False)
    if unmet:
        yield Problem(
            code="cddi.derogation_conditions",
            message=f"la dérogation « {derogation.label} » ne s'applique pas à ce parcours "
            "(âge, RQTH ou type de structure)",
            path=("payload", "derogation") if renewal else path,
            legal=legal,
        )
    ceiling = _DEROGATION_CEILING.get(derogation)
    if ceiling is not None and days > _allowance(first, ceiling):
        yield Problem(
            code="cddi.derogation_plafond",
            message=f"avec la dérogation « {derogation.label} », les CDDI durent au plus "
            f"{ceiling} mois au total ({_allowance(first, ceiling)} jours, ici {days})",
            path=path,
            legal=f"{legal} ; art. R5132-1-8",
        )


_MISSION_MONTHS: Final = 24


@register(StreamKind.PARCOURS)
def check_mission(before: Parcours | None, after: Parcours, event: Event[Any]) -> Iterator[Problem]:
    """An ETTI mission lasts at most 24 months, renewals included (art. L5132-6)."""
    payload = event.payload
    renewal = isinstance(payload, ContractRenewed)
    contract = after.contract(payload.contract) if renewal else _new_contract(event)
    path = ("payload", "end") if renewal else ("payload", "contract", "end")
    if contract is None or contract.kind is not ContractKind.MISSION:
        return
    longest = months_after(contract.start, _MISSION_MONTHS)
    if contract.end > longest:
        yield Problem(
            code="mission.duree_max",
            message=f"une mission d'intérim d'insertion dure au plus {_MISSION_MONTHS} mois, "
            f"renouvellements compris : du {contract.start:%d/%m/%Y}, au plus tard le "
            f"{longest:%d/%m/%Y}",
            path=path,
            legal="Code du travail, art. L5132-6",
        )
