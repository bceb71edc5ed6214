"""Smoke test of the PostgreSQL benchmark (benchmarks/bench_postgres.py): a tiny run on
the session's server, no timing.

It checks that the script runs end to end, and that both raw peers insert exactly the
rows seve-postgres writes.  Speed is measured by running the script by hand (see
``docs/performance.md``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("pydantic")  # the ``bench`` extra: bench_decode's peers need it

from seve_postgres import PostgresStore

# the scripts import their neighbours (bench_store, bench_decode) as a script run would
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
import bench_postgres


def test_a_tiny_run_writes_every_figure(postgres_url: str, tmp_path: Path) -> None:
    output = tmp_path / "postgres.json"
    argv = ["--events", "300", "--single", "30", "--batch", "50", "--rounds", "1"]
    assert bench_postgres.main([*argv, "--url", postgres_url, "--output", str(output)]) == 0
    result = json.loads(output.read_text(encoding="utf-8"))
    assert set(result["appends"]) == {
        "seve-postgres, 1 per append",
        "raw psycopg, 1 per transaction",
        "seve-postgres, batched",
        "raw psycopg, batched executemany",
        "raw psycopg, batched COPY",
    }
    assert result["appends"]["seve-postgres, batched"]["events"] == 300
    assert result["ratios"]["batched_over_executemany"] > 0
    assert result["server_version"].startswith(("13.", "14.", "15.", "16.", "17.", "18."))


@pytest.mark.parametrize("batch", [1, 50])
@pytest.mark.parametrize("insert", [bench_postgres.insert_executemany, bench_postgres.insert_copy])
def test_the_raw_peers_write_the_rows_seve_postgres_writes(
    postgres_url: str, batch: int, insert: bench_postgres.Insert
) -> None:
    batches = bench_postgres.appends(bench_postgres.synthetic_lines(120, seed=2), batch)
    ours = bench_postgres.fresh_schema(postgres_url, raw=False)
    store = PostgresStore(postgres_url, schema=ours)
    try:
        for stream, version, events in batches:
            store.append(stream, version, events)
    finally:
        store.close()
    raw = bench_postgres.fresh_schema(postgres_url, raw=True)
    with bench_postgres._connect(postgres_url, raw) as db:
        insert(db, bench_postgres.raw_rows(batches))
    written = bench_postgres.written_rows(postgres_url, ours)
    assert len(written) == 120
    assert bench_postgres.written_rows(postgres_url, raw) == written
    for schema in (ours, raw):
        bench_postgres.drop_schema(postgres_url, schema)
