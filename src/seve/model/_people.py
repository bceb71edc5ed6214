"""People: salarié·es en transition (pseudonymous) and prescripteurs.

A salarié·e is known to seve by a pseudonymous :data:`SalarieId`.  What identifies
them (:class:`PersonalData`) is kept apart, in its own event, so that it can be
hidden from an audience or erased without touching the facts indicators need.
Every field about a person is tagged with its :class:`Sensitivity`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs
from attrs import field, frozen

from ._base import LabelledEnum, identifier, non_empty, personal, sensitive
from ._ids import PrescripteurId

__all__ = [
    "AgeBand",
    "EducationLevel",
    "JoblessDuration",
    "MinimumSocial",
    "PersonalData",
    "Prescripteur",
    "PrescripteurKind",
    "SituationAtEntry",
]


class MinimumSocial(LabelledEnum):
    """Minima sociaux recorded at entry (fiche salarié ASP)."""

    RSA = ("rsa", "Revenu de solidarité active (RSA)")
    ASS = ("ass", "Allocation de solidarité spécifique (ASS)")
    AAH = ("aah", "Allocation aux adultes handicapés (AAH)")


class EducationLevel(LabelledEnum):
    """Highest level of education (nomenclature des niveaux de diplôme, 2019)."""

    INFRA_3 = ("infra3", "Sans diplôme ou niveau inférieur au CAP")
    NIVEAU_3 = ("3", "CAP, BEP (niveau 3)")
    NIVEAU_4 = ("4", "Baccalauréat (niveau 4)")
    NIVEAU_5 = ("5", "Bac + 2 (niveau 5)")
    NIVEAU_6_PLUS = ("6+", "Bac + 3 et au-delà (niveaux 6 à 8)")


class JoblessDuration(LabelledEnum):
    """Time without a job at entry."""

    UNDER_6_MONTHS = ("<6m", "Moins de 6 mois")
    FROM_6_TO_11_MONTHS = ("6-11m", "De 6 à 11 mois")
    FROM_12_TO_23_MONTHS = ("12-23m", "De 12 à 23 mois")
    TWO_YEARS_OR_MORE = ("24m+", "24 mois et plus")


class AgeBand(LabelledEnum):
    """Age at entry, cut at the ages the rules care about (16, 18, 26, 50, 57)."""

    FROM_16_TO_17 = ("16-17", "16 à 17 ans")
    FROM_18_TO_25 = ("18-25", "18 à 25 ans")
    FROM_26_TO_49 = ("26-49", "26 à 49 ans")
    FROM_50_TO_56 = ("50-56", "50 à 56 ans")
    FROM_57 = ("57+", "57 ans et plus")

    @property
    def fifty_or_more(self) -> bool:
        return self in (AgeBand.FROM_50_TO_56, AgeBand.FROM_57)

    def may_have_reached(self, age: int, years_later: int) -> bool:
        """Whether someone in this band at entry may be ``age`` or older ``years_later``.

        Bands are all seve knows of an age once personal data are erased, so a rule
        on age refuses only what the band makes impossible.
        """
        oldest = {"16-17": 17, "18-25": 25, "26-49": 49, "50-56": 56}.get(self.value)
        return oldest is None or oldest + years_later >= age


def _minima(values: Iterable[MinimumSocial]) -> frozenset[MinimumSocial]:
    return frozenset(values)


@frozen(kw_only=True)
class SituationAtEntry:
    """The situation of a salarié·e at embauche, as the ASP records it.

    Every field is personal; ``minima_sociaux`` (AAH reveals a disability) and
    ``rqth`` are sensitive.
    """

    age_band: AgeBand = personal()
    education: EducationLevel = personal()
    jobless: JoblessDuration = personal()
    minima_sociaux: frozenset[MinimumSocial] = sensitive(factory=frozenset, converter=_minima)
    rqth: bool = sensitive(default=False)
    qpv: bool = personal(default=False)
    zrr: bool = personal(default=False)


@frozen(kw_only=True)
class PersonalData:
    """What identifies a salarié·e: recorded apart, erasable, never exported to funders."""

    first_name: str = personal(validator=non_empty)
    last_name: str = personal(validator=non_empty)
    birth_date: dt.date | None = personal(default=None)
    email: str | None = personal(default=None)
    phone: str | None = personal(default=None)


class PrescripteurKind(LabelledEnum):
    """Who oriented the person to the SIAE."""

    FRANCE_TRAVAIL = ("france_travail", "France Travail")
    MISSION_LOCALE = ("mission_locale", "Mission locale")
    CAP_EMPLOI = ("cap_emploi", "Cap emploi")
    CONSEIL_DEPARTEMENTAL = ("conseil_departemental", "Conseil départemental")
    SPIP = ("spip", "Service pénitentiaire d'insertion et de probation (SPIP)")
    PLIE = ("plie", "Plan local pour l'insertion et l'emploi (PLIE)")
    AUTRE = ("autre", "Autre prescripteur")


@frozen(kw_only=True)
class Prescripteur:
    """An organisation that orients people to SIAE (the orientation itself is
    personal: a SPIP orientation reveals a justice history)."""

    id: PrescripteurId = field(validator=identifier)
    kind: PrescripteurKind
    name: str = field(validator=non_empty)
    territory: str | None = field(default=None, validator=attrs.validators.optional(non_empty))
