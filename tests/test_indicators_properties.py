"""Properties of the indicators on synthetic logs: the order of streams never matters,
periods and structures add up, rates stay in [0, 1], the evidence explains every figure,
a retrait never changes a denominator, and memory grows with parcours, not events."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tracemalloc
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import seve
from seve.indicators import (
    Figure,
    FigureKind,
    Filters,
    ReportingPeriod,
    rate,
    read_log,
    report,
    reports,
)
from seve.model import Event
from seve.reports import to_data

sys.path.insert(0, str(Path(__file__).parent))  # indicator_logs.py: see builders.py
from indicator_logs import synthetic

Y2023 = ReportingPeriod.year(2023)
SEEDS = st.sampled_from((11, 12, 13))
#: Figures that count things dated inside the period: they add up over a split period.
ADDITIVE = (
    "embauches",
    "sorties",
    "sorties_examinees",
    "pmsmp",
    "mises_en_relation",
    "heures_travaillees",
    "evenements_entreprise",
)


def _interleaved(events: tuple[Event[Any], ...], seed: int) -> list[Event[Any]]:
    """The same streams, each in its order, interleaved at random."""
    streams: defaultdict[str, list[Event[Any]]] = defaultdict(list)
    for event in events:
        streams[event.stream].append(event)
    rng = random.Random(seed)
    queues = [list(reversed(s)) for s in streams.values()]
    out = []
    while queues:
        queue = rng.choice(queues)
        out.append(queue.pop())
        if not queue:
            queues.remove(queue)
    return out


@settings(max_examples=6, deadline=None)
@given(seed=SEEDS, shuffle=st.integers(0, 2**32))
def test_the_order_of_streams_never_changes_a_figure(seed: int, shuffle: int) -> None:
    log = synthetic(seed)
    before = to_data(report(log, Y2023))
    assert to_data(report(_interleaved(log, shuffle), Y2023)) == before
    assert (
        to_data(report(reversed(_interleaved(log, shuffle)), Y2023))["figures"][:7]
        == (before["figures"][:7])
    )  # the official figures, even with every stream reversed


@settings(max_examples=6, deadline=None)
@given(seed=SEEDS, cut=st.integers(1, 364))
def test_splitting_a_period_adds_up(seed: int, cut: int) -> None:
    digest = read_log(synthetic(seed))
    first, second = Y2023.split(Y2023.start + dt.timedelta(days=cut))
    whole, a, b = reports(digest, [Y2023, first, second])
    for code in ADDITIVE:
        total = whole.figure(code).value
        assert total == a.figure(code).value + b.figure(code).value, code  # type: ignore[operator]
        for part in whole.figure(code).parts:
            if part.kind is FigureKind.COUNT:
                halves = a.figure(code).part(part.code).value + b.figure(code).part(part.code).value  # type: ignore[operator]
                assert part.value == halves, part.code


@settings(max_examples=4, deadline=None)
@given(seeds=st.lists(SEEDS, min_size=2, max_size=2, unique=True))
def test_splitting_a_log_by_structure_adds_up(seeds: list[int]) -> None:
    logs = [synthetic(s) for s in seeds]
    merged = sorted((e for log in logs for e in log), key=lambda e: e.occurred_at)
    digest = read_log(merged)
    siaes = [next(e.payload.siae.id for e in log if e.type == "siae_registered") for log in logs]
    whole = report(digest, Y2023)
    parts = [report(digest, Y2023, filters=Filters(siaes=[s])) for s in siaes]
    for code in (*ADDITIVE, "salaries_presents", "en_emploi_apres_sortie"):
        assert whole.figure(code).value == sum(p.figure(code).value for p in parts), code  # type: ignore[misc]
    for code in ("taux_sortie_dynamique", "taux_emploi_durable", "implication_equipe"):
        figure = whole.figure(code)
        assert figure.numerator == sum(p.figure(code).numerator for p in parts)  # type: ignore[misc]
        assert figure.denominator == sum(p.figure(code).denominator for p in parts)  # type: ignore[misc]


def _check(figure: Figure) -> None:
    """The evidence explains the figure exactly."""
    amounts = [e.amount for e in figure.evidence]
    if figure.kind is FigureKind.COUNT:
        assert figure.value == len(figure.evidence), figure.code
    elif figure.kind in (FigureKind.RATE, FigureKind.RATIO):
        assert figure.numerator == len(figure.evidence), figure.code
        assert figure.denominator == len(figure.base), figure.code
        assert figure.value == rate(len(figure.evidence), len(figure.base)), figure.code
        if figure.kind is FigureKind.RATE and figure.value is not None:
            assert Decimal(0) <= figure.value <= Decimal(1), figure.code
            assert {e.subject for e in figure.evidence} <= {e.subject for e in figure.base}
    elif figure.kind is FigureKind.AMOUNT:
        assert figure.value == sum(a for a in amounts if a is not None), figure.code
    elif figure.kind is FigureKind.MEDIAN:
        known = [a for a in amounts if a is not None]
        expected = Decimal(str(statistics.median(known))) if known else None
        assert figure.value == expected, figure.code
    for e in figure.evidence:
        assert e.subject
    for part in figure.parts:
        _check(part)


@settings(max_examples=6, deadline=None)
@given(seed=SEEDS, year=st.sampled_from((2022, 2023)), kind=st.sampled_from(list(seve.SiaeKind)))
def test_the_evidence_explains_every_figure_and_rates_stay_in_0_1(
    seed: int, year: int, kind: seve.SiaeKind
) -> None:
    r = report(synthetic(seed, parcours=25, kind=kind), ReportingPeriod.year(year))
    ids = {e.id for e in synthetic(seed, parcours=25, kind=kind)}
    for figure in r.figures:
        _check(figure)
        assert set(figure.events) <= ids
        assert all(p.startswith("parcours:") for p in figure.parcours)


@settings(max_examples=4, deadline=None)
@given(seed=SEEDS)
def test_a_retrait_never_changes_a_rates_denominator(seed: int) -> None:
    log = synthetic(seed)
    table = seve.default_motif_table()
    withdrawn = {
        e.stream
        for e in log
        if e.type == "sortie_recorded"
        and table.category(e.payload.sortie.motif) is seve.SortieCategory.RETRAIT
    }
    assert withdrawn
    without = [e for e in log if e.stream not in withdrawn]
    for code in ("taux_sortie_dynamique", "taux_emploi_durable"):
        assert report(log, Y2023).figure(code) == report(without, Y2023).figure(code)
    assert (
        report(log, Y2023).figure("sorties").value
        > report(without, Y2023)
        .figure(  # type: ignore[operator]
            "sorties"
        )
        .value
    )


# -- memory ------------------------------------------------------------------------------------


def _padded(events: tuple[Event[Any], ...], times: int) -> Iterator[Event[Any]]:
    """Every event the indicators ignore, ``times`` times (new ids), made on the fly."""
    for event in events:
        yield event
        if event.type in ("action_status_changed", "bilan_recorded", "objective_defined"):
            for n in range(times):
                yield attrs.evolve(event, id=f"{event.id}x{n}")


def _retained(digest: Any) -> int:
    """What the digest keeps: its entries, one by one."""
    return (
        sum(
            1 + len(p.hours) + len(p.suivis) + len(p.pmsmps) + len(p.mises_en_relation)
            for p in digest.parcours.values()
        )
        + sum(len(s.staff) + len(s.company_events) for s in digest.structures.values())
        + sum(1 + len(e.interactions) for e in digest.employers.values())
    )


def _peak(events: Iterator[Event[Any]]) -> tuple[int, Any]:
    tracemalloc.start()
    try:
        digest = read_log(events)
        return tracemalloc.get_traced_memory()[1], digest
    finally:
        tracemalloc.stop()


def test_memory_grows_with_parcours_not_with_events() -> None:
    log = synthetic(21, parcours=30)
    base, digest = _peak(iter(log))
    padded, padded_digest = _peak(_padded(log, 30))
    assert padded_digest.events > 5 * digest.events
    assert _retained(padded_digest) == _retained(digest)
    assert padded < base * 1.25 + 200_000
    # twice the parcours: about twice what is kept
    bigger = read_log(synthetic(21, parcours=60))
    assert len(bigger.parcours) == 2 * len(digest.parcours)
    assert _retained(bigger) < 2.6 * _retained(digest)
