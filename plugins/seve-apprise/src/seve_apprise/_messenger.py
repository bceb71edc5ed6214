"""Messages through Apprise: one URL template per channel, one notification per
recipient, and a delivery in seve's terms."""

from __future__ import annotations

import logging
import re
import tempfile
import threading
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Final
from urllib.parse import quote

import apprise

from seve.app import DeliveryJournal
from seve.effects import Delivery, DeliveryStatus, Message
from seve.errors import SeveError

__all__ = ["RECIPIENT", "AppriseError", "AppriseMessenger", "Unavailable", "routes_from_environ"]

#: The placeholder of the recipient's address in a route's URL.
RECIPIENT: Final = "{recipient}"
_PREFIX: Final = "SEVE_APPRISE_"
_HTTP_STATUS: Final = re.compile(r"error=(\d{3})")
#: HTTP statuses that mean "try again later", not "never": timeout, too early, too many.
_RETRY: Final = frozenset({408, 425, 429})
#: Apprise logs to one logger for every thread: deliveries take turns to read it.
_CAPTURE: Final = threading.Lock()


class AppriseError(SeveError):
    """A route seve-apprise cannot use.

    :ivar code: ``apprise.route_invalide``.
    """

    code = "apprise.route_invalide"


class Unavailable(ConnectionError):
    """The service cannot take the message now (down, 5xx, rate limited): retry later."""


def routes_from_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """The routes ``SEVE_APPRISE_<CHANNEL>=URL`` give: ``SEVE_APPRISE_SMS`` for
    ``sms``, ``SEVE_APPRISE_WHATSAPP`` for ``whatsapp``..."""
    return {
        name.removeprefix(_PREFIX).lower(): url
        for name, url in environ.items()
        if name.startswith(_PREFIX) and name != f"{_PREFIX}JOURNAL" and url
    }


class AppriseMessenger:
    """Delivers messages through Apprise, one route per channel.

    A route is an Apprise URL with the placeholder ``{recipient}`` where the
    recipient's address goes: ``twilio://SID:TOKEN@+33100000000/{recipient}`` for
    ``sms``, ``signal://localhost:8080/+33100000000/{recipient}`` for ``signal``,
    ``json://localhost:8000/notify/{recipient}`` for a host's own gateway.  Each
    message has one recipient, so each gets its own :class:`~seve.effects.Delivery`:

    - ``accepted`` when the service took it (Apprise says no more: delivery to the
      phone is the service's business);
    - ``refused`` when the service answered a client error (HTTP 4xx but 408, 425 and
      429: an unknown number, a bad token): final, the entry is dead-lettered with
      the service's words;
    - :class:`Unavailable` is raised otherwise (5xx, 408/425/429, no answer): the
      dispatcher retries.

    :param routes: the URL template of each channel.
    :param journal: the keys already delivered (see :class:`seve.app.DeliveryJournal`).
    """

    def __init__(self, routes: Mapping[str, str], *, journal: str | Path | None = None) -> None:
        invalid = sorted(channel for channel, url in routes.items() if RECIPIENT not in url)
        if invalid:
            raise AppriseError(
                f"routes sans {RECIPIENT} : {', '.join(invalid)} (l'adresse du destinataire "
                "doit y trouver sa place)"
            )
        self.routes = dict(routes)
        self.journal = DeliveryJournal(journal)

    @property
    def channels(self) -> frozenset[str]:
        return frozenset(self.routes)

    def deliver(self, message: Message, key: str) -> Delivery | None:
        """Deliver ``message`` (``None`` when no route takes its channel).

        :raises Unavailable: the service cannot take it now.
        """
        route = self.routes.get(message.channel)
        if route is None:
            return None
        known = self.journal.get(key)
        if known is not None:
            return known
        delivery = self._notify(message, route)
        self.journal.put(key, delivery)
        return delivery

    def _notify(self, message: Message, route: str) -> Delivery:
        with _CAPTURE:
            return self._notify_alone(message, route)

    def _notify_alone(self, message: Message, route: str) -> Delivery:
        notifier = apprise.Apprise()
        with warnings.catch_warnings():
            # Apprise loads its services on first use; one of them imports imghdr,
            # deprecated since Python 3.11: not seve's warning to give
            warnings.filterwarnings("ignore", "'imghdr' is deprecated", DeprecationWarning)
            added = notifier.add(route.replace(RECIPIENT, quote(message.recipient, safe="+@")))
        if not added:
            return Delivery(
                status=DeliveryStatus.REFUSED,
                detail=f"Apprise ne reconnaît pas la route du canal {message.channel}",
            )
        service = str(getattr(notifier[0], "service_name", message.channel))
        with tempfile.TemporaryDirectory(prefix="seve-apprise-") as folder:
            attachments = apprise.AppriseAttachment()
            for n, attachment in enumerate(message.attachments):
                path = Path(folder) / f"{n}-{Path(attachment.filename).name}"
                path.write_bytes(attachment.content)
                attachments.add(str(path))
            with apprise.LogCapture(level=logging.WARNING) as log:  # type: ignore[no-untyped-call]
                sent = notifier.notify(
                    title=message.subject,
                    body=message.text,
                    attach=attachments if message.attachments else None,
                )
                said = log.getvalue().strip()
        if sent:
            return Delivery(status=DeliveryStatus.ACCEPTED, detail=f"accepté par {service}")
        last = said.splitlines()[-1] if said else "aucune réponse"
        statuses = [int(code) for code in _HTTP_STATUS.findall(said)]
        if statuses and 400 <= statuses[-1] < 500 and statuses[-1] not in _RETRY:
            return Delivery(status=DeliveryStatus.REFUSED, detail=f"{service} refuse : {last}")
        raise Unavailable(f"{service} n'a pas pris le message : {last}")
