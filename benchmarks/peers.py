"""pydantic v2 and msgspec models of seve's event schema, for the decoding benchmark.

Both peers are *generated* from seve's attrs classes (``attrs.fields`` and
``typing.get_type_hints``), so they describe the same JSON as seve's model, field by
field: the same names, the same defaults, the same types.

- ``NewType`` identifiers become their supertype (``str``);
- ``Decimal`` stays ``Decimal`` (JSON strings such as ``"121.50"``, or numbers);
- ``date`` stays ``date``; ``datetime`` must carry an offset (pydantic
  ``AwareDatetime``, msgspec ``Meta(tz=True)``);
- labelled enums decode from their code (the enum value);
- ``X | None``, ``tuple[X, ...]``, ``frozenset[X]`` and nested attrs classes map to
  the same constructs;
- each event type is an envelope (``format``: ``Literal[1]``, ``type``, ``id``,
  ``stream``, ``occurred_at``, ``recorded_at``, ``recorded_by``, ``payload``), and
  the event is a union of envelopes discriminated by ``type``.

They are as strict as JSON allows: unknown fields are refused, instances are frozen,
pydantic runs in strict mode (in JSON mode, strict pydantic still reads dates,
datetimes and decimals from strings, and refuses timestamps as dates, numbers as
text, booleans as numbers), msgspec never coerces.

What the peers do **not** do is run seve's validators: SIRET check digits, the
format of identifiers and stream ids, non-empty texts, NAF codes, non-negative
hours, months given by their first day, end dates not before start dates.  They
also accept a few spellings seve refuses (``"1e3"`` as a decimal; msgspec also
``"NaN"``).  Each peer therefore does *less* work per line than seve, and the
comparison is conservative for seve.
"""

from __future__ import annotations

import datetime as dt
import enum
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Final, Literal

import attrs
import msgspec
import pydantic

from seve.model import payload_types
from seve.serialization import FORMAT_VERSION

__all__ = [
    "msgspec_decoder",
    "msgspec_struct",
    "pydantic_adapter",
    "pydantic_model",
]

_PYDANTIC_CONFIG: Final = pydantic.ConfigDict(extra="forbid", frozen=True, strict=True)
_AWARE_MSGSPEC: Final = Annotated[dt.datetime, msgspec.Meta(tz=True)]
_SCALARS: Final = (str, int, bool, dt.date, Decimal, type(None))
_UNION_ORIGINS: Final = (typing.Union, type(int | None))


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def _item(tp: Any) -> Any:
    (item,) = [a for a in typing.get_args(tp) if a is not Ellipsis]
    return item


def _factory(field: attrs.Attribute[Any]) -> Callable[[], Any] | None:
    """The default factory of an attrs field, if its default is one."""
    default: Any = field.default
    if not isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return None
    assert not default.takes_self
    return default.factory  # type: ignore[no-any-return]


def _literal(value: Any) -> Any:
    return Literal[value]


# -- pydantic v2 --------------------------------------------------------------------------


def _peer_type(tp: Any, aware: Any, model: Callable[[type], Any]) -> Any:
    """The peer annotation that reads the JSON the seve type reads (``model`` builds the
    peer of an attrs class, ``aware`` is the peer's timezone-aware datetime)."""
    if isinstance(tp, typing.NewType):
        return _peer_type(tp.__supertype__, aware, model)
    if tp is dt.datetime:
        return aware
    if tp in _SCALARS or _is_enum(tp):
        return tp
    origin = typing.get_origin(tp)
    if origin is tuple:
        return tuple[_peer_type(_item(tp), aware, model), ...]  # type: ignore[misc]
    if origin is frozenset:
        return frozenset[_peer_type(_item(tp), aware, model)]  # type: ignore[misc]
    if origin in _UNION_ORIGINS:
        args = tuple(_peer_type(a, aware, model) for a in typing.get_args(tp))
        return typing.Union[args]  # noqa: UP007
    if attrs.has(tp):
        return model(tp)
    raise TypeError(f"no peer for {tp!r}")


def _pydantic_type(tp: Any) -> Any:
    return _peer_type(tp, pydantic.AwareDatetime, pydantic_model)


def _pydantic_default(field: attrs.Attribute[Any]) -> Any:
    if field.default is attrs.NOTHING:
        return ...
    factory = _factory(field)
    return field.default if factory is None else pydantic.Field(default_factory=factory)


@cache
def pydantic_model(cls: type) -> type[pydantic.BaseModel]:
    """The pydantic model of an attrs class: same fields, same defaults, frozen, strict."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {
        f.alias: (_pydantic_type(hints[f.name]), _pydantic_default(f)) for f in attrs.fields(cls)
    }
    return pydantic.create_model(f"{cls.__name__}Pydantic", __config__=_PYDANTIC_CONFIG, **fields)


def _pydantic_envelope(tag: str, cls: type) -> type[pydantic.BaseModel]:
    return pydantic.create_model(
        f"{cls.__name__}LinePydantic",
        __config__=_PYDANTIC_CONFIG,
        format=(_literal(FORMAT_VERSION), ...),
        type=(_literal(tag), ...),
        id=(str, ...),
        stream=(str, ...),
        occurred_at=(pydantic.AwareDatetime, ...),
        recorded_at=(pydantic.AwareDatetime, ...),
        recorded_by=(str, ...),
        payload=(pydantic_model(cls), ...),
    )


def pydantic_adapter(
    types: Mapping[str, type] | None = None,
) -> pydantic.TypeAdapter[Any]:
    """A ``TypeAdapter`` for the union of every event envelope, discriminated by ``type``.

    ``types`` defaults to every payload type registered with seve.
    """
    return _pydantic_adapter(tuple((types or payload_types()).items()))


@cache
def _pydantic_adapter(types: tuple[tuple[str, type], ...]) -> pydantic.TypeAdapter[Any]:
    envelopes = tuple(_pydantic_envelope(tag, cls) for tag, cls in types)
    union: Any = typing.Union[envelopes]  # noqa: UP007
    return pydantic.TypeAdapter(Annotated[union, pydantic.Field(discriminator="type")])


# -- msgspec ------------------------------------------------------------------------------


def _msgspec_type(tp: Any) -> Any:
    return _peer_type(tp, _AWARE_MSGSPEC, msgspec_struct)


def _msgspec_field(field: attrs.Attribute[Any], tp: Any) -> tuple[Any, ...]:
    if field.default is attrs.NOTHING:
        return (field.alias, tp)
    factory = _factory(field)
    if factory is None:
        return (field.alias, tp, field.default)
    return (field.alias, tp, msgspec.field(default_factory=factory))


@cache
def msgspec_struct(cls: type) -> type[msgspec.Struct]:
    """The msgspec ``Struct`` of an attrs class: same fields, same defaults, frozen."""
    hints = typing.get_type_hints(cls)
    fields = [_msgspec_field(f, _msgspec_type(hints[f.name])) for f in attrs.fields(cls)]
    return msgspec.defstruct(
        f"{cls.__name__}Msgspec",
        fields,
        kw_only=True,
        frozen=True,
        forbid_unknown_fields=True,
    )


def _msgspec_envelope(tag: str, cls: type) -> type[msgspec.Struct]:
    return msgspec.defstruct(
        f"{cls.__name__}LineMsgspec",
        [
            ("format", _literal(FORMAT_VERSION)),
            ("id", str),
            ("stream", str),
            ("occurred_at", _AWARE_MSGSPEC),
            ("recorded_at", _AWARE_MSGSPEC),
            ("recorded_by", str),
            ("payload", msgspec_struct(cls)),
        ],
        kw_only=True,
        frozen=True,
        forbid_unknown_fields=True,
        tag_field="type",
        tag=tag,
    )


def msgspec_decoder(types: Mapping[str, type] | None = None) -> msgspec.json.Decoder[Any]:
    """A JSON decoder for the union of every event envelope, tagged by ``type``.

    ``types`` defaults to every payload type registered with seve.
    """
    return _msgspec_decoder(tuple((types or payload_types()).items()))


@cache
def _msgspec_decoder(types: tuple[tuple[str, type], ...]) -> msgspec.json.Decoder[Any]:
    envelopes = tuple(_msgspec_envelope(tag, cls) for tag, cls in types)
    return msgspec.json.Decoder(typing.Union[envelopes])  # noqa: UP007
