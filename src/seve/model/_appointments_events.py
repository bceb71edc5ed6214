"""Appointments as events of the parcours: scheduled, changed, cancelled.

Each change raises the appointment's ``sequence``, which its calendar entries carry
as their SEQUENCE (RFC 5545), so that calendar clients take the change.  The
fold refuses what contradicts the parcours: an id used twice, a change to an
unknown or cancelled appointment, a suivi dans l'emploi before the sortie, hours
that end before they start.
"""

from __future__ import annotations

import attrs
from attrs import field, frozen

from ._appointments import AgendaStatus, Appointment, AppointmentId, AppointmentKind
from ._base import identifier, non_empty, personal
from ._events import Event, StreamKind, event_type
from ._fold import refuse, refuse_duplicate
from ._mediation_events import _file, refuse_bad_times
from ._parcours import PARCOURS, Parcours

__all__ = [
    "AppointmentCancelled",
    "AppointmentChanged",
    "AppointmentScheduled",
]

_PARCOURS = StreamKind.PARCOURS


def _checked(state: Parcours, appointment: Appointment) -> None:
    refuse_bad_times(appointment.start, appointment.end, "appointment", "end")
    if appointment.kind is AppointmentKind.SUIVI and (
        state.sortie is None or appointment.date < state.sortie.date
    ):
        refuse(
            "suivi.avant_sortie",
            "un rendez-vous de suivi dans l'emploi se tient après la sortie",
            "appointment",
            "date",
        )


def _known(state: Parcours, appointment_id: AppointmentId, *path: str) -> Appointment:
    known = state.mediation.appointments.get(appointment_id)
    if known is None:
        refuse("rendez_vous.inconnu", f"aucun rendez-vous {appointment_id} dans ce parcours", *path)
    if known.status is AgendaStatus.CANCELLED:
        refuse("rendez_vous.annule", f"le rendez-vous {appointment_id} est annulé", *path)
    return known


def _with(state: Parcours, appointment: Appointment) -> Parcours:
    appointments = {**state.mediation.appointments, appointment.id: appointment}
    return _file(state, appointments=appointments)


@event_type("appointment_scheduled", stream=_PARCOURS)
@frozen(kw_only=True)
class AppointmentScheduled:
    """An appointment is made: an entretien, a job interview, a suivi meeting."""

    appointment: Appointment


@PARCOURS.rule(AppointmentScheduled, when_closed=True)
def _scheduled(state: Parcours, event: Event[AppointmentScheduled]) -> Parcours:
    new = event.payload.appointment
    refuse_duplicate(
        new.id,
        state.mediation.appointments,
        "rendez_vous.doublon",
        "le rendez-vous",
        "appointment",
        "id",
    )
    _checked(state, new)
    return _with(state, attrs.evolve(new, status=AgendaStatus.SCHEDULED, sequence=0, reason=None))


@event_type("appointment_changed", stream=_PARCOURS)
@frozen(kw_only=True)
class AppointmentChanged:
    """An appointment moves, or changes place, referent or content: the whole
    appointment as it now stands, under the same id."""

    appointment: Appointment


@PARCOURS.rule(AppointmentChanged, when_closed=True)
def _changed(state: Parcours, event: Event[AppointmentChanged]) -> Parcours:
    new = event.payload.appointment
    known = _known(state, new.id, "appointment", "id")
    _checked(state, new)
    changed = attrs.evolve(new, status=known.status, sequence=known.sequence + 1, reason=None)
    return _with(state, changed)


@event_type("appointment_cancelled", stream=_PARCOURS)
@frozen(kw_only=True)
class AppointmentCancelled:
    """An appointment is cancelled, with a reason (personal: the person reads it)."""

    appointment: AppointmentId = field(validator=identifier)
    reason: str = personal(validator=non_empty)


@PARCOURS.rule(AppointmentCancelled, when_closed=True)
def _cancelled(state: Parcours, event: Event[AppointmentCancelled]) -> Parcours:
    p = event.payload
    known = _known(state, p.appointment, "appointment")
    cancelled = attrs.evolve(
        known, status=AgendaStatus.CANCELLED, sequence=known.sequence + 1, reason=p.reason
    )
    return _with(state, cancelled)
