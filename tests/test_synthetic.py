"""Tests of the synthetic log generator (seve.testing.synthetic) and of ``seve demo``."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import pytest

from seve._demo import demo_report, demo_scenario
from seve.model import (
    EMPLOYER,
    PARCOURS,
    PARIS,
    STRUCTURE,
    CompanyRegistered,
    Event,
    Fold,
    PersonalDataRecorded,
    SiaeKind,
    SiteAdded,
    SortieCategory,
    SortieRecorded,
    StaffMemberJoined,
    StaffRole,
    StreamId,
    StreamKind,
    default_motif_table,
    siret_problem,
    stream_kind,
)
from seve.rules import replay
from seve.testing.synthetic import Scenario, SortieTargets, generate, scenario_for_events

START = dt.date(2025, 1, 6)
FOLDS: dict[StreamKind, Fold[Any]] = {
    StreamKind.PARCOURS: PARCOURS,
    StreamKind.EMPLOYER: EMPLOYER,
    StreamKind.SIAE: STRUCTURE,
}
ULID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")


def by_stream(events: Iterable[Event[Any]]) -> dict[StreamId, list[Event[Any]]]:
    streams: defaultdict[StreamId, list[Event[Any]]] = defaultdict(list)
    for event in events:
        streams[event.stream].append(event)
    return streams


@pytest.fixture(scope="module", params=list(SiaeKind), ids=lambda kind: kind.value)
def log(request: pytest.FixtureRequest) -> list[Event[Any]]:
    """Two years of each kind of SIAE, with every rate high enough to show up."""
    scenario = Scenario(
        seed=42,
        start=START,
        days=730,
        siae_kind=request.param,
        parcours=80,
        employers=15,
        suspension_rate=0.3,
    )
    return list(generate(scenario))


# -- determinism ----------------------------------------------------------------------------


def test_same_seed_same_events() -> None:
    scenario = Scenario(seed=7, start=START, parcours=20, employers=5)
    assert list(generate(scenario)) == list(generate(scenario))


def test_another_seed_other_events() -> None:
    one = list(generate(Scenario(seed=7, start=START, parcours=20, employers=5)))
    other = list(generate(Scenario(seed=8, start=START, parcours=20, employers=5)))
    assert [e.payload for e in one] != [e.payload for e in other]
    assert not {e.id for e in one} & {e.id for e in other}


def test_same_events_in_another_process() -> None:
    """No dependency on hash randomisation (str hashes, set order) or on the clock."""
    code = (
        "import datetime as dt, hashlib\n"
        "from seve.serialization import encode_event\n"
        "from seve.testing.synthetic import Scenario, generate\n"
        "log = generate(Scenario(seed=9, start=dt.date(2025, 1, 6), parcours=15))\n"
        "digest = hashlib.sha256()\n"
        "for event in log:\n"
        "    digest.update(encode_event(event))\n"
        "print(digest.hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
        ).stdout
        for hash_seed in (1, 2)
    }
    assert len(digests) == 1


def test_the_generator_needs_no_hypothesis() -> None:
    code = (
        "import sys, datetime as dt\n"
        "from seve.testing.synthetic import Scenario, generate\n"
        "list(generate(Scenario(seed=1, start=dt.date(2025, 1, 6), parcours=2)))\n"
        "assert 'hypothesis' not in sys.modules, 'hypothesis imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- validity -------------------------------------------------------------------------------


def test_every_stream_folds_and_passes_the_rules(log: list[Event[Any]]) -> None:
    streams = by_stream(log)
    kinds = Counter(stream_kind(stream) for stream in streams)
    assert kinds[StreamKind.SIAE] == 1
    assert kinds[StreamKind.EMPLOYER] == 15
    assert kinds[StreamKind.PARCOURS] == 80
    for stream, events in streams.items():
        FOLDS[stream_kind(stream)](events)  # the fold alone
        replay(events)  # the fold and every legal rule


def test_event_ids_are_unique_ulid_like_and_sorted(log: list[Event[Any]]) -> None:
    ids = [event.id for event in log]
    assert len(set(ids)) == len(ids)
    assert all(ULID.fullmatch(event_id) for event_id in ids)
    assert ids == sorted(ids)


def test_events_are_in_time_order(log: list[Event[Any]]) -> None:
    assert all(a.occurred_at <= b.occurred_at for a, b in itertools.pairwise(log))
    for events in by_stream(log).values():
        times = [event.occurred_at for event in events]
        assert times == sorted(times)
    for event in log:
        assert event.occurred_at.tzinfo is PARIS
        assert event.recorded_at >= event.occurred_at


def test_recorded_by_the_staff_of_the_structure(log: list[Event[Any]]) -> None:
    joined = [e.payload.member for e in log if isinstance(e.payload, StaffMemberJoined)]
    assert 6 <= len(joined) <= 10
    roles = {role for member in joined for role in member.roles}
    assert {StaffRole.DIRECTION, StaffRole.CIP, StaffRole.RELATIONS_ENTREPRISES} <= roles
    staff = {member.id for member in joined}
    assert {event.recorded_by for event in log} <= staff


def test_sirets_are_valid(log: list[Event[Any]]) -> None:
    sirets = [e.payload.company.siret for e in log if isinstance(e.payload, CompanyRegistered)]
    sirets += [
        e.payload.site.siret
        for e in log
        if isinstance(e.payload, SiteAdded) and e.payload.site.siret is not None
    ]
    assert len(sirets) > 15
    assert [s for s in sirets if siret_problem(s)] == []


def test_nothing_happens_outside_the_period() -> None:
    scenario = Scenario(seed=3, start=START, days=90, parcours=30, employers=4)
    log = list(generate(scenario))
    assert log[0].day == START
    assert all(START <= event.day <= scenario.end for event in log)


# -- volumes --------------------------------------------------------------------------------


def parcours_events(scenario: Scenario) -> int:
    return sum(stream_kind(e.stream) is StreamKind.PARCOURS for e in generate(scenario))


def test_volumes_scale_with_the_number_of_parcours() -> None:
    small = parcours_events(Scenario(seed=5, start=START, days=730, parcours=50))
    large = parcours_events(Scenario(seed=5, start=START, days=730, parcours=200))
    assert 3.4 < large / small < 4.6


@pytest.mark.parametrize("n_events", [2_000, 30_000])
def test_scenario_for_events_is_about_the_size_asked(n_events: int) -> None:
    produced = sum(1 for _ in generate(scenario_for_events(n_events, seed=2)))
    assert 0.8 * n_events < produced < 1.2 * n_events


def test_generation_is_lazy() -> None:
    huge = scenario_for_events(100_000_000, seed=1)
    first = [event for _, event in zip(range(50), generate(huge), strict=False)]
    assert len(first) == 50


def test_exits_come_close_to_the_targets() -> None:
    targets = SortieTargets()
    scenario = Scenario(
        seed=11, start=START, days=1500, parcours=1200, employers=50, sorties=targets
    )
    table = default_motif_table()
    categories = Counter(
        table.category(e.payload.sortie.motif)
        for e in generate(scenario)
        if isinstance(e.payload, SortieRecorded)
    )
    total = sum(categories.values())
    counted = total - categories[SortieCategory.RETRAIT]
    assert total > 900
    assert categories[SortieCategory.RETRAIT] / total == pytest.approx(targets.retrait, abs=0.03)
    for category in SortieCategory:
        if category is not SortieCategory.RETRAIT:
            share = categories[category] / counted
            assert share == pytest.approx(targets.counted_share(category), abs=0.04), category


def test_scenario_checks_its_rates() -> None:
    with pytest.raises(ValueError, match="renewal_rate"):
        Scenario(seed=1, start=START, renewal_rate=1.5)
    with pytest.raises(ValueError, match="parcours"):
        Scenario(seed=1, start=START, parcours=-1)


# -- seve demo ------------------------------------------------------------------------------


def test_demo_report_is_french_and_anonymous() -> None:
    text = demo_report(generate(demo_scenario(seed=2025, year=2025)), seed=2025, year=2025)
    assert "Taux de sortie dynamique" in text
    assert "Taux d'emploi durable" in text
    assert re.search(r"\d+,\d %", text)
    assert 10 <= len(text.splitlines()) <= 20
    names = {
        name
        for e in generate(demo_scenario(seed=2025, year=2025))
        if isinstance(e.payload, PersonalDataRecorded)
        for name in (e.payload.data.first_name, e.payload.data.last_name)
    }
    assert len(names) > 20
    found = [name for name in names if re.search(rf"\b{re.escape(name)}\b", text)]
    assert found == []


def test_demo_report_is_deterministic() -> None:
    def report(seed: int) -> str:
        return demo_report(generate(demo_scenario(seed=seed, year=2026)), seed=seed, year=2026)

    assert report(3) == report(3)
    assert report(3) != report(4)
