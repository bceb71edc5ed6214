"""A company's status in the network, derived from its history: never recorded by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Final

from ..model import Employer, LabelledEnum, SiaeId
from ._facts import Fact

__all__ = ["DORMANT_AFTER", "CompanyStatus", "company_status", "last_contact"]

#: How long without any contact before a company is *en sommeil*: about six months,
#: half the usual period of a convention de partenariat.  A choice of seve, not an
#: official figure: pass your own ``dormant_after``.
DORMANT_AFTER: Final = dt.timedelta(days=180)


class CompanyStatus(LabelledEnum):
    """Where a company stands with the SIAE, from its history.

    - *prospect*: the team knows it (a prospection visit, a call) but has not worked
      with it yet;
    - *active*: it has worked with the SIAE (an offer, a PMSMP, a hire, an event, a
      mediation, mécénat);
    - *partner*: a convention de partenariat binds it on that day;
    - *dormant*: no contact for more than ``dormant_after`` (and no convention in force).
    """

    PROSPECT = ("prospect", "Prospect")
    ACTIVE = ("active", "Active")
    PARTNER = ("partner", "Partenaire")
    DORMANT = ("dormant", "En sommeil")


def _facts_of(
    employer: Employer, facts: Iterable[Fact], on: dt.date, siae: SiaeId | None
) -> list[Fact]:
    company = employer.company.id
    return [
        f
        for f in facts
        if f.employer == company and f.day <= on and (siae is None or f.siae == siae)
    ]


def last_contact(
    employer: Employer, on: dt.date, *, facts: Iterable[Fact] = (), siae: SiaeId | None = None
) -> dt.date | None:
    """The last day, on or before ``on``, the SIAE (or ``siae`` alone) was in touch with
    the company: an interaction, a signature of a convention, or a fact done with it
    (see :func:`~seve.partnerships.facts`); ``None`` if never."""
    days = [
        i.date
        for i in employer.interactions.values()
        if i.date <= on and (siae is None or i.siae == siae)
    ]
    for partnership in employer.partnerships.values():
        if siae is None or partnership.binds(siae):
            days += [s.date for s in partnership.signatures if s.date <= on]
    days += [f.day for f in _facts_of(employer, facts, on, siae)]
    return max(days, default=None)


def company_status(
    employer: Employer,
    on: dt.date,
    *,
    facts: Iterable[Fact] = (),
    siae: SiaeId | None = None,
    dormant_after: dt.timedelta = DORMANT_AFTER,
) -> CompanyStatus:
    """The status of a company on ``on``, derived from its file and the facts done with it.

    :param facts: the facts of the log (:func:`~seve.partnerships.facts`): a PMSMP or
        a hire with the company counts as working together and as a contact, even when
        nobody recorded an interaction for it.
    :param siae: judge the relation of this SIAE only (its interactions, facts and
        conventions); by default, of every SIAE that works with the company.
    :param dormant_after: how long without contact makes a company dormant (counted
        from its registration when it was never contacted).
    """
    for partnership in employer.partnerships.values():
        if (siae is None or partnership.binds(siae)) and partnership.in_force_on(on):
            return CompanyStatus.PARTNER
    done = _facts_of(employer, facts, on, siae)
    interactions = [
        i
        for i in employer.interactions.values()
        if i.date <= on and (siae is None or i.siae == siae)
    ]
    last = last_contact(employer, on, facts=done, siae=siae) or employer.registered_on
    if last is not None and on - last > dormant_after:
        return CompanyStatus.DORMANT
    engaged = bool(done) or any(i.kind.engaged for i in interactions)
    engaged = engaged or any(
        p.activated_on is not None and p.activated_on <= on and (siae is None or p.binds(siae))
        for p in employer.partnerships.values()
    )
    return CompanyStatus.ACTIVE if engaged else CompanyStatus.PROSPECT
