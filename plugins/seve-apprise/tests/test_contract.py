"""seve-apprise passes seve's messenger contract, through Apprise's json:// target."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from seve.testing.contract import MessengerContract
from seve_apprise import AppriseMessenger


class Plugin:
    def __init__(self, messenger: AppriseMessenger) -> None:
        self.messenger = messenger

    def seve_deliver_message(self, message, key):  # type: ignore[no-untyped-def]
        return self.messenger.deliver(message, key)


class TestApprise(MessengerContract):
    @pytest.fixture
    def plugin(self, endpoint: Any) -> Plugin:
        return Plugin(AppriseMessenger({"sms": endpoint.route()}))

    @pytest.fixture
    def channel(self) -> str:
        return "sms"

    @pytest.fixture
    def recipient(self) -> str:
        return "+33601020304"

    @pytest.fixture
    def received(self, endpoint: Any) -> Callable[[], list[str]]:
        return endpoint.texts  # type: ignore[no-any-return]
