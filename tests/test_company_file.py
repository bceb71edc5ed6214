"""The shared company file: interactions, who holds each relation, the derived status
of a company, the queries of a chargé·e de relations entreprises, and the synthetic
logs that contain them."""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

import seve
from builders import Log, day
from builders import siae as siae_value
from company_builders import (
    activate,
    company_log,
    employer_state,
    interaction,
    partnership,
    pmsmp_parcours,
    structure_of,
)
from seve.model import (
    ContactId,
    ConventionStatus,
    Employer,
    EmployerId,
    InteractionKind,
    JobContractKind,
    Offer,
    OfferCaptured,
    OfferId,
    OfferStatus,
    OfferStatusChanged,
    RelationTransferred,
    RomeCode,
    SiaeId,
    SiteId,
    StaffId,
    StaffMember,
    StaffMemberJoined,
    StaffMemberLeft,
    StaffRole,
    StreamKind,
    stream_id,
    stream_kind,
)
from seve.partnerships import (
    DORMANT_AFTER,
    CallBackReason,
    CompanyStatus,
    FactKind,
    company_status,
    facts,
    fulfilments,
    last_contact,
    open_offers,
    relations,
    relations_to_transfer,
    shared_companies,
    to_call_back,
)
from seve.rules import replay
from seve.testing.synthetic import Scenario, generate


def codes(state: Employer, log: Log, when: str, payload: Any) -> list[str]:
    return [p.code for p in seve.check(state, log.make(when, payload))]


# -- interactions and relations ----------------------------------------------------------------


def test_any_permanent_records_interactions_and_the_first_holds_the_relation() -> None:
    log = company_log()
    log.add(
        "2025-02-03", interaction("i-1", "2025-02-03", by="eti-paul", contacts=frozenset({"ct-1"}))
    )
    log.add(
        "2025-02-10", interaction("i-2", "2025-02-10", by="cip-lea", kind=InteractionKind.PMSMP)
    )
    log.add("2025-02-11", interaction("i-3", "2025-02-11", by="cip-ana", siae="siae-2"))
    state = employer_state(log)
    assert list(state.interactions) == ["i-1", "i-2", "i-3"]
    assert dict(state.holders) == {"siae-1": "eti-paul", "siae-2": "cip-ana"}
    assert state.siaes == {"siae-1", "siae-2"}


def test_the_fold_refuses_unknown_contacts_sites_offers_and_duplicates() -> None:
    log = company_log()
    log.add("2025-02-03", interaction("i-1"))
    state = employer_state(log)
    assert codes(state, log, "2025-02-04", interaction("i-1")) == ["interaction.doublon"]
    unknown = interaction("i-2", contacts=frozenset({ContactId("ct-9")}))
    assert codes(state, log, "2025-02-04", unknown) == ["contact.inconnu"]
    elsewhere = interaction("i-2", site=SiteId("site-9"))
    assert codes(state, log, "2025-02-04", elsewhere) == ["site.inconnu"]
    offer = interaction("i-2", kind=InteractionKind.OFFRE_CAPTEE, offer=OfferId("o-9"))
    assert codes(state, log, "2025-02-04", offer) == ["offre.inconnue"]


def test_interaction_dates_are_checked_by_the_rules() -> None:
    log = company_log()
    state = employer_state(log)
    future = interaction("i-1", "2025-03-10")
    assert codes(state, log, "2025-03-03", future) == ["interaction.date_future"]
    backwards = interaction("i-1", "2025-03-03", follow_up_on=day("2025-02-01"))
    assert codes(state, log, "2025-03-03", backwards) == ["interaction.rappel_date"]


def test_a_relation_is_transferred_by_who_holds_it() -> None:
    log = company_log()
    log.add("2025-02-03", interaction("i-1", by="eti-paul"))
    state = employer_state(log)
    wrong = RelationTransferred(
        siae=SiaeId("siae-1"), to=StaffId("cre-ines"), previous=StaffId("x")
    )
    assert codes(state, log, "2025-03-01", wrong) == ["relation.titulaire"]
    same = RelationTransferred(
        siae=SiaeId("siae-1"), to=StaffId("eti-paul"), previous=StaffId("eti-paul")
    )
    assert codes(state, log, "2025-03-01", same) == ["relation.deja_titulaire"]
    log.add(
        "2025-03-01",
        RelationTransferred(
            siae=SiaeId("siae-1"),
            to=StaffId("cre-ines"),
            previous=StaffId("eti-paul"),
            reason="Départ",
        ),
    )
    log.add("2025-03-05", interaction("i-2", "2025-03-05", by="eti-paul"))  # still records contacts
    state = employer_state(log)
    assert state.holders[SiaeId("siae-1")] == "cre-ines"
    assert [(t.previous, t.to, t.date) for t in state.transfers] == [
        ("eti-paul", "cre-ines", day("2025-03-01"))
    ]
    (relation,) = relations([state])
    assert (relation.holder, relation.since) == ("cre-ines", day("2025-03-01"))
    # An SIAE with no holder yet: the transfer names nobody as previous holder.
    first = RelationTransferred(siae=SiaeId("siae-2"), to=StaffId("cip-ana"))
    assert codes(state, log, "2025-03-06", first) == []


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["siae-1", "siae-2", "siae-3"]), st.sampled_from(["a", "b", "c"])
        ),
        min_size=1,
        max_size=12,
    )
)
def test_the_holder_is_the_first_author_per_siae(contacts: list[tuple[str, str]]) -> None:
    """Property: without transfers, each SIAE's relation is held by its first author."""
    log = company_log()
    for n, (siae, by) in enumerate(contacts):
        log.add("2025-02-03", interaction(f"i-{n}", by=by, siae=siae))
    first: dict[str, str] = {}
    for siae, by in contacts:
        first.setdefault(siae, by)
    assert dict(employer_state(log).holders) == first


def test_relations_held_by_someone_who_left_are_to_be_transferred() -> None:
    team = Log(stream_id(StreamKind.SIAE, "siae-1"))
    team.add("2025-01-02", seve.SiaeRegistered(siae=siae_value()))
    for member in ("eti-paul", "cre-ines"):
        team.add(
            "2025-01-02",
            StaffMemberJoined(
                member=StaffMember(
                    id=StaffId(member),
                    siae=SiaeId("siae-1"),
                    name=member,
                    roles=frozenset({StaffRole.ETI}),
                )
            ),
        )
    team.add("2025-06-30", StaffMemberLeft(member=StaffId("eti-paul")))
    structure = replay(team.events)
    one, two = company_log("emp-1"), company_log("emp-2")
    one.add("2025-02-03", interaction("i-1", by="eti-paul"))
    two.add("2025-02-03", interaction("i-1", by="cre-ines"))
    employers = [employer_state(one), employer_state(two)]
    assert [(r.employer, r.holder) for r in relations_to_transfer(employers, structure)] == [
        ("emp-1", "eti-paul")
    ]
    assert [r.employer for r in relations(employers, holder=StaffId("cre-ines"))] == ["emp-2"]


# -- the status of a company -------------------------------------------------------------------


def test_the_status_is_derived_from_the_history() -> None:
    log = company_log(registered="2025-01-06")
    on = day("2025-01-20")
    assert company_status(employer_state(log), on) is CompanyStatus.PROSPECT
    log.add("2025-02-03", interaction("i-1", "2025-02-03", kind=InteractionKind.PROSPECTION))
    assert company_status(employer_state(log), day("2025-02-10")) is CompanyStatus.PROSPECT
    log.add("2025-03-03", interaction("i-2", "2025-03-03", kind=InteractionKind.EVENEMENT))
    state = employer_state(log)
    assert company_status(state, day("2025-03-10")) is CompanyStatus.ACTIVE
    assert company_status(state, day("2025-03-01")) is CompanyStatus.PROSPECT  # as it was then
    silent = day("2025-03-03") + DORMANT_AFTER + dt.timedelta(days=1)
    assert company_status(state, silent) is CompanyStatus.DORMANT
    assert (
        company_status(state, silent, dormant_after=dt.timedelta(days=365)) is CompanyStatus.ACTIVE
    )
    assert company_status(state, silent - dt.timedelta(days=1)) is CompanyStatus.ACTIVE
    # Never contacted: dormant after the same time from its registration.
    never = employer_state(company_log(registered="2025-01-06"))
    assert company_status(never, day("2025-07-05")) is CompanyStatus.PROSPECT
    assert company_status(never, day("2025-07-06")) is CompanyStatus.DORMANT


def test_a_convention_in_force_makes_a_partner_even_without_contact() -> None:
    log = company_log()
    activate(log, partnership())
    state = employer_state(log)
    assert company_status(state, day("2025-11-30")) is CompanyStatus.PARTNER
    assert company_status(state, day("2025-11-30"), siae=SiaeId("siae-2")) is CompanyStatus.DORMANT
    # Once it is over, the contacts decide: the signatures were a year ago.
    assert company_status(state, day("2026-01-02")) is CompanyStatus.DORMANT
    log.add("2025-11-17", interaction("i-1", "2025-11-17", kind=InteractionKind.RENDEZ_VOUS))
    state = employer_state(log)
    assert company_status(state, day("2026-01-02")) is CompanyStatus.ACTIVE
    assert company_status(state, day("2026-09-01")) is CompanyStatus.DORMANT


def test_facts_of_the_log_count_as_contacts_and_as_working_together() -> None:
    log = company_log(registered="2025-01-06")
    state = employer_state(log)
    done = facts(pmsmp_parcours(1, "emp-1", "2025-03-03"))
    assert company_status(state, day("2025-03-10")) is CompanyStatus.PROSPECT
    assert company_status(state, day("2025-03-10"), facts=done) is CompanyStatus.ACTIVE
    assert last_contact(state, day("2025-03-10"), facts=done) == day("2025-03-03")
    assert last_contact(state, day("2025-03-10"), facts=done, siae=SiaeId("siae-2")) is None


# -- queries -----------------------------------------------------------------------------------


def test_companies_to_call_back() -> None:
    planned = company_log("emp-1")
    planned.add("2025-02-03", interaction("i-1", follow_up_on=day("2025-02-17")))
    quiet = company_log("emp-2")
    quiet.add("2025-01-06", interaction("i-1", "2025-01-06", kind=InteractionKind.EMBAUCHE))
    asleep = company_log("emp-3")
    asleep.add("2024-06-10", interaction("i-1", "2024-06-10", kind=InteractionKind.PMSMP))
    employers = [employer_state(log) for log in (planned, quiet, asleep)]
    calls = to_call_back(employers, day("2025-03-10"))
    assert [(c.employer, c.reason, c.due) for c in calls] == [
        ("emp-1", CallBackReason.PLANNED, day("2025-02-17")),
        ("emp-2", CallBackReason.SILENT, day("2025-03-07")),
    ]
    assert calls[0].holders == ("staff-1",)
    assert to_call_back(employers, day("2025-02-16")) == ()
    # A contact on or after the planned day answers it.
    planned.add("2025-02-17", interaction("i-2", "2025-02-17"))
    assert [c.employer for c in to_call_back([employer_state(planned)], day("2025-03-10"))] == []
    assert to_call_back(employers, day("2025-03-10"), siae=SiaeId("siae-2")) == ()


def test_companies_shared_with_other_siae_of_the_territory() -> None:
    structures = [
        structure_of("siae-1", "Rennes"),
        structure_of("siae-2", "Rennes"),
        structure_of("siae-3", "Redon"),
    ]
    both = company_log("emp-1")
    both.add("2025-02-03", interaction("i-1", siae="siae-1", by="cip-a"))
    both.add("2025-02-04", interaction("i-2", siae="siae-2", by="cip-b"))
    elsewhere = company_log("emp-2")
    elsewhere.add("2025-02-03", interaction("i-1", siae="siae-1"))
    elsewhere.add("2025-02-04", interaction("i-2", siae="siae-3"))
    mutualised = company_log("emp-3")
    activate(mutualised, partnership(employer="emp-3", siaes=("siae-1", "siae-2")))
    employers = [employer_state(log) for log in (both, elsewhere, mutualised)]
    shared = shared_companies(employers, structures, "Rennes")
    assert [(s.employer, s.siaes) for s in shared] == [
        ("emp-1", ("siae-1", "siae-2")),
        ("emp-3", ("siae-1", "siae-2")),
    ]
    assert dict(shared[0].holders) == {"siae-1": "cip-a", "siae-2": "cip-b"}
    assert shared[1].conventions == ("conv-1",)
    assert shared_companies(employers, structures, "Redon") == ()
    assert shared_companies(employers, structures, "Rennes", siae=SiaeId("siae-3")) == ()


def _offer(id: str, start: str, end: str) -> Offer:
    return Offer(
        id=OfferId(id),
        employer=EmployerId("emp-1"),
        title="Préparateur·rice de commandes",
        rome=RomeCode("N1103"),
        contract=JobContractKind.CDI,
        weekly_hours=Decimal(35),
        postcode="35000",
        city="Rennes",
        search_start=day(start),
        search_end=day(end),
        captured_by=StaffId("eti-paul"),
    )


def test_offers_open_per_company() -> None:
    log = company_log()
    for offer in (
        _offer("o-1", "2025-03-01", "2025-04-30"),
        _offer("o-2", "2025-05-01", "2025-06-30"),
        _offer("o-3", "2025-01-01", "2025-02-28"),
        _offer("o-4", "2025-03-01", "2025-06-30"),
    ):
        log.add("2025-02-20", OfferCaptured(offer=offer))
    log.add("2025-03-05", OfferStatusChanged(offer=OfferId("o-4"), status=OfferStatus.FILLED))
    log.add(
        "2025-03-05",
        interaction("i-1", "2025-03-05", kind=InteractionKind.OFFRE_CAPTEE, offer=OfferId("o-1")),
    )
    (found,) = open_offers(
        [employer_state(log), employer_state(company_log("emp-2"))], day("2025-03-10")
    )
    assert found.employer == "emp-1"
    assert [o.id for o in found.offers] == ["o-1", "o-2"]
    assert open_offers([employer_state(log)], day("2025-07-01")) == ()


# -- synthetic logs ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic() -> list[seve.Event[Any]]:
    scenario = Scenario(
        seed=1, start=dt.date(2024, 1, 1), days=730, parcours=60, employers=40, mediation=True
    )
    return list(generate(scenario))


def test_synthetic_logs_hold_the_company_file(synthetic: list[seve.Event[Any]]) -> None:
    types = Counter(e.type for e in synthetic)
    assert types["interaction_recorded"] > 30
    assert types["convention_drafted"] >= 2
    assert types["convention_activated"] >= 2
    assert types["convention_renewed"] >= 1
    assert types["convention_amended"] >= 1
    assert types["relation_transferred"] >= 1
    kinds = Counter(
        e.payload.interaction.kind
        for e in synthetic
        if isinstance(e.payload, seve.InteractionRecorded)
    )
    assert {InteractionKind.PROSPECTION, InteractionKind.APPEL} <= set(kinds)
    streams: defaultdict[str, list[seve.Event[Any]]] = defaultdict(list)
    for event in synthetic:
        streams[event.stream].append(event)
    employers = [
        replay(events) for s, events in streams.items() if stream_kind(s) is StreamKind.EMPLOYER
    ]
    statuses = Counter(company_status(e, day("2025-06-30")) for e in employers)
    assert statuses[CompanyStatus.PARTNER] >= 1
    partnerships = [p for e in employers for p in e.partnerships.values()]
    assert any(p.status is ConventionStatus.ACTIVE for p in partnerships)


def test_synthetic_logs_feed_the_fulfilment(synthetic: list[seve.Event[Any]]) -> None:
    found = facts(synthetic)
    kinds = Counter(f.kind for f in found)
    assert kinds[FactKind.PMSMP] >= 10
    assert kinds[FactKind.VISIT] >= 1
    streams: defaultdict[str, list[seve.Event[Any]]] = defaultdict(list)
    for event in synthetic:
        streams[event.stream].append(event)
    employers = [replay(v) for s, v in streams.items() if stream_kind(s) is StreamKind.EMPLOYER]
    reports = fulfilments(employers, found, day("2025-12-31"))
    assert len(reports) >= 2
    assert any(figure.done for report in reports for figure in report.figures)


def test_synthetic_company_files_are_reproducible() -> None:
    scenario = Scenario(seed=9, start=dt.date(2025, 1, 6), parcours=10, employers=6)
    one = [e for e in generate(scenario) if stream_kind(e.stream) is StreamKind.EMPLOYER]
    two = [e for e in generate(scenario) if stream_kind(e.stream) is StreamKind.EMPLOYER]
    assert one == two
    other = Scenario(seed=10, start=dt.date(2025, 1, 6), parcours=10, employers=6)
    three = [e.payload for e in generate(other) if stream_kind(e.stream) is StreamKind.EMPLOYER]
    assert [e.payload for e in one] != three
