"""The protocol every indicator follows: a fold over events, started empty."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from ..model import Event

if TYPE_CHECKING:
    from ..hooks import Plugins

__all__ = ["Indicator", "compute", "registered_indicators"]

A = TypeVar("A")


@runtime_checkable
class Indicator(Protocol[A]):
    """A figure computed in one pass over the log.

    The engine calls :meth:`start` once, :meth:`step` for every event in log order,
    then :meth:`finish`.  An indicator keeps what it needs per parcours, never every
    event, so memory grows with the number of parcours.

    :ivar code: a stable, machine-readable name (``"pmsmp_par_an"``); plugins prefix
        theirs with their own name.
    :ivar label: what the figure is, in French, for reports.
    """

    code: str
    label: str

    def start(self) -> A:
        """The empty accumulator."""
        ...

    def step(self, acc: A, event: Event[Any]) -> A:
        """The accumulator after one more event."""
        ...

    def finish(self, acc: A) -> Any:
        """The figure, from the final accumulator."""
        ...


def registered_indicators(plugins: Plugins) -> list[Indicator[Any]]:
    """The indicators plugins register (hook ``seve_register_indicators``).

    Anything that is not an :class:`Indicator` is reported as the plugin's failure
    and left out.
    """
    from ..hooks import PluginFailure

    found: list[Indicator[Any]] = []
    for name, item in plugins.collect("seve_register_indicators"):
        if isinstance(item, Indicator):
            found.append(item)
        else:
            error = f"{item!r:.80} n'est pas un indicateur (code, label, start, step, finish)"
            plugins.report(
                PluginFailure(
                    plugin=name, stage="call", hook="seve_register_indicators", error=error
                )
            )
    return found


def compute(indicators: Iterable[Indicator[Any]], events: Iterable[Event[Any]]) -> dict[str, Any]:
    """Every indicator over ``events``, in one pass: ``{code: figure}``."""
    chosen = list(indicators)
    accs = [indicator.start() for indicator in chosen]
    for event in events:
        accs = [indicator.step(acc, event) for indicator, acc in zip(chosen, accs, strict=True)]
    return {i.code: i.finish(acc) for i, acc in zip(chosen, accs, strict=True)}
