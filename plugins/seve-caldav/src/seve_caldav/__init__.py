"""seve-caldav: seve's calendars on a CalDAV server (Nextcloud, SOGo, Radicale,
Baïkal, Fastmail...), one calendar per person and audience.

Register a :class:`CaldavCalendars` with the plugins of an application::

    >>> from seve.hooks import Plugins
    >>> from seve_caldav import CaldavCalendars
    >>> plugins = Plugins()
    >>> calendars = CaldavCalendars("https://agenda.example.org/dav/", username="seve")
    >>> plugins.register(calendars, "caldav")  # doctest: +SKIP

or install it and set ``SEVE_CALDAV_URL`` (and ``SEVE_CALDAV_USER``,
``SEVE_CALDAV_PASSWORD``): the entry point ``caldav`` (group ``seve``) is then a
:class:`CaldavCalendars` for that server.  Without ``SEVE_CALDAV_URL`` the entry point
implements no hook.

This module is the plugin; it uses only seve's public API.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Final

from ._calendars import (
    DEFAULT_NAMES,
    CaldavCalendars,
    CaldavError,
    collection_id,
    resource_name,
)

__all__ = [
    "DEFAULT_NAMES",
    "ENVIRONMENT",
    "CaldavCalendars",
    "CaldavError",
    "NotConfigured",
    "collection_id",
    "from_environ",
    "resource_name",
]

__version__ = "0.1.0.dev0"

#: The variables that configure the entry point.
ENVIRONMENT: Final = ("SEVE_CALDAV_URL", "SEVE_CALDAV_USER", "SEVE_CALDAV_PASSWORD")


class NotConfigured:
    """What the entry point gives without ``SEVE_CALDAV_URL``: a plugin with no hook."""

    __version__ = __version__

    def __repr__(self) -> str:
        return "seve-caldav (SEVE_CALDAV_URL non défini : aucun agenda publié)"


def from_environ(environ: Mapping[str, str] | None = None) -> CaldavCalendars | NotConfigured:
    """A :class:`CaldavCalendars` for ``SEVE_CALDAV_URL``, or :class:`NotConfigured`."""
    env = os.environ if environ is None else environ
    url, user, password = (env.get(name) for name in ENVIRONMENT)
    if not url:
        return NotConfigured()
    return CaldavCalendars(url, username=user or None, password=password or None)


def __getattr__(name: str) -> Any:
    """``plugin``, the entry point: read from the environment each time it is loaded."""
    if name == "plugin":
        return from_environ()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
