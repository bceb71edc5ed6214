"""The sortie: the end of a salarié·e's contract with the SIAE, with its motif.

Each motif falls into one ASP category.  The table motif -> category is *data*
(``seve/data/motifs_sortie.toml``), versioned with its source, and a host may load
its own with :meth:`MotifTable.from_toml`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
from attrs import field, frozen

from ._base import LabelledEnum, identifier
from ._ids import EmployerId

__all__ = ["MotifTable", "Sortie", "SortieCategory", "SortieMotif", "default_motif_table"]


class SortieCategory(LabelledEnum):
    """The ASP categories of exits, used by the official rates."""

    EMPLOI_DURABLE = ("emploi_durable", "Emploi durable")
    EMPLOI_DE_TRANSITION = ("emploi_de_transition", "Emploi de transition")
    SORTIE_POSITIVE = ("sortie_positive", "Sortie positive")
    AUTRE_SORTIE = ("autre_sortie", "Autre sortie")
    RETRAIT = ("retrait", "Retrait des sorties constatées")

    @property
    def dynamic(self) -> bool:
        """Whether it counts in the *taux de sortie dynamique*."""
        return self in (
            SortieCategory.EMPLOI_DURABLE,
            SortieCategory.EMPLOI_DE_TRANSITION,
            SortieCategory.SORTIE_POSITIVE,
        )


class SortieMotif(LabelledEnum):
    """Motifs of sortie, as the ASP lists them (labels abridged)."""

    CDI = ("cdi", "Embauche en CDI (hors IAE)")
    CDI_AIDE = ("cdi_aide", "Embauche en CDI aidé")
    CDD_6_MOIS_ET_PLUS = ("cdd_6_mois_et_plus", "CDD ou intérim de 6 mois et plus (hors IAE)")
    CREATION_ENTREPRISE = ("creation_entreprise", "Création ou reprise d'entreprise")
    FONCTION_PUBLIQUE = ("fonction_publique", "Intégration dans la fonction publique")
    CDD_MOINS_6_MOIS = ("cdd_moins_6_mois", "CDD ou intérim de moins de 6 mois (hors IAE)")
    CONTRAT_AIDE = ("contrat_aide", "Contrat aidé chez un autre employeur")
    FORMATION_QUALIFIANTE = (
        "formation_qualifiante",
        "Entrée ou poursuite en formation qualifiante",
    )
    AUTRE_SIAE = ("autre_siae", "Embauche dans une autre SIAE")
    AUTRE_SORTIE_POSITIVE = ("autre_sortie_positive", "Autre sortie reconnue comme positive")
    CHOMAGE = ("chomage", "Au chômage")
    INACTIF = ("inactif", "Inactif")
    SANS_NOUVELLES = ("sans_nouvelles", "Sans nouvelles")
    DECES = ("deces", "Décès")
    CONGE_LONGUE_DUREE = ("conge_longue_duree", "Congé de longue durée (maternité, maladie)")
    RETRAITE = ("retraite", "Départ à la retraite")
    RUPTURE_PERIODE_ESSAI = ("rupture_periode_essai", "Rupture pendant la période d'essai")
    TRANSFERT_EMPLOYEUR = (
        "transfert_employeur",
        "Transfert vers un autre employeur (même contrat)",
    )
    SORTIE_AUTOMATIQUE = ("sortie_automatique", "Sortie automatique")
    DECISION_ADMINISTRATIVE = ("decision_administrative", "Décision administrative ou de justice")


def _complete(_inst: object, _attribute: Any, value: Mapping[SortieMotif, SortieCategory]) -> None:
    missing = set(SortieMotif) - value.keys()
    if missing:
        names = ", ".join(sorted(m.value for m in missing))
        raise ValueError(f"motifs sans catégorie dans la table : {names}")


@frozen(kw_only=True)
class MotifTable:
    """Which ASP category each motif falls into, with where the table comes from."""

    version: str
    source: str
    categories: Mapping[SortieMotif, SortieCategory] = field(validator=_complete)

    def category(self, motif: SortieMotif) -> SortieCategory:
        return self.categories[motif]

    @classmethod
    def from_toml(cls, text: str) -> MotifTable:
        """Read a table in the format of ``seve/data/motifs_sortie.toml``.

        Every motif must be mapped: a partial table raises :class:`ValueError`.
        """
        data = tomllib.loads(text)
        categories = {
            SortieMotif.from_code(code): SortieCategory.from_code(category)
            for code, category in data["categories"].items()
        }
        return cls(version=str(data["version"]), source=data["source"], categories=categories)

    @classmethod
    def from_path(cls, path: Path) -> MotifTable:
        return cls.from_toml(path.read_text(encoding="utf-8"))


def default_motif_table() -> MotifTable:
    """The table seve ships (see ``docs/model.md`` for its source)."""
    text = resources.files("seve").joinpath("data/motifs_sortie.toml").read_text("utf-8")
    return MotifTable.from_toml(text)


@frozen(kw_only=True)
class Sortie:
    """The end of the parcours in the SIAE; its category comes from a :class:`MotifTable`.

    :param employer: the employer the person leaves for, when it is in the network.
    """

    date: dt.date
    motif: SortieMotif
    employer: EmployerId | None = field(
        default=None, validator=attrs.validators.optional(identifier)
    )
