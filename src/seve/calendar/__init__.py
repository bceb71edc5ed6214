"""Calendars: every dated moment of the domain as RFC-correct iCalendar, per audience.

A PMSMP (day by day, or over its period), an appointment (an entretien, a job
interview, a suivi dans l'emploi meeting), a company event and a Flash Info become
calendar entries, one per calendar, each cut to its audience by :mod:`seve.audience`:

- a deterministic UID per moment and audience, derived from the domain ids;
- the SEQUENCE the domain keeps, raised by the fold on every change;
- ``METHOD:PUBLISH`` for people who are not attendees, ``REQUEST`` with ``ATTENDEE``
  for the staff, ``CANCEL`` with ``STATUS:CANCELLED`` and a raised SEQUENCE to cancel
  (RFC 5546, 3.2.5);
- a ``VTIMEZONE`` for Europe/Paris, ``VALARM`` reminders, a ``DTSTAMP`` given, never
  read from a clock.

:func:`plan_calendar` gives the calendar effects of an event (seve's built-in plugin
``seve.calendar`` plans them for the recording service); :func:`calendar_effects`
every live entry of a state; :func:`read_company_events` reads an employer's .ics
into draft company events.  Nothing here does I/O: the plugins ``seve-ics`` and
``seve-caldav`` write the entries.
"""

from ._import import ImportedEvents, read_company_events
from ._options import DEFAULT_ALARMS, CalendarOptions, PmsmpLayout
from ._plan import CalendarPlanner, Moment, calendar_effects, moments_of, plan_calendar
from ._plugin import CalendarPlugin
from ._render import PRODID, Address, EntryStatus, EntryView, cancelled, entry, render, uid_for
from ._timezone import PARIS_TZID, VTIMEZONE_PARIS, paris_vtimezone
from ._views import (
    appointment_views,
    calendar_id,
    company_event_views,
    flash_info_views,
    pmsmp_views,
)

__all__ = [
    "DEFAULT_ALARMS",
    "PARIS_TZID",
    "PRODID",
    "VTIMEZONE_PARIS",
    "Address",
    "CalendarOptions",
    "CalendarPlanner",
    "CalendarPlugin",
    "EntryStatus",
    "EntryView",
    "ImportedEvents",
    "Moment",
    "PmsmpLayout",
    "appointment_views",
    "calendar_effects",
    "calendar_id",
    "cancelled",
    "company_event_views",
    "entry",
    "flash_info_views",
    "moments_of",
    "paris_vtimezone",
    "plan_calendar",
    "pmsmp_views",
    "read_company_events",
    "render",
    "uid_for",
]
