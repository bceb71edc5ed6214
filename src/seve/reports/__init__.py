"""Reports: the indicators as JSON, CSV, a French text table, and a standalone HTML page
with inline SVG charts; and the views funders may receive (pseudonymised, small counts
masked, through :mod:`seve.audience`).

Nothing here does I/O: each function returns text (the ``seve indicators`` command
writes it).  See ``docs/indicators.md``.
"""

from ._audience import for_audience, pack_for_audience
from ._formats import (
    CSV_COLUMNS,
    comparison_text,
    figure_text,
    pack_csv,
    pack_text,
    report_csv,
    report_json,
    report_text,
    to_data,
)
from ._html import report_html

__all__ = [
    "CSV_COLUMNS",
    "comparison_text",
    "figure_text",
    "for_audience",
    "pack_csv",
    "pack_for_audience",
    "pack_text",
    "report_csv",
    "report_html",
    "report_json",
    "report_text",
    "to_data",
]
