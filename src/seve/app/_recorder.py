"""The recording service: check an event against its stream, append it, schedule
its side effects, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from ..effects import CalendarAction, CalendarEffect, Effect, MessageEffect
from ..errors import DomainError, Problem
from ..hooks import PluginFailure, Plugins
from ..model import Event, StreamId, StreamKind, stream_kind, stream_kind_of
from ..rules import FOLDS, Rule, apply
from ..serialization import decode_event, encode_event
from ..storage import ConcurrencyError, NewEvent, OutboxEntry, Store, StoredEvent
from ._outbox import COMMITTED, entries_for

__all__ = ["Recorder", "utc_now"]


def utc_now() -> dt.datetime:
    """The default clock of the application layer (the core never reads a clock)."""
    return dt.datetime.now(dt.UTC)


class Recorder:
    """Records events: read the stream, fold it, check every rule, append with the
    expected version (retrying on a concurrent write), and write the side effects
    to the outbox in the same transaction.

    Recording never calls a calendar, messaging or observer plugin: those run later,
    in a :class:`~seve.app.Dispatcher`, so a failing or slow plugin never blocks it.
    It does call the pure hooks ``seve_register_rules`` (once, here) and
    ``seve_plan_effects`` (for each event).

    :param store: where events go.
    :param plugins: the plugins whose rules, effects and observers apply (default:
        only the built-ins, no entry point).
    :param clock: when the side effects become due (default: now, in UTC).
    :param retries: how many times to retry after a concurrent write.
    :param cache: how many stream states to keep between calls (0: fold every time).
    """

    def __init__(
        self,
        store: Store,
        *,
        plugins: Plugins | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
        retries: int = 20,
        cache: int = 1024,
    ) -> None:
        self.store = store
        self.plugins = Plugins(entry_points=False) if plugins is None else plugins
        self._clock = clock
        self._retries = retries
        self._cache_size = cache
        self._cache: OrderedDict[str, tuple[int, Any]] = OrderedDict()
        self._rules = self._collect_rules()
        self._observers = self.plugins.implementers(COMMITTED)
        self._calendars = {a: self.plugins.implementers(a.hook) for a in CalendarAction}

    def _collect_rules(self) -> dict[StreamKind, list[tuple[str, Rule]]]:
        rules: dict[StreamKind, list[tuple[str, Rule]]] = {kind: [] for kind in StreamKind}
        for name, item in self.plugins.collect("seve_register_rules"):
            match item:
                case (StreamKind() as kind, rule) if callable(rule):
                    rules[kind].append((name, rule))
                case _:
                    self._fail(name, "seve_register_rules", f"valeur inattendue {item!r:.80}")
        return rules

    def _fail(self, plugin: str, hook: str, error: str) -> None:
        self.plugins.report(PluginFailure(plugin=plugin, stage="call", hook=hook, error=error))

    # --- reading ---------------------------------------------------------------

    def state(self, stream: str) -> Any:
        """The folded state of ``stream`` (``None`` if it has no event yet)."""
        return self._load(stream)[1]

    def evict(self, *streams: str) -> None:
        """Drop the cached states of ``streams``: an erasure rewrote their events
        (:mod:`seve.privacy`), so they are folded again from the store."""
        for stream in streams:
            self._cache.pop(stream, None)

    def _load(self, stream: str) -> tuple[int, Any]:
        version, state = self._cache.get(stream, (0, None))
        stored = self.store.read_stream(stream, after_version=version)
        if stored:
            fold = FOLDS[stream_kind(StreamId(stream))]
            for record in stored:
                state = fold.step(state, decode_event(record.data))
            version = stored[-1].version
            self._remember(stream, version, state)
        return version, state

    def _remember(self, stream: str, version: int, state: Any) -> None:
        if self._cache_size and state is not None:
            self._cache[stream] = (version, state)
            self._cache.move_to_end(stream)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    # --- recording -------------------------------------------------------------

    def record(self, event: Event[Any]) -> StoredEvent:
        """Record one event.

        :returns: the stored event, with its position and version.
        :raises DomainError: the event contradicts its stream or a rule; nothing
            was written.
        :raises ConcurrencyError: other writers kept winning the race, ``retries``
            times in a row; nothing was written.
        """
        return self.record_batch([event])[0]

    def record_batch(self, events: Sequence[Event[Any]]) -> list[StoredEvent]:
        """Record events of one stream, in order, in one transaction.

        Problem paths start with the index of the refused event in ``events``.
        """
        if not events:
            return []
        stream = events[0].stream
        strays = [i for i, e in enumerate(events) if e.stream != stream]
        if strays:
            raise DomainError(
                Problem(
                    code="evenement.lot_multi_flux",
                    message=f"un lot s'enregistre dans un seul flux ({stream})",
                    path=(i, "stream"),
                )
                for i in strays
            )
        for _attempt in range(self._retries + 1):
            version, state = self._load(stream)
            new, outbox, state = self._prepare(events, state, single=len(events) == 1)
            try:
                stored = self.store.append(stream, version, new, outbox)
            except ConcurrencyError:
                self._cache.pop(stream, None)
                continue
            self._remember(stream, version + len(events), state)
            return stored
        raise ConcurrencyError(stream, version, self.store.version(stream))

    def _prepare(
        self, events: Sequence[Event[Any]], state: Any, *, single: bool
    ) -> tuple[list[NewEvent], list[OutboxEntry], Any]:
        new: list[NewEvent] = []
        outbox: list[OutboxEntry] = []
        due_at = self._clock()
        for index, event in enumerate(events):
            try:
                after = self._check(state, event)
            except DomainError as exc:
                raise (exc if single else DomainError(p.at(index) for p in exc.problems)) from None
            effects = self._plan(event, state, after)
            new.append(NewEvent(id=event.id, type=event.type, data=encode_event(event)))
            outbox.extend(
                entries_for(
                    event,
                    effects,
                    calendars=self._calendars,
                    observers=self._observers,
                    due_at=due_at,
                )
            )
            state = after
        return new, outbox, state

    def _check(self, state: Any, event: Event[Any]) -> Any:
        after = apply(state, event)
        problems: list[Problem] = []
        for plugin, rule in self._rules[stream_kind_of(type(event.payload))]:
            try:
                found = list(rule(state, after, event))
            except Exception as exc:  # a broken rule is set aside, not obeyed
                self._fail(plugin, "seve_register_rules", f"la règle {rule!r} a levé {exc!r}")
                continue
            if all(isinstance(p, Problem) for p in found):
                problems.extend(found)
            else:
                self._fail(
                    plugin, "seve_register_rules", f"la règle {rule!r} ne donne pas des Problem"
                )
        if problems:
            raise DomainError(problems)
        return after

    def _plan(self, event: Event[Any], before: Any, after: Any) -> list[Effect]:
        effects: list[Effect] = []
        for name, item in self.plugins.collect(
            "seve_plan_effects", event=event, before=before, after=after
        ):
            if isinstance(item, CalendarEffect | MessageEffect):
                effects.append(item)
            else:
                self._fail(name, "seve_plan_effects", f"effet inattendu {item!r:.80}")
        return effects
