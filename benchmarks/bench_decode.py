"""Decode and validate a JSON Lines log with seve, pydantic v2 and msgspec, side by side.

Usage (from the repository root, in the project's virtualenv)::

    python benchmarks/bench_decode.py                  # 1,000,000 events, 3 rounds
    python benchmarks/bench_decode.py --events 20000   # a quick run

The log is generated once with :mod:`seve.testing.synthetic` and kept in memory as a
list of ``bytes`` lines (what ``encode_event`` writes).  Before any timing, every line
is decoded by the five decoders: all of them must accept it, agree on its type, and
seve's event must re-encode to the very same line; then lines broken in eight ways
(a wrong SIRET check digit, a negative number of hours, inverted dates...) must be
refused by seve and by the peers that run the same checks.  Then, in the same process, each
decoder goes through all the lines, one call per line, in interleaved rounds (the order
rotates from round to round); the best round of each decoder is kept.

The peers (``benchmarks/peers.py``) are generated from seve's model, in two flavours:
"shape only" (types, no check: they do less than seve) and "same checks" (seve's
checks, declared natively where the library can, seve's validators called otherwise).

The figures are printed and written as JSON to ``benchmarks/results/decode.json``
(``--output``), the reference numbers quoted in ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import msgspec
import pydantic

import peers  # benchmarks/peers.py: run as a script, this folder is on sys.path
from _common import RESULTS, environment, output_argument, write_result
from seve.errors import DecodeError
from seve.serialization import decode_event, encode_event, iter_events
from seve.testing.synthetic import generate, scenario_for_events

#: seve's targets, from the issue: at least 2x pydantic, within 3x of msgspec.
TARGET_VS_PYDANTIC: Final = 2.0
TARGET_VS_MSGSPEC: Final = 3.0

SEVE: Final = "seve decode_event"
PEERS: Final = {  # name: (library, checked)
    "pydantic v2, same checks": ("pydantic", True),
    "msgspec, same checks": ("msgspec", True),
    "pydantic v2, shape only": ("pydantic", False),
    "msgspec, shape only": ("msgspec", False),
}

#: Lines broken on purpose: (event type, path in the line, value), each breaking one of
#: seve's checks that the shape-only peers do not run.
BROKEN: Final = (
    ("siae_registered", ("payload", "siae", "siret"), "82787507100307"),  # check digit
    ("company_registered", ("payload", "company", "naf"), "9499Z"),
    ("hours_worked", ("payload", "hours", "hours"), "-3"),
    ("hours_worked", ("payload", "hours", "month"), "2024-01-15"),
    ("contract_suspended", ("payload", "end"), "2000-01-01"),  # before the start
    ("action_status_changed", ("id",), "01HM XN"),
    ("action_status_changed", ("stream",), "nowhere:p-1"),
    ("objective_defined", ("payload", "objective", "label"), "   "),
)

DEFAULT_OUTPUT: Final = RESULTS / "decode.json"


def synthetic_lines(n_events: int, *, seed: int = 0) -> list[bytes]:
    """``n_events`` JSON lines (no newline): the start of a synthetic log, in time order.

    :func:`scenario_for_events` sizes a scenario to about ``n_events``; when its log
    falls short, a larger scenario is asked for, and its log is cut at ``n_events``.
    """
    asked = n_events
    for _attempt in range(5):
        events = generate(scenario_for_events(asked, seed=seed))
        lines = [encode_event(event) for event in itertools.islice(events, n_events)]
        if len(lines) == n_events:
            break
        asked = int(asked * 1.1 * n_events / max(len(lines), 1)) + 10
    return lines


def _msgspec_tag(value: msgspec.Struct) -> Any:
    return value.__struct_config__.tag


def _peer(name: str) -> Callable[[bytes], Any]:
    library, checked = PEERS[name]
    if library == "pydantic":
        return peers.pydantic_adapter(checked=checked).validate_json
    return peers.msgspec_decoder(checked=checked).decode


def _type(value: Any) -> str:
    return value.type if hasattr(value, "type") else _msgspec_tag(value)


def check(lines: Sequence[bytes]) -> None:
    """Every decoder accepts every line and agrees on its type; seve round-trips it."""
    decode = {name: _peer(name) for name in PEERS}
    for lineno, line in enumerate(lines, start=1):
        event = decode_event(line, lineno=lineno)
        if encode_event(event) != line:
            raise AssertionError(f"line {lineno}: seve does not re-encode the same JSON")
        tags = {"seve": event.type} | {name: _type(peer(line)) for name, peer in decode.items()}
        if len(set(tags.values())) != 1:
            raise AssertionError(f"line {lineno}: the decoders disagree on the type: {tags}")
    count = sum(1 for _event in iter_events(lines))
    if count != len(lines):
        raise AssertionError(f"iter_events gave {count} events for {len(lines)} lines")


def broken_lines(lines: Sequence[bytes]) -> list[bytes]:
    """One line of :data:`BROKEN` per entry, made from the first line of its type."""
    first: dict[str, bytes] = {}
    for line in lines:
        first.setdefault(json.loads(line)["type"], line)
    broken = []
    for tag, path, value in BROKEN:
        if tag not in first:
            continue
        obj = json.loads(first[tag])
        *parents, name = path
        target = obj
        for key in parents:
            target = target[key]
        target[name] = value
        broken.append(json.dumps(obj, ensure_ascii=False).encode())
    return broken


def _refuses(decode: Callable[[bytes], Any], line: bytes) -> bool:
    try:
        decode(line)
    except (DecodeError, pydantic.ValidationError, msgspec.ValidationError):
        return True
    return False


def check_refusals(lines: Sequence[bytes]) -> dict[str, int]:
    """seve and the same-checks peers refuse every broken line; how many lines each
    decoder refused, by name."""
    broken = broken_lines(lines)
    decode = {SEVE: decode_event} | {name: _peer(name) for name in PEERS}
    refused = {name: sum(_refuses(f, line) for line in broken) for name, f in decode.items()}
    for name, count in refused.items():
        if PEERS.get(name, ("", True))[1] and count != len(broken):
            raise AssertionError(f"{name} refused {count} of {len(broken)} broken lines")
    return refused


def _per_line(decode: Callable[[bytes], Any]) -> Callable[[Sequence[bytes]], None]:
    def run(lines: Sequence[bytes]) -> None:
        for line in lines:
            decode(line)

    return run


def _iter_events(lines: Sequence[bytes]) -> None:
    for _event in iter_events(lines):
        pass


def decoders() -> dict[str, Callable[[Sequence[bytes]], None]]:
    """What is timed: one loop over every line, one call per line."""
    return {
        SEVE: _per_line(decode_event),
        "seve iter_events": _iter_events,
        **{name: _per_line(_peer(name)) for name in PEERS},
    }


def measure(
    lines: Sequence[bytes], rounds: int, *, progress: Callable[[str], None] = print
) -> dict[str, list[float]]:
    """Seconds of each round for each decoder, rounds interleaved and rotated."""
    runs = decoders()
    names = list(runs)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            gc.collect()
            start = time.perf_counter()
            runs[name](lines)
            elapsed = time.perf_counter() - start
            times[name].append(elapsed)
            progress(f"  round {r + 1}/{rounds}  {name:<26} {len(lines) / elapsed:>12,.0f} ev/s")
    return times


FLAVOURS: Final = ("same checks", "shape only")


def summarize(lines: Sequence[bytes], times: dict[str, list[float]]) -> dict[str, Any]:
    n = len(lines)
    best = {name: min(rounds) for name, rounds in times.items()}
    rate = {name: n / seconds for name, seconds in best.items()}
    seve = rate[SEVE]
    comparisons = {}
    for flavour in FLAVOURS:
        vs_pydantic = seve / rate[f"pydantic v2, {flavour}"]
        msgspec_vs_seve = rate[f"msgspec, {flavour}"] / seve
        comparisons[flavour] = {
            "seve_over_pydantic": round(vs_pydantic, 3),
            "msgspec_over_seve": round(msgspec_vs_seve, 3),
            "met_vs_pydantic": vs_pydantic >= TARGET_VS_PYDANTIC,
            "met_vs_msgspec": msgspec_vs_seve <= TARGET_VS_MSGSPEC,
        }
    return {
        "events": n,
        "bytes": sum(len(line) for line in lines),
        "rounds": len(next(iter(times.values()))),
        "decoders": {
            name: {
                "best_seconds": round(best[name], 4),
                "events_per_second": round(rate[name]),
                "microseconds_per_event": round(1e6 / rate[name], 3),
                "round_seconds": [round(t, 4) for t in times[name]],
            }
            for name in times
        },
        "targets": {
            "seve_over_pydantic_at_least": TARGET_VS_PYDANTIC,
            "msgspec_over_seve_at_most": TARGET_VS_MSGSPEC,
        },
        "comparisons": comparisons,
    }


def table(summary: dict[str, Any]) -> str:
    rows = [f"{'decoder':<28}{'events/s':>14}{'µs/event':>11}"]
    for name, figures in summary["decoders"].items():
        rows.append(
            f"{name:<28}{figures['events_per_second']:>14,}"
            f"{figures['microseconds_per_event']:>11.2f}"
        )
    targets = summary["targets"]
    for flavour, ratios in summary["comparisons"].items():
        vs_pydantic = "met" if ratios["met_vs_pydantic"] else "NOT met"
        vs_msgspec = "met" if ratios["met_vs_msgspec"] else "NOT met"
        rows.append("")
        rows.append(f"Against the peers with {flavour}:")
        rows.append(
            f"  seve / pydantic  = {ratios['seve_over_pydantic']:.2f}x  "
            f"(target >= {targets['seve_over_pydantic_at_least']:g}x: {vs_pydantic})"
        )
        rows.append(
            f"  msgspec / seve   = {ratios['msgspec_over_seve']:.2f}x  "
            f"(target <= {targets['msgspec_over_seve_at_most']:g}x: {vs_msgspec})"
        )
    return "\n".join(rows)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="default: 1,000,000")
    parser.add_argument("--rounds", type=int, default=3, help="default: 3 (the best is kept)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic log")
    output_argument(parser, DEFAULT_OUTPUT)
    args = parser.parse_args(None if argv is None else list(argv))
    if args.events < 1 or args.rounds < 1:
        parser.error("--events and --rounds must be at least 1")

    env = environment()
    packages = ", ".join(f"{k} {v}" for k, v in env["packages"].items())
    print(f"Python {env['python']} ({env['implementation']}) on {env['platform']}")
    print(f"{env['cpus']} CPUs; {packages}")

    start = time.perf_counter()
    lines = synthetic_lines(args.events, seed=args.seed)
    size = sum(len(line) for line in lines)
    print(
        f"Generated {len(lines):,} events ({size / 1e6:,.1f} MB, "
        f"{size / len(lines):.0f} bytes/line) in {time.perf_counter() - start:.1f} s"
    )

    start = time.perf_counter()
    check(lines)
    refused = check_refusals(lines)
    print(f"Checked: all decoders accept every line ({time.perf_counter() - start:.1f} s)")
    print("Broken lines refused: " + ", ".join(f"{k} {v}" for k, v in refused.items()))

    times = measure(lines, args.rounds)
    summary = summarize(lines, times)
    print()
    print(table(summary))

    write_result(
        args.output,
        "decode JSON Lines events (one call per line)",
        f"python benchmarks/bench_decode.py --events {args.events} "
        f"--rounds {args.rounds} --seed {args.seed}",
        {"environment": env, "broken_lines_refused": refused, **summary},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
