"""Reports as data (JSON, CSV) and as a French text table."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, Final

from ..indicators import BUILTIN, Comparison, Figure, FigureKind, Pack, Report, shown

__all__ = [
    "CSV_COLUMNS",
    "comparison_text",
    "figure_text",
    "pack_csv",
    "pack_text",
    "report_csv",
    "report_json",
    "report_text",
    "to_data",
]

#: The columns of every CSV seve writes (see ``docs/indicators.md``).
CSV_COLUMNS: Final = (
    "section",
    "periode",
    "code",
    "modalite",
    "libelle",
    "valeur",
    "numerateur",
    "denominateur",
    "detail",
)


def _number(value: int | Decimal | None) -> Any:
    if value is None or isinstance(value, int):
        return value
    return str(value)


def _figure_data(figure: Figure) -> dict[str, Any]:
    return {
        "code": figure.code,
        "label": figure.label,
        "kind": figure.kind.value,
        "value": _number(figure.value),
        "shown": _shown(figure),
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "masked": figure.masked,
        "source": figure.source,
        "origin": figure.origin,
        "evidence": [
            {
                "subject": e.subject,
                "events": list(e.events),
                "amount": _number(e.amount),
                "note": e.note,
            }
            for e in figure.evidence
        ],
        "base": [{"subject": e.subject, "events": list(e.events)} for e in figure.base],
        "parts": [_figure_data(p) for p in figure.parts],
    }


def _shown(figure: Figure) -> str:
    if figure.masked is not None:
        return f"< {figure.masked}"
    return shown(figure)


def to_data(report: Report) -> dict[str, Any]:
    """A report as plain JSON-ready data (decimals as strings)."""
    return {
        "period": {
            "label": report.period.label,
            "start": report.period.start.isoformat(),
            "end": report.period.end.isoformat(),
        },
        "filters": report.filters.label,
        "events": report.events,
        "tables": {"motifs_sortie": report.motifs, "sorties_examinees": report.rules},
        "failures": list(report.failures),
        "figures": [_figure_data(f) for f in report.figures],
    }


def report_json(reports: Report | Sequence[Report], *, comparison: Comparison | None = None) -> str:
    """One report (or several) as JSON, with every figure's provenance."""
    data: Any
    if isinstance(reports, Report):
        data = to_data(reports)
    else:
        data = {"reports": [to_data(r) for r in reports]}
    if comparison is not None:
        data = {**data, "comparison": list(comparison.lines())}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _rows(report: Report, figure: Figure, parent: str | None = None) -> Iterator[list[Any]]:
    code, modality = (
        (parent, figure.code.removeprefix(f"{parent}.")) if parent else (figure.code, "")
    )
    detail = f"< {figure.masked}" if figure.masked is not None else ""
    yield [
        "indicateur",
        report.period.label,
        code,
        modality,
        figure.label,
        "" if figure.value is None else _number(figure.value),
        "" if figure.numerator is None else figure.numerator,
        "" if figure.denominator is None else figure.denominator,
        detail,
    ]
    for part in figure.parts:
        yield from _rows(report, part, figure.code)


def _csv(rows: Iterator[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def report_csv(reports: Report | Sequence[Report]) -> str:
    """Reports as one long CSV table (``;``-separated, UTF-8): one line per figure and per
    part, keyed by ``code`` and ``modalite`` (see ``docs/indicators.md``)."""
    chosen = [reports] if isinstance(reports, Report) else list(reports)
    return _csv(row for r in chosen for f in r.figures for row in _rows(r, f))


def pack_csv(pack: Pack) -> str:
    """The dialogue de gestion pack as one long CSV: the figures (section
    ``indicateur``), the breakdowns by characteristic of the public (``repartition``:
    ``code`` the characteristic and the measure, ``modalite`` its value) and every
    sortie classified (``sortie``: ``code`` the parcours or its pseudonym)."""
    report = pack.report
    label = report.period.label

    def rows() -> Iterator[list[Any]]:
        for figure in report.figures:
            yield from _rows(report, figure)
        for row in pack.breakdowns:
            for measure in ("present", "hired", "examined", "dynamic", "durable", "hours"):
                value = getattr(row, measure)
                masked = value == -1
                yield [
                    "repartition",
                    label,
                    f"{row.dimension}.{_MEASURES[measure][0]}",
                    row.modality,
                    f"{row.dimension_label} : {row.label} ({_MEASURES[measure][1]})",
                    "" if masked else _number(value),
                    "",
                    "",
                    "< 5" if masked else "",
                ]
        for c in pack.exits:
            yield [
                "sortie",
                label,
                c.parcours,
                c.category.value,
                c.motif.label,
                1 if c.examined else 0,
                "",
                "",
                c.explanation,
            ]

    return _csv(rows())


_MEASURES: Final = {
    "present": ("presents", "salarié·es présent·es"),
    "hired": ("embauches", "embauches"),
    "examined": ("sorties_examinees", "sorties examinées"),
    "dynamic": ("sorties_dynamiques", "sorties dynamiques"),
    "durable": ("emploi_durable", "sorties en emploi durable"),
    "hours": ("heures", "heures travaillées"),
}


def figure_text(figure: Figure, *, width: int = 70, indent: int = 0) -> list[str]:
    """A figure and its parts as lines of a French table."""
    label = " " * indent + figure.label
    value = _shown(figure)
    rate = figure.kind in (FigureKind.RATE, FigureKind.RATIO)
    if rate and figure.denominator and figure.masked is None:
        value += f" ({figure.numerator}/{figure.denominator})"
    lines = [f"{label[:width]:<{width}} {value:>18}"]
    for part in figure.parts:
        lines += figure_text(part, width=width, indent=indent + 2)
    return lines


def report_text(report: Report) -> str:
    """A report as a French text table, for the terminal."""
    title = f"Indicateurs {report.period.label} ({report.filters.label})"
    lines = [title, "=" * len(title)]
    official = {b.code for b in BUILTIN if b.official}
    ours = [f for f in report.figures if f.origin == "seve"]
    for heading, chosen in (
        ("Dialogue de gestion (indicateurs officiels)", [f for f in ours if f.code in official]),
        ("Médiation active (indicateurs SEVE)", [f for f in ours if f.code not in official]),
        ("Indicateurs des plugins", [f for f in report.figures if f.origin != "seve"]),
    ):
        if not chosen:
            continue
        lines += ["", heading, "-" * len(heading)]
        for figure in chosen:
            lines += figure_text(figure)
    lines += [
        "",
        f"{report.events:,} événements lus ; tables : motifs {report.motifs}, "
        f"sorties examinées {report.rules}".replace(",", " ", 1),
    ]
    for failure in report.failures:
        lines.append(f"indicateur écarté : {failure}")
    return "\n".join(lines) + "\n"


def comparison_text(comparison: Comparison) -> str:
    """Two periods side by side, one line per figure."""
    title = f"Comparaison : {comparison.before.period.label} -> {comparison.after.period.label}"
    return "\n".join([title, "=" * len(title), *comparison.lines()]) + "\n"


def pack_text(pack: Pack) -> str:
    """The dialogue de gestion pack as French text: the report, the sorties classified,
    the breakdowns."""
    lines = [report_text(pack.report).rstrip(), "", "Sorties de l'année, une par personne"]
    lines.append("-" * len(lines[-1]))
    for c in pack.exits:
        lines.append(f"{c.sortie:%d/%m/%Y} {c.parcours} : {c.explanation}")
    heading = "Public : présent·es, embauches, sorties examinées / dynamiques / emploi durable"
    lines += ["", heading, "-" * len(heading)]
    current = None
    for row in pack.breakdowns:
        if row.dimension != current:
            current = row.dimension
            lines.append(row.dimension_label)
        values = [
            "< 5" if v == -1 else str(v)
            for v in (row.present, row.hired, row.examined, row.dynamic, row.durable)
        ]
        lines.append(f"  {row.label[:44]:<44} " + " ".join(f"{v:>5}" for v in values))
    return "\n".join(lines) + "\n"
