"""The shared company file: every contact of the SIAE team with a company, and who holds
each relation.

Any permanent·e (CIP, ETI, chargé·e de relations entreprises, direction) records the
contacts they have with a company (*interactions*) in the company's employer stream:
the network belongs to the structure, not to one professional.  Each SIAE working
with the company has one permanent·e who *holds* the relation (its référent·e): the
first to record a contact, until the relation is transferred.  These are the values;
their events are in ``_interaction_events.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import NewType

import attrs
from attrs import field, frozen

from ._base import LabelledEnum, identifier, non_empty, personal
from ._ids import ContactId, OfferId, SiaeId, SiteId, StaffId

__all__ = [
    "Interaction",
    "InteractionId",
    "InteractionKind",
    "RelationTransfer",
]

#: The id of one interaction with a company, unique in its employer stream.
InteractionId = NewType("InteractionId", str)

_OPTIONAL_ID = attrs.validators.optional(identifier)


class InteractionKind(LabelledEnum):
    """What kind of contact the SIAE team had with a company."""

    PROSPECTION = ("prospection", "Visite de prospection")
    APPEL = ("appel", "Appel téléphonique")
    RENDEZ_VOUS = ("rendez_vous", "Rendez-vous de suivi du partenariat")
    EVENEMENT = ("evenement", "Événement (job dating, présentation des métiers...)")
    OFFRE_CAPTEE = ("offre_captee", "Offre captée")
    PMSMP = ("pmsmp", "PMSMP accueillie")
    EMBAUCHE = ("embauche", "Embauche d'un·e salarié·e")
    MEDIATION = ("mediation", "Médiation (suivi dans l'emploi)")
    MECENAT = ("mecenat", "Mécénat de compétences")

    @property
    def engaged(self) -> bool:
        """Whether the company *works* with the SIAE through it (beyond prospection).

        A prospection visit or a call says the SIAE knows the company; an offer, a
        PMSMP, a hire, an event, a mediation or mécénat says they work together.
        """
        return self not in (InteractionKind.PROSPECTION, InteractionKind.APPEL)


@frozen(kw_only=True)
class Interaction:
    """One contact of a permanent·e with a company.

    :param by: the permanent·e who had the contact (who records it may be another).
    :param siae: the SIAE they work for: a company's file is shared by every SIAE of
        the territory that works with it.
    :param contacts: the company's people met or called (managers de proximité as
        often as HR).
    :param offer: for an offer captured, the offer (``offer_captured`` comes first).
    :param follow_up_on: the day to call the company back, if one was agreed.
    :param notes: what was said; free text, shared by the team (it may name people:
        personal).
    """

    id: InteractionId = field(validator=identifier)
    kind: InteractionKind
    date: dt.date
    by: StaffId = field(validator=identifier)
    siae: SiaeId = field(validator=identifier)
    contacts: frozenset[ContactId] = frozenset()
    site: SiteId | None = field(default=None, validator=_OPTIONAL_ID)
    offer: OfferId | None = field(default=None, validator=_OPTIONAL_ID)
    follow_up_on: dt.date | None = None
    notes: str | None = personal(default=None, validator=attrs.validators.optional(non_empty))


@frozen(kw_only=True)
class RelationTransfer:
    """The relation of one SIAE with a company passed from one permanent·e to another.

    :param previous: who held it (``None`` when nobody did yet).
    :param reason: why, in a few words (a departure, a new organisation...).
    """

    siae: SiaeId = field(validator=identifier)
    to: StaffId = field(validator=identifier)
    date: dt.date
    previous: StaffId | None = field(default=None, validator=_OPTIONAL_ID)
    reason: str | None = field(default=None, validator=attrs.validators.optional(non_empty))
