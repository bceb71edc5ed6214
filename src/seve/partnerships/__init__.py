"""Relations entreprises: the company file, conventions de partenariat and their
fulfilment, as plain functions over folded employer states and the log's events.

- :func:`facts` reads what the SIAE and each company did together (PMSMP, hires,
  visits, events, mécénat, candidates proposed) from the whole log, each fact with the
  ids of the events behind it;
- :func:`company_status` derives a company's status (prospect, active, partner,
  dormant) from its history; nothing stores it;
- :func:`fulfilment` sets a convention's commitments against the facts, pro-rated to
  a date;
- :func:`to_call_back`, :func:`due_for_renewal`, :func:`shared_companies`,
  :func:`open_offers`, :func:`relations` and :func:`relations_to_transfer` answer the
  questions of a chargé·e de relations entreprises.

Nothing here does I/O or reads a clock: the date is always a parameter.  See
``docs/conventions.md``.
"""

from ._facts import Fact, FactKind, facts
from ._fulfilment import (
    Figure,
    Fulfilment,
    FulfilmentStatus,
    committed,
    fulfilment,
    fulfilments,
)
from ._queries import (
    CALL_BACK_AFTER,
    RENEWAL_NOTICE,
    CallBack,
    CallBackReason,
    OpenOffers,
    Relation,
    RenewalDue,
    SharedCompany,
    due_for_renewal,
    open_offers,
    relations,
    relations_to_transfer,
    shared_companies,
    to_call_back,
)
from ._status import DORMANT_AFTER, CompanyStatus, company_status, last_contact

__all__ = [
    "CALL_BACK_AFTER",
    "DORMANT_AFTER",
    "RENEWAL_NOTICE",
    "CallBack",
    "CallBackReason",
    "CompanyStatus",
    "Fact",
    "FactKind",
    "Figure",
    "Fulfilment",
    "FulfilmentStatus",
    "OpenOffers",
    "Relation",
    "RenewalDue",
    "SharedCompany",
    "committed",
    "company_status",
    "due_for_renewal",
    "facts",
    "fulfilment",
    "fulfilments",
    "last_contact",
    "open_offers",
    "relations",
    "relations_to_transfer",
    "shared_companies",
    "to_call_back",
]
