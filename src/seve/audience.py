"""Who may see what: one audience policy for calendars, messages, exports and reports.

Every outward view of seve's data (a tutor's calendar entry, an SMS to a salarié·e, a
funder's export, a director's report) is built for one :class:`Audience`.  The
:data:`POLICY` table says, for each audience, the most sensitive field it may read
(:class:`~seve.model.Sensitivity`), how a salarié·e is named to it, and which kinds of
data it never receives.  Renderers ask this module instead of deciding for themselves,
so the table in ``docs/audiences.md`` is the whole truth.

Two tools go with the table, for audiences that must not identify anyone:
:func:`pseudonym` (a keyed hash of an id, with a secret per structure) and
:func:`mask_small_counts` (the *secret statistique*: counts under a threshold are not
shown).

Nothing here does I/O.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, TypeVar

import attrs
from attrs import frozen

from .errors import InvalidError, Problem
from .model import LabelledEnum, PersonalData, Sensitivity, sensitivity_of

__all__ = [
    "MIN_SECRET_BYTES",
    "POLICY",
    "SMALL_COUNT_THRESHOLD",
    "Audience",
    "Masked",
    "Naming",
    "PrivacyError",
    "Visibility",
    "counts_for",
    "mask_small_counts",
    "may_see",
    "name_for",
    "policy",
    "pseudonym",
    "visible_fields",
]

K = TypeVar("K")


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
    :param small_counts_masked: whether counts under the *secret statistique*
        threshold are masked in what it receives (:func:`counts_for`).
    """

    audience: Audience
    sensitivity: Sensitivity
    naming: Naming
    person_contact: bool
    prescripteur: bool
    freins: bool
    private_notes: bool
    small_counts_masked: bool


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
                small_counts_masked=False,
            ),
            _row(
                Audience.SALARIE, _S.PERSONAL, Naming.FIRST_NAME,
                person_contact=True, prescripteur=False, freins=False, private_notes=False,
                small_counts_masked=False,
            ),
            _row(
                Audience.EMPLOYER, _S.ANONYMOUS, Naming.FIRST_NAME,
                person_contact=False, prescripteur=False, freins=False, private_notes=False,
                small_counts_masked=True,
            ),
            _row(
                Audience.PRESCRIPTEUR, _S.PERSONAL, Naming.FULL_NAME,
                person_contact=False, prescripteur=True, freins=False, private_notes=False,
                small_counts_masked=True,
            ),
            _row(
                Audience.FUNDER, _S.ANONYMOUS, Naming.PSEUDONYM,
                person_contact=False, prescripteur=False, freins=False, private_notes=False,
                small_counts_masked=True,
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


# -- pseudonyms and the secret statistique --------------------------------------------------

#: The shortest secret :func:`pseudonym` accepts: 128 bits.
MIN_SECRET_BYTES: Final = 16

#: Counts strictly under this are masked by default (seve's choice: see docs/privacy.md).
SMALL_COUNT_THRESHOLD: Final = 5

_PSEUDONYM_CONTEXT: Final = b"seve.pseudonym.v1\x00"


class PrivacyError(InvalidError):
    """Bad input to seve's privacy tools (a secret, a threshold, a retention duration,
    a person to forget...); :attr:`problems` says what, in French.  Nothing was
    written."""


def _refuse(code: str, message: str, *path: str | int, legal: str | None = None) -> PrivacyError:
    return PrivacyError([Problem(code=code, message=message, path=path, legal=legal)])


def pseudonym(value: str, *, secret: bytes) -> str:
    """A stable pseudonym for ``value`` (a salarié·e id, a parcours id): a keyed hash.

    HMAC-SHA-256 keyed with the structure's ``secret``: the same id always gives the
    same pseudonym (a funder can follow a parcours from one export to the next), and
    without the secret nobody can tell which id is behind it, not even by trying
    every id: the ids are few, so an unkeyed hash would be reversed in a second.

    >>> pseudonym("s-7f3a9c", secret=b"0123456789abcdef")
    'ps-qpegjanzwlgheiht'

    :param secret: at least :data:`MIN_SECRET_BYTES` bytes, one per structure, kept by
        it (``secrets.token_bytes(32)`` makes a good one).
    :raises PrivacyError: ``audience.secret_trop_court``.
    """
    if not isinstance(secret, bytes) or len(secret) < MIN_SECRET_BYTES:
        raise _refuse(
            "audience.secret_trop_court",
            f"le secret de pseudonymisation doit faire au moins {MIN_SECRET_BYTES} octets",
            "secret",
        )
    digest = hmac.new(secret, _PSEUDONYM_CONTEXT + value.encode(), hashlib.sha256).digest()
    return "ps-" + base64.b32encode(digest[:10]).decode("ascii").lower()


@frozen
class Masked:
    """A count hidden by the secret statistique: fewer than :attr:`threshold`
    (possibly zero, when masked only to protect another cell)."""

    threshold: int

    def __str__(self) -> str:
        return f"< {self.threshold}"


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise _refuse(
            "audience.seuil_invalide",
            f"le seuil du secret statistique doit être un entier d'au moins 1 : {threshold!r}",
            "threshold",
        )


def mask_small_counts(
    counts: Mapping[K, int], *, threshold: int = SMALL_COUNT_THRESHOLD
) -> dict[K, int | Masked]:
    """``counts`` with every count from 1 to ``threshold - 1`` replaced by :class:`Masked`.

    Zeros are shown (they identify no one).  When exactly one cell is masked, the
    smallest other non-zero cell is masked too (*secret secondaire*), so that the
    hidden count cannot be worked out from a total.

    >>> mask_small_counts({"durable": 12, "transition": 3, "positive": 7, "autre": 0})
    {'durable': 12, 'transition': Masked(threshold=5), 'positive': Masked(threshold=5), 'autre': 0}

    :raises PrivacyError: ``audience.seuil_invalide`` for a threshold under 1.
    """
    _check_threshold(threshold)
    small = {key for key, count in counts.items() if 0 < count < threshold}
    if len(small) == 1:
        others = sorted(
            (count, index)
            for index, (key, count) in enumerate(counts.items())
            if count > 0 and key not in small
        )
        if others:
            keys = list(counts)
            small.add(keys[others[0][1]])
    return {key: Masked(threshold) if key in small else count for key, count in counts.items()}


def counts_for(
    audience: Audience, counts: Mapping[K, int], *, threshold: int = SMALL_COUNT_THRESHOLD
) -> dict[K, int | Masked]:
    """``counts`` as ``audience`` may see them: small counts masked where :data:`POLICY`
    says so (see :func:`mask_small_counts`), as they are otherwise."""
    if POLICY[audience].small_counts_masked:
        return mask_small_counts(counts, threshold=threshold)
    _check_threshold(threshold)
    return dict(counts)
