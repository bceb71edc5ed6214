"""seve-ics: seve's calendars as .ics feeds in a directory, one per audience and per
person, for phones and calendar clients to subscribe to.

Register a :class:`IcsFeeds` with the plugins of an application::

    >>> from seve.hooks import Plugins
    >>> from seve_ics import IcsFeeds
    >>> plugins = Plugins()
    >>> plugins.register(IcsFeeds("/var/lib/seve/agendas"), "ics")  # doctest: +SKIP

or install it and set ``SEVE_ICS_DIR``: the entry point ``ics`` (group ``seve``) is
then an :class:`IcsFeeds` writing there.  Without ``SEVE_ICS_DIR`` the entry point
implements no hook and writes nothing: an application never finds feeds where it did
not ask for them.

This module is the plugin; it uses only seve's public API.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Final

from ._feeds import DEFAULT_NAMES, PRODID, Feed, IcsFeeds, IcsFeedsError

__all__ = [
    "DEFAULT_NAMES",
    "ENVIRONMENT",
    "PRODID",
    "Feed",
    "IcsFeeds",
    "IcsFeedsError",
    "NotConfigured",
    "from_environ",
]

__version__ = "0.1.0.dev0"

#: The variable naming the directory of the feeds.
ENVIRONMENT: Final = "SEVE_ICS_DIR"


class NotConfigured:
    """What the entry point gives without ``SEVE_ICS_DIR``: a plugin with no hook."""

    __version__ = __version__

    def __repr__(self) -> str:
        return f"seve-ics ({ENVIRONMENT} non défini : aucun flux écrit)"


def from_environ(
    environ: Mapping[str, str] | None = None,
) -> IcsFeeds | NotConfigured:
    """An :class:`IcsFeeds` writing to ``SEVE_ICS_DIR``, or :class:`NotConfigured`."""
    directory = (os.environ if environ is None else environ).get(ENVIRONMENT)
    return IcsFeeds(directory) if directory else NotConfigured()


def __getattr__(name: str) -> Any:
    """``plugin``, the entry point: read from the environment each time it is loaded."""
    if name == "plugin":
        return from_environ()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
