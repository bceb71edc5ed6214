"""The company file in synthetic logs: interactions, relation transfers, conventions de
partenariat, and the visits and events of the partner companies.

Called by :mod:`seve.testing.synthetic` for scenarios with ``company_file=True`` (the
default).  Every draw here comes from random generators of its own, seeded from the
scenario and the employer: the other events of the log are those the same scenario
gives without the company file, and a company's file does not depend on the others'.

Orders of magnitude, not statistics.  The SIAE keeps in touch with an employer it only
prospected for a few weeks, with an occasional one every two or three months for a
year or two, and with an engaged one every month or so for years; six engaged
companies in ten (public bodies and non-profits aside) sign a convention de
partenariat for a year, which is renewed six times in ten, ends at its term or, now
and then, early.  A partner hosts visits of its premises and takes part in events as
its convention says, most of the time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import TYPE_CHECKING, Final

import attrs
from attrs import frozen

from seve.model import (
    AvenantId,
    CompanyCommitments,
    CompanyEvent,
    CompanyEventHeld,
    CompanyEventId,
    CompanyEventKind,
    ContactAdded,
    ContactId,
    ConventionActivated,
    ConventionAmended,
    ConventionDrafted,
    ConventionEnded,
    ConventionId,
    ConventionRenewed,
    ConventionSigned,
    ConventionTerminated,
    EmployerId,
    Interaction,
    InteractionId,
    InteractionKind,
    InteractionRecorded,
    PartnershipConvention,
    PartyId,
    RelationTransferred,
    SiaeCommitments,
    StaffId,
    TerminationReason,
)

if TYPE_CHECKING:
    from .synthetic import _Planner, _World

__all__ = ["CompanyPlan", "add_company_file", "add_partner_events", "plan_companies"]

_DAY: Final = dt.timedelta(days=1)
#: Rank offset of the items planned here, after every other item of the same minute.
_RANK: Final = 2_000_000
#: How the SIAE works with its employers: (engagement, weight).
_ENGAGEMENTS: Final = (("prospect", 40), ("occasional", 35), ("engaged", 25))
#: Chance that an engaged company signs a convention de partenariat.
_CONVENTION_RATE: Final = 0.6
#: Mean days between two contacts, by engagement (and while a convention is in force).
_MEAN_GAP: Final = {"prospect": 20.0, "occasional": 75.0, "engaged": 40.0, "partner": 25.0}
_KINDS: Final = {
    "prospect": ((InteractionKind.APPEL, 1),),
    "occasional": (
        (InteractionKind.APPEL, 50),
        (InteractionKind.RENDEZ_VOUS, 8),
        (InteractionKind.EVENEMENT, 14),
        (InteractionKind.PMSMP, 12),
        (InteractionKind.EMBAUCHE, 5),
        (InteractionKind.MEDIATION, 3),
    ),
    "engaged": (
        (InteractionKind.APPEL, 40),
        (InteractionKind.RENDEZ_VOUS, 18),
        (InteractionKind.EVENEMENT, 14),
        (InteractionKind.PMSMP, 16),
        (InteractionKind.EMBAUCHE, 7),
        (InteractionKind.MEDIATION, 5),
    ),
}
_TERMINATIONS: Final = (
    TerminationReason.ENTREPRISE,
    TerminationReason.COMMUN_ACCORD,
    TerminationReason.CESSATION_ACTIVITE,
)
#: The events a partner takes part in.
_EVENTS: Final = (CompanyEventKind.PRESENTATION_METIERS, CompanyEventKind.JOB_DATING)
_PROFILES: Final = (
    "Savoir-être professionnel acquis : ponctualité, travail en équipe",
    "Gestes de base du métier acquis sur le chantier d'insertion",
    "Règles d'hygiène et de sécurité du poste connues",
)


@frozen(kw_only=True)
class Period:
    """One convention of a company's plan: a year of a chain of renewals.

    :param outcome: ``"renewed"``, ``"ended"`` (at its term) or ``"terminated"`` (early,
        on ``last``).
    """

    id: ConventionId
    start: dt.date
    end: dt.date
    last: dt.date
    commitments: CompanyCommitments
    outcome: str
    amended: bool


@frozen(kw_only=True)
class CompanyPlan:
    """How the SIAE works with one employer over the scenario."""

    engagement: str
    joined: dt.date
    until: dt.date
    periods: tuple[Period, ...] = ()

    def in_force(self, day: dt.date) -> bool:
        return any(p.start <= day <= p.last for p in self.periods)


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += _DAY
    return day


def _first_of_next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _plan(world: _World, index: int) -> CompanyPlan:
    rng = random.Random(f"{world.tag}:company-plan:{index}")
    ref = world.employers[index]
    joined = world.scenario.start + dt.timedelta(days=world.employer_days[index])
    engagement = rng.choices([e for e, _ in _ENGAGEMENTS], [w for _, w in _ENGAGEMENTS])[0]
    span = {"prospect": (10, 60), "occasional": (180, 720), "engaged": (365, 1800)}[engagement]
    until = joined + dt.timedelta(days=rng.randint(*span))
    periods: list[Period] = []
    if engagement == "engaged" and ref.nature == 0 and rng.random() < _CONVENTION_RATE:
        start = _first_of_next_month(joined + dt.timedelta(days=rng.randint(90, 300)))
        for n in itertools.count(1):
            end = dt.date(start.year + 1, start.month, 1) - _DAY
            draw = rng.random()
            outcome = "renewed" if draw < 0.6 else "ended" if draw < 0.88 else "terminated"
            last = end
            if outcome == "terminated":
                last = start + dt.timedelta(days=rng.randint(90, 300))
            commitments = CompanyCommitments(
                pmsmp=rng.randint(1, 5),
                hires=rng.choice((0, 1, 1, 2)),
                visits=rng.choice((0, 0, 2, 4)),
                events=rng.choice((0, 1, 2)),
                mecenat=rng.choice((0, 0, 1, 2)),
            )
            periods.append(
                Period(
                    id=ConventionId(f"conv-{index + 1}-{n}"),
                    start=start,
                    end=end,
                    last=last,
                    commitments=commitments,
                    outcome=outcome,
                    amended=rng.random() < 0.2 and outcome != "terminated",
                )
            )
            if outcome != "renewed" or end >= world.scenario.end:
                break
            start = end + _DAY
        until = max(until, periods[-1].last + dt.timedelta(days=rng.randint(30, 200)))
    return CompanyPlan(engagement=engagement, joined=joined, until=until, periods=tuple(periods))


def plan_companies(world: _World) -> tuple[CompanyPlan, ...]:
    """How the SIAE works with each employer of the scenario, drawn once."""
    return tuple(_plan(world, index) for index in range(len(world.employers)))


class _Items:
    """Adds items to a stream's plan with a random generator of its own."""

    def __init__(self, world: _World, plan: _Planner, rng: random.Random) -> None:
        self.world = world
        self.items = plan.items
        self.rng = rng
        self.rank = _RANK

    def add(self, day: dt.date, lo: float, hi: float, payload: object, staff: StaffId) -> int:
        minute = (day.toordinal() - self.world.day0) * 1440
        minute += self.rng.randrange(int(lo * 60), int(hi * 60))
        self.rank += 1
        self.items.append((minute, self.rank, payload, staff, self.rng.randrange(2, 60)))
        return minute


def add_company_file(world: _World, index: int, plan: _Planner) -> None:
    """Plan the interactions, transfers and conventions of employer ``index``."""
    assert world.companies is not None
    company = world.companies[index]
    rng = random.Random(f"{world.tag}:company-file:{index}")
    items = _Items(world, plan, rng)
    employer = world.employers[index].id
    contact = ContactId(f"contact-{index + 1}-1")
    # The first contact is added with the company or with its sites: named from the day after.
    added = min(
        minute
        for minute, _rank, payload, _staff, _delay in plan.items
        if isinstance(payload, ContactAdded) and payload.contact.id == contact
    )
    known = dt.date.fromordinal(world.day0 + added // 1440) + _DAY
    staff = [m.id for m in world.staff]
    siae = world.siae.id
    counter = itertools.count(1)
    end = min(company.until, world.scenario.end)

    def interaction(day: dt.date, kind: InteractionKind, by: StaffId) -> None:
        follow = None
        if kind in (InteractionKind.PROSPECTION, InteractionKind.APPEL) and rng.random() < 0.3:
            follow = _weekday(day + dt.timedelta(days=rng.randint(7, 30)))
        met = frozenset({contact}) if day >= known and rng.random() < 0.6 else frozenset()
        recorded = Interaction(
            id=InteractionId(f"interaction-{index + 1}-{next(counter)}"),
            kind=kind,
            date=day,
            by=by,
            siae=siae,
            contacts=met,
            follow_up_on=follow,
        )
        items.add(day, 9, 17.5, InteractionRecorded(interaction=recorded), by)

    holder = world.relations if rng.random() < 0.6 else rng.choice(staff)
    first = last = _weekday(company.joined + dt.timedelta(days=rng.randint(1, 10)))
    interaction(first, InteractionKind.PROSPECTION, holder)
    kinds = _KINDS[company.engagement]
    while True:
        state = "partner" if company.in_force(last) else company.engagement
        day = _weekday(last + dt.timedelta(days=max(3, int(rng.expovariate(1 / _MEAN_GAP[state])))))
        if day > end:
            break
        kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
        interaction(day, kind, holder if rng.random() < 0.5 else rng.choice(staff))
        last = day
    if (last - first).days > 60 and rng.random() < 0.12:
        handed = _weekday(first + dt.timedelta(days=rng.randint(30, (last - first).days)))
        others = [s for s in (world.relations, *world.cips) if s != holder]
        if others and handed <= world.scenario.end:
            to = rng.choice(others)
            transfer = RelationTransferred(
                siae=siae, to=to, previous=holder, reason="Réorganisation du suivi des entreprises"
            )
            items.add(handed, 17.5, 18, transfer, world.relations)
    for n, period in enumerate(company.periods):
        _convention(world, items, employer, period, company.periods[n + 1 : n + 2], first=n == 0)
        for _ in range(period.commitments.mecenat):
            if rng.random() < 0.7:
                span = (period.last - period.start).days
                on = _weekday(period.start + dt.timedelta(days=rng.randint(0, span)))
                if on <= period.last:
                    interaction(on, InteractionKind.MECENAT, world.relations)


def _convention(
    world: _World,
    items: _Items,
    employer: EmployerId,
    period: Period,
    following: tuple[Period, ...],
    *,
    first: bool,
) -> None:
    """Plan the events of one convention (a renewal is drafted by the one it renews)."""
    rng, siae, relations = items.rng, world.siae.id, world.relations
    direction = world.staff[0]
    if first:
        terms = PartnershipConvention(
            id=period.id,
            employer=employer,
            siaes=frozenset({siae}),
            start=period.start,
            end=period.end,
            company=period.commitments,
            siae=SiaeCommitments(profile=rng.choice(_PROFILES)),
            title=f"Convention de partenariat {period.start.year}",
        )
        drafted = _weekday(period.start - dt.timedelta(days=rng.randint(35, 55)))
        items.add(drafted, 10, 12, ConventionDrafted(convention=terms), relations)
        signed = _weekday(drafted + dt.timedelta(days=rng.randint(5, 20)))
        party = PartyId(employer)
        company_signs = ConventionSigned(
            convention=period.id, party=party, signatory="La direction"
        )
        items.add(signed, 14, 15, company_signs, relations)
        signed = _weekday(signed + dt.timedelta(days=rng.randint(1, 10)))
        siae_signs = ConventionSigned(
            convention=period.id, party=PartyId(siae), signatory=f"{direction.name}, direction"
        )
        items.add(signed, 15, 16, siae_signs, direction.id)
        items.add(signed, 16, 17, ConventionActivated(convention=period.id), relations)
    if period.amended:
        on = _weekday(period.start + dt.timedelta(days=rng.randint(120, 200)))
        more = attrs.evolve(period.commitments, pmsmp=period.commitments.pmsmp + 2)
        avenant = ConventionAmended(
            convention=period.id,
            avenant=AvenantId("avenant-1"),
            summary="Deux PMSMP de plus",
            company=more,
        )
        items.add(on, 10, 12, avenant, relations)
    if period.outcome == "renewed" and following:
        nxt = following[0]
        renewed = ConventionRenewed(
            convention=period.id,
            renewal=nxt.id,
            start=nxt.start,
            end=nxt.end,
            company=nxt.commitments,
        )
        on = _weekday(period.end - dt.timedelta(days=rng.randint(15, 40)))
        items.add(on, 10, 12, renewed, relations)
    if period.outcome == "terminated":
        terminated = ConventionTerminated(
            convention=period.id, date=period.last, reason=rng.choice(_TERMINATIONS)
        )
        items.add(period.last, 10, 12, terminated, relations)
    else:
        items.add(period.end, 17, 18, ConventionEnded(convention=period.id), relations)


def add_partner_events(world: _World, plan: _Planner) -> None:
    """Plan, in the structure stream, the visits and events of the partner companies."""
    assert world.companies is not None
    rng = random.Random(f"{world.tag}:partner-events")
    items = _Items(world, plan, rng)
    for index, company in enumerate(world.companies):
        employer = world.employers[index].id
        for period in company.periods:
            span = (period.last - period.start).days + 1
            planned = [(CompanyEventKind.VISITE_ENTREPRISE, "visite")] * period.commitments.visits
            planned += [(rng.choice(_EVENTS), "evt") for _ in range(period.commitments.events)]
            for n, (kind, prefix) in enumerate(planned, start=1):
                if rng.random() >= 0.75:
                    continue
                on = _weekday(period.start + dt.timedelta(days=rng.randrange(span)))
                if on > period.last:
                    continue
                event = CompanyEvent(
                    id=CompanyEventId(f"{prefix}-{period.id}-{n}"),
                    kind=kind,
                    date=on,
                    employers=frozenset({employer}),
                    staff=frozenset({world.relations}),
                )
                items.add(on, 9, 11, CompanyEventHeld(event=event), world.relations)
