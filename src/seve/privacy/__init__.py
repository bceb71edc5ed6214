"""Personal data: erasure on request, retention, free text and the audit trail.

- :func:`forget` erases a salarié·e's personal data everywhere seve keeps them (RGPD,
  art. 17), leaving the anonymous facts the indicators need;
- :func:`apply_retention` erases what is kept past its duration, per category of data
  (:class:`RetentionPolicy`, defaults in ``docs/privacy.md``);
- :class:`Lexicon` and :class:`FreeTextGuard` keep health, justice, addictions and
  housing out of free text shared beyond the SIAE staff;
- :func:`export` gives a structure's data as one audience may receive it
  (pseudonymised, small counts masked, through :mod:`seve.audience`);
- every export, erasure and retention run is an event of the structure's stream
  (:func:`audit_trail`).

What to erase, keep or pseudonymise is decided by pure functions (:func:`plan_erasure`,
:func:`plan_retention`); the services that apply a plan do I/O only through the
:class:`~seve.storage.Store` protocol, in one transaction.
"""

from typing import TYPE_CHECKING, Any

from ..audience import PrivacyError
from ._audit import (
    AuditRecord,
    ExportRecorded,
    PersonalDataErased,
    RetentionApplied,
    RetentionCategory,
    RetentionLine,
    audit_trail,
)
from ._text import ERASED, FREIN_TEXT, NOT_FREE_TEXT, Identity, shared_with, text_leaves

if TYPE_CHECKING:
    from ._erasure import (
        PARCOURS_PARTS,
        Erasure,
        ErasurePlan,
        ErasureReport,
        find_parcours,
        forget,
        identity_of,
        plan_erasure,
    )
    from ._export import Export, export, export_store
    from ._lexicon import FreeTextGuard, Hit, Lexicon, Theme, check_free_text
    from ._retention import (
        DEFAULT_RETENTION,
        MAX_RETENTION,
        Duration,
        ParcoursFacts,
        RetentionPlan,
        RetentionPolicy,
        RetentionReport,
        apply_retention,
        expired_parts,
        parcours_facts,
        plan_retention,
    )

#: Where the names imported on first use live: importing ``seve`` registers the
#: audit event types and stays light (no plugin manager, no application layer).
_LAZY = {
    **dict.fromkeys(
        (
            "PARCOURS_PARTS",
            "Erasure",
            "ErasurePlan",
            "ErasureReport",
            "find_parcours",
            "forget",
            "identity_of",
            "plan_erasure",
        ),
        "_erasure",
    ),
    **dict.fromkeys(("Export", "export", "export_store"), "_export"),
    **dict.fromkeys(("FreeTextGuard", "Hit", "Lexicon", "Theme", "check_free_text"), "_lexicon"),
    **dict.fromkeys(
        (
            "DEFAULT_RETENTION",
            "MAX_RETENTION",
            "Duration",
            "ParcoursFacts",
            "RetentionPlan",
            "RetentionPolicy",
            "RetentionReport",
            "apply_retention",
            "expired_parts",
            "parcours_facts",
            "plan_retention",
        ),
        "_retention",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'seve.privacy' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_RETENTION",
    "ERASED",
    "FREIN_TEXT",
    "MAX_RETENTION",
    "NOT_FREE_TEXT",
    "PARCOURS_PARTS",
    "AuditRecord",
    "Duration",
    "Erasure",
    "ErasurePlan",
    "ErasureReport",
    "Export",
    "ExportRecorded",
    "FreeTextGuard",
    "Hit",
    "Identity",
    "Lexicon",
    "ParcoursFacts",
    "PersonalDataErased",
    "PrivacyError",
    "RetentionApplied",
    "RetentionCategory",
    "RetentionLine",
    "RetentionPlan",
    "RetentionPolicy",
    "RetentionReport",
    "Theme",
    "apply_retention",
    "audit_trail",
    "check_free_text",
    "expired_parts",
    "export",
    "export_store",
    "find_parcours",
    "forget",
    "identity_of",
    "parcours_facts",
    "plan_erasure",
    "plan_retention",
    "shared_with",
    "text_leaves",
]
