"""Building blocks shared by every model module: labelled enums, validators, sensitivity."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final, Self, TypeVar
from zoneinfo import ZoneInfo

import attrs

__all__ = [
    "PARIS",
    "LabelledEnum",
    "Sensitivity",
    "aware",
    "identifier",
    "non_empty",
    "positive_decimal",
    "sensitivity_of",
]

#: The default time zone of seve: every SIAE in metropolitan France lives in it.
PARIS: Final = ZoneInfo("Europe/Paris")

SENSITIVITY_KEY: Final = "seve.sensitivity"


class LabelledEnum(enum.Enum):
    """An enumeration whose members carry a stable code and a French label.

    The *value* is the code (what the JSON format stores, never translated);
    :attr:`label` is what SIAE staff read.

    >>> from seve import SiaeKind
    >>> SiaeKind.ACI.value, SiaeKind.ACI.label
    ('aci', "Atelier et chantier d'insertion")
    """

    _value_: str
    label: str

    def __new__(cls, code: str, label: str) -> Self:
        member = object.__new__(cls)
        member._value_ = code
        member.label = label
        return member

    def __str__(self) -> str:
        return self.label

    def __lt__(self, other: object) -> bool:
        """Members sort by code, so sets of them serialize in a stable order."""
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, LabelledEnum)
        return self._value_ < other._value_

    @classmethod
    def from_code(cls, code: str) -> Self:
        """The member with this code; :class:`ValueError` if there is none."""
        member = cls._value2member_map_.get(code)
        if member is None:
            raise ValueError(f"{code!r} is not a {cls.__name__} code")
        return member  # type: ignore[return-value]


class Sensitivity(LabelledEnum):
    """How much care a field needs; tags every field about a person.

    Order matters: each level may be seen by fewer audiences than the previous.
    """

    ANONYMOUS = ("anonymous", "donnée anonyme (dates, catégories, volumes)")
    PERSONAL = ("personal", "donnée personnelle")
    SENSITIVE = ("sensitive", "donnée sensible (santé, justice, logement, addictions...)")

    @property
    def rank(self) -> int:
        return list(type(self)).index(self)


def sensitivity_of(cls: type, name: str) -> Sensitivity:
    """The sensitivity a model class declares for one of its fields.

    Fields without a tag are :attr:`Sensitivity.ANONYMOUS`.
    """
    field = attrs.fields_dict(cls)[name]
    tag = field.metadata.get(SENSITIVITY_KEY, Sensitivity.ANONYMOUS)
    assert isinstance(tag, Sensitivity)
    return tag


def personal(**kwargs: Any) -> Any:
    """An attrs field holding personal data (see :class:`Sensitivity`)."""
    return attrs.field(metadata={SENSITIVITY_KEY: Sensitivity.PERSONAL}, **kwargs)


def sensitive(**kwargs: Any) -> Any:
    """An attrs field holding sensitive data (health, justice, housing...)."""
    return attrs.field(metadata={SENSITIVITY_KEY: Sensitivity.SENSITIVE}, **kwargs)


# -- validators ---------------------------------------------------------------------------
# attrs validators raise ValueError/TypeError; the serialization layer turns them into
# Problems with a path.  Messages are French: they reach SIAE staff.


class FieldError(ValueError):
    """Raised by a validator: carries a problem code and an optional legal reference."""

    def __init__(self, code: str, message: str, legal: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.legal = legal


#: The attribute marking a validator whose outcome depends on the value alone (never on
#: the instance, the other fields or any state): code that checks many values, such as
#: seve's fast JSON decoder, may remember the values it accepted.
VALUE_ONLY_KEY: Final = "seve_value_only"

F = TypeVar("F", bound=Callable[..., Any])


def value_only(validator: F) -> F:
    """Mark a validator as depending on its value alone (see :data:`VALUE_ONLY_KEY`)."""
    vars(validator)[VALUE_ONLY_KEY] = True
    return validator


_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}")


@value_only
def identifier(_inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Identifiers are 1 to 128 characters: letters, digits and ``. _ : @ -``."""
    if not isinstance(value, str) or _ID.fullmatch(value) is None:
        raise FieldError(
            "format.identifiant",
            f"identifiant invalide {value!r} : 1 à 128 caractères parmi lettres, chiffres "
            "et . _ : @ -",
        )


@value_only
def non_empty(_inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Text fields that must say something."""
    if not isinstance(value, str) or not value.strip():
        raise FieldError("format.texte_vide", "ce texte ne peut pas être vide")


@value_only
def aware(_inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Instants must carry their time zone (an offset): naive datetimes are ambiguous."""
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise FieldError(
            "format.fuseau_manquant",
            "la date et l'heure doivent préciser le fuseau horaire (ex. 2025-03-01T09:00:00+01:00)",
        )


@value_only
def positive_decimal(_inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Quantities such as hours are non-negative and finite."""
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise FieldError(
            "format.nombre_negatif", f"la valeur doit être un nombre positif : {value}"
        )


#: The attribute of a :func:`date_range` check naming the fields it compares, ``(start,
#: end)``: what code that runs the check without calling it (seve's fast JSON decoder)
#: needs to know.
DATE_RANGE_KEY: Final = "seve_date_range"


def date_range(start_name: str, end_name: str) -> Any:
    """A class validator: the end (if any) is not before the start."""

    def check(inst: object, _attribute: attrs.Attribute[Any], end: dt.date | None) -> None:
        start = getattr(inst, start_name)
        if end is not None and end < start:
            raise FieldError(
                "format.dates_inversees",
                f"la date de fin ({end:%d/%m/%Y}) précède la date de début ({start:%d/%m/%Y})",
            )

    vars(check)[DATE_RANGE_KEY] = (start_name, end_name)
    return check
