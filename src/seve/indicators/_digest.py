"""The engine: one streaming pass over the log into a :class:`Digest`.

The pass keeps, for each parcours, the few facts the indicators need (its embauche,
hours, sortie, suivi contacts, PMSMP, mises en relation), for each structure its
registration, staff and company events, and for each company its contacts and
conventions: memory grows with the number of parcours, structures and companies,
never with the number of events (an ``action_status_changed`` costs one dictionary
look-up and is forgotten).  Every fact keeps the id of the event it comes from, so
every figure can name its events.

Facts are keyed by their ids and dated by their payloads, not by the order of the
log: streams may come interleaved in any order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from ..model import (
    EMPLOYER,
    CompanyEvent,
    CompanyEventChanged,
    CompanyEventFollowedUp,
    CompanyEventFollowUp,
    CompanyEventHeld,
    CompanyEventScheduled,
    CompanyRegistered,
    Embauche,
    Employer,
    EmployerId,
    Event,
    EventId,
    FollowUpKind,
    HoursWorked,
    Interaction,
    InteractionKind,
    InteractionRecorded,
    JobOffered,
    MiseEnRelationId,
    MiseEnRelationOutcomeRecorded,
    MiseEnRelationProposed,
    MiseEnRelationResult,
    MotifTable,
    OfferId,
    PmsmpCancelled,
    PmsmpDrafted,
    PmsmpEnded,
    PmsmpId,
    PmsmpOutcome,
    PmsmpRejected,
    PmsmpRenewed,
    PmsmpStarted,
    Refused,
    SalarieId,
    Siae,
    SiaeId,
    SiaeKind,
    SiaeRegistered,
    SituationAtEntry,
    Sortie,
    SortieRecorded,
    StaffId,
    StaffMember,
    StaffMemberJoined,
    StaffMemberLeft,
    StreamId,
    SuiviContact,
    SuiviContactRecorded,
    payload_types,
)
from ..partnerships._facts import _CompanyEvents, _Log
from ._collector import collector_paused
from ._period import Filters, ReportingPeriod

if TYPE_CHECKING:
    from ..partnerships import Fact
    from ._base import Indicator

__all__ = [
    "Digest",
    "EmployerDigest",
    "MiseEnRelationDigest",
    "ParcoursDigest",
    "PmsmpDigest",
    "StaffDigest",
    "StructureDigest",
    "read_log",
]


class PmsmpDigest:
    """One PMSMP of a parcours, as the pass saw it (read-only once the pass is over)."""

    __slots__ = (
        "cancelled_event",
        "drafted_event",
        "end",
        "ended_event",
        "host",
        "id",
        "job_offer",
        "last_day",
        "outcome",
        "renews",
        "start",
        "started",
        "started_event",
    )

    def __init__(
        self,
        id: PmsmpId,
        host: EmployerId,
        start: dt.date,
        end: dt.date,
        drafted_event: EventId,
        renews: PmsmpId | None,
    ) -> None:
        self.id = id
        self.host = host
        self.start = start
        self.end = end
        self.drafted_event = drafted_event
        self.renews = renews
        self.started: dt.date | None = None
        self.started_event: EventId | None = None
        self.outcome: PmsmpOutcome | None = None
        self.ended_event: EventId | None = None
        self.job_offer: JobOffered | None = None
        self.last_day: dt.date | None = None
        self.cancelled_event: EventId | None = None

    @property
    def took_place(self) -> bool:
        """Whether it counts as a PMSMP done: started, the person came, and it is not a
        renewal (a renewal continues the same immersion), as in
        :func:`seve.partnerships.facts`."""
        return (
            self.started is not None
            and self.outcome is not PmsmpOutcome.NOT_SHOWN
            and self.renews is None
        )

    @property
    def events(self) -> tuple[EventId, ...]:
        """The events of its lifecycle the pass kept."""
        found = (self.drafted_event, self.started_event, self.ended_event, self.cancelled_event)
        return tuple(e for e in found if e is not None)

    @property
    def last(self) -> dt.date:
        """Its last day: the last day present for a partial period, else its end."""
        return self.last_day if self.last_day is not None else self.end


class MiseEnRelationDigest:
    """One mise en relation of a parcours and its outcomes."""

    __slots__ = ("employer", "event", "id", "offer", "proposed_by", "proposed_on", "steps")

    def __init__(
        self,
        id: MiseEnRelationId,
        employer: EmployerId,
        offer: OfferId,
        proposed_on: dt.date,
        proposed_by: StaffId,
        event: EventId,
    ) -> None:
        self.id = id
        self.employer = employer
        self.offer = offer
        self.proposed_on = proposed_on
        self.proposed_by = proposed_by
        self.event = event
        self.steps: list[tuple[MiseEnRelationResult, dt.date, EventId]] = []

    def reached(self, result: MiseEnRelationResult) -> tuple[dt.date, EventId] | None:
        """The first step with ``result`` (an interview, a hire), if any; a hire
        implies the interview before it."""
        found = [(day, eid) for r, day, eid in self.steps if r is result]
        if not found and result is MiseEnRelationResult.ENTRETIEN:
            found = [(d, e) for r, d, e in self.steps if r is MiseEnRelationResult.EMBAUCHE]
        return min(found) if found else None


class ParcoursDigest:
    """What the pass keeps of one parcours (read-only once the pass is over).

    ``embauche`` is ``None`` for a stream whose embauche the log did not hold.

    :ivar hours: ``(month, hours, event id)`` for each month declared.
    :ivar suivis: ``(date, in employment, event id)`` for each suivi contact (what the
        person said, ``None`` if nothing; their notes are not kept).
    """

    __slots__ = (
        "embauche",
        "embauche_event",
        "hours",
        "kind",
        "mises_en_relation",
        "pmsmps",
        "salarie",
        "siae",
        "situation",
        "sortie",
        "sortie_event",
        "stream",
        "suivis",
    )

    def __init__(self, stream: StreamId) -> None:
        self.stream = stream
        self.salarie: SalarieId | None = None
        self.siae: SiaeId | None = None
        self.kind: SiaeKind | None = None
        self.situation: SituationAtEntry | None = None
        self.embauche: dt.date | None = None
        self.embauche_event: EventId | None = None
        self.hours: tuple[tuple[dt.date, Decimal, EventId], ...] = ()
        self.sortie: Sortie | None = None
        self.sortie_event: EventId | None = None
        self.suivis: tuple[tuple[dt.date, bool | None, EventId], ...] = ()
        self.pmsmps: dict[PmsmpId, PmsmpDigest] = {}
        self.mises_en_relation: dict[MiseEnRelationId, MiseEnRelationDigest] = {}

    @property
    def hours_worked(self) -> Decimal:
        """Every hour declared for the parcours (all contracts, all months)."""
        return sum((h for _m, h, _e in self.hours), Decimal(0))

    def present_during(self, period: ReportingPeriod) -> bool:
        """Whether the person was under contract with the SIAE some day of ``period``."""
        if self.embauche is None or self.embauche > period.end:
            return False
        return self.sortie is None or self.sortie.date >= period.start


class StaffDigest:
    """A permanent·e of a structure: roles, and when they joined and left."""

    __slots__ = ("joined", "left", "member")

    def __init__(self, member: StaffMember, joined: dt.date) -> None:
        self.member = member
        self.joined = joined
        self.left: dt.date | None = None

    def in_team_during(self, period: ReportingPeriod) -> bool:
        return self.joined <= period.end and (self.left is None or self.left >= period.start)


class StructureDigest:
    """What the pass keeps of one structure stream.

    Its company events are kept as scheduled, changed and held
    (:attr:`company_events` gives those held); Flash Info sessions are not kept (no
    indicator counts them).
    """

    __slots__ = ("agenda", "follow_ups", "registered_event", "siae", "staff", "stream")

    def __init__(self, stream: StreamId) -> None:
        self.stream = stream
        self.siae: Siae | None = None
        self.registered_event: EventId | None = None
        self.staff: dict[StaffId, StaffDigest] = {}
        self.agenda = _CompanyEvents()
        self.follow_ups: list[tuple[CompanyEventFollowUp, EventId]] = []

    @property
    def company_events(self) -> dict[str, tuple[CompanyEvent, tuple[EventId, ...]]]:
        """The company events that were held, by id: each as the structure's fold keeps
        it (completed from its schedule), with the ids of its schedule and held record.
        One scheduled, then cancelled or never recorded as held, did not take place."""
        return self.agenda.held()


class EmployerDigest:
    """What the pass keeps of one company: its contacts with the SIAE, and its state
    folded from its registration and its conventions (for :mod:`seve.partnerships`).

    The registration of a company folds when a convention comes, or when :attr:`state`
    is first read: most companies never sign one.

    :ivar interactions: ``(date, siae, by, engaged, mecenat, event id)`` for each
        contact: its day, the SIAE and the permanent·e, whether it is an engaged kind
        (:attr:`seve.model.InteractionKind.engaged`) and whether it is mécénat (the rest,
        notes above all, is not kept).
    """

    __slots__ = ("_registration", "_state", "company", "interactions", "registered", "stream")

    def __init__(self, stream: StreamId) -> None:
        self.stream = stream
        self.company = EmployerId(stream.partition(":")[2])
        self.registered: tuple[dt.date, EventId] | None = None
        self.interactions: list[tuple[dt.date, SiaeId, StaffId, bool, bool, EventId]] = []
        self._registration: Event[CompanyRegistered] | None = None
        self._state: Employer | None = None

    @property
    def state(self) -> Employer | None:
        """The company folded from its registration and conventions (``None`` without
        a registration the fold accepts)."""
        if self._state is None and self._registration is not None:
            registration, self._registration = self._registration, None
            with contextlib.suppress(Refused):
                self._state = EMPLOYER.advance(None, registration)
        return self._state

    @property
    def signed(self) -> bool:
        """Whether it has a convention de partenariat (without folding the others)."""
        return self._state is not None and bool(self._state.partnerships)


class Digest:
    """Everything the indicators need from a log, read in one pass (see :func:`read_log`).

    :ivar parcours: by stream.
    :ivar structures: by stream.
    :ivar employers: by stream.
    :ivar events: how many events were read.
    :ivar skipped: events of a company's conventions the fold refused (a log
        ``seve validate`` would not accept): left out.
    :ivar folds: the accumulators of fold indicators, by (code, period label).
    """

    def __init__(self) -> None:
        self.parcours: dict[StreamId, ParcoursDigest] = {}
        self.structures: dict[StreamId, StructureDigest] = {}
        self.employers: dict[StreamId, EmployerDigest] = {}
        self.events = 0
        self.skipped = 0
        self.folds: dict[tuple[str, str], Any] = {}
        self._facts: tuple[MotifTable, tuple[Fact, ...]] | None = None
        self._situations: dict[SituationAtEntry, SituationAtEntry] = {}
        self._by_siae: dict[SiaeId, StructureDigest] | None = None
        self._people: dict[SalarieId, list[tuple[dt.date, ParcoursDigest]]] | None = None

    # -- joins, once the pass is over ---------------------------------------------------

    def structure_of(self, siae: SiaeId | None) -> StructureDigest | None:
        """The structure registered as ``siae``, if the log holds its stream."""
        if self._by_siae is None:
            self._by_siae = {s.siae.id: s for s in self.structures.values() if s.siae is not None}
        return self._by_siae.get(siae) if siae is not None else None

    def keeps_siae(self, filters: Filters, siae: SiaeId | None, kind: SiaeKind | None) -> bool:
        """Whether a structure passes ``filters`` (its territory from its registration)."""
        if filters.everything:
            return True
        structure = self.structure_of(siae)
        registered = structure.siae if structure is not None else None
        territory = registered.territory if registered is not None else None
        if kind is None and registered is not None:
            kind = registered.kind
        return filters.keeps(siae, kind, territory)

    def selected_parcours(self, filters: Filters) -> Iterator[ParcoursDigest]:
        """The parcours (with their embauche) of the structures ``filters`` keeps."""
        for p in self.parcours.values():
            if p.embauche is not None and self.keeps_siae(filters, p.siae, p.kind):
                yield p

    def selected_structures(self, filters: Filters) -> Iterator[StructureDigest]:
        for s in self.structures.values():
            if s.siae is not None and self.keeps_siae(filters, s.siae.id, s.siae.kind):
                yield s

    def parcours_of(self, salarie: SalarieId, day: dt.date) -> ParcoursDigest | None:
        """The parcours of ``salarie`` running on ``day`` (or their latest before it)."""
        if self._people is None:
            people: defaultdict[SalarieId, list[tuple[dt.date, ParcoursDigest]]]
            people = defaultdict(list)
            for p in self.parcours.values():
                if p.salarie is not None and p.embauche is not None:
                    people[p.salarie].append((p.embauche, p))
            self._people = dict(people)
        started = [(hired, p) for hired, p in self._people.get(salarie, ()) if hired <= day]
        return max(started, key=lambda item: (item[0], item[1].stream))[1] if started else None

    def employer_states(self) -> list[Employer]:
        """The companies folded from their registration and conventions."""
        return [e.state for e in self.employers.values() if e.state is not None]

    def signed_states(self) -> list[Employer]:
        """The companies with a convention de partenariat, folded."""
        return [e._state for e in self.employers.values() if e.signed and e._state is not None]

    @property
    def has_conventions(self) -> bool:
        return any(e.signed for e in self.employers.values())

    def facts(self, motifs: MotifTable) -> tuple[Fact, ...]:
        """What the SIAE did with companies, as :func:`seve.partnerships.facts` reads it
        from the log, here joined from what the pass kept (no event is kept for it)."""
        if self._facts is None or self._facts[0] != motifs:
            self._facts = (motifs, self._fact_log().facts(motifs))
        return self._facts[1]

    def _fact_log(self) -> _Log:
        """What :func:`seve.partnerships.facts` collects from the events, from the digest."""
        log = _Log()
        embauche, not_shown = MiseEnRelationResult.EMBAUCHE, PmsmpOutcome.NOT_SHOWN
        for p in self.parcours.values():
            stream = p.stream
            if p.siae is not None and p.salarie is not None:
                log.people[stream] = (p.siae, p.salarie)
            for pm in p.pmsmps.values():
                key = (stream, pm.id)
                log.pmsmps[key] = (pm.host, pm.drafted_event, pm.renews is not None)
                if pm.started is not None and pm.started_event is not None:
                    log.started[key] = (pm.started, pm.started_event)
                if pm.outcome is not_shown:
                    log.not_shown.add(key)
            for mer in p.mises_en_relation.values():
                mkey = (stream, mer.id)
                log.proposals[mkey] = (mer.employer, mer.proposed_on, mer.event)
                for result, day, eid in mer.steps:
                    if result is embauche:
                        log.hired.append((mkey, day, eid))
            sortie = p.sortie
            if sortie is not None and sortie.employer is not None and p.sortie_event:
                log.sorties.append(
                    (stream, sortie.employer, sortie.date, sortie.motif, p.sortie_event)
                )
        for s in self.structures.values():
            if s.siae is not None:
                log.structures[s.stream] = s.siae.id
            log.company_events[s.stream] = s.agenda
            log.follow_ups.extend(
                (s.stream, f, eid)
                for f, eid in s.follow_ups
                if f.kind is FollowUpKind.EMBAUCHE and f.employer is not None
            )
        for e in self.employers.values():
            if e.registered is not None:
                log.companies[e.stream] = e.company
            for day, siae, _by, _engaged, mecenat, eid in e.interactions:
                if mecenat:
                    log.mecenat.append((e.stream, siae, day, eid))
        return log


Handler = Callable[[Digest, Event[Any]], None]


def _new_parcours(d: Digest, stream: StreamId) -> ParcoursDigest:
    p = d.parcours[stream] = ParcoursDigest(stream)
    return p


def _structure(d: Digest, stream: StreamId) -> StructureDigest:
    s = d.structures.get(stream)
    if s is None:
        s = d.structures[stream] = StructureDigest(stream)
    return s


def _employer(d: Digest, stream: StreamId) -> EmployerDigest:
    e = d.employers.get(stream)
    if e is None:
        e = d.employers[stream] = EmployerDigest(stream)
    return e


# Each handler keeps what the indicators need of one kind of event; a parcours digest is
# looked up inline (``get(...) or _new_parcours(...)``: the pass's hottest line).


def _embauche(d: Digest, event: Event[Any]) -> None:
    payload: Embauche = event.payload
    p = d.parcours.get(event.stream) or _new_parcours(d, event.stream)
    p.salarie = payload.salarie
    p.siae = payload.siae
    p.kind = payload.siae_kind
    # people share a few situations at entry: one copy of each is kept
    p.situation = d._situations.setdefault(payload.situation, payload.situation)
    p.embauche = payload.contract.start
    p.embauche_event = event.id


def _hours(d: Digest, event: Event[Any]) -> None:
    h = event.payload.hours
    p = d.parcours.get(event.stream) or _new_parcours(d, event.stream)
    p.hours += ((h.month, h.hours, event.id),)


def _sortie(d: Digest, event: Event[Any]) -> None:
    p = d.parcours.get(event.stream) or _new_parcours(d, event.stream)
    p.sortie = event.payload.sortie
    p.sortie_event = event.id


def _suivi(d: Digest, event: Event[Any]) -> None:
    p = d.parcours.get(event.stream) or _new_parcours(d, event.stream)
    c: SuiviContact = event.payload.contact
    p.suivis += ((c.date, c.in_employment, event.id),)


def _pmsmp_drafted(d: Digest, event: Event[Any]) -> None:
    payload = event.payload
    c = payload.convention
    renews = payload.renews if isinstance(payload, PmsmpRenewed) else None
    p = d.parcours.get(event.stream) or _new_parcours(d, event.stream)
    p.pmsmps[c.id] = PmsmpDigest(c.id, c.host, c.start, c.end, event.id, renews)


def _pmsmp(d: Digest, event: Event[Any]) -> PmsmpDigest | None:
    p = d.parcours.get(event.stream)
    return p.pmsmps.get(event.payload.convention) if p is not None else None


def _pmsmp_started(d: Digest, event: Event[Any]) -> None:
    pmsmp = _pmsmp(d, event)
    if pmsmp is None:
        return
    day = event.day
    if pmsmp.started is None or (day, event.id) < (pmsmp.started, pmsmp.started_event or ""):
        pmsmp.started, pmsmp.started_event = day, event.id


def _pmsmp_ended(d: Digest, event: Event[Any]) -> None:
    pmsmp = _pmsmp(d, event)
    if pmsmp is not None:
        bilan = event.payload.bilan
        pmsmp.outcome = bilan.outcome
        pmsmp.ended_event = event.id
        pmsmp.job_offer = bilan.job_offer
        pmsmp.last_day = bilan.last_day


def _pmsmp_cancelled(d: Digest, event: Event[Any]) -> None:
    pmsmp = _pmsmp(d, event)
    if pmsmp is not None:
        pmsmp.cancelled_event = event.id


def _mer_proposed(d: Digest, event: Event[Any]) -> None:
    m = event.payload.mise_en_relation
    p = d.parcours.get(event.stream) or _new_parcours(d, event.stream)
    p.mises_en_relation[m.id] = MiseEnRelationDigest(
        m.id, m.employer, m.offer, m.proposed_on, m.proposed_by, event.id
    )


def _mer_outcome(d: Digest, event: Event[Any]) -> None:
    o = event.payload.outcome
    p = d.parcours.get(event.stream)
    mer = p.mises_en_relation.get(o.mise_en_relation) if p is not None else None
    if mer is not None:
        mer.steps.append((o.result, o.date, event.id))


def _siae_registered(d: Digest, event: Event[Any]) -> None:
    s = _structure(d, event.stream)
    s.siae = event.payload.siae
    s.registered_event = event.id
    d._by_siae = None


def _staff_joined(d: Digest, event: Event[Any]) -> None:
    member: StaffMember = event.payload.member
    staff = _structure(d, event.stream).staff
    known = staff.get(member.id)
    if known is None:
        staff[member.id] = StaffDigest(member, event.day)
    else:  # a change of roles, or a return
        known.member = member
        known.left = None


def _staff_left(d: Digest, event: Event[Any]) -> None:
    known = _structure(d, event.stream).staff.get(event.payload.member)
    if known is not None:
        known.left = event.day


def _company_event(d: Digest, event: Event[Any]) -> None:
    _structure(d, event.stream).agenda.read(event)


def _follow_up(d: Digest, event: Event[Any]) -> None:
    _structure(d, event.stream).follow_ups.append((event.payload.follow_up, event.id))


def _company_registered(d: Digest, event: Event[Any]) -> None:
    e = _employer(d, event.stream)
    e.company = event.payload.company.id
    e.registered = (event.day, event.id)
    if e._registration is None and e._state is None:
        e._registration = event  # folded with its first convention, if it ever signs one
    else:  # registered twice: the fold refuses the second
        d.skipped += 1


def _interaction(d: Digest, event: Event[Any]) -> None:
    i: Interaction = event.payload.interaction
    kind = i.kind
    e = d.employers.get(event.stream) or _employer(d, event.stream)
    e.interactions.append(
        (i.date, i.siae, i.by, kind.engaged, kind is InteractionKind.MECENAT, event.id)
    )


def _convention(d: Digest, event: Event[Any]) -> None:
    e = _employer(d, event.stream)
    state = e.state
    if state is None:
        d.skipped += 1
        return
    try:
        e._state = EMPLOYER.advance(state, event)
    except Refused:
        d.skipped += 1


_HANDLERS: Final[dict[type, Handler]] = {
    Embauche: _embauche,
    HoursWorked: _hours,
    SortieRecorded: _sortie,
    SuiviContactRecorded: _suivi,
    PmsmpDrafted: _pmsmp_drafted,
    PmsmpRenewed: _pmsmp_drafted,
    PmsmpStarted: _pmsmp_started,
    PmsmpEnded: _pmsmp_ended,
    PmsmpCancelled: _pmsmp_cancelled,
    PmsmpRejected: _pmsmp_cancelled,
    MiseEnRelationProposed: _mer_proposed,
    MiseEnRelationOutcomeRecorded: _mer_outcome,
    SiaeRegistered: _siae_registered,
    StaffMemberJoined: _staff_joined,
    StaffMemberLeft: _staff_left,
    CompanyEventScheduled: _company_event,
    CompanyEventChanged: _company_event,
    CompanyEventHeld: _company_event,
    CompanyEventFollowedUp: _follow_up,
    CompanyRegistered: _company_registered,
    InteractionRecorded: _interaction,
}


def _handlers() -> dict[type, Handler]:
    """The handler of each payload type the pass reads: one look-up per event, the
    others cost nothing more.  Convention events (``convention_*``) fold into the company."""
    table = dict(_HANDLERS)
    for tag, cls in payload_types().items():
        if cls not in table and tag.startswith("convention_"):
            table[cls] = _convention
    return table


@collector_paused()  # the pass makes no cycles: see ._collector
def read_log(
    events: Iterable[Event[Any]],
    *,
    indicators: Sequence[Indicator[Any]] = (),
    periods: Sequence[ReportingPeriod] = (),
    progress: Callable[[int], None] | None = None,
    every: int = 100_000,
) -> Digest:
    """Read ``events`` once into a :class:`Digest`, folding ``indicators`` on the way.

    :param events: any iterable of events, in any order of streams (within a stream,
        in the order it folds).
    :param indicators: fold indicators (plugins'): each is folded once per period of
        ``periods``, over the events that occurred in it (Europe/Paris days).
    :param progress: called with the number of events read, every ``every`` events.

    Python's cyclic garbage collector is paused while the pass runs (it makes no
    cycles, and the collector would walk the growing digest again and again).
    """
    digest = Digest()
    get = _handlers().get
    folds = [
        (indicator, period, indicator.start()) for indicator in indicators for period in periods
    ]
    count = 0
    if not folds and progress is None:  # the common case: nothing else per event
        for count, event in enumerate(events, start=1):  # noqa: B007
            handler = get(type(event.payload))
            if handler is not None:
                handler(digest, event)
    else:
        for count, event in enumerate(events, start=1):
            handler = get(type(event.payload))
            if handler is not None:
                handler(digest, event)
            if folds:
                day = event.day
                folds = [
                    (i, period, i.step(acc, event) if period.start <= day <= period.end else acc)
                    for i, period, acc in folds
                ]
            if progress is not None and count % every == 0:
                progress(count)
    digest.events = count
    for indicator, period, acc in folds:
        digest.folds[(indicator.code, period.label)] = acc
    return digest
