"""Conventions de partenariat between one company and one or several SIAE.

A company commits, over a period (usually a year, renewable), to a volume of PMSMP,
an intention to hire when one of its needs matches, visits of its premises by groups
of salarié·es, taking part in the SIAE's events and mécénat de compétences; the SIAE
commit to propose people with at least the required skills and profile, and to follow
them in the job.  Several SIAE of a territory may sign one convention together
(*mutualisation*).

A convention lives in the employer stream of its company (see ``docs/conventions.md``
for why).  These are the values; the events of its lifecycle are in
``_convention_events.py``, the rules in :mod:`seve.rules`, and its fulfilment in
:mod:`seve.partnerships`.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, NewType

import attrs
from attrs import field, frozen

from ._base import LabelledEnum, identifier, non_empty
from ._ids import EmployerId, SiaeId
from ._offers import RomeCode, rome_code

__all__ = [
    "Amendment",
    "AvenantId",
    "CompanyCommitments",
    "ConventionId",
    "ConventionSignature",
    "ConventionStatus",
    "Partnership",
    "PartnershipConvention",
    "PartyId",
    "SiaeCommitments",
    "Termination",
    "TerminationReason",
]

#: The id of a convention de partenariat, unique in its company's employer stream.
ConventionId = NewType("ConventionId", str)
#: A party to a convention: the :data:`~seve.model.EmployerId` of the company or the
#: :data:`~seve.model.SiaeId` of one of the SIAE.
PartyId = NewType("PartyId", str)
#: The id of an avenant (an amendment), unique within its convention.
AvenantId = NewType("AvenantId", str)

_OPTIONAL_TEXT = attrs.validators.optional(non_empty)


class ConventionStatus(LabelledEnum):
    """Where a convention de partenariat stands in its lifecycle."""

    DRAFTED = ("drafted", "En préparation")
    ACTIVE = ("active", "En vigueur")
    ENDED = ("ended", "Arrivée à son terme")
    TERMINATED = ("terminated", "Résiliée avant son terme")


class TerminationReason(LabelledEnum):
    """Why a convention ended before its term (or was given up before it started)."""

    ENTREPRISE = ("entreprise", "À l'initiative de l'entreprise")
    SIAE = ("siae", "À l'initiative de la SIAE")
    COMMUN_ACCORD = ("commun_accord", "D'un commun accord")
    CESSATION_ACTIVITE = ("cessation_activite", "Cessation d'activité ou cession de l'entreprise")
    ABANDON = ("abandon", "Projet abandonné avant l'entrée en vigueur")
    AUTRE = ("autre", "Autre motif")


@frozen(kw_only=True)
class CompanyCommitments:
    """What the company commits to over the period of the convention.

    Volumes are for the whole period (usually a year), never negative; at least one is
    positive (see the rules).

    :param pmsmp: PMSMP it hosts.
    :param hires: hires it envisages when a need matches (an intention, not a
        promise: ``0`` when it names no figure).
    :param visits: visits of its premises by groups of salarié·es.
    :param events: events of the SIAE it takes part in (job datings, presentations of
        its métiers, "cas d'école" days).
    :param mecenat: sessions of mécénat de compétences (its professionals train
        salarié·es or the team).
    :param metiers: the métiers it recruits for, as ROME codes.
    """

    pmsmp: int = 0
    hires: int = 0
    visits: int = 0
    events: int = 0
    mecenat: int = 0
    metiers: frozenset[RomeCode] = field(
        default=frozenset(), validator=attrs.validators.deep_iterable(rome_code)
    )

    #: The volumes, by field name, in the order reports show them.
    VOLUMES: ClassVar[tuple[str, ...]] = ("pmsmp", "hires", "visits", "events", "mecenat")

    def volumes(self) -> dict[str, int]:
        """Every volume by its field name."""
        return {name: getattr(self, name) for name in self.VOLUMES}


@frozen(kw_only=True)
class SiaeCommitments:
    """What the SIAE commit to.

    :param proposals: candidates they propose on the company's needs over the period
        (``0``: no figure, only the commitment to propose).
    :param profile: the skills and profile a proposed person has at least.
    :param suivi_dans_l_emploi: whether they follow the people hired in their job.
    """

    proposals: int = 0
    profile: str | None = field(default=None, validator=_OPTIONAL_TEXT)
    suivi_dans_l_emploi: bool = True


@frozen(kw_only=True)
class PartnershipConvention:
    """A convention de partenariat as drafted: its parties, period and commitments.

    :param employer: the company (the convention lives in its employer stream).
    :param siaes: the SIAE that sign it: one, or several of a territory
        (*mutualisation*).
    :param start: the first day of the period; ``end``: its last day.
    :param title: how the team names it ("Convention 2024 restauration").
    """

    id: ConventionId = field(validator=identifier)
    employer: EmployerId = field(validator=identifier)
    siaes: frozenset[SiaeId] = field(validator=attrs.validators.deep_iterable(identifier))
    start: dt.date
    end: dt.date
    company: CompanyCommitments
    siae: SiaeCommitments = field(factory=SiaeCommitments)
    title: str | None = field(default=None, validator=_OPTIONAL_TEXT)

    @property
    def parties(self) -> frozenset[PartyId]:
        """Who signs: the company and every SIAE."""
        return frozenset({PartyId(self.employer), *(PartyId(s) for s in self.siaes)})


@frozen(kw_only=True)
class ConventionSignature:
    """One party's signature.

    :param signatory: who signed for the party, with their role ("Mme Durand,
        directrice"): professional data.
    """

    party: PartyId = field(validator=identifier)
    signatory: str = field(validator=non_empty)
    date: dt.date


@frozen(kw_only=True)
class Amendment:
    """An avenant: what it changed, in a few words, and when."""

    avenant: AvenantId = field(validator=identifier)
    date: dt.date
    summary: str = field(validator=non_empty)


@frozen(kw_only=True)
class Termination:
    """An end before the term: when and why."""

    date: dt.date
    reason: TerminationReason
    detail: str | None = field(default=None, validator=_OPTIONAL_TEXT)


@frozen(kw_only=True)
class Partnership:
    """A convention de partenariat as it stands, folded from its events.

    :param convention: its terms, avenants applied (commitments, end).
    :param activated_on: the day it came into force.
    :param renews: the convention this one renews; ``renewed_by``: its renewal.
    """

    convention: PartnershipConvention
    status: ConventionStatus = ConventionStatus.DRAFTED
    signatures: tuple[ConventionSignature, ...] = ()
    activated_on: dt.date | None = None
    amendments: tuple[Amendment, ...] = ()
    renews: ConventionId | None = None
    renewed_by: ConventionId | None = None
    termination: Termination | None = None

    @property
    def id(self) -> ConventionId:
        return self.convention.id

    @property
    def signed(self) -> frozenset[PartyId]:
        """The parties that signed."""
        return frozenset(s.party for s in self.signatures)

    @property
    def missing_signatures(self) -> frozenset[PartyId]:
        """The parties that have not signed yet."""
        return self.convention.parties - self.signed

    @property
    def effective_end(self) -> dt.date:
        """Its last day: the termination's, if it ended early, else its term."""
        if self.termination is not None and self.activated_on is not None:
            return min(self.termination.date, self.convention.end)
        return self.convention.end

    def in_force_on(self, day: dt.date) -> bool:
        """Whether it binds its parties on ``day``: in force, within its period."""
        if self.activated_on is None:
            return False
        return max(self.convention.start, self.activated_on) <= day <= self.effective_end

    def binds(self, siae: SiaeId) -> bool:
        """Whether ``siae`` is one of its SIAE."""
        return siae in self.convention.siaes
