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
    "ContactId",
    "ContractId",
    "EmployerId",
    "EventId",
    "FreinId",
    "ObjectiveId",
    "ParcoursId",
    "PrescripteurId",
    "SalarieId",
    "SiaeId",
    "SiteId",
    "StaffId",
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
#: ``"parcours:<id>"``, ``"employer:<id>"`` or ``"siae:<id>"``.
StreamId = NewType("StreamId", str)
