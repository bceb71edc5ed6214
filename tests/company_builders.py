"""Builders for the tests of the company file, the conventions de partenariat and their
fulfilment: a company's stream, interactions, conventions, and parcours with a PMSMP.

Imported as ``from company_builders import ...`` (the test modules put ``tests/`` on
``sys.path`` first, see ``builders.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from builders import Log, cddi, company, convention, day, embauche, pass_iae, siae
from seve.model import (
    CompanyCommitments,
    CompanyRegistered,
    ContactAdded,
    ContactId,
    ContactPerson,
    ConventionActivated,
    ConventionDrafted,
    ConventionId,
    ConventionSigned,
    Employer,
    EmployerId,
    Event,
    Interaction,
    InteractionId,
    InteractionKind,
    InteractionRecorded,
    PartnershipConvention,
    PartyId,
    PmsmpDrafted,
    PmsmpParty,
    PmsmpSigned,
    PmsmpStarted,
    PmsmpValidated,
    SalarieId,
    SiaeCommitments,
    SiaeId,
    SiaeRegistered,
    Site,
    SiteAdded,
    SiteId,
    StaffId,
    StreamKind,
    stream_id,
)
from seve.rules import replay

__all__ = [
    "activate",
    "company_log",
    "employer_state",
    "interaction",
    "partnership",
    "pmsmp_parcours",
    "structure_of",
]

DayLike = dt.date | str


def company_log(id: str = "emp-1", *, registered: DayLike = "2024-06-03") -> Log:
    """A company's stream: registered, with a site ``site-1`` and a contact ``ct-1``."""
    log = Log(stream_id(StreamKind.EMPLOYER, id))
    employer = EmployerId(id)
    log.add(registered, CompanyRegistered(company=attrs.evolve(company(), id=employer)))
    log.add(
        registered,
        SiteAdded(
            site=Site(
                id=SiteId("site-1"),
                employer=employer,
                name="Dépôt",
                postcode="35000",
                city="Rennes",
            )
        ),
    )
    log.add(
        registered,
        ContactAdded(
            contact=ContactPerson(
                id=ContactId("ct-1"),
                employer=employer,
                name="Chef·fe d'équipe",
                job_title="Responsable de dépôt",
            )
        ),
    )
    return log


def interaction(
    id: str = "i-1",
    when: DayLike = "2025-02-03",
    *,
    kind: InteractionKind = InteractionKind.APPEL,
    by: str = "staff-1",
    siae: str = "siae-1",
    **kw: Any,
) -> InteractionRecorded:
    return InteractionRecorded(
        interaction=Interaction(
            id=InteractionId(id),
            kind=kind,
            date=day(when),
            by=StaffId(by),
            siae=SiaeId(siae),
            **kw,
        )
    )


def partnership(
    id: str = "conv-1",
    *,
    employer: str = "emp-1",
    siaes: Iterable[str] = ("siae-1",),
    start: DayLike = "2025-01-01",
    end: DayLike = "2025-12-31",
    proposals: int = 0,
    **volumes: Any,
) -> PartnershipConvention:
    """A convention de partenariat; the company commits to ``volumes`` (4 PMSMP by
    default)."""
    return PartnershipConvention(
        id=ConventionId(id),
        employer=EmployerId(employer),
        siaes=frozenset(SiaeId(s) for s in siaes),
        start=day(start),
        end=day(end),
        company=CompanyCommitments(**(volumes or {"pmsmp": 4})),
        siae=SiaeCommitments(proposals=proposals),
    )


def activate(log: Log, terms: PartnershipConvention, when: DayLike = "2024-12-16") -> None:
    """Draft, sign by every party and bring ``terms`` into force, all on ``when``."""
    log.add(when, ConventionDrafted(convention=terms))
    for party in sorted(terms.parties):
        log.add(
            when,
            ConventionSigned(convention=terms.id, party=PartyId(party), signatory="La direction"),
        )
    log.add(when, ConventionActivated(convention=terms.id))


def employer_state(log: Log) -> Employer:
    state = replay(log.events)
    assert isinstance(state, Employer)
    return state


def structure_of(id: str = "siae-1", territory: str = "Rennes") -> Any:
    """The folded structure stream of one SIAE of ``territory``."""
    log = Log(stream_id(StreamKind.SIAE, id))
    log.add("2025-01-02", SiaeRegistered(siae=attrs.evolve(siae(id=id), territory=territory)))
    return replay(log.events)


def pmsmp_parcours(
    n: int,
    host: str,
    start: DayLike,
    *,
    siae: str = "siae-1",
    extra: Iterable[tuple[DayLike, Any]] = (),
) -> list[Event[Any]]:
    """The parcours ``p-<n>`` of salarié·e ``s-<n>`` of ``siae``, hired 30 days before a
    two-week PMSMP ``pm-<n>`` at ``host`` that starts on ``start``; then ``extra``."""
    first = day(start)
    hired = first - dt.timedelta(days=30)
    log = Log(stream_id(StreamKind.PARCOURS, f"p-{n}"))
    hire = attrs.evolve(
        embauche(
            hired, contract=cddi(hired, hired + dt.timedelta(days=200)), pass_=pass_iae(hired)
        ),
        salarie=SalarieId(f"s-{n}"),
        siae=SiaeId(siae),
    )
    log.add(hired, hire)
    pm = convention(first, id=f"pm-{n}", host=host)
    before = first - dt.timedelta(days=7)
    log.add(before, PmsmpDrafted(convention=pm))
    for party in (
        PmsmpParty.BENEFICIAIRE,
        PmsmpParty.STRUCTURE_ACCUEIL,
        PmsmpParty.STRUCTURE_ACCOMPAGNEMENT,
    ):
        log.add(before, PmsmpSigned(convention=pm.id, party=party))
    log.add(before, PmsmpValidated(convention=pm.id))
    log.add(first, PmsmpStarted(convention=pm.id))
    for when, payload in extra:
        log.add(when, payload)
    # Ids unique across parcours: prefix them with the stream.
    return [attrs.evolve(e, id=f"p{n}-{e.id}") for e in log.events]
