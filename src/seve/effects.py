"""Side effects of recorded events: calendar entries and messages, as plain values.

Recording an event may call for effects outside seve: publish a PMSMP day in a
tutor's calendar, cancel a job dating, send an offer to the salarié·es it fits.
Plugins *plan* them (hook ``seve_plan_effects``) as the values below; the recording
service schedules them in the outbox with the event, and a dispatcher hands them to
the calendar and messaging plugins.  Nothing here does I/O.

Every effect is built for one :class:`~seve.audience.Audience`; :mod:`seve.audience`
says what it may show.
"""

from __future__ import annotations

import datetime as dt

from attrs import field, frozen
from attrs.validators import optional

from .audience import Audience
from .model import LabelledEnum, MessagePurpose
from .model._base import FieldError, aware, identifier, non_empty

__all__ = [
    "Attachment",
    "Audience",
    "CalendarAction",
    "CalendarEffect",
    "CalendarEntry",
    "Delivery",
    "DeliveryStatus",
    "Effect",
    "Message",
    "MessageEffect",
    "Regarding",
    "RegardingKind",
]


@frozen(kw_only=True)
class CalendarEntry:
    """One calendar entry, rendered, for one calendar.

    :param uid: the iCalendar UID, derived from the domain id (stable).
    :param sequence: the iCalendar SEQUENCE, raised on every significant change.
    :param calendar: whose calendar it goes in, e.g. ``"staff:s-1"``, ``"parcours:p-1"``.
    :param audience: who reads that calendar.
    :param ical: the rendered ``VCALENDAR``, as text.
    """

    uid: str = field(validator=non_empty)
    sequence: int
    calendar: str = field(validator=identifier)
    audience: Audience
    ical: str = field(validator=non_empty)


class CalendarAction(LabelledEnum):
    """What a calendar plugin is asked to do with an entry."""

    PUBLISH = ("publish", "publier")
    UPDATE = ("update", "mettre à jour")
    CANCEL = ("cancel", "annuler")

    @property
    def hook(self) -> str:
        """The hook that performs it, e.g. ``"seve_calendar_publish"``."""
        return f"seve_calendar_{self.value}"


@frozen(kw_only=True)
class Attachment:
    """A file sent with a message (an .ics invitation, a PDF attestation)."""

    filename: str = field(validator=non_empty)
    content_type: str = field(validator=non_empty)
    content: bytes


class RegardingKind(LabelledEnum):
    """What a message may be about, in the stream that holds it."""

    PMSMP = ("pmsmp", "la PMSMP")
    FLASH_INFO = ("flash_info", "la session Flash Info")


def _not_negative(_inst: object, _attribute: object, value: int) -> None:
    if value < 0:
        raise FieldError("format.sequence", f"une séquence ne peut pas être négative : {value}")


@frozen(kw_only=True)
class Regarding:
    """What a message is about, as it stood when the message was planned.

    A reminder leaves the outbox days after it was planned; meanwhile the PMSMP may
    have been amended or cancelled.  Every such change raises the object's
    ``sequence`` (the SEQUENCE of its calendar entries), so the
    :class:`~seve.messaging.SendingGate` compares it at dispatch and refuses a message
    written for an older version (``message.perime``).

    :param stream: the stream that holds it (``"parcours:p-1"``, ``"siae:aci-1"``).
    :param kind: what it is.
    :param id: its id in that stream.
    :param sequence: its sequence when the message was planned.
    """

    stream: str = field(validator=identifier)
    kind: RegardingKind
    id: str = field(validator=identifier)
    sequence: int = field(validator=_not_negative)


@frozen(kw_only=True)
class Message:
    """A rendered message for one recipient on one channel.

    :param channel: ``"email"``, ``"sms"``, ``"whatsapp"``... (the messaging plugins
        say which ones they deliver).
    :param recipient: the address on that channel (e-mail address, phone number).
    :param audience: who the recipient is.
    :param subject: the subject (e-mail) or the first line (SMS).
    :param text: the plain-text body, in French.
    :param html: an HTML body, for channels that show one.
    :param attachments: files to join, where the channel allows.
    :param person: who the recipient is to the sending rules of :mod:`seve.messaging`
        (``"salarie:s-1"``, ``"contact:emp-1:c-2"``): never a name or an address.
    :param purpose: what the message is for (consent is given per purpose).
    :param regarding: what it is about, when it may go stale before it leaves (a
        PMSMP reminder): refused at dispatch if that has changed since.
    """

    channel: str = field(validator=non_empty)
    recipient: str = field(validator=non_empty)
    audience: Audience
    subject: str
    text: str = field(validator=non_empty)
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()
    person: str | None = None
    purpose: MessagePurpose | None = None
    regarding: Regarding | None = None


class DeliveryStatus(LabelledEnum):
    """What became of a message, in seve's own terms (whatever the channel says)."""

    SENT = ("sent", "envoyé")
    ACCEPTED = ("accepted", "accepté par le service, livraison en cours")
    DELIVERED = ("delivered", "remis au destinataire")
    REFUSED = ("refused", "refusé par le service (adresse invalide, désinscription...)")


@frozen(kw_only=True)
class Delivery:
    """A messaging plugin's report on one message.

    A plugin that *cannot* deliver right now (server down, timeout) raises instead:
    the dispatcher retries.  :attr:`DeliveryStatus.REFUSED` is final: no retry.

    :param status: what became of the message.
    :param detail: the channel's own words (status line, provider message).
    :param reference: the provider's id for the message, if any.
    """

    status: DeliveryStatus
    detail: str = ""
    reference: str | None = None


@frozen(kw_only=True)
class CalendarEffect:
    """Publish, update or cancel ``entry`` in every calendar plugin."""

    action: CalendarAction
    entry: CalendarEntry


@frozen(kw_only=True)
class MessageEffect:
    """Deliver ``message`` through the first messaging plugin that takes its channel.

    :param not_before: the earliest instant to send it (a reminder the day before,
        the end of quiet hours); ``None``: as soon as it is recorded.
    """

    message: Message
    not_before: dt.datetime | None = field(default=None, validator=optional(aware))


#: What ``seve_plan_effects`` returns.
Effect = CalendarEffect | MessageEffect
