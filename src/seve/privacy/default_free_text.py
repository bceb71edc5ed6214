"""The plugin ``texte_libre``: seve's lexicon guards the free text of every recording.

Installed with seve (entry point ``texte_libre`` in the group ``seve``); disable it with
``SEVE_DISABLED_PLUGINS=texte_libre`` and register a :class:`~seve.privacy.FreeTextGuard`
with your own :class:`~seve.privacy.Lexicon` instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..hooks import hookimpl
from ..model import StreamKind
from ._lexicon import FreeTextGuard

__all__ = ["GUARD", "seve_register_rules"]

#: The guard, with seve's lexicon (read once).
GUARD = FreeTextGuard()


@hookimpl
def seve_register_rules() -> Sequence[tuple[StreamKind, Any]]:
    """The free-text rule, for every kind of stream."""
    return GUARD.seve_register_rules()
