"""Plugins: the hooks seve offers (:mod:`seve.hooks.specs`) and their manager.

A plugin is a module with functions marked :data:`hookimpl`, named after the hooks
they implement, published under the entry-point group ``seve``:

.. code-block:: toml

    [project.entry-points.seve]
    monstockage = "seve_monstockage"

See ``docs/plugins.md`` for a guide and every hook.
"""

from . import specs
from ._manager import (
    ENTRY_POINT_GROUP,
    PluginError,
    PluginFailure,
    PluginInfo,
    Plugins,
    hookimpl,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "PluginError",
    "PluginFailure",
    "PluginInfo",
    "Plugins",
    "hookimpl",
    "specs",
]
