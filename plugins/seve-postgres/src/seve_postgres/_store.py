"""The PostgreSQL store: one row lock orders every append, ``SKIP LOCKED`` shares the
outbox between dispatchers.

How it keeps the promises of :class:`seve.storage.Store`:

- **atomic appends**: the version check, the events and the outbox entries are one
  transaction; an error, or a connection lost before ``COMMIT``, rolls all of it back;
- **optimistic concurrency and order**: an append is one statement that reads the
  stream's version and, if it is the expected one, updates the single row of
  ``seve_log`` (the last position and the last outbox number given).  That row lock
  is held until ``COMMIT``, so appends are serialised across every connection and
  process, and positions are handed out in commit order: a subscriber reading after
  its cursor never misses an event committed later with a lower position.  An append
  that committed while the statement waited for the lock wrote the next version of
  the stream, so ``UNIQUE (stream, version)`` refuses the late rows: a conflict;
- **one delivery at a time**: a claim selects the oldest pending entry of each
  (stream, target) pair ``FOR UPDATE SKIP LOCKED`` and writes its owner and the end
  of its lease in the row, in one statement: two dispatchers never lock the same
  row, and one that reads a row another just claimed re-checks its lease and leaves
  it; ``complete`` and ``fail`` only touch a row that still names their owner.

The connection is in autocommit mode: a read is one statement and leaves no
transaction open; every write is one transaction, and an append is one statement,
so one round trip to the server, whatever the number of its events and entries
(they go as one binary array per column).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Final

import psycopg
from psycopg import errors, sql

from seve.errors import DomainError
from seve.storage import (
    ConcurrencyError,
    NewEvent,
    OutboxEntry,
    OutboxStatus,
    StoreClosedError,
    StoredEvent,
    duplicate_event,
    duplicate_key,
    first_duplicate,
    numbered,
    outbox_entry,
    paged,
    stored_event,
)

from ._url import ConnectionLostError, PostgresStoreError, parse_url, redacted

__all__ = ["SCHEMA_VERSION", "PostgresStore"]

#: The version of the tables below, kept in ``seve_schema``.
SCHEMA_VERSION: Final = 1

_PENDING: Final = OutboxStatus.PENDING.value
_SCHEMA: Final = (
    "CREATE TABLE seve_schema (version integer NOT NULL)",
    # one row: the last position and the last outbox number handed out; its row lock
    # orders the appends
    "CREATE TABLE seve_log (position bigint NOT NULL, seq bigint NOT NULL)",
    "INSERT INTO seve_log VALUES (0, 0)",
    """CREATE TABLE events (
        position bigint  PRIMARY KEY,
        stream   text    NOT NULL,
        version  integer NOT NULL,
        id       text    NOT NULL CONSTRAINT events_id_unique UNIQUE,
        type     text    NOT NULL,
        data     bytea   NOT NULL,
        CONSTRAINT events_stream_version_unique UNIQUE (stream, version)
    )""",
    "CREATE TABLE cursors (name text PRIMARY KEY, position bigint NOT NULL)",
    # owner and lease_until: the claim of a dispatcher
    """CREATE TABLE outbox (
        seq         bigint      PRIMARY KEY,
        key         text        NOT NULL CONSTRAINT outbox_key_unique UNIQUE,
        stream      text        NOT NULL,
        event_id    text        NOT NULL,
        target      text        NOT NULL,
        hook        text        NOT NULL,
        data        bytea       NOT NULL,
        due_at      timestamptz NOT NULL,
        status      text        NOT NULL,
        attempts    integer     NOT NULL,
        last_error  text,
        owner       text,
        lease_until timestamptz
    )""",
    f"CREATE INDEX outbox_pending ON outbox (stream, target, seq) WHERE status = '{_PENDING}'",
)
#: The advisory lock that keeps two processes from creating the tables at once.
_SCHEMA_LOCK: Final = 0x5E7E_0001

_EVENT: Final = "position, stream, version, id, type, data"
_ENTRY: Final = "key, stream, event_id, target, hook, data, due_at, status, attempts, last_error"
_VERSION: Final = "SELECT coalesce(max(version), 0) FROM events WHERE stream = %s"
#: A whole append in one statement (one round trip, its own transaction):
#:
#: - ``current``: the stream's version, as the statement's snapshot sees it;
#: - ``allocated``: if it is the expected one, the row of ``seve_log`` is locked (after
#:   any append holding it commits) and the positions and outbox numbers are taken;
#:   else nothing is written and the statement returns the version it saw;
#: - the events and outbox entries, as one binary array per column (``%b``: no text
#:   escaping), numbered from what ``allocated`` took.
#:
#: An append that committed while this statement waited for the lock is not in its
#: snapshot, but it wrote the version after the expected one: ``UNIQUE (stream,
#: version)`` then refuses these rows, and the whole statement is rolled back.
_APPEND: Final = f"""WITH current AS (
    SELECT coalesce(max(version), 0) AS version FROM events WHERE stream = %(stream)s
), allocated AS (
    UPDATE seve_log SET position = position + %(events)s, seq = seq + %(entries)s
    WHERE (SELECT version FROM current) = %(expected)s
    RETURNING position - %(events)s AS position, seq - %(entries)s AS seq
), appended AS (
    INSERT INTO events ({_EVENT})
    SELECT a.position + e.n, %(stream)s, %(expected)s + e.n, e.id, e.type, e.data
    FROM allocated AS a,
        unnest(%(ids)b::text[], %(types)b::text[], %(data)b::bytea[])
        WITH ORDINALITY AS e(id, type, data, n)
), scheduled AS (
    INSERT INTO outbox (seq, {_ENTRY})
    SELECT a.seq + o.n, o.key, o.stream, o.event_id, o.target, o.hook, o.data, o.due_at,
        o.status, o.attempts, o.last_error
    FROM allocated AS a,
        unnest(%(keys)b::text[], %(streams)b::text[], %(event_ids)b::text[],
            %(targets)b::text[], %(hooks)b::text[], %(bodies)b::bytea[],
            %(due_at)b::timestamptz[], %(statuses)b::text[], %(attempts)b::integer[],
            %(errors)b::text[])
        WITH ORDINALITY AS o(key, stream, event_id, target, hook, data, due_at, status,
            attempts, last_error, n)
)
SELECT (SELECT version FROM current), (SELECT position FROM allocated)"""
#: The oldest pending entry of each (stream, target), due and not under a lease;
#: rows another dispatcher is claiming are skipped, not waited for.
_CLAIM: Final = f"""WITH claimed AS (
    UPDATE outbox SET owner = %(owner)s, lease_until = %(until)s
    WHERE seq IN (
        SELECT seq FROM outbox AS o
        WHERE status = '{_PENDING}' AND due_at <= %(now)s
          AND (lease_until IS NULL OR lease_until <= %(now)s)
          AND seq = (SELECT min(seq) FROM outbox
                     WHERE status = '{_PENDING}' AND stream = o.stream AND target = o.target)
        ORDER BY seq LIMIT %(limit)s
        FOR UPDATE SKIP LOCKED)
    RETURNING seq, {_ENTRY})
SELECT {_ENTRY} FROM claimed ORDER BY seq"""
#: Events fetched at once by :meth:`PostgresStore.read_log`.
_PAGE: Final = 1000


def _parameters(
    stream: str, expected_version: int, events: Sequence[NewEvent], outbox: Sequence[OutboxEntry]
) -> dict[str, Any]:
    """The parameters of :data:`_APPEND`: one array per column."""
    return {
        "stream": stream,
        "expected": expected_version,
        "events": len(events),
        "entries": len(outbox),
        "ids": [e.id for e in events],
        "types": [e.type for e in events],
        "data": [e.data for e in events],
        "keys": [e.key for e in outbox],
        "streams": [e.stream for e in outbox],
        "event_ids": [e.event_id for e in outbox],
        "targets": [e.target for e in outbox],
        "hooks": [e.hook for e in outbox],
        "bodies": [e.data for e in outbox],
        "due_at": [e.due_at for e in outbox],
        "statuses": [e.status.value for e in outbox],
        "attempts": [e.attempts for e in outbox],
        "errors": [e.last_error for e in outbox],
    }


class PostgresStore:
    """An event store in a PostgreSQL database; see :class:`seve.storage.Store` for
    each method.

    Open one per process (a connection must not cross a ``fork``); a store may be
    handed from thread to thread.  The tables are created on first use, in one
    transaction, under an advisory lock (several processes may open a new database at
    once).

    :param conninfo: a ``postgresql://`` URL (its ``schema`` option included) or any
        connection string libpq accepts.
    :param schema: the schema of seve's tables (created if missing); by default the
        URL's ``schema`` option, else the first schema of the ``search_path``.
    :param connect_timeout: seconds to wait for the server when connecting.
    :raises PostgresStoreError: the server cannot be reached, or the schema holds
        another application's tables or a seve schema of another version.
    """

    def __init__(
        self, conninfo: str, *, schema: str | None = None, connect_timeout: int = 10
    ) -> None:
        where = parse_url(conninfo)
        if where is not None:
            conninfo = where.conninfo
            if schema is not None and where.schema not in (None, schema):
                raise PostgresStoreError(
                    "postgres.url_invalide",
                    f"deux schémas demandés : {where.schema} (URL) et {schema}",
                )
            schema = schema or where.schema
        self.url = redacted(conninfo)
        self.schema = schema
        self._conninfo = conninfo
        self._timeout = connect_timeout
        self._db: psycopg.Connection[tuple[Any, ...]] | None = None
        self._closed = False
        db = self._connect()
        try:
            with db.transaction():
                self._check_schema(db)
        except psycopg.Error as exc:
            db.close()
            raise PostgresStoreError(
                "postgres.ouverture",
                f"impossible de préparer le stockage {self.url} (droits du rôle ?) : {exc}",
            ) from exc
        except BaseException:
            db.close()
            raise
        self._db = db

    def _connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        try:
            db = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=self._timeout)
        except psycopg.Error as exc:
            raise PostgresStoreError(
                "postgres.injoignable",
                f"impossible de se connecter au serveur PostgreSQL {self.url} : {exc}",
            ) from exc
        try:
            db.execute("SET TIME ZONE 'UTC'")
            if self.schema is not None:
                db.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
        except BaseException:
            db.close()
            raise
        return db

    def _check_schema(self, db: psycopg.Connection[tuple[Any, ...]]) -> None:
        db.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        if self.schema is not None:
            db.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema))
            )
        (schema,) = _one(db.execute("SELECT current_schema()"))
        if schema is None:
            raise PostgresStoreError(
                "postgres.url_invalide",
                f"{self.url} : aucun schéma du search_path n'existe pour y créer les tables ; "
                "ajoutez ?schema=seve à l'URL",
            )
        tables = {
            name
            for (name,) in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)
            )
        }
        if not tables:
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute("INSERT INTO seve_schema VALUES (%s)", (SCHEMA_VERSION,))
            return
        if "seve_schema" not in tables:
            raise PostgresStoreError(
                "postgres.base_etrangere",
                f"le schéma {schema} de {self.url} contient des tables, mais pas celles de seve ; "
                "choisissez un autre schéma (?schema=seve)",
            )
        (version,) = _one(db.execute("SELECT version FROM seve_schema"))
        if version != SCHEMA_VERSION:
            raise PostgresStoreError(
                "postgres.schema_inconnu",
                f"le schéma {schema} de {self.url} est au format {version}, "
                f"cette version de seve-postgres lit le format {SCHEMA_VERSION}",
            )

    def __repr__(self) -> str:
        schema = "" if self.schema is None else f", schema={self.schema!r}"
        return f"PostgresStore({self.url!r}{schema})"

    # --- plumbing --------------------------------------------------------------

    @contextmanager
    def _using(self, doing: str) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
        """The connection (again, if the last one broke), for one call.

        :raises ConnectionLostError: the connection broke during the call.
        """
        if self._closed:
            raise StoreClosedError(self.url)
        if self._db is None or self._db.closed:
            self._db = self._connect()
        db = self._db
        try:
            yield db
        except psycopg.OperationalError as exc:
            if not (db.broken or db.closed):
                raise
            self._db = None
            db.close()
            raise ConnectionLostError(self.url, doing, str(exc).strip()) from exc

    def _write(self, doing: str, query: str, parameters: Sequence[Any]) -> bool:
        """Run one statement (its own transaction): ``True`` if it changed a row."""
        with self._using(doing) as db:
            return db.execute(query, parameters).rowcount > 0

    def _rows(
        self, doing: str, query: str, parameters: Sequence[Any] | Mapping[str, Any]
    ) -> list[tuple[Any, ...]]:
        """Run one query (binary results): its rows, all fetched, so no read stays open."""
        with self._using(doing) as db:
            return db.cursor(binary=True).execute(query, parameters).fetchall()

    # --- events ----------------------------------------------------------------

    def append(
        self,
        stream: str,
        expected_version: int,
        events: Sequence[NewEvent],
        outbox: Sequence[OutboxEntry] = (),
    ) -> list[StoredEvent]:
        with self._using(f"l'ajout au flux {stream}") as db:
            if not events and not outbox:  # nothing to write: the version check alone
                (actual,) = _one(db.execute(_VERSION, (stream,)))
                if actual != expected_version:
                    raise ConcurrencyError(stream, expected_version, actual)
                return []
            try:
                return self._append(db, stream, expected_version, events, outbox)
            except errors.UniqueViolation as exc:
                raise self._refusal(db, exc, stream, expected_version, events, outbox) from None

    @staticmethod
    def _append(
        db: psycopg.Connection[tuple[Any, ...]],
        stream: str,
        expected_version: int,
        events: Sequence[NewEvent],
        outbox: Sequence[OutboxEntry],
    ) -> list[StoredEvent]:
        parameters = _parameters(stream, expected_version, events, outbox)
        actual, after = _one(db.execute(_APPEND, parameters))
        if after is None:  # the stream was at another version: nothing written
            raise ConcurrencyError(stream, expected_version, actual)
        return numbered(stream, events, after_version=expected_version, after_position=after)

    @staticmethod
    def _refusal(
        db: psycopg.Connection[tuple[Any, ...]],
        exc: errors.UniqueViolation,
        stream: str,
        expected_version: int,
        events: Sequence[NewEvent],
        outbox: Sequence[OutboxEntry],
    ) -> Exception:
        """The error to raise for a rolled-back append that broke a unique constraint."""
        constraint = exc.diag.constraint_name
        if constraint == "events_stream_version_unique":
            (actual,) = _one(db.execute(_VERSION, (stream,)))
            return ConcurrencyError(stream, expected_version, actual)
        make: Callable[[str], DomainError]
        if constraint == "events_id_unique":
            ids = [e.id for e in events]
            query, make = "SELECT id FROM events WHERE id = ANY(%s)", duplicate_event
        elif constraint == "outbox_key_unique":
            ids = [e.key for e in outbox]
            query, make = "SELECT key FROM outbox WHERE key = ANY(%s)", duplicate_key
        else:
            return exc
        stored = {value for (value,) in db.execute(query, (ids,))}
        repeated = first_duplicate(ids, stored.__contains__)
        return exc if repeated is None else make(repeated)

    def version(self, stream: str) -> int:
        with self._using(f"la lecture du flux {stream}") as db:
            (version,) = _one(db.execute(_VERSION, (stream,)))
        return int(version)

    def read_stream(self, stream: str, *, after_version: int = 0) -> list[StoredEvent]:
        rows = self._rows(
            f"la lecture du flux {stream}",
            f"SELECT {_EVENT} FROM events WHERE stream = %s AND version > %s ORDER BY version",
            (stream, after_version),
        )
        return [stored_event(row) for row in rows]

    def read_log(self, *, after: int = 0, limit: int | None = None) -> Iterator[StoredEvent]:
        if self._closed:  # a closed store fails now, not at the first next()
            raise StoreClosedError(self.url)
        return paged(self._page, after=after, limit=limit, page=_PAGE)

    def _page(self, after: int, size: int) -> list[StoredEvent]:
        """``size`` events of the log after ``after``: one query (no read stays open)."""
        rows = self._rows(
            "la lecture du journal",
            f"SELECT {_EVENT} FROM events WHERE position > %s ORDER BY position LIMIT %s",
            (after, size),
        )
        return [stored_event(row) for row in rows]

    # --- cursors ---------------------------------------------------------------

    def cursor(self, name: str) -> int:
        with self._using(f"la lecture du curseur {name}") as db:
            row = db.execute("SELECT position FROM cursors WHERE name = %s", (name,)).fetchone()
        return 0 if row is None else int(row[0])

    def move_cursor(self, name: str, position: int) -> None:
        self._write(
            f"l'avancée du curseur {name}",
            "INSERT INTO cursors VALUES (%s, %s) "
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
            (name, position),
        )

    # --- outbox ----------------------------------------------------------------

    def claim(
        self, now: dt.datetime, *, owner: str, lease: dt.timedelta, limit: int
    ) -> list[OutboxEntry]:
        rows = self._rows(
            "la réservation d'effets à livrer",
            _CLAIM,
            {"owner": owner, "until": now + lease, "now": now, "limit": limit},
        )
        return [outbox_entry(row) for row in rows]

    def complete(self, key: str, *, owner: str) -> bool:
        return self._write(
            f"la livraison de {key}",
            "UPDATE outbox SET status = %s, owner = NULL, lease_until = NULL "
            f"WHERE key = %s AND owner = %s AND status = '{_PENDING}'",
            (OutboxStatus.DONE.value, key, owner),
        )

    def fail(self, key: str, *, owner: str, error: str, retry_at: dt.datetime | None) -> bool:
        status = OutboxStatus.DEAD if retry_at is None else OutboxStatus.PENDING
        return self._write(
            f"l'échec de {key}",
            "UPDATE outbox SET status = %s, due_at = coalesce(%s, due_at), "
            "attempts = attempts + 1, last_error = %s, owner = NULL, lease_until = NULL "
            f"WHERE key = %s AND owner = %s AND status = '{_PENDING}'",
            (status.value, retry_at, error, key, owner),
        )

    def outbox(self, *, status: OutboxStatus | None = None) -> list[OutboxEntry]:
        code = None if status is None else status.value
        rows = self._rows(
            "la lecture des effets",
            f"SELECT {_ENTRY} FROM outbox WHERE %s::text IS NULL OR status = %s ORDER BY seq",
            (code, code),
        )
        return [outbox_entry(row) for row in rows]

    def requeue(self, key: str, *, due_at: dt.datetime) -> bool:
        return self._write(
            f"la remise en file de {key}",
            "UPDATE outbox SET status = %s, attempts = 0, due_at = %s "
            "WHERE key = %s AND status = %s",
            (OutboxStatus.PENDING.value, due_at, key, OutboxStatus.DEAD.value),
        )

    # --- erasure and closing ---------------------------------------------------

    def erase(self, *, events: Mapping[str, bytes], outbox: Sequence[str]) -> None:
        with self._using("l'effacement") as db, db.transaction():
            cursor = db.cursor()
            cursor.executemany(
                "UPDATE events SET data = %s WHERE id = %s", [(d, i) for i, d in events.items()]
            )
            cursor.executemany("DELETE FROM outbox WHERE key = %s", [(key,) for key in outbox])

    def close(self) -> None:
        self._closed = True
        if self._db is not None:
            self._db.close()
            self._db = None


def _one(cursor: psycopg.Cursor[tuple[Any, ...]]) -> tuple[Any, ...]:
    """The single row a statement returns."""
    row = cursor.fetchone()
    assert row is not None, "a statement that returns one row returned none"
    return row
