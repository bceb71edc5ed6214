"""Legal and programme rules, each problem with a stable code and its legal source.

Rules are plain functions ``rule(before, after, event) -> Iterable[Problem]``
registered per kind of stream with :func:`register`; :func:`check`, :func:`apply`
and :func:`replay` run the fold and every rule.
"""

from ._base import Rule, months_after, register, rules_for
from ._contracts import (
    CDDI_ARTICLES,
    CONTRACT_KINDS,
    check_cddi,
    check_contract_kind,
    check_mission,
)
from ._conventions import (
    check_convention_commitments,
    check_convention_dates,
    check_convention_overlap,
    check_convention_signatures,
    check_interaction_dates,
)
from ._engine import FOLDS, apply, check, replay
from ._mediation import check_mise_en_relation, check_valorisation
from ._mise_a_disposition import AI_COMPANY_HOURS, check_mise_a_disposition
from ._pass_iae import PROLONGATION_CEILINGS, ProlongationCeiling, check_pass_iae
from ._pmsmp import (
    PMSMP_HOST_CONVENTIONS,
    PMSMP_HOST_DAYS,
    PMSMP_WEEKLY_HOURS,
    check_pmsmp_beneficiary,
    check_pmsmp_bilan,
    check_pmsmp_convention,
    check_pmsmp_host,
    check_pmsmp_renewal,
    check_pmsmp_schedule,
)

__all__ = [
    "AI_COMPANY_HOURS",
    "CDDI_ARTICLES",
    "CONTRACT_KINDS",
    "FOLDS",
    "PMSMP_HOST_CONVENTIONS",
    "PMSMP_HOST_DAYS",
    "PMSMP_WEEKLY_HOURS",
    "PROLONGATION_CEILINGS",
    "ProlongationCeiling",
    "Rule",
    "apply",
    "check",
    "check_cddi",
    "check_contract_kind",
    "check_convention_commitments",
    "check_convention_dates",
    "check_convention_overlap",
    "check_convention_signatures",
    "check_interaction_dates",
    "check_mise_a_disposition",
    "check_mise_en_relation",
    "check_mission",
    "check_pass_iae",
    "check_pmsmp_beneficiary",
    "check_pmsmp_bilan",
    "check_pmsmp_convention",
    "check_pmsmp_host",
    "check_pmsmp_renewal",
    "check_pmsmp_schedule",
    "check_valorisation",
    "months_after",
    "register",
    "replay",
    "rules_for",
]
