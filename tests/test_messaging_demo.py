"""``seve demo`` sends its reminders and offer broadcasts: to a maildir by default, to
a real SMTP server when ``SEVE_SMTP_URL`` names one."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("seve_smtp", reason="the demo's e-mail goes through plugins/seve-smtp")
from aiosmtpd.controller import Controller


class _Inbox:
    def __init__(self) -> None:
        self.received: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(message)  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[_Inbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _demo(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SEVE_")}
    return subprocess.run(
        [sys.executable, "-m", "seve", "demo"],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={**environ, **env},
    )


def test_the_demo_sends_its_reminders_and_offers_to_a_local_smtp_server(
    smtp: tuple[_Inbox, int], tmp_path: Path
) -> None:
    inbox, port = smtp
    result = _demo(tmp_path, SEVE_SMTP_URL=f"smtp://127.0.0.1:{port}")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    (planned,) = [line for line in lines if line.startswith("Messages de la semaine du ")]
    (sent,) = [line for line in lines if line.startswith("  remis : ")]
    assert sent.endswith(f"accepté par le serveur 127.0.0.1:{port}")
    subjects = [str(m["Subject"]) for m in inbox.received]
    assert int(sent.split()[2].rstrip(",")) == len(subjects) > 0
    assert any(s.startswith("Offre d'emploi : ") for s in subjects)
    assert any(s.startswith("PMSMP : ") for s in subjects)  # to tutors
    assert any(s.startswith("Rappel : votre PMSMP chez ") for s in subjects)
    assert "offres diffusées" in planned
    assert not (tmp_path / "seve-courriels").exists()


def test_without_a_server_the_demo_writes_a_maildir_and_says_where(tmp_path: Path) -> None:
    first = _demo(tmp_path)
    assert first.returncode == 0, first.stderr
    maildir = tmp_path / "seve-courriels" / "new"
    written = sorted(maildir.iterdir())
    assert written
    assert f"écrits dans {maildir} (maildir" in first.stdout
    again = _demo(tmp_path)  # same keys: the same files, nothing doubled
    assert again.stdout == first.stdout
    assert sorted(maildir.iterdir()) == written
