"""The progress line of ``seve indicators`` on long runs: plain ``\\r`` updates on a
terminal, in French, at most a few times a second."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["Progress"]


def _number(n: float) -> str:
    """« 1 234 567 »: French digit groups (a plain space: any terminal shows it)."""
    return f"{n:,.0f}".replace(",", " ")


class Progress:
    """Shows how far the pass over the log is, on one line of ``stream``.

    Give it to :func:`seve.indicators.read_log` as ``progress``: it is called with the
    number of events read so far, and redraws the line only when ``interval`` seconds
    went by since the last time (the pass calls it often; drawing costs a little).

    :param position: how far into the source the pass is, out of ``total`` (bytes of a
        JSON Lines file): a bar and a percentage; without them, the count alone (a store).
    :param clock: seconds, monotonic (tests give their own).
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        label: str = "Lecture du journal",
        total: int | None = None,
        position: Callable[[], int] | None = None,
        interval: float = 0.25,
        width: int = 20,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.label = label
        self.total = total if total else None
        self.position = position
        self.interval = interval
        self.width = width
        self.clock = clock
        self.started = clock()
        self._shown = self.started
        self._length = 0

    def __call__(self, count: int) -> None:
        now = self.clock()
        if now - self._shown >= self.interval:
            self._shown = now
            self._draw(self._line(count, now))

    def done(self, count: int) -> None:
        """The last line: how many events in how long; the cursor goes to the next line."""
        seconds = self.clock() - self.started
        bar = f"{self._bar(1.0)} 100 %  " if self.total is not None else ""
        elapsed = f"{seconds:.1f}".replace(".", ",")
        self._draw(f"{self.label} : {bar}{_number(count)} événements lus en {elapsed} s")
        self.stream.write("\n")
        self.stream.flush()

    def _line(self, count: int, now: float) -> str:
        rate = count / (now - self.started) if now > self.started else 0.0
        read = f"{_number(count)} événements lus ({_number(rate)} par seconde)"
        if self.total is None or self.position is None:
            return f"{self.label} : {read}"
        fraction = min(max(self.position() / self.total, 0.0), 1.0)
        return f"{self.label} : {self._bar(fraction)} {fraction * 100:3.0f} %  {read}"

    def _bar(self, fraction: float) -> str:
        full = round(fraction * self.width)
        return "[" + "#" * full + "." * (self.width - full) + "]"

    def _draw(self, line: str) -> None:
        # pad with spaces over what a longer previous line left on screen
        self.stream.write("\r" + line.ljust(self._length))
        self.stream.flush()
        self._length = len(line)
