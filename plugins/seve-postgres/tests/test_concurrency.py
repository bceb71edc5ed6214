"""Concurrency on a real PostgreSQL server: eight processes record on the same streams
through the recording service, then two dispatcher processes deliver the outbox at
once.

Processes are forked (``multiprocessing`` with the ``fork`` context); no connection
is open in this process when it forks.  The figures of each run are printed
(``pytest -s`` shows them).
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import json
import multiprocessing
import os
import random
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from seve import replay
from seve.app import Dispatcher, Recorder
from seve.hooks import Plugins, hookimpl
from seve.model import (
    Event,
    EventId,
    Siae,
    SiaeId,
    SiaeKind,
    SiaeRegistered,
    Siret,
    StaffId,
    StaffMember,
    StaffMemberJoined,
    StaffRole,
    StreamKind,
    stream_id,
)
from seve.serialization import decode_event
from seve.storage import ConcurrencyError, NewEvent, OutboxStatus, StoredEvent
from seve.testing.contract import outbox_entry
from seve_postgres import PostgresStore

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")

WRITERS = 8
EVENTS_PER_WRITER = 25
#: Few streams for eight writers: they collide often.
SIAES = ("siae-1", "siae-2", "siae-3")
STREAMS = tuple(stream_id(StreamKind.SIAE, siae) for siae in SIAES)
OBSERVER = "observateur"
AT = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
SCHEMA = "concurrence"


class Observer:
    """Observes every committed event: the recording service schedules one outbox
    entry per event for it; in a dispatcher process, it writes each delivery down."""

    def __init__(self, url: str | None = None, owner: str = "") -> None:
        self.db = None if url is None else psycopg.connect(url, autocommit=True)
        self.owner = owner

    @hookimpl
    def seve_event_committed(self, event: Event[Any]) -> None:
        assert self.db is not None, "the recorders never deliver"
        self.db.execute(
            "INSERT INTO reception.received (event_id, stream, owner) VALUES (%s, %s, %s)",
            (event.id, event.stream, self.owner),
        )


def _plugins(observer: Observer) -> Plugins:
    plugins = Plugins(entry_points=False, environ={})
    plugins.register(observer, name=OBSERVER)
    return plugins


def _event(event_id: str, stream: str, payload: Any) -> Event[Any]:
    return Event(
        id=EventId(event_id),
        stream=stream,
        occurred_at=AT,
        recorded_at=AT,
        recorded_by=StaffId("staff-1"),
        payload=payload,
    )


def _joined(writer: int, n: int, siae: str) -> Event[Any]:
    member = StaffMember(
        id=StaffId(f"staff-w{writer}-{n}"),
        siae=SiaeId(siae),
        name=f"CIP {writer}-{n}",
        roles={StaffRole.CIP},
    )
    return _event(
        f"w{writer}-{n}", stream_id(StreamKind.SIAE, siae), StaffMemberJoined(member=member)
    )


def _plan(writer: int) -> list[Event[Any]]:
    """What writer ``writer`` records, in its order."""
    rng = random.Random(writer)
    return [_joined(writer, n, rng.choice(SIAES)) for n in range(EVENTS_PER_WRITER)]


def _record(url: str, writer: int, start: Any, conflicts: Any) -> None:
    """Record the writer's plan; on a concurrent write, record the event again."""
    store = PostgresStore(url, schema=SCHEMA)
    recorder = Recorder(store, plugins=_plugins(Observer()), clock=lambda: AT, retries=0)
    lost_races = 0
    start.wait()
    for event in _plan(writer):
        while True:
            try:
                recorder.record(event)
                break
            except ConcurrencyError:
                lost_races += 1
    store.close()
    conflicts.put(lost_races)


def _run(processes: list[multiprocessing.process.BaseProcess]) -> None:
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * len(processes)


@pytest.fixture(scope="module")
def recorded(postgres_url: str) -> Iterator[tuple[list[StoredEvent], int]]:
    """The log after eight writer processes raced, and how many races they lost."""
    store = PostgresStore(postgres_url, schema=SCHEMA)
    recorder = Recorder(store, plugins=_plugins(Observer()), clock=lambda: AT)
    for siae in SIAES:
        registered = SiaeRegistered(
            siae=Siae(
                id=SiaeId(siae),
                kind=SiaeKind.ACI,
                siret=Siret("73282932000074"),
                name=f"Atelier {siae}",
                territory="Rennes",
            )
        )
        recorder.record(_event(f"ouverture-{siae}", stream_id(StreamKind.SIAE, siae), registered))
    store.close()  # nothing open across the fork

    context = multiprocessing.get_context("fork")
    start, conflicts = context.Barrier(WRITERS), context.Queue()
    _run(
        [
            context.Process(target=_record, args=(postgres_url, w, start, conflicts))
            for w in range(WRITERS)
        ]
    )
    lost_races = sum(conflicts.get(timeout=5) for _ in range(WRITERS))
    store = PostgresStore(postgres_url, schema=SCHEMA)
    try:
        yield list(store.read_log()), lost_races
    finally:
        store.close()


def test_eight_recorders_lose_and_duplicate_nothing(
    postgres_url: str, recorded: tuple[list[StoredEvent], int]
) -> None:
    log, lost_races = recorded
    expected = [e.id for w in range(WRITERS) for e in _plan(w)]
    written = [e.id for e in log if not e.id.startswith("ouverture-")]
    assert len(written) == len(expected) == WRITERS * EVENTS_PER_WRITER
    assert sorted(written) == sorted(expected)  # none lost, none twice
    positions = [e.position for e in log]
    assert positions == sorted(set(positions))
    store = PostgresStore(postgres_url, schema=SCHEMA)
    try:
        for stream in STREAMS:
            stream_events = store.read_stream(stream)
            versions = [e.version for e in stream_events]
            assert versions == list(range(1, len(versions) + 1))
            assert stream_events == [e for e in log if e.stream == stream]
            state = replay(decode_event(e.data) for e in stream_events)
            assert len(state.staff) == len(stream_events) - 1  # every member joined once
        for w in range(WRITERS):  # each writer's events in its own order
            mine = [e.id for e in log if e.id.startswith(f"w{w}-")]
            assert mine == [e.id for e in _plan(w)]
        outbox = store.outbox()
    finally:
        store.close()
    # one entry per event for the observer, scheduled in commit order
    assert [e.event_id for e in outbox] == [e.id for e in log]
    assert {e.target for e in outbox} == {OBSERVER}
    assert lost_races > 0, "the writers never collided: the test proves nothing"
    print(
        f"\n{WRITERS} processes: {len(written)} events recorded on {len(STREAMS)} streams, "
        f"{lost_races} concurrent writes retried, 0 lost, 0 duplicated, versions contiguous"
    )


# --- two dispatchers at once ------------------------------------------------------------


def _dispatch(url: str, owner: str, start: Any) -> None:
    store = PostgresStore(url, schema=SCHEMA)
    dispatcher = Dispatcher(
        store,
        plugins=_plugins(Observer(url, owner)),
        owner=owner,
        lease=dt.timedelta(minutes=10),
        batch=4,
    )
    start.wait()
    while True:
        report = dispatcher.run_until_idle()
        assert report.count("lost") == report.count("retry") == report.count("dead") == 0
        if not store.outbox(status=OutboxStatus.PENDING):
            break
        time.sleep(0.002)  # the other dispatcher holds the head of every stream
    store.close()


def test_two_dispatchers_at_once_never_deliver_an_entry_twice(
    postgres_url: str, recorded: tuple[list[StoredEvent], int]
) -> None:
    log, _ = recorded
    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute("CREATE SCHEMA reception")
        db.execute(
            "CREATE TABLE reception.received (n bigserial PRIMARY KEY, event_id text NOT NULL, "
            "stream text NOT NULL, owner text NOT NULL)"
        )
    context = multiprocessing.get_context("fork")
    start = context.Barrier(2)
    _run([context.Process(target=_dispatch, args=(postgres_url, f"d{d}", start)) for d in (1, 2)])

    with psycopg.connect(postgres_url, autocommit=True) as db:
        received = db.execute(
            "SELECT event_id, stream, owner FROM reception.received ORDER BY n"
        ).fetchall()
    deliveries = collections.Counter(event_id for event_id, _, _ in received)
    assert sorted(deliveries) == sorted(e.id for e in log)
    assert set(deliveries.values()) == {1}, "an entry was delivered twice"
    by_owner = collections.Counter(owner for _, _, owner in received)
    assert set(by_owner) == {"d1", "d2"}, "one dispatcher did everything: no race"
    for stream in STREAMS:  # each stream reached the observer in order
        order = [event_id for event_id, s, _ in received if s == stream]
        assert order == [e.id for e in log if e.stream == stream]
    store = PostgresStore(postgres_url, schema=SCHEMA)
    try:
        assert {e.status for e in store.outbox()} == {OutboxStatus.DONE}
    finally:
        store.close()
    print(
        f"\n2 dispatchers: {len(received)} entries delivered once each "
        f"(d1: {by_owner['d1']}, d2: {by_owner['d2']}), 0 twice, every stream in order"
    )


# --- writers killed in the middle of an append --------------------------------------------

KILLED = "tues"


def _write_until_killed(url: str, kill: int, acks: int) -> None:
    """Append batches of 1 to 4 events with their entries until killed; ``B`` goes to
    ``acks`` before each append, ``D`` once it returned."""
    rng = random.Random(kill)
    store = PostgresStore(url, schema=KILLED)
    for n in itertools.count():
        stream = f"parcours:k-{rng.randrange(6)}"
        size = rng.randint(1, 4)
        events = [
            NewEvent(id=f"k{kill}-{n}-{i}", type="test", data=b'{"taille":%d}' % size)
            for i in range(size)
        ]
        entries = [outbox_entry(f"{e.id}/cible", stream) for e in events]
        os.write(acks, b"B")
        store.append(stream, store.version(stream), events, entries)
        os.write(acks, b"D")


def test_a_writer_killed_mid_append_leaves_whole_batches(postgres_url: str) -> None:
    PostgresStore(postgres_url, schema=KILLED).close()
    context = multiprocessing.get_context("fork")
    rng = random.Random(3)
    acked = in_flight = 0
    for kill in range(20):
        read, write = os.pipe()
        writer = context.Process(target=_write_until_killed, args=(postgres_url, kill, write))
        writer.start()
        os.close(write)
        time.sleep(rng.uniform(0.05, 0.15))
        writer.kill()
        writer.join()
        with os.fdopen(read, "rb") as pipe:
            marks = pipe.read()
        acked += marks.count(b"D")
        in_flight += marks.endswith(b"B")
        store = PostgresStore(postgres_url, schema=KILLED)
        try:
            events = [e for e in store.read_log() if e.id.startswith(f"k{kill}-")]
            keys = {e.key for e in store.outbox() if e.key.startswith(f"k{kill}-")}
        finally:
            store.close()
        batches = collections.Counter(e.id.rsplit("-", 1)[0] for e in events)
        for event in events:  # every batch whole, with its outbox entries
            assert json.loads(event.data)["taille"] == batches[event.id.rsplit("-", 1)[0]]
        assert keys == {f"{e.id}/cible" for e in events}
        committed = sorted(int(batch.rsplit("-", 1)[1]) for batch in batches)
        done = marks.count(b"D")
        assert committed in (list(range(done)), list(range(done + marks.endswith(b"B"))))
    store = PostgresStore(postgres_url, schema=KILLED)
    try:
        for stream in {e.stream for e in store.read_log()}:
            versions = [e.version for e in store.read_stream(stream)]
            assert versions == list(range(1, len(versions) + 1))
    finally:
        store.close()
    assert in_flight > 0, "no kill fell in the middle of an append"
    print(f"\n20 kills: {acked} appends acknowledged, {in_flight} kills in the middle of one")
