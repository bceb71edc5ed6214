"""The structure and employer streams: who the SIAE is, who works there, who it works with.

The employer stream of a company is its file, shared by the whole team and by every
SIAE of the territory that works with it: its sites and contacts, every interaction
with it and who holds each relation (``_interaction_events.py``), the offers captured
(``_mediation_events.py``) and its conventions de partenariat
(``_convention_events.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs
from attrs import field, frozen

from ._base import identifier
from ._conventions import ConventionId, Partnership
from ._employers import Company, ContactPerson, Site
from ._events import Event, StreamKind, event_type
from ._fold import Fold, refuse
from ._ids import (
    CompanyEventId,
    ContactId,
    FlashInfoId,
    OfferId,
    SiaeId,
    SiteId,
    StaffId,
    StreamId,
)
from ._interactions import Interaction, InteractionId, RelationTransfer
from ._mediation import CompanyEvent, CompanyEventFollowUp, FlashInfo
from ._offers import Offer
from ._structures import Siae, StaffMember

__all__ = [
    "EMPLOYER",
    "STRUCTURE",
    "CompanyRegistered",
    "ContactAdded",
    "Employer",
    "SiaeRegistered",
    "SiteAdded",
    "StaffMemberJoined",
    "StaffMemberLeft",
    "Structure",
]


@frozen(kw_only=True)
class Structure:
    """An SIAE and its staff, folded from the structure stream."""

    stream: StreamId
    version: int
    updated_at: dt.datetime
    siae: Siae
    staff: Mapping[StaffId, StaffMember] = field(factory=dict)
    company_events: Mapping[CompanyEventId, CompanyEvent] = field(factory=dict)
    follow_ups: tuple[CompanyEventFollowUp, ...] = ()
    flash_infos: Mapping[FlashInfoId, FlashInfo] = field(factory=dict)
    closed: bool = False


@frozen(kw_only=True)
class Employer:
    """A company's file, folded from its employer stream.

    :param registered_on: the day it entered the company file.
    :param interactions: every contact of the SIAE team with it, in order.
    :param holders: for each SIAE working with it, the permanent·e who holds the
        relation (the first to record a contact, until it is transferred).
    :param transfers: every transfer of a relation, in order.
    :param partnerships: its conventions de partenariat, renewals included.
    """

    stream: StreamId
    version: int
    updated_at: dt.datetime
    company: Company
    registered_on: dt.date | None = None
    sites: Mapping[SiteId, Site] = field(factory=dict)
    contacts: Mapping[ContactId, ContactPerson] = field(factory=dict)
    offers: Mapping[OfferId, Offer] = field(factory=dict)
    interactions: Mapping[InteractionId, Interaction] = field(factory=dict)
    holders: Mapping[SiaeId, StaffId] = field(factory=dict)
    transfers: tuple[RelationTransfer, ...] = ()
    partnerships: Mapping[ConventionId, Partnership] = field(factory=dict)
    closed: bool = False

    @property
    def siaes(self) -> frozenset[SiaeId]:
        """The SIAE that work with the company: a contact, a relation or a convention."""
        found = {i.siae for i in self.interactions.values()} | set(self.holders)
        for partnership in self.partnerships.values():
            found |= partnership.convention.siaes
        return frozenset(found)


#: The fold of structure streams.
STRUCTURE: Fold[Structure] = Fold(StreamKind.SIAE, noun="la structure")
#: The fold of employer streams.
EMPLOYER: Fold[Employer] = Fold(StreamKind.EMPLOYER, noun="l'employeur")


@event_type("siae_registered", stream=StreamKind.SIAE)
@frozen(kw_only=True)
class SiaeRegistered:
    """An SIAE starts using seve: its stream opens."""

    siae: Siae


@STRUCTURE.starts(SiaeRegistered)
def _siae_registered(event: Event[SiaeRegistered]) -> Structure:
    return Structure(
        stream=event.stream, version=0, updated_at=event.occurred_at, siae=event.payload.siae
    )


@event_type("staff_member_joined", stream=StreamKind.SIAE)
@frozen(kw_only=True)
class StaffMemberJoined:
    """A permanent·e joins the team (or changes roles)."""

    member: StaffMember


@STRUCTURE.rule(StaffMemberJoined)
def _staff_joined(state: Structure, event: Event[StaffMemberJoined]) -> Structure:
    member = event.payload.member
    if member.siae != state.siae.id:
        refuse(
            "equipe.autre_structure", f"{member.id} appartient à {member.siae}", "member", "siae"
        )
    return attrs.evolve(state, staff={**state.staff, member.id: member})


@event_type("staff_member_left", stream=StreamKind.SIAE)
@frozen(kw_only=True)
class StaffMemberLeft:
    """A permanent·e leaves; their company relations stay with the structure."""

    member: StaffId = field(validator=identifier)


@STRUCTURE.rule(StaffMemberLeft)
def _staff_left(state: Structure, event: Event[StaffMemberLeft]) -> Structure:
    staff = dict(state.staff)
    if staff.pop(event.payload.member, None) is None:
        refuse("equipe.inconnu", f"{event.payload.member} ne fait pas partie de l'équipe", "member")
    return attrs.evolve(state, staff=staff)


@event_type("company_registered", stream=StreamKind.EMPLOYER)
@frozen(kw_only=True)
class CompanyRegistered:
    """A company enters the shared company file."""

    company: Company


@EMPLOYER.starts(CompanyRegistered)
def _company_registered(event: Event[CompanyRegistered]) -> Employer:
    return Employer(
        stream=event.stream,
        version=0,
        updated_at=event.occurred_at,
        company=event.payload.company,
        registered_on=event.day,
    )


@event_type("site_added", stream=StreamKind.EMPLOYER)
@frozen(kw_only=True)
class SiteAdded:
    """A site of the company is added to the file."""

    site: Site


@EMPLOYER.rule(SiteAdded)
def _site_added(state: Employer, event: Event[SiteAdded]) -> Employer:
    site = event.payload.site
    if site.employer != state.company.id:
        refuse(
            "employeur.autre", f"le site {site.id} relève de {site.employer}", "site", "employer"
        )
    return attrs.evolve(state, sites={**state.sites, site.id: site})


@event_type("contact_added", stream=StreamKind.EMPLOYER)
@frozen(kw_only=True)
class ContactAdded:
    """A contact person at the company is added to the file."""

    contact: ContactPerson


@EMPLOYER.rule(ContactAdded)
def _contact_added(state: Employer, event: Event[ContactAdded]) -> Employer:
    contact = event.payload.contact
    if contact.employer != state.company.id:
        refuse(
            "employeur.autre",
            f"le contact {contact.id} relève de {contact.employer}",
            "contact",
            "employer",
        )
    if contact.site is not None and contact.site not in state.sites:
        refuse("site.inconnu", f"aucun site {contact.site} pour cet employeur", "contact", "site")
    return attrs.evolve(state, contacts={**state.contacts, contact.id: contact})
