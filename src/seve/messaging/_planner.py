"""Messages planned with the events that call for them, and checked again at dispatch.

- :class:`MessagePlanner` is a plugin (hook ``seve_plan_effects``): when the
  recording service records an offer, a validated PMSMP, a sortie or a shared
  success story, it drafts the messages, applies the rules of sending, and returns
  the effects: they go to the outbox in the same transaction as the event.  The
  recipients it may not write to are reported as problems, never dropped.
- :class:`SendingGate` is a plugin too (hook ``seve_deliver_message``, asked
  first): at dispatch time it refuses a message whose recipient withdrew their
  consent since it was planned, that is about a PMSMP or a Flash Info changed or
  cancelled since, or that comes out of the outbox in quiet hours.

Neither does I/O nor reads a clock of its own: the planner's time is the event's
``recorded_at``; the gate's clock is given by the host.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import msgspec

from ..effects import Delivery, DeliveryStatus, Message, MessageEffect, Regarding, RegardingKind
from ..errors import Problem
from ..hooks import hookimpl
from ..model import (
    PARIS,
    Employer,
    EmployerId,
    Event,
    FlashInfo,
    FlashInfoId,
    FlashInfoScheduled,
    OfferCaptured,
    Parcours,
    Pmsmp,
    PmsmpAmended,
    PmsmpId,
    PmsmpStatus,
    PmsmpValidated,
    PrescripteurId,
    SiaeId,
    SortieRecorded,
    StaffId,
    StreamId,
    Structure,
    SuccessStoryShared,
)
from ..storage import OutboxEntry, OutboxStatus
from ._drafts import (
    UNKNOWN_PHONE,
    Sender,
    flash_info_invitations,
    offer_broadcast,
    pmsmp_reminders,
    salarie_recipient,
    success_story,
    suivi_checkins,
)
from ._render import Templates
from ._sending import DEFAULT_POLICY, EMAIL, SMS, Drafts, Plan, Recipient, SendingPolicy, Sent, plan
from ._templates import DEFAULT_TEMPLATES

__all__ = ["Directory", "MessagePlanner", "SendingGate", "sent_from_outbox"]

#: The hook of message entries in an outbox (see :mod:`seve.app`).
_DELIVER: Final = "seve_deliver_message"
_MESSAGE: Final = msgspec.json.Decoder(Message)


class Directory:
    """What the planner knows of other streams: the latest folded states.

    A message about one stream often needs another: an offer (employer stream) goes
    to salarié·es (parcours streams); a PMSMP reminder (parcours) goes to a tutor
    (employer stream).  The directory keeps the states the planner sees go by,
    and the host :meth:`load` s the existing ones at start-up.  It is a cache: the
    log stays the truth.

    :param prescripteurs: who to write to at each prescripteur, and its name.
    :param phones: the phone number to give for each permanent·e.
    """

    def __init__(
        self,
        *,
        prescripteurs: Mapping[PrescripteurId, tuple[Recipient, str]] | None = None,
        phones: Mapping[StaffId, str] | None = None,
    ) -> None:
        self.parcours: dict[StreamId, Parcours] = {}
        self.employers: dict[EmployerId, Employer] = {}
        self.structures: dict[SiaeId, Structure] = {}
        self.prescripteurs = dict(prescripteurs or {})
        self.phones = dict(phones or {})

    def load(self, states: Iterable[Any]) -> None:
        """Remember folded states (parcours, employers, structures; others ignored)."""
        for state in states:
            self.update(state)

    def update(self, state: Any) -> None:
        if isinstance(state, Parcours):
            self.parcours[state.stream] = state
        elif isinstance(state, Employer):
            self.employers[state.company.id] = state
        elif isinstance(state, Structure):
            self.structures[state.siae.id] = state

    def sender(self, staff: StaffId) -> Sender:
        """The permanent·e ``staff`` and their structure, as messages sign."""
        for structure in self.structures.values():
            member = structure.staff.get(staff)
            if member is not None:
                phone = self.phones.get(staff, UNKNOWN_PHONE)
                return Sender(structure=structure.siae.name, contact=member.name, phone=phone)
        name = next((s.siae.name for s in self.structures.values()), "la structure")
        return Sender(structure=name, contact="votre conseiller·e")

    def recipient(self, person: str) -> Recipient | None:
        """The current :class:`Recipient` of a salarié·e's key (``"salarie:s-1"``)."""
        kind, _, key = person.partition(":")
        if kind != "salarie":
            return None
        for parcours in self.parcours.values():
            if parcours.salarie == key:
                return salarie_recipient(parcours)
        return None

    def sequence(self, regarding: Regarding) -> int | None:
        """The sequence now of the PMSMP or Flash Info ``regarding`` names (``None``
        when this directory does not know it)."""
        held: Pmsmp | FlashInfo | None = None
        if regarding.kind is RegardingKind.PMSMP:
            parcours = self.parcours.get(StreamId(regarding.stream))
            held = parcours.pmsmps.get(PmsmpId(regarding.id)) if parcours is not None else None
        elif regarding.kind is RegardingKind.FLASH_INFO:
            structure = next(
                (s for s in self.structures.values() if s.stream == regarding.stream), None
            )
            held = structure.flash_infos.get(FlashInfoId(regarding.id)) if structure else None
        return None if held is None else held.sequence


class MessagePlanner:
    """Plans the messages of recorded events (hook ``seve_plan_effects``).

    ========================  ===========================================================
    event                     messages
    ========================  ===========================================================
    ``offer_captured``        ``offre.diffusion`` to each salarié·e the offer fits
    ``pmsmp_validated``       ``pmsmp.rappel_tuteur`` and ``pmsmp.rappel_salarie``, the
                              day before it starts
    ``pmsmp_amended``         the same reminders again, for the new days (the gate
                              refuses those planned before), once validated
    ``sortie_recorded``       ``suivi.prise_de_nouvelles`` at 1, 3, 6 and 12 months
    ``success_story_shared``  ``valorisation.belle_histoire`` to the prescripteur
    ``flash_info_scheduled``  ``flash_info.invitation`` to the salarié·es invited
    ========================  ===========================================================

    Conventions de partenariat have no event that calls for a message here: the host
    drafts (:func:`~seve.messaging.convention_signature`,
    :func:`~seve.messaging.convention_renewal`) and plans them.

    :param directory: the states of the other streams (a new one by default).
    :param policy: quiet hours and the rate limit.
    :param history: what was already scheduled before this planner started, for
        the rate limit (see :func:`sent_from_outbox`).
    :param on_refused: called with the event and the problems of the recipients
        left out, each time an event's messages are planned.
    :param ics: the invitation to join to a PMSMP's reminders, if any.
    :param channels: the channels to write to salarié·es on, by preference.
    :ivar refusals: the problems of each event, by event id.
    """

    def __init__(
        self,
        *,
        directory: Directory | None = None,
        policy: SendingPolicy = DEFAULT_POLICY,
        templates: Templates = DEFAULT_TEMPLATES,
        history: Iterable[Sent] = (),
        on_refused: Callable[[Event[Any], tuple[Problem, ...]], None] | None = None,
        ics: Callable[[Parcours, str], Any] | None = None,
        channels: Sequence[str] = (SMS, EMAIL),
    ) -> None:
        self.directory = Directory() if directory is None else directory
        self.policy = policy
        self.templates = templates
        self._history = tuple(history)
        self._on_refused = on_refused
        self._ics = ics
        self.channels = tuple(channels)
        self._plans: dict[str, Plan] = {}
        self.refusals: dict[str, tuple[Problem, ...]] = {}

    @hookimpl
    def seve_plan_effects(self, event: Event[Any], before: Any, after: Any) -> list[MessageEffect]:
        if after is not None:
            self.directory.update(after)
        drafts = self.drafts_for(event, after)
        if not drafts.drafts and not drafts.problems:
            return []
        # planned again when the recorder retries after a concurrent write: the
        # event's earlier plan is replaced, not counted twice
        history = [
            *self._history,
            *(s for event_id, p in self._plans.items() if event_id != event.id for s in p.sent),
        ]
        result = plan(drafts, now=event.recorded_at, policy=self.policy, history=history)
        self._plans[event.id] = result
        if result.problems:
            self.refusals[event.id] = result.problems
            if self._on_refused is not None:
                self._on_refused(event, result.problems)
        return list(result.effects)

    def drafts_for(self, event: Event[Any], after: Any) -> Drafts:
        """The drafts of ``event`` (its stream's state after it: ``after``)."""
        payload = event.payload
        sender = self.directory.sender(event.recorded_by)
        match payload:
            case OfferCaptured(offer=offer) if isinstance(after, Employer):
                return offer_broadcast(
                    offer,
                    self.directory.parcours.values(),
                    employer=after.company.name,
                    on=event.day,
                    sender=sender,
                    templates=self.templates,
                    channels=self.channels,
                )
            case PmsmpValidated(convention=pmsmp) if isinstance(after, Parcours):
                return self._reminders(after, pmsmp, sender)
            case PmsmpAmended(convention=amended) if (
                isinstance(after, Parcours)
                and after.pmsmps[amended.id].status is PmsmpStatus.VALIDATED
            ):
                return self._reminders(after, amended.id, sender)
            case SortieRecorded() if isinstance(after, Parcours):
                return suivi_checkins(
                    after, sender=sender, templates=self.templates, channels=self.channels
                )
            case SuccessStoryShared(story=story, prescripteur=prescripteur) if isinstance(
                after, Parcours
            ):
                known = self.directory.prescripteurs.get(prescripteur)
                if known is None:
                    return _unknown(f"aucun contact connu chez {prescripteur}", "prescripteur")
                to, organisation = known
                return success_story(
                    after,
                    story,
                    to=to,
                    organisation=organisation,
                    on=event.day,
                    sender=sender,
                    templates=self.templates,
                )
            case FlashInfoScheduled(session=session) if isinstance(after, Structure):
                invited = [
                    p for p in self.directory.parcours.values() if p.salarie in session.invited
                ]
                place = after.siae.name if session.place is None else session.place.address
                held = after.flash_infos[session.id]
                return flash_info_invitations(
                    invited,
                    date=session.date,
                    time=session.start,
                    place=place,
                    topics=session.topics,
                    led_by=self.directory.sender(session.led_by).contact,
                    sender=sender,
                    templates=self.templates,
                    channels=self.channels,
                    regarding=Regarding(
                        stream=after.stream,
                        kind=RegardingKind.FLASH_INFO,
                        id=session.id,
                        sequence=held.sequence,
                    ),
                )
        return Drafts()

    def _reminders(self, parcours: Parcours, pmsmp: PmsmpId, sender: Sender) -> Drafts:
        held = parcours.pmsmps[pmsmp]
        host = self.directory.employers.get(held.convention.host)
        if host is None:
            return _unknown(f"l'employeur {held.convention.host} est inconnu", "host")
        ics = self._ics(parcours, pmsmp) if self._ics is not None else None
        return pmsmp_reminders(
            parcours,
            pmsmp,
            employer=host,
            sender=sender,
            ics=ics,
            templates=self.templates,
            channels=self.channels,
        )


def _unknown(message: str, *path: str) -> Drafts:
    problem = Problem(code="message.destinataire_inconnu", message=message, path=path)
    return Drafts(problems=(problem,))


def sent_from_outbox(entries: Iterable[OutboxEntry]) -> tuple[Sent, ...]:
    """The history of the rate limit, from the messages of an outbox (pending and
    delivered ones: ``store.outbox()``), for a planner that starts again."""
    return tuple(
        Sent(person=message.person, at=entry.due_at, purpose=message.purpose)
        for entry in entries
        if entry.hook == _DELIVER
        and (message := _MESSAGE.decode(entry.data)).person is not None
        and entry.status is not OutboxStatus.DEAD
    )


class SendingGate:
    """The rules of sending, checked again when a message leaves the outbox
    (hook ``seve_deliver_message``, asked before any channel plugin).

    A message planned days ago (a reminder, a suivi check-in) may meet a person who
    has since said stop, a PMSMP amended or cancelled since, or leave the outbox at
    night after the dispatcher was down.  The gate then returns a
    :attr:`~seve.effects.DeliveryStatus.REFUSED` delivery, whose detail is the problem
    (``message.sans_consentement``, ``message.perime``, ``message.heures_calmes``):
    the entry is dead-lettered, visible in ``store.outbox(status=OutboxStatus.DEAD)``,
    and may be requeued in the morning (not a stale one: the planner planned the
    reminders of an amended PMSMP again).  Otherwise it returns ``None`` and the
    channel plugins deliver.

    :param recipients: the current :class:`Recipient` of a person's key, or ``None``
        when unknown (the message then goes: the planner checked it).
    :param clock: the time now (the dispatcher's).
    :param sequences: the sequence now of what a message is about
        (:class:`~seve.effects.Regarding`), or ``None`` when unknown (the message then
        goes); :meth:`Directory.sequence` answers from the states it holds.  Without
        it, messages are not checked for staleness.
    """

    def __init__(
        self,
        recipients: Callable[[str], Recipient | None],
        *,
        clock: Callable[[], dt.datetime],
        policy: SendingPolicy = DEFAULT_POLICY,
        sequences: Callable[[Regarding], int | None] | None = None,
    ) -> None:
        self._recipients = recipients
        self._clock = clock
        self.policy = policy
        self._sequences = sequences

    def check(self, message: Message, *, now: dt.datetime) -> Problem | None:
        """Why ``message`` may not leave now, or ``None``."""
        if message.person is not None and message.purpose is not None:
            recipient = self._recipients(message.person)
            day = now.astimezone(PARIS).date()
            if recipient is not None and not recipient.allows(
                message.channel, message.purpose, day
            ):
                return Problem(
                    code="message.sans_consentement",
                    message=f"{message.person} a retiré son accord pour "
                    f"« {message.purpose.label} » par {message.channel} depuis que ce "
                    "message a été prévu",
                    path=("message", "person"),
                    legal="RGPD, art. 7.3 (retrait du consentement), art. 21 (opposition)",
                )
        about = message.regarding
        if about is not None and self._sequences is not None:
            current = self._sequences(about)
            if current is not None and current != about.sequence:
                return Problem(
                    code="message.perime",
                    message=f"{about.kind.label} {about.id} a été modifiée ou annulée depuis "
                    f"que ce message a été prévu (version {about.sequence}, maintenant "
                    f"{current}) : il n'a plus lieu d'être envoyé",
                    path=("message", "regarding"),
                )
        quiet = self.policy.quiet_hours
        if quiet.applies_to(message.channel) and quiet.quiet_at(now):
            then = quiet.next_allowed(now)
            return Problem(
                code="message.heures_calmes",
                message=f"message {message.channel} sorti de la file en heures calmes : "
                f"à renvoyer à partir du {then:%d/%m/%Y à %H:%M}",
                path=("message", "channel"),
            )
        return None

    @hookimpl(tryfirst=True)
    def seve_deliver_message(self, message: Message, key: str) -> Delivery | None:
        problem = self.check(message, now=self._clock())
        if problem is None:
            return None
        return Delivery(status=DeliveryStatus.REFUSED, detail=str(problem), reference=problem.code)
