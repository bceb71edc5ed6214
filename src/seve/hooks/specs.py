# mypy: disable-error-code="empty-body"
"""Every hook a seve plugin may implement: the one place they are specified.

A plugin is a module (or any object) with functions named after these hooks,
marked with :data:`seve.hooks.hookimpl`, published under the entry-point group
``seve``.  Each hook below says what it receives, what it returns, and when seve
calls it.  ``docs/plugins.md`` shows every hook with this exact signature.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from ..effects import CalendarEntry, Delivery, Effect, Message
    from ..indicators import Indicator
    from ..model import Event, StreamKind
    from ..privacy import Erasure
    from ..rules import Rule
    from ..storage import Store

hookspec = pluggy.HookspecMarker("seve")

__all__ = [
    "seve_calendar_cancel",
    "seve_calendar_publish",
    "seve_calendar_update",
    "seve_deliver_message",
    "seve_event_committed",
    "seve_forget",
    "seve_open_store",
    "seve_plan_effects",
    "seve_register_indicators",
    "seve_register_rules",
]


# --- Storage -------------------------------------------------------------------


@hookspec(firstresult=True)
def seve_open_store(url: str) -> Store | None:
    """Open the store at ``url``, if this plugin knows its scheme.

    :param url: where the store lives: ``"memory:"``, ``"sqlite:////var/lib/seve.db"``,
        ``"postgresql://..."``; the scheme says which plugin opens it.
    :returns: an object that follows the :class:`seve.storage.Store` protocol
        (append with an expected version and outbox entries in one transaction,
        read a stream, read the global log from a position, subscriber cursors,
        outbox claims, erasure), or ``None`` when the URL is not for this plugin.

    Called by :func:`seve.hooks.open_store`; the first plugin that returns a store
    wins.

    .. versionadded:: 0.1
    """


# --- Calendars -----------------------------------------------------------------


@hookspec
def seve_calendar_publish(entry: CalendarEntry, key: str) -> None:
    """Publish a new calendar entry.

    :param entry: the rendered entry and the calendar it goes in.
    :param key: the idempotency key of this delivery: called again with the same
        key (after a crash or a lost answer), the plugin must not publish twice.

    Called by the dispatcher, once per calendar plugin, for each
    :class:`~seve.effects.CalendarEffect` planned with the ``publish`` action.
    Raise to have the delivery retried later.

    .. versionadded:: 0.1
    """


@hookspec
def seve_calendar_update(entry: CalendarEntry, key: str) -> None:
    """Replace a published entry (same UID, higher SEQUENCE).

    :param entry: the new version of the entry.
    :param key: the idempotency key of this delivery.

    Called by the dispatcher like :func:`seve_calendar_publish`.

    .. versionadded:: 0.1
    """


@hookspec
def seve_calendar_cancel(entry: CalendarEntry, key: str) -> None:
    """Cancel a published entry (``STATUS:CANCELLED``, higher SEQUENCE).

    :param entry: the cancelled entry.
    :param key: the idempotency key of this delivery.

    Called by the dispatcher like :func:`seve_calendar_publish`.

    .. versionadded:: 0.1
    """


# --- Messaging -----------------------------------------------------------------


@hookspec(firstresult=True)
def seve_deliver_message(message: Message, key: str) -> Delivery | None:
    """Deliver a rendered message on its channel, and report what became of it.

    :param message: the message, its channel and its recipient.
    :param key: the idempotency key: a second call with the same key must not send
        the message again (return the first delivery's report).
    :returns: a :class:`~seve.effects.Delivery` (sent, accepted, delivered or
        refused), or ``None`` when the plugin does not handle ``message.channel``.

    Called by the dispatcher for each :class:`~seve.effects.MessageEffect`; the
    first plugin that returns a delivery wins.  Raise when the channel is down: the
    dispatcher retries with backoff, then dead-letters the message.

    .. versionadded:: 0.1
    """


# --- Observers -----------------------------------------------------------------


@hookspec
def seve_event_committed(event: Event[Any]) -> None:
    """React to an event once it is committed (notify, index, project...).

    :param event: the recorded event.

    Called by the dispatcher, at least once per event and plugin, in stream order,
    after the transaction that recorded the event (an outbox entry per plugin that
    implements this hook is written with the event).  Use ``event.id`` to ignore a
    second call.

    .. versionadded:: 0.1
    """


@hookspec
def seve_plan_effects(event: Event[Any], before: Any, after: Any) -> Iterable[Effect]:
    """The side effects of recording ``event``: calendar entries and messages.

    :param event: the event about to be recorded (already checked).
    :param before: the stream's state before it (``None`` for a stream's first event).
    :param after: the state after it.
    :returns: the effects to schedule, each built for its audience.

    Called by the recording service before the append; the effects are written to
    the outbox in the same transaction as the event.  Must be pure: no I/O.

    .. versionadded:: 0.1
    """


# --- Personal data -------------------------------------------------------------


@hookspec
def seve_forget(erasure: Erasure) -> None:
    """Drop what this plugin holds of personal data seve has just erased.

    :param erasure: what was erased: the streams, the UIDs of their calendar
        entries, the outbox keys deleted, and the names, e-mail addresses and phone
        numbers to drop wherever the plugin keeps them (calendar feeds, logs of
        sent messages, caches).

    Called after an erasure on request (:func:`seve.privacy.forget`) or a retention
    run (:func:`seve.privacy.apply_retention`) has rewritten the store, once per
    plugin.  Must be idempotent: a plugin that raises is reported, and the operator
    runs the erasure again.

    .. versionadded:: 0.1
    """


# --- Extension points ----------------------------------------------------------


@hookspec
def seve_register_rules() -> Iterable[tuple[StreamKind, Rule]]:
    """Extra validation rules, each for one kind of stream.

    :returns: pairs of a :class:`~seve.model.StreamKind` and a rule
        ``rule(before, after, event) -> Iterable[Problem]``; name problem codes
        after the plugin (``monplugin.quelque_chose``).

    Called once when a :class:`~seve.app.Recorder` is created; its rules then run
    on every event it records, after seve's own.

    .. versionadded:: 0.1
    """


@hookspec
def seve_register_indicators() -> Iterable[Indicator[Any]]:
    """Extra indicators, computed in the same pass as seve's own.

    :returns: objects that follow :class:`seve.indicators.Indicator`.

    Called when indicators are computed; each one then appears in every report.

    .. versionadded:: 0.1
    """
