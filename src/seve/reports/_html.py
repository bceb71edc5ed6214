"""A standalone HTML report for directors and funders: one file, inline CSS and SVG
charts, no script, nothing fetched (it works offline and prints)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Final

from ..indicators import Comparison, Figure, FigureKind, Report
from ._formats import _shown

__all__ = ["report_html"]

_CSS: Final = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:60rem;color:#1d2733;line-height:1.4;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:2px solid #2f6f8f;padding-bottom:.2rem}.meta{color:#5b6770}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{padding:.25rem .5rem;
border-bottom:1px solid #dde3e8;text-align:left;vertical-align:top}td.v{text-align:right;
white-space:nowrap;font-variant-numeric:tabular-nums}tr.part td:first-child{padding-left:1.6rem;
color:#44515c}.charts{display:flex;flex-wrap:wrap;gap:1rem}.chart{flex:1 1 26rem}
details{margin:.2rem 0}summary{cursor:pointer;color:#2f6f8f}small{color:#5b6770}
ul.ev{columns:2;font-size:.85rem}@media print{details{display:none}}
"""
_COLOURS: Final = ("#2f6f8f", "#e08e45", "#6a994e", "#9c6ade", "#c44536", "#8d99ae")
_EVIDENCE_SHOWN: Final = 40


def _value(figure: Figure) -> float:
    if figure.value is None:
        return 0.0
    value = float(figure.value)
    return value * 100 if figure.kind is FigureKind.RATE else value


def _bars(title: str, series: Sequence[tuple[str, Sequence[Figure]]], labels: Sequence[str]) -> str:
    """A horizontal bar chart: one group per label, one bar per series."""
    if not labels:
        return ""
    values = [_value(f) for _name, figures in series for f in figures]
    top = max([*values, 1.0])
    bar, gap, left, width = 16, 8, 210, 300
    group = bar * len(series) + gap
    height = group * len(labels) + 28 + (18 if len(series) > 1 else 0)
    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
            f'viewBox="0 0 {left + width + 110} {height}" aria-label="{escape(title)}">'
        ),
        f'<text x="0" y="14" font-size="13" font-weight="600">{escape(title)}</text>',
    ]
    for i, label in enumerate(labels):
        y0 = 24 + i * group
        out.append(
            f'<text x="{left - 6}" y="{y0 + bar * len(series) / 2 + 4}" font-size="11" '
            f'text-anchor="end">{escape(label[:34])}</text>'
        )
        for j, (_name, figures) in enumerate(series):
            figure = figures[i]
            w = 0 if figure.value is None else max(1.0, _value(figure) / top * width)
            y = y0 + j * bar
            colour = _COLOURS[j % len(_COLOURS)] if len(series) > 1 else _COLOURS[i % 6]
            out.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar - 3}" '
                f'fill="{colour}"><title>{escape(label)} : {escape(_shown(figure))}</title></rect>'
            )
            out.append(
                f'<text x="{left + w + 4:.1f}" y="{y + bar - 6}" font-size="11">'
                f"{escape(_shown(figure))}</text>"
            )
    if len(series) > 1:
        y = height - 6
        for j, (name, _figures) in enumerate(series):
            x = left + j * 150
            out.append(f'<rect x="{x}" y="{y - 10}" width="10" height="10" fill="{_COLOURS[j]}"/>')
            out.append(f'<text x="{x + 14}" y="{y}" font-size="11">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def _find(report: Report, code: str) -> Figure | None:
    try:
        return report.figure(code)
    except KeyError:
        return None


def _chart(reports: Sequence[Report], code: str, title: str, *, parts: bool = True) -> str:
    figures = [_find(r, code) for r in reports]
    if any(f is None for f in figures):
        return ""
    chosen = [f for f in figures if f is not None]
    if parts:
        kinds = {p.kind for p in chosen[0].parts}
        keep = [p.code for p in chosen[0].parts if len(kinds) == 1 or p.kind is FigureKind.COUNT]
        labels = [chosen[0].part(c).label for c in keep]
        series = [
            (r.period.label, [f.part(c) for c in keep])
            for r, f in zip(reports, chosen, strict=True)
        ]
    else:
        labels = [chosen[0].label]
        series = [(r.period.label, [f]) for r, f in zip(reports, chosen, strict=True)]
    return f'<div class="chart">{_bars(title, series, labels)}</div>'


def _rates_chart(reports: Sequence[Report]) -> str:
    codes = [
        c
        for c in ("taux_sortie_dynamique", "taux_emploi_durable", "pmsmp_suivies_d_embauche")
        if all(_find(r, c) is not None for r in reports)
    ]
    labels = [reports[0].figure(c).label for c in codes]
    series = [(r.period.label, [r.figure(c) for c in codes]) for r in reports]
    return f'<div class="chart">{_bars("Taux (%)", series, labels)}</div>'


def _evidence(figure: Figure) -> str:
    items = figure.evidence
    if not items:
        return ""
    shown = "".join(
        f"<li>{escape(e.subject)}"
        + (f" : <small>{escape(e.note)}</small>" if e.note else "")
        + "</li>"
        for e in items[:_EVIDENCE_SHOWN]
    )
    more = len(items) - _EVIDENCE_SHOWN
    if more > 0:
        shown += f"<li>… et {more} autre(s)</li>"
    return (
        f"<details><summary>provenance ({len(items)} élément(s), "
        f"{len(figure.events)} événement(s))</summary><ul class=ev>{shown}</ul></details>"
    )


def _rows(figure: Figure, others: Sequence[Figure | None], part: bool = False) -> str:
    cells = "".join(
        f'<td class="v">{escape(_shown(o)) if o is not None else ""}</td>' for o in others
    )
    ratio = ""
    if figure.kind in (FigureKind.RATE, FigureKind.RATIO) and figure.denominator:
        ratio = f" <small>({figure.numerator}/{figure.denominator})</small>"
    source = f"<br><small>{escape(figure.source)}</small>" if figure.source else ""
    row = (
        f'<tr class="{"part" if part else "figure"}"><td>{escape(figure.label)}{source}'
        f"{'' if part else _evidence(figure)}</td>{cells}"
        f'<td class="v">{escape(_shown(figure))}{ratio}</td></tr>'
    )
    for p in figure.parts:
        previous = [_part(o, p.code) for o in others]
        row += _rows(p, previous, part=True)
    return row


def _part(figure: Figure | None, code: str) -> Figure | None:
    if figure is None:
        return None
    try:
        return figure.part(code)
    except KeyError:
        return None


def report_html(
    reports: Report | Sequence[Report],
    *,
    title: str = "Indicateurs d'insertion",
    comparison: Comparison | None = None,
) -> str:
    """A standalone HTML page: charts (inline SVG), every figure with its parts, its
    source and (folded) its provenance; several reports show as columns, the last one
    being the period of the report.
    """
    chosen = [reports] if isinstance(reports, Report) else list(reports)
    last = chosen[-1]
    head = "".join(f'<th class="v">{escape(r.period.label)}</th>' for r in chosen)
    body = "".join(_rows(f, [_find(r, f.code) for r in chosen[:-1]]) for f in last.figures)
    charts = "".join(
        (
            _chart(chosen, "sorties", "Sorties par catégorie ASP"),
            _rates_chart(chosen),
            _chart(chosen, "mises_en_relation", "Mises en relation : entonnoir"),
            _chart(
                chosen,
                "delai_premiere_mise_en_situation",
                "Délai jusqu'à la première mise en situation",
            ),
            _chart(chosen, "en_emploi_apres_sortie", "En emploi après la sortie (%)"),
            _chart(chosen, "pmsmp", "PMSMP", parts=False),
        )
    )
    lines = ""
    if comparison is not None:
        lines = (
            "<h2>Évolution</h2><ul>"
            + "".join(f"<li>{escape(line)}</li>" for line in comparison.lines())
            + "</ul>"
        )
    failures = "".join(
        f"<p><small>indicateur écarté : {escape(f)}</small></p>" for f in last.failures
    )
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(title)} – {escape(last.period.label)}</title>"
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style>'
        f"</head><body><h1>{escape(title)}</h1>"
        f'<p class="meta">Période : {escape(last.period.label)} ({last.period.start:%d/%m/%Y} – '
        f"{last.period.end:%d/%m/%Y}) ; {escape(last.filters.label)} ; "
        f"{last.events:,} événements lus ; tables : motifs {escape(last.motifs)}, "
        f"sorties examinées {escape(last.rules)}.</p>".replace(",", " ", 1)
        + f'<div class="charts">{charts}</div>{lines}'
        f"<h2>Indicateurs</h2><table><thead><tr><th>Indicateur</th>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>{failures}"
        "<p class=meta><small>Produit par seve à partir du journal des événements ; chaque "
        "chiffre renvoie aux parcours et aux événements qui le fondent.</small></p>"
        "</body></html>\n"
    )
