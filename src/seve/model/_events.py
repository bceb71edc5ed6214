"""The event log: every fact is an immutable, dated :class:`Event` in a stream.

An event is an envelope (id, stream, when it happened, when and by whom it was
recorded) around a typed *payload*.  Payload classes register themselves with
:func:`event_type`, which gives them their ``type`` tag in the JSON Lines format and
the kind of stream they belong to.  Adding an event type is a local change: its
class, its fold rule (next to it) and, if the defaults do not fit, its strategy.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final, Generic, TypeVar

from attrs import field, frozen

from ._base import PARIS, FieldError, LabelledEnum, aware, identifier, value_only
from ._ids import EventId, StaffId, StreamId

__all__ = [
    "Event",
    "StreamKind",
    "event_type",
    "local_date",
    "payload_types",
    "stream_id",
    "stream_kind",
    "stream_kind_of",
    "tag_of",
]

P = TypeVar("P", covariant=True)
T = TypeVar("T", bound=type)


class StreamKind(LabelledEnum):
    """What a stream is about: one parcours, one employer or one structure."""

    PARCOURS = ("parcours", "Parcours d'un·e salarié·e")
    EMPLOYER = ("employer", "Employeur")
    SIAE = ("siae", "Structure")


def stream_id(kind: StreamKind, key: str) -> StreamId:
    """The id of the stream of ``kind`` for the entity ``key``: ``"parcours:p-1"``."""
    return StreamId(f"{kind.value}:{key}")


def stream_kind(stream: StreamId) -> StreamKind:
    """The kind of a stream, from its id; :class:`ValueError` if it has none."""
    prefix, sep, _key = stream.partition(":")
    if not sep:
        raise ValueError(stream)
    return StreamKind.from_code(prefix)


def local_date(instant: dt.datetime) -> dt.date:
    """The day an instant falls on in Europe/Paris (where the SIAE lives)."""
    return instant.astimezone(PARIS).date()


_STREAM: Final = re.compile(
    "(?:" + "|".join(re.escape(k.value) for k in StreamKind) + r"):[A-Za-z0-9._:@-]*"
)


@value_only
def _valid_stream(_inst: object, attribute: Any, value: Any) -> None:
    if isinstance(value, str) and len(value) <= 128 and _STREAM.fullmatch(value) is not None:
        return  # the common case, in one regular expression (it is on the hot path)
    identifier(_inst, attribute, value)
    assert isinstance(value, str)
    try:
        stream_kind(StreamId(value))
    except ValueError:
        kinds = ", ".join(f"{k.value}:" for k in StreamKind)
        raise FieldError(
            "format.flux_invalide", f"flux invalide {value!r} : il doit commencer par {kinds}"
        ) from None


@frozen(kw_only=True)
class Event(Generic[P]):
    """One fact of the log.

    :param id: unique id of the event (any opaque string; seve's generator uses ULIDs).
    :param stream: the stream it belongs to (see :func:`stream_id`).
    :param occurred_at: when it happened, with its offset (Europe/Paris by default).
    :param recorded_at: when it was recorded, with its offset.
    :param recorded_by: the permanent·e who recorded it.
    :param payload: what happened; its class gives the event its type.
    """

    id: EventId = field(validator=identifier)
    stream: StreamId = field(validator=_valid_stream)
    occurred_at: dt.datetime = field(validator=aware)
    recorded_at: dt.datetime = field(validator=aware)
    recorded_by: StaffId = field(validator=identifier)
    payload: P

    @property
    def type(self) -> str:
        """The payload's type tag, as written in the ``type`` field of JSON Lines."""
        return tag_of(type(self.payload))

    @property
    def day(self) -> dt.date:
        """The day it happened, in Europe/Paris."""
        return local_date(self.occurred_at)


_PAYLOADS: dict[str, type] = {}
_TAGS: dict[type, str] = {}
_KINDS: dict[type, StreamKind] = {}


def event_type(tag: str, *, stream: StreamKind) -> Callable[[T], T]:
    """Register a payload class under a ``type`` tag, for one kind of stream.

    Tags are stable: they are the ``type`` of each line in JSON Lines files.
    Registering a tag twice is an error (two plugins would fight over it).
    """

    def register(cls: T) -> T:
        if tag in _PAYLOADS and _PAYLOADS[tag] is not cls:
            raise ValueError(f"event type {tag!r} is already registered by {_PAYLOADS[tag]!r}")
        _PAYLOADS[tag] = cls
        _TAGS[cls] = tag
        _KINDS[cls] = stream
        return cls

    return register


def payload_types() -> Mapping[str, type]:
    """Every registered payload class by its tag (read-only view)."""
    return MappingProxyType(_PAYLOADS)


def tag_of(cls: type) -> str:
    """The tag of a registered payload class."""
    return _TAGS[cls]


def stream_kind_of(cls: type) -> StreamKind:
    """The kind of stream a payload class belongs to."""
    return _KINDS[cls]
