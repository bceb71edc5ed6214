"""seve-postgres passes seve's storage contract suite, across connections too.

Each test gets a schema of its own on the session's throwaway server (see
``conftest.py``); ``store_factory`` opens other connections to the same schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from seve.testing.contract import Capability, StoreContract
from seve_postgres import PostgresStore


class TestPostgresStore(StoreContract):
    capabilities = frozenset({Capability.CONNECTIONS})

    @pytest.fixture
    def store_factory(self, schema_url: str) -> Callable[[], PostgresStore]:
        return lambda: PostgresStore(schema_url)

    @pytest.fixture
    def store(self, store_factory: Callable[[], PostgresStore]) -> Iterator[PostgresStore]:
        store = store_factory()
        yield store
        store.close()
