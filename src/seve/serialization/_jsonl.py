"""JSON Lines: one event per line, decoded fast and diagnosed precisely.

Decoding a line takes one pass of msgspec's C decoder over a *mirror* of every event
type, generated from the model: tagged ``msgspec.Struct`` s that forbid unknown fields
(it validates the shape and finds the type).  Then a builder generated for the event
type (:mod:`._build`) makes the frozen attrs objects from the mirror and runs the
model's checks.

When the builder cannot prove the line valid, the *reference path* decides: msgspec's
decoder for ``Event[Payload]``, which builds the objects and runs their validators
through attrs' rules.  Only when that fails too, or the mirror refuses the line, does
the slow path run: :mod:`json` and the strict cattrs converter, which report *every*
problem with its path, in French.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import typing
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Annotated, Any, Final, Literal

import attrs
import msgspec

from ..errors import DecodeError, Problem
from ..model import Event, payload_types, tag_of
from ._build import Refused, event_builder
from ._converter import DECIMAL_TEXT, FORMAT_VERSION, Problems, structure_event

__all__ = ["decode_event", "dump_events", "encode_event", "iter_events", "read_events"]

_DECIMAL: Final = Annotated[str, msgspec.Meta(pattern=rf"\A{DECIMAL_TEXT.pattern}\Z")] | int | float
#: The fast mirror leaves the spelling of decimal texts to the builder (a regular
#: expression called from C costs more than the builder's check).
_ANY_DECIMAL: Final = str | int | float
_INSTANT: Final = Annotated[dt.datetime, msgspec.Meta(tz=True)]


def _mirror(tp: Any, cache_: dict[Any, Any]) -> Any:
    """The msgspec type that accepts exactly the JSON the model type accepts.

    A field with a default may be absent: it is then ``msgspec.UNSET`` in the mirror,
    and the builder puts the model's default in its place.  ``cache_`` holds the
    Structs made so far, and under ``Decimal`` the mirror of decimals.
    """
    if tp is Decimal:
        return cache_[Decimal]
    if tp is dt.datetime:
        return _INSTANT
    if isinstance(tp, typing.NewType):
        return _mirror(tp.__supertype__, cache_)
    origin = typing.get_origin(tp)
    if origin in (tuple, frozenset):
        (item,) = [a for a in typing.get_args(tp) if a is not Ellipsis]
        return list[_mirror(item, cache_)]  # type: ignore[misc]
    if origin in (typing.Union, type(int | None)):
        args = [_mirror(a, cache_) for a in typing.get_args(tp)]
        return typing.Union[tuple(args)]  # noqa: UP007
    if attrs.has(tp):
        if tp not in cache_:
            hints = typing.get_type_hints(tp)
            fields = [
                (f.alias, _mirror(hints[f.name], cache_))
                if f.default is attrs.NOTHING
                else (f.alias, _mirror(hints[f.name], cache_), msgspec.UNSET)
                for f in attrs.fields(tp)
            ]
            cache_[tp] = msgspec.defstruct(
                f"{tp.__name__}Mirror",
                fields,
                forbid_unknown_fields=True,
                kw_only=True,
                gc=False,  # short-lived trees of values: never part of a cycle
            )
        return cache_[tp]
    if tp in (str, int, bool, dt.date, type(None)) or (
        isinstance(tp, type) and issubclass(tp, enum.Enum)
    ):
        return tp
    raise TypeError(f"no JSON mirror for {tp!r}")


@attrs.frozen
class _Decoders:
    """The generated decoders, for the payload types registered when first used.

    ``fast`` is the mirror whose Structs build the event (their ``build`` method); it
    accepts any text for a decimal, and the builder checks its spelling.  ``mirror``
    and ``typed`` are the reference path: the strict mirror (decimal texts checked by
    msgspec), then msgspec's decoder of ``Event[Payload]``.  Whatever the strict
    mirror accepts the fast one accepts too.
    """

    fast: msgspec.json.Decoder[Any]
    mirror: msgspec.json.Decoder[Any]
    typed: dict[type, msgspec.json.Decoder[Any]]
    count: int


def _no_builder(_shape: Any) -> Event[Any]:
    raise Refused


def _builder(cls: type) -> Any:
    try:
        return event_builder(cls)
    except TypeError:  # something the builder does not handle: the reference path decides
        return _no_builder


def _envelope(tag: str, cls: type, cache_: dict[Any, Any], **options: Any) -> Any:
    return msgspec.defstruct(
        f"{cls.__name__}Line",
        [
            ("format", Literal[FORMAT_VERSION]),
            ("id", str),
            ("stream", str),
            ("occurred_at", _INSTANT),
            ("recorded_at", _INSTANT),
            ("recorded_by", str),
            ("payload", _mirror(cls, cache_)),
        ],
        tag_field="type",
        tag=tag,
        forbid_unknown_fields=True,
        gc=False,
        **options,
    )


def _make_decoders(count: int) -> _Decoders:
    fast_cache: dict[Any, Any] = {Decimal: _ANY_DECIMAL}
    strict_cache: dict[Any, Any] = {Decimal: _DECIMAL}
    fast, strict = [], []
    typed = {}
    for tag, cls in payload_types().items():
        fast.append(_envelope(tag, cls, fast_cache, namespace={"build": _builder(cls)}))
        envelope = _envelope(tag, cls, strict_cache)
        strict.append(envelope)
        typed[envelope] = msgspec.json.Decoder(Event[cls])  # type: ignore[valid-type]
    return _Decoders(
        fast=msgspec.json.Decoder(typing.Union[tuple(fast)]),  # noqa: UP007
        mirror=msgspec.json.Decoder(typing.Union[tuple(strict)]),  # noqa: UP007
        typed=typed,
        count=count,
    )


_TYPES: Final = payload_types()  # a live view: new event types show in it
_current: list[_Decoders] = []


def _decoders() -> _Decoders:
    """The decoders for the event types registered now (made again when one is added)."""
    count = len(_TYPES)
    if not _current or _current[0].count != count:
        _current[:] = [_make_decoders(count)]
    return _current[0]


_ENCODER: Final = msgspec.json.Encoder(order="deterministic")


def encode_event(event: Event[Any]) -> bytes:
    """One JSON line (no newline) for an event; keys sorted, ``format`` and ``type`` first."""
    tag = tag_of(type(event.payload)).encode()
    return b'{"format":%d,"type":"%s",%s' % (FORMAT_VERSION, tag, _ENCODER.encode(event)[1:])


def decode_event(line: bytes | str, *, lineno: int | None = None) -> Event[Any]:
    """Decode one line; :class:`~seve.errors.DecodeError` lists every problem in it."""
    try:  # the decoders made last (none yet: IndexError), for the common case
        event: Event[Any] = _current[0].fast.decode(line).build()
    except Exception:  # refused, not proven, or an event type registered since: see below
        return _decode_again(line, lineno)
    return event


def _decode_again(line: bytes | str, lineno: int | None) -> Event[Any]:
    """What :func:`decode_event` did not decode at once, with the decoders of the event
    types registered now (tags are never registered again for another class, so the
    decoders made before only ever lack the newest types)."""
    decoders = _decoders()
    try:
        event: Event[Any] = decoders.fast.decode(line).build()
    except (msgspec.ValidationError, msgspec.DecodeError):  # from the mirror (builders call
        raise DecodeError(_diagnose(line, lineno)) from None  # no msgspec): refused there too
    except Exception:  # whatever the builder could not prove, the reference path decides
        return _reference(decoders, line, lineno)
    return event


def _reference(decoders: _Decoders, line: bytes | str, lineno: int | None) -> Event[Any]:
    """The reference path: the strict mirror, msgspec's typed decoder with attrs'
    validators, then the diagnosis."""
    try:
        shape = decoders.mirror.decode(line)
        event: Event[Any] = decoders.typed[type(shape)].decode(line)
    except (msgspec.ValidationError, msgspec.DecodeError):
        raise DecodeError(_diagnose(line, lineno)) from None
    return event


def _diagnose(line: bytes | str, lineno: int | None) -> list[Problem]:
    """The slow path: every problem of a line that the fast path refused."""
    try:
        obj = json.loads(line, parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" (colonne {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        return [Problem(code="format.json", message=f"JSON invalide{where}", line=lineno)]
    try:
        structure_event(obj)
    except Problems as exc:
        return [p.at(line=lineno) for p in exc.problems]
    return [  # both paths must agree; tests check this never happens
        Problem(code="format.incoherent", message="ligne refusée sans motif identifié", line=lineno)
    ]


def iter_events(lines: Iterable[bytes | str]) -> Iterator[Event[Any]]:
    """Decode JSON Lines lazily; stop with :class:`~seve.errors.DecodeError` at a bad line.

    Blank lines are skipped; problem line numbers count from 1.
    """
    for lineno, line in enumerate(lines, start=1):
        if line and not line.isspace():  # blank: skipped (isspace copies nothing)
            yield decode_event(line, lineno=lineno)


def read_events(lines: Iterable[bytes | str]) -> tuple[list[Event[Any]], list[Problem]]:
    """Decode every line, collecting the events and every problem of every bad line."""
    events: list[Event[Any]] = []
    problems: list[Problem] = []
    for lineno, line in enumerate(lines, start=1):
        if not line or line.isspace():
            continue
        try:
            events.append(decode_event(line, lineno=lineno))
        except DecodeError as exc:
            problems.extend(exc.problems)
    return events, problems


def dump_events(events: Iterable[Event[Any]], fp: IO[bytes]) -> int:
    """Write events as JSON Lines to a binary file; returns how many were written."""
    count = 0
    for event in events:
        fp.write(encode_event(event) + b"\n")
        count += 1
    return count
