"""SIRET numbers: 14 digits, a Luhn check digit (La Poste has its own rule)."""

from __future__ import annotations

from typing import Any, Final, NewType

import attrs

from ._base import FieldError, value_only

__all__ = ["Siret", "luhn_key", "siret_problem", "valid_siret"]

#: A SIRET number as 14 digits, no spaces (e.g. ``"73282932000074"``).
Siret = NewType("Siret", str)

_LA_POSTE: Final = "356000000"
_INSEE: Final = "Répertoire SIRENE (INSEE) : numéro SIRET, clé de Luhn"


def luhn_key(digits: str) -> str:
    """The check digit that makes ``digits + key`` pass the Luhn check.

    >>> luhn_key("7328293200007")
    '4'
    """
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2 == 0:  # doubled: the key will be the rightmost digit
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str(-total % 10)


def _luhn_ok(digits: str) -> bool:
    return luhn_key(digits[:-1]) == digits[-1]


def siret_problem(value: object) -> str | None:
    """Why ``value`` is not a SIRET, in French, or ``None`` when it is one."""
    if not isinstance(value, str) or len(value) != 14 or not value.isascii() or not value.isdigit():
        return f"un SIRET compte exactement 14 chiffres, sans espace : {value!r}"
    # La Poste's establishments share one SIREN: their digit sum is a multiple of 5.
    la_poste = value.startswith(_LA_POSTE) and sum(int(c) for c in value) % 5 == 0
    ok = la_poste or _luhn_ok(value)
    return None if ok else f"la clé de contrôle du SIRET {value} est fausse"


@value_only
def valid_siret(_inst: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator for :data:`Siret` fields."""
    message = siret_problem(value)
    if message is not None:
        raise FieldError("siret.invalide", message, _INSEE)
