"""Storage: the :class:`Store` protocol that storage plugins implement, and the
in-memory reference store.

seve's core never opens a database: a host application opens a store with
:func:`seve.hooks.open_store` (``"memory:"``, ``"sqlite:///path/to/seve.db"``, or
any URL a storage plugin knows) and hands it to the recording service
(:class:`seve.app.Recorder`).  The promises every store keeps are listed in
``docs/plugins.md`` and checked by :class:`seve.testing.contract.StoreContract`.
"""

from ._memory import MemoryStore
from ._store import (
    ConcurrencyError,
    NewEvent,
    OutboxEntry,
    OutboxStatus,
    Store,
    StoreClosedError,
    StoredEvent,
    duplicate_event,
    duplicate_key,
    first_duplicate,
    numbered,
    outbox_entry,
    paged,
    stored_event,
)

__all__ = [
    "ConcurrencyError",
    "MemoryStore",
    "NewEvent",
    "OutboxEntry",
    "OutboxStatus",
    "Store",
    "StoreClosedError",
    "StoredEvent",
    "duplicate_event",
    "duplicate_key",
    "first_duplicate",
    "numbered",
    "outbox_entry",
    "paged",
    "stored_event",
]
