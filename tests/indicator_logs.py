"""Logs for the tests of indicators and reports: small hand-written ones, whose figures
are worked out by hand, and synthetic ones with médiation active.

Imported by ``tests/test_indicators*.py`` and ``tests/test_reports*.py`` (they put
``tests/`` on ``sys.path``, as for ``builders.py``).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from decimal import Decimal
from typing import Any

import seve
from seve.model import Event
from seve.rules import months_after
from seve.testing.synthetic import Scenario, generate

_IDS = itertools.count(1)


def event(stream: str, day: dt.date | str, payload: Any, *, hour: int = 9) -> Event[Any]:
    """An event of ``stream`` at ``hour`` on ``day`` (ids: ``ev-1``, ``ev-2``...)."""
    when = dt.date.fromisoformat(day) if isinstance(day, str) else day
    at = dt.datetime.combine(when, dt.time(hour, 0), tzinfo=seve.PARIS)
    return seve.Event(
        id=f"ev-{next(_IDS)}",
        stream=stream,
        occurred_at=at,
        recorded_at=at,
        recorded_by="cip-lea",
        payload=payload,
    )


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def structure(siae: str = "aci-1", kind: seve.SiaeKind = seve.SiaeKind.ACI) -> list[Event[Any]]:
    return [
        event(
            f"siae:{siae}",
            "2022-01-03",
            seve.SiaeRegistered(
                siae=seve.Siae(
                    id=siae,
                    kind=kind,
                    siret="73282932000074",
                    name="Les Jardins du Val",
                    territory="Pays de Redon",
                )
            ),
        )
    ]


def parcours(
    key: str,
    hired: str,
    *,
    siae: str = "aci-1",
    kind: seve.SiaeKind = seve.SiaeKind.ACI,
    sortie: str | None = None,
    motif: seve.SortieMotif = seve.SortieMotif.CDI,
    months: int = 6,
    hours: tuple[tuple[str, int], ...] = (),
    employer: str | None = None,
    situation: seve.SituationAtEntry | None = None,
) -> list[Event[Any]]:
    """One parcours: embauche on ``hired``, a contract of ``months`` months (ended on the
    sortie), hours per month, the sortie."""
    start = d(hired)
    end = months_after(start, months)
    contract_kind = {
        seve.SiaeKind.AI: seve.ContractKind.MISE_A_DISPOSITION,
        seve.SiaeKind.ETTI: seve.ContractKind.MISSION,
    }.get(kind, seve.ContractKind.CDDI)
    client = (
        {"client_kind": seve.ClientKind.ENTREPRISE}
        if kind in (seve.SiaeKind.AI, seve.SiaeKind.ETTI)
        else {}
    )
    stream = f"parcours:{key}"
    out = [
        event(
            stream,
            start,
            seve.Embauche(
                salarie=f"s-{key}",
                siae=siae,
                siae_kind=kind,
                situation=situation
                or seve.SituationAtEntry(
                    age_band=seve.AgeBand.FROM_26_TO_49,
                    education=seve.EducationLevel.NIVEAU_3,
                    jobless=seve.JoblessDuration.TWO_YEARS_OR_MORE,
                ),
                pass_iae=seve.PassIae(
                    number=f"P-{key}", start=start, end=start + dt.timedelta(days=729)
                ),
                contract=seve.Contract(
                    id=f"c-{key}",
                    kind=contract_kind,
                    start=start,
                    end=end,
                    weekly_hours=Decimal(26),
                    **client,
                ),
            ),
            hour=8,
        )
    ]
    for month, count in hours:
        out.append(
            event(
                stream,
                months_after(d(month), 1) + dt.timedelta(days=2),
                seve.HoursWorked(
                    hours=seve.MonthlyHours(
                        month=d(month), contract=f"c-{key}", hours=Decimal(count)
                    )
                ),
                hour=7,
            )
        )
    if sortie is not None:
        day = d(sortie)
        out.append(
            event(
                stream,
                day,
                seve.ContractEnded(
                    contract=f"c-{key}", date=day, reason=seve.ContractEndReason.COMMUN_ACCORD
                ),
                hour=16,
            )
        )
        out.append(
            event(
                stream,
                day,
                seve.SortieRecorded(sortie=seve.Sortie(date=day, motif=motif, employer=employer)),
                hour=17,
            )
        )
    return out


def in_order(events: list[Event[Any]]) -> list[Event[Any]]:
    """Events in time order (stable: a stream keeps its order)."""
    return sorted(events, key=lambda e: e.occurred_at)


@functools.cache
def synthetic(
    seed: int, *, parcours: int = 40, kind: seve.SiaeKind = seve.SiaeKind.ACI
) -> tuple[Event[Any], ...]:
    """A synthetic log with médiation active: two years from 2022."""
    scenario = Scenario(
        seed=seed,
        start=dt.date(2022, 1, 3),
        days=730,
        parcours=parcours,
        employers=10,
        siae_kind=kind,
        mediation=True,
    )
    return tuple(generate(scenario))
