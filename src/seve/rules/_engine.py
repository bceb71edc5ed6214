"""Check, apply and replay events: the fold's contradictions plus every rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final, TypeVar

from ..errors import DomainError, Problem
from ..model import (
    EMPLOYER,
    PARCOURS,
    STRUCTURE,
    Event,
    Fold,
    Refused,
    StreamKind,
    StreamState,
    stream_kind_of,
)
from ._base import rules_for

__all__ = ["FOLDS", "apply", "check", "replay"]

S = TypeVar("S", bound=StreamState)

#: The fold of each kind of stream.
FOLDS: Final[dict[StreamKind, Fold[Any]]] = {
    StreamKind.PARCOURS: PARCOURS,
    StreamKind.EMPLOYER: EMPLOYER,
    StreamKind.SIAE: STRUCTURE,
}


def _step(state: S | None, event: Event[Any]) -> tuple[S | None, list[Problem]]:
    kind = stream_kind_of(type(event.payload))
    fold: Fold[S] = FOLDS[kind]
    try:
        after = fold.advance(state, event)
    except Refused as refused:
        return None, list(refused.problems)
    problems = [p for rule in rules_for(kind) for p in rule(state, after, event)]
    return after, problems


def check(state: S | None, event: Event[Any]) -> list[Problem]:
    """Every problem recording ``event`` on top of ``state`` would raise (empty: fine).

    ``state`` is ``None`` for the first event of a stream.
    """
    return _step(state, event)[1]


def apply(state: S | None, event: Event[Any]) -> S:
    """The state after ``event``, or :class:`DomainError` listing every problem."""
    after, problems = _step(state, event)
    if problems:
        raise DomainError(problems)
    assert after is not None
    return after


def replay(events: Iterable[Event[Any]], *, until: dt.date | None = None) -> Any:
    """Fold one stream's events (in order) with every rule checked at each step.

    :param until: stop after the last event that happened on or before that day.
    :raises DomainError: at the first refused event; paths start with its index.
    """
    state: Any = None
    for index, event in enumerate(events):
        if until is not None and event.day > until:
            break
        state, problems = _step(state, event)
        if problems:
            raise DomainError(p.at(index) for p in problems)
    if state is None:
        raise DomainError([Problem(code="evenement.flux_vide", message="aucun événement")])
    return state
