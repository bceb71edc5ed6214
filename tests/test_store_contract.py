"""The in-memory store passes the storage contract suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from seve.storage import MemoryStore
from seve.testing.contract import StoreContract


class TestMemoryStore(StoreContract):
    @pytest.fixture
    def store(self) -> Iterator[MemoryStore]:
        store = MemoryStore()
        yield store
        store.close()
