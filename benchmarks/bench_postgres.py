"""Append to seve-postgres against raw psycopg (``executemany`` and ``COPY``), on one
PostgreSQL server, in the same run.

Usage (from the repository root, in the project's virtualenv, with seve-postgres and
PostgreSQL's server binaries installed)::

    python benchmarks/bench_postgres.py                      # a throwaway server, fsync on
    python benchmarks/bench_postgres.py --fsync off --output benchmarks/results/postgres-off.json
    python benchmarks/bench_postgres.py --url postgresql://seve@db/bench   # a server of yours
    python benchmarks/bench_postgres.py --events 5000 --single 200 --output -   # a quick look

The rows are those of ``bench_store.py``: the events of a synthetic log, encoded as
``encode_event`` writes them, either one per append to its own stream at its version,
or ``--batch`` consecutive events per append, each batch to a stream of its own.  The
peers are raw psycopg on another connection to the same server: the very rows
seve-postgres writes (positions and versions computed beforehand, untimed), one
transaction per append, inserted with ``executemany`` (psycopg runs it in pipeline
mode) or with ``COPY ... FROM STDIN (FORMAT BINARY)``, into a table made ``LIKE`` the
store's ``events`` table ``INCLUDING ALL`` (the same columns, keys and unique
constraints).  Every run writes into a fresh schema.  The runs are interleaved in
rounds whose order rotates; the best round of each counts.

Without ``--url``, the script starts a throwaway server (:mod:`seve_postgres.testing`)
with ``fsync`` on, as a production server runs (``--fsync off``: commits stop waiting
for the disk).  The figures are printed and written as JSON to
``benchmarks/results/postgres.json`` (``--output``), the reference numbers quoted in
``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final

import psycopg
from psycopg import sql

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
from bench_store import Append, appends, raw_rows
from seve_postgres import PostgresStore
from seve_postgres.testing import throwaway_cluster

#: The issue's target: batched appends at least half as fast as raw executemany.
TARGET_BATCHED: Final = 0.5
DEFAULT_OUTPUT: Final = RESULTS / "postgres.json"
_COLUMNS: Final = "position, stream, version, id, type, data"
_INSERT: Final = f"INSERT INTO events ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)"
_COPY: Final = f"COPY events ({_COLUMNS}) FROM STDIN (FORMAT BINARY)"
_TYPES: Final = ("int8", "text", "int4", "text", "text", "bytea")
_RUNS: Final = itertools.count(1)


def _connect(url: str, schema: str) -> psycopg.Connection[tuple[Any, ...]]:
    db = psycopg.connect(url, autocommit=True)
    db.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
    return db


def fresh_schema(url: str, *, raw: bool) -> str:
    """A new schema: a new seve store, or (``raw``) a table like its ``events``."""
    schema = f"bench_{next(_RUNS)}"
    PostgresStore(url, schema=schema).close()
    if raw:
        with _connect(url, schema) as db:
            db.execute("ALTER TABLE events RENAME TO store_events")
            db.execute("CREATE TABLE events (LIKE store_events INCLUDING ALL)")
    return schema


def drop_schema(url: str, schema: str) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@contextlib.contextmanager
def _timed_schema(url: str, *, raw: bool) -> Iterator[str]:
    schema = fresh_schema(url, raw=raw)
    try:
        yield schema
    finally:
        drop_schema(url, schema)


def run_store(url: str, batches: Sequence[Append]) -> float:
    """Seconds to append ``batches`` to a new :class:`PostgresStore`."""
    with _timed_schema(url, raw=False) as schema:
        store = PostgresStore(url, schema=schema)
        try:
            start = time.perf_counter()
            for stream, version, events in batches:
                store.append(stream, version, events)
            return time.perf_counter() - start
        finally:
            store.close()


def insert_executemany(
    db: psycopg.Connection[tuple[Any, ...]], rows: Sequence[Sequence[tuple[Any, ...]]]
) -> None:
    """Insert ``rows`` with ``executemany``, one transaction per batch."""
    cursor = db.cursor()
    for batch in rows:
        with db.transaction():
            cursor.executemany(_INSERT, batch)


def insert_copy(
    db: psycopg.Connection[tuple[Any, ...]], rows: Sequence[Sequence[tuple[Any, ...]]]
) -> None:
    """Insert ``rows`` with binary ``COPY``, one transaction per batch."""
    cursor = db.cursor()
    for batch in rows:
        with db.transaction(), cursor.copy(_COPY) as copy:
            copy.set_types(list(_TYPES))
            for row in batch:
                copy.write_row(row)


Insert = Callable[[psycopg.Connection[tuple[Any, ...]], Sequence[Sequence[tuple[Any, ...]]]], None]


def run_raw(url: str, rows: Sequence[Sequence[tuple[Any, ...]]], insert: Insert) -> float:
    """Seconds to insert ``rows`` with raw psycopg into a new table."""
    with _timed_schema(url, raw=True) as schema, _connect(url, schema) as db:
        start = time.perf_counter()
        insert(db, rows)
        return time.perf_counter() - start


def written_rows(url: str, schema: str) -> list[tuple[Any, ...]]:
    """The rows of ``events`` in ``schema``, in position order (to compare runs)."""
    with _connect(url, schema) as db:
        return db.execute(f"SELECT {_COLUMNS} FROM events ORDER BY position").fetchall()


def summarize(counts: dict[str, int], times: dict[str, list[float]]) -> dict[str, Any]:
    rate, appended = append_figures(counts, times)
    batched = rate["seve-postgres, batched"]
    ratios = {
        "single_over_raw": rate["seve-postgres, 1 per append"]
        / rate["raw psycopg, 1 per transaction"],
        "batched_over_executemany": batched / rate["raw psycopg, batched executemany"],
        "batched_over_copy": batched / rate["raw psycopg, batched COPY"],
    }
    return {
        "appends": appended,
        "ratios": {name: round(value, 3) for name, value in ratios.items()},
        "target": {
            "batched_over_executemany_at_least": TARGET_BATCHED,
            "met": ratios["batched_over_executemany"] >= TARGET_BATCHED,
        },
    }


def table(summary: dict[str, Any]) -> str:
    rows = append_rows(summary["appends"], 36)
    ratios, target = summary["ratios"], summary["target"]
    met = "met" if target["met"] else "NOT met"
    rows += [
        "",
        f"one per append / raw        = {ratios['single_over_raw']:.2f}",
        (
            f"batched / raw executemany   = {ratios['batched_over_executemany']:.2f}  "
            f"(target >= {target['batched_over_executemany_at_least']:g}: {met})"
        ),
        f"batched / raw COPY          = {ratios['batched_over_copy']:.2f}",
    ]
    return "\n".join(rows)


def benchmark(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run every append on the server at ``url``; the figures and the server's version."""
    lines = synthetic_lines(max(args.events, args.single), seed=args.seed)
    single = appends(lines[: args.single], 1)
    batched = appends(lines[: args.events], args.batch)
    single_rows, batched_rows = raw_rows(single), raw_rows(batched)
    runs: dict[str, Callable[[], float]] = {
        "seve-postgres, 1 per append": lambda: run_store(url, single),
        "raw psycopg, 1 per transaction": lambda: run_raw(url, single_rows, insert_executemany),
        "seve-postgres, batched": lambda: run_store(url, batched),
        "raw psycopg, batched executemany": lambda: run_raw(url, batched_rows, insert_executemany),
        "raw psycopg, batched COPY": lambda: run_raw(url, batched_rows, insert_copy),
    }
    counts = {name: args.single if "1 per" in name else args.events for name in runs}
    times = measure(runs, args.rounds)
    with psycopg.connect(url) as db:
        server = db.info.server_version
        fsync = db.execute("SHOW fsync").fetchone()
    return {
        "server_version": f"{server // 10000}.{server % 10000}",
        "fsync": None if fsync is None else fsync[0],
        **summarize(counts, times),
    }


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    append_arguments(parser)
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic log")
    parser.add_argument(
        "--url", help="an existing server's database (default: start a throwaway server)"
    )
    parser.add_argument(
        "--fsync",
        choices=["on", "off"],
        default="on",
        help="fsync of the throwaway server (default: on, as in production)",
    )
    output_argument(parser, DEFAULT_OUTPUT)
    args = parser.parse_args(None if argv is None else list(argv))
    check_append_arguments(parser, args)

    env = environment()
    env["packages"]["psycopg"] = psycopg.__version__
    print(f"Python {env['python']} on {env['platform']}, psycopg {psycopg.__version__}")
    if args.url:
        summary = benchmark(args.url, args)
    else:
        with throwaway_cluster(database="bench", fsync=args.fsync == "on") as url:
            summary = benchmark(url, args)
    print(f"\nPostgreSQL {summary['server_version']}, fsync {summary['fsync']}")
    print(table(summary))

    write_result(
        args.output,
        "append to seve-postgres against raw psycopg executemany and COPY",
        f"python benchmarks/bench_postgres.py --events {args.events} "
        f"--single {args.single} --batch {args.batch} --rounds {args.rounds} "
        f"--seed {args.seed}" + ("" if args.url else f" --fsync {args.fsync}"),
        {"batch": args.batch, "environment": env, **summary},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
