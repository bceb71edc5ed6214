"""seve-postgres: the PostgreSQL event store of seve, for a federation or a host
application with many users.

Install it next to seve and open a store by URL::

    >>> import seve.hooks
    >>> store = seve.hooks.Plugins().open_store(
    ...     "postgresql://seve@db.example.org/seve?schema=seve"
    ... )  # doctest: +SKIP

URLs are libpq's (``postgresql://`` or ``postgres://``, every libpq option), plus
seve's own ``schema=NAME`` (see :func:`parse_url`).  Any other URL is left to the
other storage plugins.  :mod:`seve_postgres.testing` starts a throwaway server for
tests.

This module is the plugin (entry point ``postgres`` in the group ``seve``); it uses
only seve's public API.
"""

from __future__ import annotations

from seve.hooks import hookimpl
from seve.storage import Store

from ._store import SCHEMA_VERSION, PostgresStore
from ._url import ConnectionLostError, PostgresStoreError, PostgresUrl, parse_url, redacted

__all__ = [
    "SCHEMA_VERSION",
    "ConnectionLostError",
    "PostgresStore",
    "PostgresStoreError",
    "PostgresUrl",
    "parse_url",
    "redacted",
    "seve_open_store",
]

__version__ = "0.1.0.dev0"


@hookimpl
def seve_open_store(url: str) -> Store | None:
    """Open ``postgresql:`` and ``postgres:`` URLs; ``None`` for any other.

    :raises PostgresStoreError: a malformed URL, a server that cannot be reached, or
        a schema that is not a seve store.
    """
    where = parse_url(url)
    if where is None:
        return None
    return PostgresStore(where.conninfo, schema=where.schema)
