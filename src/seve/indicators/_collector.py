"""The cyclic garbage collector, paused while the engine builds its digest.

CPython runs a full collection each time the objects that live on have grown by a
quarter, and a full collection walks every one of them.  The engine's pass keeps a few
objects per parcours for the whole run, so on a large log the collector walks the
growing digest again and again: on 3.4 million events it took a fifth of the run, and
the cost per event grew with the log.  The pass creates no reference cycles (nothing
for the collector to find), so it runs with the collector paused, as Mercurial does
when it reads its large indexes; reference counting still frees every object that dies.

The pause is process-wide (that is how :mod:`gc` works): it nests, it is safe across
threads (the last one out switches the collector back on), and it never switches on a
collector that was off when the first pause began.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["collector_paused"]


class _Pause:
    """How many pauses are running, and whether the collector ran before the first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.was_enabled = False


_PAUSE = _Pause()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body with :mod:`gc`'s automatic collections off; restore them after."""
    with _PAUSE.lock:
        if _PAUSE.depth == 0:
            _PAUSE.was_enabled = gc.isenabled()
            gc.disable()
        _PAUSE.depth += 1
    try:
        yield
    finally:
        with _PAUSE.lock:
            _PAUSE.depth -= 1
            if _PAUSE.depth == 0 and _PAUSE.was_enabled:
                gc.enable()
