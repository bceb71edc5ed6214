"""One calendar entry as a value (:class:`EntryView`), and its rendering as an
iTIP message (RFC 5546) with the icalendar library.

A view is what one calendar shows of one domain moment, already cut to its
audience; rendering adds what the action and the time decide: the ``METHOD``
(``PUBLISH`` for people who are not attendees, ``REQUEST`` when the view has
attendees: the staff; ``CANCEL`` to cancel), ``STATUS:CANCELLED`` and the
``DTSTAMP`` (the injected time, never the clock).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Final

import attrs
import icalendar
from attrs import field, frozen

from ..audience import Audience
from ..effects import CalendarAction, CalendarEntry
from ..model import PARIS, LabelledEnum
from ..model._base import identifier, non_empty
from ._timezone import VTIMEZONE_PARIS

__all__ = [
    "PRODID",
    "Address",
    "EntryStatus",
    "EntryView",
    "cancelled",
    "entry",
    "render",
    "uid_for",
]

#: The ``PRODID`` of every calendar seve renders (RFC 5545, 3.7.3).
PRODID: Final = "-//seve//calendrier//FR"

#: The domain part of every UID seve derives.
_UID_DOMAIN: Final = "seve"


def uid_for(kind: str, *parts: str) -> str:
    """A deterministic UID for one moment of the domain, in one audience's calendars.

    ``parts`` name the moment (its stream, its id, the day for one day of a
    period, the audience); the UID hashes them, so that it is stable from one
    rendering to the next yet reveals no internal id to the people who read it:

    >>> uid_for("pmsmp", "parcours:p-1", "pm-1", "2025-03-03", "employer")
    'pmsmp-...@seve'
    >>> uid_for("pmsmp", "parcours:p-1", "pm-1") == uid_for("pmsmp", "parcours:p-1", "pm-1")
    True
    """
    digest = hashlib.sha256("\x1f".join((kind, *parts)).encode()).hexdigest()[:32]
    return f"{kind}-{digest}@{_UID_DOMAIN}"


class EntryStatus(LabelledEnum):
    """The ``STATUS`` of an entry (RFC 5545, 3.8.1.11)."""

    TENTATIVE = ("TENTATIVE", "à confirmer")
    CONFIRMED = ("CONFIRMED", "confirmé")
    CANCELLED = ("CANCELLED", "annulé")


@frozen(kw_only=True)
class Address:
    """A calendar user: an ``ORGANIZER`` or an ``ATTENDEE``.

    :param name: the ``CN`` (common name) shown by calendar clients.
    :param uri: ``mailto:`` an address when it is known, else a ``urn:seve:`` name.
    """

    name: str = field(validator=non_empty)
    uri: str = field(validator=non_empty)


def _same_kind(
    inst: EntryView, _attribute: attrs.Attribute[dt.datetime | dt.date], end: dt.datetime | dt.date
) -> None:
    start = inst.start
    if isinstance(end, dt.datetime) or isinstance(start, dt.datetime):
        later = isinstance(end, dt.datetime) and isinstance(start, dt.datetime) and end > start
    else:
        later = end > start
    if not later:
        raise ValueError(f"une entrée finit après son début, au même format : {start}, {end}")


@frozen(kw_only=True)
class EntryView:
    """What one calendar shows of one moment, cut to its audience, before rendering.

    :param uid: the UID, stable for the moment and the audience (:func:`uid_for`).
    :param calendar: whose calendar it goes in (``"staff:cip-1"``, ``"salarie:s-7"``,
        ``"contact:tuteur-1"``, ``"employer:emp-1"``, ``"prescripteur:ft-1"``,
        ``"siae:aci-1"``).
    :param start: a Paris datetime for a timed entry, a date for a whole day;
        ``end`` is of the same kind, after it (exclusive for dates, RFC 5545).
    :param location: the ``LOCATION``.
    :param sequence: the domain's sequence of the moment.
    :param organizer: the permanent·e (or the SIAE) who organises it.
    :param attendees: the staff invited; an entry with attendees is a ``REQUEST``.
    :param alarms: reminders, each so long before the start (``VALARM``).
    :param transparent: whether it leaves its time free (``TRANSP:TRANSPARENT``).
    :param private: ``CLASS:PRIVATE`` (the staff's and the salarié·e's entries), or
        ``PUBLIC``.
    """

    uid: str = field(validator=non_empty)
    calendar: str = field(validator=identifier)
    audience: Audience
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date = field(validator=_same_kind)
    summary: str = field(validator=non_empty)
    description: str
    location: str | None
    status: EntryStatus
    sequence: int
    organizer: Address
    attendees: tuple[Address, ...] = ()
    categories: tuple[str, ...] = ()
    alarms: tuple[dt.timedelta, ...] = ()
    transparent: bool = False
    private: bool = True


def cancelled(view: EntryView, *, sequence: int, why: str | None = None) -> EntryView:
    """The cancellation of ``view``: ``STATUS:CANCELLED`` at ``sequence``, its summary
    marked ``Annulé :`` for the clients that still show it, no reminder left."""
    summary = view.summary if view.status is EntryStatus.CANCELLED else f"Annulé : {view.summary}"
    head = "Annulé." if why is None else f"Annulé : {why}"
    description = view.description
    if view.status is not EntryStatus.CANCELLED:
        description = f"{head}\n\n{description}" if description else head
    return attrs.evolve(
        view,
        status=EntryStatus.CANCELLED,
        sequence=sequence,
        summary=summary,
        description=description,
        alarms=(),
    )


def _address(who: Address, **params: str) -> icalendar.vCalAddress:
    value = icalendar.vCalAddress(who.uri)
    value.params["CN"] = who.name
    value.params.update(params)
    return value


def _timestamp(now: dt.datetime) -> dt.datetime:
    if now.utcoffset() is None:
        raise ValueError(f"DTSTAMP : l'instant {now.isoformat()} doit préciser son fuseau horaire")
    return now.astimezone(dt.UTC)


def render(view: EntryView, *, action: CalendarAction, now: dt.datetime) -> str:
    """The ``VCALENDAR`` of one view: an iTIP message (RFC 5546) for ``action``.

    - ``PUBLISH`` and ``UPDATE``: ``METHOD:REQUEST`` when the view has attendees
      (the staff's entries), ``METHOD:PUBLISH`` otherwise;
    - ``CANCEL``: ``METHOD:CANCEL`` with ``STATUS:CANCELLED`` (RFC 5546, 3.2.5); the
      view must be cancelled (:func:`cancelled`), with its raised sequence.

    :param now: the ``DTSTAMP``: when the message is made (injected; seve reads no
        clock).
    """
    if action is CalendarAction.CANCEL:
        if view.status is not EntryStatus.CANCELLED:
            raise ValueError("une annulation porte STATUS:CANCELLED (voir cancelled())")
        method = "CANCEL"
    else:
        method = "REQUEST" if view.attendees else "PUBLISH"
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", view.uid)
    event.add("dtstamp", _timestamp(now))
    event.add("sequence", view.sequence)
    event.add("dtstart", _local(view.start))
    event.add("dtend", _local(view.end))
    event.add("summary", view.summary)
    if view.description:
        event.add("description", view.description)
    if view.location:
        event.add("location", view.location)
    event.add("status", view.status.value)
    event.add("transp", "TRANSPARENT" if view.transparent else "OPAQUE")
    event.add("class", "PRIVATE" if view.private else "PUBLIC")
    if view.categories:
        event.add("categories", list(view.categories))
    event.add("organizer", _address(view.organizer))
    for attendee in view.attendees:
        event.add(
            "attendee",
            _address(
                attendee,
                CUTYPE="INDIVIDUAL",
                ROLE="REQ-PARTICIPANT",
                PARTSTAT="NEEDS-ACTION",
                RSVP="FALSE",
            ),
        )
    for before in view.alarms:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", view.summary)
        alarm.add("trigger", -before)
        event.add_component(alarm)
    calendar.add_component(event)
    text = str(calendar.to_ical().decode())
    if isinstance(view.start, dt.datetime):  # its TZID needs the VTIMEZONE (RFC 5545, 3.6.5)
        head, begin, tail = text.partition("BEGIN:VEVENT\r\n")
        text = head + VTIMEZONE_PARIS + begin + tail
    return text


def _local(value: dt.datetime | dt.date) -> dt.datetime | dt.date:
    """Timed values in Europe/Paris (``DTSTART;TZID=Europe/Paris``); dates as they are."""
    if isinstance(value, dt.datetime):
        return value.astimezone(PARIS)
    return value


def entry(view: EntryView, *, action: CalendarAction, now: dt.datetime) -> CalendarEntry:
    """The :class:`~seve.effects.CalendarEntry` of ``view`` for ``action``."""
    return CalendarEntry(
        uid=view.uid,
        sequence=view.sequence,
        calendar=view.calendar,
        audience=view.audience,
        ical=render(view, action=action, now=now),
    )
