"""What is particular to seve-sqlite: its URLs, its discovery by entry point, its
pragmas and its schema."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from seve.hooks import Plugins
from seve.storage import MemoryStore
from seve.testing.contract import new_events
from seve_sqlite import SCHEMA_VERSION, SqliteStore, SqliteStoreError, SqliteUrl, parse_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///seve.db", SqliteUrl(path=Path("seve.db"))),
        ("sqlite:///data/seve.db", SqliteUrl(path=Path("data/seve.db"))),
        ("sqlite:////var/lib/seve/seve.db", SqliteUrl(path=Path("/var/lib/seve/seve.db"))),
        ("sqlite:seve.db", SqliteUrl(path=Path("seve.db"))),
        ("sqlite:/var/lib/seve/seve.db", SqliteUrl(path=Path("/var/lib/seve/seve.db"))),
        ("sqlite:///mon%20seve%3F.db", SqliteUrl(path=Path("mon seve?.db"))),
        (
            "sqlite:///seve.db?synchronous=normal",
            SqliteUrl(path=Path("seve.db"), synchronous="normal"),
        ),
        ("sqlite:///seve.db?synchronous=FULL", SqliteUrl(path=Path("seve.db"))),
    ],
)
def test_sqlite_urls(url: str, expected: SqliteUrl) -> None:
    assert parse_url(url) == expected


@pytest.mark.parametrize("url", ["memory:", "postgresql://localhost/seve", "seve.db", ""])
def test_other_urls_are_left_to_other_plugins(url: str) -> None:
    assert parse_url(url) is None


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("sqlite:", "il manque le chemin"),
        ("sqlite://", "il manque le chemin"),
        ("sqlite:///", "il manque le chemin"),
        ("sqlite://serveur/seve.db", r"pas un hôte \(serveur\)"),
        ("sqlite:///seve.db?mode=ro", "option inconnue mode"),
        ("sqlite:///seve.db?synchronous=off", "synchronous vaut full ou normal, pas 'off'"),
    ],
)
def test_malformed_sqlite_urls_are_refused(url: str, says: str) -> None:
    with pytest.raises(SqliteStoreError, match=says):
        parse_url(url)


def test_the_plugin_is_found_by_its_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    plugins = Plugins(strict=True, environ={"SEVE_LOAD_PLUGINS": "sqlite"})
    store = plugins.open_store("sqlite:///seve.db?synchronous=normal")
    try:
        assert isinstance(store, SqliteStore)
        assert Path(store.path) == Path("seve.db")
        store.append("parcours:p-1", 0, new_events("e", 1))
    finally:
        store.close()
    assert (tmp_path / "seve.db").exists()
    assert isinstance(plugins.open_store("memory:"), MemoryStore)
    assert "sqlite" in plugins.implementers("seve_open_store")


def _pragma(store: SqliteStore, name: str) -> object:
    return store._connection().execute(f"PRAGMA {name}").fetchone()[0]


@pytest.mark.parametrize(("synchronous", "level"), [(None, 2), ("full", 2), ("normal", 1)])
def test_wal_mode_and_full_sync_by_default(
    tmp_path: Path, synchronous: str | None, level: int
) -> None:
    url = f"sqlite:{tmp_path / 'seve.db'}" + (f"?synchronous={synchronous}" if synchronous else "")
    where = parse_url(url)
    assert where is not None
    with contextlib.closing(SqliteStore(where.path, synchronous=where.synchronous)) as store:
        assert _pragma(store, "journal_mode") == "wal"
        assert _pragma(store, "synchronous") == level  # 2: FULL, 1: NORMAL


def test_a_store_keeps_its_events_when_opened_again(tmp_path: Path) -> None:
    with contextlib.closing(SqliteStore(tmp_path / "seve.db")) as store:
        stored = store.append("parcours:p-1", 0, new_events("e", 2))
    with contextlib.closing(SqliteStore(tmp_path / "seve.db")) as store:
        assert store.read_stream("parcours:p-1") == stored


def _sql(path: Path, *statements: str) -> None:
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        for statement in statements:
            db.execute(statement)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    SqliteStore(tmp_path / "seve.db").close()
    _sql(tmp_path / "seve.db", f"UPDATE seve_schema SET version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SqliteStoreError, match=r"a le schéma 2, cette version .* lit le schéma 1"):
        SqliteStore(tmp_path / "seve.db")


def test_another_applications_database_is_left_alone(tmp_path: Path) -> None:
    _sql(tmp_path / "autre.db", "CREATE TABLE clients (nom TEXT)")
    with pytest.raises(SqliteStoreError, match="pas une base seve"):
        SqliteStore(tmp_path / "autre.db")
    with contextlib.closing(sqlite3.connect(tmp_path / "autre.db")) as db:
        tables = db.execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("clients",)]


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("ceci n'est pas une base SQLite, " * 100)
    with pytest.raises(SqliteStoreError, match="impossible d'ouvrir la base"):
        SqliteStore(tmp_path / "notes.db")
