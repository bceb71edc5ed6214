"""The ``sqlite:`` URLs seve-sqlite opens.

Two spellings, both with an optional ``?synchronous=full|normal``:

- ``sqlite:///PATH``, as in SQLAlchemy: the path is what follows the third slash, so
  ``sqlite:///seve.db`` is relative to the working directory and
  ``sqlite:////var/lib/seve/seve.db`` (four slashes) is absolute;
- ``sqlite:PATH``, the path as written: ``sqlite:seve.db``, ``sqlite:/var/lib/seve/seve.db``.

Special characters in the path are percent-encoded (``%3F`` for ``?``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from attrs import frozen

from seve.errors import SeveError

__all__ = ["SCHEME", "SqliteStoreError", "SqliteUrl", "Synchronous", "parse_url"]

SCHEME: Final = "sqlite"

#: ``PRAGMA synchronous``: ``full`` syncs the WAL to disk at every commit.
Synchronous = Literal["full", "normal"]
_SYNCHRONOUS: Final[dict[str, Synchronous]] = {"full": "full", "normal": "normal"}


class SqliteStoreError(SeveError):
    """A SQLite store cannot be opened: a bad URL, a file that is not a seve store,
    or a schema this version does not know."""


@frozen(kw_only=True)
class SqliteUrl:
    """What a ``sqlite:`` URL says: the database file and how hard to sync it."""

    path: Path
    synchronous: Synchronous = "full"


def parse_url(url: str) -> SqliteUrl | None:
    """The file and options named by ``url``; ``None`` if it is not a ``sqlite:`` URL.

    :raises SqliteStoreError: a ``sqlite:`` URL that names no file, names a host,
        or has an unknown option.
    """
    parts = urlsplit(url)
    if parts.scheme != SCHEME:
        return None
    if parts.netloc:
        raise SqliteStoreError(
            f"{url!r} : une base SQLite est un fichier local, pas un hôte ({parts.netloc}) ; "
            "écrivez sqlite:///chemin/relatif.db ou sqlite:////chemin/absolu.db"
        )
    # urlsplit keeps one slash of "sqlite:///x" in the path: the third slash is the separator
    path = parts.path[1:] if url.startswith(f"{SCHEME}:///") else parts.path
    if not path:
        raise SqliteStoreError(f"{url!r} : il manque le chemin du fichier de la base")
    options = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(options) - {"synchronous"})
    if unknown:
        raise SqliteStoreError(
            f"{url!r} : option inconnue {', '.join(unknown)} (seule synchronous est permise)"
        )
    asked = options.get("synchronous", ["full"])[-1]
    synchronous = _SYNCHRONOUS.get(asked.lower())
    if synchronous is None:
        raise SqliteStoreError(f"{url!r} : synchronous vaut full ou normal, pas {asked!r}")
    return SqliteUrl(path=Path(unquote(path)), synchronous=synchronous)
