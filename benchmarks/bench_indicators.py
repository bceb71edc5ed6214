"""Time the indicators over a synthetic JSON Lines log, against decoding it alone.

Usage (from the repository root, in the project's virtualenv)::

    python benchmarks/bench_indicators.py --events 300000 1000000 3000000
    python benchmarks/bench_indicators.py --events 20000 --output -   # a quick look

For each size, the log (``scenario_for_events(n, mediation=True)``) is written once to a
temporary JSON Lines file; then, each in a fresh process (so that its peak memory is its
own), the file is read and decoded with ``iter_events`` (the reference), and read, decoded and
turned into every report of the last year (``read_log`` + ``reports``, seve's indicators).
The best of ``--rounds`` counts.  Figures go to ``benchmarks/results/indicators.json``.
"""

from __future__ import annotations

import argparse
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


def _write(path: Path, n_events: int) -> int:
    from seve.serialization import encode_event
    from seve.testing.synthetic import generate, scenario_for_events

    scenario = attrs.evolve(scenario_for_events(n_events), mediation=True)
    count = 0
    with path.open("wb") as fp:
        for event in generate(scenario):
            fp.write(encode_event(event) + b"\n")
            count += 1
    return count


def _measure(mode: str, path: Path) -> dict[str, Any]:
    import seve.partnerships  # noqa: F401  (imports are not what is timed)
    from seve.indicators import ReportingPeriod, read_log, reports
    from seve.serialization import iter_events

    start = time.perf_counter()
    with path.open("rb") as fp:
        if mode == "decode":
            count = sum(1 for _ in iter_events(fp))
            parcours = None
        else:
            digest = read_log(iter_events(fp))
            count, parcours = digest.events, len(digest.parcours)
            last = max(p.embauche for p in digest.parcours.values() if p.embauche)
            reports(digest, [ReportingPeriod.year(last.year - 1)])
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"mode": mode, "events": count, "parcours": parcours, "seconds": seconds, "peak": peak}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[300_000, 1_000_000, 3_000_000])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_measure(args.child[0], Path(args.child[1]))))
        return 0
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.events:
            path = Path(tmp) / f"log-{n}.jsonl"
            written = _write(path, n)
            best: dict[str, dict[str, Any]] = {}
            for _ in range(args.rounds):
                for mode in ("decode", "indicators"):
                    out = subprocess.run(
                        [sys.executable, __file__, "--child", mode, str(path)],
                        check=True, capture_output=True, text=True,
                    )  # fmt: skip
                    m = json.loads(out.stdout)
                    if mode not in best or m["seconds"] < best[mode]["seconds"]:
                        best[mode] = m
            ratio = best["indicators"]["seconds"] / best["decode"]["seconds"]
            row = {"events": written, "bytes": path.stat().st_size, **best, "ratio": ratio}
            results.append(row)
            decode, indicators = best["decode"], best["indicators"]
            print(
                f"{written:>9} événements, {indicators['parcours']} parcours : décodage "
                f"{decode['seconds']:.1f} s, indicateurs {indicators['seconds']:.1f} s "
                f"(x{ratio:.2f}), pic mémoire {indicators['peak'] / 2**20:.0f} Mo "
                f"(décodage seul {decode['peak'] / 2**20:.0f} Mo)",
                flush=True,
            )
            path.unlink()
    if args.output != "-":
        Path(args.output).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
