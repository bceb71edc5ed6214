"""The cattrs converter: strict structuring that reports every problem at once.

Structuring never coerces: a number where text is expected, an unknown field, an
unknown enum code, an impossible date are each a :class:`~seve.errors.Problem`
with the path of the field.  Validators of the model run field by field, so one
pass reports all of them.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any, Final

import attrs
import cattrs
import msgspec

from ..errors import DecodeError, Problem
from ..model import Event, LabelledEnum, payload_types, tag_of
from ..model._base import FieldError

__all__ = [
    "FORMAT_VERSION",
    "Problems",
    "converter",
    "make_converter",
    "structure_event",
    "unstructure_event",
]

#: Decimals written as text: digits, an optional sign and decimal part, no exponent.
DECIMAL_TEXT: Final = re.compile(r"-?[0-9]+(\.[0-9]+)?")

#: Version of the JSON interchange format (the ``format`` field of every line).
FORMAT_VERSION: Final = 1

_TYPE_NAMES: Final = {
    str: "un texte",
    int: "un nombre entier",
    bool: "un booléen (true ou false)",
    Decimal: "un nombre décimal",
    dt.date: "une date AAAA-MM-JJ",
    dt.datetime: "une date et heure ISO 8601 avec fuseau",
}


class Problems(DecodeError):
    """Raised by :data:`converter` while structuring: every problem found, paths relative
    to the value being structured (a :class:`~seve.errors.DecodeError`)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = tuple(problems)


def _mismatch(expected: str, value: object) -> Problems:
    shown = repr(value) if len(repr(value)) < 40 else repr(value)[:37] + "..."
    return Problems([Problem(code="format.type", message=f"attendu {expected}, reçu {shown}")])


def _scalar(tp: type) -> Callable[[Any, Any], Any]:
    expected = _TYPE_NAMES[tp]

    def structure(value: Any, _: Any) -> Any:
        if type(value) is not tp:
            raise _mismatch(expected, value)
        return value

    return structure


def _via_msgspec(tp: type, code: str, what: str) -> Callable[[Any, Any], Any]:
    """Dates, instants and decimals parse exactly as the fast JSON path parses them."""

    def structure(value: Any, _: Any) -> Any:
        if tp is Decimal and type(value) in (int, Decimal):
            return Decimal(value)
        if not isinstance(value, str):
            raise _mismatch(_TYPE_NAMES[tp], value)
        if tp is Decimal and DECIMAL_TEXT.fullmatch(value) is None:
            raise Problems([Problem(code=code, message=f"{what} invalide : {value!r}")])
        try:
            return msgspec.convert(value, tp)
        except msgspec.ValidationError:
            raise Problems([Problem(code=code, message=f"{what} invalide : {value!r}")]) from None

    return structure


def _structure_enum(value: Any, tp: type[LabelledEnum]) -> LabelledEnum:
    try:
        return tp.from_code(value) if isinstance(value, str) else _raise_enum(value, tp)
    except ValueError:
        return _raise_enum(value, tp)


def _raise_enum(value: Any, tp: type[LabelledEnum]) -> typing.NoReturn:
    codes = ", ".join(m.value for m in tp)
    raise Problems(
        [
            Problem(
                code="format.valeur_inconnue",
                message=f"valeur inconnue {value!r} pour {tp.__name__} ; "
                f"valeurs possibles : {codes}",
            )
        ]
    )


def _structure_sequence(conv: cattrs.Converter, tp: Any) -> Callable[[Any, Any], Any]:
    origin = typing.get_origin(tp)
    (item,) = [a for a in typing.get_args(tp) if a is not Ellipsis]
    build: Callable[[list[Any]], Any] = tuple if origin is tuple else frozenset

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, list):
            raise _mismatch("une liste", value)
        out: list[Any] = []
        problems: list[Problem] = []
        for i, element in enumerate(value):
            try:
                out.append(conv.structure(element, item))
            except Problems as exc:
                problems.extend(p.at(i) for p in exc.problems)
        if problems:
            raise Problems(problems)
        return build(out)

    return structure


def _structure_optional(conv: cattrs.Converter, tp: Any) -> Callable[[Any, Any], Any]:
    (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]

    def structure(value: Any, _: Any) -> Any:
        return None if value is None else conv.structure(value, inner)

    return structure


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _structure_attrs(conv: cattrs.Converter, tp: Any) -> Callable[[Any, Any], Any]:
    cls = typing.get_origin(tp) or tp
    hints = dict(_hints(cls))
    if cls is Event:  # Event[Payload]: the payload's type comes from the alias
        (hints["payload"],) = typing.get_args(tp)
    fields = attrs.fields(cls)
    names = frozenset(f.alias for f in fields)

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise _mismatch("un objet JSON", value)
        problems = [
            Problem(code="format.champ_inconnu", message=f"champ inconnu « {key} »", path=(key,))
            for key in value
            if key not in names
        ]
        kwargs: dict[str, Any] = {}
        for f in fields:
            if f.alias not in value:
                if f.default is attrs.NOTHING:
                    problems.append(
                        Problem(
                            code="format.champ_manquant",
                            message=f"champ obligatoire « {f.alias} » manquant",
                            path=(f.alias,),
                        )
                    )
                continue
            try:
                kwargs[f.alias] = conv.structure(value[f.alias], hints[f.name])
            except Problems as exc:
                problems.extend(p.at(f.alias) for p in exc.problems)
        if not problems:
            try:
                return cls(**kwargs)
            except FieldError:
                pass
        problems.extend(_validator_problems(cls, kwargs))
        raise Problems(problems)

    return structure


def _validator_problems(cls: type, kwargs: dict[str, Any]) -> list[Problem]:
    """Run every validator whose field is present: all their problems, not the first."""
    probe: Any = object.__new__(cls)
    for f in attrs.fields(cls):
        if f.alias in kwargs or f.default is not attrs.NOTHING:
            object.__setattr__(probe, f.name, kwargs.get(f.alias, _default(f, probe)))
    problems = []
    for f in attrs.fields(cls):
        if f.validator is None or f.alias not in kwargs:
            continue
        try:
            f.validator(probe, f, getattr(probe, f.name))
        except FieldError as exc:
            problems.append(
                Problem(code=exc.code, message=exc.message, path=(f.alias,), legal=exc.legal)
            )
        except AttributeError:  # a cross-field validator whose other field is missing
            continue
    return problems


def _default(f: attrs.Attribute[Any], probe: object) -> Any:
    default: Any = f.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory(probe) if default.takes_self else default.factory()
    return default


def _unstructure_instant(value: dt.datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _origin(tp: Any) -> Any:
    return typing.get_origin(tp)


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def _is_sequence(tp: Any) -> bool:
    return _origin(tp) in (tuple, frozenset)


def _is_optional(tp: Any) -> bool:
    return _origin(tp) in (typing.Union, _UnionType) and type(None) in typing.get_args(tp)


def _is_model(tp: Any) -> bool:
    return attrs.has(tp) or _origin(tp) is Event


def _is_mapping(tp: Any) -> bool:
    return _origin(tp) in (Mapping, dict)


def make_converter() -> cattrs.Converter:
    """A new converter configured for seve's model (the default one is :data:`converter`)."""
    conv = cattrs.Converter()
    for tp in (str, int, bool):
        conv.register_structure_hook(tp, _scalar(tp))
    conv.register_structure_hook(Decimal, _via_msgspec(Decimal, "format.nombre", "nombre"))
    conv.register_structure_hook(dt.date, _via_msgspec(dt.date, "format.date", "date"))
    conv.register_structure_hook(
        dt.datetime, _via_msgspec(dt.datetime, "format.date_heure", "date et heure")
    )
    conv.register_structure_hook_func(_is_enum, _structure_enum)
    conv.register_structure_hook_factory(_is_sequence, lambda t: _structure_sequence(conv, t))
    conv.register_structure_hook_factory(_is_optional, lambda t: _structure_optional(conv, t))
    conv.register_structure_hook_factory(_is_model, lambda t: _structure_attrs(conv, t))
    conv.register_unstructure_hook(Decimal, str)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_unstructure_hook(dt.datetime, _unstructure_instant)
    conv.register_unstructure_hook_func(_is_enum, lambda e: e.value)
    conv.register_unstructure_hook_func(
        lambda t: t is frozenset or _origin(t) is frozenset,
        lambda v: sorted(conv.unstructure(x) for x in v),
    )
    conv.register_unstructure_hook_func(
        lambda t: _origin(t) is tuple, lambda v: [conv.unstructure(x) for x in v]
    )
    conv.register_unstructure_hook_func(
        _is_mapping, lambda v: {str(k): conv.unstructure(x) for k, x in v.items()}
    )
    return conv


_UnionType = type(int | None)

#: The converter for every model type: ``converter.structure(data, Contract)``.
converter: Final = make_converter()


def structure_event(obj: Any) -> Event[Any]:
    """Structure one event from its JSON object (``format``, ``type``, envelope, ``payload``)."""
    if not isinstance(obj, dict):
        raise _mismatch("un objet JSON (un événement)", obj)
    problems: list[Problem] = []
    fmt = obj.get("format")
    if fmt != FORMAT_VERSION or type(fmt) is not int:
        problems.append(
            Problem(
                code="format.version",
                message=f"version de format {fmt!r} non prise en charge (attendu {FORMAT_VERSION})",
                path=("format",),
            )
        )
    tag = obj.get("type")
    cls = payload_types().get(tag) if isinstance(tag, str) else None
    if cls is None:
        known = ", ".join(sorted(payload_types()))
        problems.append(
            Problem(
                code="format.type_inconnu",
                message=f"type d'événement inconnu {tag!r} ; types connus : {known}",
                path=("type",),
            )
        )
    if problems:
        raise Problems(problems)
    rest = {k: v for k, v in obj.items() if k not in ("format", "type")}
    event: Event[Any] = converter.structure(rest, Event[cls])  # type: ignore[valid-type]
    return event


def unstructure_event(event: Event[Any]) -> dict[str, Any]:
    """The JSON object of an event, as written in JSON Lines (keys sorted)."""
    payload = converter.unstructure(event.payload, type(event.payload))
    return {
        "format": FORMAT_VERSION,
        "type": tag_of(type(event.payload)),
        "id": event.id,
        "occurred_at": _unstructure_instant(event.occurred_at),
        "payload": payload,
        "recorded_at": _unstructure_instant(event.recorded_at),
        "recorded_by": event.recorded_by,
        "stream": event.stream,
    }
