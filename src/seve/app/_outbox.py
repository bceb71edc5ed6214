"""Outbox entries: what the recording service writes with an event, and how the
dispatcher reads them back."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import msgspec

from ..effects import CalendarAction, CalendarEffect, CalendarEntry, Effect, Message
from ..model import Event
from ..serialization import decode_event, encode_event
from ..storage import OutboxEntry

__all__ = ["COMMITTED", "DELIVER", "MESSAGING", "argument", "entries_for"]

#: The hook observers implement.
COMMITTED: Final = "seve_event_committed"
#: The hook messaging plugins implement, and the target of message entries.
DELIVER: Final = "seve_deliver_message"
MESSAGING: Final = "messaging"

_ENCODER: Final = msgspec.json.Encoder(order="deterministic")
_CALENDAR: Final = msgspec.json.Decoder(CalendarEntry)
_MESSAGE: Final = msgspec.json.Decoder(Message)


def entries_for(
    event: Event[Any],
    effects: list[Effect],
    *,
    calendars: dict[CalendarAction, list[str]],
    observers: list[str],
    due_at: dt.datetime,
) -> list[OutboxEntry]:
    """The outbox entries of one event: its effects, then one per observer.

    Keys are derived from the event id, the effect's rank and the target, so the
    same event always schedules the same keys.
    A message is due at ``due_at``, or at its effect's ``not_before`` if later.
    """
    entries = []

    def add(
        rank: int | str, target: str, hook: str, data: bytes, not_before: dt.datetime | None = None
    ) -> None:
        entries.append(
            OutboxEntry(
                key=f"{event.id}/{rank}/{target}",
                stream=event.stream,
                event_id=event.id,
                target=target,
                hook=hook,
                data=data,
                due_at=due_at if not_before is None else max(due_at, not_before),
            )
        )

    for rank, effect in enumerate(effects):
        if isinstance(effect, CalendarEffect):
            data = _ENCODER.encode(effect.entry)
            for plugin in calendars[effect.action]:
                add(rank, plugin, effect.action.hook, data)
        else:
            add(rank, MESSAGING, DELIVER, _ENCODER.encode(effect.message), effect.not_before)
    if observers:
        line = encode_event(event)
        for plugin in observers:
            add("committed", plugin, COMMITTED, line)
    return entries


def argument(entry: OutboxEntry) -> tuple[str, Any]:
    """The name and value of the hook argument an entry carries."""
    if entry.hook == COMMITTED:
        return "event", decode_event(entry.data)
    if entry.hook == DELIVER:
        return "message", _MESSAGE.decode(entry.data)
    return "entry", _CALENDAR.decode(entry.data)
