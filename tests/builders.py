"""Builders of valid events, for the tests of folds and rules.

Tests read like the domain: ``log.add("2025-01-15", embauche(...))`` rather than
a page of constructor calls.  Every builder gives a *valid* value by default
(a CDDI of 6 months at 26 h a week, a PASS IAE of 24 months...); a test only
spells out what it is about.

The test modules import this module with ``from builders import ...``: pytest
runs with ``--import-mode=importlib``, which does not put ``tests/`` on
``sys.path``, so they add it themselves before importing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from seve.model import (
    PARIS,
    Action,
    ActionId,
    ActionPlanned,
    ActionStatus,
    ActionStatusChanged,
    AgeBand,
    ClientKind,
    Company,
    CompanyRegistered,
    ContactId,
    Contract,
    ContractEnded,
    ContractEndReason,
    ContractId,
    ContractKind,
    EducationLevel,
    Embauche,
    EmployerId,
    Event,
    EventId,
    ForbiddenUse,
    Frein,
    FreinId,
    FreinIdentified,
    FreinLifted,
    FreinTheme,
    HoursWorked,
    JoblessDuration,
    MonthlyHours,
    Objective,
    ObjectiveDefined,
    ObjectiveId,
    PassIae,
    PassSuspended,
    PassSuspension,
    Period,
    PmsmpConvention,
    PmsmpId,
    PmsmpObjective,
    SalarieId,
    Siae,
    SiaeId,
    SiaeKind,
    SiaeRegistered,
    Siret,
    SituationAtEntry,
    SizeBand,
    Sortie,
    SortieMotif,
    SortieRecorded,
    StaffId,
    StreamId,
    StreamKind,
    SuiviContact,
    SuiviContactRecorded,
    SuiviWith,
    SuspensionReason,
    stream_id,
    weekly_schedule,
)
from seve.rules import months_after

__all__ = [
    "PARCOURS_STREAM",
    "SIRET",
    "WORKWEEK",
    "Log",
    "at",
    "cddi",
    "company",
    "convention",
    "day",
    "embauche",
    "employer_log",
    "hours",
    "mise_a_disposition",
    "parcours_events",
    "pass_iae",
    "prefix",
    "siae",
    "situation",
    "structure_log",
]

PARCOURS_STREAM = stream_id(StreamKind.PARCOURS, "p-1")
#: A SIRET that passes the Luhn check.
SIRET = Siret("73282932000074")

DayLike = dt.date | str


def day(value: DayLike) -> dt.date:
    """``"2025-01-15"`` or a date: tests write days as ISO strings."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def at(value: DayLike, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An instant on ``value``, Europe/Paris."""
    return dt.datetime.combine(day(value), dt.time(hour, minute), tzinfo=PARIS)


# -- values --------------------------------------------------------------------------------


def situation(age_band: AgeBand = AgeBand.FROM_26_TO_49, *, rqth: bool = False) -> SituationAtEntry:
    return SituationAtEntry(
        age_band=age_band,
        education=EducationLevel.NIVEAU_3,
        jobless=JoblessDuration.FROM_12_TO_23_MONTHS,
        rqth=rqth,
    )


def pass_iae(start: DayLike, end: DayLike | None = None, **kw: Any) -> PassIae:
    """A PASS IAE from ``start``, for 24 months unless ``end`` is given."""
    first = day(start)
    last = months_after(first, 24) if end is None else day(end)
    return PassIae(number="999992012345", start=first, end=last, **kw)


def cddi(
    start: DayLike,
    end: DayLike | None = None,
    *,
    id: str = "c-1",
    weekly_hours: str | Decimal = "26",
    **kw: Any,
) -> Contract:
    """A CDDI from ``start``, for 6 months unless ``end`` is given."""
    first = day(start)
    last = months_after(first, 6) if end is None else day(end)
    return Contract(
        id=ContractId(id),
        kind=kw.pop("kind", ContractKind.CDDI),
        start=first,
        end=last,
        weekly_hours=Decimal(weekly_hours),
        **kw,
    )


def mise_a_disposition(
    start: DayLike,
    end: DayLike | None = None,
    *,
    id: str = "mad-1",
    client_kind: ClientKind | None = ClientKind.ENTREPRISE,
    weekly_hours: str = "10",
) -> Contract:
    """An AI's mise à disposition (with a company by default), 6 months by default."""
    return cddi(
        start,
        end,
        id=id,
        weekly_hours=weekly_hours,
        kind=ContractKind.MISE_A_DISPOSITION,
        client_kind=client_kind,
    )


def embauche(
    start: DayLike = "2025-01-15",
    *,
    siae_kind: SiaeKind = SiaeKind.EI,
    contract: Contract | None = None,
    situation_: SituationAtEntry | None = None,
    pass_: PassIae | None = None,
) -> Embauche:
    """The opening event: a CDDI of 6 months and a fresh PASS IAE from ``start``."""
    return Embauche(
        salarie=SalarieId("s-1"),
        siae=SiaeId("siae-1"),
        siae_kind=siae_kind,
        situation=situation() if situation_ is None else situation_,
        pass_iae=pass_iae(start) if pass_ is None else pass_,
        contract=cddi(start) if contract is None else contract,
    )


def hours(month: DayLike, amount: str | int | Decimal, contract: str = "c-1") -> HoursWorked:
    return HoursWorked(
        hours=MonthlyHours(month=day(month), contract=ContractId(contract), hours=Decimal(amount))
    )


def siae(kind: SiaeKind = SiaeKind.ACI, id: str = "siae-1") -> Siae:
    return Siae(id=SiaeId(id), kind=kind, siret=SIRET, name="Le Jardin", territory="Rennes")


def company(id: str = "emp-1") -> Company:
    return Company(
        id=EmployerId(id), siret=SIRET, name="Boulangerie Martin", naf="10.71C", size=SizeBand.TPE
    )


#: Monday to Friday, 9:00-12:00 and 13:00-17:00: 35 hours a week.
WORKWEEK = {
    weekday: (Period(start="09:00", end="12:00"), Period(start="13:00", end="17:00"))
    for weekday in range(5)
}


def convention(
    start: DayLike = "2025-03-03",
    end: DayLike | None = None,
    *,
    id: str = "pm-1",
    host: str = "emp-1",
    objective: PmsmpObjective = PmsmpObjective.DECOUVRIR,
    **kw: Any,
) -> PmsmpConvention:
    """A PMSMP convention from ``start``, for two weeks unless ``end`` is given, on
    :data:`WORKWEEK`, every forbidden use declared excluded."""
    first = day(start)
    last = first + dt.timedelta(days=11) if end is None else day(end)
    return PmsmpConvention(
        id=PmsmpId(id),
        objective=objective,
        host=EmployerId(host),
        tutor=ContactId("tutor-1"),
        start=first,
        end=last,
        schedule=kw.pop("schedule") if "schedule" in kw else weekly_schedule(first, last, WORKWEEK),
        tasks=kw.pop("tasks", ("Mise en rayon", "Accueil des clients")),
        excluded_uses=kw.pop("excluded_uses", frozenset(ForbiddenUse)),
        **kw,
    )


# -- events -------------------------------------------------------------------------------


class Log:
    """The events of one stream, numbered in the order they are added.

    ``add`` records an event in the log; ``make`` only builds it (the next event,
    to be checked or applied by the test).
    """

    def __init__(self, stream: StreamId = PARCOURS_STREAM) -> None:
        self.stream = stream
        self.events: list[Event[Any]] = []
        self._count = 0

    def make(
        self,
        when: DayLike | dt.datetime,
        payload: Any,
        *,
        stream: StreamId | None = None,
    ) -> Event[Any]:
        self._count += 1
        occurred = when if isinstance(when, dt.datetime) else at(when)
        return Event(
            id=EventId(f"e-{self._count}"),
            stream=self.stream if stream is None else stream,
            occurred_at=occurred,
            recorded_at=occurred + dt.timedelta(hours=1),
            recorded_by=StaffId("staff-1"),
            payload=payload,
        )

    def add(self, when: DayLike | dt.datetime, payload: Any, **kw: Any) -> Event[Any]:
        event = self.make(when, payload, **kw)
        self.events.append(event)
        return event

    def __iter__(self) -> Any:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)


def structure_log() -> Log:
    log = Log(stream_id(StreamKind.SIAE, "siae-1"))
    log.add("2025-01-02", SiaeRegistered(siae=siae()))
    return log


def employer_log() -> Log:
    log = Log(stream_id(StreamKind.EMPLOYER, "emp-1"))
    log.add("2025-01-02", CompanyRegistered(company=company()))
    return log


# -- a strategy of valid parcours --------------------------------------------------------

#: Sort rank of events on the same day: the sortie comes after the rest of the day.
_EMBAUCHE, _PLAN, _END, _SORTIE, _AFTER = range(5)


@st.composite
def parcours_events(draw: st.DrawFn) -> list[Event[Any]]:
    """A valid parcours, every rule met: an embauche in CDDI, a few months of hours,
    freins lifted or not with their objectives and actions, maybe a PASS
    suspension, maybe a sortie followed by suivi contacts.

    The events are in chronological order; several may fall on the same day.
    """
    start = draw(st.dates(dt.date(2021, 9, 1), dt.date(2032, 12, 31)))
    kind = draw(st.sampled_from([SiaeKind.EI, SiaeKind.ACI, SiaeKind.AI]))
    months = draw(st.integers(4, 12))
    contract = cddi(
        start,
        months_after(start, months),
        weekly_hours=Decimal(draw(st.integers(40, 70))) / 2,
    )
    pending: list[tuple[dt.date, int, Any]] = [
        (start, _EMBAUCHE, embauche(start, siae_kind=kind, contract=contract))
    ]

    sortie = draw(st.booleans())
    # Every event of the plan happens by the horizon (the sortie, or the contract's end).
    horizon = start + dt.timedelta(days=draw(st.integers(0, (contract.end - start).days)))
    if not sortie:
        horizon = contract.end
    span = (horizon - start).days

    def some_day(after: dt.date) -> dt.date:
        return after + dt.timedelta(days=draw(st.integers(0, (horizon - after).days)))

    # Hours, month by month, declared on the first day of the next month at the earliest.
    month = start.replace(day=1)
    n_months = draw(st.integers(0, months + 1))
    for _ in range(n_months):
        if month > horizon:
            break
        next_month = (month + dt.timedelta(days=32)).replace(day=1)
        amount = Decimal(draw(st.integers(0, 320))) / 2
        pending.append((next_month, _PLAN, hours(month, amount)))
        month = next_month

    # Freins, lifted or not; an objective for some of them, with an action.
    for i in range(draw(st.integers(0, 3))):
        identified = some_day(start)
        frein = Frein(
            id=FreinId(f"f-{i}"),
            theme=draw(st.sampled_from(FreinTheme)),
            identified_on=identified,
        )
        pending.append((identified, _PLAN, FreinIdentified(frein=frein)))
        if draw(st.booleans()):
            defined = some_day(identified)
            objective = Objective(
                id=ObjectiveId(f"o-{i}"), label="Trouver un logement", freins=(frein.id,)
            )
            pending.append((defined, _PLAN, ObjectiveDefined(objective=objective)))
            action = Action(id=ActionId(f"a-{i}"), objective=objective.id, label="RDV CCAS")
            planned = some_day(defined)
            pending.append((planned, _PLAN, ActionPlanned(action=action)))
            for status in draw(st.lists(st.sampled_from(ActionStatus), max_size=2)):
                planned = some_day(planned)
                pending.append(
                    (planned, _PLAN, ActionStatusChanged(action=action.id, status=status))
                )
                if status.closed:
                    break
        if draw(st.booleans()):
            pending.append((some_day(identified), _PLAN, FreinLifted(frein=frein.id)))

    if span > 0 and draw(st.booleans()):
        s_start = some_day(start)
        length = draw(st.integers(0, 90))
        suspension = PassSuspension(
            start=s_start,
            end=s_start + dt.timedelta(days=length),
            reason=SuspensionReason.CONTRAT_SUSPENDU,
        )
        pending.append((s_start, _PLAN, PassSuspended(suspension=suspension)))

    if sortie:
        if horizon < contract.end:
            ended = ContractEnded(
                contract=contract.id, date=horizon, reason=ContractEndReason.EMBAUCHE
            )
            pending.append((horizon, _END, ended))
        motif = draw(st.sampled_from(SortieMotif))
        pending.append((horizon, _SORTIE, SortieRecorded(sortie=Sortie(date=horizon, motif=motif))))
        when = horizon
        for _ in range(draw(st.integers(0, 2))):
            when += dt.timedelta(days=draw(st.integers(0, 200)))
            contact = SuiviContact(date=when, party=SuiviWith.SALARIE, in_employment=True)
            pending.append((when, _AFTER, SuiviContactRecorded(contact=contact)))

    pending.sort(key=lambda item: (item[0], item[1]))
    log = Log()
    for when, _rank, payload in pending:
        log.add(when, payload)
    return log.events


def prefix(events: Sequence[Event[Any]], until: dt.date) -> list[Event[Any]]:
    """The events that happened on or before ``until``."""
    return [e for e in events if e.day <= until]
