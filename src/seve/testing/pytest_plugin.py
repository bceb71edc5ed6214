"""seve's pytest plugin: fixtures for people who test code built on seve.

Installed with seve (entry point ``pytest11``), so every test session of a project
that has seve installed gets these fixtures, with nothing to import:

- ``seve_clock``: a :class:`Clock` that stands still until the test moves it, to give
  a :class:`~seve.app.Recorder` or a :class:`~seve.app.Dispatcher` as their clock;
- ``seve_plugins``: a :class:`~seve.hooks.Plugins` of its own: seve's built-in
  plugins only (no entry point, no ``SEVE_*`` variable), strict (a plugin that
  fails raises); register the plugin under test with ``seve_plugins.register``;
- ``seve_memory_store``: a new :class:`~seve.storage.MemoryStore`.

For storage plugins, the contract suite is :class:`seve.testing.contract.StoreContract`.
The plugin imports seve only when a fixture is used, so it costs nothing at start-up;
disable it with ``-p no:seve``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

import pytest

if TYPE_CHECKING:
    from seve.hooks import Plugins
    from seve.storage import MemoryStore

__all__ = ["START", "Clock", "seve_clock", "seve_memory_store", "seve_plugins"]

# the contract suite's asserts explain their failures, as a test module's do
pytest.register_assert_rewrite("seve.testing.contract", "seve.testing._effects_contract")

#: Where ``seve_clock`` starts: Monday 3 March 2025, 09:00 in Paris.
START: Final = dt.datetime(2025, 3, 3, 8, 0, tzinfo=dt.UTC)


class Clock:
    """A clock for tests: it gives the same instant until it is moved.

    Call it for the time now; it fits every ``clock=`` parameter of :mod:`seve.app`.

    >>> clock = Clock(START)
    >>> clock.advance(minutes=30)
    >>> clock().isoformat()
    '2025-03-03T08:30:00+00:00'

    :param start: the first instant (with its time zone).
    """

    def __init__(self, start: dt.datetime = START) -> None:
        self.set(start)

    def __call__(self) -> dt.datetime:
        return self._now

    def set(self, instant: dt.datetime) -> None:
        """Jump to ``instant`` (forward or back)."""
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError(f"l'horloge veut un instant avec son fuseau, pas {instant}")
        self._now = instant

    def advance(self, delta: dt.timedelta = dt.timedelta(), **units: float) -> None:
        """Move forward by ``delta`` and/or ``units`` (``minutes=5``, ``days=1``...)."""
        self._now += delta + dt.timedelta(**units)

    def __repr__(self) -> str:
        return f"Clock({self._now.isoformat()})"


@pytest.fixture
def seve_clock() -> Clock:
    """A :class:`Clock` at :data:`START`, moved only by the test."""
    return Clock()


@pytest.fixture
def seve_plugins() -> Plugins:
    """seve's built-in plugins only, strict: register the plugin under test on it."""
    from seve.hooks import Plugins

    return Plugins(strict=True, entry_points=False, environ={})


@pytest.fixture
def seve_memory_store() -> Iterator[MemoryStore]:
    """A new, empty in-memory store, closed after the test."""
    from seve.storage import MemoryStore

    store = MemoryStore()
    yield store
    store.close()
