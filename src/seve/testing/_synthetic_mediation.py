"""Médiation active in synthetic parcours: PMSMP and mises en relation.

Called by :mod:`seve.testing.synthetic` for scenarios with ``mediation=True``, once a
parcours is planned (its contracts, its sortie, the employer it leaves for): every draw
here comes from a random generator of its own, so the other events of the parcours are
those the scenario gives without médiation.

Orders of magnitude, not statistics: about one salarié·e in three does a PMSMP (one in
ten a second), mostly in the first months (SEVE: « très tôt dans les parcours »); a
person hired by an employer of the network often did a PMSMP there before, and was
proposed on one of its offers; about half of the other mises en relation reach an
interview.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from typing import TYPE_CHECKING, Final

from seve.model import (
    ClockTime,
    ContactId,
    ContractRenewed,
    Embauche,
    EmployerId,
    ForbiddenUse,
    JobContractKind,
    JobOffered,
    MiseEnRelation,
    MiseEnRelationId,
    MiseEnRelationOutcome,
    MiseEnRelationOutcomeRecorded,
    MiseEnRelationProposed,
    MiseEnRelationResult,
    OfferId,
    Period,
    PmsmpBilan,
    PmsmpConvention,
    PmsmpDrafted,
    PmsmpEnded,
    PmsmpId,
    PmsmpObjective,
    PmsmpOutcome,
    PmsmpParty,
    PmsmpSigned,
    PmsmpStarted,
    PmsmpValidated,
    RefusalReason,
    RefusedBy,
    SiaeKind,
    SortieCategory,
    SortieMotif,
    StaffId,
    weekly_schedule,
)

if TYPE_CHECKING:
    from .synthetic import _ParcoursPlan

__all__ = ["plan_mediation"]

_DAY: Final = dt.timedelta(days=1)
#: Rank offset of the items planned here, after every other item of the same minute.
_RANK: Final = 1_000_000
_SCHEDULE: Final = {
    weekday: (
        Period(start=ClockTime("09:00"), end=ClockTime("12:00")),
        Period(start=ClockTime("13:30"), end=ClockTime("17:00")),
    )
    for weekday in (calendar.MONDAY, calendar.TUESDAY, calendar.WEDNESDAY, calendar.THURSDAY)
}
_TASKS: Final = (
    "Découverte des postes de l'équipe",
    "Travail en binôme avec le tuteur ou la tutrice",
    "Tâches courantes du métier",
)
_REASONS: Final = tuple(RefusalReason)
#: Kinds of SIAE with one contract for the whole parcours (a PMSMP needs a contract
#: running over its whole period: missions and mises à disposition leave gaps).
_ONE_CONTRACT: Final = frozenset({SiaeKind.ACI, SiaeKind.EI, SiaeKind.EITI})
_HIRED: Final = frozenset({SortieCategory.EMPLOI_DURABLE, SortieCategory.EMPLOI_DE_TRANSITION})


def _contact(employer: EmployerId) -> ContactId:
    """The first contact of a synthetic employer (``emp-00007`` -> ``contact-7-1``)."""
    return ContactId(f"contact-{int(employer.rpartition('-')[2])}-1")


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 4:  # Monday to Thursday: the PMSMP schedule's days
        day += _DAY
    return day


class _Mediation:
    def __init__(self, plan: _ParcoursPlan, sortie: dt.date) -> None:
        self.parcours = plan
        self.world = plan.world
        self.rng = random.Random(f"{plan.world.tag}:mediation:{plan.index}")
        self.sortie = sortie
        self.items = plan.plan.items
        self.closing = plan.plan.closing
        self.rank = _RANK
        self.count = 0
        self.staff = plan.plan.staff
        self.busy: list[tuple[dt.date, dt.date]] = []
        # the contract's planned end, and when each renewal is recorded (minute, end)
        self.ends = sorted(
            (minute, payload.end if isinstance(payload, ContractRenewed) else payload.contract.end)
            for minute, _rank, payload, _staff, _delay in self.items
            if isinstance(payload, ContractRenewed | Embauche)
        )

    def contract_end(self, minute: int) -> dt.date:
        """The end of the contract as the log knows it at ``minute``."""
        return max((end for at, end in self.ends if at <= minute), default=self.parcours.hire)

    def _id(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}-{self.parcours.key}-{self.count}"

    def add(self, day: dt.date, lo: float, hi: float, payload: object, staff: StaffId) -> None:
        minute = self._minute(day, lo, hi)
        if self.closing is not None and minute >= self.closing:
            return
        self.rank += 1
        delay = self.rng.randrange(5, 90)
        self.items.append((minute, self.rank, payload, staff, delay))

    def _at(self, day: dt.date, hour: int) -> int:
        return (day.toordinal() - self.world.day0) * 1440 + hour * 60

    def _minute(self, day: dt.date, lo: float, hi: float) -> int:
        base = (day.toordinal() - self.world.day0) * 1440
        return base + self.rng.randrange(int(lo * 60), int(hi * 60))

    # -- PMSMP ---------------------------------------------------------------------------

    def pmsmp(self, host: EmployerId, start: dt.date, *, hire: bool) -> bool:
        """Plan a PMSMP with ``host`` from ``start`` (it must end before the sortie)."""
        rng = self.rng
        start = _weekday(start)
        end = start + dt.timedelta(days=rng.choice((4, 11, 11, 18)))
        drafted = max(self.parcours.hire + _DAY, start - dt.timedelta(days=rng.randint(5, 15)))
        if end >= self.sortie - dt.timedelta(days=2) or drafted >= start:
            return False
        if any(start <= last and first <= end for first, last in self.busy):
            return False
        if self.contract_end(self._at(drafted, 9)) < end:
            return False
        self.busy.append((start, end))
        pmsmp_id = PmsmpId(self._id("pmsmp"))
        objective = (
            PmsmpObjective.RECRUTEMENT
            if hire
            else rng.choice((PmsmpObjective.DECOUVRIR, PmsmpObjective.CONFIRMER))
        )
        convention = PmsmpConvention(
            id=pmsmp_id,
            objective=objective,
            host=host,
            tutor=_contact(host),
            start=start,
            end=end,
            schedule=weekly_schedule(start, end, _SCHEDULE),
            tasks=tuple(rng.sample(_TASKS, k=2)),
            excluded_uses=frozenset(ForbiddenUse),
        )
        referent = self.staff
        self.add(drafted, 9, 11, PmsmpDrafted(convention=convention), referent)
        for party in (
            PmsmpParty.STRUCTURE_ACCOMPAGNEMENT,
            PmsmpParty.BENEFICIAIRE,
            PmsmpParty.STRUCTURE_ACCUEIL,
        ):
            self.add(drafted, 11, 16, PmsmpSigned(convention=pmsmp_id, party=party), referent)
        self.add(drafted + _DAY, 9, 12, PmsmpValidated(convention=pmsmp_id), referent)
        draw = rng.random()
        if draw < 0.08:
            bilan = PmsmpBilan(outcome=PmsmpOutcome.NOT_SHOWN, objectives_reached=False)
        else:
            self.add(start, 8, 8.9, PmsmpStarted(convention=pmsmp_id), referent)
            offered = hire or rng.random() < 0.15
            job = JobOffered(contract=JobContractKind.CDD, start=end + dt.timedelta(days=14))
            if draw < 0.18:
                last = max(start, end - dt.timedelta(days=2))
                bilan = PmsmpBilan(
                    outcome=PmsmpOutcome.PARTIAL, objectives_reached=False, last_day=last
                )
            else:
                bilan = PmsmpBilan(
                    outcome=PmsmpOutcome.COMPLETED,
                    objectives_reached=True,
                    job_offer=job if offered else None,
                )
        self.add(end, 17.5, 18.5, PmsmpEnded(convention=pmsmp_id, bilan=bilan), referent)
        return True

    # -- mises en relation -----------------------------------------------------------------

    def mise_en_relation(self, employer: EmployerId, proposed: dt.date, *, hire: bool) -> None:
        rng = self.rng
        mer_id = MiseEnRelationId(self._id("mer"))
        by = rng.choice((*self.world.cips, self.world.relations))
        mer = MiseEnRelation(
            id=mer_id,
            offer=OfferId(f"offre-{employer}-{rng.randint(1, 3)}"),
            employer=employer,
            proposed_on=proposed,
            proposed_by=by,
        )
        self.add(proposed, 9, 17, MiseEnRelationProposed(mise_en_relation=mer), by)
        if not hire and rng.random() >= 0.5:
            if rng.random() < 0.6:
                return  # no answer yet
            refused = proposed + dt.timedelta(days=rng.randint(3, 20))
            self._outcome(mer_id, MiseEnRelationResult.REFUS, refused, by)
            return
        interview = proposed + dt.timedelta(days=rng.randint(3, 15))
        if interview >= self.sortie:
            return
        self._outcome(mer_id, MiseEnRelationResult.ENTRETIEN, interview, by)
        final = interview + dt.timedelta(days=rng.randint(2, 10))
        if hire:
            final = min(final, self.sortie)
            self._outcome(mer_id, MiseEnRelationResult.EMBAUCHE, final, by)
        elif rng.random() < 0.7 and final < self.sortie:
            self._outcome(mer_id, MiseEnRelationResult.REFUS, final, by)

    def _outcome(
        self, mer: MiseEnRelationId, result: MiseEnRelationResult, day: dt.date, by: StaffId
    ) -> None:
        rng = self.rng
        if result is MiseEnRelationResult.EMBAUCHE:
            outcome = MiseEnRelationOutcome(
                mise_en_relation=mer,
                result=result,
                date=day,
                contract=rng.choice((JobContractKind.CDI, JobContractKind.CDD)),
                start=self.sortie + _DAY,
            )
        elif result is MiseEnRelationResult.REFUS:
            outcome = MiseEnRelationOutcome(
                mise_en_relation=mer,
                result=result,
                date=day,
                refused_by=rng.choice(tuple(RefusedBy)),
                reason=rng.choice(_REASONS),
            )
        else:
            outcome = MiseEnRelationOutcome(mise_en_relation=mer, result=result, date=day)
        self.add(day, 9, 16.5, MiseEnRelationOutcomeRecorded(outcome=outcome), by)


def plan_mediation(
    plan: _ParcoursPlan,
    category: SortieCategory,
    motif: SortieMotif,
    sortie: dt.date,
    employer: EmployerId | None,
) -> None:
    """Add PMSMP and mises en relation to a planned parcours (its items, in place)."""
    m = _Mediation(plan, sortie)
    rng, world, hire = m.rng, m.world, plan.hire
    stay = (sortie - hire).days
    hired_here = employer is not None and category in _HIRED and motif is not SortieMotif.AUTRE_SIAE
    if plan.kind in _ONE_CONTRACT and stay > 30:
        draws = 1 if rng.random() < 0.35 else 0
        draws += 1 if draws and rng.random() < 0.3 else 0
        hosts: set[EmployerId] = set()
        for _ in range(draws):
            start = hire + dt.timedelta(days=int(rng.expovariate(1 / 60)) + 10)
            host = world.employer_by(m._minute(start, 9, 17), rng)
            if host is not None and host not in hosts and m.pmsmp(host, start, hire=False):
                hosts.add(host)
        if hired_here and employer is not None and employer not in hosts and rng.random() < 0.6:
            start = max(
                hire + dt.timedelta(days=10), sortie - dt.timedelta(days=rng.randint(40, 150))
            )
            m.pmsmp(employer, start, hire=True)
    for _ in range(min(3, int(rng.expovariate(1 / 0.8)))):
        proposed = hire + dt.timedelta(days=rng.randint(15, max(16, stay - 20)))
        if proposed >= sortie:
            continue
        other = world.employer_by(m._minute(proposed, 9, 17), rng)
        if other is not None and other != employer:
            m.mise_en_relation(other, _weekday(proposed), hire=False)
    if hired_here and employer is not None and rng.random() < 0.5:
        proposed = max(hire + _DAY, sortie - dt.timedelta(days=rng.randint(20, 45)))
        m.mise_en_relation(employer, proposed, hire=True)
