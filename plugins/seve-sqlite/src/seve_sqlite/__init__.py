"""seve-sqlite: the embedded event store of seve, in one SQLite file.

Install it next to seve and open a store by URL::

    >>> import seve.hooks
    >>> store = seve.hooks.Plugins().open_store("sqlite:///seve.db")  # doctest: +SKIP

URLs (see :func:`parse_url`): ``sqlite:///relative/path.db``,
``sqlite:////absolute/path.db``, or ``sqlite:`` followed by the path as written
(``sqlite:seve.db``, ``sqlite:/var/lib/seve/seve.db``); add ``?synchronous=normal`` to
sync to disk less often.  Any other URL is left to the other storage plugins.

This module is the plugin (entry point ``sqlite`` in the group ``seve``); it uses
only seve's public API.
"""

from __future__ import annotations

from seve.hooks import hookimpl
from seve.storage import Store

from ._store import SCHEMA_VERSION, SqliteStore
from ._url import SqliteStoreError, SqliteUrl, Synchronous, parse_url

__all__ = [
    "SCHEMA_VERSION",
    "SqliteStore",
    "SqliteStoreError",
    "SqliteUrl",
    "Synchronous",
    "parse_url",
    "seve_open_store",
]

__version__ = "0.1.0.dev0"


@hookimpl
def seve_open_store(url: str) -> Store | None:
    """Open ``sqlite:`` URLs; ``None`` for any other.

    :raises SqliteStoreError: a malformed ``sqlite:`` URL, or a file that is not a
        seve store.
    """
    where = parse_url(url)
    if where is None:
        return None
    return SqliteStore(where.path, synchronous=where.synchronous)
