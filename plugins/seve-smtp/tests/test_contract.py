"""seve-smtp passes seve's messenger contract, to a real SMTP server and to a maildir."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from pathlib import Path

import pytest

from seve.testing.contract import MessengerContract
from seve_smtp import Mailer


class MailerPlugin:
    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer

    def seve_deliver_message(self, message, key):  # type: ignore[no-untyped-def]
        return self.mailer.deliver(message, key)


class _EmailContract(MessengerContract):
    """The contract on the e-mail channel."""

    @pytest.fixture
    def channel(self) -> str:
        return "email"

    @pytest.fixture
    def recipient(self) -> str:
        return "leila.benali@example.org"


class TestSmtpServer(_EmailContract):
    @pytest.fixture
    def plugin(self, smtp_server) -> MailerPlugin:  # type: ignore[no-untyped-def]
        return MailerPlugin(Mailer(smtp_server.url, sender="seve <seve@jardins.example>"))

    @pytest.fixture
    def received(self, smtp_server) -> Callable[[], list[str]]:  # type: ignore[no-untyped-def]
        return smtp_server.inbox.texts


class TestMaildir(_EmailContract):
    @pytest.fixture
    def plugin(self, tmp_path: Path) -> MailerPlugin:
        return MailerPlugin(Mailer(f"maildir:{tmp_path / 'courriels'}"))

    @pytest.fixture
    def received(self, tmp_path: Path) -> Callable[[], list[str]]:
        def read() -> list[str]:
            texts = []
            for path in sorted((tmp_path / "courriels" / "new").glob("*.eml")):
                message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                body = message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
                texts.append(body.get_content())
            return texts

        return read
