"""The structure and employer streams: who the SIAE is, who works there, who it works with.

Later work (the shared company file, partnership conventions) adds event types to
the employer stream; here are the facts every other stream refers to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs
from attrs import field, frozen

from ._base import identifier
from ._employers import Company, ContactPerson, Site
from ._events import Event, StreamKind, event_type
from ._fold import Fold, refuse
from ._ids import CompanyEventId, ContactId, FlashInfoId, OfferId, SiteId, StaffId, StreamId
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
    """A company with its sites and contacts, folded from the employer stream."""

    stream: StreamId
    version: int
    updated_at: dt.datetime
    company: Company
    sites: Mapping[SiteId, Site] = field(factory=dict)
    contacts: Mapping[ContactId, ContactPerson] = field(factory=dict)
    offers: Mapping[OfferId, Offer] = field(factory=dict)
    closed: bool = False


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
        stream=event.stream, version=0, updated_at=event.occurred_at, company=event.payload.company
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
