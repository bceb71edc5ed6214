"""Time the indicators over a synthetic JSON Lines log, against decoding it alone.

Usage (from the repository root, in the project's virtualenv)::

    python benchmarks/bench_indicators.py --events 300000 1000000 3000000
    python benchmarks/bench_indicators.py --events 20000 --output -   # a quick look
    python benchmarks/bench_indicators.py --events 300000 --parcours 100000  # 100k parcours

For each size, the log (``scenario_for_events(n)`` with ``mediation=True``) is written once
to a temporary JSON Lines file; then three measures, each in a fresh process (so that its
peak memory and its garbage collector are its own):

- ``decode``: the file read and decoded with ``iter_events``, nothing kept (the reference);
- ``indicators``: the file read, decoded and turned into every report of the last year
  (``read_log`` then ``reports``), as ``seve indicators`` does: the *total*;
- ``engine``: the file decoded into a list first (not timed; the garbage collector is told
  to leave those events alone, ``gc.freeze()``), then ``read_log`` and ``reports`` over the
  list: the *engine time*, apart from decoding.

The best of ``--rounds`` counts.  Figures go to ``benchmarks/results/indicators.json``; the
method and the reference figures are in ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Final

import attrs

DEFAULT_OUTPUT: Final = Path(__file__).resolve().parent / "results" / "indicators.json"
MODES: Final = ("decode", "indicators", "engine")


def _write(path: Path, n_events: int, parcours: int | None = None) -> int:
    """Write the log of ``scenario_for_events(n_events)`` with médiation active, or with
    ``parcours`` people hired over its ten years when given; how many events."""
    from seve.serialization import encode_event
    from seve.testing.synthetic import generate, scenario_for_events

    scenario = attrs.evolve(scenario_for_events(n_events), mediation=True)
    if parcours is not None:
        scenario = attrs.evolve(scenario, parcours=parcours)
    count = 0
    with path.open("wb") as fp:
        for event in generate(scenario):
            fp.write(encode_event(event) + b"\n")
            count += 1
    return count


class _Collections:
    """Time spent in the garbage collector (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._start = 0.0

    def __call__(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start


def _measure(mode: str, path: Path) -> dict[str, Any]:
    import seve.partnerships  # noqa: F401  (imports are not what is timed)
    from seve.indicators import ReportingPeriod, read_log, reports
    from seve.serialization import iter_events

    collections = _Collections()
    out: dict[str, Any] = {"mode": mode, "parcours": None}
    with path.open("rb") as fp:
        if mode == "decode":
            gc.callbacks.append(collections)
            start = time.perf_counter()
            out["events"] = sum(1 for _ in iter_events(fp))
            out["seconds"] = time.perf_counter() - start
        else:
            source: Any = iter_events(fp)
            if mode == "engine":
                gc.disable()
                source = list(source)
                gc.freeze()
                gc.enable()
            gc.callbacks.append(collections)
            start = time.perf_counter()
            digest = read_log(source)
            read = time.perf_counter()
            last = max(p.embauche for p in digest.parcours.values() if p.embauche)
            reports(digest, [ReportingPeriod.year(last.year - 1)])
            end = time.perf_counter()
            out.update(
                events=digest.events,
                parcours=len(digest.parcours),
                seconds=end - start,
                pass_seconds=read - start,
                reports_seconds=end - read,
            )
    gc.callbacks.remove(collections)
    out["gc_seconds"] = collections.seconds
    out["us_per_event"] = out["seconds"] / max(out["events"], 1) * 1e6
    out["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return out


def _child(mode: str, path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} Mo"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[300_000, 1_000_000, 3_000_000])
    parser.add_argument(
        "--parcours", type=int, nargs="*", default=[],
        help="logs sized by their parcours (a ten-year scenario) after those of --events",
    )  # fmt: skip
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    parser.add_argument("--dir", help="where to write the logs (default: a temporary folder)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_measure(args.child[0], Path(args.child[1]))))
        return 0
    results = []
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        sizes = [(n, None) for n in args.events] + [(3_000_000, p) for p in args.parcours]
        for n, parcours in sizes:
            path = Path(tmp) / f"log-{n}-{parcours}.jsonl"
            written = _write(path, n, parcours)
            best: dict[str, dict[str, Any]] = {}
            for _ in range(args.rounds):
                for mode in MODES:
                    m = _child(mode, path)
                    if mode not in best or m["seconds"] < best[mode]["seconds"]:
                        best[mode] = m
            decode, total, engine = (best[mode] for mode in MODES)
            row = {
                "events": written,
                "parcours": total["parcours"],
                "bytes": path.stat().st_size,
                **best,
                "total_vs_decode": total["seconds"] / decode["seconds"],
                "engine_vs_decode": engine["seconds"] / decode["seconds"],
            }
            results.append(row)
            print(
                f"{written:>9} événements, {total['parcours']} parcours : décodage "
                f"{decode['seconds']:.2f} s ({decode['us_per_event']:.2f} µs/év.), "
                f"moteur {engine['seconds']:.2f} s (x{row['engine_vs_decode']:.2f}), "
                f"total {total['seconds']:.2f} s (x{row['total_vs_decode']:.2f}), "
                f"pic mémoire {_mb(total['peak'])} (décodage seul {_mb(decode['peak'])})",
                flush=True,
            )
            if args.output != "-":  # after each size: a long run keeps what it measured
                Path(args.output).write_text(json.dumps(results, indent=2) + "\n", "utf-8")
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
