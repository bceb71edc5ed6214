"""Reliability on a real SQLite file: concurrent writer processes, and writers and
dispatchers killed with SIGKILL.

Processes are forked (``os.fork``, or ``multiprocessing`` with the ``fork``
context), so that a hundred kills take seconds.  No store is open in this process
when it forks: a SQLite connection must not cross a ``fork``.  The figures of each
run are printed (``pytest -s`` shows them).
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import multiprocessing
import os
import random
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import msgspec
import pytest

from seve.app import Dispatcher
from seve.effects import Audience, CalendarEntry
from seve.hooks import Plugins, hookimpl
from seve.storage import ConcurrencyError, NewEvent, OutboxEntry, OutboxStatus, StoredEvent
from seve.testing.contract import LEASE, T0
from seve_sqlite import SqliteStore

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")

#: Few streams for the racing writers: they collide often.
STREAMS = ("parcours:p-1", "parcours:p-2", "parcours:p-3")
#: More for the killed writer: a dispatch round takes one entry of each stream.
KILLED_STREAMS = tuple(f"parcours:k-{n}" for n in range(12))
RECEIVER = "receiver"
PUBLISH = "seve_calendar_publish"


def _batch(batch: str, size: int) -> list[NewEvent]:
    """``size`` events ``batch-1``, ``batch-2``...; each body says its batch and size."""
    body = json.dumps({"batch": batch, "size": size}).encode()
    return [NewEvent(id=f"{batch}-{n}", type="test", data=body) for n in range(1, size + 1)]


def _entries(stream: str, events: Sequence[NewEvent]) -> list[OutboxEntry]:
    """One calendar entry to publish per event, for the receiver."""
    return [
        OutboxEntry(
            key=f"{event.id}/{RECEIVER}",
            stream=stream,
            event_id=event.id,
            target=RECEIVER,
            hook=PUBLISH,
            data=msgspec.json.encode(
                CalendarEntry(
                    uid=event.id,
                    sequence=0,
                    calendar="staff:cip-1",
                    audience=Audience.STAFF,
                    ical="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                )
            ),
            due_at=T0,
        )
        for event in events
    ]


def _batch_of(stored: StoredEvent | OutboxEntry) -> str:
    event_id = stored.id if isinstance(stored, StoredEvent) else stored.event_id
    return event_id.rsplit("-", 1)[0]


@contextlib.contextmanager
def _store(path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(path)
    try:
        yield store
    finally:
        store.close()


def _integrity(path: Path) -> list[Any]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute("PRAGMA integrity_check").fetchall()


def _in_child(work: Callable[[], object]) -> int:
    """Fork; the child runs ``work`` and exits at once (0 if it returned)."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        work()
        code = 0
    finally:
        os._exit(code)


def _assert_streams_contiguous(store: SqliteStore, streams: Sequence[str]) -> list[StoredEvent]:
    log = list(store.read_log())
    positions = [e.position for e in log]
    assert positions == sorted(set(positions))
    assert {e.stream for e in log} <= set(streams)
    for stream in streams:
        versions = [e.version for e in log if e.stream == stream]
        assert (
            versions
            == list(range(1, len(versions) + 1))
            == [e.version for e in store.read_stream(stream)]
        )
    return log


# --- (a) four writer processes on the same streams ---------------------------------


def _append_concurrently(path: Path, writer: int, start: Any, conflicts: Any) -> None:
    """Append 40 batches to random streams, each at the version just read."""
    rng = random.Random(writer)
    lost_races = 0
    with _store(path) as store:
        start.wait()
        for n in range(40):
            stream = rng.choice(STREAMS)
            events = _batch(f"w{writer}-{n}", rng.randint(1, 3))
            while True:
                try:
                    store.append(stream, store.version(stream), events, _entries(stream, events))
                    break
                except ConcurrencyError:
                    lost_races += 1
    conflicts.put(lost_races)


def test_four_writer_processes_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    path = tmp_path / "seve.db"
    SqliteStore(path).close()  # created once, before the writers race
    context = multiprocessing.get_context("fork")
    start, conflicts = context.Barrier(4), context.Queue()
    writers = [
        context.Process(target=_append_concurrently, args=(path, w, start, conflicts))
        for w in range(4)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)
    assert [w.exitcode for w in writers] == [0, 0, 0, 0]
    lost_races = sum(conflicts.get(timeout=5) for _ in writers)

    assert _integrity(path) == [("ok",)]
    with _store(path) as store:
        log = _assert_streams_contiguous(store, STREAMS)
        outbox = store.outbox()
    expected = {e.id for w in range(4) for e in _expected_batches(w)}
    assert len(log) == len(expected)
    assert {e.id for e in log} == expected
    # each writer's events follow its own order, and the outbox follows the log
    for w in range(4):
        mine = [e.id for e in log if e.id.startswith(f"w{w}-")]
        assert mine == [e.id for e in _expected_batches(w)]
    assert [e.event_id for e in outbox] == [e.id for e in log]
    print(f"\n4 processes: {len(log)} events appended, {lost_races} conflicts retried")


def _expected_batches(writer: int) -> list[NewEvent]:
    """What writer ``writer`` appends, drawn as :func:`_append_concurrently` draws it."""
    rng = random.Random(writer)
    events = []
    for n in range(40):
        rng.choice(STREAMS)
        events += _batch(f"w{writer}-{n}", rng.randint(1, 3))
    return events


# --- (b) a writer killed 100 times, then dispatchers killed too -----------------------


def _write_until_killed(path: Path, kill: int, acks: int) -> NoReturn:
    """Append batches of 1 to 4 events, each with its entries, until killed.

    Writes ``B`` to ``acks`` before each append and ``D`` once it returned.
    """
    rng = random.Random(kill)
    store = SqliteStore(path)
    for n in itertools.count():
        stream = rng.choice(KILLED_STREAMS)
        events = _batch(f"k{kill}-{n}", rng.randint(1, 4))
        os.write(acks, b"B")
        store.append(stream, store.version(stream), events, _entries(stream, events))
        os.write(acks, b"D")
    raise AssertionError("unreachable")


def _check_batches(path: Path, kill: int, acked: int, in_flight: bool) -> tuple[int, bool]:
    """Every batch of writer ``kill`` is whole or absent, and every acknowledged one is there.

    :returns: the events it wrote, and whether its interrupted append was committed.
    """
    assert _integrity(path) == [("ok",)]
    with _store(path) as store:  # opens clean: recovery, schema check, write lock
        events = [e for e in store.read_log() if e.id.startswith(f"k{kill}-")]
        entries = [e for e in store.outbox() if e.key.startswith(f"k{kill}-")]
    batches = collections.Counter(_batch_of(e) for e in events)
    assert collections.Counter(_batch_of(e) for e in entries) == batches
    for event in events:
        assert json.loads(event.data)["size"] == batches[_batch_of(event)]
    committed = sorted(int(batch.rsplit("-", 1)[1]) for batch in batches)
    assert committed in (list(range(acked)), list(range(acked + in_flight)))
    return len(events), len(committed) > acked


class Receiver:
    """An idempotent calendar: it records each key once in its own SQLite table.

    :param crash_after: kill this process with SIGKILL right after recording that
        many keys: the entry is published, but the dispatcher never marks it done.
    """

    def __init__(self, path: Path, *, crash_after: int | None = None) -> None:
        # the dispatcher calls from a thread of its own, one call at a time
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA synchronous = NORMAL")  # WAL: safe when the process is killed
        self.crash_after = crash_after
        self.calls = 0

    @staticmethod
    def create(path: Path) -> None:
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("CREATE TABLE received (key TEXT PRIMARY KEY, uid TEXT NOT NULL)")
            db.execute("CREATE TABLE calls (key TEXT NOT NULL)")

    @staticmethod
    def counts(path: Path) -> tuple[int, int, int]:
        """Calls, keys received, and keys received more than once."""
        with contextlib.closing(sqlite3.connect(path)) as db:
            (calls,) = db.execute("SELECT count(*) FROM calls").fetchone()
            (keys,) = db.execute("SELECT count(*) FROM received").fetchone()
            (twice,) = db.execute(
                "SELECT count(*) FROM (SELECT key FROM received GROUP BY key HAVING count(*) > 1)"
            ).fetchone()
        return calls, keys, twice

    @staticmethod
    def keys(path: Path) -> set[str]:
        with contextlib.closing(sqlite3.connect(path)) as db:
            return {key for (key,) in db.execute("SELECT key FROM received")}

    @hookimpl
    def seve_calendar_publish(self, entry: CalendarEntry, key: str) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute("INSERT INTO calls VALUES (?)", (key,))
        self.db.execute("INSERT OR IGNORE INTO received VALUES (?, ?)", (key, entry.uid))
        self.db.execute("COMMIT")
        self.calls += 1
        if self.calls == self.crash_after:
            os.kill(os.getpid(), signal.SIGKILL)


def _dispatcher(path: Path, receiver: Receiver, generation: int) -> Dispatcher:
    """A dispatcher whose clock is past the leases of every earlier generation.

    Its connection syncs at checkpoints only: it just marks deliveries, safe when the
    process is killed, and a mark lost to a power cut would be one more redelivery.
    """
    plugins = Plugins(entry_points=False, environ={})
    plugins.register(receiver, name=RECEIVER)
    now = T0 + 2 * generation * LEASE
    store = SqliteStore(path, synchronous="normal")
    return Dispatcher(store, plugins=plugins, clock=lambda: now, lease=LEASE, batch=20)


def _kill_after(pid: int, seconds: float) -> None:
    time.sleep(seconds)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def test_a_writer_killed_100_times_loses_no_batch_and_every_entry_arrives_once(
    tmp_path: Path,
) -> None:
    path, received = tmp_path / "seve.db", tmp_path / "receiver.db"
    SqliteStore(path).close()
    Receiver.create(received)
    rng = random.Random(5)
    written = in_flight_kills = in_flight_committed = 0
    for kill in range(100):
        read, write = os.pipe()
        pid = _in_child(lambda: _write_until_killed(path, kill, write))  # noqa: B023
        os.close(write)
        _kill_after(pid, rng.uniform(0.002, 0.02))
        with os.fdopen(read, "rb") as acks:
            marks = acks.read()
        in_flight = marks.endswith(b"B")
        events, committed = _check_batches(path, kill, marks.count(b"D"), in_flight)
        written += events
        in_flight_kills += in_flight
        in_flight_committed += committed

    with _store(path) as store:
        _assert_streams_contiguous(store, KILLED_STREAMS)
        scheduled = {e.key for e in store.outbox()}
    assert len(scheduled) == written

    # dispatchers: one crashes right after a delivery, nine are killed at random
    crashing = _in_child(
        lambda: _dispatcher(path, Receiver(received, crash_after=3), 0).run_until_idle()
    )
    assert os.waitpid(crashing, 0)[1] == signal.SIGKILL
    for generation in range(1, 10):
        pid = _in_child(
            lambda: _dispatcher(path, Receiver(received), generation).run_until_idle()  # noqa: B023
        )
        _kill_after(pid, rng.uniform(0.005, 0.05))
    receiver = Receiver(received)
    last = _dispatcher(path, receiver, 10)
    report = last.run_until_idle()
    last.store.close()
    receiver.db.close()

    with _store(path) as store:
        assert store.outbox(status=OutboxStatus.PENDING) == []
        assert store.outbox(status=OutboxStatus.DEAD) == []
    assert report.count("retry") == report.count("dead") == 0
    calls, keys, twice = Receiver.counts(received)
    assert Receiver.keys(received) == scheduled
    assert (keys, twice) == (written, 0)
    assert calls > keys  # at least the crashed delivery came twice, and counted once
    print(
        f"\n100 kills: {written} events and as many outbox entries written, "
        f"{in_flight_kills} kills in the middle of an append "
        f"({in_flight_committed} of those appends committed whole, the others absent); "
        f"{calls} deliveries, {keys} keys received, {calls - keys} redeliveries ignored "
        f"by the receiver, {twice} keys received twice"
    )
