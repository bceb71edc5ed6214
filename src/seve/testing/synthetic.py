"""Synthetic, realistic event logs: from one parcours to a million events.

:func:`generate` turns a :class:`Scenario` into the event log of one SIAE: its
structure stream (the SIAE and its permanent·es), the streams of the employers of
its network, and one stream per salarié·e en transition, from the embauche to the
suivi dans l'emploi after the sortie.  Every stream folds without error and passes
the legal rules of :mod:`seve.rules`; the log is in global time order.

>>> import datetime as dt
>>> from seve.testing.synthetic import Scenario, generate
>>> events = list(generate(Scenario(seed=1, start=dt.date(2025, 1, 6), parcours=3)))
>>> events[0].type
'siae_registered'

The generator is pure: the same scenario gives the same events, it reads no clock
(the start date is a parameter) and it does not use hypothesis, only
:class:`random.Random` seeded from the scenario.  It is lazy: events come out in
time order, and memory holds only the streams still open (each parcours is planned
on its embauche and forgotten after its last event), so it scales to logs of
millions of events (see :func:`scenario_for_events`).

The distributions are *plausible*, not official statistics: orders of magnitude
from DARES publications on the IAE (public at entry, exits) and from the
programme's field reports.  Names and phone numbers are fictitious (phone numbers
in the range ARCEP keeps for fiction, e-mails at ``example.org``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
import math
import random
import unicodedata
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

import attrs
from attrs import field, frozen

from seve.model import (
    PARIS,
    Action,
    ActionId,
    ActionPlanned,
    ActionStatus,
    ActionStatusChanged,
    AgeBand,
    Bilan,
    BilanId,
    BilanKind,
    BilanRecorded,
    ClientKind,
    Company,
    CompanyRegistered,
    ContactAdded,
    ContactId,
    ContactPerson,
    Contract,
    ContractEnded,
    ContractEndReason,
    ContractId,
    ContractKind,
    ContractRenewed,
    ContractStarted,
    ContractSuspended,
    EducationLevel,
    Embauche,
    EmployerId,
    Event,
    EventId,
    Frein,
    FreinId,
    FreinIdentified,
    FreinLifted,
    FreinTheme,
    HoursWorked,
    JoblessDuration,
    MinimumSocial,
    MonthlyHours,
    Objective,
    ObjectiveDefined,
    ObjectiveId,
    PassIae,
    PassSuspended,
    PassSuspension,
    PersonalData,
    PersonalDataRecorded,
    PrescripteurId,
    SalarieId,
    Siae,
    SiaeId,
    SiaeKind,
    SiaeRegistered,
    Siret,
    Site,
    SiteAdded,
    SiteId,
    SituationAtEntry,
    SizeBand,
    Sortie,
    SortieCategory,
    SortieMotif,
    SortieRecorded,
    StaffId,
    StaffMember,
    StaffMemberJoined,
    StaffRole,
    StreamId,
    StreamKind,
    SuiviContact,
    SuiviContactRecorded,
    SuiviWith,
    SuspensionReason,
    default_motif_table,
    luhn_key,
    stream_id,
)
from seve.rules import AI_COMPANY_HOURS, months_after

if TYPE_CHECKING:
    from ._synthetic_companies import CompanyPlan

__all__ = ["Scenario", "SortieTargets", "generate", "scenario_for_events"]

T = TypeVar("T")

# -- the scenario -------------------------------------------------------------------------


def _share(_inst: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{attribute.name} est une proportion entre 0 et 1 : {value}")


def _non_negative(_inst: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} ne peut pas être négatif : {value}")


@frozen(kw_only=True)
class SortieTargets:
    """The exits a scenario aims at, by ASP category.

    The four counted categories are shares of the *sorties examinées* (they are
    normalised, so they need not add up to 1); ``retrait`` is the share of all
    sorties that are withdrawn from the count (death, long leave, trial period...).
    The generator draws the category of every sortie independently of the length
    of the stay, so the rates over sorties examinées come close to these targets.
    """

    emploi_durable: float = field(default=0.19, validator=_share)
    emploi_de_transition: float = field(default=0.15, validator=_share)
    sortie_positive: float = field(default=0.13, validator=_share)
    autre_sortie: float = field(default=0.53, validator=_share)
    retrait: float = field(default=0.08, validator=_share)

    def __attrs_post_init__(self) -> None:
        if self._counted <= 0:
            raise ValueError("au moins une catégorie de sortie comptée doit avoir une part")

    @property
    def _counted(self) -> float:
        return (
            self.emploi_durable
            + self.emploi_de_transition
            + self.sortie_positive
            + self.autre_sortie
        )

    @classmethod
    def for_kind(cls, kind: SiaeKind) -> SortieTargets:
        """Plausible targets for a kind of SIAE (orders of magnitude from DARES).

        ACI: about 19 % of exits in emploi durable and 47 % dynamic exits; EI and
        ETTI, closer to the ordinary labour market, do better.  Illustrative figures,
        not official ones: pass your own targets to a :class:`Scenario`.
        """
        return _TARGETS.get(kind, cls())

    def counted_share(self, category: SortieCategory) -> float:
        """The target share of ``category`` among sorties examinées (0 for retraits)."""
        value = {
            SortieCategory.EMPLOI_DURABLE: self.emploi_durable,
            SortieCategory.EMPLOI_DE_TRANSITION: self.emploi_de_transition,
            SortieCategory.SORTIE_POSITIVE: self.sortie_positive,
            SortieCategory.AUTRE_SORTIE: self.autre_sortie,
        }.get(category, 0.0)
        return value / self._counted


_TARGETS: Final = {
    SiaeKind.ACI: SortieTargets(),
    SiaeKind.EI: SortieTargets(
        emploi_durable=0.24, emploi_de_transition=0.20, sortie_positive=0.10, autre_sortie=0.46
    ),
    SiaeKind.AI: SortieTargets(
        emploi_durable=0.22, emploi_de_transition=0.22, sortie_positive=0.10, autre_sortie=0.46
    ),
    SiaeKind.ETTI: SortieTargets(
        emploi_durable=0.26, emploi_de_transition=0.26, sortie_positive=0.08, autre_sortie=0.40
    ),
    SiaeKind.EITI: SortieTargets(
        emploi_durable=0.30, emploi_de_transition=0.10, sortie_positive=0.06, autre_sortie=0.54
    ),
}


def _default_targets(scenario: Scenario) -> SortieTargets:
    return SortieTargets.for_kind(scenario.siae_kind)


@frozen(kw_only=True)
class Scenario:
    """What to simulate: one SIAE over a period, its salarié·es and its employers.

    :param seed: the seed of every random draw: same scenario, same events.
    :param start: the first day of the period (the log starts on it, at 08:00).
    :param days: the length of the period; nothing happens on or after
        ``start + days`` (parcours still running then stay open).
    :param siae_kind: the kind of SIAE: it decides the contracts (CDDI, mise à
        disposition, mission, contrat d'accompagnement EITI).
    :param parcours: how many people are hired during the period (spread evenly,
        on working days).
    :param employers: how many employers join the network (half in the first two
        months, the others along the period).
    :param suspension_rate: chance that a parcours long enough gets a PASS IAE
        suspension (in a CDDI, with the contract suspension behind it; for missions
        and mises à disposition, over a long gap between two of them).
    :param renewal_rate: chance that a parcours plans renewals (of the CDDI, or
        extensions of missions and mises à disposition); people who leave before
        a renewal make the observed share lower.
    :param freins_mean: mean number of freins identified per person (Poisson).
    :param frein_lift_rate: chance that a frein is lifted before the sortie, when
        the stay leaves time for it.
    :param early_exit_rate: share of sorties (retraits aside) before 3 months.
    :param sorties: the target exits (by default, :meth:`SortieTargets.for_kind`).
    :param mediation: add PMSMP and mises en relation to the parcours (drawn apart:
        the other events stay those of the same scenario without them).
    :param company_file: add the shared company file: interactions with each employer,
        transfers of relations, conventions de partenariat with their lifecycle, and the
        visits and events of the partners in the structure stream (drawn apart: the other
        events stay those of the same scenario without them).
    """

    seed: int
    start: dt.date
    days: int = field(default=365, validator=attrs.validators.ge(1))
    siae_kind: SiaeKind = SiaeKind.ACI
    parcours: int = field(default=50, validator=attrs.validators.ge(0))
    employers: int = field(default=12, validator=attrs.validators.ge(0))
    suspension_rate: float = field(default=0.06, validator=_share)
    renewal_rate: float = field(default=0.65, validator=_share)
    freins_mean: float = field(default=2.5, validator=_non_negative)
    frein_lift_rate: float = field(default=0.55, validator=_share)
    early_exit_rate: float = field(default=0.10, validator=_share)
    sorties: SortieTargets = field(default=attrs.Factory(_default_targets, takes_self=True))
    mediation: bool = False
    company_file: bool = True

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        return self.start + dt.timedelta(days=self.days - 1)


def scenario_for_events(
    n_events: int,
    *,
    seed: int = 0,
    start: dt.date = dt.date(2024, 1, 1),
    siae_kind: SiaeKind = SiaeKind.ACI,
) -> Scenario:
    """A scenario whose log has about ``n_events`` events (within ~10 % for large n).

    Small logs cover one year; larger ones add people and stretch the period (up to
    ten years, with up to a few thousand hires a year), so that the number of
    parcours open at once, hence the generator's memory, stays bounded.
    """
    if n_events < 0:
        raise ValueError(f"n_events ne peut pas être négatif : {n_events}")
    per_parcours, span = _EVENTS_PER_PARCOURS[siae_kind]
    structure = 12.0  # the SIAE and its staff
    rough = max(0.0, n_events - structure) / per_parcours
    years = min(10, max(1, math.ceil(rough / 400)))
    days = round(years * 365.25)
    employers = max(6, min(5000, round(rough / 5)))
    # Parcours hired late in the period are cut at its end; their events come early
    # (embauche, freins), so about a third of a span's worth of events is lost.
    completeness = max(0.3, 1.0 - 0.35 * span / days)
    left = n_events - structure - _events_per_employer(years) * employers
    parcours = max(0, round(left / (per_parcours * completeness)))
    return Scenario(
        seed=seed,
        start=start,
        days=days,
        siae_kind=siae_kind,
        parcours=parcours,
        employers=employers,
    )


#: Events per complete parcours and the mean span from embauche to the last event
#: (days), measured on large runs; they size :func:`scenario_for_events`.
_EVENTS_PER_PARCOURS: Final = {
    SiaeKind.ACI: (34.5, 420.0),
    SiaeKind.EI: (34.8, 420.0),
    SiaeKind.AI: (44.6, 460.0),
    SiaeKind.ETTI: (43.2, 455.0),
    SiaeKind.EITI: (24.2, 300.0),
}
_EVENTS_PER_EMPLOYER: Final = 4.6
#: Events of the company file per employer (interactions, conventions, partners'
#: visits) approach this over the years: most companies go quiet, partners do not.
_COMPANY_FILE_EVENTS: Final = 14.5
_COMPANY_FILE_YEARS: Final = 3.2


def _events_per_employer(years: float) -> float:
    """Events per employer over ``years`` (registration, sites, contacts, company file),
    fitted on large runs; they size :func:`scenario_for_events`."""
    return _EVENTS_PER_EMPLOYER + _COMPANY_FILE_EVENTS * (
        1 - math.exp(-years / _COMPANY_FILE_YEARS)
    )


# -- reference data -----------------------------------------------------------------------

_FIRST_NAMES: Final = (
    "Amina", "Mohamed", "Kevin", "Sarah", "Julien", "Fatou", "Nathalie", "Karim", "Sandrine",
    "Yacine", "Mélanie", "Aïcha", "Thomas", "Laetitia", "Sébastien", "Mariama", "Jordan",
    "Céline", "Mamadou", "Sophie", "Stéphane", "Nadia", "Anthony", "Virginie", "Moussa",
    "Audrey", "Rachid", "Émilie", "Christophe", "Samira", "Ibrahim", "Jessica", "Frédéric",
    "Leïla", "Dylan", "Valérie", "Bilal", "Isabelle", "Patrick", "Fatima", "Alexandre",
    "Chloé", "Ousmane", "Marie", "Éric", "Khadija", "Océane", "Mehdi", "Sylvie", "Bruno",
    "Yasmina", "Loïc", "Coralie", "Hakim", "Pascale", "Ibrahima", "Manon", "Abdel", "Gaëlle",
    "Cédric", "Rose", "Tony", "Nora", "Jérôme", "Awa", "Mickaël", "Inès", "Lucas",
)  # fmt: skip
_LAST_NAMES: Final = (
    "Martin", "Bernard", "Dubois", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Lefebvre", "Michel", "Garcia", "Bertrand", "Roux", "Fournier", "Morel", "Girard",
    "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Roussel", "Perrin", "Morin",
    "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Benali", "Diallo",
    "Traoré", "Nguyen", "Haddad", "Mendy", "Koné", "Boumediene", "Da Silva", "Pereira",
    "Ferreira", "Camara", "Cissé", "Benhamou", "Meyer", "Fabre", "Lemoine", "Marchand",
    "Barbier", "Brun", "Ouedraogo", "Kaya", "Rakotomalala", "Mansouri", "Hoarau", "Tessier",
)  # fmt: skip

#: Territories (a bassin d'emploi) with a few of their communes.
_TERRITORIES: Final = (
    (
        "Bassin de Montluçon (Allier)",
        (("03100", "Montluçon"), ("03410", "Domérat"), ("03630", "Désertines"),
         ("03600", "Commentry"), ("03310", "Néris-les-Bains")),
    ),
    (
        "Pays de Redon",
        (("35600", "Redon"), ("56350", "Allaire"), ("44290", "Guémené-Penfao"),
         ("35550", "Pipriac"), ("35600", "Bains-sur-Oust")),
    ),
    (
        "Agglomération de Lens-Liévin",
        (("62300", "Lens"), ("62800", "Liévin"), ("62210", "Avion"),
         ("62110", "Hénin-Beaumont"), ("62220", "Carvin")),
    ),
    (
        "Val de Garonne (Lot-et-Garonne)",
        (("47200", "Marmande"), ("47400", "Tonneins"), ("47700", "Casteljaloux"),
         ("47800", "Miramont-de-Guyenne")),
    ),
    (
        "Plaine Commune (Seine-Saint-Denis)",
        (("93200", "Saint-Denis"), ("93300", "Aubervilliers"), ("93120", "La Courneuve"),
         ("93240", "Stains"), ("93800", "Épinay-sur-Seine")),
    ),
)  # fmt: skip

_SIAE_NAMES: Final = {
    SiaeKind.ACI: ("Les Jardins {de}", "Recyclerie {de}", "Chantier Nature et Patrimoine {de}"),
    SiaeKind.EI: ("Bâtir Ensemble {de}", "Propreté Solidaire {de}", "Les Ateliers {de}"),
    SiaeKind.AI: ("Services et Emplois {de}", "Coup de Main {de}"),
    SiaeKind.ETTI: ("Tremplin Intérim {de}", "Intérim Solidaire {de}"),
    SiaeKind.EITI: ("Coopérative des Indépendants {de}",),
}

#: Sectors of the employers: NAF code, name templates, usual sizes.
_SECTORS: Final[tuple[tuple[str, tuple[str, ...], int], ...]] = (
    ("81.30Z", ("Paysages {nom}", "{lieu} Espaces Verts"), 3),
    ("81.21Z", ("{nom} Propreté", "Net'Services {lieu}"), 3),
    ("49.41A", ("Transports {nom}", "Logistique {lieu}"), 2),
    ("52.10B", ("Entrepôts {lieu}", "Plateforme Logistique {lieu}"), 1),
    ("10.71C", ("Boulangerie {nom}", "Au Bon Pain {de}"), 2),
    ("56.10A", ("Restaurant Chez {prenom}", "La Table {de}"), 2),
    ("55.10Z", ("Hôtel du Centre {de}",), 1),
    ("47.11D", ("Supermarché {lieu}", "Marché Frais {de}"), 2),
    ("43.21A", ("Électricité {nom}", "{nom} Élec"), 2),
    ("43.34Z", ("Peinture {nom}", "Décor {nom}"), 2),
    ("41.20A", ("Maisons {nom}", "Constructions {lieu}"), 1),
    ("45.20A", ("Garage {nom}", "Auto Services {lieu}"), 2),
    ("88.10A", ("Aide à Domicile {lieu}", "{nom} Services à la Personne"), 2),
    ("38.32Z", ("Recyclage {lieu}", "{nom} Environnement"), 1),
    ("16.23Z", ("Menuiserie {nom}",), 1),
    ("01.13Z", ("Maraîchage {nom}", "Les Serres {de}"), 1),
    ("87.10A", ("EHPAD Les Tilleuls {de}", "Résidence Les Glycines {de}"), 1),
)
_PUBLIC_BODIES: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("84.11Z", ("Commune {de}", "Communauté de communes {de}")),
)
_NON_PROFITS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("88.99B", ("Centre social {de}", "Association Solidarité {lieu}")),
    ("94.99Z", ("Comité des fêtes {de}", "Maison des associations {de}")),
)
_SIZES: Final = (SizeBand.TPE, SizeBand.PETITE, SizeBand.MOYENNE, SizeBand.ETI, SizeBand.GRANDE)
_SIZE_WEIGHTS: Final = {
    3: (30, 40, 20, 8, 2),
    2: (45, 35, 15, 4, 1),
    1: (25, 40, 25, 8, 2),
}
_JOB_TITLES: Final = (
    "Responsable des ressources humaines",
    "Gérant·e",
    "Chef·fe d'équipe",
    "Responsable d'exploitation",
    "Directeur·rice d'agence",
    "Chargé·e de recrutement",
    "Conducteur·rice de travaux",
    "Responsable de magasin",
)

_FREIN_THEMES: Final = (
    (FreinTheme.MOBILITE, 16),
    (FreinTheme.NUMERIQUE, 10),
    (FreinTheme.LOGEMENT, 9),
    (FreinTheme.FINANCIER, 9),
    (FreinTheme.CANDIDATURE, 9),
    (FreinTheme.SANTE, 8),
    (FreinTheme.ADMINISTRATIF, 8),
    (FreinTheme.CHOISIR_UN_METIER, 8),
    (FreinTheme.TROUVER_UN_EMPLOI, 8),
    (FreinTheme.SE_FORMER, 7),
    (FreinTheme.CONTRAINTES_FAMILIALES, 6),
    (FreinTheme.LANGUE, 6),
    (FreinTheme.JUSTICE, 3),
    (FreinTheme.ADDICTIONS, 3),
    (FreinTheme.CREER_ENTREPRISE, 1),
)
#: An objective and a few actions per theme.
_PLANS: Final[dict[FreinTheme, tuple[str, tuple[str, ...]]]] = {
    FreinTheme.MOBILITE: (
        "Se rendre au travail de façon autonome",
        ("Inscription à l'auto-école sociale", "Demande d'aide au permis de conduire",
         "Location solidaire d'un deux-roues", "Apprentissage du réseau de bus"),
    ),
    FreinTheme.NUMERIQUE: (
        "Gagner en autonomie numérique",
        ("Atelier numérique", "Création d'une adresse électronique",
         "Accès à son espace France Travail"),
    ),
    FreinTheme.LOGEMENT: (
        "Accéder à un logement autonome",
        ("Demande de logement social", "Rendez-vous avec le SIAO", "Demande d'aide au FSL"),
    ),
    FreinTheme.FINANCIER: (
        "Stabiliser son budget",
        ("Rendez-vous avec la conseillère en économie sociale et familiale",
         "Dossier de surendettement", "Plan d'apurement des dettes"),
    ),
    FreinTheme.CANDIDATURE: (
        "Préparer ses candidatures",
        ("Rédaction du CV", "Simulation d'entretien", "Lettre de recommandation"),
    ),
    FreinTheme.SANTE: (
        "Faire le point sur sa santé",
        ("Bilan de santé CPAM", "Demande de complémentaire santé solidaire"),
    ),
    FreinTheme.ADMINISTRATIF: (
        "Mettre ses papiers à jour",
        ("Renouvellement du titre de séjour", "Ouverture d'un compte bancaire",
         "Demande de carte d'identité"),
    ),
    FreinTheme.CHOISIR_UN_METIER: (
        "Choisir un métier",
        ("Enquête métier", "Visite d'entreprise", "Rencontre avec un professionnel"),
    ),
    FreinTheme.TROUVER_UN_EMPLOI: (
        "Trouver un emploi durable",
        ("Candidatures sur des offres captées", "Participation à un job dating",
         "Mise en relation avec un employeur"),
    ),
    FreinTheme.SE_FORMER: (
        "Entrer en formation qualifiante",
        ("Positionnement sur une formation", "Dossier de financement de la formation"),
    ),
    FreinTheme.CONTRAINTES_FAMILIALES: (
        "Trouver un mode de garde",
        ("Demande de place en crèche", "Recherche d'une assistante maternelle"),
    ),
    FreinTheme.LANGUE: (
        "Progresser en français",
        ("Atelier sociolinguistique", "Cours de français langue étrangère"),
    ),
    FreinTheme.JUSTICE: (
        "Concilier travail et obligations judiciaires",
        ("Rendez-vous avec le SPIP", "Aménagement des horaires de travail"),
    ),
    FreinTheme.ADDICTIONS: ("Engager un soin", ("Rendez-vous en CSAPA",)),
    FreinTheme.CREER_ENTREPRISE: (
        "Étudier un projet de création d'entreprise",
        ("Rendez-vous avec une couveuse d'entreprises",),
    ),
}  # fmt: skip

#: Within each ASP category, how often each motif comes up (motifs missing: weight 1).
_MOTIF_WEIGHTS: Final = {
    SortieMotif.CDI: 36,
    SortieMotif.CDI_AIDE: 6,
    SortieMotif.CDD_6_MOIS_ET_PLUS: 40,
    SortieMotif.CREATION_ENTREPRISE: 6,
    SortieMotif.FONCTION_PUBLIQUE: 12,
    SortieMotif.CDD_MOINS_6_MOIS: 75,
    SortieMotif.CONTRAT_AIDE: 25,
    SortieMotif.FORMATION_QUALIFIANTE: 55,
    SortieMotif.AUTRE_SIAE: 25,
    SortieMotif.AUTRE_SORTIE_POSITIVE: 20,
    SortieMotif.CHOMAGE: 60,
    SortieMotif.INACTIF: 15,
    SortieMotif.SANS_NOUVELLES: 25,
    SortieMotif.RUPTURE_PERIODE_ESSAI: 35,
    SortieMotif.CONGE_LONGUE_DUREE: 25,
    SortieMotif.RETRAITE: 10,
    SortieMotif.SORTIE_AUTOMATIQUE: 12,
    SortieMotif.DECISION_ADMINISTRATIVE: 8,
    SortieMotif.TRANSFERT_EMPLOYEUR: 6,
    SortieMotif.DECES: 4,
}
#: How a contract ends early, by motif (at its term the reason is always TERME).
_EARLY_END: Final = {
    SortieMotif.RUPTURE_PERIODE_ESSAI: ContractEndReason.PERIODE_ESSAI,
    SortieMotif.DECES: ContractEndReason.FORCE_MAJEURE,
    SortieMotif.DECISION_ADMINISTRATIVE: ContractEndReason.FORCE_MAJEURE,
    SortieMotif.CONGE_LONGUE_DUREE: ContractEndReason.INAPTITUDE,
    SortieMotif.SANS_NOUVELLES: ContractEndReason.FAUTE_GRAVE,
    SortieMotif.CHOMAGE: ContractEndReason.COMMUN_ACCORD,
    SortieMotif.INACTIF: ContractEndReason.COMMUN_ACCORD,
    SortieMotif.RETRAITE: ContractEndReason.COMMUN_ACCORD,
    SortieMotif.TRANSFERT_EMPLOYEUR: ContractEndReason.COMMUN_ACCORD,
}
#: Motifs whose sortie comes at the term of the contract.
_AT_TERM: Final = frozenset({SortieMotif.SORTIE_AUTOMATIQUE})

#: Chance of being in employment at the suivi contacts (1, 3, 6, 12 months after).
_IN_EMPLOYMENT: Final = {
    SortieCategory.EMPLOI_DURABLE: (0.95, 0.92, 0.88, 0.85),
    SortieCategory.EMPLOI_DE_TRANSITION: (0.85, 0.6, 0.5, 0.5),
    SortieCategory.SORTIE_POSITIVE: (0.3, 0.3, 0.4, 0.55),
    SortieCategory.AUTRE_SORTIE: (0.08, 0.15, 0.2, 0.25),
}
_SUIVI_MONTHS: Final = (1, 3, 6, 12)
_SUIVI_CHANCE: Final = {
    True: (0.85, 0.7, 0.55, 0.35),  # dynamic exits
    False: (0.5, 0.3, 0.2, 0.1),
}

_WEEKLY_HOURS: Final = {
    SiaeKind.ACI: (20, 24, 26, 26, 26, 26, 28, 30, 35),
    SiaeKind.EI: (24, 26, 30, 35, 35, 35),
    SiaeKind.EITI: (20, 24, 28, 35),
}

# -- small helpers ------------------------------------------------------------------------

#: Steps of the low-discrepancy sequences: fractional parts of sqrt(2) and the golden ratio.
_IRRATIONALS: Final = (math.sqrt(2) - 1, (math.sqrt(5) - 1) / 2)

_B32: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_B32_PAIRS: Final = tuple(a + b for a in _B32 for b in _B32)


def _b32(value: int, width: int) -> str:
    """``value`` in Crockford base 32 on ``width`` characters (``width`` even)."""
    out = []
    for _ in range(width // 2):
        out.append(_B32_PAIRS[value & 1023])
        value >>= 10
    return "".join(reversed(out))


def _siren(rng: random.Random, first: str = "") -> str:
    while True:
        body = first + "".join(rng.choice("0123456789") for _ in range(8 - len(first)))
        if body[0] != "0" and not body.startswith("35600000"):
            return body + luhn_key(body)


def _siret(siren: str, nic: int) -> Siret:
    body = f"{siren}{nic:04d}"
    return Siret(body + luhn_key(body))


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if c.isalnum() and c.isascii())
    return kept.lower()


def _de(place: str) -> str:
    """« de Redon », « d'Avion »."""
    return f"d'{place}" if place[0] in "AEIOUYÉÈÂH" else f"de {place}"


def _phone(rng: random.Random) -> str:
    # 06 39 98 xx xx: a range ARCEP reserves for fiction.
    return f"06 39 98 {rng.randrange(100):02d} {rng.randrange(100):02d}"


def _poisson(rng: random.Random, mean: float) -> int:
    limit = math.exp(-mean)
    k, p = 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


class _Weighted(Generic[T]):
    """A weighted draw, prepared once."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self._items = [item for item, _ in pairs]
        self._cum = list(itertools.accumulate(weight for _, weight in pairs))
        self._total = self._cum[-1]

    def __call__(self, rng: random.Random) -> T:
        return self.at(rng.random())

    def at(self, u: float) -> T:
        """The item at ``u`` (in [0, 1)) on the cumulative weights."""
        index = bisect.bisect_right(self._cum, u * self._total)
        return self._items[min(index, len(self._items) - 1)]


def _weekday_on_or_after(day: dt.date) -> dt.date:
    weekday = day.weekday()
    return day + dt.timedelta(days=7 - weekday) if weekday >= 5 else day


def _weekday_on_or_before(day: dt.date) -> dt.date:
    weekday = day.weekday()
    return day - dt.timedelta(days=weekday - 4) if weekday >= 5 else day


def _weekdays(first: dt.date, last: dt.date) -> int:
    """Monday-to-Friday days from ``first`` to ``last`` included."""
    if last < first:
        return 0
    days = (last - first).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    weekday = first.weekday()
    for i in range(rest):
        if (weekday + i) % 7 < 5:
            count += 1
    return count


def _next_month(month: dt.date) -> dt.date:
    return (
        dt.date(month.year + 1, 1, 1) if month.month == 12 else month.replace(month=month.month + 1)
    )


_DAY: Final = dt.timedelta(days=1)

_AGE: Final = _Weighted(
    [
        (AgeBand.FROM_18_TO_25, 20),
        (AgeBand.FROM_26_TO_49, 60),
        (AgeBand.FROM_50_TO_56, 13),
        (AgeBand.FROM_57, 7),
    ]
)
_AGE_YEARS: Final = {
    AgeBand.FROM_18_TO_25: (18, 25),
    AgeBand.FROM_26_TO_49: (26, 49),
    AgeBand.FROM_50_TO_56: (50, 56),
    AgeBand.FROM_57: (57, 64),
}
_EDUCATION: Final = _Weighted(
    [
        (EducationLevel.INFRA_3, 45),
        (EducationLevel.NIVEAU_3, 30),
        (EducationLevel.NIVEAU_4, 17),
        (EducationLevel.NIVEAU_5, 5),
        (EducationLevel.NIVEAU_6_PLUS, 3),
    ]
)
_JOBLESS: Final = _Weighted(
    [
        (JoblessDuration.UNDER_6_MONTHS, 20),
        (JoblessDuration.FROM_6_TO_11_MONTHS, 15),
        (JoblessDuration.FROM_12_TO_23_MONTHS, 25),
        (JoblessDuration.TWO_YEARS_OR_MORE, 40),
    ]
)
_THEMES: Final = _Weighted(_FREIN_THEMES)
_ACTION_END: Final = _Weighted(
    [
        (ActionStatus.DONE, 55),
        (ActionStatus.IN_PROGRESS, 15),
        (ActionStatus.STANDBY, 10),
        (ActionStatus.ABANDONED, 10),
        (ActionStatus.CANCELLED, 5),
        (ActionStatus.PLANNED, 5),
    ]
)
_AI_CLIENTS: Final = _Weighted(
    [
        (ClientKind.PARTICULIER, 35),
        (ClientKind.ENTREPRISE, 30),
        (ClientKind.COLLECTIVITE, 20),
        (ClientKind.ASSOCIATION, 15),
    ]
)
#: An AI's placements: (shortest, longest) in days and weekly hours, per client kind.
_AI_PLACEMENTS: Final = {
    ClientKind.PARTICULIER: ((28, 120), (3, 12)),
    ClientKind.ENTREPRISE: ((1, 20), (20, 35)),
    ClientKind.COLLECTIVITE: ((5, 60), (17, 35)),
    ClientKind.ASSOCIATION: ((5, 45), (10, 30)),
}
#: Natures of the employers of the network, for the clients of AI placements.
_NATURE_OF_CLIENT: Final = {
    ClientKind.ENTREPRISE: 0,
    ClientKind.COLLECTIVITE: 1,
    ClientKind.ASSOCIATION: 2,
}

# -- the plan of a stream -------------------------------------------------------------------

#: One event waiting to be emitted: minute of the period, rank in its stream (to keep
#: events of the same minute in the order they were planned), payload, recorder, delay
#: in minutes before it is recorded.
_Item = tuple[int, int, object, StaffId, int]


class _Stream:
    """One stream's planned events, the next one last: each is released once emitted."""

    __slots__ = ("id", "items")

    def __init__(self, stream: StreamId, items: list[_Item]) -> None:
        items.sort(key=lambda item: (item[0], item[1]), reverse=True)
        self.id = stream
        self.items = items


class _Planner:
    """Collects the items of one stream; refuses what would come after its closing."""

    __slots__ = ("closing", "day0", "items", "rank", "rng", "staff")

    def __init__(self, rng: random.Random, day0: int, staff: StaffId) -> None:
        self.rng = rng
        self.day0 = day0  # ordinal of the period's first day
        self.items: list[_Item] = []
        self.rank = 0
        self.staff = staff
        self.closing: int | None = None

    def minute(self, day: dt.date, lo_hour: float, hi_hour: float) -> int:
        """A minute of ``day`` between two hours (office hours: never near 2-3 am)."""
        lo = int(lo_hour * 60)
        hi = int(hi_hour * 60)
        return (day.toordinal() - self.day0) * 1440 + self.rng.randrange(lo, max(lo + 1, hi))

    def add(
        self,
        minute: int,
        payload: object,
        *,
        staff: StaffId | None = None,
        after_closing: bool = False,
    ) -> int | None:
        """Plan ``payload`` at ``minute``; ``None`` if it would follow the closing."""
        if not after_closing and self.closing is not None and minute >= self.closing:
            return None
        self.rank += 1
        rng = self.rng.random()
        delay = int(rng * 90) if rng < 0.95 else int(rng * 4000)
        self.items.append((minute, self.rank, payload, staff or self.staff, delay))
        return minute


# -- the world: structure, staff, employers ----------------------------------------------------


@frozen
class _EmployerRef:
    id: EmployerId
    nature: int  # 0: company, 1: public body, 2: non-profit


class _World:
    """What every stream of one scenario shares."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.kind = scenario.siae_kind
        master = random.Random(f"seve-synthetic:{scenario.seed}")
        self.master = master
        self.tag = master.getrandbits(40)
        self.phases = (master.random(), master.random())
        self.day0 = scenario.start.toordinal()
        territory, places = master.choice(_TERRITORIES)
        self.territory: str = territory
        self.places: tuple[tuple[str, str], ...] = places
        main_place = places[0][1]
        siae_id = SiaeId(f"siae-{self.kind.value}-{_b32(self.tag, 8).lower()}")
        self.siae = Siae(
            id=siae_id,
            kind=self.kind,
            siret=_siret(_siren(master, master.choice("3456789")), 1 + master.randrange(30)),
            name=master.choice(_SIAE_NAMES[self.kind]).format(de=_de(main_place)),
            territory=territory,
        )
        self.staff = self._staff(master)
        self.cips = [m.id for m in self.staff if StaffRole.CIP in m.roles]
        self.admin = next(
            (m.id for m in self.staff if StaffRole.ADMINISTRATION in m.roles), self.staff[0].id
        )
        self.relations = next(
            m.id for m in self.staff if StaffRole.RELATIONS_ENTREPRISES in m.roles
        )
        self.end_minute = scenario.days * 1440
        # Employers: when each joins the network, and what it is.
        n = scenario.employers
        early = min(60, scenario.days)
        days = sorted(
            master.randrange(early) if i < (n + 1) // 2 else master.randrange(scenario.days)
            for i in range(n)
        )
        natures = [
            0
            if self.kind is SiaeKind.ETTI
            else (0, 0, 0, 0, 0, 0, 0, 1, 2, 2)[master.randrange(10)]
            for _ in range(n)
        ]
        self.employer_days = days
        self.employers = [
            _EmployerRef(EmployerId(f"emp-{i + 1:05d}"), natures[i]) for i in range(n)
        ]
        motifs = default_motif_table()
        self.motifs = {
            category: _Weighted(
                [
                    (m, _MOTIF_WEIGHTS.get(m, 1))
                    for m in SortieMotif
                    if motifs.category(m) is category
                ]
            )
            for category in SortieCategory
            if any(motifs.category(m) is category for m in SortieMotif)
        }
        self.category = motifs.category
        targets = scenario.sorties
        self.counted = _Weighted(
            [
                (c, targets.counted_share(c))
                for c in (
                    SortieCategory.EMPLOI_DURABLE,
                    SortieCategory.EMPLOI_DE_TRANSITION,
                    SortieCategory.SORTIE_POSITIVE,
                    SortieCategory.AUTRE_SORTIE,
                )
            ]
        )
        # The company file: how the SIAE works with each employer (see _synthetic_companies).
        self.companies: tuple[CompanyPlan, ...] | None = None
        if scenario.company_file:
            from ._synthetic_companies import plan_companies

            self.companies = plan_companies(self)

    def _staff(self, rng: random.Random) -> list[StaffMember]:
        hires_a_year = self.scenario.parcours * 365 / self.scenario.days
        roles: list[frozenset[StaffRole]] = [frozenset({StaffRole.DIRECTION})]
        if rng.random() < 0.5:
            roles.append(frozenset({StaffRole.ADMINISTRATION}))
        else:
            roles[0] = frozenset({StaffRole.DIRECTION, StaffRole.ADMINISTRATION})
        cips = rng.randint(1, 3) + max(0, int(hires_a_year - 60) // 40)
        roles += [frozenset({StaffRole.CIP})] * min(cips, 150)
        roles.append(frozenset({StaffRole.RELATIONS_ENTREPRISES}))
        on_site = self.kind in (SiaeKind.ACI, SiaeKind.EI)
        team = rng.randint(6, 10)
        while len(roles) < team:
            roles.append(frozenset({StaffRole.ETI if on_site else StaffRole.CIP}))
        members = []
        for i, member_roles in enumerate(roles, start=1):
            name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
            members.append(
                StaffMember(
                    id=StaffId(f"staff-{i:03d}"),
                    siae=self.siae.id,
                    name=name,
                    # The converter=frozenset of StaffMember.roles types this Iterable[_T_co].
                    roles=member_roles,
                )
            )
        return members

    def sequence(self, index: int, which: int) -> float:
        """The ``index``-th term of one of the scenario's low-discrepancy sequences."""
        return (self.phases[which] + index * _IRRATIONALS[which]) % 1.0

    def employer_by(self, minute: int, rng: random.Random, nature: int = 0) -> EmployerId | None:
        """An employer of the network (of ``nature``) already known at ``minute``."""
        known = bisect.bisect_right(self.employer_days, minute // 1440 - 1)
        if not known:
            return None
        for _ in range(6):
            ref = self.employers[rng.randrange(known)]
            if ref.nature == nature:
                return ref.id
        return None

    # -- the structure stream --------------------------------------------------------

    def structure(self) -> _Stream:
        direction = self.staff[0].id
        plan = _Planner(random.Random(f"{self.tag}:structure"), self.day0, direction)
        minute = 8 * 60
        plan.add(minute, SiaeRegistered(siae=self.siae))
        for member in self.staff:
            minute += 1
            plan.add(minute, StaffMemberJoined(member=member))
        if self.companies is not None:
            from ._synthetic_companies import add_partner_events

            add_partner_events(self, plan)
        return _Stream(stream_id(StreamKind.SIAE, self.siae.id), plan.items)

    # -- employer streams -------------------------------------------------------------

    def employer(self, index: int) -> _Stream:
        ref = self.employers[index]
        rng = random.Random(f"{self.tag}:employer:{index}")
        plan = _Planner(rng, self.day0, self.relations)
        day = self.scenario.start + dt.timedelta(days=self.employer_days[index])
        minute = plan.minute(day, 9, 17)
        surname = rng.choice(_LAST_NAMES)
        postcode, city = rng.choice(self.places)
        words = {"nom": surname, "prenom": rng.choice(_FIRST_NAMES), "lieu": city, "de": _de(city)}
        if ref.nature == 1:
            naf, templates = _PUBLIC_BODIES[0]
            size = rng.choice((SizeBand.PETITE, SizeBand.MOYENNE))
            siren = _siren(rng, "21")
        elif ref.nature == 2:
            naf, templates = rng.choice(_NON_PROFITS)
            size = rng.choice((SizeBand.TPE, SizeBand.PETITE))
            siren = _siren(rng, rng.choice("78"))
        else:
            naf, templates, usual = rng.choice(_SECTORS)
            size = _SIZES[_Weighted(list(zip(range(5), _SIZE_WEIGHTS[usual], strict=True)))(rng)]
            siren = _siren(rng, rng.choice("3456789"))
        name = rng.choice(templates).format(**words)
        company = Company(
            id=ref.id, siret=_siret(siren, 1 + rng.randrange(20)), name=name, naf=naf, size=size
        )
        plan.add(minute, CompanyRegistered(company=company))
        sites: list[SiteId] = []
        for j in range(1 if size is SizeBand.TPE else rng.randint(1, 3)):
            site_place = (postcode, city) if j == 0 else rng.choice(self.places)
            site = Site(
                id=SiteId(f"site-{index + 1}-{j + 1}"),
                employer=ref.id,
                name=f"{name} – {'siège' if j == 0 else 'site ' + _de(site_place[1])}",
                postcode=site_place[0],
                city=site_place[1],
                siret=company.siret if j == 0 else _siret(siren, 30 + j + rng.randrange(50)),
            )
            if j:  # further sites come later, on a working day
                later = _weekday_on_or_after(day + dt.timedelta(days=rng.randint(1, 40)))
                minute = max(minute, plan.minute(later, 9, 17))
            minute += 1
            plan.add(minute, SiteAdded(site=site))
            sites.append(site.id)
        for j in range(rng.randint(1, 3)):
            first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
            if j:  # further contacts come within months, on a working day
                later = _weekday_on_or_after(day + dt.timedelta(days=rng.randint(1, 200)))
                minute = max(minute, plan.minute(later, 9, 17))
            minute += rng.randrange(1, 30)
            plan.add(
                minute,
                ContactAdded(
                    contact=ContactPerson(
                        id=ContactId(f"contact-{index + 1}-{j + 1}"),
                        employer=ref.id,
                        name=f"{first} {last}",
                        job_title=rng.choice(_JOB_TITLES),
                        site=rng.choice(sites),
                        email=f"{_ascii(first)}.{_ascii(last)}@example.com",
                        phone=_phone(rng) if rng.random() < 0.7 else None,
                    )
                ),
            )
        if self.companies is not None:
            from ._synthetic_companies import add_company_file

            add_company_file(self, index, plan)
        return _Stream(stream_id(StreamKind.EMPLOYER, ref.id), plan.items)

    # -- parcours streams ---------------------------------------------------------------

    def parcours(self, index: int, hire: dt.date) -> _Stream:
        return _ParcoursPlan(self, index, hire).stream()


@attrs.define
class _Mission:
    """One contract of a parcours of missions or mises à disposition, as planned."""

    id: ContractId
    start: dt.date
    end: dt.date
    weekly: int
    client_kind: ClientKind
    client: EmployerId | None
    attendance: float
    extended: dt.date | None = None

    @property
    def last(self) -> dt.date:
        return self.extended or self.end


@attrs.define
class _Contracts:
    """The contracts of a parcours, planned: what the other events must fit around."""

    first: Contract
    last: ContractId
    sortie: dt.date
    end_reason: ContractEndReason
    #: (day, payload) of renewals, further contracts and suspensions.
    events: list[tuple[dt.date, object]]
    #: (month, contract, hours) to declare.
    hours: list[tuple[dt.date, ContractId, Decimal]]


def _month_hours(
    start: dt.date,
    last: dt.date,
    weekly: int,
    attendance: float,
    contract: ContractId,
    off: tuple[dt.date, dt.date] | None = None,
) -> list[tuple[dt.date, ContractId, Decimal]]:
    """Hours worked each month from ``start`` to ``last`` (``off``: a suspension)."""
    out = []
    month = start.replace(day=1)
    while month <= last:
        following = _next_month(month)
        first_day, last_day = max(start, month), min(last, following - _DAY)
        days = _weekdays(first_day, last_day)
        if off is not None:
            days -= _weekdays(max(first_day, off[0]), min(last_day, off[1]))
        halves = round(weekly * days / 5 * attendance * 2)
        if halves > 0:
            out.append((month, contract, Decimal(halves) / 2))
        month = following
    return out


class _ParcoursPlan:
    """The whole parcours of one salarié·e, planned on the day of the embauche."""

    def __init__(self, world: _World, index: int, hire: dt.date) -> None:
        self.world = world
        self.scenario = world.scenario
        self.kind = world.kind
        self.rng = random.Random(f"{world.tag}:parcours:{index}")
        self.index = index
        self.key = f"{index + 1:06d}"
        self.hire = hire
        self.pass_end = hire + dt.timedelta(days=729)
        self.plan = _Planner(self.rng, world.day0, self.rng.choice(world.cips))
        self.counter = itertools.count(1)

    def _id(self, prefix: str) -> str:
        return f"{prefix}-{self.key}-{next(self.counter)}"

    def _day(self, low: dt.date, span: int) -> dt.date:
        """A weekday from ``low`` to ``low + span`` days (or the next weekday)."""
        return _weekday_on_or_after(low + dt.timedelta(days=self.rng.randint(0, max(0, span))))

    # -- what is drawn first: the sortie, the person -----------------------------------

    def _draw_sortie(self) -> tuple[SortieCategory, SortieMotif, str]:
        """Category, motif and the kind of stay: ``essai``, ``early`` or ``normal``.

        Retrait or not, and the category, come from two Kronecker sequences over the
        hires (golden ratio, square root of 2) rather than from independent draws:
        any run of consecutive hires, even a small one, gets close to the targets.
        """
        rng, world = self.rng, self.world
        if world.sequence(self.index, 0) < self.scenario.sorties.retrait:
            motif = world.motifs[SortieCategory.RETRAIT](rng)
            stay = "essai" if motif is SortieMotif.RUPTURE_PERIODE_ESSAI else "normal"
            return SortieCategory.RETRAIT, motif, stay
        category = world.counted.at(world.sequence(self.index, 1))
        motif = world.motifs[category](rng)
        stay = "early" if rng.random() < self.scenario.early_exit_rate else "normal"
        return category, motif, stay

    def _early_reason(self, category: SortieCategory, motif: SortieMotif) -> ContractEndReason:
        if category.dynamic:
            return ContractEndReason.EMBAUCHE
        return _EARLY_END.get(motif, ContractEndReason.COMMUN_ACCORD)

    def _situation(self) -> SituationAtEntry:
        rng = self.rng
        age = _AGE(rng)
        minima: set[MinimumSocial] = set()
        draw = rng.random()
        if draw < (0.12 if age is AgeBand.FROM_18_TO_25 else 0.45):
            minima.add(MinimumSocial.RSA)
        elif draw < 0.53 and age is not AgeBand.FROM_18_TO_25:
            minima.add(MinimumSocial.ASS)
        aah = rng.random() < 0.05
        if aah:
            minima.add(MinimumSocial.AAH)
        qpv = rng.random() < 0.3
        return SituationAtEntry(
            age_band=age,
            education=_EDUCATION(rng),
            jobless=_JOBLESS(rng),
            minima_sociaux=frozenset(minima),
            rqth=aah or rng.random() < 0.07,
            qpv=qpv,
            zrr=not qpv and rng.random() < 0.12,
        )

    def _prescripteur(self, situation: SituationAtEntry) -> PrescripteurId | None:
        weights = [
            ("france_travail", 50.0),
            ("mission_locale", 60.0 if situation.age_band is AgeBand.FROM_18_TO_25 else 0.0),
            ("cap_emploi", 40.0 if situation.rqth else 0.0),
            (
                "conseil_departemental",
                25.0 if MinimumSocial.RSA in situation.minima_sociaux else 0.0,
            ),
            ("spip", 4.0),
            ("plie", 8.0),
            ("", 5.0),
        ]
        code = _Weighted(weights)(self.rng)
        return PrescripteurId(f"presc-{code}") if code else None

    def _personal(self, situation: SituationAtEntry) -> PersonalDataRecorded:
        rng = self.rng
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        low, high = _AGE_YEARS[situation.age_band]
        age = rng.randint(low, high)
        try:
            birthday = self.hire.replace(year=self.hire.year - age)
        except ValueError:  # 29 February
            birthday = self.hire.replace(year=self.hire.year - age, day=28)
        email = f"{_ascii(first)}.{_ascii(last)}{rng.randrange(100)}@example.org"
        return PersonalDataRecorded(
            data=PersonalData(
                first_name=first,
                last_name=last,
                birth_date=birthday - dt.timedelta(days=rng.randrange(360)),
                email=email if rng.random() < 0.7 else None,
                phone=_phone(rng) if rng.random() < 0.85 else None,
            )
        )

    # -- contracts --------------------------------------------------------------------

    def _cddi(self, category: SortieCategory, motif: SortieMotif, stay: str) -> _Contracts:
        """ACI, EI, EITI: one contract, renewed within 24 months, maybe suspended."""
        rng, hire = self.rng, self.hire
        cap = min(months_after(hire, 24), self.pass_end)
        months = rng.choice((4, 4, 5, 6, 6, 6))
        ends = [min(months_after(hire, months), cap)]
        if rng.random() < self.scenario.renewal_rate:
            while ends[-1] < cap:
                ends.append(min(months_after(ends[-1] + _DAY, rng.choice((4, 5, 6, 6))), cap))
                if rng.random() < 0.45:
                    break
        final = ends[-1]
        if stay == "essai":
            sortie = _weekday_on_or_before(hire + dt.timedelta(days=rng.randint(2, 25)))
            reason = ContractEndReason.PERIODE_ESSAI
        elif stay == "early":
            sortie = _weekday_on_or_before(hire + dt.timedelta(days=rng.randint(15, 80)))
            reason = self._early_reason(category, motif)
        else:
            low = hire + dt.timedelta(days=100)
            if len(ends) > 1:
                low = max(low, ends[-2] + _DAY)
            chance = 0.55 if category is SortieCategory.AUTRE_SORTIE else 0.4
            if motif in _AT_TERM or low >= final or rng.random() < chance:
                sortie, reason = final, ContractEndReason.TERME
            else:
                offset = dt.timedelta(days=rng.randrange((final - low).days))
                sortie = max(low, _weekday_on_or_before(low + offset))
                reason = self._early_reason(category, motif)
        contract_id = ContractId(self._id("contrat"))
        kind = ContractKind.ACCOMPAGNEMENT_EITI if self.kind is SiaeKind.EITI else ContractKind.CDDI
        weekly = rng.choice(_WEEKLY_HOURS.get(self.kind, (26,)))
        events: list[tuple[dt.date, object]] = []
        for previous, end in itertools.pairwise(ends):
            if previous >= sortie:
                break
            day = max(
                hire + _DAY,
                _weekday_on_or_before(previous - dt.timedelta(days=rng.randint(5, 25))),
            )
            events.append((day, ContractRenewed(contract=contract_id, end=end)))
        off = None
        stayed = (sortie - hire).days
        if stay == "normal" and stayed > 150 and rng.random() < self.scenario.suspension_rate:
            start = self._day(hire + dt.timedelta(days=30), stayed - 90)
            segment_end = next(end for end in ends if end >= start)
            end = min(start + dt.timedelta(days=rng.randint(20, 90)), sortie - _DAY, segment_end)
            recorded = _weekday_on_or_after(start + dt.timedelta(days=16))
            if (end - start).days >= 16 and recorded < sortie:
                off = (start, end)
                events.append(
                    (recorded, ContractSuspended(contract=contract_id, start=start, end=end))
                )
                suspension = PassSuspension(
                    start=start, end=end, reason=SuspensionReason.CONTRAT_SUSPENDU
                )
                events.append((recorded, PassSuspended(suspension=suspension)))
        attendance = rng.uniform(0.8, 1.0)
        return _Contracts(
            first=Contract(
                id=contract_id,
                kind=kind,
                start=hire,
                end=ends[0],
                weekly_hours=Decimal(weekly),
            ),
            last=contract_id,
            sortie=sortie,
            end_reason=reason,
            events=events,
            hours=_month_hours(hire, sortie, weekly, attendance, contract_id, off),
        )

    def _missions(self, category: SortieCategory, motif: SortieMotif, stay: str) -> _Contracts:
        """AI and ETTI: a series of mises à disposition or missions, with gaps.

        An AI keeps each salarié·e's hours with companies under 480 (art. L5132-9):
        past that, its placements go to individuals, public bodies or non-profits.
        """
        rng, hire, world = self.rng, self.hire, self.world
        ai = self.kind is SiaeKind.AI
        limit = self.pass_end
        if stay == "essai":
            target = hire
        elif stay == "early":
            target = hire + dt.timedelta(days=rng.randint(20, 80))
        else:
            target = hire + dt.timedelta(days=int(rng.triangular(100, 700, 220)))
        target = min(target, limit)
        renews = rng.random() < self.scenario.renewal_rate
        wants_suspension = stay == "normal" and rng.random() < self.scenario.suspension_rate
        suspension: tuple[dt.date, dt.date] | None = None
        missions: list[_Mission] = []
        company_hours = Decimal(0)
        day = hire
        while True:
            if ai:
                client_kind = _AI_CLIENTS(rng)
                (low, high), (wlow, whigh) = _AI_PLACEMENTS[client_kind]
                length, weekly = rng.randint(low, high), rng.randint(wlow, whigh)
            else:
                client_kind = ClientKind.ENTREPRISE
                length, weekly = int(rng.triangular(3, 90, 12)), 35
            if stay == "essai":
                length = max(length, 15)
            end = min(day + dt.timedelta(days=length - 1), limit)
            mission = _Mission(
                id=ContractId(self._id("contrat")),
                start=day,
                end=end,
                weekly=weekly,
                client_kind=client_kind,
                client=None,
                attendance=rng.uniform(0.85, 1.0),
            )
            if renews and stay != "essai" and (end - day).days >= 10 and rng.random() < 0.3:
                mission.extended = min(end + dt.timedelta(days=rng.randint(5, 25)), limit)
            if ai and client_kind is ClientKind.ENTREPRISE:
                placed = sum((h for _, _, h in self._hours_of(mission, mission.last)), Decimal(0))
                if company_hours + placed > AI_COMPANY_HOURS:
                    mission.client_kind = rng.choice(
                        (ClientKind.PARTICULIER, ClientKind.COLLECTIVITE, ClientKind.ASSOCIATION)
                    )
                else:
                    company_hours += placed
            nature = _NATURE_OF_CLIENT.get(mission.client_kind)
            if nature is not None and rng.random() < 0.75:
                minute = (day.toordinal() - world.day0) * 1440
                mission.client = world.employer_by(minute, rng, nature)
            missions.append(mission)
            if stay == "essai":
                break
            gap = rng.randint(1, 21 if ai else 30)
            long_gap = wants_suspension and suspension is None and len(missions) >= 2
            if long_gap:
                gap = rng.randint(45, 120)
            day = _weekday_on_or_after(mission.last + dt.timedelta(days=gap))
            if day > target or day > limit:
                break  # (a long gap at the end is the sortie, not a suspension)
            if long_gap:
                suspension = (mission.last + _DAY, day - _DAY)
        last = missions[-1]
        if stay == "essai":
            sortie = max(
                last.start,
                _weekday_on_or_before(last.start + dt.timedelta(days=rng.randint(1, 10))),
            )
            reason = ContractEndReason.PERIODE_ESSAI
        elif (
            motif not in _AT_TERM
            and last.last > last.start
            and rng.random() < (0.4 if category.dynamic else 0.25)
        ):
            span = (last.last - last.start).days
            sortie = _weekday_on_or_before(last.start + dt.timedelta(days=rng.randrange(span)))
            sortie = max(sortie, last.start)
            reason = self._early_reason(category, motif)
        else:
            sortie, reason = last.last, ContractEndReason.TERME
        if last.extended is not None and sortie <= last.end:
            last.extended = None
        events: list[tuple[dt.date, object]] = []
        hours: list[tuple[dt.date, ContractId, Decimal]] = []
        for mission in missions:
            contract = Contract(
                id=mission.id,
                kind=ContractKind.MISE_A_DISPOSITION if ai else ContractKind.MISSION,
                start=mission.start,
                end=mission.end,
                weekly_hours=Decimal(mission.weekly),
                client_kind=mission.client_kind,
                client=mission.client,
            )
            if mission is not missions[0]:
                events.append((mission.start, ContractStarted(contract=contract)))
            if mission.extended is not None:
                renewed = max(
                    mission.start,
                    _weekday_on_or_before(mission.end - dt.timedelta(days=rng.randint(1, 4))),
                )
                events.append((renewed, ContractRenewed(contract=mission.id, end=mission.extended)))
            hours += self._hours_of(mission, min(mission.last, sortie))
        if suspension is not None:
            pass_suspension = PassSuspension(
                start=suspension[0], end=suspension[1], reason=SuspensionReason.CONTRAT_TERMINE
            )
            recorded = _weekday_on_or_after(suspension[0] + dt.timedelta(days=16))
            events.append((recorded, PassSuspended(suspension=pass_suspension)))
        first = missions[0]
        return _Contracts(
            first=Contract(
                id=first.id,
                kind=ContractKind.MISE_A_DISPOSITION if ai else ContractKind.MISSION,
                start=first.start,
                end=first.end,
                weekly_hours=Decimal(first.weekly),
                client_kind=first.client_kind,
                client=first.client,
            ),
            last=last.id,
            sortie=sortie,
            end_reason=reason,
            events=events,
            hours=hours,
        )

    @staticmethod
    def _hours_of(mission: _Mission, last: dt.date) -> list[tuple[dt.date, ContractId, Decimal]]:
        return _month_hours(mission.start, last, mission.weekly, mission.attendance, mission.id)

    # -- the whole stream ---------------------------------------------------------------

    def stream(self) -> _Stream:
        rng, plan, world = self.rng, self.plan, self.world
        category, motif, stay = self._draw_sortie()
        situation = self._situation()
        if self.kind in (SiaeKind.AI, SiaeKind.ETTI):
            contracts = self._missions(category, motif, stay)
        else:
            contracts = self._cddi(category, motif, stay)
        sortie_day = contracts.sortie
        hired = plan.minute(self.hire, 8.5, 9.25)
        plan.add(
            hired,
            Embauche(
                salarie=SalarieId(f"sal-{self.key}"),
                siae=world.siae.id,
                siae_kind=self.kind,
                situation=situation,
                pass_iae=PassIae(
                    number=f"99999{self.index + 1:07d}",
                    start=self.hire,
                    end=self.pass_end,
                ),
                contract=contracts.first,
                prescripteur=self._prescripteur(situation),
            ),
        )
        plan.add(hired + rng.randrange(20, 90), self._personal(situation))
        # Renewals, further contracts and suspensions: early in the morning (a
        # contract is recorded before the day's work), then the end of the contract.
        for day, payload in contracts.events:
            plan.add(max(plan.minute(day, 7.5, 8.25), hired + 1), payload)
        plan.add(
            plan.minute(sortie_day, 16, 16.75),
            ContractEnded(contract=contracts.last, date=sortie_day, reason=contracts.end_reason),
        )
        closing = plan.minute(sortie_day, 17, 17.5)
        plan.closing = closing
        # Bilans, freins and the plan d'action: only before the sortie.
        entry_day = min(sortie_day, self._day(self.hire + _DAY, 11))
        entry = max(plan.minute(entry_day, 10, 11.5), hired + 100)
        plan.add(entry, self._bilan(BilanKind.ENTREE, entry_day))
        self._freins(entry_day, entry, sortie_day, category)
        stayed = (sortie_day - self.hire).days
        if stayed > 180:
            middle = _weekday_on_or_after(self.hire + dt.timedelta(days=stayed // 2))
            plan.add(plan.minute(middle, 10, 16), self._bilan(BilanKind.INTERMEDIAIRE, middle))
        if motif is not SortieMotif.SANS_NOUVELLES or rng.random() < 0.5:
            plan.add(
                plan.minute(sortie_day, 14, 15.9),
                self._bilan(BilanKind.SORTIE, sortie_day),
                after_closing=True,
            )
        # Hours, month by month, declared early the next month (even after the sortie).
        if self.kind is not SiaeKind.EITI:
            for month, contract_id, hours in contracts.hours:
                declared = self._day(_next_month(month), 3)
                plan.add(
                    plan.minute(declared, 10, 12),
                    HoursWorked(hours=MonthlyHours(month=month, contract=contract_id, hours=hours)),
                    staff=world.admin,
                    after_closing=True,
                )
        # The sortie and the suivi dans l'emploi.
        employer = None
        hired_elsewhere = category.dynamic and motif is not SortieMotif.FORMATION_QUALIFIANTE
        if hired_elsewhere and rng.random() < 0.4:
            employer = world.employer_by(closing, rng)
        plan.add(
            closing,
            SortieRecorded(sortie=Sortie(date=sortie_day, motif=motif, employer=employer)),
            after_closing=True,
        )
        self._suivi(sortie_day, closing, category, motif, employer)
        if self.scenario.mediation:
            from ._synthetic_mediation import plan_mediation

            plan_mediation(self, category, motif, sortie_day, employer)
        return _Stream(stream_id(StreamKind.PARCOURS, f"p-{self.key}"), plan.items)

    def _bilan(self, kind: BilanKind, day: dt.date) -> BilanRecorded:
        return BilanRecorded(bilan=Bilan(id=BilanId(self._id("bilan")), kind=kind, date=day))

    def _freins(
        self, entry_day: dt.date, entry: int, sortie_day: dt.date, category: SortieCategory
    ) -> None:
        rng, plan = self.rng, self.plan
        count = min(_poisson(rng, self.scenario.freins_mean), 8)
        themes: list[FreinTheme] = []
        for _ in range(count * 4):
            if len(themes) == count:
                break
            theme = _THEMES(rng)
            if theme not in themes:
                themes.append(theme)
        for rank, theme in enumerate(themes):
            frein_id = FreinId(self._id("frein"))
            span = (sortie_day - entry_day).days
            if rng.random() < 0.7 or span < 20:
                day, identified = entry_day, entry + 5 + rank
            else:
                day = self._day(entry_day + dt.timedelta(days=5), span - 15)
                identified = plan.minute(day, 9, 16)
            frein = Frein(id=frein_id, theme=theme, identified_on=day)
            if plan.add(identified, FreinIdentified(frein=frein)) is None:
                continue
            if rng.random() < 0.85:
                self._objective(frein, identified)
            lifted: dt.date | None = None
            left = (sortie_day - day).days
            if theme is FreinTheme.TROUVER_UN_EMPLOI and category.dynamic:
                lifted = _weekday_on_or_before(sortie_day - dt.timedelta(days=rng.randint(0, 5)))
            elif left > 16 and rng.random() < self.scenario.frein_lift_rate:
                lifted = self._day(day + dt.timedelta(days=15), left - 16)
            if lifted is not None and lifted >= day:
                plan.add(
                    max(plan.minute(lifted, 9, 16.9), identified + 1), FreinLifted(frein=frein_id)
                )

    def _objective(self, frein: Frein, identified: int) -> None:
        rng, plan = self.rng, self.plan
        label, actions = _PLANS[frein.theme]
        day = self._day(frein.identified_on, 14)
        objective_id = ObjectiveId(self._id("objectif"))
        defined = plan.add(
            max(plan.minute(day, 9, 17), identified + 1),
            ObjectiveDefined(objective=Objective(id=objective_id, label=label, freins=(frein.id,))),
        )
        if defined is None:
            return
        for action_label in rng.sample(actions, k=rng.randint(1, min(3, len(actions)))):
            action_day = self._day(day, 7)
            action_id = ActionId(self._id("action"))
            action = Action(
                id=action_id,
                objective=objective_id,
                label=action_label,
                due=action_day + dt.timedelta(days=rng.randint(14, 90)),
            )
            previous = plan.add(
                max(plan.minute(action_day, 9, 17), defined + 1), ActionPlanned(action=action)
            )
            if previous is None:
                continue
            outcome = _ACTION_END(rng)
            path = {
                ActionStatus.PLANNED: (),
                ActionStatus.IN_PROGRESS: (ActionStatus.IN_PROGRESS,),
                ActionStatus.STANDBY: (ActionStatus.IN_PROGRESS, ActionStatus.STANDBY),
                ActionStatus.DONE: (ActionStatus.IN_PROGRESS, ActionStatus.DONE),
                ActionStatus.ABANDONED: (ActionStatus.IN_PROGRESS, ActionStatus.ABANDONED),
                ActionStatus.CANCELLED: (ActionStatus.CANCELLED,),
            }[outcome]
            step_day = action_day
            for status in path:
                step_day = self._day(step_day + dt.timedelta(days=3), 40)
                step = plan.add(
                    max(plan.minute(step_day, 9, 17), previous + 1),
                    ActionStatusChanged(action=action_id, status=status),
                )
                if step is None:
                    break
                previous = step

    def _suivi(
        self,
        sortie_day: dt.date,
        sortie: int,
        category: SortieCategory,
        motif: SortieMotif,
        employer: EmployerId | None,
    ) -> None:
        if category is SortieCategory.RETRAIT or motif is SortieMotif.SANS_NOUVELLES:
            return
        rng, plan = self.rng, self.plan
        chances = _SUIVI_CHANCE[category.dynamic]
        employed = _IN_EMPLOYMENT[category]
        for months, chance, in_employment in zip(_SUIVI_MONTHS, chances, employed, strict=True):
            if rng.random() >= chance:
                continue
            day = self._day(months_after(sortie_day, months) + _DAY, 2)
            working = rng.random() < in_employment
            party = (
                SuiviWith.EMPLOYEUR
                if working and employer is not None and rng.random() < 0.35
                else SuiviWith.SALARIE
            )
            contact = SuiviContact(
                date=day,
                party=party,
                in_employment=working,
                employer=employer if working else None,
            )
            plan.add(
                max(plan.minute(day, 9.5, 16.5), sortie + 1),
                SuiviContactRecorded(contact=contact),
                after_closing=True,
            )


# -- the generator --------------------------------------------------------------------------


def generate(scenario: Scenario) -> Iterator[Event[Any]]:
    """The event log of ``scenario``, lazily, in global time order.

    The order is by ``occurred_at`` across streams (ties in a stable, seeded order);
    within each stream, events are in the order they fold.  Event ids are unique,
    ULID-like (26 characters of Crockford base 32: the time of the event in
    milliseconds, a counter, a tag drawn from the seed), so they sort in log order.
    ``recorded_at`` follows ``occurred_at`` by a few minutes (sometimes days);
    ``recorded_by`` is a permanent·e of the structure.
    """
    world = _World(scenario)
    master = world.master
    day0 = world.day0
    end = world.end_minute
    base = dt.datetime.combine(scenario.start, dt.time(0), tzinfo=PARIS)
    tag = _b32(world.tag, 8)
    heap: list[tuple[int, int, _Stream]] = []
    order = itertools.count()

    def open_stream(stream: _Stream) -> None:
        if stream.items:
            heapq.heappush(heap, (stream.items[-1][0], next(order), stream))

    def hire_day(index: int) -> dt.date:
        offset = int((index + master.random()) * scenario.days / scenario.parcours)
        return _weekday_on_or_after(scenario.start + dt.timedelta(days=offset))

    open_stream(world.structure())
    employer_days = world.employer_days
    employers, next_employer = len(employer_days), 0
    people, next_person = scenario.parcours, 0
    next_hire = hire_day(0) if people else scenario.start
    counter = 0
    minute_delta = dt.timedelta(minutes=1)
    while True:
        top = heap[0][0] if heap else end
        if next_employer < employers and employer_days[next_employer] * 1440 <= top:
            open_stream(world.employer(next_employer))
            next_employer += 1
            continue
        if next_person < people and (next_hire.toordinal() - day0) * 1440 <= top:
            open_stream(world.parcours(next_person, next_hire))
            next_person += 1
            if next_person < people:
                next_hire = hire_day(next_person)
            continue
        if not heap:
            return
        minute, _, stream = heap[0]
        if minute >= end:
            return
        _, _, payload, staff, delay = stream.items.pop()
        occurred = base + minute * minute_delta
        counter += 1
        event_id = _b32(int(occurred.timestamp() * 1000) << 40 | counter, 18) + tag
        yield Event(
            id=EventId(event_id),
            stream=stream.id,
            occurred_at=occurred,
            recorded_at=occurred + delay * minute_delta,
            recorded_by=staff,
            payload=payload,
        )
        if stream.items:
            heapq.heapreplace(heap, (stream.items[-1][0], next(order), stream))
        else:
            heapq.heappop(heap)
