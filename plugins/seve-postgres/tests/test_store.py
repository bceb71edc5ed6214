"""What is particular to seve-postgres: its URLs, its discovery by entry point, its
schema, a connection lost in the middle of an append, and the throwaway server."""

from __future__ import annotations

import concurrent.futures
import time
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

import seve_postgres.testing
from seve.hooks import Plugins
from seve.storage import ConcurrencyError, MemoryStore, StoreClosedError
from seve.testing.contract import new_events, outbox_entry
from seve_postgres import (
    SCHEMA_VERSION,
    ConnectionLostError,
    PostgresStore,
    PostgresStoreError,
    PostgresUrl,
    parse_url,
    redacted,
)
from seve_postgres.testing import ServerNotFoundError, find_bindir, throwaway_cluster

# --- URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql://seve@localhost/seve",
            PostgresUrl(conninfo="postgresql://seve@localhost/seve"),
        ),
        (
            "postgres://h:5433/b?sslmode=require",
            PostgresUrl(conninfo="postgres://h:5433/b?sslmode=require"),
        ),
        (
            "postgresql://seve@db/federation?schema=aci_val&sslmode=require",
            PostgresUrl(
                conninfo="postgresql://seve@db/federation?sslmode=require", schema="aci_val"
            ),
        ),
        ("postgresql:///seve?schema=s1", PostgresUrl(conninfo="postgresql:///seve", schema="s1")),
    ],
)
def test_postgresql_urls(url: str, expected: PostgresUrl) -> None:
    assert parse_url(url) == expected


@pytest.mark.parametrize("url", ["memory:", "sqlite:///seve.db", "postgresqlx://h/b", ""])
def test_other_urls_are_left_to_other_plugins(url: str) -> None:
    assert parse_url(url) is None


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql:seve", "s'écrit postgresql://"),
        ("postgresql://h/b?schema=Aci-Val", "schema vaut un seul nom"),
        ("postgresql://h/b?schema=", "schema vaut un seul nom"),
        ("postgresql://h/b?schema=a&schema=b", "pas 'a', 'b'"),
    ],
)
def test_malformed_postgresql_urls_are_refused(url: str, says: str) -> None:
    with pytest.raises(PostgresStoreError, match=says) as refused:
        parse_url(url)
    assert refused.value.code == "postgres.url_invalide"


def test_a_password_never_shows() -> None:
    url = "postgresql://seve:s3cr3t@db.example.org:5432/seve?schema=aci"
    assert redacted(url) == "postgresql://seve:***@db.example.org:5432/seve?schema=aci"
    assert redacted("postgresql://seve@db/seve") == "postgresql://seve@db/seve"
    with pytest.raises(PostgresStoreError) as refused:
        PostgresStore("postgresql://seve:s3cr3t@127.0.0.1:1/seve", connect_timeout=2)
    assert refused.value.code == "postgres.injoignable"
    assert "s3cr3t" not in str(refused.value)
    assert "seve:***@127.0.0.1:1" in str(refused.value)


# --- discovery and schema ----------------------------------------------------------------


def test_the_plugin_is_found_by_its_entry_point(schema_url: str) -> None:
    plugins = Plugins(strict=True, environ={"SEVE_LOAD_PLUGINS": "postgres"})
    store = plugins.open_store(schema_url)
    try:
        assert isinstance(store, PostgresStore)
        assert store.schema == schema_url.rpartition("=")[2]
        store.append("parcours:p-1", 0, new_events("e", 1))
        assert repr(store) == f"PostgresStore({store.url!r}, schema={store.schema!r})"
    finally:
        store.close()
    assert isinstance(plugins.open_store("memory:"), MemoryStore)
    assert "postgres" in plugins.implementers("seve_open_store")


def _admin(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(url, autocommit=True)


def test_the_schema_is_created_once_with_its_version(postgres_url: str) -> None:
    first = PostgresStore(postgres_url, schema="versionne")
    again = PostgresStore(f"{postgres_url}?schema=versionne")
    try:
        first.append("parcours:p-1", 0, new_events("e", 1))
        assert again.version("parcours:p-1") == 1
    finally:
        first.close()
        again.close()
    with _admin(postgres_url) as db:
        tables = {
            name
            for (name,) in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'versionne'"
            )
        }
        assert tables == {"seve_schema", "seve_log", "events", "cursors", "outbox"}
        assert db.execute("SELECT version FROM versionne.seve_schema").fetchall() == [
            (SCHEMA_VERSION,)
        ]
        assert db.execute("SELECT position, seq FROM versionne.seve_log").fetchall() == [(1, 0)]


def test_two_schemas_in_one_database_are_two_stores(postgres_url: str) -> None:
    aci, ei = PostgresStore(postgres_url, schema="aci"), PostgresStore(postgres_url, schema="ei")
    try:
        aci.append("parcours:p-1", 0, new_events("e", 2))
        assert ei.version("parcours:p-1") == 0
        ei.append("parcours:p-1", 0, new_events("e", 1))  # the same ids: another store
    finally:
        aci.close()
        ei.close()


def test_a_schema_of_another_application_or_version_is_refused(postgres_url: str) -> None:
    with _admin(postgres_url) as db:
        db.execute("CREATE SCHEMA compta")
        db.execute("CREATE TABLE compta.factures (numero integer)")
    with pytest.raises(PostgresStoreError, match="pas celles de seve") as foreign:
        PostgresStore(postgres_url, schema="compta")
    assert foreign.value.code == "postgres.base_etrangere"

    PostgresStore(postgres_url, schema="futur").close()
    with _admin(postgres_url) as db:
        db.execute("UPDATE futur.seve_schema SET version = 99")
    with pytest.raises(PostgresStoreError, match="format 99") as newer:
        PostgresStore(postgres_url, schema="futur")
    assert newer.value.code == "postgres.schema_inconnu"
    with _admin(postgres_url) as db:  # refused, not changed
        assert db.execute("SELECT count(*) FROM compta.factures").fetchone() == (0,)
        assert db.execute("SELECT version FROM futur.seve_schema").fetchone() == (99,)


def test_a_role_that_may_not_create_the_tables_is_told_so(postgres_url: str) -> None:
    with _admin(postgres_url) as db:
        db.execute("CREATE ROLE lecteur LOGIN")
    with pytest.raises(PostgresStoreError, match="droits du rôle") as refused:
        PostgresStore(postgres_url.replace("seve@", "lecteur@"), schema="interdit")
    assert refused.value.code == "postgres.ouverture"


def test_two_schemas_for_one_store_are_refused(postgres_url: str) -> None:
    with pytest.raises(PostgresStoreError, match="deux schémas"):
        PostgresStore(f"{postgres_url}?schema=a", schema="b")


# --- the connection lost ---------------------------------------------------------------


def _waiting_backend(db: psycopg.Connection[tuple[object, ...]]) -> int:
    """The pid of the backend waiting for a lock, once there is one."""
    for _ in range(500):
        row = db.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        ).fetchone()
        if row is not None:
            return int(str(row[0]))
        time.sleep(0.01)
    raise AssertionError("the append never waited for the lock")


def test_an_append_committed_while_another_waits_for_the_lock_wins(
    postgres_url: str, schema_url: str
) -> None:
    """The waiting append's snapshot predates the winner's commit; the winner's version
    is then refused to it by ``UNIQUE (stream, version)``: a conflict, nothing written."""
    store = PostgresStore(schema_url)
    schema = sql.Identifier(store.schema or "")
    try:
        with _admin(postgres_url) as winner, _admin(postgres_url) as admin:
            winner.execute("BEGIN")  # what an append does, held open
            (position,) = winner.execute(
                sql.SQL("UPDATE {}.seve_log SET position = position + 1 RETURNING position").format(
                    schema
                )
            ).fetchone() or (0,)
            winner.execute(
                sql.SQL(
                    "INSERT INTO {}.events VALUES (%s, 'parcours:p-1', 1, 'w-1', 'test', '{{}}')"
                ).format(schema),
                (position,),
            )
            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                late = pool.submit(store.append, "parcours:p-1", 0, new_events("l", 2))
                _waiting_backend(admin)
                winner.execute("COMMIT")
                with pytest.raises(ConcurrencyError) as conflict:
                    late.result(timeout=30)
        assert (conflict.value.expected, conflict.value.actual) == (0, 1)
        assert [e.id for e in store.read_log()] == ["w-1"]
        assert [e.position for e in store.append("parcours:p-1", 1, new_events("l", 1))] == [2]
    finally:
        store.close()


def test_a_connection_lost_mid_append_writes_nothing_and_the_store_reconnects(
    postgres_url: str, schema_url: str
) -> None:
    """The append has written its events and waits to write its outbox entry when
    its connection is cut: nothing of it stays, and the next call reconnects."""
    store = PostgresStore(schema_url)
    schema = sql.Identifier(store.schema or "")
    try:
        first = store.append("parcours:p-1", 0, new_events("a", 1))
        with _admin(postgres_url) as blocker, _admin(postgres_url) as admin:
            blocker.execute("BEGIN")
            blocker.execute(sql.SQL("LOCK TABLE {}.outbox IN SHARE MODE").format(schema))
            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                append = pool.submit(
                    store.append,
                    "parcours:p-1",
                    1,
                    new_events("b", 3),
                    [outbox_entry("k-1", "parcours:p-1")],
                )
                pid = _waiting_backend(admin)
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
                with pytest.raises(ConnectionLostError, match="entière ou absente") as lost:
                    append.result(timeout=30)
            blocker.execute("ROLLBACK")
        assert lost.value.code == "postgres.connexion_perdue"
        assert "l'ajout au flux parcours:p-1" in str(lost.value)
        # the next call reconnects: nothing of the cut append is there
        assert store.version("parcours:p-1") == 1
        assert list(store.read_log()) == first
        assert store.outbox() == []
        again = store.append("parcours:p-1", 1, new_events("b", 3), [outbox_entry("k-1", "p")])
        assert [e.position for e in again] == [2, 3, 4]  # the lost positions were not taken
    finally:
        store.close()


def test_a_server_that_goes_away_gives_typed_errors() -> None:
    with throwaway_cluster(database="ephemere") as url:
        store = PostgresStore(url)
        store.append("parcours:p-1", 0, new_events("a", 1))
    try:  # the server is stopped: the connection is lost, then it cannot be made again
        with pytest.raises(ConnectionLostError):
            store.append("parcours:p-1", 1, new_events("b", 1))
        with pytest.raises(PostgresStoreError, match="impossible de se connecter") as down:
            store.version("parcours:p-1")
        assert down.value.code == "postgres.injoignable"
    finally:
        store.close()
    with pytest.raises(StoreClosedError):
        store.version("parcours:p-1")


# --- the throwaway server ----------------------------------------------------------------


def test_the_throwaway_server_is_local_and_leaves_nothing_behind(postgres_url: str) -> None:
    host, _, rest = postgres_url.removeprefix("postgresql://seve@").partition(":")
    assert host == "127.0.0.1"
    with _admin(postgres_url) as db:
        (listen,) = db.execute("SHOW listen_addresses").fetchone() or ("",)
        (socket_dir,) = db.execute("SHOW unix_socket_directories").fetchone() or ("",)
        (user,) = db.execute("SELECT current_user").fetchone() or ("",)
        (data,) = db.execute("SHOW data_directory").fetchone() or ("",)
    assert (listen, user) == ("127.0.0.1", "seve")
    assert Path(str(data)).parent == Path(str(socket_dir))  # all in one temporary folder
    assert rest.endswith("/seve")
    with throwaway_cluster(database="autre") as url, _admin(url) as db:
        (other,) = db.execute("SHOW data_directory").fetchone() or ("",)
        assert Path(str(other)).is_dir()
        assert url.endswith("/autre")
        assert url != postgres_url
    assert not Path(str(other)).parent.exists()


def test_missing_server_binaries_say_how_to_install_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEVE_POSTGRES_BINDIR", str(tmp_path))  # asked for, and empty
    with pytest.raises(ServerNotFoundError, match="apt-get install -y postgresql"):
        find_bindir()
    monkeypatch.delenv("SEVE_POSTGRES_BINDIR")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(seve_postgres.testing, "_DEBIAN", tmp_path / "postgresql")
    with pytest.raises(ServerNotFoundError, match=str(tmp_path / "postgresql")):
        find_bindir()
    with pytest.raises(ServerNotFoundError), throwaway_cluster():
        pass


def test_the_server_binaries_are_found_where_debian_puts_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("PostgreSQL n'est pas installé par le paquet Debian ici")
    monkeypatch.delenv("SEVE_POSTGRES_BINDIR", raising=False)
    monkeypatch.setenv("PATH", "")
    bindir = find_bindir()
    assert bindir.parent.parent == Path("/usr/lib/postgresql")
    assert (bindir / "initdb").exists()
