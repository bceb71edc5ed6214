"""Employers: companies, their sites and the people there SIAE staff talk to."""

from __future__ import annotations

import re
from typing import Any

import attrs
from attrs import field, frozen

from ._base import FieldError, LabelledEnum, identifier, non_empty, value_only
from ._ids import ContactId, EmployerId, SiteId
from ._siret import Siret, valid_siret

__all__ = ["Company", "ContactPerson", "Site", "SizeBand"]

_NAF = re.compile(r"[0-9]{2}\.[0-9]{2}[A-Z]")


@value_only
def _naf(_inst: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or _NAF.fullmatch(value) is None:
        raise FieldError(
            "naf.invalide",
            f"code NAF invalide {value!r} : attendu 2 chiffres, un point, 2 chiffres et une "
            "lettre (ex. 81.21Z)",
            "Nomenclature d'activités française (NAF rév. 2, INSEE)",
        )


class SizeBand(LabelledEnum):
    """Headcount bands (tranches d'effectif salarié, as INSEE groups them)."""

    TPE = ("0-9", "Moins de 10 salariés")
    PETITE = ("10-49", "10 à 49 salariés")
    MOYENNE = ("50-249", "50 à 249 salariés")
    ETI = ("250-4999", "250 à 4 999 salariés")
    GRANDE = ("5000+", "5 000 salariés et plus")


@frozen(kw_only=True)
class Company:
    """An employer of the network, identified by the SIRET of its head office."""

    id: EmployerId = field(validator=identifier)
    siret: Siret = field(validator=valid_siret)
    name: str = field(validator=non_empty)
    naf: str = field(validator=_naf)
    size: SizeBand


@frozen(kw_only=True)
class Site:
    """A place where a company's people work (an établissement, a shop, a depot)."""

    id: SiteId = field(validator=identifier)
    employer: EmployerId = field(validator=identifier)
    name: str = field(validator=non_empty)
    postcode: str = field(validator=non_empty)
    city: str = field(validator=non_empty)
    siret: Siret | None = field(default=None, validator=attrs.validators.optional(valid_siret))


@frozen(kw_only=True)
class ContactPerson:
    """Someone at an employer: a manager de proximité as often as HR.

    Their details are professional contact data, shared by the SIAE team.
    """

    id: ContactId = field(validator=identifier)
    employer: EmployerId = field(validator=identifier)
    name: str = field(validator=non_empty)
    job_title: str = field(validator=non_empty)
    site: SiteId | None = field(default=None, validator=attrs.validators.optional(identifier))
    email: str | None = None
    phone: str | None = None
