"""The shared company file as events of the employer stream: interactions recorded by
any permanent·e, and the transfer of a relation from one permanent·e to another.

The fold refuses contradictions (an unknown contact, site or offer; a transfer from
someone who does not hold the relation); date checks are rules (:mod:`seve.rules`).
"""

from __future__ import annotations

import attrs
from attrs import field, frozen

from ._base import identifier, non_empty
from ._events import Event, StreamKind, event_type
from ._fold import refuse, refuse_duplicate
from ._ids import SiaeId, StaffId
from ._interactions import Interaction, RelationTransfer
from ._network import EMPLOYER, Employer

__all__ = ["InteractionRecorded", "RelationTransferred"]

_OPTIONAL_ID = attrs.validators.optional(identifier)


@event_type("interaction_recorded", stream=StreamKind.EMPLOYER)
@frozen(kw_only=True)
class InteractionRecorded:
    """A permanent·e records a contact with the company (a visit, a call, an offer...).

    The first contact of an SIAE with the company makes its author the holder of
    that SIAE's relation.
    """

    interaction: Interaction


@EMPLOYER.rule(InteractionRecorded)
def _interaction(state: Employer, event: Event[InteractionRecorded]) -> Employer:
    i = event.payload.interaction
    refuse_duplicate(
        i.id, state.interactions, "interaction.doublon", "l'interaction", "interaction", "id"
    )
    for contact in sorted(i.contacts):
        if contact not in state.contacts:
            refuse(
                "contact.inconnu",
                f"aucun contact {contact} pour cet employeur",
                "interaction",
                "contacts",
            )
    if i.site is not None and i.site not in state.sites:
        refuse("site.inconnu", f"aucun site {i.site} pour cet employeur", "interaction", "site")
    if i.offer is not None and i.offer not in state.offers:
        refuse(
            "offre.inconnue", f"aucune offre {i.offer} pour cet employeur", "interaction", "offer"
        )
    holders = state.holders if i.siae in state.holders else {**state.holders, i.siae: i.by}
    return attrs.evolve(state, interactions={**state.interactions, i.id: i}, holders=holders)


@event_type("relation_transferred", stream=StreamKind.EMPLOYER)
@frozen(kw_only=True)
class RelationTransferred:
    """The relation of an SIAE with the company passes to another permanent·e.

    :param previous: who holds it now, as the author of the transfer believes
        (``None``: nobody yet); the fold refuses the transfer if someone else does.
    """

    siae: SiaeId = field(validator=identifier)
    to: StaffId = field(validator=identifier)
    previous: StaffId | None = field(default=None, validator=_OPTIONAL_ID)
    reason: str | None = field(default=None, validator=attrs.validators.optional(non_empty))


@EMPLOYER.rule(RelationTransferred)
def _transferred(state: Employer, event: Event[RelationTransferred]) -> Employer:
    p = event.payload
    current = state.holders.get(p.siae)
    if p.previous != current:
        refuse(
            "relation.titulaire",
            f"la relation de {p.siae} avec cette entreprise est tenue par "
            f"{current or 'personne'}, pas par {p.previous or 'personne'}",
            "previous",
        )
    if p.to == current:
        refuse("relation.deja_titulaire", f"{p.to} tient déjà cette relation", "to")
    transfer = RelationTransfer(
        siae=p.siae, to=p.to, date=event.day, previous=p.previous, reason=p.reason
    )
    return attrs.evolve(
        state, holders={**state.holders, p.siae: p.to}, transfers=(*state.transfers, transfer)
    )
