"""SIAE and their staff (permanent·es)."""

from __future__ import annotations

from collections.abc import Iterable

from attrs import field, frozen

from ._base import LabelledEnum, identifier, non_empty
from ._ids import SiaeId, StaffId
from ._siret import Siret, valid_siret

__all__ = ["Siae", "SiaeKind", "StaffMember", "StaffRole"]


class SiaeKind(LabelledEnum):
    """The five kinds of SIAE (Code du travail, art. L5132-4)."""

    EI = ("ei", "Entreprise d'insertion")
    AI = ("ai", "Association intermédiaire")
    ACI = ("aci", "Atelier et chantier d'insertion")
    ETTI = ("etti", "Entreprise de travail temporaire d'insertion")
    EITI = ("eiti", "Entreprise d'insertion par le travail indépendant")


class StaffRole(LabelledEnum):
    """What a permanent·e does in the SIAE."""

    DIRECTION = ("direction", "Direction")
    CIP = ("cip", "Conseiller·e en insertion professionnelle (CIP)")
    ETI = ("eti", "Encadrant·e technique d'insertion (ETI)")
    RELATIONS_ENTREPRISES = ("relations_entreprises", "Chargé·e de relations entreprises")
    ADMINISTRATION = ("administration", "Administration")


@frozen(kw_only=True)
class Siae:
    """A structure d'insertion par l'activité économique.

    :param territory: the territory or *bassin d'emploi* it works in, as the SIAE
        names it (free text: bassins have no national code list).
    """

    id: SiaeId = field(validator=identifier)
    kind: SiaeKind
    siret: Siret = field(validator=valid_siret)
    name: str = field(validator=non_empty)
    territory: str = field(validator=non_empty)


def _roles(roles: Iterable[StaffRole]) -> frozenset[StaffRole]:
    return frozenset(roles)


@frozen(kw_only=True)
class StaffMember:
    """A permanent·e of an SIAE. Staff names are professional data, not a salarié·e's."""

    id: StaffId = field(validator=identifier)
    siae: SiaeId = field(validator=identifier)
    name: str = field(validator=non_empty)
    roles: frozenset[StaffRole] = field(converter=_roles)
