"""The contract suites of plugins: :class:`StoreContract` for storage plugins, and
:class:`CalendarContract` and :class:`MessengerContract` for calendar and messaging
plugins.

A storage plugin proves that it keeps every promise of :class:`seve.storage.Store`
by running this suite against its store.  Subclass :class:`StoreContract` in a test
module (its name must start with ``Test``), give it a ``store`` fixture, and declare
what else your store can do in :attr:`StoreContract.capabilities`, as fsspec's
abstract tests do:

.. code-block:: python

    import pytest
    from seve.testing.contract import Capability, StoreContract

    from seve_monstockage import MonStore


    class TestMonStore(StoreContract):
        capabilities = frozenset({Capability.CONNECTIONS})

        @pytest.fixture
        def store_factory(self, tmp_path):
            return lambda: MonStore(tmp_path / "seve.db")

        @pytest.fixture
        def store(self, store_factory):
            store = store_factory()
            yield store
            store.close()

The ``store`` fixture gives a new, empty store for each test.  The property tests
(hypothesis) run many examples on that one store, each under names of its own, so a
store need not be emptied between them.  Requires the ``testing`` extra
(``pip install seve[testing]``) and pytest.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import enum
import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar, Final

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seve.errors import DomainError
from seve.model import Event
from seve.serialization import decode_event, encode_event
from seve.storage import (
    ConcurrencyError,
    NewEvent,
    OutboxEntry,
    OutboxStatus,
    Store,
    StoreClosedError,
    StoredEvent,
)
from seve.testing.strategies import aware_datetimes, identifiers
from seve.testing.synthetic import Scenario, generate

from ._effects_contract import CalendarContract, MessengerContract

__all__ = [
    "LEASE",
    "T0",
    "CalendarContract",
    "Capability",
    "MessengerContract",
    "StoreContract",
    "append_with_retries",
    "new_events",
    "outbox_entry",
]

#: The instant the contract's outbox entries are due at.
T0: Final = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
#: The lease of the contract's claims.
LEASE: Final = dt.timedelta(minutes=5)
_TICK: Final = dt.timedelta(microseconds=1)
_FAR: Final = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)

#: The store under test is shared by the examples of a property (each works under
#: names of its own), every subclass runs the same properties, and time is the
#: store's, not the test's subject.
_PROPERTY: Final = settings(
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.differing_executors,
        HealthCheck.too_slow,
    ],
    deadline=None,
)
_EXAMPLES: Final = itertools.count()


class Capability(enum.Enum):
    """What a store can do beyond the protocol; declared, the suite tests it too."""

    #: ``store_factory()`` opens another connection to the very store ``store`` is
    #: connected to (another file handle, another client): the suite checks that the
    #: promises hold across connections, and under appends from several threads.
    CONNECTIONS = "connections"


def new_events(prefix: str, count: int) -> list[NewEvent]:
    """``count`` events with ids ``prefix-1``, ``prefix-2``... and a small JSON body."""
    return [
        NewEvent(id=f"{prefix}-{n}", type="test", data=b'{"n":%d}' % n) for n in range(1, count + 1)
    ]


def outbox_entry(
    key: str, stream: str, *, target: str = "cible", due_at: dt.datetime = T0
) -> OutboxEntry:
    """A pending outbox entry for ``target``, due at ``due_at``."""
    return OutboxEntry(
        key=key,
        stream=stream,
        event_id=f"{key}-ev",
        target=target,
        hook="seve_event_committed",
        data=b'{"key":"%s"}' % key.encode(),
        due_at=due_at,
    )


def _keys(entries: Sequence[OutboxEntry]) -> list[str]:
    return [entry.key for entry in entries]


def _snapshot(store: Store) -> tuple[list[StoredEvent], list[OutboxEntry]]:
    """Everything an append writes: to compare before and after a refused one."""
    return list(store.read_log()), store.outbox()


def _schedule(store: Store, stream: str, *entries: OutboxEntry) -> None:
    """Append one event to ``stream`` with ``entries``."""
    version = store.version(stream)
    store.append(stream, version, new_events(f"{stream}-{version + 1}", 1), entries)


def append_with_retries(
    store: Store,
    stream: str,
    events: Sequence[NewEvent],
    outbox: Sequence[OutboxEntry] = (),
    *,
    attempts: int = 1000,
) -> list[StoredEvent]:
    """Append at the stream's current version, again and again while other writers win.

    :raises ConcurrencyError: they won ``attempts`` times in a row.
    """
    for _attempt in range(attempts - 1):
        with contextlib.suppress(ConcurrencyError):
            return store.append(stream, store.version(stream), events, outbox)
    return store.append(stream, store.version(stream), events, outbox)


@contextlib.contextmanager
def _connection(store_factory: Callable[[], Store]) -> Iterator[Store]:
    """Another connection to the store under test, closed on exit."""
    other = store_factory()
    try:
        yield other
    finally:
        other.close()


def _drain(store: Store) -> None:
    """Deliver every entry left due by earlier examples, so a property starts clean."""
    while claimed := store.claim(_FAR, owner="contract-drain", lease=_TICK, limit=1000):
        for entry in claimed:
            store.complete(entry.key, owner="contract-drain")


class StoreContract:
    """The promises of :class:`seve.storage.Store`, as tests.

    Subclass it in a test module and override the ``store`` fixture: a new, empty
    store for each test.  Override ``store_factory`` too when you declare
    :attr:`Capability.CONNECTIONS`.
    """

    #: What the store can do beyond the protocol (see :class:`Capability`).
    capabilities: ClassVar[frozenset[Capability]] = frozenset()

    @pytest.fixture
    def store(self) -> Store:
        """A new, empty store: each subclass gives its own."""
        raise NotImplementedError(
            f"{type(self).__name__} doit définir la fixture « store » : un stockage neuf et vide"
        )

    @pytest.fixture
    def store_factory(self) -> Callable[[], Store]:
        """Opens another connection to the store of ``store`` (``CONNECTIONS``)."""
        if Capability.CONNECTIONS in self.capabilities:
            pytest.fail(
                f"{type(self).__name__} déclare la capacité CONNECTIONS "
                "sans définir la fixture « store_factory »"
            )
        pytest.skip("le stockage ne déclare pas la capacité CONNECTIONS")

    # --- appending and reading ---------------------------------------------------

    def test_a_new_store_is_empty(self, store: Store) -> None:
        assert store.version("parcours:p-1") == 0
        assert store.read_stream("parcours:p-1") == []
        assert list(store.read_log()) == []
        assert store.outbox() == []
        assert store.cursor("indicateurs") == 0

    def test_append_returns_the_stored_events(self, store: Store) -> None:
        events = new_events("e", 3)
        stored = store.append("parcours:p-1", 0, events)
        assert [(s.stream, s.version, s.id, s.type, s.data) for s in stored] == [
            ("parcours:p-1", n, e.id, e.type, e.data) for n, e in enumerate(events, start=1)
        ]
        positions = [s.position for s in stored]
        assert positions == sorted(set(positions))
        assert positions[0] > 0
        assert store.version("parcours:p-1") == 3
        assert store.read_stream("parcours:p-1") == stored
        assert list(store.read_log()) == stored

    def test_appends_continue_the_stream(self, store: Store) -> None:
        first = store.append("parcours:p-1", 0, new_events("a", 2))
        other = store.append("parcours:p-2", 0, new_events("b", 1))
        second = store.append("parcours:p-1", 2, new_events("c", 2))
        assert [s.version for s in second] == [3, 4]
        assert store.read_stream("parcours:p-1") == first + second
        assert store.read_stream("parcours:p-1", after_version=2) == second
        assert store.read_stream("parcours:p-1", after_version=4) == []
        assert store.read_stream("parcours:p-2") == other
        assert list(store.read_log()) == first + other + second

    def test_an_empty_append_checks_the_version_and_writes_nothing(self, store: Store) -> None:
        store.append("parcours:p-1", 0, new_events("e", 1))
        assert store.append("parcours:p-1", 1, []) == []
        with pytest.raises(ConcurrencyError):
            store.append("parcours:p-1", 0, [])
        assert store.version("parcours:p-1") == 1
        assert len(list(store.read_log())) == 1

    def test_read_log_from_a_position_with_a_limit(self, store: Store) -> None:
        for n in range(4):
            store.append(f"parcours:p-{n % 2}", 3 * (n // 2), new_events(f"e{n}", 3))
        log = list(store.read_log())
        assert len(log) == 12
        for index in (0, 1, 5, 11):
            after = log[index].position
            assert list(store.read_log(after=after)) == log[index + 1 :]
            assert list(store.read_log(after=after, limit=4)) == log[index + 1 : index + 5]
        assert list(store.read_log(limit=5)) == log[:5]
        assert list(store.read_log(limit=0)) == []
        assert list(store.read_log(after=log[-1].position)) == []

    def test_read_log_reads_a_long_log_whole(self, store: Store) -> None:
        stored = store.append("structure:s-1", 0, new_events("e", 2500))
        assert list(store.read_log()) == stored
        assert list(store.read_log(after=stored[999].position, limit=1500)) == stored[1000:]
        assert list(store.read_log(limit=2001)) == stored[:2001]

    def test_a_synthetic_log_round_trips(self, store: Store) -> None:
        events = list(generate(Scenario(seed=7, start=dt.date(2025, 1, 6), parcours=3)))
        by_stream: dict[str, list[Event[Any]]] = {}
        for event in events:  # one append per event, streams interleaved as in the log
            done = by_stream.setdefault(event.stream, [])
            new = NewEvent(id=event.id, type=event.type, data=encode_event(event))
            store.append(event.stream, len(done), [new])
            done.append(event)
        assert [decode_event(s.data) for s in store.read_log()] == events
        for stream, stream_events in by_stream.items():
            assert [decode_event(s.data) for s in store.read_stream(stream)] == stream_events

    @_PROPERTY
    @given(
        names=st.lists(identifiers(), min_size=1, max_size=4, unique=True),
        operations=st.lists(
            st.tuples(
                st.integers(0, 3),  # which stream
                st.lists(st.binary(max_size=40), max_size=4),  # the bodies of one append
                st.sampled_from([0, 0, 0, -1, 1]),  # how far off the expected version is
            ),
            max_size=12,
        ),
    )
    def test_versions_are_contiguous_and_positions_increase(
        self, store: Store, names: list[str], operations: list[tuple[int, list[bytes], int]]
    ) -> None:
        example = next(_EXAMPLES)
        before = list(store.read_log())
        last = before[-1].position if before else 0
        streams: dict[str, list[StoredEvent]] = {}
        log: list[StoredEvent] = []
        for index, (which, bodies, off) in enumerate(operations):
            stream = f"parcours:h{example}-{names[which % len(names)]}"
            current = len(streams.setdefault(stream, []))
            news = [
                NewEvent(id=f"h{example}-{index}-{n}", type="test", data=body)
                for n, body in enumerate(bodies)
            ]
            if off and current + off >= 0:
                with pytest.raises(ConcurrencyError) as conflict:
                    store.append(stream, current + off, news)
                assert (conflict.value.expected, conflict.value.actual) == (current + off, current)
                continue
            stored = store.append(stream, current, news)
            assert [(s.version, s.id, s.data) for s in stored] == [
                (current + n, e.id, e.data) for n, e in enumerate(news, start=1)
            ]
            for event in stored:
                assert event.position > last
                last = event.position
            streams[stream].extend(stored)
            log.extend(stored)
        for stream, stored in streams.items():
            assert store.read_stream(stream) == stored
            assert store.version(stream) == len(stored)
        assert list(store.read_log(after=before[-1].position if before else 0)) == log

    # --- optimistic concurrency --------------------------------------------------

    @pytest.mark.parametrize("expected", [0, 1, 3])
    def test_a_stale_version_is_refused_and_nothing_is_written(
        self, store: Store, expected: int
    ) -> None:
        store.append("parcours:p-1", 0, new_events("a", 2))
        before = _snapshot(store)
        with pytest.raises(ConcurrencyError) as conflict:
            store.append(
                "parcours:p-1",
                expected,
                new_events("b", 2),
                [outbox_entry("k-1", "parcours:p-1")],
            )
        assert conflict.value.stream == "parcours:p-1"
        assert (conflict.value.expected, conflict.value.actual) == (expected, 2)
        assert _snapshot(store) == before
        assert store.version("parcours:p-1") == 2

    # --- duplicates: nothing written, events and outbox alike ----------------------

    @pytest.mark.parametrize("where", ["stored", "batch"])
    def test_a_duplicate_event_id_is_refused_and_nothing_is_written(
        self, store: Store, where: str
    ) -> None:
        store.append("parcours:p-1", 0, new_events("a", 1))
        duplicate = "a-1" if where == "stored" else "b-2"
        events = [*new_events("b", 2), NewEvent(id=duplicate, type="test", data=b"{}")]
        before = _snapshot(store)
        with pytest.raises(DomainError) as refused:
            store.append("parcours:p-2", 0, events, [outbox_entry("k-1", "parcours:p-2")])
        assert refused.value.codes == ["evenement.id_doublon"]
        assert duplicate in str(refused.value)
        assert _snapshot(store) == before
        assert store.version("parcours:p-2") == 0
        # the refused append left no lock nor half a transaction behind
        stored = store.append("parcours:p-2", 0, events[:2], [outbox_entry("k-1", "parcours:p-2")])
        assert [s.version for s in stored] == [1, 2]
        assert _keys(store.outbox()) == ["k-1"]

    @pytest.mark.parametrize("where", ["stored", "batch"])
    def test_a_duplicate_outbox_key_is_refused_and_nothing_is_written(
        self, store: Store, where: str
    ) -> None:
        store.append("parcours:p-1", 0, new_events("a", 1), [outbox_entry("k-1", "parcours:p-1")])
        duplicate = "k-1" if where == "stored" else "k-3"
        entries = [outbox_entry(key, "parcours:p-2") for key in ("k-2", "k-3", duplicate)]
        before = _snapshot(store)
        with pytest.raises(DomainError) as refused:
            store.append("parcours:p-2", 0, new_events("b", 2), entries)
        assert refused.value.codes == ["outbox.cle_doublon"]
        assert duplicate in str(refused.value)
        assert _snapshot(store) == before  # the events of the append are not written either
        assert store.version("parcours:p-2") == 0
        store.append("parcours:p-2", 0, new_events("b", 2), entries[:2])
        assert _keys(store.outbox()) == ["k-1", "k-2", "k-3"]

    # --- cursors -----------------------------------------------------------------

    def test_cursors_keep_the_last_position_of_each_subscriber(self, store: Store) -> None:
        assert store.cursor("indicateurs") == 0
        store.move_cursor("indicateurs", 12)
        store.move_cursor("export", 3)
        assert (store.cursor("indicateurs"), store.cursor("export")) == (12, 3)
        store.move_cursor("indicateurs", 40)
        assert store.cursor("indicateurs") == 40
        store.move_cursor("indicateurs", 5)  # a subscriber may start over
        assert store.cursor("indicateurs") == 5

    # --- the outbox --------------------------------------------------------------

    def test_the_outbox_keeps_entries_in_schedule_order(self, store: Store) -> None:
        entries = [
            outbox_entry("k-1", "parcours:p-1", target="agenda"),
            outbox_entry("k-2", "parcours:p-1", due_at=T0 + dt.timedelta(days=1)),
        ]
        store.append("parcours:p-1", 0, new_events("a", 1), entries)
        later = outbox_entry(
            "k-0", "parcours:p-2", due_at=T0.astimezone(dt.timezone(-dt.timedelta(hours=5)))
        )
        store.append("parcours:p-2", 0, new_events("b", 1), [later])
        assert store.outbox() == [*entries, later]  # instants compare equal in any zone
        assert store.outbox(status=OutboxStatus.PENDING) == [*entries, later]
        assert store.outbox(status=OutboxStatus.DONE) == []

    def test_claim_hands_out_the_oldest_entry_of_each_stream_and_target(self, store: Store) -> None:
        _schedule(store, "parcours:a", outbox_entry("a1", "parcours:a"))
        _schedule(store, "parcours:b", outbox_entry("b1", "parcours:b"))
        _schedule(
            store,
            "parcours:a",
            outbox_entry("a2", "parcours:a"),
            outbox_entry("a1-sms", "parcours:a", target="messaging"),
        )
        claimed = store.claim(T0, owner="d1", lease=LEASE, limit=10)
        assert _keys(claimed) == ["a1", "b1", "a1-sms"]
        assert claimed[0] == outbox_entry("a1", "parcours:a")
        assert store.claim(T0, owner="d2", lease=LEASE, limit=10) == []
        assert store.complete("a1", owner="d1")
        assert _keys(store.claim(T0, owner="d2", lease=LEASE, limit=10)) == ["a2"]

    def test_claim_takes_due_entries_only_and_in_order(self, store: Store) -> None:
        hour = dt.timedelta(hours=1)
        _schedule(
            store,
            "parcours:a",
            outbox_entry("a1", "parcours:a", due_at=T0 + hour),
            outbox_entry("a2", "parcours:a"),  # due, but behind a1
        )
        assert store.claim(T0, owner="d1", lease=LEASE, limit=10) == []
        assert _keys(store.claim(T0 + hour, owner="d1", lease=LEASE, limit=10)) == ["a1"]

    def test_claim_takes_at_most_limit_entries(self, store: Store) -> None:
        for stream in ("parcours:a", "parcours:b", "parcours:c"):
            _schedule(store, stream, outbox_entry(f"{stream}/1", stream))
        first = store.claim(T0, owner="d1", lease=LEASE, limit=2)
        assert _keys(first) == ["parcours:a/1", "parcours:b/1"]
        assert _keys(store.claim(T0, owner="d2", lease=LEASE, limit=2)) == ["parcours:c/1"]

    def test_a_claimed_entry_is_hidden_until_its_lease_ends(self, store: Store) -> None:
        _schedule(store, "parcours:a", outbox_entry("a1", "parcours:a"))
        _schedule(store, "parcours:a", outbox_entry("a2", "parcours:a"))
        assert _keys(store.claim(T0, owner="d1", lease=LEASE, limit=10)) == ["a1"]
        assert store.claim(T0 + LEASE - _TICK, owner="d2", lease=LEASE, limit=10) == []
        assert _keys(store.claim(T0 + LEASE, owner="d2", lease=LEASE, limit=10)) == ["a1"]
        assert not store.complete("a1", owner="d1")  # d1 lost its lease to d2
        assert not store.fail("a1", owner="d1", error="trop tard", retry_at=None)
        assert store.complete("a1", owner="d2")
        assert store.outbox()[0].status is OutboxStatus.DONE
        assert store.outbox()[0].attempts == 0

    def test_only_the_owner_of_a_claim_settles_it(self, store: Store) -> None:
        _schedule(store, "parcours:a", outbox_entry("a1", "parcours:a"))
        store.claim(T0, owner="d1", lease=LEASE, limit=10)
        assert not store.complete("a1", owner="d2")
        assert not store.fail("a1", owner="d2", error="non", retry_at=T0)
        assert not store.complete("inconnue", owner="d1")
        assert not store.fail("inconnue", owner="d1", error="non", retry_at=None)
        assert store.outbox() == [outbox_entry("a1", "parcours:a")]
        assert store.claim(T0, owner="d2", lease=LEASE, limit=10) == []  # still d1's
        assert store.complete("a1", owner="d1")
        assert not store.complete("a1", owner="d1")  # delivered already

    def test_a_failed_entry_is_retried_at_the_time_given(self, store: Store) -> None:
        retry_at = T0 + dt.timedelta(minutes=10)
        _schedule(store, "parcours:a", outbox_entry("a1", "parcours:a"))
        _schedule(store, "parcours:a", outbox_entry("a2", "parcours:a"))
        store.claim(T0, owner="d1", lease=LEASE, limit=10)
        assert store.fail("a1", owner="d1", error="agenda injoignable", retry_at=retry_at)
        failed = store.outbox()[0]
        assert (failed.status, failed.attempts) == (OutboxStatus.PENDING, 1)
        assert (failed.last_error, failed.due_at) == ("agenda injoignable", retry_at)
        assert not store.complete("a1", owner="d1")  # the claim ended with the failure
        assert store.claim(retry_at - _TICK, owner="d2", lease=LEASE, limit=10) == []  # a2 waits
        retried = store.claim(retry_at, owner="d2", lease=LEASE, limit=10)
        assert retried == [failed]
        assert store.fail("a1", owner="d2", error="encore", retry_at=retry_at)
        assert store.outbox()[0].attempts == 2

    def test_a_dead_letter_is_kept_and_no_longer_blocks_its_stream(self, store: Store) -> None:
        _schedule(store, "parcours:a", outbox_entry("a1", "parcours:a"))
        _schedule(store, "parcours:a", outbox_entry("a2", "parcours:a"))
        store.claim(T0, owner="d1", lease=LEASE, limit=10)
        assert store.fail("a1", owner="d1", error="refusé", retry_at=None)
        dead = store.outbox(status=OutboxStatus.DEAD)
        assert dead == [
            attrs.evolve(
                outbox_entry("a1", "parcours:a"),
                status=OutboxStatus.DEAD,
                attempts=1,
                last_error="refusé",
            )
        ]
        assert not store.fail("a1", owner="d1", error="encore", retry_at=None)
        assert _keys(store.claim(T0, owner="d1", lease=LEASE, limit=10)) == ["a2"]

    def test_requeue_puts_a_dead_letter_back_in_the_queue(self, store: Store) -> None:
        _schedule(store, "parcours:a", outbox_entry("a1", "parcours:a"))
        _schedule(store, "parcours:a", outbox_entry("a2", "parcours:a"))
        store.claim(T0, owner="d1", lease=LEASE, limit=10)
        store.fail("a1", owner="d1", error="refusé", retry_at=None)
        later = T0 + dt.timedelta(days=1)
        assert not store.requeue("a2", due_at=later)  # pending: not a dead letter
        assert not store.requeue("inconnue", due_at=later)
        assert store.requeue("a1", due_at=later)
        requeued = store.outbox()[0]
        assert (requeued.status, requeued.attempts, requeued.due_at) == (
            OutboxStatus.PENDING,
            0,
            later,
        )
        assert requeued.last_error == "refusé"  # kept, for the record
        assert not store.requeue("a1", due_at=later)
        # back in its place: a2 waits behind it again
        assert _keys(store.claim(later, owner="d2", lease=LEASE, limit=10)) == ["a1"]

    @_PROPERTY
    @given(
        schedule=st.lists(
            st.tuples(
                st.integers(0, 2),  # which stream
                st.lists(st.tuples(st.integers(0, 1), aware_datetimes()), min_size=1, max_size=3),
            ),
            min_size=1,
            max_size=6,
        ),
        data=st.data(),
    )
    def test_each_stream_reaches_each_target_in_order(
        self,
        store: Store,
        schedule: list[tuple[int, list[tuple[int, dt.datetime]]]],
        data: st.DataObject,
    ) -> None:
        _drain(store)
        example = next(_EXAMPLES)
        expected: dict[tuple[str, str], list[str]] = {}
        for index, (which, targets) in enumerate(schedule):
            stream = f"parcours:o{example}-{which}"
            entries = [
                outbox_entry(f"o{example}-{index}-{n}", stream, target=f"t{target}", due_at=due)
                for n, (target, due) in enumerate(targets)
            ]
            _schedule(store, stream, *entries)
            for entry in entries:
                expected.setdefault((entry.stream, entry.target), []).append(entry.key)
        delivered: dict[tuple[str, str], list[str]] = {}
        random_rounds = 2 * sum(len(targets) for _, targets in schedule)
        for round_ in itertools.count():  # random instants and failures, then all due
            now = _FAR if round_ >= random_rounds else data.draw(aware_datetimes(), label="now")
            owner = f"d{round_ % 2}"
            limit = data.draw(st.integers(1, 4), label="limit")
            claimed = store.claim(now, owner=owner, lease=LEASE, limit=limit)
            if not claimed and now == _FAR:
                break
            pairs = [(entry.stream, entry.target) for entry in claimed]
            assert len(set(pairs)) == len(pairs), "two entries of one stream and target at once"
            for entry, pair in zip(claimed, pairs, strict=True):
                assert entry.due_at <= now
                if now != _FAR and data.draw(st.booleans(), label=f"fail {entry.key}"):
                    assert store.fail(entry.key, owner=owner, error="échec", retry_at=now)
                else:
                    assert store.complete(entry.key, owner=owner)
                    delivered.setdefault(pair, []).append(entry.key)
        assert delivered == expected
        mine = [e for e in store.outbox() if e.key.startswith(f"o{example}-")]
        assert {e.status for e in mine} == {OutboxStatus.DONE}

    # --- erasure -----------------------------------------------------------------

    def test_erase_replaces_bodies_and_deletes_entries(self, store: Store) -> None:
        kept = store.append(
            "parcours:p-1",
            0,
            new_events("a", 3),
            [outbox_entry("k-1", "parcours:p-1"), outbox_entry("k-2", "parcours:p-1")],
        )
        store.claim(T0, owner="d1", lease=LEASE, limit=10)
        store.erase(events={"a-2": b'{"efface":true}', "inconnu": b"{}"}, outbox=["k-1", "k-0"])
        expected = [
            kept[0],
            StoredEvent(
                position=kept[1].position,
                stream="parcours:p-1",
                version=2,
                id="a-2",
                type="test",
                data=b'{"efface":true}',
            ),
            kept[2],
        ]
        assert store.read_stream("parcours:p-1") == expected
        assert list(store.read_log()) == expected
        assert store.version("parcours:p-1") == 3
        assert _keys(store.outbox()) == ["k-2"]
        assert not store.complete("k-1", owner="d1")  # erased while claimed
        assert _keys(store.claim(T0, owner="d2", lease=LEASE, limit=10)) == ["k-2"]

    # --- threads and closing -----------------------------------------------------

    def test_a_store_may_pass_from_thread_to_thread(self, store: Store) -> None:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            stored = pool.submit(store.append, "parcours:p-1", 0, new_events("a", 2)).result()
        assert store.read_stream("parcours:p-1") == stored

    def test_a_closed_store_refuses_every_call(self, store: Store) -> None:
        store.append("parcours:p-1", 0, new_events("a", 1), [outbox_entry("k", "parcours:p-1")])
        store.close()
        calls: list[Callable[[], object]] = [
            lambda: store.append("parcours:p-1", 1, new_events("b", 1)),
            lambda: store.version("parcours:p-1"),
            lambda: store.read_stream("parcours:p-1"),
            lambda: list(store.read_log()),
            lambda: store.cursor("c"),
            lambda: store.move_cursor("c", 1),
            lambda: store.claim(T0, owner="d", lease=LEASE, limit=1),
            lambda: store.complete("k", owner="d"),
            lambda: store.fail("k", owner="d", error="e", retry_at=None),
            lambda: store.outbox(),
            lambda: store.requeue("k", due_at=T0),
            lambda: store.erase(events={}, outbox=[]),
        ]
        for call in calls:
            with pytest.raises(StoreClosedError):
                call()
        store.close()  # closing twice is harmless

    # --- several connections (Capability.CONNECTIONS) -------------------------------

    def test_connections_see_each_others_commits(
        self, store: Store, store_factory: Callable[[], Store]
    ) -> None:
        with _connection(store_factory) as other:
            stored = store.append(
                "parcours:p-1", 0, new_events("a", 2), [outbox_entry("k", "parcours:p-1")]
            )
            assert other.version("parcours:p-1") == 2
            assert other.read_stream("parcours:p-1") == stored
            assert list(other.read_log()) == stored
            assert other.outbox() == store.outbox()
            store.move_cursor("indicateurs", stored[-1].position)
            assert other.cursor("indicateurs") == stored[-1].position
            with pytest.raises(ConcurrencyError):
                other.append("parcours:p-1", 0, new_events("b", 1))
            more = other.append("parcours:p-1", 2, new_events("b", 1))
            assert store.read_stream("parcours:p-1") == stored + more

    def test_a_claim_holds_across_connections(
        self, store: Store, store_factory: Callable[[], Store]
    ) -> None:
        _schedule(store, "parcours:a", outbox_entry("a1", "parcours:a"))
        with _connection(store_factory) as other:
            assert _keys(store.claim(T0, owner="d1", lease=LEASE, limit=10)) == ["a1"]
            assert other.claim(T0, owner="d2", lease=LEASE, limit=10) == []
            assert not other.complete("a1", owner="d2")
            assert other.complete("a1", owner="d1")
            assert store.outbox(status=OutboxStatus.DONE) == other.outbox()

    def test_closing_one_connection_leaves_the_others_open(
        self, store: Store, store_factory: Callable[[], Store]
    ) -> None:
        with _connection(store_factory) as other:
            other.append("parcours:p-1", 0, new_events("a", 1))
        assert store.version("parcours:p-1") == 1

    def test_writers_on_several_connections_lose_nothing(
        self, store: Store, store_factory: Callable[[], Store]
    ) -> None:
        streams = ("parcours:p-1", "parcours:p-2")

        def write(writer: int) -> list[str]:
            with _connection(store_factory) as own:
                for n in range(20):
                    append_with_retries(own, streams[n % 2], new_events(f"w{writer}-{n}", 1))
            return [f"w{writer}-{n}-1" for n in range(20)]

        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            written = [id_ for ids in pool.map(write, range(4)) for id_ in ids]
        log = list(store.read_log())
        assert sorted(e.id for e in log) == sorted(written)
        for stream in streams:
            assert [e.version for e in store.read_stream(stream)] == list(range(1, 41))
        positions = [e.position for e in log]
        assert positions == sorted(set(positions))
