"""Indicators: folds over the whole log that give the figures of a period.

This module defines what an indicator *is* (:class:`Indicator`), so that plugins can
register their own through the ``seve_register_indicators`` hook.
"""

from ._base import Indicator, compute, registered_indicators

__all__ = ["Indicator", "compute", "registered_indicators"]
