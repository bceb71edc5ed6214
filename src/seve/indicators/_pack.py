"""The dialogue de gestion pack: the yearly figures a structure brings to its review with
the State, pre-filled from the log."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any, Final

from attrs import frozen

from ..model import (
    AgeBand,
    EducationLevel,
    Event,
    JoblessDuration,
    MinimumSocial,
    SituationAtEntry,
    SortieCategory,
)
from ._base import Report, fold_indicators, reports
from ._context import Context
from ._digest import Digest, ParcoursDigest, read_log
from ._official import ExitClassification, classify_exits
from ._period import Filters, ReportingPeriod

__all__ = ["DIMENSIONS", "BreakdownRow", "Pack", "dialogue_de_gestion"]

_Modality = tuple[str, str, Callable[[SituationAtEntry], bool]]


def _bool(name: str) -> tuple[_Modality, ...]:
    return (
        ("oui", "oui", lambda s: bool(getattr(s, name))),
        ("non", "non", lambda s: not getattr(s, name)),
    )


def _enum(name: str, members: Iterable[Any]) -> tuple[_Modality, ...]:
    return tuple((m.value, m.label, lambda s, m=m: getattr(s, name) is m) for m in members)


#: The public's characteristics, as the ASP records them at entry: (code, label,
#: modalities).  A person with two minima sociaux counts under both.
DIMENSIONS: Final[tuple[tuple[str, str, tuple[_Modality, ...]], ...]] = (
    (
        "minima_sociaux",
        "Bénéficiaires de minima sociaux",
        (
            *((m.value, m.label, lambda s, m=m: m in s.minima_sociaux) for m in MinimumSocial),
            ("aucun", "aucun minimum social", lambda s: not s.minima_sociaux),
        ),
    ),
    ("rqth", "Reconnaissance de la qualité de travailleur handicapé (RQTH)", _bool("rqth")),
    ("qpv", "Résidant en quartier prioritaire (QPV)", _bool("qpv")),
    ("zrr", "Résidant en zone de revitalisation rurale (ZRR)", _bool("zrr")),
    ("age", "Tranche d'âge à l'entrée", _enum("age_band", AgeBand)),
    ("niveau_formation", "Niveau de formation", _enum("education", EducationLevel)),
    ("duree_sans_emploi", "Durée sans emploi à l'entrée", _enum("jobless", JoblessDuration)),
)


@frozen(kw_only=True)
class BreakdownRow:
    """The figures of the year for one modality of a characteristic of the public.

    :param present: salarié·es present in the year; ``hired``: hired in it.
    :param examined: sorties examinées of the year; ``dynamic``: of which dynamic;
        ``durable``: of which emploi durable.
    :param hours: hours worked in the year.
    """

    dimension: str
    dimension_label: str
    modality: str
    label: str
    present: int
    hired: int
    examined: int
    dynamic: int
    durable: int
    hours: Decimal


@frozen(kw_only=True)
class Pack:
    """The dialogue de gestion of one year: the report, every sortie classified and
    explained, and the breakdowns by characteristic of the public."""

    year: int
    report: Report
    exits: tuple[ExitClassification, ...]
    breakdowns: tuple[BreakdownRow, ...]


def _rows(digest: Digest, ctx: Context) -> Iterator[BreakdownRow]:
    period = ctx.period
    exits = {c.parcours: c for c in classify_exits(digest, ctx)}
    people = [p for p in ctx.parcours(digest) if p.situation is not None]

    def hours(p: ParcoursDigest) -> Decimal:
        return sum((h for m, h, _e in p.hours if m in period), Decimal(0))

    for code, label, modalities in DIMENSIONS:
        for value, value_label, test in modalities:
            chosen = [p for p in people if p.situation is not None and test(p.situation)]
            examined = [
                exits[p.stream] for p in chosen if p.stream in exits and exits[p.stream].examined
            ]
            yield BreakdownRow(
                dimension=code,
                dimension_label=label,
                modality=value,
                label=value_label,
                present=sum(p.present_during(period) for p in chosen),
                hired=sum(p.embauche in period for p in chosen),
                examined=len(examined),
                dynamic=sum(c.category.dynamic for c in examined),
                durable=sum(c.category is SortieCategory.EMPLOI_DURABLE for c in examined),
                hours=sum((hours(p) for p in chosen), Decimal(0)),
            )


def dialogue_de_gestion(
    source: Iterable[Event[Any]] | Digest,
    year: int,
    *,
    filters: Filters | None = None,
    **options: Any,
) -> Pack:
    """The pack of ``year`` for the structures ``filters`` keeps (usually one SIAE).

    ``options`` are those of :func:`~seve.indicators.reports` (plugins, tables...): the
    plugins' indicators appear in the pack's report too.
    """
    period = ReportingPeriod.year(year)
    if isinstance(source, Digest):
        digest = source
    else:
        folds = fold_indicators(options.get("plugins"), options.get("indicators", ()))
        digest = read_log(source, indicators=folds, periods=[period])
    keep = filters if filters is not None else Filters()
    (report,) = reports(digest, [period], filters=keep, **options)
    ctx = Context(period=period, filters=keep, **_tables(options))
    return Pack(
        year=year,
        report=report,
        exits=classify_exits(digest, ctx),
        breakdowns=tuple(_rows(digest, ctx)),
    )


def _tables(options: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k in ("motifs", "rules") if (v := options.get(k)) is not None}
