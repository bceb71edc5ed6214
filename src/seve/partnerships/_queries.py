"""What a chargé·e de relations entreprises asks of the company file: whom to call back,
which conventions to renew, which companies other SIAE of the territory work with,
which offers are open, and who holds which relation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Final

from attrs import field, frozen

from ..model import (
    ConventionId,
    ConventionStatus,
    Employer,
    EmployerId,
    LabelledEnum,
    Offer,
    OfferStatus,
    SiaeId,
    StaffId,
    Structure,
)
from ._facts import Fact
from ._fulfilment import _by_employer
from ._status import DORMANT_AFTER, CompanyStatus, company_status, last_contact

__all__ = [
    "CALL_BACK_AFTER",
    "RENEWAL_NOTICE",
    "CallBack",
    "CallBackReason",
    "OpenOffers",
    "Relation",
    "RenewalDue",
    "SharedCompany",
    "due_for_renewal",
    "open_offers",
    "relations",
    "relations_to_transfer",
    "shared_companies",
    "to_call_back",
]

#: How long without contact before an active or partner company is to be called back:
#: two months, well before it becomes dormant.  A choice of seve, configurable.
CALL_BACK_AFTER: Final = dt.timedelta(days=60)
#: How long before its end a convention is due for renewal: two months, the time to
#: review its fulfilment with the company and sign again.  A choice of seve, configurable.
RENEWAL_NOTICE: Final = dt.timedelta(days=60)


class CallBackReason(LabelledEnum):
    """Why a company is on the list of companies to call back."""

    PLANNED = ("rappel_prevu", "Rappel prévu")
    SILENT = ("sans_contact", "Sans contact depuis trop longtemps")


@frozen(kw_only=True)
class CallBack:
    """A company to call back, from when, and who holds the relation.

    :param due: the day the call was due (the planned day, or the day the silence got
        too long).
    :param holders: who holds the relation (of the SIAE asked for, or of each SIAE).
    """

    employer: EmployerId
    name: str
    reason: CallBackReason
    due: dt.date
    last_contact: dt.date | None
    holders: tuple[StaffId, ...]


def _holders(employer: Employer, siae: SiaeId | None) -> tuple[StaffId, ...]:
    if siae is not None:
        holder = employer.holders.get(siae)
        return (holder,) if holder is not None else ()
    return tuple(employer.holders[s] for s in sorted(employer.holders))


def to_call_back(
    employers: Iterable[Employer],
    on: dt.date,
    *,
    facts: Iterable[Fact] = (),
    siae: SiaeId | None = None,
    call_back_after: dt.timedelta = CALL_BACK_AFTER,
    dormant_after: dt.timedelta = DORMANT_AFTER,
) -> tuple[CallBack, ...]:
    """The companies to call back on ``on``, the most overdue first.

    - a call-back **planned** at an interaction (``follow_up_on``) that is due, with no
      contact since that day (an interaction, a signature, a fact done together);
    - an **active** or **partner** company without contact for ``call_back_after`` or
      more (a dormant one is not chased; a partner always is).

    :param siae: only this SIAE's interactions, facts and conventions.
    """
    by_employer = _by_employer(facts)
    found = []
    for employer in employers:
        known = by_employer.get(employer.company.id, ())
        own = [
            i
            for i in employer.interactions.values()
            if i.date <= on and (siae is None or i.siae == siae)
        ]
        last = last_contact(employer, on, facts=known, siae=siae)
        planned = [
            i.follow_up_on
            for i in own
            if i.follow_up_on is not None
            and i.follow_up_on <= on
            and (last is None or last < i.follow_up_on)
        ]
        reason, due = None, None
        if planned:
            reason, due = CallBackReason.PLANNED, min(planned)
        else:
            status = company_status(
                employer, on, facts=known, siae=siae, dormant_after=dormant_after
            )
            active = status in (CompanyStatus.ACTIVE, CompanyStatus.PARTNER)
            if active and last is not None and on - last >= call_back_after:
                reason, due = CallBackReason.SILENT, last + call_back_after
        if reason is not None and due is not None:
            found.append(
                CallBack(
                    employer=employer.company.id,
                    name=employer.company.name,
                    reason=reason,
                    due=due,
                    last_contact=last,
                    holders=_holders(employer, siae),
                )
            )
    return tuple(sorted(found, key=lambda c: (c.due, c.name, c.employer)))


@frozen(kw_only=True)
class RenewalDue:
    """A convention in force that ends soon (or has ended) and is not renewed.

    :param days_left: days from the date asked to its last day (negative once it is
        over: its renewal, or its end, is still to be recorded).
    """

    convention: ConventionId
    employer: EmployerId
    name: str
    end: dt.date
    days_left: int


def due_for_renewal(
    employers: Iterable[Employer],
    on: dt.date,
    *,
    within: dt.timedelta = RENEWAL_NOTICE,
    siae: SiaeId | None = None,
) -> tuple[RenewalDue, ...]:
    """The conventions in force, not renewed, whose last day is at most ``within``
    after ``on`` (or already past), the soonest first."""
    found = [
        RenewalDue(
            convention=p.id,
            employer=employer.company.id,
            name=employer.company.name,
            end=p.convention.end,
            days_left=(p.convention.end - on).days,
        )
        for employer in employers
        for p in employer.partnerships.values()
        if p.activated_on is not None
        and p.termination is None
        and p.renewed_by is None
        and p.convention.end - on <= within
        and p.status is ConventionStatus.ACTIVE
        and (siae is None or p.binds(siae))
    ]
    return tuple(sorted(found, key=lambda r: (r.end, r.name, r.convention)))


@frozen(kw_only=True)
class SharedCompany:
    """A company that several SIAE of a territory work with: a chance to mutualise.

    :param siaes: the SIAE of the territory that work with it.
    :param holders: who holds each of their relations.
    :param conventions: its conventions de partenariat with any of them.
    """

    employer: EmployerId
    name: str
    siaes: tuple[SiaeId, ...]
    holders: Mapping[SiaeId, StaffId] = field(factory=dict)
    conventions: tuple[ConventionId, ...] = ()


def shared_companies(
    employers: Iterable[Employer],
    structures: Iterable[Structure],
    territory: str,
    *,
    siae: SiaeId | None = None,
    since: dt.date | None = None,
) -> tuple[SharedCompany, ...]:
    """The companies that two SIAE or more of ``territory`` work with, by name.

    An SIAE works with a company when it holds a relation with it, recorded an
    interaction with it (on or after ``since``, if given), or has a convention with it.

    :param structures: the SIAE of the network (their ``territory`` says where they are).
    :param siae: only the companies this SIAE shares with others.
    """
    local = {s.siae.id for s in structures if s.siae.territory == territory}
    found = []
    for employer in employers:
        working = set(employer.holders)
        working |= {
            i.siae for i in employer.interactions.values() if since is None or i.date >= since
        }
        for p in employer.partnerships.values():
            working |= p.convention.siaes
        shared = working & local
        if len(shared) < 2 or (siae is not None and siae not in shared):
            continue
        found.append(
            SharedCompany(
                employer=employer.company.id,
                name=employer.company.name,
                siaes=tuple(sorted(shared)),
                holders={s: h for s, h in sorted(employer.holders.items()) if s in shared},
                conventions=tuple(
                    sorted(
                        p.id for p in employer.partnerships.values() if p.convention.siaes & shared
                    )
                ),
            )
        )
    return tuple(sorted(found, key=lambda c: (c.name, c.employer)))


@frozen(kw_only=True)
class OpenOffers:
    """A company's offers still open on a date (published now, or later)."""

    employer: EmployerId
    name: str
    offers: tuple[Offer, ...]


def open_offers(employers: Iterable[Employer], on: dt.date) -> tuple[OpenOffers, ...]:
    """For each company with offers still open on ``on`` (neither filled nor withdrawn,
    and the employer still recruiting then or later), its offers by start of the search;
    the companies with the most offers first."""
    found = []
    for employer in employers:
        offers = sorted(
            (
                o
                for o in employer.offers.values()
                if o.status is OfferStatus.OPEN and on <= o.search_end
            ),
            key=lambda o: (o.search_start, o.id),
        )
        if offers:
            found.append(
                OpenOffers(
                    employer=employer.company.id, name=employer.company.name, offers=tuple(offers)
                )
            )
    return tuple(sorted(found, key=lambda o: (-len(o.offers), o.name, o.employer)))


@frozen(kw_only=True)
class Relation:
    """Who holds the relation of one SIAE with one company, and since when.

    :param since: the day they got it: the transfer to them, or the first contact.
    """

    employer: EmployerId
    name: str
    siae: SiaeId
    holder: StaffId
    since: dt.date | None


def _since(employer: Employer, siae: SiaeId) -> dt.date | None:
    transfers = [t.date for t in employer.transfers if t.siae == siae]
    if transfers:
        return transfers[-1]
    return min((i.date for i in employer.interactions.values() if i.siae == siae), default=None)


def relations(
    employers: Iterable[Employer],
    *,
    siae: SiaeId | None = None,
    holder: StaffId | None = None,
) -> tuple[Relation, ...]:
    """Who holds which relation: every company's, or ``siae``'s, or ``holder``'s
    portfolio; by holder, then company name."""
    found = [
        Relation(
            employer=employer.company.id,
            name=employer.company.name,
            siae=s,
            holder=h,
            since=_since(employer, s),
        )
        for employer in employers
        for s, h in employer.holders.items()
        if (siae is None or s == siae) and (holder is None or h == holder)
    ]
    return tuple(sorted(found, key=lambda r: (r.holder, r.name, r.employer, r.siae)))


def relations_to_transfer(
    employers: Iterable[Employer], structure: Structure
) -> tuple[Relation, ...]:
    """The relations of the structure held by someone no longer in its team: the network
    belongs to the structure, so they are to be transferred (``relation_transferred``)."""
    return tuple(
        r for r in relations(employers, siae=structure.siae.id) if r.holder not in structure.staff
    )
