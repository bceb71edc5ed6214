"""The plugins that come with seve itself."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Final

from ..calendar import _plugin as _calendar
from ..storage import MemoryStore, Store
from ._manager import hookimpl

__all__ = ["BUILTINS", "seve_open_store"]


@hookimpl(trylast=True)
def seve_open_store(url: str) -> Store | None:
    """``memory:``: a new, empty in-memory store."""
    return MemoryStore() if url == "memory:" else None


#: The built-in plugins by name; ``SEVE_DISABLED_PLUGINS`` may still exclude them.
BUILTINS: Final[dict[str, ModuleType]] = {
    "seve.memory": sys.modules[__name__],
    "seve.calendar": _calendar,  # plans calendar effects (seve_plan_effects)
}
