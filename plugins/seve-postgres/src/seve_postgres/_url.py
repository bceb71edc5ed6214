"""The ``postgresql:`` URLs seve-postgres opens, and its errors.

A URL is libpq's own (``postgresql://user@host:5432/base?sslmode=require``, or
``postgres://...``): it goes to the server as written, with one exception, seve's
own option ``schema=NAME``, taken out of the URL: the store keeps its tables in that
schema (created if missing) instead of the first schema of the ``search_path``
(``public`` by default).  A password never appears in a message or a ``repr``.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from attrs import frozen

from seve.errors import SeveError

__all__ = [
    "SCHEMES",
    "ConnectionLostError",
    "PostgresStoreError",
    "PostgresUrl",
    "parse_url",
    "redacted",
]

#: The schemes libpq knows, both opened by seve-postgres.
SCHEMES: Final = ("postgresql", "postgres")
#: A schema name seve creates and sets as ``search_path`` without quoting surprises.
_SCHEMA_NAME: Final = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class PostgresStoreError(SeveError):
    """A PostgreSQL store cannot be opened or used.

    :ivar code: machine-readable: ``postgres.url_invalide`` (a malformed URL),
        ``postgres.injoignable`` (no server answers, or it refuses the connection),
        ``postgres.ouverture`` (the server refused to create or read the tables),
        ``postgres.base_etrangere`` (the schema holds another application's tables),
        ``postgres.schema_inconnu`` (a seve schema of another version),
        ``postgres.connexion_perdue`` (:class:`ConnectionLostError`).
    """

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class ConnectionLostError(PostgresStoreError):
    """The connection to the server was lost during a call (the server stopped, a
    network cut, an administrator ended the session).

    A write is one transaction, so it is wholly there or wholly absent; when the
    connection broke while the server was committing, the client cannot know which:
    read the stream again.  The store reconnects at its next call.
    """

    def __init__(self, where: str, doing: str, error: str) -> None:
        super().__init__(
            "postgres.connexion_perdue",
            f"connexion perdue avec le serveur PostgreSQL {where} pendant {doing} ({error}) : "
            "l'écriture est entière ou absente, jamais à moitié ; relisez le flux avant de "
            "recommencer (le stockage se reconnecte au prochain appel)",
        )


@frozen(kw_only=True)
class PostgresUrl:
    """What a ``postgresql:`` URL says.

    :param conninfo: the URL libpq receives (without seve's ``schema`` option).
    :param schema: the schema of seve's tables, or ``None`` for the first schema of
        the connection's ``search_path``.
    """

    conninfo: str
    schema: str | None = None


def redacted(url: str) -> str:
    """``url`` with its password, if any, replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user, _, host = parts.netloc.rpartition("@")
    name = user.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{name}:***@{host}"))


def parse_url(url: str) -> PostgresUrl | None:
    """The connection and schema named by ``url``; ``None`` if it is not a
    ``postgresql:`` (or ``postgres:``) URL.

    :raises PostgresStoreError: ``postgres.url_invalide``: the URL does not start
        with ``//``, gives ``schema`` twice or an invalid schema name.
    """
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        return None
    if not url.startswith(f"{parts.scheme}://"):
        raise PostgresStoreError(
            "postgres.url_invalide",
            f"{redacted(url)!r} : une URL PostgreSQL s'écrit postgresql://utilisateur@hôte/base",
        )
    query = parse_qsl(parts.query, keep_blank_values=True)
    schemas = [value for name, value in query if name == "schema"]
    if not schemas:
        return PostgresUrl(conninfo=url)
    if len(schemas) > 1 or not _SCHEMA_NAME.fullmatch(schemas[0]):
        raise PostgresStoreError(
            "postgres.url_invalide",
            f"{redacted(url)!r} : schema vaut un seul nom en minuscules, chiffres et _ "
            f"(63 caractères au plus), pas {', '.join(map(repr, schemas))}",
        )
    rest = urlencode([(name, value) for name, value in query if name != "schema"])
    base = url.partition("?")[0]  # not urlunsplit: it drops the // of postgresql:///base
    return PostgresUrl(conninfo=f"{base}?{rest}" if rest else base, schema=schemas[0])
