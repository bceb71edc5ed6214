"""The delivery journal of messaging plugins: what was sent under which key.

The dispatcher delivers at least once: a dispatcher that dies after a plugin sent a
message, but before the outbox entry is marked done, leaves the entry to be
delivered again under the same idempotency key.  A plugin that writes down each key
it sent, as soon as the channel accepted the message, answers the second call from
its journal instead of sending again.  The journal is a small SQLite file (WAL),
shared by every process and thread of a host.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import msgspec

from ..effects import Delivery

__all__ = ["DeliveryJournal"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    key TEXT PRIMARY KEY,
    delivery BLOB NOT NULL
)
"""
_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(Delivery)


class DeliveryJournal:
    """Deliveries by idempotency key, kept in a SQLite file (or in memory).

    :param path: the journal's file; ``None``: in memory, for this process only
        (a restarted dispatcher may then send a message a second time).
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = None if path is None else Path(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            ":memory:" if self.path is None else self.path,
            timeout=30,
            isolation_level=None,
            check_same_thread=False,
        )
        if self.path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
            # a killed process loses no committed write in WAL mode even without a
            # sync per commit; a power cut may lose the last ones (a message may then
            # go twice, with the same Message-ID): the window stays as short as it can
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def get(self, key: str) -> Delivery | None:
        """The delivery written down for ``key``, if any."""
        with self._lock:
            row = self._db.execute(
                "SELECT delivery FROM deliveries WHERE key = ?", (key,)
            ).fetchone()
        return None if row is None else _DECODER.decode(row[0])

    def put(self, key: str, delivery: Delivery) -> None:
        """Write down ``delivery`` for ``key`` (the first one stays)."""
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO deliveries (key, delivery) VALUES (?, ?)",
                (key, _ENCODER.encode(delivery)),
            )

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT count(*) FROM deliveries").fetchone()
        return int(count)

    def close(self) -> None:
        with self._lock:
            self._db.close()
