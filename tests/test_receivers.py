"""The reference receivers pass the calendar and messenger contract suites, and
work with the dispatcher."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from seve.testing.contract import CalendarContract, MessengerContract
from seve.testing.receivers import MemoryCalendar, MemoryMessenger


class TestMemoryCalendar(CalendarContract):
    @pytest.fixture
    def plugin(self) -> MemoryCalendar:
        return MemoryCalendar()

    @pytest.fixture
    def published(self, plugin: MemoryCalendar) -> Callable[[str], dict[str, str]]:
        return plugin.published


class TestMemoryMessenger(MessengerContract):
    @pytest.fixture
    def plugin(self) -> MemoryMessenger:
        return MemoryMessenger()

    @pytest.fixture
    def channel(self) -> str:
        return "sms"

    @pytest.fixture
    def recipient(self) -> str:
        return "+33600000000"

    @pytest.fixture
    def received(self, plugin: MemoryMessenger) -> Callable[[], list[str]]:
        return lambda: [m.text for m in plugin.received()]


BROKEN = """
import pytest
from seve.hooks import hookimpl
from seve.testing.contract import CalendarContract, MessengerContract
from seve.testing.receivers import MemoryCalendar, MemoryMessenger


class IgnoresUpdates(MemoryCalendar):
    @hookimpl
    def seve_calendar_update(self, entry, key):
        pass


class SendsTwice(MemoryMessenger):
    @hookimpl
    def seve_deliver_message(self, message, key):
        if message.channel in self.channels:
            self.sent[f"{key}-{len(self.sent)}"] = message
        return super().seve_deliver_message(message=message, key=key)


class TestIgnoresUpdates(CalendarContract):
    @pytest.fixture
    def plugin(self):
        return IgnoresUpdates()

    @pytest.fixture
    def published(self, plugin):
        return plugin.published


class TestSendsTwice(MessengerContract):
    @pytest.fixture
    def plugin(self):
        return SendsTwice()

    @pytest.fixture
    def channel(self):
        return "email"

    @pytest.fixture
    def recipient(self):
        return "anne@example.org"

    @pytest.fixture
    def received(self, plugin):
        return lambda: [m.text for m in plugin.sent.values()]
"""


def test_the_contracts_catch_broken_plugins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_broken=BROKEN)
    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider")
    failed = {
        line.split("::")[-1].split(" ")[0] for line in result.outlines if line.startswith("FAILED")
    }
    assert failed == {"test_an_update_replaces_the_entry", "test_one_key_is_delivered_once"}
