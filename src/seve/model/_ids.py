"""Identifiers: small value types over ``str``.

They are :class:`typing.NewType` s: free at run time, distinct for the type checker,
so a :data:`SalarieId` cannot be passed where an :data:`EmployerId` is expected.
Their format (1 to 128 characters of ``[A-Za-z0-9._:@-]``) is checked by the
classes that hold them.
"""

from __future__ import annotations

from typing import NewType

__all__ = [
    "ActionId",
    "BilanId",
    "CompanyEventId",
    "ContactId",
    "ContractId",
    "EmployerId",
    "EventId",
    "FlashInfoId",
    "FreinId",
    "GridId",
    "LetterId",
    "MediationId",
    "MiseEnRelationId",
    "ObjectiveId",
    "OfferId",
    "ParcoursId",
    "PmsmpId",
    "PrescripteurId",
    "SalarieId",
    "SiaeId",
    "SiteId",
    "SkillId",
    "StaffId",
    "StoryId",
    "StreamId",
]

SiaeId = NewType("SiaeId", str)
StaffId = NewType("StaffId", str)
#: The pseudonymous identifier of a salarié·e en transition: it says nothing about them.
SalarieId = NewType("SalarieId", str)
ParcoursId = NewType("ParcoursId", str)
PrescripteurId = NewType("PrescripteurId", str)
EmployerId = NewType("EmployerId", str)
SiteId = NewType("SiteId", str)
ContactId = NewType("ContactId", str)
ContractId = NewType("ContractId", str)
FreinId = NewType("FreinId", str)
ObjectiveId = NewType("ObjectiveId", str)
ActionId = NewType("ActionId", str)
BilanId = NewType("BilanId", str)
EventId = NewType("EventId", str)
PmsmpId = NewType("PmsmpId", str)
OfferId = NewType("OfferId", str)
MiseEnRelationId = NewType("MiseEnRelationId", str)
CompanyEventId = NewType("CompanyEventId", str)
FlashInfoId = NewType("FlashInfoId", str)
LetterId = NewType("LetterId", str)
StoryId = NewType("StoryId", str)
GridId = NewType("GridId", str)
SkillId = NewType("SkillId", str)
MediationId = NewType("MediationId", str)
#: ``"parcours:<id>"``, ``"employer:<id>"`` or ``"siae:<id>"``.
StreamId = NewType("StreamId", str)
