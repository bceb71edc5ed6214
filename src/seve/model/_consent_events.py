"""Consent to messages as events of the parcours (values in ``_consent.py``).

Both events may come after the sortie: the suivi dans l'emploi writes to people
who have left the SIAE, and they may say stop at any time.
"""

from __future__ import annotations

from typing import Any

import attrs
from attrs import field, frozen

from ._consent import Channel, ConsentDecision, MessagePurpose, channel_name
from ._events import Event, StreamKind, event_type
from ._parcours import PARCOURS, Parcours

__all__ = ["MessagingConsentGiven", "MessagingConsentWithdrawn"]


@event_type("messaging_consent_given", stream=StreamKind.PARCOURS)
@frozen(kw_only=True)
class MessagingConsentGiven:
    """The person agrees, from this day, to receive messages on a channel for a
    purpose (``None``: every purpose)."""

    channel: Channel = field(validator=channel_name)
    purpose: MessagePurpose | None = None


@event_type("messaging_consent_withdrawn", stream=StreamKind.PARCOURS)
@frozen(kw_only=True)
class MessagingConsentWithdrawn:
    """The person says stop, from this day, to messages on a channel for a purpose
    (``None``: every purpose).  An objection needs no earlier consent."""

    channel: Channel = field(validator=channel_name)
    purpose: MessagePurpose | None = None


def _decide(state: Parcours, event: Event[Any], *, given: bool) -> Parcours:
    decision = ConsentDecision(
        channel=event.payload.channel, purpose=event.payload.purpose, given=given, on=event.day
    )
    return attrs.evolve(state, messaging_consents=state.messaging_consents.with_decision(decision))


@PARCOURS.rule(MessagingConsentGiven, when_closed=True)
def _given(state: Parcours, event: Event[MessagingConsentGiven]) -> Parcours:
    return _decide(state, event, given=True)


@PARCOURS.rule(MessagingConsentWithdrawn, when_closed=True)
def _withdrawn(state: Parcours, event: Event[MessagingConsentWithdrawn]) -> Parcours:
    return _decide(state, event, given=False)
