"""What recording an event changes in whose calendar: the calendar effects.

The views of the moments an event touches (a PMSMP, an appointment, a company
event, a Flash Info) are computed on the state before the event and on the state
after it; the difference is the plan:

- a view that appears is published (``PUBLISH``);
- a view that changes is updated (``UPDATE``): the domain raised its sequence;
- a view that disappears, or becomes cancelled, is cancelled (``CANCEL``), with the
  sequence the domain raised;
- a view never published is never cancelled, and a view the domain cancelled never
  comes back; a view that disappeared comes back as a new publication, with a raised
  sequence (a permanent·e or a salarié·e invited again, RFC 5546, 3.2.2).

Views depend only on the stream's state, and on the moment's own fields for what
changes, so the same event on the same state always plans the same effects, in the
same order: the outbox keys derived from them are stable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, Final

import attrs

from ..effects import CalendarAction, CalendarEffect
from ..model import (
    AppointmentCancelled,
    AppointmentChanged,
    AppointmentScheduled,
    CompanyEventCancelled,
    CompanyEventChanged,
    CompanyEventHeld,
    CompanyEventScheduled,
    Event,
    FlashInfoCancelled,
    FlashInfoChanged,
    FlashInfoHeld,
    FlashInfoScheduled,
    Parcours,
    PmsmpAmended,
    PmsmpCancelled,
    PmsmpDrafted,
    PmsmpEnded,
    PmsmpRejected,
    PmsmpRenewed,
    PmsmpSigned,
    PmsmpStarted,
    PmsmpValidated,
    Structure,
)
from ._options import CalendarOptions
from ._render import EntryStatus, EntryView, cancelled, entry
from ._views import (
    Views,
    appointment_views,
    company_event_views,
    flash_info_views,
    pmsmp_views,
)

__all__ = ["CalendarPlanner", "Moment", "calendar_effects", "moments_of", "plan_calendar"]

#: One dated moment of the domain: its kind (``pmsmp``, ``appointment``,
#: ``company_event``, ``flash_info``) and its id in its stream.
Moment = tuple[str, str]

_PMSMP_STEPS: Final = (
    PmsmpSigned,
    PmsmpValidated,
    PmsmpStarted,
    PmsmpEnded,
    PmsmpRejected,
    PmsmpCancelled,
)

_TOUCHES: Final[dict[type, Callable[[Any], tuple[Moment, ...]]]] = {
    PmsmpDrafted: lambda p: (("pmsmp", p.convention.id),),
    PmsmpAmended: lambda p: (("pmsmp", p.convention.id),),
    PmsmpRenewed: lambda p: (("pmsmp", p.renews), ("pmsmp", p.convention.id)),
    **{step: (lambda p: (("pmsmp", p.convention),)) for step in _PMSMP_STEPS},
    AppointmentScheduled: lambda p: (("appointment", p.appointment.id),),
    AppointmentChanged: lambda p: (("appointment", p.appointment.id),),
    AppointmentCancelled: lambda p: (("appointment", p.appointment),),
    CompanyEventScheduled: lambda p: (("company_event", p.event.id),),
    CompanyEventChanged: lambda p: (("company_event", p.event.id),),
    CompanyEventHeld: lambda p: (("company_event", p.event.id),),
    CompanyEventCancelled: lambda p: (("company_event", p.event),),
    FlashInfoScheduled: lambda p: (("flash_info", p.session.id),),
    FlashInfoChanged: lambda p: (("flash_info", p.session.id),),
    FlashInfoHeld: lambda p: (("flash_info", p.session.id),),
    FlashInfoCancelled: lambda p: (("flash_info", p.session),),
}


def touched(payload: Any) -> tuple[Moment, ...]:
    """The moments an event's payload touches (none for most events)."""
    touches = _TOUCHES.get(type(payload))
    return () if touches is None else touches(payload)


def moments_of(state: Any) -> list[Moment]:
    """Every dated moment a stream's state holds, in a stable order."""
    if isinstance(state, Parcours):
        return [
            *(("pmsmp", key) for key in sorted(state.pmsmps)),
            *(("appointment", key) for key in sorted(state.mediation.appointments)),
        ]
    if isinstance(state, Structure):
        return [
            *(("company_event", key) for key in sorted(state.company_events)),
            *(("flash_info", key) for key in sorted(state.flash_infos)),
        ]
    return []


def _found(state: Any, moment: Moment) -> Any:
    """The moment in ``state`` (``None`` if it is not there)."""
    kind, key = moment
    if isinstance(state, Parcours):
        if kind == "pmsmp":
            return state.pmsmps.get(key)  # type: ignore[call-overload]
        if kind == "appointment":
            return state.mediation.appointments.get(key)  # type: ignore[call-overload]
    if isinstance(state, Structure):
        if kind == "company_event":
            return state.company_events.get(key)  # type: ignore[call-overload]
        if kind == "flash_info":
            return state.flash_infos.get(key)  # type: ignore[call-overload]
    return None


def views_of(state: Any, moment: Moment, options: CalendarOptions) -> Views:
    """The views of one moment in ``state`` (none if it is not there)."""
    found = _found(state, moment)
    if found is None:
        return {}
    kind = moment[0]
    if kind == "pmsmp":
        return pmsmp_views(state, found, options)
    if kind == "appointment":
        return appointment_views(state, found, options)
    if kind == "company_event":
        return company_event_views(state, found, options)
    return flash_info_views(state, found, options)


def _live(view: EntryView | None) -> bool:
    return view is not None and view.status is not EntryStatus.CANCELLED


def _changed(old: EntryView, new: EntryView) -> bool:
    return attrs.evolve(old, sequence=0) != attrs.evolve(new, sequence=0)


def _diff(old: Views, new: Views, *, sequence: int) -> Iterable[tuple[CalendarAction, EntryView]]:
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if not _live(before):
            if before is None and _live(after):
                assert after is not None
                yield CalendarAction.PUBLISH, after
            continue
        assert before is not None
        if after is None:
            yield CalendarAction.CANCEL, cancelled(before, sequence=sequence)
        elif after.status is EntryStatus.CANCELLED:
            yield CalendarAction.CANCEL, after
        elif _changed(before, after):
            yield CalendarAction.UPDATE, after


def plan_calendar(
    event: Event[Any], before: Any, after: Any, *, options: CalendarOptions | None = None
) -> list[CalendarEffect]:
    """The calendar effects of recording ``event`` on ``before``, giving ``after``.

    ``DTSTAMP`` is the event's ``recorded_at``: the time the recording service was
    given, never a clock read here.
    """
    options = CalendarOptions() if options is None else options
    effects: list[CalendarEffect] = []
    for moment in touched(event.payload):
        now_state = _found(after, moment)
        sequence = 0 if now_state is None else now_state.sequence
        old, new = views_of(before, moment, options), views_of(after, moment, options)
        for action, view in _diff(old, new, sequence=sequence):
            effects.append(
                CalendarEffect(
                    action=action, entry=entry(view, action=action, now=event.recorded_at)
                )
            )
    return effects


def calendar_effects(
    state: Any, *, now: dt.datetime, options: CalendarOptions | None = None
) -> list[CalendarEffect]:
    """Every entry a stream's state holds that is not cancelled, to publish: what a
    calendar built from scratch shows (a new feed, a calendar server that lost its
    data).

    :param now: the ``DTSTAMP`` of the entries.
    """
    options = CalendarOptions() if options is None else options
    effects = []
    for moment in moments_of(state):
        for _key, view in sorted(views_of(state, moment, options).items()):
            if _live(view):
                action = CalendarAction.PUBLISH
                effects.append(
                    CalendarEffect(action=action, entry=entry(view, action=action, now=now))
                )
    return effects


class CalendarPlanner:
    """Plans calendar effects with the same options for every event: the object behind
    seve's built-in plugin ``seve.calendar``, and what a host application registers to
    choose other options.

    >>> from seve.calendar import CalendarOptions, CalendarPlanner, PmsmpLayout
    >>> planner = CalendarPlanner(CalendarOptions(staff_pmsmp=PmsmpLayout.DAYS))
    """

    def __init__(self, options: CalendarOptions | None = None) -> None:
        self.options = CalendarOptions() if options is None else options

    def plan(self, event: Event[Any], before: Any, after: Any) -> list[CalendarEffect]:
        """The calendar effects of one event (see :func:`plan_calendar`)."""
        return plan_calendar(event, before, after, options=self.options)

    def effects(self, state: Any, *, now: dt.datetime) -> list[CalendarEffect]:
        """Every live entry of a state (see :func:`calendar_effects`)."""
        return calendar_effects(state, now=now, options=self.options)
