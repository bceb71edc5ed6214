"""seve-sqlite passes seve's storage contract suite, across connections too.

The suite runs with ``synchronous=normal``: the promises it checks do not depend on
when SQLite syncs to disk, and syncing at every commit would make the property tests
wait on the disk for a few seconds.  ``test_store.py`` checks that ``full`` is the
default, and ``test_reliability.py`` kills writers of a store opened with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from seve.testing.contract import Capability, StoreContract
from seve_sqlite import SqliteStore


class TestSqliteStore(StoreContract):
    capabilities = frozenset({Capability.CONNECTIONS})

    @pytest.fixture
    def store_factory(self, tmp_path: Path) -> Callable[[], SqliteStore]:
        return lambda: SqliteStore(tmp_path / "seve.db", synchronous="normal")

    @pytest.fixture
    def store(self, store_factory: Callable[[], SqliteStore]) -> Iterator[SqliteStore]:
        store = store_factory()
        yield store
        store.close()
