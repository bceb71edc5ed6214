"""Append to seve-sqlite against raw sqlite3, and read and fold a 200-event parcours.

Usage (from the repository root, in the project's virtualenv, with seve-sqlite)::

    python benchmarks/bench_store.py                          # synchronous=full, 3 rounds
    python benchmarks/bench_store.py --synchronous normal
    python benchmarks/bench_store.py --events 5000 --single 200 --output -   # a quick look

Appends: the events of a synthetic log (:mod:`seve.testing.synthetic`, encoded as
``encode_event`` writes them) go into a fresh SQLite file, either one event per
append to its own stream at its version, or in batches of ``--batch`` events per
append.  The peer is raw ``sqlite3``: the same rows (positions and versions computed
beforehand, untimed) inserted with ``executemany`` into a table with the same columns
and constraints, one transaction per append, in a fresh file with the same pragmas
(WAL, the same ``synchronous``).  The runs are interleaved in rounds whose order
rotates; the best round of each counts.

Fold: the longest parcours of a synthetic log, padded to 200 events (its first
action goes back and forth between "en cours" and "en attente"), is appended to a
store; the time is that of ``seve.replay`` over the decoded ``read_stream``.

The figures are printed and written as JSON to ``benchmarks/results/store.json``
(``--output``), the reference numbers quoted in ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
import msgspec

from _common import (  # benchmarks/: on sys.path as a script
    RESULTS,
    append_arguments,
    append_figures,
    append_rows,
    check_append_arguments,
    environment,
    measure,
    output_argument,
    write_result,
)
from bench_decode import synthetic_lines
from seve import ActionPlanned, ActionStatus, ActionStatusChanged, Event, replay
from seve.serialization import decode_event, encode_event
from seve.storage import NewEvent
from seve.testing.synthetic import Scenario, generate
from seve_sqlite import SqliteStore, Synchronous

#: The issue's target: batched appends at least half as fast as raw executemany.
TARGET_BATCHED: Final = 0.5
FOLD_EVENTS: Final = 200
DEFAULT_OUTPUT: Final = RESULTS / "store.json"

_RAW_TABLE: Final = """CREATE TABLE events (
    position INTEGER PRIMARY KEY,
    stream   TEXT    NOT NULL,
    version  INTEGER NOT NULL,
    id       TEXT    NOT NULL UNIQUE,
    type     TEXT    NOT NULL,
    data     BLOB    NOT NULL,
    UNIQUE (stream, version)
)"""

#: One append: its stream, the version it expects, and its events.
Append = tuple[str, int, list[NewEvent]]


class _Envelope(msgspec.Struct):
    id: str
    type: str
    stream: str


def appends(lines: Sequence[bytes], batch: int) -> list[Append]:
    """The appends of ``lines``: one event each to its own stream (``batch`` 1), or
    ``batch`` consecutive events of the log each to a stream of their own."""
    decoder = msgspec.json.Decoder(_Envelope)
    events = []
    for line in lines:
        envelope = decoder.decode(line)
        events.append((envelope.stream, NewEvent(id=envelope.id, type=envelope.type, data=line)))
    if batch == 1:
        versions: dict[str, int] = {}
        out = []
        for stream, event in events:
            out.append((stream, versions.get(stream, 0), [event]))
            versions[stream] = versions.get(stream, 0) + 1
        return out
    return [
        (f"lot:{start}", 0, [event for _stream, event in events[start : start + batch]])
        for start in range(0, len(events), batch)
    ]


def raw_rows(batches: Sequence[Append]) -> list[list[tuple[Any, ...]]]:
    """The rows the raw peer inserts: what the store would write, computed beforehand."""
    position = 0
    out = []
    for stream, version, events in batches:
        rows = []
        for offset, event in enumerate(events, start=1):
            position += 1
            rows.append((position, stream, version + offset, event.id, event.type, event.data))
        out.append(rows)
    return out


@contextlib.contextmanager
def _fresh_file() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="seve-bench-") as folder:
        yield Path(folder) / "seve.db"


def run_store(batches: Sequence[Append], synchronous: Synchronous) -> float:
    """Seconds to append ``batches`` to a new :class:`SqliteStore`."""
    with _fresh_file() as path:
        store = SqliteStore(path, synchronous=synchronous)
        try:
            start = time.perf_counter()
            for stream, version, events in batches:
                store.append(stream, version, events)
            return time.perf_counter() - start
        finally:
            store.close()


def run_raw(rows: Sequence[Sequence[tuple[Any, ...]]], synchronous: Synchronous) -> float:
    """Seconds to insert ``rows`` with raw sqlite3, one transaction per batch."""
    with _fresh_file() as path:
        db = sqlite3.connect(path, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute(f"PRAGMA synchronous = {synchronous.upper()}")
            db.execute(_RAW_TABLE)
            start = time.perf_counter()
            for batch in rows:
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)", batch)
                db.execute("COMMIT")
            return time.perf_counter() - start
        finally:
            db.close()


def parcours_of_200(seed: int) -> list[Event[Any]]:
    """The longest parcours of a synthetic log, padded to :data:`FOLD_EVENTS` events."""
    streams: dict[str, list[Event[Any]]] = {}
    scenario = Scenario(seed=seed, start=dt.date(2023, 1, 2), days=3 * 365, parcours=60)
    for event in generate(scenario):
        if event.stream.startswith("parcours:"):
            streams.setdefault(event.stream, []).append(event)
    longest = max(streams.values(), key=len)
    at = next(i for i, e in enumerate(longest) if isinstance(e.payload, ActionPlanned))
    planned = longest[at]
    statuses = (ActionStatus.IN_PROGRESS, ActionStatus.STANDBY)
    padding = [
        attrs.evolve(
            planned,
            id=f"{planned.id}-statut-{n}",
            payload=ActionStatusChanged(action=planned.payload.action.id, status=statuses[n % 2]),
        )
        for n in range(FOLD_EVENTS - len(longest))
    ]
    events = [*longest[: at + 1], *padding, *longest[at + 1 :]]
    replay(events)  # every event folds and passes the rules
    return events


def time_fold(events: Sequence[Event[Any]], repeat: int) -> dict[str, float]:
    """Best seconds of ``repeat`` reads, decodings and folds of the stream, and of each part."""
    stream = events[0].stream
    with _fresh_file() as path:
        store = SqliteStore(path)
        try:
            news = [NewEvent(id=e.id, type=e.type, data=encode_event(e)) for e in events]
            store.append(stream, 0, news)
            parts: dict[str, Callable[[], object]] = {
                "read": lambda: store.read_stream(stream),
                "read_decode": lambda: [decode_event(s.data) for s in store.read_stream(stream)],
                "read_decode_replay": lambda: replay(
                    decode_event(s.data) for s in store.read_stream(stream)
                ),
            }
            best = {}
            for name, part in parts.items():
                times = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    part()
                    times.append(time.perf_counter() - start)
                best[name] = min(times)
            return best
        finally:
            store.close()


def summarize(
    counts: dict[str, int], times: dict[str, list[float]], fold: dict[str, float]
) -> dict[str, Any]:
    rate, appended = append_figures(counts, times)
    single = rate["seve-sqlite, 1 per append"] / rate["raw sqlite3, 1 per transaction"]
    batched = rate["seve-sqlite, batched"] / rate["raw sqlite3, batched executemany"]
    return {
        "appends": appended,
        "ratios": {"single_over_raw": round(single, 3), "batched_over_raw": round(batched, 3)},
        "target": {"batched_over_raw_at_least": TARGET_BATCHED, "met": batched >= TARGET_BATCHED},
        "fold_200": {
            "events": FOLD_EVENTS,
            **{f"{name}_ms": round(seconds * 1e3, 3) for name, seconds in fold.items()},
        },
    }


def table(summary: dict[str, Any]) -> str:
    rows = append_rows(summary["appends"], 34)
    ratios, target, fold = summary["ratios"], summary["target"], summary["fold_200"]
    met = "met" if target["met"] else "NOT met"
    rows += [
        "",
        f"one per append / raw = {ratios['single_over_raw']:.2f}",
        (
            f"batched / raw        = {ratios['batched_over_raw']:.2f}  "
            f"(target >= {target['batched_over_raw_at_least']:g}: {met})"
        ),
        "",
        (
            f"200-event parcours: read {fold['read_ms']:.2f} ms, read + decode "
            f"{fold['read_decode_ms']:.2f} ms, read + decode + replay "
            f"{fold['read_decode_replay_ms']:.2f} ms"
        ),
    ]
    return "\n".join(rows)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    append_arguments(parser)
    parser.add_argument("--synchronous", choices=["full", "normal"], default="full")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic logs")
    output_argument(parser, DEFAULT_OUTPUT)
    args = parser.parse_args(None if argv is None else list(argv))
    check_append_arguments(parser, args)
    synchronous: Synchronous = args.synchronous

    env = environment()
    print(f"Python {env['python']} on {env['platform']}, SQLite {sqlite3.sqlite_version}")
    lines = synthetic_lines(max(args.events, args.single), seed=args.seed)
    single = appends(lines[: args.single], 1)
    batched = appends(lines[: args.events], args.batch)
    single_rows, batched_rows = raw_rows(single), raw_rows(batched)
    runs: dict[str, Callable[[], float]] = {
        "seve-sqlite, 1 per append": lambda: run_store(single, synchronous),
        "raw sqlite3, 1 per transaction": lambda: run_raw(single_rows, synchronous),
        "seve-sqlite, batched": lambda: run_store(batched, synchronous),
        "raw sqlite3, batched executemany": lambda: run_raw(batched_rows, synchronous),
    }
    counts = {name: args.single if "1 per" in name else args.events for name in runs}
    times = measure(runs, args.rounds)
    fold = time_fold(parcours_of_200(args.seed), repeat=20 * args.rounds)
    summary = summarize(counts, times, fold)
    print()
    print(table(summary))

    write_result(
        args.output,
        "append to seve-sqlite against raw sqlite3; read and fold a parcours",
        f"python benchmarks/bench_store.py --events {args.events} "
        f"--single {args.single} --batch {args.batch} --rounds {args.rounds} "
        f"--synchronous {synchronous} --seed {args.seed}",
        {
            "sqlite": sqlite3.sqlite_version,
            "synchronous": synchronous,
            "batch": args.batch,
            "environment": env,
            **summary,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
