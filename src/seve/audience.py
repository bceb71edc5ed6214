"""Who may see what: one audience policy for calendars, messages, exports and reports.

Every outward view of seve's data (a tutor's calendar entry, an SMS to a salarié·e, a
funder's export, a director's report) is built for one :class:`Audience`.  The
:data:`POLICY` table says, for each audience, the most sensitive field it may read
(:class:`~seve.model.Sensitivity`), how a salarié·e is named to it, and which kinds of
data it never receives.  Renderers ask this module instead of deciding for themselves,
so the table in ``docs/audiences.md`` is the whole truth.

Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs
from attrs import frozen

from .model import LabelledEnum, PersonalData, Sensitivity, sensitivity_of

__all__ = [
    "POLICY",
    "Audience",
    "Naming",
    "Visibility",
    "may_see",
    "name_for",
    "policy",
    "visible_fields",
]


class Audience(LabelledEnum):
    """Who an outward view is for; each sees only what :data:`POLICY` lets it see."""

    SALARIE = ("salarie", "salarié·e en transition")
    STAFF = ("staff", "permanent·es de la SIAE")
    EMPLOYER = ("employer", "employeur, tuteur·rice")
    PRESCRIPTEUR = ("prescripteur", "prescripteur")
    FUNDER = ("funder", "financeur")


class Naming(LabelledEnum):
    """How a salarié·e is named to an audience."""

    FULL_NAME = ("full_name", "prénom et nom")
    FIRST_NAME = ("first_name", "prénom seulement")
    PSEUDONYM = ("pseudonym", "pseudonyme, jamais le nom")


@frozen(kw_only=True)
class Visibility:
    """What one audience may see.

    :param audience: the audience this row is for.
    :param sensitivity: the most sensitive field it may read; fields tagged above it
        (see :func:`seve.model.sensitivity_of`) are left out.
    :param naming: how a salarié·e is named to it.
    :param person_contact: whether it may receive the salarié·e's e-mail and phone.
    :param prescripteur: whether it may learn who oriented the person (a SPIP
        orientation reveals a justice history).
    :param freins: whether it may learn the person's freins and their details.
    :param private_notes: whether it may read staff's private notes (never the shared
        synthesis' audience).
    """

    audience: Audience
    sensitivity: Sensitivity
    naming: Naming
    person_contact: bool
    prescripteur: bool
    freins: bool
    private_notes: bool


def _row(audience: Audience, sensitivity: Sensitivity, naming: Naming, **flags: bool) -> Visibility:
    return Visibility(audience=audience, sensitivity=sensitivity, naming=naming, **flags)


_S = Sensitivity
POLICY: Mapping[Audience, Visibility] = MappingProxyType(
    {
        row.audience: row
        for row in (
            _row(
                Audience.STAFF, _S.SENSITIVE, Naming.FULL_NAME,
                person_contact=True, prescripteur=True, freins=True, private_notes=True,
            ),
            _row(
                Audience.SALARIE, _S.PERSONAL, Naming.FIRST_NAME,
                person_contact=True, prescripteur=False, freins=False, private_notes=False,
            ),
            _row(
                Audience.EMPLOYER, _S.ANONYMOUS, Naming.FIRST_NAME,
                person_contact=False, prescripteur=False, freins=False, private_notes=False,
            ),
            _row(
                Audience.PRESCRIPTEUR, _S.PERSONAL, Naming.FULL_NAME,
                person_contact=False, prescripteur=True, freins=False, private_notes=False,
            ),
            _row(
                Audience.FUNDER, _S.ANONYMOUS, Naming.PSEUDONYM,
                person_contact=False, prescripteur=False, freins=False, private_notes=False,
            ),
        )
    }
)  # fmt: skip
"""The audience policy: one :class:`Visibility` per :class:`Audience`."""


def policy(audience: Audience) -> Visibility:
    """The row of :data:`POLICY` for ``audience``."""
    return POLICY[audience]


def may_see(audience: Audience, sensitivity: Sensitivity) -> bool:
    """Whether ``audience`` may read a field tagged ``sensitivity``."""
    return sensitivity.rank <= POLICY[audience].sensitivity.rank


def visible_fields(instance: Any, audience: Audience) -> dict[str, Any]:
    """The fields of a model instance that ``audience`` may read, by name.

    Fields tagged more sensitive than the audience's row allows are left out; the
    instance must be an attrs class of :mod:`seve.model`.
    """
    cls = type(instance)
    return {
        field.name: getattr(instance, field.name)
        for field in attrs.fields(cls)
        if may_see(audience, sensitivity_of(cls, field.name))
    }


def name_for(personal: PersonalData | None, audience: Audience, *, pseudonym: str) -> str:
    """How the salarié·e is named to ``audience``.

    ``pseudonym`` (the pseudonymous salarié·e id, or a keyed hash of it) is used when
    the audience may not see names, or when the personal data is unknown or erased.
    """
    naming = POLICY[audience].naming
    if personal is None or naming is Naming.PSEUDONYM:
        return pseudonym
    if naming is Naming.FIRST_NAME:
        return personal.first_name
    return f"{personal.first_name} {personal.last_name}"
