"""The official figures of the dialogue de gestion: the public, hours worked, sorties by
ASP category, sorties examinées and the two exit rates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Final

from attrs import frozen

from ..model import EventId, SiaeKind, SortieCategory, SortieMotif
from ._context import Context
from ._digest import Digest, ParcoursDigest
from ._figures import Evidence, Figure, FigureKind, count, ratio

__all__ = [
    "ExitClassification",
    "classify_exits",
    "embauches",
    "heures_travaillees",
    "salaries_presents",
    "sorties",
    "sorties_examinees",
    "taux_emploi_durable",
    "taux_sortie_dynamique",
]

#: Where the official definitions come from.
ASP: Final = (
    "ASP / DGEFP, dialogue de gestion des SIAE : motifs et catégories de sortie, "
    "règles des sorties examinées"
)

#: The categories counted in the rates, in the order reports show them.
COUNTED: Final = (
    SortieCategory.EMPLOI_DURABLE,
    SortieCategory.EMPLOI_DE_TRANSITION,
    SortieCategory.SORTIE_POSITIVE,
    SortieCategory.AUTRE_SORTIE,
)


@frozen(kw_only=True)
class ExitClassification:
    """One sortie of the period, classified as the dialogue de gestion counts it.

    :param parcours: the parcours stream (pseudonymous; exports for funders hash it).
    :param examined: whether it counts in the rates; ``reason`` says why, in French.
    :param events: the embauche, the sortie and, for the rules on hours, every
        ``hours_worked`` event behind the total.
    """

    parcours: str
    siae: str | None
    kind: SiaeKind
    embauche: dt.date
    sortie: dt.date
    motif: SortieMotif
    category: SortieCategory
    examined: bool
    reason: str
    hours: Decimal
    events: tuple[EventId, ...]

    @property
    def explanation(self) -> str:
        """The whole classification in one French sentence."""
        counted = "examinée" if self.examined else "non examinée"
        return (
            f"{self.motif.label} : {self.category.label.lower()} ; sortie {counted} ({self.reason})"
        )

    def evidence(self) -> Evidence:
        return Evidence(subject=self.parcours, events=self.events, note=self.explanation)


def _leavers(digest: Digest, ctx: Context) -> Iterator[ParcoursDigest]:
    for p in ctx.parcours(digest):
        if p.sortie is not None and p.sortie.date in ctx.period:
            yield p


def classify_exits(digest: Digest, ctx: Context) -> tuple[ExitClassification, ...]:
    """Every sortie of the period (of the structures kept), classified and explained."""
    cached = ctx.cached("exits")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    found = []
    for p in _leavers(digest, ctx):
        assert p.sortie is not None
        assert p.embauche is not None
        assert p.kind is not None
        category = ctx.motifs.category(p.sortie.motif)
        hours = p.hours_worked
        events = [e for e in (p.embauche_event, p.sortie_event) if e is not None]
        if category is SortieCategory.RETRAIT:
            examined, reason = False, "un retrait n'est jamais compté"
        else:
            rule = ctx.rules.rule(p.kind)
            examined, reason = rule.examined(p.embauche, p.sortie.date, hours)
            if rule.hours is not None:
                events += [eid for _m, _h, eid in p.hours]
        found.append(
            ExitClassification(
                parcours=p.stream,
                siae=p.siae,
                kind=p.kind,
                embauche=p.embauche,
                sortie=p.sortie.date,
                motif=p.sortie.motif,
                category=category,
                examined=examined,
                reason=reason,
                hours=hours,
                events=tuple(sorted(events)),
            )
        )
    found.sort(key=lambda c: (c.sortie, c.parcours))
    return ctx.keep("exits", tuple(found))  # type: ignore[no-any-return]


def _explained(digest: Digest, ctx: Context) -> list[tuple[ExitClassification, Evidence]]:
    """The sorties of the period, each with its evidence (one object for every figure)."""
    cached = ctx.cached("explained")
    if cached is None:
        cached = ctx.keep("explained", [(c, c.evidence()) for c in classify_exits(digest, ctx)])
    return cached  # type: ignore[no-any-return]


def salaries_presents(digest: Digest, ctx: Context) -> Figure:
    """Salarié·es under contract some day of the period."""
    return count(
        "salaries_presents",
        "Salarié·es en transition présent·es sur la période",
        (ctx.hired(p) for p in ctx.parcours(digest) if p.present_during(ctx.period)),
        source="fiche salarié ASP : embauches et sorties",
    )


def embauches(digest: Digest, ctx: Context) -> Figure:
    """Parcours whose first contract starts in the period."""
    return count(
        "embauches",
        "Embauches (entrées en parcours)",
        (ctx.hired(p) for p in ctx.parcours(digest) if p.embauche in ctx.period),
        source="fiche salarié ASP : date d'embauche",
    )


def heures_travaillees(digest: Digest, ctx: Context) -> Figure:
    """Hours worked in the months that start in the period, as declared (suivi mensuel
    ASP): hours are monthly, so a month counts in the period its first day falls in."""
    items = []
    start, end = ctx.period.start, ctx.period.end
    for p in digest.selected_parcours(ctx.filters):  # a month may start before an embauche
        months = [(h, eid) for month, h, eid in p.hours if start <= month <= end]
        if months:
            total = sum((h for h, _e in months), Decimal(0))
            items.append(Evidence(subject=p.stream, events=[e for _h, e in months], amount=total))
    return Figure(
        code="heures_travaillees",
        label="Heures travaillées (suivi mensuel)",
        kind=FigureKind.AMOUNT,
        value=sum((e.amount for e in items if e.amount is not None), Decimal(0)),
        evidence=items,
        source="suivi mensuel ASP : heures travaillées par mois",
    )


def _by_category(
    code: str,
    label: str,
    exits: list[tuple[ExitClassification, Evidence]],
    categories: Iterable[SortieCategory],
    source: str,
) -> Figure:
    """A count of ``exits``, with one part per category (``<code>.<category>``)."""
    parts = tuple(
        count(
            f"{code}.{category.value}",
            category.label,
            (e for c, e in exits if c.category is category),
        )
        for category in categories
    )
    return count(code, label, (e for _c, e in exits), source=source, parts=parts)


def sorties(digest: Digest, ctx: Context) -> Figure:
    """Every sortie of the period, by ASP category (retraits included)."""
    return _by_category(
        "sorties",
        "Sorties de la période, par catégorie ASP",
        _explained(digest, ctx),
        SortieCategory,
        f"{ASP} ; table {ctx.motifs.version}",
    )


def _examined(digest: Digest, ctx: Context) -> list[tuple[ExitClassification, Evidence]]:
    return [(c, e) for c, e in _explained(digest, ctx) if c.examined]


def sorties_examinees(digest: Digest, ctx: Context) -> Figure:
    """The sorties the rates count: ACI and EI after more than 3 months, AI and ETTI from
    150 hours worked, EITI all; retraits never (thresholds: :class:`CountingRules`)."""
    return _by_category(
        "sorties_examinees",
        "Sorties examinées (hors retraits, selon la durée ou les heures)",
        _examined(digest, ctx),
        COUNTED,
        f"{ASP} ; règles {ctx.rules.version}",
    )


def taux_sortie_dynamique(digest: Digest, ctx: Context) -> Figure:
    """(emploi durable + emploi de transition + sortie positive) / sorties examinées."""
    examined = _examined(digest, ctx)
    return ratio(
        "taux_sortie_dynamique",
        "Taux de sortie dynamique",
        (e for c, e in examined if c.category.dynamic),
        (e for _c, e in examined),
        source=ASP,
    )


def taux_emploi_durable(digest: Digest, ctx: Context) -> Figure:
    """emploi durable / sorties examinées."""
    examined = _examined(digest, ctx)
    return ratio(
        "taux_emploi_durable",
        "Taux d'emploi durable",
        (e for c, e in examined if c.category is SortieCategory.EMPLOI_DURABLE),
        (e for _c, e in examined),
        source=ASP,
    )
