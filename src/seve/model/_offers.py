"""Jobs: the offers an SIAE captures from employers, and what a salarié·e is looking for.

An *offre captée* is obtained directly from an employer by the SIAE team; it is
published to salarié·es only while the employer is recruiting (its *période de
recherche*).  A :class:`JobProject` is the part of the plan d'action that says what
the person looks for; :mod:`seve.proposals` matches the two.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Final, NewType

import attrs
from attrs import field, frozen

from ._base import (
    FieldError,
    LabelledEnum,
    date_range,
    identifier,
    non_empty,
    personal,
    positive_decimal,
    value_only,
)
from ._ids import EmployerId, OfferId, SiteId, StaffId

__all__ = [
    "JobContractKind",
    "JobProject",
    "Offer",
    "OfferStatus",
    "RomeCode",
    "WorkCondition",
]

#: A code of the ROME (répertoire opérationnel des métiers et des emplois, France Travail):
#: a letter and four digits, e.g. ``"N1103"`` (magasinage et préparation de commandes).
RomeCode = NewType("RomeCode", str)

_ROME: Final = re.compile(r"[A-N][0-9]{4}")


@value_only
def rome_code(_inst: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    """A ROME code: a letter from A to N and four digits."""
    if not isinstance(value, str) or _ROME.fullmatch(value) is None:
        raise FieldError(
            "rome.invalide",
            f"code ROME invalide {value!r} : attendu une lettre de A à N et 4 chiffres (ex. N1103)",
            "Répertoire opérationnel des métiers et des emplois (ROME, France Travail)",
        )


_ROMES: Final = attrs.validators.deep_iterable(rome_code)


class JobContractKind(LabelledEnum):
    """The contract of a job outside the SIAE: offered, proposed or obtained."""

    CDI = ("cdi", "CDI")
    CDD = ("cdd", "CDD")
    INTERIM = ("interim", "Intérim")
    ALTERNANCE = ("alternance", "Contrat d'apprentissage ou de professionnalisation")
    CONTRAT_AIDE = ("contrat_aide", "Contrat aidé (PEC...)")
    IAE = ("iae", "Contrat dans une autre SIAE")


class WorkCondition(LabelledEnum):
    """What a job requires beyond the métier; a person may be unable to meet some for now."""

    PERMIS_B = ("permis_b", "Permis B")
    VEHICULE = ("vehicule", "Véhicule personnel")
    HORAIRES_DECALES = ("horaires_decales", "Horaires décalés (tôt le matin, tard le soir)")
    NUIT = ("nuit", "Travail de nuit")
    WEEK_END = ("week_end", "Travail le week-end")
    PORT_DE_CHARGES = ("port_de_charges", "Port de charges lourdes")


class OfferStatus(LabelledEnum):
    """Where a captured offer stands."""

    OPEN = ("open", "Ouverte")
    FILLED = ("filled", "Pourvue")
    WITHDRAWN = ("withdrawn", "Retirée par l'employeur")


@frozen(kw_only=True)
class Offer:
    """An *offre captée*: a job obtained directly from an employer by the SIAE team.

    :param rome: the métier, as a ROME code.
    :param duration_months: the length of a fixed-term contract, ``None`` for a CDI.
    :param search_start: the first day of the employer's *période de recherche*.
    :param search_end: its last day: the offer is published only in between.
    :param conditions: what the job requires beyond the métier.
    :param captured_by: the permanent·e who obtained it (CIP, ETI, chargé·e de relations
        entreprises: every permanent·e may bring offers).
    :param status: set by the employer stream's fold (``offer_status_changed``).
    """

    id: OfferId = field(validator=identifier)
    employer: EmployerId = field(validator=identifier)
    title: str = field(validator=non_empty)
    rome: RomeCode = field(validator=rome_code)
    contract: JobContractKind
    weekly_hours: Decimal = field(validator=positive_decimal)
    postcode: str = field(validator=non_empty)
    city: str = field(validator=non_empty)
    search_start: dt.date
    search_end: dt.date = field(validator=date_range("search_start", "search_end"))
    captured_by: StaffId = field(validator=identifier)
    site: SiteId | None = field(default=None, validator=attrs.validators.optional(identifier))
    duration_months: int | None = None
    conditions: frozenset[WorkCondition] = frozenset()
    status: OfferStatus = OfferStatus.OPEN

    def published_on(self, day: dt.date) -> bool:
        """Whether salarié·es see the offer on ``day``: open, and the employer recruiting."""
        return self.status is OfferStatus.OPEN and self.search_start <= day <= self.search_end


@frozen(kw_only=True)
class JobProject:
    """What the salarié·e looks for, as agreed in the plan d'action (the person decides).

    Every field is personal.  Empty sets mean "no preference".

    :param metiers: the métiers aimed at, as ROME codes.
    :param contracts: the contracts the person accepts.
    :param min_weekly_hours: the fewest hours a week the person wants.
    :param max_weekly_hours: the most hours a week the person can work.
    :param places: where the person can go to work: postcodes, or their first digits
        (``"35"`` for the whole Ille-et-Vilaine, ``"350"`` for Rennes and around).
    :param unavailable: conditions the person cannot meet for now (no driving licence...).
    """

    metiers: frozenset[RomeCode] = personal(factory=frozenset, validator=_ROMES)
    contracts: frozenset[JobContractKind] = personal(factory=frozenset)
    min_weekly_hours: Decimal | None = personal(
        default=None, validator=attrs.validators.optional(positive_decimal)
    )
    max_weekly_hours: Decimal | None = personal(
        default=None, validator=attrs.validators.optional(positive_decimal)
    )
    places: frozenset[str] = personal(factory=frozenset)
    unavailable: frozenset[WorkCondition] = personal(factory=frozenset)
