"""Folding a stream of events into its state, one checked step at a time.

A :class:`Fold` knows, for one kind of stream, which payload types open the
stream and the rule that applies each other payload type to the state.  Rules
are registered next to their payload class (see ``_parcours.py``); a rule that
finds the event contradicts the state calls :func:`refuse`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable
from typing import Any, Generic, NoReturn, Protocol, TypeVar

import attrs

from ..errors import DomainError, Path, Problem
from ._events import Event, StreamKind, stream_kind, stream_kind_of, tag_of
from ._ids import StreamId

__all__ = ["Fold", "Refused", "StreamState", "refuse", "refuse_duplicate"]


class StreamState(Protocol):
    """What every folded state carries about its stream."""

    @property
    def stream(self) -> StreamId: ...
    @property
    def version(self) -> int: ...
    @property
    def updated_at(self) -> dt.datetime: ...
    @property
    def closed(self) -> bool: ...


S = TypeVar("S", bound=StreamState)
P = TypeVar("P")


class Refused(Exception):
    """Raised inside a fold rule; the fold turns it into a :class:`DomainError`."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.problems)


def refuse(code: str, message: str, *path: str | int, legal: str | None = None) -> NoReturn:
    """Refuse the event being folded: it contradicts the state."""
    raise Refused([Problem(code=code, message=message, path=("payload", *path), legal=legal)])


def refuse_duplicate(
    key: str, taken: Container[str], code: str, what: str, *path: str | int
) -> None:
    """Refuse the event if ``key`` is already ``taken``: « {what} {key} existe déjà »."""
    if key in taken:
        refuse(code, f"{what} {key} existe déjà", *path)


Starter = Callable[[Event[Any]], S]
Rule = Callable[[S, Event[Any]], S]


class Fold(Generic[S]):
    """The fold of one kind of stream: starters, rules, and the checks common to all."""

    def __init__(self, kind: StreamKind, *, noun: str) -> None:
        self.kind = kind
        self._noun = noun
        self._starters: dict[type, Starter[S]] = {}
        self._rules: dict[type, tuple[Rule[S], bool]] = {}

    def starts(
        self, payload: type[P]
    ) -> Callable[[Callable[[Event[P]], S]], Callable[[Event[P]], S]]:
        """Register the function that opens a stream with an event of type ``payload``."""

        def register(fn: Callable[[Event[P]], S]) -> Callable[[Event[P]], S]:
            self._starters[payload] = fn
            return fn

        return register

    def rule(
        self, payload: type[P], *, when_closed: bool = False
    ) -> Callable[[Callable[[S, Event[P]], S]], Callable[[S, Event[P]], S]]:
        """Register how an event of type ``payload`` changes the state.

        :param when_closed: whether the event may still come once the stream is
            closed (for a parcours: after the sortie).
        """

        def register(fn: Callable[[S, Event[P]], S]) -> Callable[[S, Event[P]], S]:
            self._rules[payload] = (fn, when_closed)
            return fn

        return register

    def step(self, state: S | None, event: Event[Any]) -> S:
        """Apply one event; raise :class:`DomainError` if it contradicts ``state``."""
        try:
            return self.advance(state, event)
        except Refused as refused:
            raise DomainError(refused.problems) from None

    def advance(self, state: S | None, event: Event[Any]) -> S:
        """Apply one event; raise :class:`Refused` (problems as data) if it contradicts it."""
        cls = type(event.payload)
        kind = stream_kind_of(cls)
        if kind is not self.kind or stream_kind(event.stream) is not self.kind:
            _refuse_envelope(
                "evenement.mauvais_flux",
                f"un événement « {tag_of(cls)} » concerne un flux {kind.value}, "
                f"pas un flux {self.kind.value}",
                "stream",
            )
        if state is None:
            starter = self._starters.get(cls)
            if starter is None:
                names = ", ".join(tag_of(c) for c in self._starters)
                _refuse_envelope(
                    "evenement.premier",
                    f"{self._noun} doit commencer par un événement « {names} », "
                    f"pas « {tag_of(cls)} »",
                    "type",
                )
            new = starter(event)
            return attrs.evolve(new, stream=event.stream, version=1, updated_at=event.occurred_at)  # type: ignore[misc]
        if cls in self._starters:
            _refuse_envelope(
                "evenement.deja_ouvert", f"{self._noun} est déjà ouvert·e ({state.stream})", "type"
            )
        if event.stream != state.stream:
            _refuse_envelope(
                "evenement.autre_flux",
                f"l'événement appartient au flux {event.stream}, pas à {state.stream}",
                "stream",
            )
        if event.occurred_at.timestamp() < state.updated_at.timestamp():  # DST-proof
            _refuse_envelope(
                "evenement.ordre",
                "l'événement est daté d'avant le précédent du même flux "
                f"({event.occurred_at.isoformat()} < {state.updated_at.isoformat()}) : "
                "les événements d'un flux s'enregistrent dans l'ordre chronologique",
                "occurred_at",
            )
        rule, when_closed = self._rules[cls]
        if state.closed and not when_closed:
            _refuse_envelope(
                "evenement.apres_cloture",
                f"{self._noun} est clos·e : « {tag_of(cls)} » n'est plus possible",
                "type",
            )
        new = rule(state, event)
        return attrs.evolve(  # type: ignore[misc]
            new, version=state.version + 1, updated_at=event.occurred_at
        )

    def __call__(self, events: Iterable[Event[Any]], *, until: dt.date | None = None) -> S:
        """Fold ``events`` (in stream order) into the state, optionally up to a day.

        :param until: keep only the events that happened on or before that day
            (Europe/Paris).
        :raises DomainError: an event contradicts the state before it; its problem
            paths start with the event's position in ``events``.
        """
        state: S | None = None
        for index, event in enumerate(events):
            if until is not None and event.day > until:
                break
            try:
                state = self.advance(state, event)
            except Refused as refused:
                raise DomainError(p.at(index) for p in refused.problems) from None
        if state is None:
            raise DomainError(
                [Problem(code="evenement.flux_vide", message=f"aucun événement pour {self._noun}")]
            )
        return state


def _refuse_envelope(code: str, message: str, *path: str | int) -> NoReturn:
    path_: Path = tuple(path)
    raise Refused([Problem(code=code, message=message, path=path_)])
