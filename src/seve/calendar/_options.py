"""How calendars are laid out: PMSMP by day or by period, reminders, the team calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from attrs import field, frozen

from ..audience import Audience
from ..model import LabelledEnum

__all__ = ["DEFAULT_ALARMS", "CalendarOptions", "PmsmpLayout"]


class PmsmpLayout(LabelledEnum):
    """How a PMSMP goes in a calendar."""

    DAYS = ("days", "une entrée par jour de présence, à ses horaires")
    PERIOD = ("period", "une entrée pour toute la période, sur des journées entières")


_HOUR: Final = dt.timedelta(hours=1)
_DAY: Final = dt.timedelta(days=1)

#: Reminders of timed entries, by audience: the day before and an hour before for the
#: salarié·e, the day before for employers and prescripteurs, half an hour before for
#: the staff.
DEFAULT_ALARMS: Final[Mapping[Audience, tuple[dt.timedelta, ...]]] = MappingProxyType(
    {
        Audience.SALARIE: (_DAY, _HOUR),
        Audience.STAFF: (dt.timedelta(minutes=30),),
        Audience.EMPLOYER: (_DAY,),
        Audience.PRESCRIPTEUR: (_DAY,),
        Audience.FUNDER: (),
    }
)


@frozen(kw_only=True)
class CalendarOptions:
    """The choices a host application may make about its calendars.

    :param pmsmp: how a PMSMP goes in the salarié·e's and the tutor's calendars
        (default: each day of presence at its hours: they need to know when to come).
    :param staff_pmsmp: how it goes in the staff's and the prescripteur's (default:
        one entry over the whole period, leaving the time free: an overview).
    :param team_calendar: whether every staff entry also goes in the structure's team
        calendar (``siae:<id>``); an entry with no permanent·e named always does.
    :param alarms: the reminders of timed entries, by audience.
    :param all_day_alarms: the reminders of whole-day entries, before midnight of
        their first day (default: 6 hours, at 18:00 the evening before).
    """

    pmsmp: PmsmpLayout = PmsmpLayout.DAYS
    staff_pmsmp: PmsmpLayout = PmsmpLayout.PERIOD
    team_calendar: bool = True
    alarms: Mapping[Audience, tuple[dt.timedelta, ...]] = field(default=DEFAULT_ALARMS)
    all_day_alarms: tuple[dt.timedelta, ...] = (dt.timedelta(hours=6),)

    def alarms_for(self, audience: Audience, *, timed: bool) -> tuple[dt.timedelta, ...]:
        """The reminders of an entry for ``audience``."""
        return self.alarms.get(audience, ()) if timed else self.all_day_alarms
