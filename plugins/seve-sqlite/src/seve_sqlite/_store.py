"""The SQLite store: one file in WAL mode, every write in one ``BEGIN IMMEDIATE``.

How it keeps the promises of :class:`seve.storage.Store`:

- **atomic appends**: the version check, the events and the outbox entries are one
  transaction; an error rolls all of it back;
- **optimistic concurrency**: ``BEGIN IMMEDIATE`` takes the database's write lock
  before the version is read, so no other writer, in this process or another, can
  slip in between the check and the insert; ``UNIQUE (stream, version)`` backs it;
- **order**: positions are given under that same lock, as the largest position plus
  one, so they increase in commit order: a subscriber reading after its cursor never
  misses an event committed later with a lower position;
- **one delivery at a time**: a claim writes its owner and the end of its lease in
  the row, under the write lock; ``complete`` and ``fail`` only touch a row that
  still names their owner.

Readers never wait for writers (WAL); writers queue for up to ``timeout`` seconds.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Final

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

from ._url import SqliteStoreError, Synchronous

__all__ = ["SCHEMA_VERSION", "SqliteStore"]

#: The version of the tables below, kept in ``seve_schema``.
SCHEMA_VERSION: Final = 1

_SCHEMA: Final = (
    "CREATE TABLE seve_schema (version INTEGER NOT NULL)",
    """CREATE TABLE events (
        position INTEGER PRIMARY KEY,
        stream   TEXT    NOT NULL,
        version  INTEGER NOT NULL,
        id       TEXT    NOT NULL UNIQUE,
        type     TEXT    NOT NULL,
        data     BLOB    NOT NULL,
        UNIQUE (stream, version)
    )""",
    """CREATE TABLE cursors (
        name     TEXT    PRIMARY KEY,
        position INTEGER NOT NULL
    ) WITHOUT ROWID""",
    # instants are microseconds since 1970-01-01 UTC; owner and lease_until: the claim
    """CREATE TABLE outbox (
        seq         INTEGER PRIMARY KEY,
        key         TEXT    NOT NULL UNIQUE,
        stream      TEXT    NOT NULL,
        event_id    TEXT    NOT NULL,
        target      TEXT    NOT NULL,
        hook        TEXT    NOT NULL,
        data        BLOB    NOT NULL,
        due_at      INTEGER NOT NULL,
        status      TEXT    NOT NULL,
        attempts    INTEGER NOT NULL,
        last_error  TEXT,
        owner       TEXT,
        lease_until INTEGER
    )""",
    (
        "CREATE INDEX outbox_pending ON outbox (stream, target, seq) "
        f"WHERE status = '{OutboxStatus.PENDING.value}'"
    ),
)

_EVENT: Final = "position, stream, version, id, type, data"
_ENTRY: Final = "key, stream, event_id, target, hook, data, due_at, status, attempts, last_error"
#: Written out, not bound, so that SQLite uses the partial index ``outbox_pending``.
_PENDING: Final = f"status = '{OutboxStatus.PENDING.value}'"
#: Events fetched at once by :meth:`SqliteStore.read_log`.
_PAGE: Final = 1000
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND: Final = dt.timedelta(microseconds=1)


def _micros(instant: dt.datetime) -> int:
    return (instant - _EPOCH) // _MICROSECOND


def _instant(micros: int) -> dt.datetime:
    return _EPOCH + micros * _MICROSECOND


def _entry(row: Sequence[Any]) -> OutboxEntry:
    return outbox_entry(row, instant=_instant)


def _entry_row(seq: int, entry: OutboxEntry) -> tuple[Any, ...]:
    """The ``outbox`` row of a new entry: unclaimed, no owner and no lease."""
    due_at, status = _micros(entry.due_at), entry.status.value
    fields = (entry.key, entry.stream, entry.event_id, entry.target, entry.hook, entry.data)
    return (seq, *fields, due_at, status, entry.attempts, entry.last_error, None, None)


def _insert(
    db: sqlite3.Connection,
    table: str,
    rows: Sequence[tuple[Any, ...]],
    *,
    order: str,
    unique: str,
    values: Sequence[str],
) -> str | None:
    """Insert ``rows`` into ``table``; their first column is ``order``.

    :returns: ``None``, or the first of ``values`` (the rows' ``unique`` column)
        already in the table or repeated; the rows inserted before it are then still
        in the transaction, which the caller rolls back.
    """
    marks = ", ".join("?" * len(rows[0]))
    try:
        db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    except sqlite3.IntegrityError:
        first = rows[0][0]  # the rows of this insert come at or after it
        query = f"SELECT 1 FROM {table} WHERE {unique} = ? AND {order} < ?"
        duplicate = first_duplicate(
            values, lambda value: db.execute(query, (value, first)).fetchone() is not None
        )
        if duplicate is None:
            raise
        return duplicate
    return None


class SqliteStore:
    """An event store in a SQLite file; see :class:`seve.storage.Store` for each method.

    Open one per process (and per thread that needs its own): a connection is not
    shared across ``fork``.  One store may be handed from thread to thread, used by
    one at a time.

    :param path: the database file, created with its tables if missing.
    :param synchronous: ``"full"`` (the default) syncs the write-ahead log at every
        commit, so a recorded event survives a power cut; ``"normal"`` syncs only at
        checkpoints: faster, still safe when the process is killed, but a power cut
        may lose the last commits (never corrupt the file).
    :param timeout: seconds a writer waits for another one before giving up.
    :raises SqliteStoreError: the file is not a SQLite database, is another
        application's database, or has a schema this version does not know.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Synchronous = "full",
        timeout: float = 30.0,
    ) -> None:
        self.path = os.fspath(path)
        db = sqlite3.connect(
            self.path, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            db.execute(f"PRAGMA synchronous = {synchronous.upper()}")
            # erased bodies and deleted outbox rows are overwritten with zeros, not left
            # in free space: the right to erasure holds on every build of SQLite
            db.execute("PRAGMA secure_delete = ON")
            self._db: sqlite3.Connection | None = db
            with self._transaction():
                self._check_schema(db)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise SqliteStoreError(f"impossible d'ouvrir la base {self.path} : {exc}") from exc
        except BaseException:
            db.close()
            raise

    def _check_schema(self, db: sqlite3.Connection) -> None:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        if not tables:
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute("INSERT INTO seve_schema VALUES (?)", (SCHEMA_VERSION,))
            return
        if "seve_schema" not in tables:
            raise SqliteStoreError(f"{self.path} est une base SQLite, mais pas une base seve")
        (version,) = db.execute("SELECT version FROM seve_schema").fetchone()
        if version != SCHEMA_VERSION:
            raise SqliteStoreError(
                f"la base {self.path} a le schéma {version}, "
                f"cette version de seve-sqlite lit le schéma {SCHEMA_VERSION}"
            )

    def __repr__(self) -> str:
        return f"SqliteStore({self.path!r})"

    # --- plumbing --------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreClosedError(str(self.path))
        return self._db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: all of it is committed, or none."""
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _write(self, sql: str, parameters: Sequence[Any]) -> bool:
        """Run one UPDATE in a transaction: ``True`` if it changed a row."""
        with self._transaction() as db:
            return db.execute(sql, parameters).rowcount > 0

    @staticmethod
    def _version(db: sqlite3.Connection, stream: str) -> int:
        row = db.execute(
            "SELECT coalesce(max(version), 0) FROM events WHERE stream = ?", (stream,)
        ).fetchone()
        return int(row[0])

    # --- events ----------------------------------------------------------------

    def append(
        self,
        stream: str,
        expected_version: int,
        events: Sequence[NewEvent],
        outbox: Sequence[OutboxEntry] = (),
    ) -> list[StoredEvent]:
        with self._transaction() as db:
            actual = self._version(db, stream)
            if actual != expected_version:
                raise ConcurrencyError(stream, expected_version, actual)
            (last,) = db.execute("SELECT coalesce(max(position), 0) FROM events").fetchone()
            stored = numbered(stream, events, after_version=expected_version, after_position=last)
            if stored:
                rows = [(e.position, e.stream, e.version, e.id, e.type, e.data) for e in stored]
                ids = [e.id for e in events]
                duplicate = _insert(db, "events", rows, order="position", unique="id", values=ids)
                if duplicate is not None:
                    raise duplicate_event(duplicate)
            if outbox:
                (seq,) = db.execute("SELECT coalesce(max(seq), 0) FROM outbox").fetchone()
                rows = [_entry_row(seq + offset, e) for offset, e in enumerate(outbox, start=1)]
                keys = [e.key for e in outbox]
                duplicate = _insert(db, "outbox", rows, order="seq", unique="key", values=keys)
                if duplicate is not None:
                    raise duplicate_key(duplicate)
        return stored

    def version(self, stream: str) -> int:
        return self._version(self._connection(), stream)

    def read_stream(self, stream: str, *, after_version: int = 0) -> list[StoredEvent]:
        rows = self._connection().execute(
            f"SELECT {_EVENT} FROM events WHERE stream = ? AND version > ? ORDER BY version",
            (stream, after_version),
        )
        return [stored_event(row) for row in rows]

    def read_log(self, *, after: int = 0, limit: int | None = None) -> Iterator[StoredEvent]:
        self._connection()  # a closed store fails now, not at the first next()
        return paged(self._page, after=after, limit=limit, page=_PAGE)

    def _page(self, after: int, size: int) -> list[StoredEvent]:
        """``size`` events of the log after ``after``: one query (no read stays open)."""
        rows = self._connection().execute(
            f"SELECT {_EVENT} FROM events WHERE position > ? ORDER BY position LIMIT ?",
            (after, size),
        )
        return [stored_event(row) for row in rows]

    # --- cursors ---------------------------------------------------------------

    def cursor(self, name: str) -> int:
        row = (
            self._connection()
            .execute("SELECT position FROM cursors WHERE name = ?", (name,))
            .fetchone()
        )
        return 0 if row is None else int(row[0])

    def move_cursor(self, name: str, position: int) -> None:
        self._write(
            "INSERT INTO cursors VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
            (name, position),
        )

    # --- outbox ----------------------------------------------------------------

    def claim(
        self, now: dt.datetime, *, owner: str, lease: dt.timedelta, limit: int
    ) -> list[OutboxEntry]:
        at = _micros(now)
        with self._transaction() as db:
            rows = db.execute(
                f"""SELECT seq, {_ENTRY} FROM outbox AS o
                WHERE {_PENDING} AND due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
                  AND seq = (SELECT min(seq) FROM outbox
                             WHERE {_PENDING} AND stream = o.stream AND target = o.target)
                ORDER BY seq LIMIT ?""",
                (at, at, limit),
            ).fetchall()
            db.executemany(
                "UPDATE outbox SET owner = ?, lease_until = ? WHERE seq = ?",
                [(owner, _micros(now + lease), row[0]) for row in rows],
            )
        return [_entry(row[1:]) for row in rows]

    def complete(self, key: str, *, owner: str) -> bool:
        return self._write(
            "UPDATE outbox SET status = ?, owner = NULL, lease_until = NULL "
            f"WHERE key = ? AND owner = ? AND {_PENDING}",
            (OutboxStatus.DONE.value, key, owner),
        )

    def fail(self, key: str, *, owner: str, error: str, retry_at: dt.datetime | None) -> bool:
        status = OutboxStatus.DEAD if retry_at is None else OutboxStatus.PENDING
        retry = None if retry_at is None else _micros(retry_at)
        return self._write(
            "UPDATE outbox SET status = ?, due_at = coalesce(?, due_at), "
            "attempts = attempts + 1, last_error = ?, owner = NULL, lease_until = NULL "
            f"WHERE key = ? AND owner = ? AND {_PENDING}",
            (status.value, retry, error, key, owner),
        )

    def outbox(self, *, status: OutboxStatus | None = None) -> list[OutboxEntry]:
        rows = self._connection().execute(
            f"SELECT {_ENTRY} FROM outbox WHERE ? IS NULL OR status = ? ORDER BY seq",
            (None, None) if status is None else (status.value, status.value),
        )
        return [_entry(row) for row in rows]

    def requeue(self, key: str, *, due_at: dt.datetime) -> bool:
        return self._write(
            "UPDATE outbox SET status = ?, attempts = 0, due_at = ? WHERE key = ? AND status = ?",
            (OutboxStatus.PENDING.value, _micros(due_at), key, OutboxStatus.DEAD.value),
        )

    # --- erasure and closing ---------------------------------------------------

    def erase(self, *, events: Mapping[str, bytes], outbox: Sequence[str]) -> None:
        with self._transaction() as db:
            db.executemany(
                "UPDATE events SET data = ? WHERE id = ?", [(d, i) for i, d in events.items()]
            )
            db.executemany("DELETE FROM outbox WHERE key = ?", [(key,) for key in outbox])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
