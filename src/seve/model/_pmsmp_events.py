"""The lifecycle of a PMSMP as events of the parcours: drafted, signed by each party,
validated, amended, started, ended with its bilan; rejected or cancelled with a reason;
renewed.

The fold refuses only steps that contradict the lifecycle (starting a convention
that is not validated, signing twice...); the legal rules (one month, one renewal,
the limits per host, the schedule) are in :mod:`seve.rules`.  It also keeps the
PMSMP's ``sequence``, raised on every change its calendar entries show.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import attrs
from attrs import field, frozen

from ._base import identifier, non_empty, personal
from ._events import Event, StreamKind, event_type
from ._fold import refuse, refuse_duplicate
from ._ids import PmsmpId
from ._parcours import PARCOURS, Parcours
from ._pmsmp import Pmsmp, PmsmpBilan, PmsmpConvention, PmsmpOutcome, PmsmpParty, PmsmpStatus

__all__ = [
    "PmsmpAmended",
    "PmsmpCancelled",
    "PmsmpDrafted",
    "PmsmpEnded",
    "PmsmpRejected",
    "PmsmpRenewed",
    "PmsmpSigned",
    "PmsmpStarted",
    "PmsmpValidated",
]

_PARCOURS = StreamKind.PARCOURS


def _known(state: Parcours, pmsmp_id: PmsmpId, *path: str) -> Pmsmp:
    pmsmp = state.pmsmps.get(pmsmp_id)
    if pmsmp is None:
        refuse("pmsmp.inconnue", f"aucune PMSMP {pmsmp_id} dans ce parcours", *path)
    return pmsmp


def _at(state: Parcours, pmsmp_id: PmsmpId, allowed: Collection[PmsmpStatus], step: str) -> Pmsmp:
    """The PMSMP, if its status allows ``step``; refused otherwise."""
    pmsmp = _known(state, pmsmp_id, "convention")
    if pmsmp.status not in allowed:
        expected = " ou ".join(s.label.lower() for s in allowed)
        refuse(
            "pmsmp.statut",
            f"la PMSMP {pmsmp_id} est {pmsmp.status.label.lower()} : pour {step}, "
            f"elle doit être {expected}",
            "convention",
        )
    return pmsmp


def _with(state: Parcours, *pmsmps: Pmsmp) -> Parcours:
    return attrs.evolve(state, pmsmps={**state.pmsmps, **{p.id: p for p in pmsmps}})


def _changed(pmsmp: Pmsmp, **changes: Any) -> Pmsmp:
    """The PMSMP after a change its calendar entries show: its sequence goes up."""
    return attrs.evolve(pmsmp, sequence=pmsmp.sequence + 1, **changes)


def _new(state: Parcours, convention: PmsmpConvention) -> None:
    refuse_duplicate(convention.id, state.pmsmps, "pmsmp.doublon", "la PMSMP", "convention", "id")


@event_type("pmsmp_drafted", stream=_PARCOURS)
@frozen(kw_only=True)
class PmsmpDrafted:
    """A PMSMP convention is drafted with the host, the tutor and the person."""

    convention: PmsmpConvention


@PARCOURS.rule(PmsmpDrafted)
def _drafted(state: Parcours, event: Event[PmsmpDrafted]) -> Parcours:
    _new(state, event.payload.convention)
    return _with(state, Pmsmp(convention=event.payload.convention))


@event_type("pmsmp_renewed", stream=_PARCOURS)
@frozen(kw_only=True)
class PmsmpRenewed:
    """A PMSMP is renewed: a new convention for the following period, signed and
    validated like the first (only once, with the same objective: see the rules)."""

    renews: PmsmpId = field(validator=identifier)
    convention: PmsmpConvention


@PARCOURS.rule(PmsmpRenewed)
def _renewed(state: Parcours, event: Event[PmsmpRenewed]) -> Parcours:
    p = event.payload
    first = _known(state, p.renews, "renews")
    _new(state, p.convention)
    renewal = Pmsmp(convention=p.convention, renews=first.id)
    return _with(state, attrs.evolve(first, renewed_by=renewal.id), renewal)


@event_type("pmsmp_signed", stream=_PARCOURS)
@frozen(kw_only=True)
class PmsmpSigned:
    """One party signs the convention."""

    convention: PmsmpId = field(validator=identifier)
    party: PmsmpParty


@PARCOURS.rule(PmsmpSigned)
def _signed(state: Parcours, event: Event[PmsmpSigned]) -> Parcours:
    p = event.payload
    pmsmp = _at(state, p.convention, {PmsmpStatus.DRAFTED}, "être signée")
    if p.party in pmsmp.signatures:
        refuse(
            "pmsmp.deja_signee",
            f"« {p.party.label} » a déjà signé la PMSMP {p.convention}",
            "party",
        )
    return _with(state, attrs.evolve(pmsmp, signatures=pmsmp.signatures | {p.party}))


@event_type("pmsmp_validated", stream=_PARCOURS)
@frozen(kw_only=True)
class PmsmpValidated:
    """The convention, signed by every party, is validated."""

    convention: PmsmpId = field(validator=identifier)


@PARCOURS.rule(PmsmpValidated)
def _validated(state: Parcours, event: Event[PmsmpValidated]) -> Parcours:
    pmsmp = _at(state, event.payload.convention, {PmsmpStatus.DRAFTED}, "être validée")
    missing = pmsmp.required_signatures - pmsmp.signatures
    if missing:
        names = ", ".join(sorted(m.label for m in missing))
        refuse(
            "pmsmp.signatures_manquantes",
            f"la PMSMP {pmsmp.id} ne peut être validée sans la signature de : {names}",
            "convention",
        )
    return _with(state, _changed(pmsmp, status=PmsmpStatus.VALIDATED))


@event_type("pmsmp_started", stream=_PARCOURS)
@frozen(kw_only=True)
class PmsmpStarted:
    """The person starts the period at the host."""

    convention: PmsmpId = field(validator=identifier)


@PARCOURS.rule(PmsmpStarted)
def _started(state: Parcours, event: Event[PmsmpStarted]) -> Parcours:
    pmsmp = _at(state, event.payload.convention, {PmsmpStatus.VALIDATED}, "commencer")
    return _with(state, attrs.evolve(pmsmp, status=PmsmpStatus.STARTED))


@event_type("pmsmp_ended", stream=_PARCOURS)
@frozen(kw_only=True)
class PmsmpEnded:
    """The period is over, with its bilan (also when the person did not show)."""

    convention: PmsmpId = field(validator=identifier)
    bilan: PmsmpBilan


@PARCOURS.rule(PmsmpEnded)
def _ended(state: Parcours, event: Event[PmsmpEnded]) -> Parcours:
    p = event.payload
    allowed = {PmsmpStatus.STARTED}
    if p.bilan.outcome is PmsmpOutcome.NOT_SHOWN:
        allowed.add(PmsmpStatus.VALIDATED)
    pmsmp = _at(state, p.convention, allowed, "se terminer avec ce bilan")
    return _with(state, _changed(pmsmp, status=PmsmpStatus.ENDED, bilan=p.bilan))


@event_type("pmsmp_rejected", stream=_PARCOURS)
@frozen(kw_only=True)
class PmsmpRejected:
    """A party or the validator refuses the convention before it is validated."""

    convention: PmsmpId = field(validator=identifier)
    by: PmsmpParty
    reason: str = personal(validator=non_empty)


@PARCOURS.rule(PmsmpRejected)
def _rejected(state: Parcours, event: Event[PmsmpRejected]) -> Parcours:
    p = event.payload
    pmsmp = _at(state, p.convention, {PmsmpStatus.DRAFTED}, "être refusée")
    return _with(state, _changed(pmsmp, status=PmsmpStatus.REJECTED, reason=p.reason))


@event_type("pmsmp_cancelled", stream=_PARCOURS)
@frozen(kw_only=True)
class PmsmpCancelled:
    """A PMSMP not yet over is cancelled."""

    convention: PmsmpId = field(validator=identifier)
    reason: str = personal(validator=non_empty)


@PARCOURS.rule(PmsmpCancelled)
def _cancelled(state: Parcours, event: Event[PmsmpCancelled]) -> Parcours:
    p = event.payload
    open_ = [s for s in PmsmpStatus if not s.closed]
    pmsmp = _at(state, p.convention, open_, "être annulée")
    return _with(state, _changed(pmsmp, status=PmsmpStatus.CANCELLED, reason=p.reason))


@event_type("pmsmp_amended", stream=_PARCOURS)
@frozen(kw_only=True)
class PmsmpAmended:
    """An avenant agreed by the parties before the period starts: new days, hours,
    place, tutor or activities.  The amended convention keeps its id, its objective and
    its host (for another objective or host, draft a new convention); it replaces the
    whole convention, and the PMSMP keeps its signatures and status."""

    convention: PmsmpConvention


@PARCOURS.rule(PmsmpAmended)
def _amended(state: Parcours, event: Event[PmsmpAmended]) -> Parcours:
    new = event.payload.convention
    allowed = (PmsmpStatus.DRAFTED, PmsmpStatus.VALIDATED)
    pmsmp = _at(state, new.id, allowed, "recevoir un avenant")
    old = pmsmp.convention
    for name, label in (("objective", "l'objet"), ("host", "la structure d'accueil")):
        if getattr(new, name) != getattr(old, name):
            refuse(
                "pmsmp.avenant",
                f"un avenant garde {label} de la PMSMP {new.id} : pour en changer, "
                "une nouvelle convention",
                "convention",
                name,
            )
    return _with(state, _changed(pmsmp, convention=new))
