"""One throwaway PostgreSQL server for the whole test session, and a new schema for
each store.

The server comes from Debian's ``postgresql`` package (``scripts/test.sh`` installs it
on CI when it is missing).  Without it the tests are skipped, except under ``CI=true``,
where they fail: CI must prove the store against a real server.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from seve_postgres.testing import ServerNotFoundError, find_bindir, throwaway_cluster

_SCHEMAS = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """``postgresql://seve@127.0.0.1:PORT/seve``: a server started for this session."""
    try:
        find_bindir()
    except ServerNotFoundError as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true : {missing}", pytrace=False)
        pytest.skip(str(missing))
    with throwaway_cluster() as url:
        yield url


@pytest.fixture
def schema_url(postgres_url: str) -> str:
    """The server's URL with a schema of its own (``?schema=t<n>``): an empty store."""
    return f"{postgres_url}?schema=t{next(_SCHEMAS)}"
