"""The mailer: an SMTP server or a maildir on disk, by URL."""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Final, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from attrs import frozen

from seve.app import DeliveryJournal
from seve.effects import Delivery, DeliveryStatus, Message
from seve.errors import SeveError

from ._mail import build_email

__all__ = ["DEFAULT_SENDER", "DEFAULT_URL", "EMAIL", "Mailer", "MailerError", "MailerUrl"]

#: The channel this plugin delivers.
EMAIL: Final = "email"
#: Where mail goes when ``SEVE_SMTP_URL`` is not set: a maildir in the working
#: directory; nothing leaves the machine until a server is configured.
DEFAULT_URL: Final = "maildir:seve-courriels"
DEFAULT_SENDER: Final = "seve <seve@localhost>"
#: Temporary failures per RFC 5321 (4yz): the dispatcher retries.
_TEMPORARY: Final = range(400, 500)


class MailerError(SeveError):
    """A mailer URL seve-smtp cannot use.

    :ivar code: ``smtp.url_invalide``.
    """

    code = "smtp.url_invalide"


class Unavailable(ConnectionError):
    """The server cannot take the message now (down, busy, 4yz): retry later."""


@frozen(kw_only=True)
class MailerUrl:
    """Where mail goes.

    :param kind: ``"smtp"`` (plain, or STARTTLS when ``starttls``), ``"smtps"``
        (TLS from the start) or ``"maildir"`` (files on disk).
    """

    kind: Literal["smtp", "smtps", "maildir"]
    host: str = ""
    port: int = 0
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    path: Path | None = None

    @classmethod
    def parse(cls, url: str) -> MailerUrl:
        """``smtp://[user:password@]host[:port][?starttls=1]``, ``smtps://...``, or
        ``maildir:PATH`` (``maildir:///absolute/path`` too).

        :raises MailerError: any other URL.
        """
        scheme, _, rest = url.partition(":")
        if scheme == "maildir":
            path = rest[2:] if rest.startswith("//") else rest
            if not path:
                raise MailerError(f"URL {url!r} : le chemin du maildir manque")
            return cls(kind="maildir", path=Path(unquote(path)))
        if scheme not in ("smtp", "smtps"):
            raise MailerError(
                f"URL {url!r} : attendu smtp://hôte:port, smtps://hôte:port ou maildir:CHEMIN"
            )
        parts = urlsplit(url)
        if not parts.hostname:
            raise MailerError(f"URL {url!r} : l'hôte du serveur SMTP manque")
        try:
            port = parts.port or (465 if scheme == "smtps" else 25)
        except ValueError:
            raise MailerError(f"URL {url!r} : port invalide") from None
        options = parse_qs(parts.query)
        return cls(
            kind="smtps" if scheme == "smtps" else "smtp",
            host=parts.hostname,
            port=port,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=options.get("starttls", ["0"])[-1] in ("1", "true", "oui"),
        )

    def __str__(self) -> str:
        """Where, without the password."""
        if self.kind == "maildir":
            return f"le maildir {self.path}"
        return f"le serveur {self.host}:{self.port}"


class Mailer:
    """Delivers e-mail messages to an SMTP server or a maildir, once per key.

    :param url: see :meth:`MailerUrl.parse`.
    :param sender: the ``From`` of every message (``"Les Jardins du Val
        <contact@jardins.example>"``); its domain ends every Message-ID.
    :param journal: where the keys already sent to an SMTP server are written down
        (see :class:`seve.app.DeliveryJournal`); ``None``: in memory.  A maildir
        needs none: a key always writes the same file.
    :param timeout: seconds to wait for the server.
    """

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        sender: str = DEFAULT_SENDER,
        journal: str | Path | None = None,
        timeout: float = 20.0,
    ) -> None:
        self.url = MailerUrl.parse(url)
        self.sender = sender
        self.timeout = timeout
        self.journal = DeliveryJournal(journal)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Mailer:
        """The mailer ``SEVE_SMTP_URL``, ``SEVE_SMTP_FROM`` and ``SEVE_SMTP_JOURNAL`` say."""
        return cls(
            environ.get("SEVE_SMTP_URL") or DEFAULT_URL,
            sender=environ.get("SEVE_SMTP_FROM") or DEFAULT_SENDER,
            journal=environ.get("SEVE_SMTP_JOURNAL") or None,
        )

    def deliver(self, message: Message, key: str) -> Delivery | None:
        """Deliver ``message`` (``None`` if it is not an e-mail).

        :raises Unavailable: the server cannot take it now; the dispatcher retries.
        """
        if message.channel != EMAIL:
            return None
        if self.url.kind == "maildir":
            return self._to_maildir(message, key)
        known = self.journal.get(key)
        if known is not None:
            return known
        return self._to_server(message, key)

    def _to_maildir(self, message: Message, key: str) -> Delivery:
        assert self.url.path is not None
        root = self.url.path.resolve()
        name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40] + ".eml"
        final = root / "new" / name
        mail = build_email(message, key=key, sender=self.sender)
        if not final.exists():
            for sub in ("tmp", "new", "cur"):
                (root / sub).mkdir(parents=True, exist_ok=True)
            temporary = root / "tmp" / f"{name}.{os.getpid()}.{threading.get_ident()}"
            with temporary.open("wb") as fp:
                fp.write(mail.as_bytes())
                fp.flush()
                os.fsync(fp.fileno())
            os.replace(temporary, final)  # atomic: a reader never sees half a message
        return Delivery(
            status=DeliveryStatus.SENT,
            detail=f"écrit dans {final}",
            reference=str(mail["Message-ID"]),
        )

    def _to_server(self, message: Message, key: str) -> Delivery:
        url = self.url
        mail = build_email(message, key=key, sender=self.sender)
        try:
            if url.kind == "smtps":
                context = ssl.create_default_context()
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    url.host, url.port, timeout=self.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(url.host, url.port, timeout=self.timeout)
            with smtp:
                if url.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if url.user is not None:
                    smtp.login(url.user, url.password or "")
                smtp.send_message(mail, to_addrs=[message.recipient])
                # written down at once, before QUIT: a dispatcher killed from now on
                # finds the key in the journal and does not send again
                delivery = Delivery(
                    status=DeliveryStatus.SENT,
                    detail=f"accepté par {url}",
                    reference=str(mail["Message-ID"]),
                )
                self.journal.put(key, delivery)
        except smtplib.SMTPRecipientsRefused as refused:
            code, reason = next(iter(refused.recipients.values()))
            return self._refused(key, _answer(code, reason, url))
        except smtplib.SMTPResponseException as failed:
            return self._refused(key, _answer(failed.smtp_code, failed.smtp_error, url))
        except (OSError, smtplib.SMTPException) as exc:
            if self.journal.get(key) is not None:  # sent: only the goodbye failed
                return delivery
            raise Unavailable(f"{url} est injoignable : {type(exc).__name__}: {exc}") from exc
        return delivery

    def _refused(self, key: str, delivery: Delivery) -> Delivery:
        self.journal.put(key, delivery)
        return delivery


def _answer(code: int, reason: bytes | str, url: MailerUrl) -> Delivery:
    said = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else reason
    if code in _TEMPORARY:
        raise Unavailable(f"{url} diffère le message ({code} {said})")
    return Delivery(
        status=DeliveryStatus.REFUSED, detail=f"{url} refuse le message : {code} {said}"
    )
