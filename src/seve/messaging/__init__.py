"""Messages: French templates per audience, the rules of sending, and the planner.

Pure: no I/O and no clock; delivery is a plugin's job (``seve-smtp``,
``seve-apprise``), through the outbox.  The steps:

1. **draft**: a function per occasion (:func:`offer_broadcast`,
   :func:`pmsmp_reminders`, :func:`convention_signature`,
   :func:`convention_renewal`, :func:`suivi_checkins`, :func:`success_story`,
   :func:`flash_info_invitations`) picks the recipients, what each may read
   (through :mod:`seve.audience`) and renders a :class:`Template`: a
   :class:`Draft` per recipient;
2. **plan**: :func:`plan` applies the rules of sending (audience, address, consent,
   quiet hours, rate limit) and gives :class:`~seve.effects.MessageEffect` s for the
   outbox, and a :class:`~seve.errors.Problem` per recipient left out;
3. **record**: :class:`MessagePlanner` does both for the events that call for
   messages, as a ``seve_plan_effects`` plugin of the recording service;
   :class:`SendingGate` checks consent and quiet hours again at dispatch.

See ``docs/messaging.md``.
"""

from ._drafts import (
    DEFAULT_BRING,
    Sender,
    contact_recipient,
    convention_renewal,
    convention_signature,
    flash_info_invitations,
    offer_broadcast,
    pmsmp_reminders,
    prescripteur_recipient,
    salarie_recipient,
    success_story,
    suivi_checkins,
)
from ._planner import Directory, MessagePlanner, SendingGate, sent_from_outbox
from ._render import Content, Template, Templates, french_date, ics_attachment, load_templates
from ._sending import (
    DEFAULT_POLICY,
    EMAIL,
    SHORT_CHANNELS,
    SMS,
    Draft,
    Drafts,
    Plan,
    QuietHours,
    RateLimit,
    Recipient,
    SendingPolicy,
    Sent,
    plan,
)
from ._templates import DEFAULT_TEMPLATES

__all__ = [
    "DEFAULT_BRING",
    "DEFAULT_POLICY",
    "DEFAULT_TEMPLATES",
    "EMAIL",
    "SHORT_CHANNELS",
    "SMS",
    "Content",
    "Directory",
    "Draft",
    "Drafts",
    "MessagePlanner",
    "Plan",
    "QuietHours",
    "RateLimit",
    "Recipient",
    "Sender",
    "SendingGate",
    "SendingPolicy",
    "Sent",
    "Template",
    "Templates",
    "contact_recipient",
    "convention_renewal",
    "convention_signature",
    "flash_info_invitations",
    "french_date",
    "ics_attachment",
    "load_templates",
    "offer_broadcast",
    "plan",
    "pmsmp_reminders",
    "prescripteur_recipient",
    "salarie_recipient",
    "sent_from_outbox",
    "success_story",
    "suivi_checkins",
]
