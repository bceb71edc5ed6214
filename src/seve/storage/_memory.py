"""The in-memory store: the reference implementation of :class:`~seve.storage.Store`.

It keeps everything in Python lists and dictionaries, for one process.  Examples,
tests and short-lived tools use it (``open_store("memory:")``); it passes the same
contract suite as the SQLite and PostgreSQL stores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

import attrs

from ._store import (
    ConcurrencyError,
    NewEvent,
    OutboxEntry,
    OutboxStatus,
    StoreClosedError,
    StoredEvent,
    duplicate_event,
    duplicate_key,
    numbered,
)

__all__ = ["MemoryStore"]


@attrs.define
class _Claim:
    owner: str
    until: dt.datetime


class MemoryStore:
    """An event store in memory; see :class:`~seve.storage.Store` for each method."""

    def __init__(self) -> None:
        self._log: list[StoredEvent] = []
        self._streams: dict[str, list[StoredEvent]] = {}
        self._ids: set[str] = set()
        self._cursors: dict[str, int] = {}
        self._outbox: dict[str, OutboxEntry] = {}  # insertion order is schedule order
        self._claims: dict[str, _Claim] = {}
        self._closed = False

    def append(
        self,
        stream: str,
        expected_version: int,
        events: Sequence[NewEvent],
        outbox: Sequence[OutboxEntry] = (),
    ) -> list[StoredEvent]:
        self._check_open()
        current = self._streams.get(stream, [])
        if len(current) != expected_version:
            raise ConcurrencyError(stream, expected_version, len(current))
        ids = [e.id for e in events]
        for event_id in ids:
            if event_id in self._ids or ids.count(event_id) > 1:
                raise duplicate_event(event_id)
        keys = [entry.key for entry in outbox]
        for key in keys:
            if key in self._outbox or keys.count(key) > 1:
                raise duplicate_key(key)
        start = self._log[-1].position if self._log else 0
        stored = numbered(stream, events, after_version=expected_version, after_position=start)
        self._log.extend(stored)
        self._streams.setdefault(stream, []).extend(stored)
        self._ids.update(ids)
        self._outbox.update((entry.key, entry) for entry in outbox)
        return stored

    def version(self, stream: str) -> int:
        self._check_open()
        return len(self._streams.get(stream, ()))

    def read_stream(self, stream: str, *, after_version: int = 0) -> list[StoredEvent]:
        self._check_open()
        return self._streams.get(stream, [])[after_version:]

    def read_log(self, *, after: int = 0, limit: int | None = None) -> Iterator[StoredEvent]:
        self._check_open()
        # positions are 1, 2, 3... here: the position after ``after`` is at index ``after``
        end = None if limit is None else after + limit
        return iter(self._log[after:end])

    def cursor(self, name: str) -> int:
        self._check_open()
        return self._cursors.get(name, 0)

    def move_cursor(self, name: str, position: int) -> None:
        self._check_open()
        self._cursors[name] = position

    def claim(
        self, now: dt.datetime, *, owner: str, lease: dt.timedelta, limit: int
    ) -> list[OutboxEntry]:
        self._check_open()
        heads: dict[tuple[str, str], OutboxEntry] = {}
        for entry in self._outbox.values():
            if entry.status is OutboxStatus.PENDING:
                heads.setdefault((entry.stream, entry.target), entry)
        claimed: list[OutboxEntry] = []
        for entry in heads.values():
            if len(claimed) == limit:
                break
            claim = self._claims.get(entry.key)
            if entry.due_at <= now and (claim is None or claim.until <= now):
                self._claims[entry.key] = _Claim(owner, now + lease)
                claimed.append(entry)
        return claimed

    def complete(self, key: str, *, owner: str) -> bool:
        if not self._holds(key, owner):
            return False
        del self._claims[key]
        self._outbox[key] = attrs.evolve(self._outbox[key], status=OutboxStatus.DONE)
        return True

    def fail(self, key: str, *, owner: str, error: str, retry_at: dt.datetime | None) -> bool:
        if not self._holds(key, owner):
            return False
        del self._claims[key]
        entry = self._outbox[key]
        self._outbox[key] = attrs.evolve(
            entry,
            attempts=entry.attempts + 1,
            last_error=error,
            status=OutboxStatus.DEAD if retry_at is None else OutboxStatus.PENDING,
            due_at=entry.due_at if retry_at is None else retry_at,
        )
        return True

    def outbox(self, *, status: OutboxStatus | None = None) -> list[OutboxEntry]:
        self._check_open()
        return [e for e in self._outbox.values() if status is None or e.status is status]

    def requeue(self, key: str, *, due_at: dt.datetime) -> bool:
        self._check_open()
        entry = self._outbox.get(key)
        if entry is None or entry.status is not OutboxStatus.DEAD:
            return False
        self._outbox[key] = attrs.evolve(
            entry, status=OutboxStatus.PENDING, attempts=0, due_at=due_at
        )
        return True

    def erase(self, *, events: Mapping[str, bytes], outbox: Sequence[str]) -> None:
        self._check_open()
        for index, stored in enumerate(self._log):
            if stored.id in events:
                self._log[index] = attrs.evolve(stored, data=events[stored.id])
        for stream, stored_events in self._streams.items():
            self._streams[stream] = [
                self._log[e.position - 1] if e.id in events else e for e in stored_events
            ]
        for key in outbox:
            self._outbox.pop(key, None)
            self._claims.pop(key, None)

    def close(self) -> None:
        self._closed = True

    def _holds(self, key: str, owner: str) -> bool:
        self._check_open()
        claim = self._claims.get(key)
        return claim is not None and claim.owner == owner

    def _check_open(self) -> None:
        if self._closed:
            raise StoreClosedError("en mémoire")
