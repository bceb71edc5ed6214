"""In-memory calendar and messaging plugins: the reference receivers.

They keep what they are given, honour idempotency keys, and can be told to fail,
so a host application can test its effect planning and its dispatcher set-up
without a server, and the calendar and messenger contract suites have a reference
to run against (as :class:`~seve.storage.MemoryStore` is for stores).

>>> from seve.hooks import Plugins
>>> plugins = Plugins(entry_points=False)
>>> calendar = MemoryCalendar()
>>> plugins.register(calendar, "calendrier")
'calendrier'
"""

from __future__ import annotations

from collections.abc import Iterable

from ..effects import CalendarEntry, Delivery, DeliveryStatus, Message
from ..hooks import hookimpl

__all__ = ["MemoryCalendar", "MemoryMessenger", "Unavailable"]


class Unavailable(ConnectionError):
    """Raised by a receiver told to fail: the dispatcher retries."""


class _Flaky:
    def __init__(self) -> None:
        self.failures = 0
        self.calls = 0

    def _attempt(self) -> None:
        self.calls += 1
        if self.failures:
            self.failures -= 1
            raise Unavailable("service indisponible (panne simulée)")


class MemoryCalendar(_Flaky):
    """A calendar plugin that keeps entries per calendar and per UID.

    :ivar calendars: ``{calendar: {uid: entry}}``, cancelled entries included.
    :ivar failures: how many of the next calls raise :class:`Unavailable`.
    :ivar calls: how many calls it received (repeats included).
    """

    def __init__(self) -> None:
        super().__init__()
        self.calendars: dict[str, dict[str, CalendarEntry]] = {}
        self.keys: set[str] = set()

    def _keep(self, entry: CalendarEntry, key: str) -> None:
        self._attempt()
        if key not in self.keys:
            self.calendars.setdefault(entry.calendar, {})[entry.uid] = entry
            self.keys.add(key)

    @hookimpl
    def seve_calendar_publish(self, entry: CalendarEntry, key: str) -> None:
        self._keep(entry, key)

    @hookimpl
    def seve_calendar_update(self, entry: CalendarEntry, key: str) -> None:
        self._keep(entry, key)

    @hookimpl
    def seve_calendar_cancel(self, entry: CalendarEntry, key: str) -> None:
        self._keep(entry, key)

    def published(self, calendar: str) -> dict[str, str]:
        """The entries of ``calendar`` as rendered iCalendar text, by UID."""
        return {uid: entry.ical for uid, entry in self.calendars.get(calendar, {}).items()}


class MemoryMessenger(_Flaky):
    """A messaging plugin for some channels that keeps every message once per key.

    :param channels: the channels it delivers (default: e-mail and SMS).
    :ivar sent: ``{key: message}`` in the order they came.
    """

    def __init__(self, channels: Iterable[str] = ("email", "sms")) -> None:
        super().__init__()
        self.channels = frozenset(channels)
        self.sent: dict[str, Message] = {}

    @hookimpl
    def seve_deliver_message(self, message: Message, key: str) -> Delivery | None:
        if message.channel not in self.channels:
            return None
        self._attempt()
        self.sent.setdefault(key, message)
        return Delivery(status=DeliveryStatus.SENT, detail="gardé en mémoire", reference=key)

    def received(self) -> list[Message]:
        """The messages delivered, each once, in order."""
        return list(self.sent.values())
