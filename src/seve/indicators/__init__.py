"""Indicators: the official exit rates of the IAE and SEVE's own, from one pass over
the log, each figure with the parcours and events behind it.

- :func:`read_log` reads a log once into a :class:`Digest` (memory grows with the
  number of parcours, not of events);
- :func:`report` / :func:`reports` compute every indicator (seve's :data:`BUILTIN`
  and the plugins') for a :class:`ReportingPeriod` and :class:`Filters`;
- :func:`compare` sets two reports side by side (« PMSMP : 9 -> 19 (x2,1) »),
  :func:`before_after` gives the periods around joining SEVE;
- :func:`dialogue_de_gestion` builds the yearly pack for the review with the State.

Plugins register their own indicators through the ``seve_register_indicators`` hook:
folds (:class:`Indicator`) or digest indicators (:class:`DigestIndicator`).  See
``docs/indicators.md``.
"""

from ._base import (
    BUILTIN,
    Builtin,
    DigestIndicator,
    Indicator,
    Report,
    before_after,
    compute,
    fold_indicators,
    registered_indicators,
    report,
    reports,
)
from ._compare import Change, Comparison, compare, french_number, shown
from ._context import Context
from ._digest import (
    Digest,
    EmployerDigest,
    MiseEnRelationDigest,
    ParcoursDigest,
    PmsmpDigest,
    StaffDigest,
    StructureDigest,
    read_log,
)
from ._figures import Evidence, Figure, FigureKind, rate
from ._official import ExitClassification, classify_exits
from ._pack import DIMENSIONS, BreakdownRow, Pack, dialogue_de_gestion
from ._period import (
    CountingRule,
    CountingRules,
    Filters,
    IndicatorError,
    ReportingPeriod,
    RuleKind,
    default_counting_rules,
)

__all__ = [
    "BUILTIN",
    "DIMENSIONS",
    "BreakdownRow",
    "Builtin",
    "Change",
    "Comparison",
    "Context",
    "CountingRule",
    "CountingRules",
    "Digest",
    "DigestIndicator",
    "EmployerDigest",
    "Evidence",
    "ExitClassification",
    "Figure",
    "FigureKind",
    "Filters",
    "Indicator",
    "IndicatorError",
    "MiseEnRelationDigest",
    "Pack",
    "ParcoursDigest",
    "PmsmpDigest",
    "Report",
    "ReportingPeriod",
    "RuleKind",
    "StaffDigest",
    "StructureDigest",
    "before_after",
    "classify_exits",
    "compare",
    "compute",
    "default_counting_rules",
    "dialogue_de_gestion",
    "fold_indicators",
    "french_number",
    "rate",
    "read_log",
    "registered_indicators",
    "report",
    "reports",
    "shown",
]
