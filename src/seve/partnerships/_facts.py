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
from collections.abc import Iterable
from typing import Any, Final

from attrs import frozen

from ..model import (
    CompanyEventFollowedUp,
    CompanyEventHeld,
    CompanyEventKind,
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
    SalarieId,
    SiaeId,
    SiaeRegistered,
    SortieCategory,
    SortieRecorded,
    StreamId,
    default_motif_table,
)
from ..model._base import personal

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


class _Log:
    """What :func:`facts` keeps of each event, before the joins."""

    def __init__(self) -> None:
        self.people: dict[StreamId, tuple[SiaeId, SalarieId]] = {}
        self.structures: dict[StreamId, SiaeId] = {}
        self.companies: dict[StreamId, EmployerId] = {}
        self.pmsmps: dict[_Key, tuple[EmployerId, EventId, bool]] = {}
        self.started: defaultdict[_Key, list[tuple[dt.date, EventId]]] = defaultdict(list)
        self.not_shown: set[_Key] = set()
        self.proposals: dict[_Key, tuple[EmployerId, dt.date, EventId]] = {}
        self.hired: list[tuple[_Key, dt.date, EventId]] = []
        self.sorties: list[tuple[StreamId, EmployerId, dt.date, EventId]] = []
        self.company_events: list[tuple[StreamId, CompanyEventHeld, EventId]] = []
        self.follow_ups: list[tuple[StreamId, CompanyEventFollowedUp, EventId]] = []
        self.mecenat: list[tuple[StreamId, InteractionRecorded, EventId]] = []

    def read(self, event: Event[Any], motifs: MotifTable) -> None:
        p, stream, eid = event.payload, event.stream, event.id
        if isinstance(p, Embauche):
            self.people[stream] = (p.siae, p.salarie)
        elif isinstance(p, SiaeRegistered):
            self.structures[stream] = p.siae.id
        elif isinstance(p, CompanyRegistered):
            self.companies[stream] = p.company.id
        elif isinstance(p, PmsmpDrafted | PmsmpRenewed):
            key = (stream, p.convention.id)
            self.pmsmps[key] = (p.convention.host, eid, isinstance(p, PmsmpRenewed))
        elif isinstance(p, PmsmpStarted):
            self.started[(stream, p.convention)].append((event.day, eid))
        elif isinstance(p, PmsmpEnded) and p.bilan.outcome is PmsmpOutcome.NOT_SHOWN:
            self.not_shown.add((stream, p.convention))
        elif isinstance(p, MiseEnRelationProposed):
            mer = p.mise_en_relation
            self.proposals[(stream, mer.id)] = (mer.employer, mer.proposed_on, eid)
        elif isinstance(p, MiseEnRelationOutcomeRecorded):
            if p.outcome.result is MiseEnRelationResult.EMBAUCHE:
                self.hired.append(((stream, p.outcome.mise_en_relation), p.outcome.date, eid))
        elif isinstance(p, SortieRecorded):
            sortie = p.sortie
            if sortie.employer is not None and motifs.category(sortie.motif) in _HIRED:
                self.sorties.append((stream, sortie.employer, sortie.date, eid))
        elif isinstance(p, CompanyEventHeld):
            self.company_events.append((stream, p, eid))
        elif isinstance(p, CompanyEventFollowedUp):
            f = p.follow_up
            if f.kind is FollowUpKind.EMBAUCHE and f.employer is not None:
                self.follow_ups.append((stream, p, eid))
        elif isinstance(p, InteractionRecorded) and p.interaction.kind is InteractionKind.MECENAT:
            self.mecenat.append((stream, p, eid))

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
      visit of its premises; any other kind of event).
    - **Mécénat**: interactions of kind *mécénat de compétences*.
    - **Proposals**: mises en relation of a salarié·e on one of the company's offers.

    :param motifs: the table of motifs de sortie (default: the one seve ships).
    """
    table = motifs if motifs is not None else default_motif_table()
    log = _Log()
    for event in events:
        log.read(event, table)
    found: set[Fact] = set()
    for key, starts in log.started.items():
        drafted = log.pmsmps.get(key)
        if drafted is None or drafted[2] or key in log.not_shown:
            continue
        host, drafted_id, _renewal = drafted
        day, started_id = min(starts)
        stream = key[0]
        found.add(
            Fact(
                kind=FactKind.PMSMP,
                employer=host,
                siae=log.siae_of(stream),
                day=day,
                events=tuple(sorted({drafted_id, started_id})),
                salarie=log.salarie_of(stream),
            )
        )
    found |= _hires(log)
    for stream, held, eid in log.company_events:
        e = held.event
        kind = FactKind.VISIT if e.kind is CompanyEventKind.VISITE_ENTREPRISE else FactKind.EVENT
        for employer in e.employers:
            found.add(
                Fact(
                    kind=kind,
                    employer=employer,
                    siae=log.structure(stream),
                    day=e.date,
                    events=(eid,),
                )
            )
    for stream, recorded, eid in log.mecenat:
        i = recorded.interaction
        found.add(
            Fact(
                kind=FactKind.MECENAT,
                employer=log.company(stream),
                siae=i.siae,
                day=i.date,
                events=(eid,),
            )
        )
    for (stream, _mer), (employer, day, eid) in log.proposals.items():
        found.add(
            Fact(
                kind=FactKind.PROPOSAL,
                employer=employer,
                siae=log.siae_of(stream),
                day=day,
                events=(eid,),
                salarie=log.salarie_of(stream),
            )
        )
    return tuple(sorted(found, key=_order))


def _order(fact: Fact) -> tuple[dt.date, str, str, tuple[EventId, ...]]:
    return (fact.day, fact.kind.value, fact.employer, fact.events)


def _hires(log: _Log) -> set[Fact]:
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
    for stream, employer, day, eid in log.sorties:
        seen[(person(stream), employer)].append(
            (day, (eid,), log.siae_of(stream), log.salarie_of(stream))
        )
    for stream, followed, eid in log.follow_ups:
        f = followed.follow_up
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
