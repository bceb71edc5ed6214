"""``seve demo``: one synthetic year of an ACI, recorded in a store through the
recording service, read back, folded, checked and summarised in French.

The summary only shows aggregates: no name, no per-person figure; freins (sensitive)
appear as counts by theme.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Final

from ._demo_calendars import with_agenda
from .app import Recorder
from .hooks import Plugins
from .model import (
    Employer,
    Event,
    FreinTheme,
    MotifTable,
    Parcours,
    SiaeKind,
    SortieCategory,
    StreamId,
    Structure,
    default_motif_table,
)
from .partnerships import CompanyStatus, company_status, facts, fulfilments
from .rules import months_after, replay
from .storage import Store
from .testing.synthetic import Scenario, generate

__all__ = ["demo_report", "demo_scenario", "record_demo"]

#: AI and ETTI exits count from 150 hours worked (ASP / DREETS dialogue de gestion).
_EXAMINED_HOURS: Final = Decimal(150)
#: ACI and EI exits count after a stay of 3 months or more.
_EXAMINED_MONTHS: Final = 3
#: Freins themes shown one by one; the rarer ones are grouped (small counts of
#: sensitive themes are better not shown alone).
_THEMES_SHOWN: Final = 6


def demo_scenario(*, seed: int = 2025, year: int = 2025) -> Scenario:
    """The scenario behind :func:`demo_report`: an ACI over ``year - 1`` and ``year``.

    The year before lets the structure reach its stride: on 1 January of ``year``
    some salarié·es are already there, as in a real ACI.
    """
    start = dt.date(year - 1, 1, 1)
    days = (dt.date(year, 12, 31) - start).days + 1
    return Scenario(
        seed=seed,
        start=start,
        days=days,
        siae_kind=SiaeKind.ACI,
        parcours=72,
        employers=16,
        mediation=True,
    )


def record_demo(
    store: Store, *, seed: int = 2025, year: int = 2025, plugins: Plugins | None = None
) -> int:
    """Record the events of :func:`demo_scenario`, with its agenda (appointments, Flash
    Info, job datings: see :mod:`seve._demo_calendars`), in ``store``, one by one,
    through the recording service (every rule checked) with ``plugins`` (default: the
    built-in ones); returns how many were recorded."""
    recorder = Recorder(store, plugins=plugins)
    count = 0
    for event in with_agenda(generate(demo_scenario(seed=seed, year=year)), seed=seed):
        recorder.record(event)
        count += 1
    return count


def demo_report(
    events: Iterable[Event[Any]],
    *,
    seed: int = 2025,
    year: int = 2025,
    stored_in: str | None = None,
    messages: Sequence[str] = (),
    calendars: Sequence[str] = (),
) -> str:
    """A French summary of one synthetic year of an ACI (plain text, about 14 lines).

    Every stream of the synthetic log is folded and checked against the legal rules
    (:func:`seve.rules.replay`: a :class:`~seve.errors.DomainError` means the
    generator broke a rule).  The rates follow the dialogue de gestion: over the
    *sorties examinées* of the year (a stay of 3 months or more in an ACI; retraits
    are never counted).
    """
    events = list(events)
    states, count = _fold(events)
    structure = next(s for s in states if isinstance(s, Structure))
    employers = sum(isinstance(s, Employer) for s in states)
    parcours = [s for s in states if isinstance(s, Parcours)]
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    table = default_motif_table()

    present = [
        p for p in parcours if p.embauche <= last and (p.sortie is None or p.sortie.date >= first)
    ]
    hires = sum(first <= p.embauche <= last for p in parcours)
    hours = sum((h.hours for p in parcours for h in p.hours if h.month.year == year), Decimal(0))
    identified: Counter[FreinTheme] = Counter()
    lifted: Counter[FreinTheme] = Counter()
    for p in parcours:
        for frein in p.freins.values():
            if frein.identified_on.year == year:
                identified[frein.theme] += 1
            if frein.lifted_on is not None and frein.lifted_on.year == year:
                lifted[frein.theme] += 1
    leavers = [p for p in parcours if p.sortie is not None and p.sortie.date.year == year]
    categories = Counter(_category(p, table) for p in leavers)
    examined = [p for p in leavers if _examined(p, table)]
    dynamic = sum(_category(p, table).dynamic for p in examined)
    durable = sum(_category(p, table) is SortieCategory.EMPLOI_DURABLE for p in examined)

    siae = structure.siae
    ranked = sorted(
        set(identified) | set(lifted), key=lambda t: (-identified[t], -lifted[t], t.label)
    )
    themes = [f"{t.label} {identified[t]} / {lifted[t]}" for t in ranked[:_THEMES_SHOWN]]
    others = ranked[_THEMES_SHOWN:]
    if others:
        rest = f"{sum(identified[t] for t in others)} / {sum(lifted[t] for t in others)}"
        themes.append(f"autres thèmes {rest}")
    exits = [f"{c.label} {categories[c]}" for c in SortieCategory]
    team = f"Équipe : {_int(len(structure.staff))} permanent·es ; réseau : {_int(employers)}"
    hired = _int(hires)
    freins = f"{_int(sum(identified.values()))} / {_int(sum(lifted.values()))}"
    lines = [
        f"seve : une année synthétique ({year}) d'une structure fictive, graine {seed}",
        f"Structure : {siae.name}, {siae.kind.label.lower()} ({siae.territory})",
        f"{team} employeurs",
        f"Salarié·es en transition dans l'année : {_int(len(present))}, dont {hired} embauches",
        f"Heures travaillées : {_int(round(hours))} h",
        f"Freins identifiés / levés dans l'année : {freins}, par thème :",
        *_packed(themes),
        f"Sorties dans l'année : {_int(len(leavers))}",
        *_packed(exits),
        "Sorties examinées (3 mois ou plus dans la structure, hors retraits) : "
        + _int(len(examined)),
        f"Taux de sortie dynamique : {_rate(dynamic, len(examined))}",
        f"Taux d'emploi durable : {_rate(durable, len(examined))}",
        *_network(states, events, last),
        f"Contrôle : {_int(count)} événements, chaque flux replié et vérifié par les règles.",
    ]
    lines.extend(calendars)  # where the calendar feeds went (see _demo_calendars.py)
    lines.extend(messages)  # what the demo's messages became (see _demo_messages.py)
    if stored_in is not None:
        lines.append(f"Journal enregistré dans {stored_in}")
    return "\n".join(lines)


def _fold(events: Iterable[Event[Any]]) -> tuple[list[Any], int]:
    """Fold and check every stream; the states and the number of events."""
    streams: defaultdict[StreamId, list[Event[Any]]] = defaultdict(list)
    count = 0
    for event in events:
        streams[event.stream].append(event)
        count += 1
    return [replay(stream) for stream in streams.values()], count


def _network(states: list[Any], events: list[Event[Any]], day: dt.date) -> list[str]:
    """The company file on ``day``: companies by status, conventions in force and how they
    stand (see :mod:`seve.partnerships`)."""
    employers = [s for s in states if isinstance(s, Employer)]
    done = facts(events)
    statuses = Counter(company_status(e, day, facts=done) for e in employers)
    network = " · ".join(f"{s.label} {statuses[s]}" for s in CompanyStatus if statuses[s])
    running = [f for f in fulfilments(employers, done, day) if f.start <= day <= f.end]
    kept = Counter(f.status.label.lower() for f in running)
    detail = ", ".join(f"{n} {label}" for label, n in sorted(kept.items()))
    return [
        f"Réseau au {day:%d/%m/%Y} : {network}",
        f"Conventions de partenariat en vigueur : {len(running) or 'aucune'}"
        + (f" ({detail})" if detail else ""),
    ]


def _category(parcours: Parcours, table: MotifTable) -> SortieCategory:
    assert parcours.sortie is not None
    return table.category(parcours.sortie.motif)


def _examined(parcours: Parcours, table: MotifTable) -> bool:
    """Whether the sortie counts in the rates (dialogue de gestion rules)."""
    assert parcours.sortie is not None
    if _category(parcours, table) is SortieCategory.RETRAIT:
        return False
    kind = parcours.siae_kind
    if kind in (SiaeKind.ACI, SiaeKind.EI):
        return parcours.sortie.date >= months_after(parcours.embauche, _EXAMINED_MONTHS)
    if kind in (SiaeKind.AI, SiaeKind.ETTI):
        return parcours.hours_worked >= _EXAMINED_HOURS
    return True


def _packed(items: list[str], width: int = 96) -> list[str]:
    """Items joined by `` · `` on indented lines, never cutting an item."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 3 + len(item) <= width:
            lines[-1] += " · " + item
        else:
            lines.append("  " + item)
    return lines


def _int(value: int) -> str:
    """``12 345``: French digit grouping (a plain space, safe in any terminal)."""
    return f"{value:,}".replace(",", " ")


def _rate(part: int, whole: int) -> str:
    """``47,1 %``, or a French explanation when there is nothing to divide."""
    if not whole:
        return "non calculable (aucune sortie examinée)"
    return f"{100 * part / whole:.1f} %".replace(".", ",")
