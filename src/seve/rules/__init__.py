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
from ._engine import FOLDS, apply, check, replay
from ._mise_a_disposition import AI_COMPANY_HOURS, check_mise_a_disposition
from ._pass_iae import PROLONGATION_CEILINGS, ProlongationCeiling, check_pass_iae

__all__ = [
    "AI_COMPANY_HOURS",
    "CDDI_ARTICLES",
    "CONTRACT_KINDS",
    "FOLDS",
    "PROLONGATION_CEILINGS",
    "ProlongationCeiling",
    "Rule",
    "apply",
    "check",
    "check_cddi",
    "check_contract_kind",
    "check_mise_a_disposition",
    "check_mission",
    "check_pass_iae",
    "months_after",
    "register",
    "replay",
    "rules_for",
]
