"""The plan d'action: freins, objectives tied to them, actions; bilans and suivi."""

from __future__ import annotations

import datetime as dt

import attrs
from attrs import field, frozen

from ._base import LabelledEnum, date_range, identifier, non_empty, personal, sensitive
from ._ids import ActionId, BilanId, EmployerId, FreinId, ObjectiveId

__all__ = [
    "Action",
    "ActionStatus",
    "Bilan",
    "BilanKind",
    "Frein",
    "FreinTheme",
    "Objective",
    "SuiviContact",
    "SuiviWith",
]


class FreinTheme(LabelledEnum):
    """Reference list of freins (obstacles to employment), social then professional."""

    LOGEMENT = ("logement", "Logement")
    MOBILITE = ("mobilite", "Mobilité")
    SANTE = ("sante", "Santé")
    CONTRAINTES_FAMILIALES = ("contraintes_familiales", "Contraintes familiales")
    LANGUE = ("langue", "Maîtrise de la langue française")
    NUMERIQUE = ("numerique", "Numérique")
    ADMINISTRATIF = ("administratif", "Difficultés administratives")
    FINANCIER = ("financier", "Difficultés financières")
    JUSTICE = ("justice", "Justice")
    ADDICTIONS = ("addictions", "Addictions")
    CHOISIR_UN_METIER = ("choisir_un_metier", "Choisir un métier")
    SE_FORMER = ("se_former", "Se former")
    CANDIDATURE = ("candidature", "Préparer sa candidature")
    TROUVER_UN_EMPLOI = ("trouver_un_emploi", "Trouver un emploi")
    CREER_ENTREPRISE = ("creer_entreprise", "Créer une entreprise")

    @property
    def sensitive(self) -> bool:
        """Themes that are sensitive by nature (the existence of the frein is)."""
        return self in _SENSITIVE_THEMES


_SENSITIVE_THEMES = frozenset(
    {FreinTheme.SANTE, FreinTheme.JUSTICE, FreinTheme.ADDICTIONS, FreinTheme.LOGEMENT}
)


@frozen(kw_only=True)
class Frein:
    """An obstacle identified with the person; lifted *during* action for employment."""

    id: FreinId = field(validator=identifier)
    theme: FreinTheme = sensitive()
    identified_on: dt.date
    detail: str | None = sensitive(default=None)
    lifted_on: dt.date | None = field(
        default=None, validator=date_range("identified_on", "lifted_on")
    )

    @property
    def open(self) -> bool:
        return self.lifted_on is None


@frozen(kw_only=True)
class Objective:
    """An objective of the plan d'action, decided by the person, tied to freins."""

    id: ObjectiveId = field(validator=identifier)
    label: str = sensitive(validator=non_empty)
    freins: tuple[FreinId, ...] = ()


class ActionStatus(LabelledEnum):
    """Where an action of the plan stands."""

    PLANNED = ("planned", "Prévue")
    IN_PROGRESS = ("in_progress", "En cours")
    STANDBY = ("standby", "En attente")
    DONE = ("done", "Réalisée")
    ABANDONED = ("abandoned", "Abandonnée par la personne")
    CANCELLED = ("cancelled", "Annulée par la structure")

    @property
    def closed(self) -> bool:
        return self in (ActionStatus.DONE, ActionStatus.ABANDONED, ActionStatus.CANCELLED)


@frozen(kw_only=True)
class Action:
    """An action agreed to reach an objective, and the freins it works to lift."""

    id: ActionId = field(validator=identifier)
    objective: ObjectiveId = field(validator=identifier)
    label: str = sensitive(validator=non_empty)
    status: ActionStatus = ActionStatus.PLANNED
    due: dt.date | None = None
    freins: tuple[FreinId, ...] = ()


class BilanKind(LabelledEnum):
    """The structured reviews of a parcours."""

    ENTREE = ("entree", "Bilan d'entrée")
    INTERMEDIAIRE = ("intermediaire", "Bilan intermédiaire")
    SORTIE = ("sortie", "Bilan de sortie")


@frozen(kw_only=True)
class Bilan:
    """A review: its private ``notes`` stay within the SIAE staff; its ``synthesis``
    is what may be shared with the person and their prescripteur."""

    id: BilanId = field(validator=identifier)
    kind: BilanKind
    date: dt.date
    notes: str | None = sensitive(default=None)
    synthesis: str | None = personal(default=None)


class SuiviWith(LabelledEnum):
    """Who the SIAE talked to during suivi dans l'emploi."""

    SALARIE = ("salarie", "La personne")
    EMPLOYEUR = ("employeur", "L'employeur")


@frozen(kw_only=True)
class SuiviContact:
    """A follow-up contact after the sortie (suivi dans l'emploi).

    Like a :class:`Bilan`, its private ``notes`` stay within the SIAE staff and its
    ``synthesis`` may be shared with the person and their prescripteur.
    """

    date: dt.date
    party: SuiviWith
    in_employment: bool | None = None
    employer: EmployerId | None = field(
        default=None, validator=attrs.validators.optional(identifier)
    )
    notes: str | None = sensitive(default=None)
    synthesis: str | None = personal(default=None)
