"""A small world for the messaging tests: one ACI, one employer with a tutor, one
salarié·e with a job project and consents, an offer and a PMSMP.

The test modules import it with ``from messaging_world import ...`` (they put
``tests/`` on ``sys.path`` first, as for ``builders``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs

from builders import Log, company, convention, embauche, siae
from seve.model import (
    PARIS,
    CompanyRegistered,
    ContactAdded,
    ContactId,
    ContactPerson,
    Embauche,
    EmployerId,
    Event,
    JobContractKind,
    JobProject,
    JobProjectDefined,
    MessagePurpose,
    MessagingConsentGiven,
    Offer,
    OfferCaptured,
    OfferId,
    PersonalData,
    PersonalDataRecorded,
    PmsmpDrafted,
    PmsmpParty,
    PmsmpSigned,
    PmsmpValidated,
    RomeCode,
    SalarieId,
    SiaeRegistered,
    StaffId,
    StaffMember,
    StaffMemberJoined,
    StaffRole,
    StreamKind,
    stream_id,
)

__all__ = [
    "LEILA",
    "TUTOR",
    "consents",
    "employer_events",
    "offer",
    "offer_captured",
    "other_parcours",
    "parcours_events",
    "pmsmp_events",
    "structure_events",
    "unique",
]

LEILA = PersonalData(
    first_name="Leïla",
    last_name="Benali",
    email="leila.benali@example.org",
    phone="+33601020304",
)
TUTOR = ContactPerson(
    id=ContactId("tutor-1"),
    employer=EmployerId("emp-1"),
    name="Sophie Martin",
    job_title="Responsable de magasin",
    email="sophie.martin@boulangerie.example",
    phone="+33299000001",
)


def structure_events() -> list[Event[Any]]:
    log = Log(stream_id(StreamKind.SIAE, "siae-1"))
    log.add("2025-01-02", SiaeRegistered(siae=siae()))
    member = StaffMember(
        id=StaffId("staff-1"), siae=siae().id, name="Karim Haddad", roles={StaffRole.CIP}
    )
    log.add("2025-01-02", StaffMemberJoined(member=member))
    return log.events


def employer_events() -> list[Event[Any]]:
    log = Log(stream_id(StreamKind.EMPLOYER, "emp-1"))
    log.add("2025-01-02", CompanyRegistered(company=company()))
    log.add("2025-01-02", ContactAdded(contact=TUTOR))
    return log.events


def offer(id: str = "o-1", *, rome: str = "N1103") -> Offer:
    return Offer(
        id=OfferId(id),
        employer=EmployerId("emp-1"),
        title="Préparateur·rice de commandes",
        rome=RomeCode(rome),
        contract=JobContractKind.CDI,
        weekly_hours=Decimal(35),
        postcode="35200",
        city="Rennes",
        search_start=dt.date(2025, 2, 1),
        search_end=dt.date(2025, 5, 31),
        captured_by=StaffId("staff-1"),
    )


def consents(*channels: str, purpose: MessagePurpose | None = None) -> list[Any]:
    return [MessagingConsentGiven(channel=c, purpose=purpose) for c in channels]


def parcours_events(
    *, personal: PersonalData | None = LEILA, agreed: tuple[str, ...] = ("sms", "email")
) -> Log:
    """A parcours from 15 January 2025, its personal data, a job project that the
    offer of :func:`offer` fits, and consent on ``agreed`` for every purpose."""
    log = Log()
    log.add("2025-01-15", embauche("2025-01-15"))
    if personal is not None:
        log.add("2025-01-15", PersonalDataRecorded(data=personal))
    project = JobProject(metiers=frozenset({RomeCode("N1103")}), places=frozenset({"35"}))
    log.add("2025-01-20", JobProjectDefined(project=project))
    for payload in consents(*agreed):
        log.add("2025-01-20", payload)
    return log


def pmsmp_events(log: Log, *, start: str = "2025-03-03", prescripteur: str | None = None) -> None:
    """A PMSMP with the tutor of :data:`TUTOR`, drafted, signed (by the prescripteur
    too, if any) and validated on 24 February 2025."""
    log.add("2025-02-24", PmsmpDrafted(convention=convention(start, prescripteur=prescripteur)))
    parties = [
        PmsmpParty.BENEFICIAIRE,
        PmsmpParty.STRUCTURE_ACCUEIL,
        PmsmpParty.STRUCTURE_ACCOMPAGNEMENT,
    ]
    if prescripteur is not None:
        parties.append(PmsmpParty.PRESCRIPTEUR)
    for party in parties:
        log.add("2025-02-24", PmsmpSigned(convention="pm-1", party=party))
    log.add("2025-02-24", PmsmpValidated(convention="pm-1"))


def offer_captured(when: str = "2025-03-04") -> Event[Any]:
    log = Log(stream_id(StreamKind.EMPLOYER, "emp-1"))
    log._count = 100
    at = dt.datetime.fromisoformat(f"{when}T11:00").replace(tzinfo=PARIS)
    return log.make(at, OfferCaptured(offer=offer()))


def unique(events: list[Event[Any]]) -> list[Event[Any]]:
    """The events with ids unique across streams (builders number each log from 1)."""
    return [attrs.evolve(e, id=f"{e.stream}:{e.id}") for e in events]


def other_parcours(events: list[Event[Any]], key: str) -> list[Event[Any]]:
    """The same parcours for another salarié·e: stream ``parcours:<key>``, id ``s-<key>``."""
    moved = []
    for event in events:
        payload = event.payload
        if isinstance(payload, Embauche):
            payload = attrs.evolve(payload, salarie=SalarieId(f"s-{key}"))
        moved.append(attrs.evolve(event, stream=f"parcours:{key}", payload=payload))
    return moved
