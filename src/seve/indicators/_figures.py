"""Figures and their provenance: every figure says which parcours and events it comes from."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from operator import attrgetter
from typing import Final

from attrs import field, frozen

from ..model import EventId, LabelledEnum

__all__ = ["Evidence", "Figure", "FigureKind", "rate"]

_RATE_DIGITS: Final = Decimal("0.0001")


class FigureKind(LabelledEnum):
    """What a figure's value is; it says how its evidence explains it.

    - *count*: ``value`` is the number of items of evidence;
    - *rate*: ``value`` is ``numerator / denominator`` (``None`` when the denominator
      is 0), ``evidence`` the numerator's items and ``base`` the denominator's;
    - *ratio*: the same, not bounded by 1 (PMSMP per person);
    - *amount*: ``value`` is the sum of the items' amounts (hours);
    - *median*: ``value`` is the median of the items' amounts (days);
    - *value*: anything else (a plugin's figure), with no rule.
    """

    COUNT = ("count", "effectif")
    RATE = ("rate", "taux")
    RATIO = ("ratio", "moyenne par personne")
    AMOUNT = ("amount", "total")
    MEDIAN = ("median", "médiane")
    VALUE = ("value", "valeur")


def _ids(ids: Iterable[EventId]) -> tuple[EventId, ...]:
    if type(ids) is tuple and len(ids) < 2:  # the common case: one event
        return ids
    return tuple(sorted(set(ids)))


@frozen(kw_only=True)
class Evidence:
    """One item behind a figure: what it is about and the events that prove it.

    :param subject: a parcours stream (``parcours:p-1``), an employer stream, a staff
        member, a convention: what was counted.
    :param events: the ids of the events behind it, sorted.
    :param amount: for amounts and medians, what this item adds (hours, days).
    :param note: why it counts, in French (« CDI (hors IAE) : emploi durable »).
    """

    subject: str
    events: tuple[EventId, ...] = field(converter=_ids)
    amount: Decimal | None = None
    note: str | None = None


_BY_SUBJECT: Final = attrgetter("subject", "events")


def _evidence(items: Iterable[Evidence]) -> tuple[Evidence, ...]:
    return tuple(sorted(items, key=_BY_SUBJECT))


@frozen(kw_only=True)
class Figure:
    """One figure of a report, with its provenance.

    :param code: stable, machine-readable (``taux_sortie_dynamique``); plugins prefix
        theirs with their name.
    :param label: what it is, in French.
    :param value: the figure (an :class:`int`, a :class:`~decimal.Decimal`, or
        ``None`` when it cannot be computed: a rate over nothing).
    :param numerator: for rates and ratios, the count above; ``denominator`` below.
    :param evidence: the items counted (see :class:`FigureKind` for how they explain
        ``value``), sorted by subject.
    :param base: for rates and ratios, the items of the denominator.
    :param parts: its breakdown (sorties by category, the steps of a funnel...).
    :param source: where its definition comes from, in French.
    :param origin: ``"seve"``, or the plugin that registered it.
    :param masked: for an audience that must not identify anyone, the threshold of the
        *secret statistique* under which ``value`` was hidden (``value`` is then
        ``None``: see :func:`seve.reports.for_audience`).
    """

    code: str
    label: str
    kind: FigureKind
    value: int | Decimal | None
    numerator: int | None = None
    denominator: int | None = None
    evidence: tuple[Evidence, ...] = field(default=(), converter=_evidence)
    base: tuple[Evidence, ...] = field(default=(), converter=_evidence)
    parts: tuple[Figure, ...] = ()
    source: str | None = None
    origin: str = "seve"
    masked: int | None = None

    @property
    def parcours(self) -> tuple[str, ...]:
        """Every parcours stream behind the figure (its parts' too), sorted."""
        subjects = {e.subject for e in self._all() if e.subject.startswith("parcours:")}
        return tuple(sorted(subjects))

    @property
    def events(self) -> tuple[EventId, ...]:
        """Every event behind the figure (its parts' too), sorted."""
        return tuple(sorted({eid for e in self._all() for eid in e.events}))

    def _all(self) -> Iterable[Evidence]:
        yield from self.evidence
        yield from self.base
        for part in self.parts:
            yield from part._all()

    def part(self, code: str) -> Figure:
        """The part with this code; :class:`KeyError` if none."""
        for part in self.parts:
            if part.code == code:
                return part
        raise KeyError(code)


def rate(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator`` to four decimals (``None`` over nothing)."""
    if denominator <= 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(
        _RATE_DIGITS, rounding=ROUND_HALF_EVEN
    )


def count(
    code: str, label: str, evidence: Iterable[Evidence], *, source: str | None = None,
    parts: tuple[Figure, ...] = (),
) -> Figure:  # fmt: skip
    """A count: its value is how many items of evidence it has."""
    items = tuple(evidence)
    return Figure(
        code=code,
        label=label,
        kind=FigureKind.COUNT,
        value=len(items),
        evidence=items,
        source=source,
        parts=parts,
    )


def ratio(
    code: str,
    label: str,
    numerator: Iterable[Evidence],
    base: Iterable[Evidence],
    *,
    kind: FigureKind = FigureKind.RATE,
    source: str | None = None,
    parts: tuple[Figure, ...] = (),
) -> Figure:
    """A rate (or a ratio) with both its numerator's and its denominator's evidence."""
    top, bottom = tuple(numerator), tuple(base)
    return Figure(
        code=code,
        label=label,
        kind=kind,
        value=rate(len(top), len(bottom)),
        numerator=len(top),
        denominator=len(bottom),
        evidence=top,
        base=bottom,
        source=source,
        parts=parts,
    )
