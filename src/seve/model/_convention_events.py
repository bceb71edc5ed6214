"""The lifecycle of a convention de partenariat as events of the company's employer
stream: drafted, signed by each party, in force, amended (avenant), renewed, ended at
its term, or terminated early with a reason.

The fold refuses steps that contradict the lifecycle (signing a convention in force,
a party that is not one, amending a draft...); the rules (coherent dates, positive
commitments, every signature before it comes into force, no two conventions in force
between the same parties over the same days) are in :mod:`seve.rules`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import attrs
from attrs import field, frozen

from ._base import identifier, non_empty
from ._conventions import (
    Amendment,
    AvenantId,
    CompanyCommitments,
    ConventionId,
    ConventionSignature,
    ConventionStatus,
    Partnership,
    PartnershipConvention,
    PartyId,
    SiaeCommitments,
    Termination,
    TerminationReason,
)
from ._events import Event, StreamKind, event_type
from ._fold import refuse, refuse_duplicate
from ._network import EMPLOYER, Employer

__all__ = [
    "ConventionActivated",
    "ConventionAmended",
    "ConventionDrafted",
    "ConventionEnded",
    "ConventionRenewed",
    "ConventionSigned",
    "ConventionTerminated",
]

_EMPLOYER = StreamKind.EMPLOYER
_OPTIONAL_TEXT = attrs.validators.optional(non_empty)


def _at(
    state: Employer, convention: ConventionId, allowed: Collection[ConventionStatus], step: str
) -> Partnership:
    """The convention, if its status allows ``step``; refused otherwise."""
    partnership = state.partnerships.get(convention)
    if partnership is None:
        refuse(
            "convention.inconnue",
            f"aucune convention de partenariat {convention} avec cet employeur",
            "convention",
        )
    if partnership.status not in allowed:
        expected = " ou ".join(s.label.lower() for s in allowed)
        refuse(
            "convention.statut",
            f"la convention {convention} est {partnership.status.label.lower()} : pour "
            f"{step}, elle doit être {expected}",
            "convention",
        )
    return partnership


def _with(state: Employer, *partnerships: Partnership) -> Employer:
    return attrs.evolve(
        state, partnerships={**state.partnerships, **{p.id: p for p in partnerships}}
    )


@event_type("convention_drafted", stream=_EMPLOYER)
@frozen(kw_only=True)
class ConventionDrafted:
    """A convention de partenariat is drafted with the company."""

    convention: PartnershipConvention


@EMPLOYER.rule(ConventionDrafted)
def _drafted(state: Employer, event: Event[ConventionDrafted]) -> Employer:
    c = event.payload.convention
    if c.employer != state.company.id:
        refuse(
            "employeur.autre",
            f"la convention {c.id} lie {c.employer}, pas cet employeur",
            "convention",
            "employer",
        )
    refuse_duplicate(
        c.id, state.partnerships, "convention.doublon", "la convention", "convention", "id"
    )
    if not c.siaes:
        refuse(
            "convention.sans_structure",
            "une convention de partenariat lie au moins une SIAE à l'entreprise",
            "convention",
            "siaes",
        )
    return _with(state, Partnership(convention=c))


@event_type("convention_signed", stream=_EMPLOYER)
@frozen(kw_only=True)
class ConventionSigned:
    """One party signs the convention: the company, or one of the SIAE.

    :param signatory: who signs for it, with their role ("M. Diallo, gérant").
    """

    convention: ConventionId = field(validator=identifier)
    party: PartyId = field(validator=identifier)
    signatory: str = field(validator=non_empty)


@EMPLOYER.rule(ConventionSigned)
def _signed(state: Employer, event: Event[ConventionSigned]) -> Employer:
    p = event.payload
    partnership = _at(state, p.convention, {ConventionStatus.DRAFTED}, "être signée")
    if p.party not in partnership.convention.parties:
        parties = ", ".join(sorted(partnership.convention.parties))
        refuse(
            "convention.partie_inconnue",
            f"{p.party} n'est pas partie à la convention {p.convention} (parties : {parties})",
            "party",
        )
    if p.party in partnership.signed:
        refuse("convention.deja_signee", f"{p.party} a déjà signé la convention", "party")
    signature = ConventionSignature(party=p.party, signatory=p.signatory, date=event.day)
    return _with(state, attrs.evolve(partnership, signatures=(*partnership.signatures, signature)))


@event_type("convention_activated", stream=_EMPLOYER)
@frozen(kw_only=True)
class ConventionActivated:
    """The convention comes into force (every party must have signed: see the rules)."""

    convention: ConventionId = field(validator=identifier)


@EMPLOYER.rule(ConventionActivated)
def _activated(state: Employer, event: Event[ConventionActivated]) -> Employer:
    partnership = _at(
        state, event.payload.convention, {ConventionStatus.DRAFTED}, "entrer en vigueur"
    )
    return _with(
        state,
        attrs.evolve(partnership, status=ConventionStatus.ACTIVE, activated_on=event.day),
    )


@event_type("convention_amended", stream=_EMPLOYER)
@frozen(kw_only=True)
class ConventionAmended:
    """An avenant changes a convention in force: its commitments, or its end.

    :param summary: what the avenant changes, in a few words.
    :param company: the company's commitments from now on (``None``: unchanged).
    :param siae: the SIAE's commitments from now on (``None``: unchanged).
    :param end: the new last day (``None``: unchanged).
    """

    convention: ConventionId = field(validator=identifier)
    avenant: AvenantId = field(validator=identifier)
    summary: str = field(validator=non_empty)
    company: CompanyCommitments | None = None
    siae: SiaeCommitments | None = None
    end: dt.date | None = None


@EMPLOYER.rule(ConventionAmended)
def _amended(state: Employer, event: Event[ConventionAmended]) -> Employer:
    p = event.payload
    partnership = _at(state, p.convention, {ConventionStatus.ACTIVE}, "être modifiée par avenant")
    refuse_duplicate(
        p.avenant,
        {a.avenant for a in partnership.amendments},
        "convention.avenant_doublon",
        "l'avenant",
        "avenant",
    )
    c = partnership.convention
    terms = attrs.evolve(
        c,
        company=p.company or c.company,
        siae=p.siae or c.siae,
        end=p.end or c.end,
    )
    amendment = Amendment(avenant=p.avenant, date=event.day, summary=p.summary)
    return _with(
        state,
        attrs.evolve(
            partnership, convention=terms, amendments=(*partnership.amendments, amendment)
        ),
    )


@event_type("convention_renewed", stream=_EMPLOYER)
@frozen(kw_only=True)
class ConventionRenewed:
    """The parties renew the convention for a new period: a new convention, in force
    from its start, with the same parties and signatures.

    :param renewal: the id of the new convention.
    :param company: its company commitments (``None``: those of the renewed one).
    :param siae: its SIAE commitments (``None``: those of the renewed one).
    """

    convention: ConventionId = field(validator=identifier)
    renewal: ConventionId = field(validator=identifier)
    start: dt.date
    end: dt.date
    company: CompanyCommitments | None = None
    siae: SiaeCommitments | None = None


@EMPLOYER.rule(ConventionRenewed)
def _renewed(state: Employer, event: Event[ConventionRenewed]) -> Employer:
    p = event.payload
    allowed = {ConventionStatus.ACTIVE, ConventionStatus.ENDED}
    first = _at(state, p.convention, allowed, "être renouvelée")
    if first.renewed_by is not None:
        refuse(
            "convention.deja_renouvelee",
            f"la convention {first.id} a déjà été renouvelée par {first.renewed_by}",
            "convention",
        )
    refuse_duplicate(
        p.renewal, state.partnerships, "convention.doublon", "la convention", "renewal"
    )
    c = first.convention
    terms = attrs.evolve(
        c,
        id=p.renewal,
        start=p.start,
        end=p.end,
        company=p.company or c.company,
        siae=p.siae or c.siae,
    )
    renewal = Partnership(
        convention=terms,
        status=ConventionStatus.ACTIVE,
        signatures=first.signatures,
        activated_on=min(p.start, event.day),
        renews=first.id,
    )
    return _with(state, attrs.evolve(first, renewed_by=renewal.id), renewal)


@event_type("convention_ended", stream=_EMPLOYER)
@frozen(kw_only=True)
class ConventionEnded:
    """The convention reached its term (renewed or not)."""

    convention: ConventionId = field(validator=identifier)


@EMPLOYER.rule(ConventionEnded)
def _ended(state: Employer, event: Event[ConventionEnded]) -> Employer:
    partnership = _at(
        state, event.payload.convention, {ConventionStatus.ACTIVE}, "arriver à son terme"
    )
    return _with(state, attrs.evolve(partnership, status=ConventionStatus.ENDED))


@event_type("convention_terminated", stream=_EMPLOYER)
@frozen(kw_only=True)
class ConventionTerminated:
    """The convention ends before its term (or is given up before it comes into force).

    :param date: its last day.
    """

    convention: ConventionId = field(validator=identifier)
    date: dt.date
    reason: TerminationReason
    detail: str | None = field(default=None, validator=_OPTIONAL_TEXT)


@EMPLOYER.rule(ConventionTerminated)
def _terminated(state: Employer, event: Event[ConventionTerminated]) -> Employer:
    p = event.payload
    allowed = {ConventionStatus.DRAFTED, ConventionStatus.ACTIVE}
    partnership = _at(state, p.convention, allowed, "être résiliée")
    termination = Termination(date=p.date, reason=p.reason, detail=p.detail)
    return _with(
        state,
        attrs.evolve(partnership, status=ConventionStatus.TERMINATED, termination=termination),
    )
