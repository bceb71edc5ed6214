"""Dates, hours and lists the way French writes them, with no locale.

One place for the calendars (:mod:`seve.calendar`) and the messages
(:mod:`seve.messaging`).

>>> import datetime as dt
>>> long_date(dt.date(2025, 3, 3)), clock("09:00"), clock("13:30")
('lundi 3 mars 2025', '9 h', '13 h 30')
>>> long_date(dt.date(2025, 8, 1), weekday=False)
'1er août 2025'
>>> span("09:00", "12:00")
'de 9 h à 12 h'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Final

__all__ = ["clock", "enumerate_fr", "long_date", "short_date", "span"]

_DAYS: Final = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS: Final = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def long_date(day: dt.date, *, weekday: bool = True) -> str:
    """``"lundi 3 mars 2025"`` (``weekday=False``: ``"3 mars 2025"``); the 1st is ``1er``."""
    number = "1er" if day.day == 1 else str(day.day)
    written = f"{number} {_MONTHS[day.month - 1]} {day.year}"
    return f"{_DAYS[day.weekday()]} {written}" if weekday else written


def short_date(day: dt.date) -> str:
    """``03/03/2025``."""
    return f"{day:%d/%m/%Y}"


def clock(time: str) -> str:
    """``"09:00"`` is ``9 h``, ``"13:30"`` is ``13 h 30``."""
    hours, minutes = time.split(":")
    return f"{int(hours)} h" if minutes == "00" else f"{int(hours)} h {minutes}"


def span(start: str, end: str) -> str:
    """``de 9 h à 12 h``."""
    return f"de {clock(start)} à {clock(end)}"


def enumerate_fr(items: Iterable[str]) -> str:
    """``a``, ``a et b``, ``a, b et c``."""
    listed = list(items)
    if len(listed) <= 1:
        return "".join(listed)
    return f"{', '.join(listed[:-1])} et {listed[-1]}"
