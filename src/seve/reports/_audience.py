"""Reports for an audience: what a funder receives is pseudonymised, its small counts
masked, through :mod:`seve.audience` (never decided here)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from ..audience import (
    SMALL_COUNT_THRESHOLD,
    Audience,
    Masked,
    counts_for,
    policy,
    pseudonym,
)
from ..indicators import BreakdownRow, Evidence, Figure, FigureKind, Pack, Report

__all__ = ["for_audience", "pack_for_audience"]


def _subject(subject: str, audience: Audience, secret: bytes | None) -> str:
    if not subject.startswith("parcours:") or policy(audience).naming.value != "pseudonym":
        return subject
    assert secret is not None
    return pseudonym(subject, secret=secret)


def _evidence(
    items: Sequence[Evidence], audience: Audience, secret: bytes | None
) -> list[Evidence]:
    hidden = policy(audience).small_counts_masked
    return [
        Evidence(
            subject=_subject(e.subject, audience, secret),
            events=() if hidden else e.events,
            amount=e.amount,
            note=e.note,
        )
        for e in items
    ]


def _small(n: int | None, threshold: int) -> bool:
    return n is not None and 0 < n < threshold


def _masked(figure: Figure, threshold: int) -> Figure:
    return attrs.evolve(
        figure,
        value=None,
        numerator=None,
        denominator=None,
        evidence=(),
        base=(),
        masked=threshold,
    )


def _figure(
    figure: Figure, audience: Audience, secret: bytes | None, threshold: int, hide: bool
) -> Figure:
    """``figure`` for ``audience``; ``hide``: masked to protect a sibling."""
    row = policy(audience)
    parts = _parts(figure.parts, audience, secret, threshold)
    figure = attrs.evolve(
        figure,
        evidence=_evidence(figure.evidence, audience, secret),
        base=_evidence(figure.base, audience, secret),
        parts=parts,
    )
    if not row.small_counts_masked:
        return figure
    if hide:
        return _masked(figure, threshold)
    if figure.kind in (FigureKind.RATE, FigureKind.RATIO):
        if _small(figure.numerator, threshold) or _small(figure.denominator, threshold):
            return _masked(figure, threshold)
    elif figure.kind in (FigureKind.AMOUNT, FigureKind.MEDIAN):
        if _small(len(figure.evidence), threshold):
            return _masked(figure, threshold)
    elif figure.kind is FigureKind.COUNT and _small(len(figure.evidence), threshold):
        return _masked(figure, threshold)
    return figure


def _parts(
    parts: tuple[Figure, ...], audience: Audience, secret: bytes | None, threshold: int
) -> tuple[Figure, ...]:
    counts = {p.code: p.value for p in parts if p.kind is FigureKind.COUNT}
    shown = counts_for(
        audience, {k: v for k, v in counts.items() if isinstance(v, int)}, threshold=threshold
    )
    return tuple(
        _figure(p, audience, secret, threshold, isinstance(shown.get(p.code), Masked))
        for p in parts
    )


def for_audience(
    report: Report,
    audience: Audience,
    *,
    secret: bytes | None = None,
    threshold: int = SMALL_COUNT_THRESHOLD,
) -> Report:
    """``report`` as ``audience`` may receive it (:data:`seve.audience.POLICY`).

    For an audience named by pseudonym (a funder), every parcours becomes a keyed hash
    of its stream (:func:`seve.audience.pseudonym`, with the structure's ``secret``), and
    event ids are left out; where small counts are masked, a count from 1 to
    ``threshold - 1`` (and a rate over such counts) is hidden with its evidence
    (:attr:`Figure.masked`), a sibling too when one alone would be (*secret
    secondaire*).  Reports never hold names, freins or notes of the staff: the
    indicators do not read them.

    :raises seve.audience.PrivacyError: ``audience.secret_trop_court`` without a
        secret for a pseudonymised audience.
    """
    if policy(audience).naming.value == "pseudonym":
        pseudonym("", secret=secret if secret is not None else b"")  # checks the secret
    figures = tuple(_figure(f, audience, secret, threshold, False) for f in report.figures)
    return attrs.evolve(report, figures=figures)


def _hidden(row: BreakdownRow, column: str) -> BreakdownRow:
    changes: dict[str, Any] = {column: -1}
    return attrs.evolve(row, **changes)


def pack_for_audience(
    pack: Pack,
    audience: Audience,
    *,
    secret: bytes | None = None,
    threshold: int = SMALL_COUNT_THRESHOLD,
) -> Pack:
    """The dialogue de gestion pack for ``audience``: its report (:func:`for_audience`),
    each sortie under its pseudonym, and the breakdowns' small counts masked (set to
    ``-1``, shown as « < 5 »)."""
    report = for_audience(pack.report, audience, secret=secret, threshold=threshold)
    exits = tuple(
        attrs.evolve(
            c,
            parcours=_subject(c.parcours, audience, secret),
            events=() if policy(audience).small_counts_masked else c.events,
        )
        for c in pack.exits
    )
    rows = list(pack.breakdowns)
    if policy(audience).small_counts_masked:
        for column in ("present", "hired", "examined", "dynamic", "durable"):
            for dimension in {r.dimension for r in rows}:
                chosen = [i for i, r in enumerate(rows) if r.dimension == dimension]
                shown = counts_for(
                    audience, {i: getattr(rows[i], column) for i in chosen}, threshold=threshold
                )
                for i, value in shown.items():
                    if isinstance(value, Masked):
                        rows[i] = _hidden(rows[i], column)
    return attrs.evolve(pack, report=report, exits=exits, breakdowns=tuple(rows))
