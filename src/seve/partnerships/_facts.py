"""What the SIAE and a company did together, read from the whole log.

Fulfilment and company status count *facts*: a PMSMP the company hosted, a person it
hired, a visit of its premises, an event it took part in, a session of mécénat, a
candidate the SIAE proposed.  Each comes from the events that prove it, wherever they
are (parcours, structure and employer streams), and keeps their ids: every figure can
be traced back to its events.

:func:`facts` reads events in any order: it collects what it needs from each, then
joins them, so that shuffling the log never changes a fact.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, Final

import attrs
from attrs import frozen

from ..model import (
    AgendaStatus,
    CompanyEvent,
    CompanyEventChanged,
    CompanyEventFollowedUp,
    CompanyEventFollowUp,
    CompanyEventHeld,
    CompanyEventKind,
    CompanyEventScheduled,
    CompanyRegistered,
    Embauche,
    EmployerId,
    Event,
    EventId,
    FollowUpKind,
    InteractionKind,
    InteractionRecorded,
    LabelledEnum,
    MiseEnRelationOutcomeRecorded,
    MiseEnRelationProposed,
    MiseEnRelationResult,
    MotifTable,
    PmsmpDrafted,
    PmsmpEnded,
    PmsmpOutcome,
    PmsmpRenewed,
    PmsmpStarted,
    Refused,
    SalarieId,
    SiaeId,
    SiaeRegistered,
    SortieCategory,
    SortieMotif,
    SortieRecorded,
    StreamId,
    default_motif_table,
)
from ..model._base import personal
from ..model._mediation_events import _COMPANY_EVENTS, _held

__all__ = ["Fact", "FactKind", "facts"]


class FactKind(LabelledEnum):
    """What a company and the SIAE did together; each matches a commitment."""

    PMSMP = ("pmsmp", "PMSMP accueillies")
    HIRE = ("hire", "Recrutements")
    VISIT = ("visit", "Visites de l'entreprise")
    EVENT = ("event", "Participations à des événements")
    MECENAT = ("mecenat", "Mécénat de compétences")
    PROPOSAL = ("proposal", "Candidat·es proposé·es par la SIAE")


@frozen(kw_only=True)
class Fact:
    """One thing done with a company, and the events that prove it.

    :param siae: the SIAE it counts for (``None`` when the log does not say: the
        embauche of the person is missing).
    :param day: the day it counts on: the first day of a PMSMP, the day of a hire, of
        a visit, of a proposal.
    :param events: the ids of the events behind it, sorted.
    :param salarie: the person, for a PMSMP, a hire or a proposal (pseudonymous, still
        personal).
    """

    kind: FactKind
    employer: EmployerId
    siae: SiaeId | None
    day: dt.date
    events: tuple[EventId, ...]
    salarie: SalarieId | None = personal(default=None)


#: The categories of sortie that are a hire by the employer the sortie names.
_HIRED: Final = frozenset({SortieCategory.EMPLOI_DURABLE, SortieCategory.EMPLOI_DE_TRANSITION})

_Key = tuple[StreamId, str]
#: What orders the versions of a schedule: the latest recorded is the one that stands.
_Order = tuple[dt.datetime, str]


class _CompanyEvents:
    """The company events of one structure stream, as the log tells them: each one's
    schedule (its latest version) and the record of it held.

    Only a held record says an event took place (one scheduled, then cancelled or never
    recorded, did not).  A held record that leaves out what the schedule said (employers,
    staff, hours, place...) takes it from the schedule, as the structure's fold does
    (:class:`~seve.model.CompanyEventHeld`), whatever the order it reads them in: the
    latest recorded version of a schedule stands.
    """

    __slots__ = ("_held", "_planned", "_records")

    def __init__(self) -> None:
        self._planned: dict[str, tuple[_Order, CompanyEvent, EventId]] = {}
        self._held: dict[str, tuple[_Order, CompanyEvent, EventId]] = {}
        self._records: dict[str, tuple[CompanyEvent, tuple[EventId, ...]]] | None = None

    def read(self, event: Event[Any]) -> None:
        """Keep a ``company_event_scheduled``, ``_changed`` or ``_held`` event."""
        record: CompanyEvent = event.payload.event
        order = (event.recorded_at, event.id)
        if isinstance(event.payload, CompanyEventHeld):
            known = self._held.get(record.id)
            if known is None or order < known[0]:  # held twice: the fold refuses the second
                self._held[record.id] = (order, record, event.id)
                self._records = None
        else:
            known = self._planned.get(record.id)
            if known is None or order > known[0]:  # the latest version of the schedule
                self._planned[record.id] = (order, record, event.id)
                self._records = None

    def held(self) -> dict[str, tuple[CompanyEvent, tuple[EventId, ...]]]:
        """The events that took place, by id: each as the structure's fold keeps it
        (status *held*, completed from its schedule), with the ids of its schedule and of
        its held record."""
        if self._records is None:
            found = {}
            for key, (_order, record, eid) in self._held.items():
                plan = self._planned.get(key)
                events: tuple[EventId, ...] = (eid,)
                known = None
                if plan is not None:
                    known = attrs.evolve(plan[1], status=AgendaStatus.SCHEDULED)
                    events = tuple(sorted({plan[2], eid}))
                try:
                    found[key] = (_held(_COMPANY_EVENTS, known, record, "event"), events)
                except Refused:  # the fold refuses it (its hours): it was not recorded
                    continue
            self._records = found
        return self._records


class _Log:
    """What :func:`facts` keeps of each event, before the joins (see :meth:`facts`).

    :func:`facts` fills it from events; the indicators' pass fills it from what it keeps
    (:mod:`seve.indicators`), without keeping the events.
    """

    def __init__(self) -> None:
        self.people: dict[StreamId, tuple[SiaeId, SalarieId]] = {}
        self.structures: dict[StreamId, SiaeId] = {}
        self.companies: dict[StreamId, EmployerId] = {}
        self.pmsmps: dict[_Key, tuple[EmployerId, EventId, bool]] = {}
        #: the first day each PMSMP started, and its event
        self.started: dict[_Key, tuple[dt.date, EventId]] = {}
        self.not_shown: set[_Key] = set()
        self.proposals: dict[_Key, tuple[EmployerId, dt.date, EventId]] = {}
        self.hired: list[tuple[_Key, dt.date, EventId]] = []
        self.sorties: list[tuple[StreamId, EmployerId, dt.date, SortieMotif, EventId]] = []
        self.company_events: dict[StreamId, _CompanyEvents] = {}
        self.follow_ups: list[tuple[StreamId, CompanyEventFollowUp, EventId]] = []
        self.mecenat: list[tuple[StreamId, SiaeId, dt.date, EventId]] = []

    def read(self, event: Event[Any]) -> None:
        """Keep what a fact needs of ``event`` (one look-up for the others)."""
        reader = _READERS.get(type(event.payload))
        if reader is not None:
            reader(self, event)

    def siae_of(self, stream: StreamId) -> SiaeId | None:
        """The SIAE of a parcours stream (from its embauche)."""
        person = self.people.get(stream)
        return person[0] if person is not None else None

    def salarie_of(self, stream: StreamId) -> SalarieId | None:
        person = self.people.get(stream)
        return person[1] if person is not None else None

    def structure(self, stream: StreamId) -> SiaeId:
        """The SIAE of a structure stream: from its registration, or its key."""
        return self.structures.get(stream, SiaeId(stream.partition(":")[2]))

    def company(self, stream: StreamId) -> EmployerId:
        """The company of an employer stream: from its registration, or its key."""
        return self.companies.get(stream, EmployerId(stream.partition(":")[2]))

    def facts(self, motifs: MotifTable) -> tuple[Fact, ...]:
        """The joins: every fact, sorted by day (see :func:`facts`)."""
        found: set[Fact] = set()
        for key, (day, started_id) in self.started.items():
            drafted = self.pmsmps.get(key)
            if drafted is None or drafted[2] or key in self.not_shown:
                continue
            host, drafted_id, _renewal = drafted
            stream = key[0]
            found.add(
                Fact(
                    kind=FactKind.PMSMP,
                    employer=host,
                    siae=self.siae_of(stream),
                    day=day,
                    events=tuple(sorted({drafted_id, started_id})),
                    salarie=self.salarie_of(stream),
                )
            )
        found |= _hires(self, motifs)
        for stream, agenda in self.company_events.items():
            siae = self.structure(stream)
            for e, events in agenda.held().values():
                visit = e.kind is CompanyEventKind.VISITE_ENTREPRISE
                kind = FactKind.VISIT if visit else FactKind.EVENT
                for employer in e.employers:
                    found.add(
                        Fact(kind=kind, employer=employer, siae=siae, day=e.date, events=events)
                    )
        for stream, siae, day, eid in self.mecenat:
            found.add(
                Fact(
                    kind=FactKind.MECENAT,
                    employer=self.company(stream),
                    siae=siae,
                    day=day,
                    events=(eid,),
                )
            )
        for (stream, _mer), (employer, day, eid) in self.proposals.items():
            found.add(
                Fact(
                    kind=FactKind.PROPOSAL,
                    employer=employer,
                    siae=self.siae_of(stream),
                    day=day,
                    events=(eid,),
                    salarie=self.salarie_of(stream),
                )
            )
        return tuple(sorted(found, key=_order))


# -- what _Log keeps of each kind of event --------------------------------------------------


def _embauche(log: _Log, event: Event[Embauche]) -> None:
    log.people[event.stream] = (event.payload.siae, event.payload.salarie)


def _siae(log: _Log, event: Event[SiaeRegistered]) -> None:
    log.structures[event.stream] = event.payload.siae.id


def _company(log: _Log, event: Event[CompanyRegistered]) -> None:
    log.companies[event.stream] = event.payload.company.id


def _drafted(log: _Log, event: Event[PmsmpDrafted | PmsmpRenewed]) -> None:
    c = event.payload.convention
    log.pmsmps[(event.stream, c.id)] = (c.host, event.id, isinstance(event.payload, PmsmpRenewed))


def _started(log: _Log, event: Event[PmsmpStarted]) -> None:
    key = (event.stream, event.payload.convention)
    start = (event.day, event.id)
    first = log.started.get(key)
    if first is None or start < first:
        log.started[key] = start


def _ended(log: _Log, event: Event[PmsmpEnded]) -> None:
    if event.payload.bilan.outcome is PmsmpOutcome.NOT_SHOWN:
        log.not_shown.add((event.stream, event.payload.convention))


def _proposed(log: _Log, event: Event[MiseEnRelationProposed]) -> None:
    mer = event.payload.mise_en_relation
    log.proposals[(event.stream, mer.id)] = (mer.employer, mer.proposed_on, event.id)


def _outcome(log: _Log, event: Event[MiseEnRelationOutcomeRecorded]) -> None:
    o = event.payload.outcome
    if o.result is MiseEnRelationResult.EMBAUCHE:
        log.hired.append(((event.stream, o.mise_en_relation), o.date, event.id))


def _sortie(log: _Log, event: Event[SortieRecorded]) -> None:
    sortie = event.payload.sortie
    if sortie.employer is not None:
        log.sorties.append((event.stream, sortie.employer, sortie.date, sortie.motif, event.id))


def _company_event(log: _Log, event: Event[Any]) -> None:
    agenda = log.company_events.get(event.stream)
    if agenda is None:
        agenda = log.company_events[event.stream] = _CompanyEvents()
    agenda.read(event)


def _follow_up(log: _Log, event: Event[CompanyEventFollowedUp]) -> None:
    f = event.payload.follow_up
    if f.kind is FollowUpKind.EMBAUCHE and f.employer is not None:
        log.follow_ups.append((event.stream, f, event.id))


def _interaction(log: _Log, event: Event[InteractionRecorded]) -> None:
    i = event.payload.interaction
    if i.kind is InteractionKind.MECENAT:
        log.mecenat.append((event.stream, i.siae, i.date, event.id))


_READERS: Final[dict[type, Callable[[_Log, Event[Any]], None]]] = {
    Embauche: _embauche,
    SiaeRegistered: _siae,
    CompanyRegistered: _company,
    PmsmpDrafted: _drafted,
    PmsmpRenewed: _drafted,
    PmsmpStarted: _started,
    PmsmpEnded: _ended,
    MiseEnRelationProposed: _proposed,
    MiseEnRelationOutcomeRecorded: _outcome,
    SortieRecorded: _sortie,
    CompanyEventScheduled: _company_event,
    CompanyEventChanged: _company_event,
    CompanyEventHeld: _company_event,
    CompanyEventFollowedUp: _follow_up,
    InteractionRecorded: _interaction,
}


def facts(events: Iterable[Event[Any]], *, motifs: MotifTable | None = None) -> tuple[Fact, ...]:
    """Every fact done with a company in ``events`` (any order, any streams), sorted by day.

    - **PMSMP**: a PMSMP that started (``pmsmp_started``), with the host its convention
      names, on the day it started; a renewal continues the same immersion and does not
      count again; a period the person did not come to (bilan *non présent·e*) does not
      count either.
    - **Hires**: a mise en relation that ended in a hire, a company event followed by a
      hire, or a sortie in employment (emploi durable or de transition, by ``motifs``)
      that names the employer; a person hired by a company counts once, on the first
      day one of these events gives.
    - **Visits** and **events**: company events of the structure naming the company (a
      visit of its premises; any other kind of event) that were held; the employers a
      held record leaves out are the schedule's.
    - **Mécénat**: interactions of kind *mécénat de compétences*.
    - **Proposals**: mises en relation of a salarié·e on one of the company's offers.

    :param motifs: the table of motifs de sortie (default: the one seve ships).
    """
    log = _Log()
    read = log.read
    for event in events:
        read(event)
    return log.facts(motifs if motifs is not None else default_motif_table())


_CODES: Final = {kind: kind.value for kind in FactKind}


def _order(fact: Fact) -> tuple[dt.date, str, str, tuple[EventId, ...]]:
    return (fact.day, _CODES[fact.kind], fact.employer, fact.events)


def _hires(log: _Log, motifs: MotifTable) -> set[Fact]:
    """One hire per person and employer, on the first day an event gives."""
    # (person, employer) -> [(day, event ids, siae, salarié·e)]
    seen: defaultdict[
        tuple[str, EmployerId], list[tuple[dt.date, tuple[EventId, ...], SiaeId | None, Any]]
    ] = defaultdict(list)

    def person(stream: StreamId) -> str:
        salarie = log.salarie_of(stream)
        return f"salarie:{salarie}" if salarie is not None else f"flux:{stream}"

    for key, day, eid in log.hired:
        proposal = log.proposals.get(key)
        if proposal is None:
            continue
        employer, _proposed_on, proposed_id = proposal
        stream = key[0]
        seen[(person(stream), employer)].append(
            (day, (proposed_id, eid), log.siae_of(stream), log.salarie_of(stream))
        )
    for stream, employer, day, motif, eid in log.sorties:
        if motifs.category(motif) not in _HIRED:
            continue
        seen[(person(stream), employer)].append(
            (day, (eid,), log.siae_of(stream), log.salarie_of(stream))
        )
    for stream, f, eid in log.follow_ups:
        assert f.employer is not None
        seen[(f"salarie:{f.salarie}", f.employer)].append(
            (f.date, (eid,), log.structure(stream), f.salarie)
        )
    hires = set()
    for (_person, employer), found in seen.items():
        day, _events, siae, salarie = min(found, key=lambda item: (item[0], item[1]))
        events = tuple(sorted({eid for item in found for eid in item[1]}))
        hires.add(
            Fact(
                kind=FactKind.HIRE,
                employer=employer,
                siae=siae,
                day=day,
                events=events,
                salarie=salarie,
            )
        )
    return hires
