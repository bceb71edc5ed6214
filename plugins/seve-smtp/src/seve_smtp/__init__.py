"""seve-smtp: seve's messages by e-mail, to an SMTP server or a maildir on disk.

Install it next to seve; it delivers the ``email`` channel of the outbox::

    SEVE_SMTP_URL=smtp://127.0.0.1:1025 SEVE_SMTP_FROM="Les Jardins <contact@jardins.example>"

Without ``SEVE_SMTP_URL`` mail is written to the maildir ``./seve-courriels``
(``maildir:PATH`` chooses another): nothing leaves the machine until a server is
configured.  Each message is plain text and HTML with its attachments (an .ics
invitation keeps its METHOD), and its ``Message-ID`` is derived from the
idempotency key.  A host that wants several mailers registers :class:`Mailer`
instances itself.

This module is the plugin (entry point ``smtp`` in the group ``seve``); it uses
only seve's public API.
"""

from __future__ import annotations

import os
import threading

from seve.effects import Delivery, Message
from seve.hooks import hookimpl

from ._mail import build_email, message_id
from ._mailer import (
    DEFAULT_SENDER,
    DEFAULT_URL,
    EMAIL,
    Mailer,
    MailerError,
    MailerUrl,
    Unavailable,
)

__all__ = [
    "DEFAULT_SENDER",
    "DEFAULT_URL",
    "EMAIL",
    "Mailer",
    "MailerError",
    "MailerUrl",
    "Unavailable",
    "build_email",
    "default_mailer",
    "message_id",
    "seve_deliver_message",
]

__version__ = "0.1.0.dev0"

_lock = threading.Lock()
_mailers: dict[tuple[str, str, str], Mailer] = {}


def default_mailer() -> Mailer:
    """The mailer the environment configures (one per configuration, kept)."""
    names = ("SEVE_SMTP_URL", "SEVE_SMTP_FROM", "SEVE_SMTP_JOURNAL")
    config = (
        os.environ.get(names[0], ""),
        os.environ.get(names[1], ""),
        os.environ.get(names[2], ""),
    )
    with _lock:
        mailer = _mailers.get(config)
        if mailer is None:
            mailer = _mailers[config] = Mailer.from_environ(os.environ)
    return mailer


@hookimpl
def seve_deliver_message(message: Message, key: str) -> Delivery | None:
    """Deliver ``email`` messages with the mailer of the environment; ``None`` for
    other channels."""
    if message.channel != EMAIL:
        return None
    return default_mailer().deliver(message, key)
