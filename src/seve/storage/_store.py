"""What a store keeps, and the :class:`Store` protocol every storage plugin implements.

A store is an ordered log of encoded events, split into streams, with an outbox
and subscriber cursors.  It never decodes an event: bodies are opaque bytes (one
JSON line each, see :func:`seve.serialization.encode_event`), so a store only has
to keep bytes in order and honour four promises, checked by the contract suite in
:mod:`seve.testing.contract`:

1. **atomic appends**: the events of one :meth:`Store.append` and its outbox entries
   are all written in one transaction, or none is;
2. **optimistic concurrency**: an append names the version it expects the stream
   to be at; if another writer got there first, :class:`ConcurrencyError` and
   nothing is written;
3. **order**: versions within a stream are 1, 2, 3... without gaps; positions in
   the global log strictly increase in commit order (gaps allowed);
4. **one delivery at a time**: an outbox entry claimed by a dispatcher is invisible
   to the others until its lease ends, and entries of the same stream and target
   are handed out in the order they were scheduled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from attrs import field, frozen

from ..errors import DomainError, Problem, SeveError
from ..model import LabelledEnum
from ..model._base import aware

__all__ = [
    "ConcurrencyError",
    "NewEvent",
    "OutboxEntry",
    "OutboxStatus",
    "Store",
    "StoreClosedError",
    "StoredEvent",
    "duplicate_event",
    "duplicate_key",
    "first_duplicate",
    "numbered",
    "outbox_entry",
    "paged",
    "stored_event",
]


@frozen(kw_only=True)
class NewEvent:
    """An event ready to be appended: its id, its type and its encoded body.

    :param id: the event's id (unique in the whole store).
    :param type: its type tag (``"embauche"``...), kept for indexes and erasure.
    :param data: the encoded event, one JSON line without its newline.
    """

    id: str
    type: str
    data: bytes


@frozen(kw_only=True)
class StoredEvent:
    """An event as the store keeps it.

    :param position: its place in the global log (strictly increasing, gaps allowed).
    :param stream: the stream it belongs to.
    :param version: its place in the stream: 1 for the first event, no gaps.
    :param id: the event's id.
    :param type: its type tag.
    :param data: the encoded event.
    """

    position: int
    stream: str
    version: int
    id: str
    type: str
    data: bytes


def numbered(
    stream: str, events: Sequence[NewEvent], *, after_version: int, after_position: int
) -> list[StoredEvent]:
    """``events`` as a store keeps them once appended after ``after_version`` in their
    stream and after ``after_position`` in the log (for stores that number rows
    themselves)."""
    return [
        StoredEvent(
            position=after_position + offset,
            stream=stream,
            version=after_version + offset,
            id=event.id,
            type=event.type,
            data=event.data,
        )
        for offset, event in enumerate(events, start=1)
    ]


def stored_event(row: Sequence[Any]) -> StoredEvent:
    """The event of a row whose columns are ``position, stream, version, id, type,
    data``, in that order (for stores that keep events in a table)."""
    position, stream, version, event_id, type_, data = row
    return StoredEvent(
        position=position, stream=stream, version=version, id=event_id, type=type_, data=data
    )


def paged(
    fetch: Callable[[int, int], Sequence[StoredEvent]],
    *,
    after: int = 0,
    limit: int | None = None,
    page: int = 1000,
) -> Iterator[StoredEvent]:
    """The log after position ``after`` (``limit`` events at most), read ``page``
    events at a time: how a store may write :meth:`Store.read_log` so that no read
    stays open between two ``next()``.

    :param fetch: ``fetch(after, size)``: up to ``size`` events after position
        ``after``, in position order (one query).

    >>> log = numbered("s", [NewEvent(id=str(n), type="t", data=b"") for n in range(5)],
    ...                after_version=0, after_position=0)
    >>> fetch = lambda after, size: [e for e in log if e.position > after][:size]
    >>> [e.position for e in paged(fetch, after=1, limit=3, page=2)]
    [2, 3, 4]
    """
    left = limit
    while left is None or left > 0:
        size = page if left is None else min(page, left)
        events = fetch(after, size)
        yield from events
        if len(events) < size:
            return
        after = events[-1].position
        left = None if left is None else left - len(events)


class OutboxStatus(LabelledEnum):
    """Where an outbox entry stands."""

    PENDING = ("pending", "à livrer")
    DONE = ("done", "livré")
    DEAD = ("dead", "abandonné après échecs (lettre morte)")


@frozen(kw_only=True)
class OutboxEntry:
    """A side effect scheduled with an event, delivered later by a dispatcher.

    :param key: the idempotency key: unique, stable across retries and restarts;
        receivers use it to ignore a second delivery.
    :param stream: the stream of the event that scheduled it (entries of one stream
        and one target are delivered in order).
    :param event_id: the event that scheduled it.
    :param target: who delivers it: a plugin name, or ``"messaging"`` for a message
        (the first messaging plugin that accepts its channel).
    :param hook: the hook to call, e.g. ``"seve_calendar_publish"``.
    :param data: the hook's argument, encoded (JSON).
    :param due_at: when it may be attempted next.
    :param status: pending, done or dead.
    :param attempts: failed attempts so far.
    :param last_error: the error of the last failed attempt.
    """

    key: str
    stream: str
    event_id: str
    target: str
    hook: str
    data: bytes
    due_at: dt.datetime = field(validator=aware)
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    last_error: str | None = None


def outbox_entry(
    row: Sequence[Any], *, instant: Callable[[Any], dt.datetime] | None = None
) -> OutboxEntry:
    """The entry of a row whose columns are ``key, stream, event_id, target, hook,
    data, due_at, status, attempts, last_error``, in that order; ``status`` is its
    code (``"pending"``...).

    :param instant: how to read ``due_at`` when the row does not hold a
        :class:`~datetime.datetime` (e.g. microseconds since 1970 in SQLite).
    """
    key, stream, event_id, target, hook, data, due_at, status, attempts, last_error = row
    return OutboxEntry(
        key=key,
        stream=stream,
        event_id=event_id,
        target=target,
        hook=hook,
        data=data,
        due_at=due_at if instant is None else instant(due_at),
        status=OutboxStatus.from_code(status),
        attempts=attempts,
        last_error=last_error,
    )


class StoreClosedError(SeveError, ValueError):
    """A store was used after :meth:`Store.close` (a programming error, like a
    closed file)."""

    def __init__(self, where: str) -> None:
        super().__init__(f"le stockage {where} est fermé")


class ConcurrencyError(SeveError):
    """Another writer appended to the stream first; nothing was written.

    The recording service catches it, reads the stream again and retries.
    """

    def __init__(self, stream: str, expected: int, actual: int) -> None:
        self.stream = stream
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"le flux {stream} est à la version {actual}, pas {expected} : "
            "un autre enregistrement est passé avant"
        )


def duplicate_event(event_id: str) -> DomainError:
    """The error a store raises when an appended event's id is already stored."""
    return DomainError(
        [
            Problem(
                code="evenement.id_doublon",
                message=f"l'événement {event_id} est déjà enregistré",
                path=("id",),
            )
        ]
    )


def duplicate_key(key: str) -> DomainError:
    """The error a store raises when an outbox entry's key is already scheduled."""
    return DomainError(
        [
            Problem(
                code="outbox.cle_doublon",
                message=f"l'effet {key} est déjà programmé",
                path=("outbox", "key"),
            )
        ]
    )


def first_duplicate(values: Iterable[str], stored: Callable[[str], bool]) -> str | None:
    """The first of ``values`` already ``stored`` or repeating an earlier one, or
    ``None``: the id (or key) a store names in :func:`duplicate_event` (or
    :func:`duplicate_key`) once a unique constraint refused an append.

    >>> first_duplicate(["a", "b", "c", "b"], {"c"}.__contains__)
    'c'
    >>> first_duplicate(["a", "b", "a"], lambda value: False)
    'a'
    >>> first_duplicate(["a", "b"], lambda value: False) is None
    True
    """
    seen: set[str] = set()
    for value in values:
        if value in seen or stored(value):
            return value
        seen.add(value)
    return None


@runtime_checkable
class Store(Protocol):
    """The storage contract.  Storage plugins return one from ``seve_open_store``.

    Every method is safe to call from one thread at a time; a store used by several
    processes (SQLite, PostgreSQL) keeps its promises across processes.
    """

    def append(
        self,
        stream: str,
        expected_version: int,
        events: Sequence[NewEvent],
        outbox: Sequence[OutboxEntry] = (),
    ) -> list[StoredEvent]:
        """Append ``events`` to ``stream`` and schedule ``outbox``, in one transaction.

        :param expected_version: the stream's version the caller folded (0 for a new
            stream).
        :returns: the stored events, with their positions and versions.
        :raises ConcurrencyError: the stream is at another version.
        :raises DomainError: an event id is already in the store
            (``evenement.id_doublon``) or an outbox key already exists
            (``outbox.cle_doublon``).  In both cases nothing is written.
        """
        ...

    def version(self, stream: str) -> int:
        """The version of ``stream``: how many events it holds (0 if none)."""
        ...

    def read_stream(self, stream: str, *, after_version: int = 0) -> list[StoredEvent]:
        """The events of ``stream`` with a version above ``after_version``, in order."""
        ...

    def read_log(self, *, after: int = 0, limit: int | None = None) -> Iterator[StoredEvent]:
        """The global log from the position after ``after``, in position order.

        Events committed while the iterator runs may or may not be included.
        """
        ...

    def cursor(self, name: str) -> int:
        """The position a subscriber has processed up to (0 for a new subscriber)."""
        ...

    def move_cursor(self, name: str, position: int) -> None:
        """Record that subscriber ``name`` has processed the log up to ``position``."""
        ...

    def claim(
        self, now: dt.datetime, *, owner: str, lease: dt.timedelta, limit: int
    ) -> list[OutboxEntry]:
        """Claim up to ``limit`` pending entries due at ``now``, for ``lease``.

        Only the oldest pending entry of each (stream, target) pair may be claimed,
        so the entries of a stream reach each target in order.  Claimed entries
        are hidden from other owners until ``now + lease``.
        """
        ...

    def complete(self, key: str, *, owner: str) -> bool:
        """Mark a claimed entry delivered; ``False`` if ``owner`` lost its lease."""
        ...

    def fail(self, key: str, *, owner: str, error: str, retry_at: dt.datetime | None) -> bool:
        """Record a failed attempt: retry at ``retry_at``, or dead-letter it if ``None``.

        ``False`` if ``owner`` lost its lease (the attempt is then not counted).
        """
        ...

    def outbox(self, *, status: OutboxStatus | None = None) -> list[OutboxEntry]:
        """The outbox entries (with ``status``, or all), in the order they were scheduled."""
        ...

    def requeue(self, key: str, *, due_at: dt.datetime) -> bool:
        """Put a dead-lettered entry back in the queue (attempts reset); ``False`` if none."""
        ...

    def erase(self, *, events: Mapping[str, bytes], outbox: Sequence[str]) -> None:
        """Replace the bodies of ``events`` (by id) and delete ``outbox`` entries (by key).

        For the right to erasure only: positions, versions, ids and types stay.  One
        transaction; unknown ids and keys are ignored.
        """
        ...

    def close(self) -> None:
        """Release the store's resources; the store is unusable afterwards."""
        ...
