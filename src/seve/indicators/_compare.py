"""Figures in French, and the comparison of two periods: « PMSMP : 9 -> 19 (x2,1) »."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Final

from attrs import frozen

from ._base import Report
from ._figures import Figure, FigureKind

__all__ = ["Change", "Comparison", "compare", "french_number", "shown"]

_TENTH: Final = Decimal("0.1")


def french_number(value: int | Decimal, *, digits: int = 0) -> str:
    """``12 345`` or ``1 234,5``: French grouping (a plain space) and decimal comma.

    >>> french_number(12345), french_number(Decimal("1234.56"), digits=1)
    ('12 345', '1 234,6')
    """
    quantum = Decimal(1).scaleb(-digits)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_EVEN)
    text = f"{rounded:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",")


def shown(figure: Figure) -> str:
    """A figure's value as a French report shows it.

    >>> from seve.indicators import Figure, FigureKind
    >>> shown(Figure(code="t", label="t", kind=FigureKind.RATE, value=Decimal("0.4712")))
    '47,1 %'
    """
    value = figure.value
    if value is None:
        return "non calculable"
    if figure.kind is FigureKind.RATE:
        return f"{french_number(Decimal(value) * 100, digits=1)} %"
    if figure.kind is FigureKind.RATIO:
        return french_number(value, digits=2)
    if figure.kind is FigureKind.MEDIAN:
        return f"{french_number(value, digits=0 if value == int(value) else 1)} j"
    if figure.kind is FigureKind.AMOUNT:
        return french_number(value, digits=0 if value == int(value) else 1)
    if isinstance(value, Decimal) and value != value.to_integral():
        return french_number(value, digits=2)
    return french_number(value)


@frozen(kw_only=True)
class Change:
    """One figure in two periods."""

    code: str
    label: str
    before: Figure
    after: Figure

    @property
    def factor(self) -> Decimal | None:
        """``after / before`` for counts and amounts (``None`` from 0 or for rates)."""
        if self.before.kind is FigureKind.RATE:
            return None
        b, a = self.before.value, self.after.value
        if b is None or a is None or b == 0:
            return None
        return (Decimal(a) / Decimal(b)).quantize(_TENTH, rounding=ROUND_HALF_EVEN)

    @property
    def points(self) -> Decimal | None:
        """For rates, the difference in percentage points."""
        if self.before.kind is not FigureKind.RATE:
            return None
        b, a = self.before.value, self.after.value
        if b is None or a is None:
            return None
        return ((Decimal(a) - Decimal(b)) * 100).quantize(_TENTH, rounding=ROUND_HALF_EVEN)

    def __str__(self) -> str:
        """« PMSMP : 9 -> 19 (x2,1) » ; for rates, the change in points:
        « Taux d'emploi durable : 18,0 % -> 24,5 % (+6,5 points) »."""
        text = f"{self.label} : {shown(self.before)} -> {shown(self.after)}"
        if self.factor is not None:
            text += f" (x{french_number(self.factor, digits=1)})"
        elif self.points is not None:
            sign = "+" if self.points >= 0 else "-"
            text += f" ({sign}{french_number(abs(self.points), digits=1)} points)"
        return text


@frozen(kw_only=True)
class Comparison:
    """Two reports side by side (two years, before and after joining SEVE)."""

    before: Report
    after: Report
    changes: tuple[Change, ...]

    def change(self, code: str) -> Change:
        for change in self.changes:
            if change.code == code:
                return change
        raise KeyError(code)

    def lines(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.changes)


def compare(before: Report, after: Report) -> Comparison:
    """Every figure of ``after`` beside the same figure of ``before``.

    >>> from seve.indicators import Figure, FigureKind, Report, ReportingPeriod, Filters
    >>> def pmsmp(n, year):
    ...     figure = Figure(code="pmsmp", label="PMSMP", kind=FigureKind.COUNT, value=n)
    ...     return Report(period=ReportingPeriod.year(year), filters=Filters(),
    ...                   figures=(figure,), events=0, motifs="", rules="")
    >>> print(compare(pmsmp(9, 2022), pmsmp(19, 2023)).change("pmsmp"))
    PMSMP : 9 -> 19 (x2,1)
    """
    known = {f.code: f for f in before.figures}
    changes = tuple(
        Change(code=f.code, label=f.label, before=known[f.code], after=f)
        for f in after.figures
        if f.code in known
    )
    return Comparison(before=before, after=after, changes=changes)
