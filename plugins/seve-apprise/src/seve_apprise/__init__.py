"""seve-apprise: seve's messages by SMS, WhatsApp, Signal, Telegram, Slack... through
Apprise.

Install it next to seve and give one Apprise URL per channel, with ``{recipient}``
where the recipient's address goes::

    SEVE_APPRISE_SMS="twilio://SID:TOKEN@+33100000000/{recipient}"
    SEVE_APPRISE_SIGNAL="signal://localhost:8080/+33100000000/{recipient}"
    SEVE_APPRISE_JOURNAL=/var/lib/seve/apprise-journal.sqlite

A channel without a route is left to the other messaging plugins.  A host that
keeps its routes elsewhere registers an :class:`AppriseMessenger` itself.

This module is the plugin (entry point ``apprise`` in the group ``seve``); it uses
only seve's public API.
"""

from __future__ import annotations

import os
import threading

from seve.effects import Delivery, Message
from seve.hooks import hookimpl

from ._messenger import (
    RECIPIENT,
    AppriseError,
    AppriseMessenger,
    Unavailable,
    routes_from_environ,
)

__all__ = [
    "RECIPIENT",
    "AppriseError",
    "AppriseMessenger",
    "Unavailable",
    "default_messenger",
    "routes_from_environ",
    "seve_deliver_message",
]

__version__ = "0.1.0.dev0"

_lock = threading.Lock()
_messengers: dict[tuple[tuple[str, str], ...], AppriseMessenger] = {}


def default_messenger() -> AppriseMessenger:
    """The messenger the environment configures (one per configuration, kept)."""
    routes = routes_from_environ(os.environ)
    journal = os.environ.get("SEVE_APPRISE_JOURNAL") or None
    config = (*sorted(routes.items()), ("", journal or ""))
    with _lock:
        messenger = _messengers.get(config)
        if messenger is None:
            messenger = _messengers[config] = AppriseMessenger(routes, journal=journal)
    return messenger


@hookimpl
def seve_deliver_message(message: Message, key: str) -> Delivery | None:
    """Deliver the channels ``SEVE_APPRISE_<CHANNEL>`` routes; ``None`` for others."""
    if f"SEVE_APPRISE_{message.channel.upper()}" not in os.environ:
        return None
    return default_messenger().deliver(message, key)
