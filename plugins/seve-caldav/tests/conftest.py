"""A real Radicale server for the tests, started on 127.0.0.1 on a free port, with its
storage in a temporary folder; each test writes as a user of its own."""

from __future__ import annotations

import importlib.util
import itertools
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

_USERS = itertools.count(1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a Radicale server that accepts any user (no authentication).

    Without Radicale (``pip install -e "plugins/seve-caldav[test]"``) the tests that need
    it are skipped, or fail under ``CI=true``: CI must run them.
    """
    if importlib.util.find_spec("radicale") is None:
        message = 'Radicale manque : pip install -e "plugins/seve-caldav[test]"'
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    storage = tmp_path_factory.mktemp("radicale")
    port = _free_port()
    command = [
        sys.executable, "-m", "radicale",
        "--server-hosts", f"127.0.0.1:{port}",
        "--storage-filesystem-folder", str(storage),
        "--auth-type", "none",
        "--auth-delay", "0",  # no delay after the first, unauthenticated, request
        "--rights-type", "owner_only",
        "--logging-level", "warning",
    ]  # fmt: skip
    log = Path(storage) / "radicale.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"Radicale s'est arrêté : {log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Radicale ne répond pas : {log.read_text()}") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def user() -> str:
    """A user of its own for each test: its calendars are its own."""
    return f"seve-{next(_USERS)}"
