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

Each peer comes in two flavours:

- **shape only** (``checked=False``): the types above and nothing else.  These peers do
  not run seve's validators (SIRET check digits, the format of identifiers and stream
  ids, non-empty texts, NAF codes, non-negative hours, months given by their first day,
  end dates not before start dates): they do *less* work per line than seve;
- **same checks** (``checked=True``): the same schema *and* the same checks, written
  the way a user of each library would write them.  Checks a library has natively are
  declared, to run in its compiled core: identifiers, stream ids and non-empty texts as
  regular expressions (pydantic ``StringConstraints``, msgspec ``Meta``), non-negative
  decimals as ``ge=0`` (pydantic only: msgspec bounds no decimal).  Every other check
  (SIRET, NAF and ROME codes, first days of months, date ranges, and msgspec's
  non-negative decimals) calls seve's own validator from Python on the built instance
  (a pydantic ``model_validator(mode="after")``, a msgspec ``__post_init__``).  A line
  seve refuses for a broken rule, a wrong SIRET check digit say, is then refused by the
  three decoders alike.

Both flavours accept a few spellings seve refuses (``"1e3"`` as a decimal; msgspec also
``"NaN"``): the comparison stays slightly conservative for seve.
"""

from __future__ import annotations

import datetime as dt
import enum
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Final, Literal, NamedTuple

import attrs
import msgspec
import pydantic

from seve.model import Event, payload_types
from seve.model import _base as base
from seve.model._appointments import _CLOCK, clock_time
from seve.model._employers import _NAF, _naf
from seve.model._events import _STREAM, _valid_stream
from seve.model._offers import _ROME, rome_code
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


# -- seve's checks, as a peer writes them -------------------------------------------------


class _Native(NamedTuple):
    """A check a peer runs in its compiled core: a regular expression, matched in full
    or searched, with a maximum length; or a lower bound."""

    pattern: str | None = None
    full: bool = True
    max_length: int | None = None
    ge: int | None = None


#: seve's validators that a peer can declare instead of calling them.
_NATIVE: Final[dict[Any, _Native]] = {
    base.identifier: _Native(pattern=base._ID.pattern),
    base.non_empty: _Native(pattern=r"\S", full=False),
    _valid_stream: _Native(pattern=_STREAM.pattern, max_length=128),
    base.positive_decimal: _Native(ge=0),
    _naf: _Native(pattern=_NAF.pattern),
    rome_code: _Native(pattern=_ROME.pattern),
    clock_time: _Native(pattern=_CLOCK.pattern),
}
_OPTIONAL: Final[Any] = type(attrs.validators.optional(base.identifier))
_AND: Final[Any] = type(attrs.validators.and_(base.identifier))
_DEEP: Final[Any] = type(attrs.validators.deep_iterable(base.identifier))


class _Flavour(NamedTuple):
    """What differs between the two peers: their aware datetime, how they declare a
    native check (``None``: they cannot), and the peer of a nested attrs class."""

    aware: Any
    declare: Callable[[_Native], Any | None]
    model: Callable[[type, bool], Any]


class _Split(NamedTuple):
    """One field's checks: declared on the value, on the value when it is not None, or
    on each item; and the validators called from Python."""

    value: tuple[Any, ...] = ()
    present: tuple[Any, ...] = ()
    items: tuple[Any, ...] = ()
    calls: tuple[Any, ...] = ()


def _split(validator: Any, flavour: _Flavour) -> _Split:
    """Split a field's validator into what ``flavour`` declares and what it calls."""
    if validator is None or validator is base.aware:  # aware: the peer types see to it
        return _Split()
    if type(validator) is _AND:
        parts = [_split(each, flavour) for each in validator._validators]
        return _Split(*(tuple(x for part in parts for x in part[i]) for i in range(4)))
    declared = flavour.declare(_NATIVE[validator]) if validator in _NATIVE else None
    if declared is not None:
        return _Split(value=(declared,))
    inner = None
    if type(validator) is _OPTIONAL:
        inner = _split(validator.validator, flavour)
    elif type(validator) is _DEEP and validator.iterable_validator is None:
        inner = _split(validator.member_validator, flavour)
    if inner is None or inner.calls or inner.present or inner.items:
        return _Split(calls=(validator,))
    if type(validator) is _OPTIONAL:
        return _Split(present=inner.value)
    return _Split(items=inner.value)


def _annotated(tp: Any, metadata: tuple[Any, ...]) -> Any:
    return Annotated[(tp, *metadata)] if metadata else tp  # type: ignore[valid-type]


def _peer_type(tp: Any, flavour: _Flavour, checked: bool) -> Any:
    """The peer annotation that reads the JSON the seve type reads."""
    if isinstance(tp, typing.NewType):
        return _peer_type(tp.__supertype__, flavour, checked)
    if tp is dt.datetime:
        return flavour.aware
    if tp in _SCALARS or _is_enum(tp):
        return tp
    origin = typing.get_origin(tp)
    if origin is tuple:
        return tuple[_peer_type(_item(tp), flavour, checked), ...]  # type: ignore[misc]
    if origin is frozenset:
        return frozenset[_peer_type(_item(tp), flavour, checked)]  # type: ignore[misc]
    if origin in _UNION_ORIGINS:
        args = tuple(_peer_type(a, flavour, checked) for a in typing.get_args(tp))
        return typing.Union[args]  # noqa: UP007
    if attrs.has(tp):
        return flavour.model(tp, checked)
    raise TypeError(f"no peer for {tp!r}")


def _field_type(tp: Any, split: _Split, flavour: _Flavour, checked: bool) -> Any:
    """The peer annotation of a field, with the checks it declares."""
    peer = _peer_type(tp, flavour, checked)
    if split.present:
        (inner,) = [a for a in typing.get_args(peer) if a is not type(None)]
        peer = _annotated(inner, split.present) | None
    if split.items:
        item = _annotated(_item(peer), split.items)
        peer = frozenset[item] if typing.get_origin(peer) is frozenset else tuple[item, ...]
    return _annotated(peer, split.value)


def _fields(
    cls: type, flavour: _Flavour, checked: bool, payload: type | None = None
) -> tuple[list[tuple[attrs.Attribute[Any], Any]], Callable[[Any], None] | None]:
    """The peer annotation of each field of ``cls`` (an envelope's is that of
    ``payload``), and the function that calls the validators the peer does not
    declare (``None`` when there is none)."""
    hints = typing.get_type_hints(cls)
    if payload is not None:
        hints["payload"] = payload
    annotated: list[tuple[attrs.Attribute[Any], Any]] = []
    calls: list[tuple[Any, attrs.Attribute[Any]]] = []
    for f in attrs.fields(cls):
        split = _split(f.validator, flavour) if checked else _Split()
        annotated.append((f, _field_type(hints[f.name], split, flavour, checked)))
        calls.extend((validator, f) for validator in split.calls)
    if not calls:
        return annotated, None

    def call_validators(instance: Any) -> None:
        for validator, f in calls:
            validator(instance, f, getattr(instance, f.alias))

    return annotated, call_validators


# -- pydantic v2 --------------------------------------------------------------------------


def _pydantic_declare(native: _Native) -> Any:
    if native.ge is not None:
        return pydantic.Field(ge=native.ge, allow_inf_nan=False)
    pattern = f"^(?:{native.pattern})$" if native.full else native.pattern
    return pydantic.StringConstraints(pattern=pattern, max_length=native.max_length)


def _pydantic_default(field: attrs.Attribute[Any]) -> Any:
    if field.default is attrs.NOTHING:
        return ...
    factory = _factory(field)
    return field.default if factory is None else pydantic.Field(default_factory=factory)


def _pydantic_create(
    name: str, cls: type, checked: bool, payload: type | None = None, **extra: Any
) -> type[pydantic.BaseModel]:
    """A frozen, strict pydantic model of the fields of ``cls`` (plus ``extra``)."""
    annotated, call_validators = _fields(cls, _PYDANTIC, checked, payload)
    fields = {f.alias: (tp, _pydantic_default(f)) for f, tp in annotated}
    validators: dict[str, Any] = {}
    if call_validators is not None:

        def run(instance: Any) -> Any:
            call_validators(instance)
            return instance

        validators["seve_validators"] = pydantic.model_validator(mode="after")(run)
    return pydantic.create_model(  # type: ignore[no-any-return, call-overload]
        name, __config__=_PYDANTIC_CONFIG, __validators__=validators, **extra, **fields
    )


@cache
def pydantic_model(cls: type, checked: bool = False) -> type[pydantic.BaseModel]:
    """The pydantic model of an attrs class: same fields, same defaults, frozen, strict;
    with seve's checks if ``checked``."""
    return _pydantic_create(f"{cls.__name__}Pydantic", cls, checked)


_PYDANTIC: Final = _Flavour(pydantic.AwareDatetime, _pydantic_declare, pydantic_model)


def _pydantic_envelope(tag: str, cls: type, checked: bool) -> type[pydantic.BaseModel]:
    """The model of one line: ``format``, ``type`` and ``Event``'s fields."""
    return _pydantic_create(
        f"{cls.__name__}LinePydantic",
        Event,
        checked,
        cls,
        format=(_literal(FORMAT_VERSION), ...),
        type=(_literal(tag), ...),
    )


def pydantic_adapter(
    types: Mapping[str, type] | None = None, *, checked: bool = False
) -> pydantic.TypeAdapter[Any]:
    """A ``TypeAdapter`` for the union of every event envelope, discriminated by ``type``;
    with seve's checks if ``checked``.

    ``types`` defaults to every payload type registered with seve.
    """
    return _pydantic_adapter(tuple((types or payload_types()).items()), checked)


@cache
def _pydantic_adapter(
    types: tuple[tuple[str, type], ...], checked: bool
) -> pydantic.TypeAdapter[Any]:
    envelopes = tuple(_pydantic_envelope(tag, cls, checked) for tag, cls in types)
    union: Any = typing.Union[envelopes]  # noqa: UP007
    return pydantic.TypeAdapter(Annotated[union, pydantic.Field(discriminator="type")])


# -- msgspec ------------------------------------------------------------------------------


def _msgspec_declare(native: _Native) -> Any:
    if native.ge is not None:
        return None  # msgspec bounds numbers, not decimals: the validator is called
    pattern = f"^(?:{native.pattern})\\Z" if native.full else native.pattern
    return msgspec.Meta(pattern=pattern, max_length=native.max_length)


def _msgspec_field(field: attrs.Attribute[Any], tp: Any) -> tuple[Any, ...]:
    if field.default is attrs.NOTHING:
        return (field.alias, tp)
    factory = _factory(field)
    if factory is None:
        return (field.alias, tp, field.default)
    return (field.alias, tp, msgspec.field(default_factory=factory))


def _msgspec_create(
    name: str,
    cls: type,
    checked: bool,
    payload: type | None = None,
    extra: tuple[tuple[Any, ...], ...] = (),
    **options: Any,
) -> type[msgspec.Struct]:
    """A frozen msgspec Struct of the fields of ``cls`` (plus ``extra``)."""
    annotated, call_validators = _fields(cls, _MSGSPEC, checked, payload)
    fields = [*extra, *(_msgspec_field(f, tp) for f, tp in annotated)]
    namespace = {} if call_validators is None else {"__post_init__": call_validators}
    return msgspec.defstruct(
        name,
        fields,
        namespace=namespace,
        kw_only=True,
        frozen=True,
        forbid_unknown_fields=True,
        **options,
    )


@cache
def msgspec_struct(cls: type, checked: bool = False) -> type[msgspec.Struct]:
    """The msgspec ``Struct`` of an attrs class: same fields, same defaults, frozen;
    with seve's checks if ``checked``."""
    return _msgspec_create(f"{cls.__name__}Msgspec", cls, checked)


_MSGSPEC: Final = _Flavour(_AWARE_MSGSPEC, _msgspec_declare, msgspec_struct)


def _msgspec_envelope(tag: str, cls: type, checked: bool) -> type[msgspec.Struct]:
    """The Struct of one line: ``format`` and ``Event``'s fields, tagged by ``type``."""
    return _msgspec_create(
        f"{cls.__name__}LineMsgspec",
        Event,
        checked,
        cls,
        (("format", _literal(FORMAT_VERSION)),),
        tag_field="type",
        tag=tag,
    )


def msgspec_decoder(
    types: Mapping[str, type] | None = None, *, checked: bool = False
) -> msgspec.json.Decoder[Any]:
    """A JSON decoder for the union of every event envelope, tagged by ``type``; with
    seve's checks if ``checked``.

    ``types`` defaults to every payload type registered with seve.
    """
    return _msgspec_decoder(tuple((types or payload_types()).items()), checked)


@cache
def _msgspec_decoder(
    types: tuple[tuple[str, type], ...], checked: bool
) -> msgspec.json.Decoder[Any]:
    envelopes = tuple(_msgspec_envelope(tag, cls, checked) for tag, cls in types)
    return msgspec.json.Decoder(typing.Union[envelopes])  # noqa: UP007
