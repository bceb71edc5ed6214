"""seve's built-in calendar plugin, ``seve.calendar``: plans the calendar effects of
every recorded event (hook ``seve_plan_effects``), so that the recording service puts
them in the outbox and the dispatcher hands them to the calendar plugins.

This is the only module of :mod:`seve.calendar` that knows about hooks; the rest is
pure.  A host application that wants other options disables the built-in plugin
(``SEVE_DISABLED_PLUGINS=seve.calendar``) and registers its own
:class:`CalendarPlugin`::

    plugins.register(CalendarPlugin(CalendarOptions(team_calendar=False)), "calendrier")
"""

from __future__ import annotations

from typing import Any

from ..effects import CalendarEffect
from ..hooks import hookimpl
from ..model import Event
from ._options import CalendarOptions
from ._plan import CalendarPlanner

__all__ = ["CalendarPlugin", "seve_plan_effects"]


class CalendarPlugin:
    """Calendar planning as a plugin object, with its options."""

    def __init__(self, options: CalendarOptions | None = None) -> None:
        self.planner = CalendarPlanner(options)

    @hookimpl
    def seve_plan_effects(self, event: Event[Any], before: Any, after: Any) -> list[CalendarEffect]:
        """The calendar effects of ``event`` (see :func:`seve.calendar.plan_calendar`)."""
        return self.planner.plan(event, before, after)


_DEFAULT = CalendarPlugin()


@hookimpl
def seve_plan_effects(event: Event[Any], before: Any, after: Any) -> list[CalendarEffect]:
    """The calendar effects of ``event``, with the default options."""
    return _DEFAULT.planner.plan(event, before, after)
