"""The fulfilment of a convention de partenariat on a date: what was committed, what
was done so far, pro-rated to the date, with the events behind each figure.

Computed from the log every time, never stored: a late event (a PMSMP recorded a week
after it started) changes the figures the next time they are asked for.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import ROUND_FLOOR, Decimal
from typing import Final

from attrs import frozen

from ..model import (
    ConventionId,
    Employer,
    EmployerId,
    EventId,
    LabelledEnum,
    Partnership,
    PartnershipConvention,
    SiaeId,
)
from ._facts import Fact, FactKind

__all__ = ["Figure", "Fulfilment", "FulfilmentStatus", "committed", "fulfilment", "fulfilments"]

_CENT: Final = Decimal("0.01")


class FulfilmentStatus(LabelledEnum):
    """How a commitment (or a whole convention) stands on a date."""

    MET = ("met", "Engagement tenu")
    ON_TRACK = ("on_track", "En bonne voie")
    BEHIND = ("behind", "En retard")
    NOT_COMMITTED = ("not_committed", "Sans engagement chiffré")


@frozen(kw_only=True)
class Figure:
    """One commitment of a convention on a date.

    :param committed: the volume committed over the whole period.
    :param expected: that volume pro-rated to the date (days elapsed over days of the
        period), rounded down to the hundredth.
    :param done: what was done so far, within the period.
    :param status: *met* once ``done`` reaches ``committed``; *on track* while ``done``
        is at least the whole part of ``expected`` (half a PMSMP cannot be late);
        *behind* otherwise; *not committed* without a positive volume.
    :param facts: what was done, each with the events that prove it.
    """

    kind: FactKind
    committed: int
    expected: Decimal
    done: int
    status: FulfilmentStatus
    facts: tuple[Fact, ...]

    @property
    def events(self) -> tuple[EventId, ...]:
        """The ids of every event behind the figure, sorted."""
        return tuple(sorted({eid for fact in self.facts for eid in fact.events}))


@frozen(kw_only=True)
class Fulfilment:
    """A convention's commitments against what was done, on a date.

    :param start: the first day of the period; ``end``: its last day (the day of an
        early end, if it ended early).
    :param elapsed_days: days of the period elapsed on the date (both ends included),
        out of ``period_days`` (the days of the whole term).
    :param status: *behind* if one commitment is, *met* if every one is, *on track*
        otherwise (*not committed* when the convention has no volume).
    """

    convention: ConventionId
    employer: EmployerId
    on: dt.date
    start: dt.date
    end: dt.date
    elapsed_days: int
    period_days: int
    figures: tuple[Figure, ...]
    status: FulfilmentStatus

    def figure(self, kind: FactKind) -> Figure:
        """The figure of one kind of commitment."""
        return next(f for f in self.figures if f.kind is kind)


def committed(convention: PartnershipConvention) -> Mapping[FactKind, int]:
    """The volume committed for each kind of fact: the company's, and the SIAE's
    candidates proposed."""
    company = convention.company
    return {
        FactKind.PMSMP: company.pmsmp,
        FactKind.HIRE: company.hires,
        FactKind.VISIT: company.visits,
        FactKind.EVENT: company.events,
        FactKind.MECENAT: company.mecenat,
        FactKind.PROPOSAL: convention.siae.proposals,
    }


def _status(committed: int, expected: Decimal, done: int) -> FulfilmentStatus:
    if committed <= 0:
        return FulfilmentStatus.NOT_COMMITTED
    if done >= committed:
        return FulfilmentStatus.MET
    if done >= int(expected):
        return FulfilmentStatus.ON_TRACK
    return FulfilmentStatus.BEHIND


def _overall(figures: Iterable[Figure]) -> FulfilmentStatus:
    statuses = {f.status for f in figures} - {FulfilmentStatus.NOT_COMMITTED}
    if not statuses:
        return FulfilmentStatus.NOT_COMMITTED
    if FulfilmentStatus.BEHIND in statuses:
        return FulfilmentStatus.BEHIND
    if statuses == {FulfilmentStatus.MET}:
        return FulfilmentStatus.MET
    return FulfilmentStatus.ON_TRACK


def fulfilment(partnership: Partnership, facts: Iterable[Fact], on: dt.date) -> Fulfilment:
    """What the convention committed to against what was done, on ``on``.

    A fact counts if it was done with the convention's company, for one of its SIAE,
    from the first day of the period to ``on`` (or to the early end, if it ended
    early).  The volumes committed are those of the convention as it stands (its
    avenants applied); each is pro-rated to the days elapsed: on the 73rd day of a
    period of 365, a company that committed to 10 PMSMP is expected to have hosted 2.

    :param facts: the facts of the log (:func:`~seve.partnerships.facts`), in any order.
    """
    c = partnership.convention
    end = partnership.effective_end
    period = max((c.end - c.start).days + 1, 1)
    last = min(on, end)
    elapsed = min(max((last - c.start).days + 1, 0), period)
    counted = {
        f
        for f in facts
        if f.employer == c.employer and f.siae in c.siaes and c.start <= f.day <= last
    }
    figures = []
    for kind, volume in committed(c).items():
        done = tuple(sorted((f for f in counted if f.kind is kind), key=_order))
        expected = (Decimal(max(volume, 0) * elapsed) / Decimal(period)).quantize(
            _CENT, rounding=ROUND_FLOOR
        )
        figures.append(
            Figure(
                kind=kind,
                committed=volume,
                expected=expected,
                done=len(done),
                status=_status(volume, expected, len(done)),
                facts=done,
            )
        )
    return Fulfilment(
        convention=c.id,
        employer=c.employer,
        on=on,
        start=c.start,
        end=end,
        elapsed_days=elapsed,
        period_days=period,
        figures=tuple(figures),
        status=_overall(figures),
    )


def _by_employer(facts: Iterable[Fact]) -> dict[EmployerId, list[Fact]]:
    """The facts of each company: queries over many companies look only at theirs."""
    grouped: dict[EmployerId, list[Fact]] = defaultdict(list)
    for fact in facts:
        grouped[fact.employer].append(fact)
    return grouped


def _order(fact: Fact) -> tuple[dt.date, tuple[EventId, ...]]:
    return (fact.day, fact.events)


def fulfilments(
    employers: Iterable[Employer],
    facts: Iterable[Fact],
    on: dt.date,
    *,
    siae: SiaeId | None = None,
) -> tuple[Fulfilment, ...]:
    """The fulfilment, on ``on``, of every convention that came into force by then (of
    ``siae``'s, if given), by company and start."""
    by_employer = _by_employer(facts)
    found = [
        fulfilment(p, by_employer.get(employer.company.id, ()), on)
        for employer in employers
        for p in employer.partnerships.values()
        if p.activated_on is not None and p.activated_on <= on and (siae is None or p.binds(siae))
    ]
    return tuple(sorted(found, key=lambda f: (f.employer, f.start, f.convention)))
