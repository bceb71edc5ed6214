"""The ``VTIMEZONE`` of Europe/Paris, written once, by hand.

Generating it from the tz database (icalendar's ``add_missing_timezones``) lists
every transition since 1970 and depends on the tzdata of the machine: two machines
would publish different calendars.  The rules below are the European Union's since
1996 (summer time from the last Sunday of March at 02:00 to the last Sunday of
October at 03:00), which cover every date seve handles; the test suite checks them
against ``zoneinfo`` day by day, so a change of the law shows up there.
"""

from __future__ import annotations

from typing import Final

import icalendar

from ..model import PARIS

__all__ = ["PARIS_TZID", "VTIMEZONE_PARIS", "paris_vtimezone"]

#: The TZID every timed entry of seve carries.
PARIS_TZID: Final = str(PARIS)

#: The ``VTIMEZONE`` component of Europe/Paris, as text (CRLF line ends).
VTIMEZONE_PARIS: Final = "\r\n".join(
    (
        "BEGIN:VTIMEZONE",
        f"TZID:{PARIS_TZID}",
        "X-LIC-LOCATION:Europe/Paris",
        "BEGIN:DAYLIGHT",
        "TZNAME:CEST",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZNAME:CET",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
        "",
    )
)


def paris_vtimezone() -> icalendar.Timezone:
    """A new ``VTIMEZONE`` component for Europe/Paris."""
    component = icalendar.Timezone.from_ical(VTIMEZONE_PARIS)
    assert isinstance(component, icalendar.Timezone)
    return component
