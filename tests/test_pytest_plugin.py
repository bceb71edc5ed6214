"""seve's pytest plugin: its fixtures, and its cost at start-up."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from seve.app import Dispatcher
from seve.hooks import PluginError, Plugins
from seve.storage import MemoryStore
from seve.testing.pytest_plugin import START, Clock


def test_the_clock_stands_still_until_moved(seve_clock: Clock) -> None:
    assert seve_clock() == seve_clock() == START
    seve_clock.advance(minutes=30)
    seve_clock.advance(dt.timedelta(days=1), hours=1)
    assert seve_clock() == START + dt.timedelta(days=1, hours=1, minutes=30)
    seve_clock.set(START)
    assert seve_clock() == START
    with pytest.raises(ValueError, match="un instant avec son fuseau"):
        seve_clock.set(dt.datetime(2025, 3, 3, 9, 0))


def test_the_clock_drives_a_dispatcher(seve_clock: Clock, seve_plugins: Plugins) -> None:
    dispatcher = Dispatcher(MemoryStore(), plugins=seve_plugins, clock=seve_clock)
    assert dispatcher.run_once().outcomes == ()


def test_the_plugins_are_seves_own_only_and_strict(seve_plugins: Plugins) -> None:
    assert [info.name for info in seve_plugins.info()] == ["seve.calendar", "seve.memory"]
    assert seve_plugins.strict
    with pytest.raises(PluginError, match="aucun plugin de stockage"):
        seve_plugins.open_store("sqlite:///seve.db")


def test_the_memory_store_is_new(seve_memory_store: MemoryStore) -> None:
    assert list(seve_memory_store.read_log()) == []


def test_loading_the_plugin_imports_neither_hypothesis_nor_the_contracts() -> None:
    code = (
        "import sys, seve.testing.pytest_plugin; "
        "print(sorted(m for m in ('hypothesis', 'seve.testing.contract', 'seve.hooks') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
