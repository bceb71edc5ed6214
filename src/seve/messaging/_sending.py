"""The rules of sending: who may be written to, on which channel, and when.

:func:`plan` turns :class:`Draft` s (a rendered content for one recipient) into
:class:`~seve.effects.MessageEffect` s for the outbox, or into a
:class:`~seve.errors.Problem` for each recipient it may not write to: never a
silent drop.  It checks, in this order:

1. the audience: the template was written for the recipient's audience
   (``message.audience``);
2. an address on one of the draft's channels (``message.sans_adresse``);
3. consent and objections, per person, channel and purpose
   (``message.sans_consentement``);
4. quiet hours: no SMS at night nor on Sunday (configurable); a message due then
   waits for the morning, unless it would then be too late
   (``message.heures_calmes``, ``message.trop_tard``);
5. a rate limit per person (``message.limite_atteinte``).

Pure: the time is the caller's ``now``, the history of what was already sent is
given, nothing is read.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Final

from attrs import field, frozen

from ..audience import Audience
from ..effects import Attachment, Message, MessageEffect, Regarding
from ..errors import Problem
from ..model import (
    PARIS,
    ClockTime,
    ConsentBasis,
    MessagePurpose,
    MessagingConsents,
)
from ..model._appointments import clock_minutes, clock_time
from ._render import Content

__all__ = [
    "DEFAULT_POLICY",
    "EMAIL",
    "SHORT_CHANNELS",
    "SMS",
    "Draft",
    "Drafts",
    "Plan",
    "QuietHours",
    "RateLimit",
    "Recipient",
    "SendingPolicy",
    "Sent",
    "plan",
]

EMAIL: Final = "email"
SMS: Final = "sms"
#: Channels read like SMS: short text, no HTML; quiet hours apply to them.
SHORT_CHANNELS: Final = frozenset({"sms", "whatsapp", "signal", "telegram"})

_CONSENT_LAW: Final = "RGPD, art. 6.1 a) et 7 (consentement), art. 21 (opposition)"


def _addresses(values: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(values))


@frozen(kw_only=True)
class Recipient:
    """Someone a message may go to, as the sending rules know them.

    :param person: a stable, pseudonymous key: ``"salarie:s-1"``,
        ``"contact:emp-1:c-2"``, ``"prescripteur:ft-1"`` (problems name it, never
        the person's name).
    :param audience: who they are; the message's template must be for it.
    :param name: how the message names them (already chosen through
        :func:`seve.audience.name_for`).
    :param addresses: the address on each channel they can be reached on.
    :param consents: their decisions about messages.
    :param basis: whether they must have agreed (salarié·es) or only not objected
        (professional contacts).
    """

    person: str
    audience: Audience
    name: str
    addresses: Mapping[str, str] = field(factory=dict, converter=_addresses)
    consents: MessagingConsents = field(factory=MessagingConsents)
    basis: ConsentBasis = ConsentBasis.OPT_IN

    def allows(self, channel: str, purpose: MessagePurpose, on: dt.date) -> bool:
        """Whether they may be written to on ``channel`` for ``purpose`` on ``on``."""
        return self.consents.allows(channel, purpose, on, basis=self.basis)


@frozen(kw_only=True)
class Draft:
    """A message rendered for one recipient, before the sending rules.

    :param template: the template's name (for problems and tests).
    :param audience: the audience the content was written for.
    :param channels: where to send it, in order of preference: the first channel
        the recipient has an address on and agrees to is used.
    :param not_before: the earliest instant to send it (the day before a PMSMP...).
    :param expires_at: past this instant the message is pointless (the PMSMP has
        started): it is refused rather than sent late.
    :param regarding: what it is about, for the gate to check at dispatch that it has
        not changed since (see :class:`~seve.effects.Regarding`).
    """

    template: str
    purpose: MessagePurpose
    audience: Audience
    recipient: Recipient
    content: Content
    channels: tuple[str, ...] = (EMAIL,)
    attachments: tuple[Attachment, ...] = ()
    not_before: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    regarding: Regarding | None = None


@frozen(kw_only=True)
class Drafts:
    """Drafts, and a problem for every recipient no draft could be written for."""

    drafts: tuple[Draft, ...] = ()
    problems: tuple[Problem, ...] = ()

    def __add__(self, other: Drafts) -> Drafts:
        return Drafts(drafts=self.drafts + other.drafts, problems=self.problems + other.problems)


def _days(values: Iterable[int]) -> frozenset[int]:
    return frozenset(values)


@frozen(kw_only=True)
class QuietHours:
    """When short channels (SMS...) stay silent: at night, on days off, on holidays.

    :param start: the evening hour from which they are silent (``"20:00"``).
    :param end: the morning hour from which they may speak again (``"08:00"``).
    :param days_off: silent all day: ``calendar.SUNDAY`` (6) by default.
    :param holidays: silent all day too (public holidays: the host gives them).
    :param channels: the channels concerned (e-mail waits in an inbox: not by default).
    """

    start: ClockTime = field(default=ClockTime("20:00"), validator=clock_time)
    end: ClockTime = field(default=ClockTime("08:00"), validator=clock_time)
    days_off: frozenset[int] = field(default=frozenset({calendar.SUNDAY}), converter=_days)
    holidays: frozenset[dt.date] = frozenset()
    channels: frozenset[str] = SHORT_CHANNELS

    def applies_to(self, channel: str) -> bool:
        return channel in self.channels

    def quiet_at(self, instant: dt.datetime) -> bool:
        """Whether ``instant`` (any time zone; judged in Paris) is quiet."""
        local = instant.astimezone(PARIS)
        if local.weekday() in self.days_off or local.date() in self.holidays:
            return True
        minute = local.hour * 60 + local.minute
        start, end = clock_minutes(self.start), clock_minutes(self.end)
        if start > end:  # overnight: 20:00 -> 08:00
            return minute >= start or minute < end
        return start <= minute < end

    def next_allowed(self, instant: dt.datetime) -> dt.datetime:
        """The first instant from ``instant`` on that is not quiet (in Paris time)."""
        local = instant.astimezone(PARIS)
        end = dt.time.fromisoformat(self.end)
        for _day in range(400):
            if not self.quiet_at(local):
                return local
            day = local.date()
            morning = dt.datetime.combine(day, end, tzinfo=PARIS)
            if local < morning and local.weekday() not in self.days_off:
                candidate = morning
            else:
                candidate = dt.datetime.combine(day + dt.timedelta(days=1), end, tzinfo=PARIS)
            local = candidate if candidate > local else local + dt.timedelta(days=1)
        raise ValueError("heures calmes : aucun moment permis sur plus d'un an")


@frozen(kw_only=True)
class RateLimit:
    """At most ``count`` messages to one person within ``per``, counting and
    limiting only ``purposes`` (reminders and suivi are never held back)."""

    count: int = 3
    per: dt.timedelta = dt.timedelta(days=1)
    purposes: frozenset[MessagePurpose] = frozenset(
        {MessagePurpose.OFFRES, MessagePurpose.INVITATIONS}
    )


@frozen(kw_only=True)
class SendingPolicy:
    """The rules of sending of one SIAE: quiet hours and the rate limit."""

    quiet_hours: QuietHours = QuietHours()
    rate_limit: RateLimit = RateLimit()


#: Quiet hours from 20:00 to 08:00 and on Sundays; 3 offers or invitations a day.
DEFAULT_POLICY: Final = SendingPolicy()


@frozen(kw_only=True)
class Sent:
    """A message already scheduled for a person: the rate limit counts them."""

    person: str
    at: dt.datetime
    purpose: MessagePurpose | None


@frozen(kw_only=True)
class Plan:
    """What :func:`plan` decided: the effects to schedule, and a problem for every
    recipient left out.

    :param sent: what the effects add to the history (for the next plan).
    """

    effects: tuple[MessageEffect, ...] = ()
    problems: tuple[Problem, ...] = ()
    sent: tuple[Sent, ...] = ()

    def __add__(self, other: Plan) -> Plan:
        return Plan(
            effects=self.effects + other.effects,
            problems=self.problems + other.problems,
            sent=self.sent + other.sent,
        )


def plan(
    drafts: Drafts | Iterable[Draft],
    *,
    now: dt.datetime,
    policy: SendingPolicy = DEFAULT_POLICY,
    history: Sequence[Sent] = (),
) -> Plan:
    """Apply the rules of sending to ``drafts``, planned at ``now``.

    :param drafts: what the drafting functions gave; their problems (a success
        story without consent...) are kept with the plan's own.
    :param history: what was already scheduled, for the rate limit.
    :returns: one effect per draft that may go, one problem per draft that may not.
    """
    if isinstance(drafts, Drafts):
        found: list[Problem] = list(drafts.problems)
        drafts = drafts.drafts
    else:
        found = []
    effects: list[MessageEffect] = []
    sent: list[Sent] = list(history)
    added: list[Sent] = []
    for index, draft in enumerate(drafts):
        outcome = _one(draft, now=now, policy=policy, history=sent)
        if isinstance(outcome, Problem):
            found.append(outcome.at("drafts", index))
            continue
        effects.append(outcome)
        record = Sent(
            person=draft.recipient.person,
            at=outcome.not_before or now,
            purpose=draft.purpose,
        )
        sent.append(record)
        added.append(record)
    return Plan(effects=tuple(effects), problems=tuple(found), sent=tuple(added))


def _problem(code: str, message: str, *path: str | int, legal: str | None = None) -> Problem:
    return Problem(code=code, message=message, path=path, legal=legal)


def _one(
    draft: Draft, *, now: dt.datetime, policy: SendingPolicy, history: Sequence[Sent]
) -> MessageEffect | Problem:
    who = draft.recipient
    person = who.person
    if draft.audience is not who.audience:
        return _problem(
            "message.audience",
            f"le modèle {draft.template} est écrit pour « {draft.audience.label} », "
            f"pas pour {person} ({who.audience.label})",
            "audience",
        )
    reachable = [c for c in draft.channels if who.addresses.get(c)]
    if not reachable:
        return _problem(
            "message.sans_adresse",
            f"{person} n'a pas d'adresse pour {' ni '.join(draft.channels)}",
            "recipient",
            "addresses",
        )
    due = max(now, draft.not_before) if draft.not_before is not None else now
    agreed = [c for c in reachable if who.allows(c, draft.purpose, due.astimezone(PARIS).date())]
    if not agreed:
        basis = "n'a pas donné son accord" if who.basis is ConsentBasis.OPT_IN else "s'y oppose"
        return _problem(
            "message.sans_consentement",
            f"{person} {basis} pour « {draft.purpose.label} » par {' ni par '.join(reachable)}",
            "recipient",
            "consents",
            legal=_CONSENT_LAW,
        )
    channel = agreed[0]
    quiet = policy.quiet_hours
    send_at = quiet.next_allowed(due) if quiet.applies_to(channel) else due
    if draft.expires_at is not None and send_at >= draft.expires_at:
        if due >= draft.expires_at:
            return _problem(
                "message.trop_tard",
                f"{draft.template} pour {person} arriverait après le "
                f"{_when(draft.expires_at)} : il n'a plus d'objet",
                "expires_at",
            )
        return _problem(
            "message.heures_calmes",
            f"{draft.template} pour {person} tomberait en heures calmes ({channel}) "
            f"jusqu'après le {_when(draft.expires_at)}",
            "channels",
        )
    limit = policy.rate_limit
    if draft.purpose in limit.purposes:
        window = [
            s
            for s in history
            if s.person == person
            and s.purpose in limit.purposes
            and abs(s.at - send_at) < limit.per
        ]
        if len(window) >= limit.count:
            return _problem(
                "message.limite_atteinte",
                f"{person} a déjà {len(window)} message(s) prévu(s) à moins de "
                f"{_duration(limit.per)} de celui-ci (au plus {limit.count})",
                "recipient",
            )
    content = draft.content
    short = channel in SHORT_CHANNELS
    message = Message(
        channel=channel,
        recipient=who.addresses[channel],
        audience=draft.audience,
        subject=content.subject,
        text=(content.short or content.text) if short else content.text,
        html=None if short else content.html,
        attachments=() if short else draft.attachments,
        person=person,
        purpose=draft.purpose,
        regarding=draft.regarding,
    )
    return MessageEffect(message=message, not_before=send_at if send_at > now else None)


def _when(instant: dt.datetime) -> str:
    return f"{instant.astimezone(PARIS):%d/%m/%Y à %H:%M}"


def _duration(delta: dt.timedelta) -> str:
    if delta % dt.timedelta(days=1) == dt.timedelta(0):
        days = delta.days
        return "1 jour" if days == 1 else f"{days} jours"
    return f"{delta.total_seconds() / 3600:g} h"
