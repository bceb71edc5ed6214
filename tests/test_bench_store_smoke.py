"""Smoke test of the storage benchmark (benchmarks/bench_store.py): a tiny run, no timing.

It checks that the script runs end to end, that the raw peer inserts exactly the rows
seve-sqlite writes, and that the 200-event parcours folds.  Speed is measured by
running the script by hand (see ``docs/performance.md``).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import sys
from pathlib import Path

import pytest

pytest.importorskip("seve_sqlite")  # the plugin, installed by scripts/test.sh
pytest.importorskip("pydantic")  # the ``bench`` extra: bench_decode's peers need it

from seve.rules import replay
from seve_sqlite import SqliteStore

# the scripts import their neighbours (bench_decode, peers) as a script run would
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import bench_store


def test_a_tiny_run_writes_every_figure(tmp_path: Path) -> None:
    output = tmp_path / "store.json"
    argv = ["--events", "300", "--single", "30", "--batch", "50", "--rounds", "1"]
    assert bench_store.main([*argv, "--synchronous", "normal", "--output", str(output)]) == 0
    result = json.loads(output.read_text(encoding="utf-8"))
    assert result["synchronous"] == "normal"
    assert set(result["appends"]) == {
        "seve-sqlite, 1 per append",
        "raw sqlite3, 1 per transaction",
        "seve-sqlite, batched",
        "raw sqlite3, batched executemany",
    }
    assert result["appends"]["seve-sqlite, batched"]["events"] == 300
    assert result["ratios"]["batched_over_raw"] > 0
    assert result["fold_200"]["events"] == 200
    assert result["fold_200"]["read_decode_replay_ms"] > result["fold_200"]["read_ms"] > 0


@pytest.mark.parametrize("batch", [1, 50])
def test_the_raw_peer_writes_the_rows_seve_sqlite_writes(tmp_path: Path, batch: int) -> None:
    batches = bench_store.appends(bench_store.synthetic_lines(120, seed=2), batch)
    store = SqliteStore(tmp_path / "seve.db", synchronous="normal")
    try:
        for stream, version, events in batches:
            store.append(stream, version, events)
        written = [
            (e.position, e.stream, e.version, e.id, e.type, e.data) for e in store.read_log()
        ]
    finally:
        store.close()
    assert written == [row for rows in bench_store.raw_rows(batches) for row in rows]
    bench_store.run_raw(bench_store.raw_rows(batches), "normal")  # the peer accepts them


def test_the_parcours_has_200_events_and_folds() -> None:
    events = bench_store.parcours_of_200(0)
    assert len(events) == 200
    assert len({e.stream for e in events}) == 1
    assert len({e.id for e in events}) == 200
    assert replay(events) is not None


def test_the_raw_table_has_the_stores_constraints(tmp_path: Path) -> None:
    insert = "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)"
    with contextlib.closing(sqlite3.connect(tmp_path / "raw.db")) as db:
        db.execute(bench_store._RAW_TABLE)
        db.execute(insert, (1, "parcours:p-1", 1, "e-1", "test", b"{}"))
        same_version = (2, "parcours:p-1", 1, "e-2", "test", b"{}")
        same_id = (3, "parcours:p-2", 1, "e-1", "test", b"{}")
        for duplicate in (same_version, same_id):
            with pytest.raises(sqlite3.IntegrityError):
                db.execute(insert, duplicate)
