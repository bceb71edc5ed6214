"""Appointments of a parcours (entretiens, job interviews, suivi dans l'emploi) and the
values every dated moment of the agenda shares: times of day, places and contacts.

A calendar entry needs more than the ids the rest of the model keeps: where to go,
whom to ask for there, whom to call when running late.  These values carry it, as
the person recording the appointment (or the PMSMP convention, or the company
event) wrote it down, so that a calendar can be rendered from one stream alone.
Staff and employer contacts are professional contact data, shared with the people
the appointment concerns; the appointment's own note for the staff is sensitive.

The events of an appointment's life are in ``_appointments_events.py``; calendars
are rendered by :mod:`seve.calendar`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final, NewType

import attrs
from attrs import field, frozen

from ._base import FieldError, LabelledEnum, identifier, non_empty, personal, sensitive
from ._ids import ContactId, EmployerId, MiseEnRelationId, StaffId

__all__ = [
    "AgendaStatus",
    "Appointment",
    "AppointmentId",
    "AppointmentKind",
    "ClockTime",
    "EmployerContact",
    "Place",
    "StaffContact",
    "clock_minutes",
]

#: A time of day, ``"HH:MM"`` on 24 hours (``"08:30"``, ``"17:00"``).
ClockTime = NewType("ClockTime", str)

#: The id of an appointment, unique in its parcours.
AppointmentId = NewType("AppointmentId", str)

_CLOCK: Final = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_OPTIONAL_TEXT: Final = attrs.validators.optional(non_empty)
_TEXTS: Final = attrs.validators.deep_iterable(non_empty)


def clock_time(_inst: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    """Times of day are ``"HH:MM"`` on 24 hours."""
    if not isinstance(value, str) or _CLOCK.fullmatch(value) is None:
        raise FieldError(
            "format.heure", f"heure invalide {value!r} : attendu HH:MM sur 24 heures (ex. 08:30)"
        )


def clock_minutes(clock: str) -> int:
    """A time of day in minutes since midnight: ``"08:30"`` is 510."""
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


class AgendaStatus(LabelledEnum):
    """Where a dated moment stands: scheduled, held (for collective moments) or cancelled."""

    SCHEDULED = ("scheduled", "Prévu")
    HELD = ("held", "Tenu")
    CANCELLED = ("cancelled", "Annulé")


@frozen(kw_only=True)
class Place:
    """Where to go, as a calendar shows it.

    :param name: the place as people know it ("Boulangerie Martin", "Le Jardin, bureau
        des CIP").
    :param street: number and street.
    :param access: how to get there or where to report ("entrée du personnel, à
        l'arrière", "bus C3, arrêt Gare").
    """

    name: str = field(validator=non_empty)
    street: str | None = field(default=None, validator=_OPTIONAL_TEXT)
    postcode: str | None = field(default=None, validator=_OPTIONAL_TEXT)
    city: str | None = field(default=None, validator=_OPTIONAL_TEXT)
    access: str | None = field(default=None, validator=_OPTIONAL_TEXT)

    @property
    def address(self) -> str:
        """Name, street, postcode and city on one line: the ``LOCATION`` of an entry."""
        town = " ".join(part for part in (self.postcode, self.city) if part)
        return ", ".join(part for part in (self.name, self.street, town) if part)


@frozen(kw_only=True)
class StaffContact:
    """A permanent·e of the SIAE as calendars name them: who organises, whom to call.

    Professional contact data: employers and salarié·es see it.
    """

    staff: StaffId = field(validator=identifier)
    name: str = field(validator=non_empty)
    phone: str | None = field(default=None, validator=_OPTIONAL_TEXT)
    email: str | None = field(default=None, validator=_OPTIONAL_TEXT)


@frozen(kw_only=True)
class EmployerContact:
    """Someone at an employer as calendars name them: a recruiter, a manager, a tutor.

    Professional contact data, like :class:`~seve.model.ContactPerson`.
    """

    contact: ContactId = field(validator=identifier)
    name: str = field(validator=non_empty)
    job_title: str | None = field(default=None, validator=_OPTIONAL_TEXT)
    phone: str | None = field(default=None, validator=_OPTIONAL_TEXT)
    email: str | None = field(default=None, validator=_OPTIONAL_TEXT)


class AppointmentKind(LabelledEnum):
    """What an appointment of a parcours is."""

    ENTRETIEN = ("entretien", "Entretien individuel")
    ENTRETIEN_EMBAUCHE = ("entretien_embauche", "Entretien d'embauche")
    SUIVI = ("suivi", "Suivi dans l'emploi")


@frozen(kw_only=True)
class Appointment:
    """An appointment of a parcours: an entretien with a permanent·e, a job interview,
    a suivi dans l'emploi meeting after the sortie.

    :param referent: the permanent·e the person meets, or calls about it.
    :param topic: what it is about, in words the person reads ("Préparer votre
        entretien chez Lidl"); personal.
    :param bring: what the person brings ("votre CV", "votre carte Vitale"); personal.
    :param employer: the employer met, for a job interview or a suivi with the employer.
    :param employer_contact: who is met there: they receive the appointment too.
    :param mise_en_relation: the mise en relation a job interview comes from.
    :param note: for the staff only (sensitive: it may speak of health, justice...).
    :param status: kept by the fold: scheduled, then cancelled perhaps.
    :param sequence: kept by the fold: raised on every change, as the SEQUENCE of its
        calendar entries.
    :param reason: kept by the fold: why it was cancelled (personal).

    ``status``, ``sequence`` and ``reason`` belong to the fold: the values a payload
    gives are replaced.
    """

    id: AppointmentId = field(validator=identifier)
    kind: AppointmentKind
    date: dt.date
    start: ClockTime = field(validator=clock_time)
    end: ClockTime = field(validator=clock_time)
    place: Place
    referent: StaffContact
    topic: str | None = personal(default=None, validator=_OPTIONAL_TEXT)
    bring: tuple[str, ...] = personal(default=(), validator=_TEXTS)
    employer: EmployerId | None = field(
        default=None, validator=attrs.validators.optional(identifier)
    )
    employer_contact: EmployerContact | None = None
    mise_en_relation: MiseEnRelationId | None = field(
        default=None, validator=attrs.validators.optional(identifier)
    )
    note: str | None = sensitive(default=None, validator=_OPTIONAL_TEXT)
    status: AgendaStatus = AgendaStatus.SCHEDULED
    sequence: int = 0
    reason: str | None = personal(default=None, validator=_OPTIONAL_TEXT)
