"""PMSMP: one month, one renewal, the limits per host, the schedule, the beneficiary.

The state platform for immersions enforces neither the single renewal nor the limits
per person and host (two conventions and 60 days over 12 consecutive months); seve
enforces both.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, Final

from dateutil.relativedelta import relativedelta

from ..errors import Path, Problem
from ..model import (
    ContractEnded,
    Event,
    ForbiddenUse,
    Parcours,
    Pmsmp,
    PmsmpAmended,
    PmsmpConvention,
    PmsmpDrafted,
    PmsmpEnded,
    PmsmpOutcome,
    PmsmpParty,
    PmsmpRenewed,
    PmsmpValidated,
    StreamKind,
    week_of,
)
from ._base import may_be_aged, months_after, register

__all__ = [
    "PMSMP_HOST_CONVENTIONS",
    "PMSMP_HOST_DAYS",
    "PMSMP_WEEKLY_HOURS",
    "check_pmsmp_beneficiary",
    "check_pmsmp_bilan",
    "check_pmsmp_convention",
    "check_pmsmp_host",
    "check_pmsmp_renewal",
    "check_pmsmp_schedule",
]

_D3: Final = "Code du travail, art. D5135-3"
_D2: Final = "Code du travail, art. D5135-2"
_MONTHS: Final = 1
_WINDOW_MONTHS: Final = 12
#: Conventions one person may have with one host over 12 consecutive months (D5135-3).
PMSMP_HOST_CONVENTIONS: Final = 2
#: Days of PMSMP, renewals included, with one host over 12 consecutive months (D5135-3).
PMSMP_HOST_DAYS: Final = 60
#: Hours of presence in a week, Monday to Sunday (the state platform's ceiling, after
#: the maximum weekly working time of art. L3121-20).
PMSMP_WEEKLY_HOURS: Final = Decimal(48)
_MINIMUM_AGE: Final = 16
_MAJORITY: Final = 18

_CONVENTION: Final[Path] = ("payload", "convention")


def _drafted(event: Event[Any], after: Parcours) -> Pmsmp | None:
    """The PMSMP a drafting, a renewal or an avenant brings, if the event is one: each
    must satisfy every rule of a convention."""
    payload = event.payload
    if isinstance(payload, PmsmpDrafted | PmsmpRenewed | PmsmpAmended):
        return after.pmsmps[payload.convention.id]
    return None


def _counted(parcours: Parcours) -> list[PmsmpConvention]:
    return [p.convention for p in parcours.pmsmps.values() if p.counted]


@register(StreamKind.PARCOURS)
def check_pmsmp_convention(
    before: Parcours | None, after: Parcours, event: Event[Any]
) -> Iterator[Problem]:
    """One month at most *de date à date*; the content of the convention; the host's
    declaration that the PMSMP is none of the forbidden uses."""
    pmsmp = _drafted(event, after)
    if pmsmp is None:
        return
    c = pmsmp.convention
    longest = months_after(c.start, _MONTHS)
    if c.end > longest:
        yield Problem(
            code="pmsmp.duree_max",
            message=f"une PMSMP dure au plus un mois de date à date, renouvellement à part : "
            f"du {c.start:%d/%m/%Y}, elle finit au plus tard le {longest:%d/%m/%Y}",
            path=(*_CONVENTION, "end"),
            legal=_D3,
        )
    for name, missing in (("tasks", not c.tasks), ("schedule", not c.schedule)):
        if missing:
            what = "les activités confiées" if name == "tasks" else "les jours et horaires"
            yield Problem(
                code="pmsmp.contenu_incomplet",
                message=f"la convention précise {what} de la PMSMP",
                path=(*_CONVENTION, name),
                legal=_D2,
            )
    for i, day in enumerate(c.schedule):
        if not c.start <= day.date <= c.end:
            yield Problem(
                code="pmsmp.jour_hors_periode",
                message=f"le {day.date:%d/%m/%Y} est hors de la période de la PMSMP "
                f"({c.start:%d/%m/%Y} - {c.end:%d/%m/%Y})",
                path=(*_CONVENTION, "schedule", i, "date"),
                legal=_D2,
            )
    undeclared = sorted(set(ForbiddenUse) - c.excluded_uses)
    if undeclared:
        yield Problem(
            code="pmsmp.usage_interdit",
            message="la structure d'accueil doit déclarer que la PMSMP n'a pas pour objet : "
            + " ; ".join(u.label.lower() for u in undeclared),
            path=(*_CONVENTION, "excluded_uses"),
            legal="Code du travail, art. L5135-7",
        )


@register(StreamKind.PARCOURS)
def check_pmsmp_schedule(
    before: Parcours | None, after: Parcours, event: Event[Any]
) -> Iterator[Problem]:
    """Each period starts before it ends; periods of a day do not overlap (in this
    convention or another of the person's); at most 48 hours a week, Monday to Sunday."""
    pmsmp = _drafted(event, after)
    if pmsmp is None:
        return
    new = pmsmp.convention
    others = [c for c in _counted(after) if c.id != new.id]
    seen: dict[dt.date, list[tuple[int, int]]] = defaultdict(list)
    for other in others:
        for day in other.schedule:
            seen[day.date].extend(p.bounds for p in day.periods if p.minutes > 0)
    for i, day in enumerate(new.schedule):
        for j, period in enumerate(day.periods):
            path = (*_CONVENTION, "schedule", i, "periods", j)
            start, end = period.bounds
            if period.minutes <= 0:
                yield Problem(
                    code="pmsmp.horaires_inverses",
                    message=f"le {day.date:%d/%m/%Y}, la plage {period.start}-{period.end} "
                    "doit commencer avant de finir",
                    path=path,
                    legal=_D2,
                )
                continue
            if any(s < end and start < e for s, e in seen[day.date]):
                yield Problem(
                    code="pmsmp.horaires_chevauchement",
                    message=f"le {day.date:%d/%m/%Y}, la plage {period.start}-{period.end} "
                    "chevauche une autre plage du même jour",
                    path=path,
                    legal=_D2,
                )
            seen[day.date].append((start, end))
    yield from _weekly_hours(new, others)


def _weekly_hours(new: PmsmpConvention, others: Iterable[PmsmpConvention]) -> Iterator[Problem]:
    hours: dict[dt.date, Decimal] = defaultdict(Decimal)
    for convention in (new, *others):
        for day in convention.schedule:
            hours[week_of(day.date)] += day.hours
    reported: set[dt.date] = set()
    for i, day in enumerate(new.schedule):
        monday = week_of(day.date)
        if hours[monday] > PMSMP_WEEKLY_HOURS and monday not in reported:
            reported.add(monday)
            yield Problem(
                code="pmsmp.heures_semaine",
                message=f"au plus {PMSMP_WEEKLY_HOURS} heures de présence par semaine, du lundi "
                f"au dimanche : la semaine du {monday:%d/%m/%Y} en compte {hours[monday]:.2f}",
                path=(*_CONVENTION, "schedule", i),
                legal="Code du travail, art. L3121-20 (plafond de la plateforme de l'immersion)",
            )


@register(StreamKind.PARCOURS)
def check_pmsmp_host(
    before: Parcours | None, after: Parcours, event: Event[Any]
) -> Iterator[Problem]:
    """Per person and host, over any 12 consecutive months: at most 2 conventions, with
    different objectives, and at most 60 days in total, renewals included."""
    pmsmp = _drafted(event, after)
    if pmsmp is None:
        return
    new = pmsmp.convention
    group = [p for p in after.pmsmps.values() if p.counted and p.convention.host == new.host]
    found: dict[str, Problem] = {}
    for first, last in _windows(new, [p.convention for p in group]):
        inside = [p for p in group if p.convention.start <= last and first <= p.convention.end]
        units = {p.renews or p.id: p.convention.objective for p in inside}
        window = f"du {first:%d/%m/%Y} au {last:%d/%m/%Y}"
        if len(units) > PMSMP_HOST_CONVENTIONS:
            found.setdefault(
                "pmsmp.accueil_nombre",
                Problem(
                    code="pmsmp.accueil_nombre",
                    message=f"au plus {PMSMP_HOST_CONVENTIONS} PMSMP avec la même structure "
                    f"d'accueil sur 12 mois consécutifs : {len(units)} {window}",
                    path=(*_CONVENTION, "start"),
                    legal=_D3,
                ),
            )
        if len(set(units.values())) < len(units):
            found.setdefault(
                "pmsmp.accueil_objectif",
                Problem(
                    code="pmsmp.accueil_objectif",
                    message="deux PMSMP avec la même structure d'accueil sur 12 mois consécutifs "
                    f"ont des objets différents : « {new.objective.label} » revient {window}",
                    path=(*_CONVENTION, "objective"),
                    legal=_D3,
                ),
            )
        days = sum(
            (min(p.convention.end, last) - max(p.convention.start, first)).days + 1 for p in inside
        )
        if days > PMSMP_HOST_DAYS:
            found.setdefault(
                "pmsmp.accueil_jours",
                Problem(
                    code="pmsmp.accueil_jours",
                    message=f"au plus {PMSMP_HOST_DAYS} jours de PMSMP, renouvellements compris, "
                    f"avec la même structure d'accueil sur 12 mois consécutifs : {days} {window}",
                    path=(*_CONVENTION, "end"),
                    legal=_D3,
                ),
            )
    yield from found.values()


def _windows(
    new: PmsmpConvention, conventions: Iterable[PmsmpConvention]
) -> Iterator[tuple[dt.date, dt.date]]:
    """The windows of 12 consecutive months that hold a day of ``new`` and may hold the
    most of the others: those starting or ending on the first or last day of one (the
    most days start on a first day or end on a last day; the most conventions start on
    a last day or end on a first day)."""
    firsts = set()
    for c in conventions:
        for edge in (c.start, c.end):
            firsts.add(edge)
            firsts.add(edge - relativedelta(months=_WINDOW_MONTHS) + dt.timedelta(days=1))
    for first in sorted(firsts):
        last = months_after(first, _WINDOW_MONTHS)
        if first <= new.end and new.start <= last:
            yield first, last


@register(StreamKind.PARCOURS)
def check_pmsmp_renewal(
    before: Parcours | None, after: Parcours, event: Event[Any]
) -> Iterator[Problem]:
    """Renewed once, only if the bilan says the objectives were not reached, with the same
    objective and host, for a period that follows the first."""
    payload = event.payload
    if not isinstance(payload, PmsmpRenewed) or before is None:
        return
    first = after.pmsmps[payload.renews]
    renewal = payload.convention
    again = first.renews is not None or any(
        p.renews == first.id and p.counted for p in before.pmsmps.values()
    )
    if again:
        yield Problem(
            code="pmsmp.renouvellement_unique",
            message=f"une PMSMP ne se renouvelle qu'une fois : {first.id} l'a déjà été "
            "ou est elle-même un renouvellement",
            path=("payload", "renews"),
            legal=_D3,
        )
    if first.bilan is None or first.bilan.objectives_reached:
        said = "aucun bilan" if first.bilan is None else "un bilan d'objectifs atteints"
        yield Problem(
            code="pmsmp.renouvellement_objectifs_atteints",
            message="une PMSMP ne se renouvelle que si son bilan constate que les objectifs "
            f"ne sont pas atteints : {first.id} a {said}",
            path=("payload", "renews"),
            legal=_D3,
        )
    if renewal.objective is not first.convention.objective:
        yield Problem(
            code="pmsmp.renouvellement_objectif",
            message="un renouvellement garde l'objet de la PMSMP : "
            f"« {first.convention.objective.label} »",
            path=(*_CONVENTION, "objective"),
            legal=_D3,
        )
    if renewal.host != first.convention.host:
        yield Problem(
            code="pmsmp.renouvellement_accueil",
            message="un renouvellement se fait avec la même structure d'accueil "
            f"({first.convention.host})",
            path=(*_CONVENTION, "host"),
            legal=_D3,
        )
    if renewal.start <= first.convention.end:
        yield Problem(
            code="pmsmp.renouvellement_chevauchement",
            message="le renouvellement commence après la première période, au plus tôt le "
            f"{first.convention.end + dt.timedelta(days=1):%d/%m/%Y}",
            path=(*_CONVENTION, "start"),
            legal=_D3,
        )


@register(StreamKind.PARCOURS)
def check_pmsmp_beneficiary(
    before: Parcours | None, after: Parcours, event: Event[Any]
) -> Iterator[Problem]:
    """A salarié·e of the SIAE under contract over the whole period, aged 16 or more; a
    minor's legal representative signs."""
    payload = event.payload
    pmsmp = _drafted(event, after)
    if pmsmp is not None:
        c = pmsmp.convention
        yield from _uncovered(after, [c], (*_CONVENTION, "start"))
        if not may_be_aged(after, _MINIMUM_AGE, c.start):
            yield Problem(
                code="pmsmp.age_min",
                message=f"une PMSMP est ouverte à partir de {_MINIMUM_AGE} ans : la personne "
                f"ne les a pas le {c.start:%d/%m/%Y}",
                path=(*_CONVENTION, "start"),
                legal="Code du travail, art. L4153-1 (âge minimal de 16 ans)",
            )
    elif isinstance(payload, PmsmpValidated):
        v = after.pmsmps[payload.convention]
        minor = not may_be_aged(after, _MAJORITY, v.convention.start)
        if minor and PmsmpParty.REPRESENTANT_LEGAL not in v.signatures:
            yield Problem(
                code="pmsmp.representant_legal",
                message="la personne est mineure au début de la PMSMP : son ou sa "
                "représentant·e légal·e signe la convention",
                path=("payload", "convention"),
                legal="Code civil, art. 388-1-1 (représentation du mineur)",
            )
    elif isinstance(payload, ContractEnded):
        pending = [p.convention for p in after.pmsmps.values() if p.counted and not p.status.closed]
        yield from _uncovered(after, pending, ("payload", "date"))


def _uncovered(
    parcours: Parcours, conventions: Iterable[PmsmpConvention], path: Path
) -> Iterator[Problem]:
    for c in conventions:
        gap = next((d for d in c.dates() if parcours.running_contract(d) is None), None)
        if gap is not None:
            yield Problem(
                code="pmsmp.contrat",
                message=f"pendant la PMSMP {c.id}, le contrat avec la SIAE continue : aucun "
                f"contrat ne court le {gap:%d/%m/%Y}",
                path=path,
                legal="Code du travail, art. L5135-4",
            )


@register(StreamKind.PARCOURS)
def check_pmsmp_bilan(
    before: Parcours | None, after: Parcours, event: Event[Any]
) -> Iterator[Problem]:
    """A partial period gives the last day present, within the period."""
    payload = event.payload
    if not isinstance(payload, PmsmpEnded):
        return
    bilan = payload.bilan
    c = after.pmsmps[payload.convention].convention
    partial = bilan.outcome is PmsmpOutcome.PARTIAL
    if partial and bilan.last_day is None:
        yield Problem(
            code="pmsmp.bilan_incomplet",
            message="une PMSMP partiellement réalisée précise le dernier jour de présence",
            path=("payload", "bilan", "last_day"),
        )
    if bilan.last_day is not None and not (partial and c.start <= bilan.last_day <= c.end):
        yield Problem(
            code="pmsmp.bilan_incoherent",
            message="le dernier jour de présence se donne pour une PMSMP partiellement "
            f"réalisée, dans sa période ({c.start:%d/%m/%Y} - {c.end:%d/%m/%Y})",
            path=("payload", "bilan", "last_day"),
        )
