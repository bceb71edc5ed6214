"""The recording service and the dispatcher, on the in-memory store."""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from seve import DomainError
from seve.app import Backoff, Dispatcher, Recorder
from seve.effects import (
    Audience,
    CalendarAction,
    CalendarEffect,
    CalendarEntry,
    Message,
    MessageEffect,
)
from seve.hooks import Plugins, hookimpl
from seve.model import (
    Event,
    SiaeId,
    StaffId,
    StaffMember,
    StaffMemberJoined,
    StaffRole,
    StreamKind,
    stream_id,
)
from seve.storage import ConcurrencyError, MemoryStore, OutboxStatus, Store

sys.path.insert(0, str(Path(__file__).parent))
from builders import Log, structure_log

T0 = dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += dt.timedelta(**kw)


def joined(log: Log, n: int, when: str = "2025-01-03") -> Event[Any]:
    member = StaffMember(
        id=StaffId(f"staff-{n}"), siae=SiaeId("siae-1"), name=f"CIP {n}", roles={StaffRole.CIP}
    )
    return log.make(when, StaffMemberJoined(member=member))


def entry(uid: str = "pmsmp-1") -> CalendarEntry:
    return CalendarEntry(
        uid=uid, sequence=0, calendar="staff:staff-1", audience=Audience.STAFF, ical="BEGIN:..."
    )


def message(channel: str = "sms") -> Message:
    return Message(
        channel=channel,
        recipient="+33600000000",
        audience=Audience.SALARIE,
        subject="Offre",
        text="Une offre vous attend.",
    )


class Planner:
    """Plans the same effects for every event."""

    def __init__(self, *effects: Any) -> None:
        self.effects = effects

    @hookimpl
    def seve_plan_effects(self, event: Event[Any]) -> Any:
        return self.effects


class Calendar:
    """A calendar plugin that records what it is asked, and can be told to fail."""

    def __init__(self, fail: int = 0) -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.fail = fail

    def _do(self, action: str, entry: CalendarEntry, key: str) -> None:
        if self.fail:
            self.fail -= 1
            raise ConnectionError("serveur CalDAV injoignable")
        self.calls.append((action, entry.uid, key))

    @hookimpl
    def seve_calendar_publish(self, entry: CalendarEntry, key: str) -> None:
        self._do("publish", entry, key)

    @hookimpl
    def seve_calendar_update(self, entry: CalendarEntry, key: str) -> None:
        self._do("update", entry, key)

    @hookimpl
    def seve_calendar_cancel(self, entry: CalendarEntry, key: str) -> None:
        self._do("cancel", entry, key)


def setup(
    store: Store | None, *plugins: object, clock: Clock | None = None
) -> tuple[Plugins, Recorder]:
    registry = Plugins(entry_points=False)
    for index, plugin in enumerate(plugins):
        registry.register(plugin, f"p{index}")
    recorder = Recorder(store or MemoryStore(), plugins=registry, clock=clock or Clock())
    return registry, recorder


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each test that takes it runs on the in-memory store and on a real SQLite file."""
    url = "memory:" if request.param == "memory" else f"sqlite:{tmp_path / 'seve.db'}"
    opened = Plugins().open_store(url)
    yield opened
    opened.close()


# --- recording ---------------------------------------------------------------------


def test_record_appends_with_versions_and_folds(store: Store) -> None:
    _, recorder = setup(store)
    log = structure_log()
    first = recorder.record(log.events[0])
    second = recorder.record(joined(log, 1))
    assert (first.version, second.version) == (1, 2)
    assert second.position > first.position
    assert set(recorder.state(log.stream).staff) == {"staff-1"}


def test_a_refused_event_writes_nothing(store: Store) -> None:
    calendar = Calendar()
    _, recorder = setup(
        store, Planner(CalendarEffect(action=CalendarAction.PUBLISH, entry=entry())), calendar
    )
    log = structure_log()
    recorder.record(log.events[0])
    stranger = StaffMember(id=StaffId("x"), siae=SiaeId("other"), name="X", roles={StaffRole.CIP})
    with pytest.raises(DomainError) as refused:
        recorder.record(log.make("2025-01-03", StaffMemberJoined(member=stranger)))
    assert refused.value.codes == ["equipe.autre_structure"]
    assert recorder.store.version(log.stream) == 1
    assert len(recorder.store.outbox()) == 1  # the first event's entry only


def test_a_batch_is_all_or_nothing(store: Store) -> None:
    _, recorder = setup(store)
    log = structure_log()
    good = [log.events[0], joined(log, 1)]
    bad = log.make("2025-01-01", StaffMemberJoined(member=good[1].payload.member))  # before
    with pytest.raises(DomainError) as refused:
        recorder.record_batch([*good, bad])
    assert refused.value.problems[0].path[0] == 2
    assert recorder.store.version(log.stream) == 0
    assert [s.version for s in recorder.record_batch(good)] == [1, 2]


def test_a_batch_stays_in_one_stream(store: Store) -> None:
    _, recorder = setup(store)
    other = Log(stream_id(StreamKind.SIAE, "siae-2"))
    log = structure_log()
    stray = other.make("2025-01-02", log.events[0].payload)
    with pytest.raises(DomainError) as refused:
        recorder.record_batch([log.events[0], stray])
    assert refused.value.codes == ["evenement.lot_multi_flux"]
    assert recorder.record_batch([]) == []


def test_a_concurrent_write_is_retried_on_the_new_state() -> None:
    store = MemoryStore()
    a, b = Recorder(store), Recorder(store)
    log = structure_log()
    a.record(log.events[0])
    assert a.state(log.stream) is not None  # a caches version 1
    b.record(joined(log, 1))  # the stream moves on behind a's back
    stored = a.record(joined(log, 2, "2025-01-04"))
    assert stored.version == 3
    assert set(a.state(log.stream).staff) == {"staff-1", "staff-2"}


def test_concurrency_gives_up_after_the_retries() -> None:
    class Busy(MemoryStore):
        def append(self, stream: str, expected_version: int, *args: Any, **kw: Any) -> Any:
            raise ConcurrencyError(stream, expected_version, expected_version + 1)

    recorder = Recorder(Busy(), retries=2)
    with pytest.raises(ConcurrencyError) as lost:
        recorder.record(structure_log().events[0])
    assert "version" in str(lost.value)


# --- side effects ------------------------------------------------------------------


def test_effects_go_to_the_outbox_with_the_event_and_stable_keys(store: Store) -> None:
    calendars = (Calendar(), Calendar())
    planner = Planner(
        CalendarEffect(action=CalendarAction.PUBLISH, entry=entry()),
        MessageEffect(message=message()),
    )
    _, recorder = setup(store, planner, *calendars)
    event = structure_log().events[0]
    recorder.record(event)
    keys = sorted(e.key for e in recorder.store.outbox())
    assert keys == [f"{event.id}/0/p1", f"{event.id}/0/p2", f"{event.id}/1/messaging"]


def test_the_dispatcher_delivers_every_effect_once(store: Store) -> None:
    calendar = Calendar()
    planner = Planner(
        CalendarEffect(action=CalendarAction.PUBLISH, entry=entry()),
        CalendarEffect(action=CalendarAction.UPDATE, entry=entry()),
        CalendarEffect(action=CalendarAction.CANCEL, entry=entry()),
    )
    plugins, recorder = setup(store, planner, calendar)
    recorder.record(structure_log().events[0])
    report = Dispatcher(recorder.store, plugins=plugins).run_until_idle()
    assert report.count("delivered") == 3
    assert [c[0] for c in calendar.calls] == ["publish", "update", "cancel"]  # in order
    assert not recorder.store.outbox(status=OutboxStatus.PENDING)


def test_a_failing_plugin_is_retried_with_backoff_then_succeeds(store: Store) -> None:
    clock = Clock()
    calendar = Calendar(fail=2)
    plugins, recorder = setup(
        store,
        Planner(CalendarEffect(action=CalendarAction.PUBLISH, entry=entry())),
        calendar,
        clock=clock,
    )
    recorder.record(structure_log().events[0])
    dispatcher = Dispatcher(recorder.store, plugins=plugins, clock=clock)
    assert dispatcher.run_once().count("retry") == 1
    assert dispatcher.run_once().outcomes == ()  # not due yet: 10 s of backoff
    clock.advance(seconds=10)
    (failed,) = dispatcher.run_once().outcomes
    assert "injoignable" in (failed.error or "")
    (pending,) = recorder.store.outbox()
    assert pending.attempts == 2
    assert pending.due_at == clock.now + dt.timedelta(seconds=20)
    clock.advance(seconds=20)
    assert dispatcher.run_once().count("delivered") == 1
    assert len(calendar.calls) == 1


def test_a_plugin_that_always_fails_is_dead_lettered_and_recording_goes_on(store: Store) -> None:
    clock = Clock()
    calendar = Calendar(fail=10**6)
    plugins, recorder = setup(
        store,
        Planner(CalendarEffect(action=CalendarAction.PUBLISH, entry=entry())),
        calendar,
        clock=clock,
    )
    log = structure_log()
    recorder.record(log.events[0])
    dispatcher = Dispatcher(
        recorder.store, plugins=plugins, clock=clock, backoff=Backoff(attempts=3)
    )
    statuses = []
    for _ in range(3):
        statuses += [o.status for o in dispatcher.run_once().outcomes]
        clock.advance(hours=2)
        recorder.record(joined(log, len(statuses), "2025-01-05"))  # recording never waits
    assert statuses == ["retry", "retry", "dead"]
    (dead,) = recorder.store.outbox(status=OutboxStatus.DEAD)
    assert dead.attempts == 3
    assert "ConnectionError" in (dead.last_error or "")
    assert recorder.store.version(log.stream) == 4
    assert recorder.store.requeue(dead.key, due_at=clock.now)
    calendar.fail = 0
    assert dispatcher.run_until_idle().count("delivered") == 4


def test_a_hanging_plugin_times_out_and_does_not_hold_the_others(store: Store) -> None:
    release = threading.Event()

    class Hanging(Calendar):
        @hookimpl
        def seve_calendar_publish(self, entry: CalendarEntry, key: str) -> None:
            release.wait(10)

    fine = Calendar()
    plugins, recorder = setup(
        store,
        Planner(CalendarEffect(action=CalendarAction.PUBLISH, entry=entry())),
        Hanging(),
        fine,
    )
    recorder.record(structure_log().events[0])
    report = Dispatcher(recorder.store, plugins=plugins, timeout=0.05).run_once()
    release.set()
    by_target = {o.target: o for o in report.outcomes}
    assert by_target["p1"].status == "retry"
    assert "pas répondu" in (by_target["p1"].error or "")
    assert by_target["p2"].status == "delivered"


def test_garbage_from_a_plugin_is_a_failure(store: Store) -> None:
    class Garbage(Calendar):
        @hookimpl
        def seve_calendar_publish(self, entry: CalendarEntry, key: str) -> Any:
            return {"ok": True}

    plugins, recorder = setup(
        store, Planner(CalendarEffect(action=CalendarAction.PUBLISH, entry=entry())), Garbage()
    )
    recorder.record(structure_log().events[0])
    (outcome,) = Dispatcher(recorder.store, plugins=plugins).run_once().outcomes
    assert outcome.status == "retry"
    assert "au lieu de None" in (outcome.error or "")


def test_two_dispatchers_never_hold_the_same_entry(store: Store) -> None:
    calendar = Calendar()
    plugins, recorder = setup(
        store, Planner(CalendarEffect(action=CalendarAction.PUBLISH, entry=entry())), calendar
    )
    recorder.record(structure_log().events[0])
    clock = Clock()
    first = recorder.store.claim(clock.now, owner="a", lease=dt.timedelta(minutes=1), limit=10)
    second = recorder.store.claim(clock.now, owner="b", lease=dt.timedelta(minutes=1), limit=10)
    assert len(first) == 1
    assert second == []
    dispatcher = Dispatcher(recorder.store, plugins=plugins, owner="b", clock=clock)
    clock.advance(minutes=2)  # a's lease is over: b takes the entry, a's result is lost
    assert dispatcher.run_once().count("delivered") == 1
    assert not recorder.store.complete(first[0].key, owner="a")


def test_backoff_grows_to_its_ceiling_then_gives_up() -> None:
    backoff = Backoff(first=dt.timedelta(seconds=1), ceiling=dt.timedelta(seconds=5), attempts=5)
    delays = [backoff.retry_at(T0, n) for n in range(1, 6)]
    assert [(d - T0).total_seconds() for d in delays if d] == [1, 2, 4, 5]
    assert delays[-1] is None
