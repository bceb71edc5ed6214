"""No message lost or doubled at the SMTP server when dispatchers die and restart.

Events are recorded in a SQLite store with one message each; dispatcher processes
deliver them to a real aiosmtpd server and are killed (SIGKILL) mid-run, then new
ones take over.  What the server received is compared with the outbox's keys.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from seve.app import Recorder
from seve.effects import Audience, Message, MessageEffect
from seve.hooks import Plugins
from seve.model import (
    PARIS,
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
    StreamId,
)
from seve.storage import OutboxStatus
from seve_smtp import message_id
from seve_sqlite import SqliteStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")

#: The lease of the dispatchers' claims: a killed dispatcher's entry is claimed again
#: once it ends.
LEASE = 0.3

_DISPATCHER = '''
import datetime as dt, os, signal, sys
from seve.app import Dispatcher
from seve.hooks import Plugins
from seve_smtp import Mailer
from seve_sqlite import SqliteStore

db, url, journal, kill_after = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])


class Messenger:
    """seve-smtp, killed right after its n-th delivery when asked: the server has the
    message, the journal too, the outbox entry is not marked done."""

    def __init__(self):
        self.mailer = Mailer(url, sender="seve <seve@jardins.example>", journal=journal)
        self.delivered = 0

    def seve_deliver_message(self, message, key):
        delivery = self.mailer.deliver(message, key)
        self.delivered += 1
        if self.delivered == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return delivery


plugins = Plugins(entry_points=False)
plugins.register(Messenger(), "smtp-test")
store = SqliteStore(db)
print("prêt", flush=True)
report = Dispatcher(
    store, plugins=plugins, lease=dt.timedelta(seconds=float(os.environ["LEASE"]))
).run_until_idle()
print(report.count("delivered"), flush=True)
'''


class Welcome:
    """Plans one e-mail per staff member who joins."""

    def seve_plan_effects(self, event: Event[Any], before: Any, after: Any) -> list[Any]:
        if not isinstance(event.payload, StaffMemberJoined):
            return []
        member = event.payload.member
        message = Message(
            channel="email",
            recipient=f"{member.id}@jardins.example",
            audience=Audience.STAFF,
            subject=f"Bienvenue {member.name}",
            text=f"Bienvenue dans l'équipe, {member.name} !",
        )
        return [MessageEffect(message=message)]


def _record(db: Path, count: int) -> list[str]:
    """Record ``count`` arrivals; the keys of their messages."""
    plugins = Plugins(entry_points=False)
    plugins.register(Welcome(), "bienvenue")
    store = SqliteStore(db, synchronous="normal")
    recorder = Recorder(store, plugins=plugins)
    at = dt.datetime(2025, 3, 3, 9, tzinfo=PARIS)

    def event(n: int, payload: Any) -> Event[Any]:
        return Event(
            id=EventId(f"ev-{n}"),
            stream=StreamId("siae:siae-1"),
            occurred_at=at,
            recorded_at=at,
            recorded_by=StaffId("dir-1"),
            payload=payload,
        )

    siae = Siae(
        id=SiaeId("siae-1"),
        kind=SiaeKind.ACI,
        siret=Siret("73282932000074"),
        name="Les Jardins du Val",
        territory="Rennes",
    )
    recorder.record(event(0, SiaeRegistered(siae=siae)))
    for n in range(1, count + 1):
        member = StaffMember(
            id=StaffId(f"cip-{n}"), siae=siae.id, name=f"CIP {n}", roles={StaffRole.CIP}
        )
        recorder.record(event(n, StaffMemberJoined(member=member)))
    keys = [entry.key for entry in store.outbox()]
    store.close()
    return keys


def _dispatcher(
    tmp_path: Path, db: Path, url: str, *, kill_after: int = 0
) -> subprocess.Popen[str]:
    script = tmp_path / "dispatcher.py"
    script.write_text(_DISPATCHER, encoding="utf-8")
    return subprocess.Popen(
        [
            sys.executable,
            str(script),
            str(db),
            url,
            str(tmp_path / "journal.sqlite"),
            str(kill_after),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "LEASE": str(LEASE)},
    )


def _received_ids(smtp_server: Any) -> Counter[str]:
    return Counter(str(m["Message-ID"]) for m in smtp_server.inbox.received)


def _done(db: Path) -> bool:
    store = SqliteStore(db)
    try:
        return all(e.status is OutboxStatus.DONE for e in store.outbox())
    finally:
        store.close()


def test_a_dispatcher_killed_after_a_delivery_is_replaced_without_a_second_copy(
    smtp_server: Any, tmp_path: Path
) -> None:
    db = tmp_path / "seve.db"
    keys = _record(db, 12)
    killed = _dispatcher(tmp_path, db, smtp_server.url, kill_after=5)
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert len(smtp_server.inbox.received) == 5
    assert not _done(db)  # the fifth entry is still claimed by the dead dispatcher
    time.sleep(LEASE * 1.5)
    successor = _dispatcher(tmp_path, db, smtp_server.url)
    out, _ = successor.communicate(timeout=60)
    assert successor.returncode == 0, out
    assert out.split() == ["prêt", "8"]  # the fifth again (from the journal), then 7 more
    expected = Counter(message_id(key, "jardins.example") for key in keys)
    assert _received_ids(smtp_server) == expected  # each once: nothing lost, nothing doubled
    assert _done(db)


def test_dispatchers_killed_at_random_moments_lose_nothing_and_double_nothing(
    smtp_server: Any, tmp_path: Path
) -> None:
    db = tmp_path / "seve.db"
    keys = _record(db, 40)
    rng = random.Random(8)
    kills = 0
    for _round in range(6):
        dispatcher = _dispatcher(tmp_path, db, smtp_server.url)
        assert dispatcher.stdout is not None
        assert dispatcher.stdout.readline().strip() == "prêt"
        time.sleep(rng.uniform(0.0, 0.15))
        if dispatcher.poll() is None:
            dispatcher.kill()
            kills += 1
        dispatcher.communicate(timeout=60)
        time.sleep(LEASE * 1.5)
        if _done(db):
            break
    final = _dispatcher(tmp_path, db, smtp_server.url)
    final.communicate(timeout=60)
    assert final.returncode == 0
    assert kills >= 1
    received = _received_ids(smtp_server)
    expected = {message_id(key, "jardins.example") for key in keys}
    assert set(received) == expected  # nothing lost
    # a kill in the instant between the server's 250 and the journal's write (a few
    # microseconds) resends the message on restart, with the same Message-ID: at most
    # one extra copy per kill, recognisable as the same message
    extra = sum(received.values()) - len(received)
    assert extra <= kills
    assert _done(db)
