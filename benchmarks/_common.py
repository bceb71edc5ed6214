"""What the benchmark scripts share: the machine they ran on, runs timed in
interleaved rounds, the figures of appends, and the JSON file of the results.

The scripts import it as their neighbour (run as scripts, ``benchmarks/`` is on
``sys.path``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.metadata
import json
import os
import platform
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Final

#: The packages whose versions every result records.
PACKAGES: Final = ("seve", "attrs", "cattrs", "msgspec", "pydantic", "pydantic-core")
RESULTS: Final = Path(__file__).resolve().parent / "results"


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def environment(packages: Iterable[str] = PACKAGES) -> dict[str, Any]:
    """The Python, the machine and the versions of ``packages``."""
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "cpus": os.cpu_count(),
        "packages": {name: _version(name) for name in packages},
    }


def measure(
    runs: Mapping[str, Callable[[], float]],
    rounds: int,
    *,
    progress: Callable[[str], None] = print,
) -> dict[str, list[float]]:
    """Seconds of each round of each run (a run returns its seconds), rounds
    interleaved and their order rotated from round to round."""
    names = list(runs)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            gc.collect()
            times[name].append(runs[name]())
            progress(f"  round {r + 1}/{rounds}  {name:<32} {times[name][-1]:>8.3f} s")
    return times


def append_arguments(parser: argparse.ArgumentParser) -> None:
    """``--events``, ``--single``, ``--batch``, ``--rounds`` and ``--seed`` of the
    append benchmarks."""
    parser.add_argument("--events", type=int, default=100_000, help="batched: default 100,000")
    parser.add_argument("--single", type=int, default=2_000, help="one per append: default 2,000")
    parser.add_argument("--batch", type=int, default=100, help="events per batch (default 100)")
    parser.add_argument("--rounds", type=int, default=3, help="default: 3 (the best is kept)")


def check_append_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if min(args.events, args.single, args.batch, args.rounds) < 1:
        parser.error("--events, --single, --batch and --rounds must be at least 1")


def output_argument(parser: argparse.ArgumentParser, default: Path) -> None:
    """``--output``: the JSON file of the figures, ``-`` for none."""
    parser.add_argument(
        "--output",
        type=Path,
        default=default,
        help=f"JSON file for the figures (default: benchmarks/results/{default.name}); "
        "'-' to write none",
    )


def append_figures(
    counts: Mapping[str, int], times: Mapping[str, list[float]]
) -> tuple[dict[str, float], dict[str, Any]]:
    """Events per second of each run (on its best round), and each run's figures."""
    best = {name: min(rounds) for name, rounds in times.items()}
    rate = {name: counts[name] / best[name] for name in times}
    figures = {
        name: {
            "events": counts[name],
            "best_seconds": round(best[name], 4),
            "events_per_second": round(rate[name]),
            "round_seconds": [round(t, 4) for t in times[name]],
        }
        for name in times
    }
    return rate, figures


def append_rows(appends: Mapping[str, Any], width: int) -> list[str]:
    """The table of :func:`append_figures`' figures, names ``width`` wide."""
    rows = [f"{'append':<{width}}{'events':>9}{'events/s':>12}"]
    for name, figures in appends.items():
        rows.append(f"{name:<{width}}{figures['events']:>9,}{figures['events_per_second']:>12,}")
    return rows


def write_result(output: Path, benchmark: str, command: str, result: Mapping[str, Any]) -> None:
    """Write the figures as JSON to ``output`` (nothing for ``-``), with the date."""
    if str(output) == "-":
        return
    dated = {"benchmark": benchmark, "date": dt.date.today().isoformat(), "command": command}
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({**dated, **result}, indent=2) + "\n", encoding="utf-8")
    print(f"\nWritten to {output}")
