"""The plugin manager, and one test (at least) of every hook.

``test_every_hook_has_a_test`` checks that each hook of :mod:`seve.hooks.specs`
is named by a test of this module.
"""

from __future__ import annotations

import datetime as dt
import sys
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from seve import DomainError, Problem
from seve.app import Dispatcher, Recorder
from seve.effects import Delivery, DeliveryStatus, Message, MessageEffect
from seve.hooks import PluginError, Plugins, hookimpl, specs
from seve.indicators import Indicator, compute, registered_indicators
from seve.model import Event, StreamKind
from seve.storage import MemoryStore, OutboxStatus

sys.path.insert(0, str(Path(__file__).parent))
from builders import structure_log
from test_app import Calendar, Planner, entry, joined, message, setup

HOOKS = sorted(name for name in dir(specs) if name.startswith("seve_"))


def test_every_hook_has_a_test() -> None:
    tests = [name for name in globals() if name.startswith("test_hook_")]
    missing = [hook for hook in HOOKS if not any(hook in test for test in tests)]
    assert not missing


def module(name: str, source: str) -> types.ModuleType:
    plugin = types.ModuleType(name)
    exec(textwrap.dedent(source), plugin.__dict__)
    return plugin


# --- a third-party distribution, found by its entry point --------------------------


def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str) -> None:
    """Make ``name`` an installed distribution with an entry point in group ``seve``."""
    dist = tmp_path / f"{name}-1.2.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2\n")
    (dist / "entry_points.txt").write_text(f"[seve]\n{name} = {name}\n")
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
    monkeypatch.syspath_prepend(str(tmp_path))


EXAMPLE = """
    from seve.hooks import hookimpl
    from seve.storage import MemoryStore

    committed = []

    @hookimpl
    def seve_open_store(url):
        return MemoryStore() if url.startswith("example:") else None

    @hookimpl
    def seve_event_committed(event):
        committed.append(event.id)
"""


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    install(tmp_path, monkeypatch, "seve_example", EXAMPLE)
    yield
    sys.modules.pop("seve_example", None)


def test_a_third_party_plugin_is_discovered_and_used(example: None) -> None:
    plugins = Plugins(environ={"SEVE_LOAD_PLUGINS": "seve_example"})
    assert "seve_example" not in sys.modules  # lazily: nothing imported yet
    store = plugins.open_store("example:anything")
    info = {i.name: i for i in plugins.info()}["seve_example"]
    assert info.version == "1.2"
    assert info.hooks == ("seve_event_committed", "seve_open_store")
    recorder = Recorder(store, plugins=plugins)
    event = structure_log().events[0]
    recorder.record(event)
    Dispatcher(store, plugins=plugins).run_until_idle()
    assert sys.modules["seve_example"].committed == [event.id]


def test_the_allow_list_and_the_deny_list(example: None) -> None:
    def names(**environ: str) -> set[str]:
        return {i.name for i in Plugins(environ=environ).info()}

    assert "seve_example" in names()
    assert "seve_example" not in names(SEVE_LOAD_PLUGINS="")
    assert "seve_example" not in names(SEVE_DISABLED_PLUGINS="seve_example, other")
    assert "seve.memory" not in names(SEVE_DISABLED_PLUGINS="seve.memory")


def test_a_plugin_that_fails_to_import_is_set_aside_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(tmp_path, monkeypatch, "seve_broken", "raise ImportError('no libfoo')\n")
    plugins = Plugins(environ={"SEVE_LOAD_PLUGINS": "seve_broken"})
    (failure,) = plugins.failures
    assert (failure.plugin, failure.stage) == ("seve_broken", "load")
    assert "no libfoo" in failure.error
    assert plugins.open_store("memory:") is not None  # seve goes on
    with pytest.raises(PluginError) as strict:
        Plugins(strict=True, environ={"SEVE_LOAD_PLUGINS": "seve_broken"}).info()
    assert strict.value.code == "plugin.chargement"
    assert strict.value.plugin == "seve_broken"


def test_an_unknown_hook_is_refused() -> None:
    typo = module("typo", "def seve_calender_publish(entry, key): pass\n")
    plugins = Plugins(entry_points=False)
    plugins.register(typo)
    (failure,) = plugins.failures
    assert failure.plugin == "typo"
    assert "seve_calender_publish" in failure.error
    assert "typo" not in {i.name for i in plugins.info()}
    with pytest.raises(PluginError) as strict:
        Plugins(entry_points=False, strict=True).register(typo)
    assert strict.value.code == "plugin.hook_invalide"


def test_a_hook_with_arguments_seve_does_not_give_is_refused() -> None:
    bad = module("bad", "def seve_event_committed(event, position): pass\n")
    plugins = Plugins(entry_points=False)
    plugins.register(bad)
    (failure,) = plugins.failures
    assert "position" in failure.error


def test_a_plugin_may_take_fewer_arguments() -> None:
    plugins = Plugins(entry_points=False)
    plugins.register(module("few", "def seve_plan_effects(event): return ()\n"))
    assert plugins.collect("seve_plan_effects", event=None, before=None, after=None) == []


# --- storage -----------------------------------------------------------------------


def test_hook_seve_open_store_first_plugin_that_knows_the_url_wins() -> None:
    plugins = Plugins(entry_points=False)
    plugins.register(
        module(
            "mystore",
            """
            from seve.storage import MemoryStore
            class MyStore(MemoryStore): pass
            def seve_open_store(url):
                return MyStore() if url.startswith("my:") else None
            """,
        )
    )
    assert type(plugins.open_store("my:x")).__name__ == "MyStore"
    assert type(plugins.open_store("memory:")) is MemoryStore
    with pytest.raises(PluginError) as unknown:
        plugins.open_store("nosuch:x")
    assert unknown.value.code == "plugin.stockage_inconnu"
    assert "mystore" in str(unknown.value)


# --- calendars ---------------------------------------------------------------------


@pytest.mark.parametrize("action", ["publish", "update", "cancel"])
def test_hook_seve_calendar_publish_seve_calendar_update_seve_calendar_cancel(
    action: str,
) -> None:
    from seve.effects import CalendarAction, CalendarEffect

    calendar = Calendar()
    effect = CalendarEffect(action=CalendarAction.from_code(action), entry=entry())
    plugins, recorder = setup(None, Planner(effect), calendar)
    event = structure_log().events[0]
    recorder.record(event)
    dispatcher = Dispatcher(recorder.store, plugins=plugins)
    dispatcher.run_until_idle()
    assert calendar.calls == [(action, "pmsmp-1", f"{event.id}/0/p1")]


# --- messaging ---------------------------------------------------------------------


class Sms:
    def __init__(self, status: DeliveryStatus = DeliveryStatus.SENT) -> None:
        self.sent: dict[str, Message] = {}
        self.status = status

    @hookimpl
    def seve_deliver_message(self, message: Message, key: str) -> Delivery | None:
        if message.channel != "sms":
            return None
        self.sent.setdefault(key, message)
        return Delivery(status=self.status, detail="200 OK", reference=f"ref-{len(self.sent)}")


def test_hook_seve_deliver_message_the_plugin_of_the_channel_delivers() -> None:
    sms = Sms()
    plugins, recorder = setup(None, Planner(MessageEffect(message=message("sms"))), sms)
    recorder.record(structure_log().events[0])
    (outcome,) = Dispatcher(recorder.store, plugins=plugins).run_until_idle().outcomes
    assert outcome.status == "delivered"
    assert outcome.delivery == Delivery(
        status=DeliveryStatus.SENT, detail="200 OK", reference="ref-1"
    )
    assert list(sms.sent) == [outcome.key]


def test_hook_seve_deliver_message_no_plugin_for_the_channel_is_a_dead_letter() -> None:
    plugins, recorder = setup(None, Planner(MessageEffect(message=message("whatsapp"))), Sms())
    recorder.record(structure_log().events[0])
    (outcome,) = Dispatcher(recorder.store, plugins=plugins).run_until_idle().outcomes
    assert outcome.status == "dead"
    assert "whatsapp" in (outcome.error or "")
    (dead,) = recorder.store.outbox(status=OutboxStatus.DEAD)
    assert dead.key == outcome.key


def test_hook_seve_deliver_message_a_refusal_is_final() -> None:
    plugins, recorder = setup(
        None, Planner(MessageEffect(message=message())), Sms(status=DeliveryStatus.REFUSED)
    )
    recorder.record(structure_log().events[0])
    (outcome,) = Dispatcher(recorder.store, plugins=plugins).run_once().outcomes
    assert outcome.status == "dead"
    assert "refusé" in (outcome.error or "")


# --- observers and effects ---------------------------------------------------------


def test_hook_seve_event_committed_each_event_once_in_stream_order() -> None:
    seen: list[str] = []

    class Observer:
        @hookimpl
        def seve_event_committed(self, event: Event[Any]) -> None:
            seen.append(event.id)

    plugins, recorder = setup(None, Observer())
    log = structure_log()
    events = [log.events[0], *(joined(log, n) for n in range(1, 6))]
    for event in events:
        recorder.record(event)
    assert seen == []  # recording does not call observers
    dispatcher = Dispatcher(recorder.store, plugins=plugins)
    dispatcher.run_until_idle()
    dispatcher.run_until_idle()
    assert seen == [e.id for e in events]


def test_hook_seve_plan_effects_garbage_is_reported_and_recording_goes_on() -> None:
    calendar = Calendar()
    plugins, recorder = setup(
        None, Planner("not an effect", MessageEffect(message=message())), calendar
    )
    stored = recorder.record(structure_log().events[0])
    assert stored.version == 1
    (failure,) = plugins.failures
    assert failure.hook == "seve_plan_effects"
    assert "not an effect" in failure.error
    assert [e.hook for e in recorder.store.outbox()] == ["seve_deliver_message"]


# --- extension points --------------------------------------------------------------


def no_second_cip(before: Any, after: Any, event: Event[Any]) -> list[Problem]:
    if len(after.staff) > 1:
        return [Problem(code="monplugin.un_seul_cip", message="un seul CIP", path=("payload",))]
    return []


def test_hook_seve_register_rules_a_plugin_rule_refuses_and_nothing_is_written() -> None:
    class Rules:
        @hookimpl
        def seve_register_rules(self) -> Any:
            return [(StreamKind.SIAE, no_second_cip)]

    _, recorder = setup(None, Rules())
    log = structure_log()
    recorder.record(log.events[0])
    recorder.record(joined(log, 1))
    with pytest.raises(DomainError) as refused:
        recorder.record(joined(log, 2))
    assert refused.value.codes == ["monplugin.un_seul_cip"]
    assert recorder.store.version(log.stream) == 2


def test_hook_seve_register_rules_broken_rules_are_set_aside() -> None:
    def explodes(before: Any, after: Any, event: Event[Any]) -> list[Problem]:
        raise RuntimeError("bug")

    class Rules:
        @hookimpl
        def seve_register_rules(self) -> Any:
            return [(StreamKind.SIAE, explodes), "garbage"]

    plugins, recorder = setup(None, Rules())
    assert recorder.record(structure_log().events[0]).version == 1
    assert [f.error[:18] for f in plugins.failures] == ["valeur inattendue ", "la règle <function"]


class EventCount:
    code = "exemple.evenements"
    label = "événements enregistrés"

    def start(self) -> int:
        return 0

    def step(self, acc: int, event: Event[Any]) -> int:
        return acc + 1

    def finish(self, acc: int) -> int:
        return acc


def test_hook_seve_register_indicators_a_plugin_indicator_is_computed() -> None:
    class Indicators:
        @hookimpl
        def seve_register_indicators(self) -> Any:
            return [EventCount(), object()]

    plugins = Plugins(entry_points=False)
    plugins.register(Indicators(), "indicators")
    indicators = registered_indicators(plugins)
    assert [i.code for i in indicators] == ["exemple.evenements"]
    assert isinstance(indicators[0], Indicator)
    assert plugins.failures[0].hook == "seve_register_indicators"
    log = structure_log()
    events = [log.events[0], joined(log, 1)]
    assert compute(indicators, events) == {"exemple.evenements": 2}


def test_hook_seve_forget_every_plugin_drops_its_copies_a_failure_is_reported() -> None:
    import datetime as dt

    import attrs

    from builders import Log, embauche
    from seve.model import PersonalData, PersonalDataRecorded
    from seve.privacy import forget

    class Keeper:
        def __init__(self) -> None:
            self.erasures: list[Any] = []

        @hookimpl
        def seve_forget(self, erasure: Any) -> None:
            self.erasures.append(erasure)

    class Broken:
        @hookimpl
        def seve_forget(self, erasure: Any) -> None:
            raise ConnectionError("serveur CalDAV injoignable")

    keeper = Keeper()
    plugins = Plugins(entry_points=False)
    plugins.register(keeper, "keeper")
    plugins.register(Broken(), "broken")
    recorder = Recorder(MemoryStore(), plugins=plugins)
    for event in structure_log().events:
        recorder.record(event)
    log = Log()
    log.add("2025-01-15", embauche())
    lea = PersonalData(first_name="Léa", last_name="Roux")
    log.add("2025-01-16", PersonalDataRecorded(data=lea))
    for event in log.events:
        recorder.record(attrs.evolve(event, id=f"p-{event.id}"))
    report = forget(recorder, "s-1", by="staff-1", at=dt.datetime(2025, 2, 1, tzinfo=dt.UTC))
    (erasure,) = keeper.erasures
    assert (erasure.reason, erasure.salarie) == ("effacement", "s-1")
    assert erasure.streams == (log.stream,)
    assert "Léa Roux" in erasure.identity
    assert (report.notified, report.failed) == (("keeper",), ("broken",))
    assert plugins.failures[-1].hook == "seve_forget"


def test_call_each_isolates_a_raising_plugin() -> None:
    plugins = Plugins(entry_points=False)
    plugins.register(module("boom", "def seve_register_rules(): raise RuntimeError('boom')\n"))
    plugins.register(module("fine", "def seve_register_rules(): return []\n"))
    assert plugins.call_each("seve_register_rules") == [("fine", [])]
    assert plugins.failures[0].plugin == "boom"


def test_the_clock_is_only_read_by_the_application_layer() -> None:
    store = MemoryStore()
    when = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    recorder = Recorder(
        store, plugins=setup(None, Planner(MessageEffect(message=message())))[0], clock=lambda: when
    )
    recorder.record(structure_log().events[0])
    assert [e.due_at for e in store.outbox()] == [when]
