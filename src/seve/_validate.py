"""Validate a whole log: decoding, then each stream folded with every rule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from attrs import frozen

from .errors import DecodeError, DomainError, Problem
from .model import EventId, StreamId
from .rules import apply
from .serialization import decode_event

__all__ = ["LogReport", "validate_log"]


@frozen(kw_only=True)
class LogReport:
    """What :func:`validate_log` found.

    :param events: lines decoded into events.
    :param problems: every problem, each with its line number.
    :param unchecked: events not checked against their stream's state because an
        earlier event of the same stream was refused.
    """

    events: int
    problems: tuple[Problem, ...]
    unchecked: int

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_log(lines: Iterable[bytes | str]) -> LogReport:
    """Check a JSON Lines log: each line decodes, ids are unique, each stream folds.

    Streams are checked independently: a refused event stops the checks of its own
    stream only, so one run reports problems in every stream.
    """
    problems: list[Problem] = []
    states: dict[StreamId, Any] = {}
    broken: set[StreamId] = set()
    seen: dict[EventId, int] = {}
    events = unchecked = 0
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            event = decode_event(line, lineno=lineno)
        except DecodeError as exc:
            problems.extend(exc.problems)
            continue
        events += 1
        if event.id in seen:
            problems.append(
                Problem(
                    code="evenement.id_doublon",
                    message=f"l'identifiant {event.id} est déjà celui de la ligne {seen[event.id]}",
                    path=("id",),
                    line=lineno,
                )
            )
            continue
        seen[event.id] = lineno
        if event.stream in broken:
            unchecked += 1
            continue
        try:
            states[event.stream] = apply(states.get(event.stream), event)
        except DomainError as exc:
            problems.extend(p.at(line=lineno) for p in exc.problems)
            broken.add(event.stream)
    return LogReport(events=events, problems=tuple(problems), unchecked=unchecked)
