"""What a rule is, and the registry the engine runs."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from typing import Any

from dateutil.relativedelta import relativedelta

from ..errors import Problem
from ..model import Event, Parcours, StreamKind

__all__ = ["Rule", "may_be_aged", "months_after", "register", "rules_for"]

#: A rule looks at the state before an event (``None`` when the event opens the
#: stream), the state after it, and the event; it yields every problem it finds.
Rule = Callable[[Any, Any, Event[Any]], Iterable[Problem]]

_RULES: dict[StreamKind, list[Rule]] = {kind: [] for kind in StreamKind}


def register(kind: StreamKind) -> Callable[[Rule], Rule]:
    """Add a rule for the streams of ``kind`` (used by seve and by plugins)."""

    def add(rule: Rule) -> Rule:
        if rule not in _RULES[kind]:
            _RULES[kind].append(rule)
        return rule

    return add


def rules_for(kind: StreamKind) -> tuple[Rule, ...]:
    """The rules that run on every event of a stream of ``kind``, in order."""
    return tuple(_RULES[kind])


def months_after(start: dt.date, months: int) -> dt.date:
    """The last day of a period of ``months`` months *de date à date* from ``start``.

    The period ends the day before the same date ``months`` later: 4 months from
    15 January end on 14 May.  When that date does not exist, the period ends on the
    last day of the month: 1 month from 31 January ends on 28 (or 29) February.
    """
    same_date = start + relativedelta(months=months)
    if same_date.day != start.day:  # clamped by dateutil: no such date that month
        return same_date
    return same_date - dt.timedelta(days=1)


def may_be_aged(parcours: Parcours, age: int, day: dt.date) -> bool:
    """Whether the salarié·e may be ``age`` or older on ``day``.

    Exact with a birth date (:class:`~seve.model.PersonalData`); otherwise the age band
    at entry, aged by the time since the embauche, decides (personal data may have been
    erased: a rule then refuses only what the band makes impossible).
    """
    personal = parcours.personal
    if personal is not None and personal.birth_date is not None:
        born = personal.birth_date
        years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        return years >= age
    elapsed = max((day - parcours.embauche).days, 0)
    return parcours.situation.age_band.may_have_reached(age, math.ceil(elapsed / 365.25))
