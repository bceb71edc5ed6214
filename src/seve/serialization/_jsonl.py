"""JSON Lines: one event per line, decoded fast and diagnosed precisely.

Decoding a line takes two passes of msgspec's C decoder, generated from the
model: a *mirror* of every event type as tagged ``msgspec.Struct`` s that forbid
unknown fields (it validates the shape and finds the type), then a decoder for
``Event[Payload]`` that builds the frozen attrs objects and runs their validators.
Only when either pass fails does the slow path run: :mod:`json` and the strict
cattrs converter, which report *every* problem with its path, in French.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import typing
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import cache
from typing import IO, Annotated, Any, Final, Literal

import attrs
import msgspec

from ..errors import DecodeError, Problem
from ..model import Event, payload_types, tag_of
from ._converter import DECIMAL_TEXT, FORMAT_VERSION, Problems, structure_event

__all__ = ["decode_event", "dump_events", "encode_event", "iter_events", "read_events"]

_DECIMAL: Final = Annotated[str, msgspec.Meta(pattern=rf"\A{DECIMAL_TEXT.pattern}\Z")]
_INSTANT: Final = Annotated[dt.datetime, msgspec.Meta(tz=True)]


def _mirror(tp: Any, cache_: dict[type, Any]) -> Any:
    """The msgspec type that accepts exactly the JSON the model type accepts."""
    if tp is Decimal:
        return _DECIMAL | int | float
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
                else (f.alias, _mirror(hints[f.name], cache_), None)
                for f in attrs.fields(tp)
            ]
            cache_[tp] = msgspec.defstruct(
                f"{tp.__name__}Mirror", fields, forbid_unknown_fields=True, kw_only=True
            )
        return cache_[tp]
    if tp in (str, int, bool, dt.date, type(None)) or (
        isinstance(tp, type) and issubclass(tp, enum.Enum)
    ):
        return tp
    raise TypeError(f"no JSON mirror for {tp!r}")


@attrs.frozen
class _Decoders:
    """The generated decoders, for the payload types registered when first used."""

    mirror: msgspec.json.Decoder[Any]
    typed: dict[type, msgspec.json.Decoder[Any]]
    count: int


@cache
def _decoders(count: int) -> _Decoders:
    cache_: dict[type, Any] = {}
    envelopes = []
    typed = {}
    for tag, cls in payload_types().items():
        envelope = msgspec.defstruct(
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
        )
        envelopes.append(envelope)
        typed[envelope] = msgspec.json.Decoder(Event[cls])  # type: ignore[valid-type]
    mirror = msgspec.json.Decoder(typing.Union[tuple(envelopes)])  # noqa: UP007
    return _Decoders(mirror=mirror, typed=typed, count=count)


_ENCODER: Final = msgspec.json.Encoder(order="deterministic")


def encode_event(event: Event[Any]) -> bytes:
    """One JSON line (no newline) for an event; keys sorted, ``format`` and ``type`` first."""
    tag = tag_of(type(event.payload)).encode()
    return b'{"format":%d,"type":"%s",%s' % (FORMAT_VERSION, tag, _ENCODER.encode(event)[1:])


def decode_event(line: bytes | str, *, lineno: int | None = None) -> Event[Any]:
    """Decode one line; :class:`~seve.errors.DecodeError` lists every problem in it."""
    decoders = _decoders(len(payload_types()))
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
        if line.strip():
            yield decode_event(line, lineno=lineno)


def read_events(lines: Iterable[bytes | str]) -> tuple[list[Event[Any]], list[Problem]]:
    """Decode every line, collecting the events and every problem of every bad line."""
    events: list[Event[Any]] = []
    problems: list[Problem] = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
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
