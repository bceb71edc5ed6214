"""Consent to messages: what a salarié·e agreed to receive, on which channel, for what.

A salarié·e's phone number and e-mail are personal data: seve writes to them only
for the purposes they agreed to, on the channels they agreed to, and stops the day
they say stop.  Each decision is an event of the parcours (``_consent_events.py``);
:class:`MessagingConsents` folds them, and :mod:`seve.messaging` asks it before
planning any message.  Professional contacts (tutors, prescripteurs) are written to
unless they object: see :class:`ConsentBasis`.

Consent to share a success story with prescripteurs is another matter, kept with
the story (:class:`~seve.model.Consent`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final, NewType

import attrs
from attrs import field, frozen

from ._base import FieldError, LabelledEnum, value_only

__all__ = [
    "Channel",
    "ConsentBasis",
    "ConsentDecision",
    "MessagePurpose",
    "MessagingConsents",
    "channel_name",
]

#: A messaging channel: ``"email"``, ``"sms"``, ``"whatsapp"``... (the messaging
#: plugins say which they deliver).
Channel = NewType("Channel", str)

_CHANNEL_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")


@value_only
def channel_name(_inst: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    """A channel is a short lowercase name: ``email``, ``sms``, ``whatsapp``, ``signal``."""
    if not isinstance(value, str) or not value or len(value) > 32 or set(value) - _CHANNEL_CHARS:
        raise FieldError(
            "format.canal",
            f"canal invalide {value!r} : un nom court en minuscules (email, sms, whatsapp...)",
        )


class MessagePurpose(LabelledEnum):
    """What a message is for: consent is given (or withdrawn) per purpose."""

    OFFRES = ("offres", "Offres d'emploi captées")
    RAPPELS = ("rappels", "Rappels de rendez-vous (PMSMP, entretiens)")
    INVITATIONS = ("invitations", "Invitations (Flash Info, événements entreprises)")
    SUIVI = ("suivi", "Suivi dans l'emploi")
    CONVENTIONS = ("conventions", "Conventions de partenariat")
    VALORISATION = ("valorisation", "Belles histoires partagées avec les prescripteurs")


class ConsentBasis(LabelledEnum):
    """On what ground seve may write to someone (RGPD, art. 6)."""

    OPT_IN = ("opt_in", "Consentement préalable (salarié·es en transition)")
    OPT_OUT = ("opt_out", "Sauf opposition (contacts professionnels)")


@frozen(kw_only=True)
class ConsentDecision:
    """One decision of the person: yes or no to a channel, for a purpose or for all.

    :param purpose: ``None``: every purpose (a "STOP" to all SMS, say).
    :param given: ``True`` for a consent, ``False`` for a withdrawal or an objection.
    :param on: the day it takes effect.
    """

    channel: Channel = field(validator=channel_name)
    purpose: MessagePurpose | None
    given: bool
    on: dt.date

    def applies_to(self, channel: str, purpose: MessagePurpose) -> bool:
        return self.channel == channel and self.purpose in (None, purpose)


@frozen(kw_only=True)
class MessagingConsents:
    """A person's decisions about messages, in the order they were made.

    The latest decision that applies to a channel and a purpose, on or before a day,
    says whether seve may write then: later decisions override earlier ones, a
    decision for every purpose included.
    """

    decisions: tuple[ConsentDecision, ...] = ()

    def decision(
        self, channel: str, purpose: MessagePurpose, on: dt.date
    ) -> ConsentDecision | None:
        """The decision in force on ``on`` for ``channel`` and ``purpose``, if any."""
        for decision in reversed(self.decisions):
            if decision.on <= on and decision.applies_to(channel, purpose):
                return decision
        return None

    def allows(
        self,
        channel: str,
        purpose: MessagePurpose,
        on: dt.date,
        *,
        basis: ConsentBasis = ConsentBasis.OPT_IN,
    ) -> bool:
        """Whether seve may write on ``channel`` for ``purpose`` on ``on``.

        With :attr:`ConsentBasis.OPT_IN` a consent must be in force; with
        :attr:`ConsentBasis.OPT_OUT` only an objection stops it.
        """
        decision = self.decision(channel, purpose, on)
        if decision is None:
            return basis is ConsentBasis.OPT_OUT
        return decision.given

    def with_decision(self, decision: ConsentDecision) -> MessagingConsents:
        """These decisions and one more (the fold's step)."""
        return MessagingConsents(decisions=(*self.decisions, decision))
