"""Contracts between an SIAE and a salarié·e, and the PASS IAE that allows them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
from attrs import field, frozen

from ._base import LabelledEnum, date_range, identifier, non_empty, positive_decimal
from ._ids import ContractId, EmployerId

__all__ = [
    "CddiDerogation",
    "ClientKind",
    "Contract",
    "ContractEndReason",
    "ContractKind",
    "PassIae",
    "PassProlongation",
    "PassSuspension",
    "ProlongationReason",
    "SuspensionReason",
]


class ContractKind(LabelledEnum):
    """The contracts an SIAE signs with a salarié·e en transition."""

    CDDI = ("cddi", "Contrat à durée déterminée d'insertion (CDDI)")
    MISE_A_DISPOSITION = ("mise_a_disposition", "Mise à disposition (association intermédiaire)")
    MISSION = ("mission", "Mission d'intérim d'insertion (ETTI)")
    ACCOMPAGNEMENT_EITI = ("accompagnement_eiti", "Contrat d'accompagnement EITI")


class ClientKind(LabelledEnum):
    """Who an AI places its employee with: only companies count towards the 480 hours."""

    ENTREPRISE = ("entreprise", "Entreprise")
    PARTICULIER = ("particulier", "Particulier")
    ASSOCIATION = ("association", "Association ou organisme à but non lucratif")
    COLLECTIVITE = ("collectivite", "Collectivité territoriale ou personne morale de droit public")


@frozen(kw_only=True)
class Contract:
    """One contract, with its planned dates and weekly hours.

    :param end: the planned end (a renewal moves it; an early end is an event).
    :param client_kind: for a mise à disposition or a mission, who the work is for.
    :param client: the employer the person is placed with, when it is in the network.
    :param derogation: why a CDDI runs beyond 24 months in total, if it does.
    :param reduced_hours: a CDDI under 20 hours a week, allowed for a person whose
        difficulties are particularly serious (art. L5132-15-1).
    """

    id: ContractId = field(validator=identifier)
    kind: ContractKind
    start: dt.date
    end: dt.date = field(validator=date_range("start", "end"))
    weekly_hours: Decimal = field(validator=positive_decimal)
    client_kind: ClientKind | None = None
    client: EmployerId | None = field(default=None, validator=attrs.validators.optional(identifier))
    derogation: CddiDerogation | None = None
    reduced_hours: bool = False


class SuspensionReason(LabelledEnum):
    """Why a PASS IAE is suspended (Code du travail, art. R5132-1-3).

    The first five are the reasons the state platform offers today; the others are
    older reasons, kept so that past suspensions can still be read.
    """

    CONTRAT_SUSPENDU = ("contrat_suspendu", "Contrat de travail suspendu depuis plus de 15 jours")
    CONTRAT_ROMPU = ("contrat_rompu", "Contrat de travail rompu")
    CONTRAT_TERMINE = ("contrat_termine", "Contrat de travail terminé")
    ACCORD_CTA = (
        "accord_cta",
        "Situation faisant l'objet d'un accord entre les acteurs membres du CTA",
    )
    CONTRAT_PASSERELLE = (
        "contrat_passerelle",
        "Bascule dans l'expérimentation contrat passerelle",
    )
    MALADIE = ("maladie", "Arrêt pour longue maladie (ancien motif)")
    MATERNITE = ("maternite", "Congé de maternité (ancien motif)")
    INCARCERATION = ("incarceration", "Incarcération (ancien motif)")
    ESSAI_HORS_IAE = ("essai_hors_iae", "Période d'essai hors IAE (ancien motif)")
    CURE = ("cure", "Période de cure pour désintoxication (ancien motif)")
    FORCE_MAJEURE = ("force_majeure", "Raison de force majeure (ancien motif)")


class ProlongationReason(LabelledEnum):
    """Why a PASS IAE is prolonged (art. R5132-1-8); each has its own ceiling."""

    CDI_57_ANS = ("cdi_57_ans", "CDI conclu avec une personne de 57 ans et plus")
    FIN_DE_FORMATION = ("fin_de_formation", "Fin d'une formation")
    CINQUANTE_ANS = ("50_ans_et_plus", "50 ans et plus")
    RQTH = ("rqth", "Reconnaissance de la qualité de travailleur handicapé (RQTH)")
    DIFFICULTES_PARTICULIERES = (
        "difficultes_particulieres",
        "Difficultés particulièrement importantes faisant obstacle à l'insertion",
    )


@frozen(kw_only=True)
class PassSuspension:
    """A period during which the PASS IAE does not run; it pushes the end date back."""

    start: dt.date
    end: dt.date = field(validator=date_range("start", "end"))
    reason: SuspensionReason

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@frozen(kw_only=True)
class PassProlongation:
    """A prolongation of the PASS IAE from ``start`` (the day after the previous end)."""

    start: dt.date
    end: dt.date = field(validator=date_range("start", "end"))
    reason: ProlongationReason


@frozen(kw_only=True)
class PassIae:
    """The approval to be hired in IAE: 730 days from ``start``, pushed back by
    suspensions and extended by prolongations.

    ``end`` is the *current* last day: the parcours fold moves it when a suspension
    or a prolongation is recorded; the history is kept beside it.
    """

    number: str = field(validator=non_empty)
    start: dt.date
    end: dt.date = field(validator=date_range("start", "end"))
    suspensions: tuple[PassSuspension, ...] = ()
    prolongations: tuple[PassProlongation, ...] = ()

    def suspended_on(self, day: dt.date) -> bool:
        """Whether ``day`` falls within a suspension."""
        return any(s.start <= day <= s.end for s in self.suspensions)


class CddiDerogation(LabelledEnum):
    """Why a CDDI may run beyond 24 months in total (Code du travail, art. L5132-15-1)."""

    FIN_DE_FORMATION = ("fin_de_formation", "Achever une action de formation en cours")
    CINQUANTE_ANS = ("50_ans_et_plus", "Salarié·e de 50 ans et plus en difficulté particulière")
    RQTH = ("rqth", "Travailleur·se handicapé·e en difficulté particulière")
    DIFFICULTES_PARTICULIERES = (
        "difficultes_particulieres",
        "Difficultés particulièrement importantes (ACI, décisions d'un an au plus)",
    )


class ContractEndReason(LabelledEnum):
    """Why a contract ended."""

    TERME = ("terme", "Arrivée au terme du contrat")
    EMBAUCHE = ("embauche", "Rupture anticipée pour une embauche ou une formation")
    COMMUN_ACCORD = ("commun_accord", "Rupture d'un commun accord")
    PERIODE_ESSAI = ("periode_essai", "Rupture pendant la période d'essai")
    FAUTE_GRAVE = ("faute_grave", "Faute grave")
    FORCE_MAJEURE = ("force_majeure", "Force majeure")
    INAPTITUDE = ("inaptitude", "Inaptitude")
    DECES = ("deces", "Décès du salarié ou de la salariée")
