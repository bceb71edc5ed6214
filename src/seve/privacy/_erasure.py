"""Erasure: what to rewrite and delete so that a person's personal data are gone,
while the anonymous facts (dates, categories, counts) stay for the indicators.

:func:`plan_erasure` decides, from the log and the outbox, without I/O; :func:`forget`
(the right to erasure) and the retention run apply a plan through the
:class:`~seve.storage.Store` protocol, in one :meth:`~seve.storage.Store.erase`
transaction: all of it or nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import msgspec
from attrs import field, frozen

from ..app import Recorder
from ..audience import PrivacyError
from ..errors import Problem
from ..model import (
    Embauche,
    Event,
    EventId,
    PersonalData,
    PersonalDataRecorded,
    SalarieId,
    StaffId,
    StreamKind,
    stream_id,
)
from ..serialization import decode_event, encode_event
from ..storage import OutboxEntry, Store, StoredEvent
from ._audit import PersonalDataErased, RetentionCategory
from ._text import (
    ERASED,
    FREIN_TEXT,
    NOT_FREE_TEXT,
    Identity,
    personal_text,
    quick_fold,
    replace_matches,
    rewrite,
)

__all__ = [
    "PARCOURS_PARTS",
    "Erasure",
    "ErasurePlan",
    "ErasureReport",
    "find_parcours",
    "forget",
    "identity_of",
    "new_audit_id",
    "plan_erasure",
]

#: The parts of a parcours an erasure may take: all three for the right to erasure.
PARCOURS_PARTS: Final = frozenset(
    {RetentionCategory.CONTACT, RetentionCategory.FREINS, RetentionCategory.NOTES}
)

_CALENDAR_HOOKS: Final = "seve_calendar_"
_EMBAUCHE: Final = "embauche"
_PERSONAL: Final = "personal_data_recorded"


@frozen(kw_only=True)
class Erasure:
    """What plugins are told to drop (hook ``seve_forget``): seve has erased it from
    its store, they erase their own copies (calendar feeds, sent-message logs, caches).

    :param reason: ``"effacement"`` (a person's request) or ``"conservation"`` (a
        retention run).
    :param salarie: the person forgotten, for an erasure on request.
    :param streams: the streams whose personal data were erased.
    :param calendar_uids: the UIDs of the calendar entries scheduled for them.
    :param outbox_keys: the outbox entries deleted (the keys plugins were called with).
    :param identity: the names, e-mail addresses and phone numbers to drop wherever
        they appear (empty when only notes or old entries expired).
    """

    reason: str
    salarie: SalarieId | None = None
    streams: tuple[str, ...] = ()
    calendar_uids: tuple[str, ...] = ()
    outbox_keys: tuple[str, ...] = ()
    identity: tuple[str, ...] = ()


@frozen(kw_only=True)
class ErasurePlan:
    """What an erasure writes: new bodies for some events, outbox entries to delete.

    :param events: the new body of each rewritten event, by id.
    :param outbox: the keys of the outbox entries to delete.
    :param streams: the streams whose parts were erased.
    :param touched: every stream with a rewritten event (``streams``, and those where
        the identity was found).
    :param calendar_uids: the UIDs of the calendar entries among the deleted entries.
    :param identity: the identity hunted in every stream and entry.
    :param events_by: how many events each category rewrote.
    :param outbox_by: how many outbox entries each category deleted.
    """

    events: Mapping[str, bytes] = field(factory=dict)
    outbox: tuple[str, ...] = ()
    streams: tuple[str, ...] = ()
    touched: tuple[str, ...] = ()
    calendar_uids: tuple[str, ...] = ()
    identity: Identity = field(factory=Identity)
    events_by: Mapping[RetentionCategory, int] = field(factory=dict)
    outbox_by: Mapping[RetentionCategory, int] = field(factory=dict)

    @property
    def empty(self) -> bool:
        return not self.events and not self.outbox

    def notice(self, reason: str, salarie: SalarieId | None = None) -> Erasure:
        """The :class:`Erasure` plugins are told about once this plan is applied."""
        return Erasure(
            reason=reason,
            salarie=salarie,
            streams=self.streams,
            calendar_uids=self.calendar_uids,
            outbox_keys=self.outbox,
            identity=self.identity.strings,
        )


def _category(owner: type, name: str) -> RetentionCategory | None:
    """The category a text field belongs to, for erasure (``None``: it stays)."""
    if owner is PersonalData:
        return RetentionCategory.CONTACT
    if (owner, name) in FREIN_TEXT:
        return RetentionCategory.FREINS
    if (owner, name) not in NOT_FREE_TEXT and personal_text(owner, name):
        return RetentionCategory.NOTES
    return None


def _keep(text: str) -> str:
    return text


def _never(_owner: type, _name: str) -> bool:
    return False


def _replacing(pattern: re.Pattern[str]) -> Callable[[str], str]:
    def substitute(text: str) -> str:
        return replace_matches(text, pattern, ERASED)

    return substitute


def _erase_parts(payload: Any, parts: frozenset[RetentionCategory]) -> tuple[Any, set[Any]]:
    """``payload`` with the ``parts`` of a parcours erased, and the parts that changed it."""
    changed: set[Any] = set()
    contact = RetentionCategory.CONTACT in parts
    if contact and isinstance(payload, PersonalDataRecorded) and payload.data is not None:
        payload = attrs.evolve(payload, data=None)
        changed.add(RetentionCategory.CONTACT)
    for part in (RetentionCategory.FREINS, RetentionCategory.NOTES):
        if part in parts:

            def erase(owner: type, name: str, part: RetentionCategory = part) -> bool:
                return _category(owner, name) is part

            erased = rewrite(payload, erase=erase, substitute=_keep)
            if erased is not payload:
                payload = erased
                changed.add(part)
    return payload, changed


def _texts_of(data: bytes) -> str:
    """The text of an outbox entry, for searching: its JSON, calendar lines unfolded."""
    text = data.decode("utf-8", errors="replace")
    return text.replace("\\r\\n ", "").replace("\\n ", "").replace("\\\\,", ",")


def plan_erasure(
    log: Iterable[StoredEvent],
    outbox: Iterable[OutboxEntry],
    *,
    parts: Mapping[str, frozenset[RetentionCategory]],
    identities: Mapping[str, Identity] | None = None,
    drop: Mapping[str, RetentionCategory] | None = None,
) -> ErasurePlan:
    """Decide what an erasure rewrites and deletes; pure (reads its arguments only).

    :param log: the whole log, in order (events of any stream).
    :param outbox: every outbox entry.
    :param parts: for each parcours stream, the parts to erase: ``contact`` (its
        ``personal_data_recorded`` events), ``freins`` (frein details and the labels
        of the plan d'action), ``notes`` (every other free text tagged personal or
        sensitive).  Dates, categories, ids and counts are never touched.
    :param identities: the identity recorded in each stream that loses its
        ``contact``: the full names, e-mail addresses and phone numbers of all of them
        are replaced by ``[effacé]`` in the text of every stream (and each person's
        first or last name alone, in their own streams); any outbox entry that
        mentions one is deleted.
    :param drop: outbox entries to delete anyway (old messages and calendar entries),
        with the category they are deleted for.
    :raises PrivacyError: a rewritten event would be invalid.
    """
    drop = drop or {}
    identities = identities or {}
    identity = functools.reduce(operator.or_, identities.values(), Identity())
    elsewhere = identity.pattern(own_stream=False)
    own: dict[str, re.Pattern[str] | None] = {}

    def pattern_of(stream: str) -> re.Pattern[str] | None:
        if stream not in identities:
            return elsewhere
        if stream not in own:
            mine = attrs.evolve(identity, names=identities[stream].names)
            own[stream] = mine.pattern(own_stream=True)
        return own[stream]

    bodies: dict[str, bytes] = {}
    events_by: Counter[RetentionCategory] = Counter()
    rewritten_by: dict[str, RetentionCategory] = {}
    touched: set[str] = set()
    for stored in log:
        stream_parts = parts.get(stored.stream, frozenset())
        pattern = pattern_of(stored.stream)
        if not stream_parts and (
            pattern is None or pattern.search(quick_fold(stored.data.decode("utf-8"))) is None
        ):
            continue
        event = decode_event(stored.data)
        payload, changed = _erase_parts(event.payload, stream_parts)
        if pattern is not None:
            found = rewrite(payload, erase=_never, substitute=_replacing(pattern))
            if found is not payload:
                payload = found
                changed.add(RetentionCategory.CONTACT)
        if not changed:
            continue
        body = encode_event(attrs.evolve(event, payload=payload))
        if body != stored.data:
            bodies[stored.id] = body
            first = min(changed, key=list(RetentionCategory).index)
            rewritten_by[stored.id] = first
            touched.add(stored.stream)
            events_by.update(changed)
    deleted: list[str] = []
    outbox_by: Counter[RetentionCategory] = Counter()
    uids: list[str] = []
    for entry in outbox:
        stream_parts = parts.get(entry.stream, frozenset())
        why: RetentionCategory | None = None
        if RetentionCategory.CONTACT in stream_parts:
            why = RetentionCategory.CONTACT
        elif entry.event_id in rewritten_by:
            why = rewritten_by[entry.event_id]
        elif elsewhere is not None and elsewhere.search(quick_fold(_texts_of(entry.data))):
            why = RetentionCategory.CONTACT
        elif entry.key in drop:
            why = drop[entry.key]
        if why is None:
            continue
        deleted.append(entry.key)
        outbox_by[why] += 1
        if entry.hook.startswith(_CALENDAR_HOOKS):
            uid = msgspec.json.decode(entry.data).get("uid")
            if isinstance(uid, str) and uid not in uids:
                uids.append(uid)
    return ErasurePlan(
        events=bodies,
        outbox=tuple(deleted),
        streams=tuple(sorted(parts)),
        touched=tuple(sorted(touched)),
        calendar_uids=tuple(uids),
        identity=identity,
        events_by=dict(events_by),
        outbox_by=dict(outbox_by),
    )


# -- finding a person ---------------------------------------------------------------------------


def find_parcours(log: Iterable[StoredEvent], salarie: SalarieId) -> dict[str, str]:
    """The parcours streams of ``salarie`` (several if re-hired), with their SIAE."""
    found: dict[str, str] = {}
    for stored in log:
        if stored.type == _EMBAUCHE:
            payload = decode_event(stored.data).payload
            assert isinstance(payload, Embauche)
            if payload.salarie == salarie:
                found[stored.stream] = payload.siae
    return found


def identity_of(events: Iterable[StoredEvent]) -> Identity:
    """The identity recorded in some events (their ``personal_data_recorded`` ones)."""
    records = []
    for stored in events:
        if stored.type == _PERSONAL:
            payload = decode_event(stored.data).payload
            if isinstance(payload, PersonalDataRecorded) and payload.data is not None:
                records.append(payload.data)
    return Identity.of(tuple(records))


# -- the right to erasure ---------------------------------------------------------------------


@frozen(kw_only=True)
class ErasureReport:
    """What :func:`forget` did.

    :param plan: what was rewritten and deleted.
    :param audit: the audit events recorded (one per structure of the person).
    :param notified: the plugins that dropped their copies (hook ``seve_forget``).
    :param failed: the plugins that failed to (see ``plugins.failures``; call
        :func:`forget` again: it is idempotent).
    """

    plan: ErasurePlan
    audit: tuple[Event[Any], ...]
    notified: tuple[str, ...]
    failed: tuple[str, ...]


def new_audit_id() -> str:
    """A new id for an audit event (random: the application layer)."""
    return f"audit-{uuid.uuid4().hex}"


def audit_events(
    store: Store,
    siaes: Iterable[str],
    payload: Callable[[str], Any],
    *,
    by: str,
    at: dt.datetime,
    new_id: Callable[[], str],
) -> list[Event[Any]]:
    """The audit events to record on each structure's stream, checked before anything
    is written: the structure must be registered, ``by`` and ``at`` valid.

    :raises PrivacyError: ``audit.structure_inconnue``, or a bad ``by`` / ``at``.
    """
    events = []
    for siae in sorted(set(siaes)):
        stream = stream_id(StreamKind.SIAE, siae)
        if store.version(stream) == 0:
            raise PrivacyError(
                [
                    Problem(
                        code="audit.structure_inconnue",
                        message=f"la structure {siae} n'est pas enregistrée ({stream} est vide) : "
                        "l'opération ne pourrait pas être tracée, rien n'a été fait",
                        path=("siae",),
                    )
                ]
            )
        try:
            events.append(
                Event(
                    id=EventId(new_id()),
                    stream=stream,
                    occurred_at=at,
                    recorded_at=at,
                    recorded_by=StaffId(by),
                    payload=payload(siae),
                )
            )
        except ValueError as exc:
            code = getattr(exc, "code", "audit.invalide")
            raise PrivacyError(
                [Problem(code=code, message=f"audit impossible : {exc}", path=("by",))]
            ) from exc
    return events


def record_audit(recorder: Recorder, events: Sequence[Event[Any]]) -> tuple[Event[Any], ...]:
    """Record audit events (after the erasure they describe)."""
    for event in events:
        recorder.record(event)
    return tuple(events)


def notify(recorder: Recorder, erasure: Erasure) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Call ``seve_forget`` on every plugin; the names of those that did and failed."""
    implementers = recorder.plugins.implementers("seve_forget")
    done = tuple(name for name, _ in recorder.plugins.call_each("seve_forget", erasure=erasure))
    return done, tuple(name for name in implementers if name not in done)


def forget(
    recorder: Recorder,
    salarie: SalarieId,
    *,
    by: str,
    at: dt.datetime,
    new_id: Callable[[], str] = new_audit_id,
) -> ErasureReport:
    """Erase the personal data of ``salarie`` (RGPD, art. 17), everywhere seve keeps them.

    - in their parcours streams: their identity (``personal_data_recorded`` events
      keep their place, with ``data`` null), frein details, the labels of the plan
      d'action and every free text tagged personal or sensitive; dates, categories,
      ids and counts stay, so every indicator gives the same figures;
    - in every other stream: their full name, e-mail and phone, wherever typed, become
      ``[effacé]``;
    - in the outbox: every side effect of their streams, and any other that names
      them, pending or delivered;
    - in the recorder's cache; then every plugin is told (hook ``seve_forget``) to
      drop its copies (calendar feeds, logs...).

    The store is rewritten in one transaction: all of it or nothing.  Then one
    ``personal_data_erased`` event is recorded on the stream of each structure the
    person was hired by (who, when, how much).  Running it again is harmless.

    :param by: the permanent·e who erases (recorded in the audit trail).
    :param at: when (the application's clock).
    :raises PrivacyError: ``effacement.personne_inconnue`` (no parcours of this
        person), ``audit.structure_inconnue``; nothing was written.
    """
    store = recorder.store
    streams = find_parcours(store.read_log(), salarie)
    if not streams:
        raise PrivacyError(
            [
                Problem(
                    code="effacement.personne_inconnue",
                    message=f"aucun parcours du ou de la salarié·e {salarie} : rien à effacer",
                    path=("salarie",),
                )
            ]
        )
    identity = functools.reduce(
        operator.or_, (identity_of(store.read_stream(s)) for s in streams), Identity()
    )
    plan = plan_erasure(
        store.read_log(),
        store.outbox(),
        parts=dict.fromkeys(streams, PARCOURS_PARTS),
        identities=dict.fromkeys(streams, identity),
    )

    def erased(_siae: str) -> PersonalDataErased:
        return PersonalDataErased(
            salarie=salarie, streams=len(streams), events=len(plan.events), outbox=len(plan.outbox)
        )

    audit = audit_events(store, streams.values(), erased, by=by, at=at, new_id=new_id)
    store.erase(events=plan.events, outbox=plan.outbox)
    recorder.evict(*plan.streams, *plan.touched)
    notified, failed = notify(recorder, plan.notice("effacement", salarie))
    return ErasureReport(
        plan=plan, audit=record_audit(recorder, audit), notified=notified, failed=failed
    )
