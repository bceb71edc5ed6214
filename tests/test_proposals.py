"""Force de proposition: published offers ranked for a salarié·e, with their reasons."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import seve
from seve.model import (
    EmployerId,
    JobContractKind,
    JobProject,
    JobProjectDefined,
    MiseEnRelation,
    MiseEnRelationId,
    MiseEnRelationProposed,
    Offer,
    OfferId,
    OfferStatus,
    Parcours,
    RomeCode,
    StaffId,
    WorkCondition,
)
from seve.proposals import propose
from seve.testing.strategies import from_model

sys.path.insert(0, str(Path(__file__).parent))  # builders.py: see its docstring
from builders import Log, day, embauche

ON = day("2025-04-10")


def offer(id: str, rome: str = "N1103", **kw: Any) -> Offer:
    return Offer(
        id=OfferId(id),
        employer=EmployerId("emp-1"),
        title="Poste",
        rome=RomeCode(rome),
        contract=kw.pop("contract", JobContractKind.CDI),
        weekly_hours=Decimal(kw.pop("hours", 35)),
        postcode=kw.pop("postcode", "35200"),
        city="Rennes",
        search_start=day("2025-04-01"),
        search_end=day("2025-05-31"),
        captured_by=StaffId("eti-1"),
        **kw,
    )


def parcours(project: JobProject | None = None, *proposed: str) -> Parcours:
    log = Log()
    log.add("2025-01-15", embauche("2025-01-15"))
    if project is not None:
        log.add("2025-04-01", JobProjectDefined(project=project))
    for n, offer_id in enumerate(proposed):
        mer = MiseEnRelation(
            id=MiseEnRelationId(f"mer-{n}"),
            offer=OfferId(offer_id),
            employer=EmployerId("emp-1"),
            proposed_on=day("2025-04-02"),
            proposed_by=StaffId("cip-1"),
        )
        log.add("2025-04-02", MiseEnRelationProposed(mise_en_relation=mer))
    return seve.replay(log)  # type: ignore[no-any-return]


PROJECT = JobProject(
    metiers=frozenset({RomeCode("N1103")}),
    contracts=frozenset({JobContractKind.CDI, JobContractKind.CDD}),
    min_weekly_hours=Decimal(24),
    max_weekly_hours=Decimal(35),
    places=frozenset({"35"}),
    unavailable=frozenset({WorkCondition.PERMIS_B}),
)


def test_a_full_match_comes_first_with_every_reason() -> None:
    offers = [
        offer("o-b", "N1101"),  # a close métier
        offer("o-a"),
        offer("o-c", "K2204", postcode="56100", hours=20),
    ]
    ranked = propose(parcours(PROJECT), offers, on=ON)
    assert [p.offer.id for p in ranked] == ["o-a", "o-b", "o-c"]
    best = ranked[0]
    assert best.missing == ()
    assert best.fits == (
        "métier visé : Poste (N1103)",
        "contrat accepté : CDI",
        "35 h par semaine, dans les horaires souhaités",
        "lieu dans la zone de mobilité : Rennes (35200)",
    )
    assert ranked[2].missing == (
        "métier hors du projet : Poste (K2204)",
        "20 h par semaine, moins que les 24 h souhaitées",
        "lieu hors de la zone de mobilité : Rennes (56100)",
    )


def test_what_is_missing_is_said() -> None:
    (proposal,) = propose(
        parcours(PROJECT),
        [
            offer(
                "o-1",
                contract=JobContractKind.INTERIM,
                hours=39,
                conditions=frozenset({WorkCondition.PERMIS_B, WorkCondition.NUIT}),
            )
        ],
        on=ON,
    )
    assert proposal.missing == (
        "contrat non souhaité : Intérim",
        "39 h par semaine, plus que les 35 h possibles",
        "exigence non remplie pour l'instant : Permis B",
    )


def test_only_published_offers_not_yet_proposed() -> None:
    offers = [
        offer("o-1"),
        offer("o-2", status=OfferStatus.FILLED),
        offer("o-3"),
    ]
    ranked = propose(parcours(PROJECT, "o-3"), offers, on=ON)
    assert [p.offer.id for p in ranked] == ["o-1"]
    assert propose(parcours(PROJECT), offers, on=day("2025-06-01")) == ()


def test_without_a_project_the_project_is_what_is_missing() -> None:
    (proposal,) = propose(parcours(), [offer("o-1")], on=ON)
    assert proposal.fits == ()
    assert proposal.missing == ("aucun projet professionnel défini dans le plan d'action",)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(from_model(Offer), max_size=6, unique_by=lambda o: o.id),
    from_model(JobProject),
    st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31)),
)
def test_ranking_is_transparent(offers: list[Offer], project: JobProject, on: dt.date) -> None:
    ranked = propose(parcours(project), offers, on=on)
    assert {p.offer.id for p in ranked} == {o.id for o in offers if o.published_on(on)}
    keys = [(len(p.missing), -len(p.fits)) for p in ranked]
    assert keys == sorted(keys)
    for p in ranked:
        assert all(isinstance(line, str) and line for line in (*p.fits, *p.missing))
