"""Hypothesis strategies for every model type and every event type.

Every value drawn is a valid instance: it went through its class's validators.
Most classes need nothing special: :func:`from_model` walks their attrs fields and
picks a strategy for each annotation.  Classes whose fields constrain each other
(an end that must not precede its start, a month given by its first day) have an
override, registered with :func:`strategy_for`; a plugin registers its own the
same way, so that adding an event type changes nothing here.

>>> from hypothesis import given
>>> from seve.testing.strategies import events
>>> @given(events())
... def test_round_trip(event): ...

Requires the ``testing`` extra (``pip install seve[testing]``).
"""

from __future__ import annotations

import datetime as dt
import enum
import types
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import (
    Annotated,
    Any,
    Final,
    Literal,
    NewType,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
    get_type_hints,
    overload,
)

import attrs
from hypothesis import strategies as st

from seve.model import (
    PARIS,
    Channel,
    ClockTime,
    Company,
    Contract,
    ContractSuspended,
    ContractSuspension,
    Event,
    EventId,
    Frein,
    MonthlyHours,
    MotifTable,
    Offer,
    PassIae,
    PassProlongation,
    PassSuspension,
    PmsmpConvention,
    RomeCode,
    Siret,
    SortieCategory,
    SortieMotif,
    StaffId,
    StreamId,
    StreamKind,
    luhn_key,
    payload_types,
    stream_id,
    stream_kind_of,
)

__all__ = [
    "aware_datetimes",
    "dates",
    "events",
    "from_model",
    "identifiers",
    "payloads",
    "sirets",
    "strategy_for",
]

T = TypeVar("T")
P = TypeVar("P")

Factory = Callable[[], st.SearchStrategy[T]]

_OVERRIDES: dict[object, Factory[Any]] = {}

_FIRST_DAY: Final = dt.date(2015, 1, 1)
_LAST_DAY: Final = dt.date(2035, 12, 31)
_ZONES: Final[tuple[dt.tzinfo, ...]] = (
    PARIS,
    dt.UTC,
    dt.timezone(dt.timedelta(hours=1)),
    dt.timezone(dt.timedelta(hours=2)),
    dt.timezone(dt.timedelta(hours=-3)),  # Guyane
    dt.timezone(dt.timedelta(hours=4)),  # La Réunion
)
_LA_POSTE: Final = "356000000"
_DIGITS: Final = "0123456789"
_FRENCH: Final = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "àâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊËÎÏÔÙÛÜŒÆ '’-·.,«»\u00a0\u202f"
)


def strategy_for(cls: type[T]) -> Callable[[Factory[T]], Factory[T]]:
    """Register the strategy of ``cls``: a decorator for a function without
    arguments that returns a strategy of ``cls`` instances.

    Use it for classes whose fields constrain each other; the function usually
    draws the constrained fields and hands the rest to :func:`from_model`::

        @strategy_for(Visit)
        @st.composite
        def _visits(draw: st.DrawFn) -> Visit:
            start = draw(aware_datetimes())
            end = start + draw(st.timedeltas(dt.timedelta(0), dt.timedelta(hours=4)))
            return draw(from_model(Visit, start=st.just(start), end=st.just(end)))

    Every strategy seve builds then uses it, wherever ``cls`` appears (as a
    payload, or as a field of another class).  A later registration for the same
    class replaces the earlier one.
    """

    def register(factory: Factory[T]) -> Factory[T]:
        _OVERRIDES[cls] = factory
        return factory

    return register


def from_model(cls: type[T], /, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[T]:
    """The strategy of the attrs class ``cls``.

    Without ``fields``, it is the strategy registered with :func:`strategy_for`
    if there is one.  Otherwise each field is drawn from a strategy chosen by its
    annotation (identifiers, SIRETs, enums, dates, aware datetimes, decimals,
    non-empty text, ``X | None``, tuples, frozensets, mappings, other attrs
    classes); ``fields`` gives the strategy of some fields by name, e.g.
    ``from_model(Contract, kind=st.just(ContractKind.CDDI), ...)``.  Giving
    fields bypasses the registered override: keep its constraints yourself.

    :raises TypeError: ``cls`` is not an attrs class, a field name is unknown, or
        an annotation has no strategy (register one with :func:`strategy_for`).
    """
    if not fields and cls in _OVERRIDES:
        return cast(st.SearchStrategy[T], _OVERRIDES[cls]())
    if not attrs.has(cast(type, cls)):  # (cast: narrowing would lose T)
        raise TypeError(f"{cls!r} is not an attrs class: register its strategy with strategy_for")
    hints = get_type_hints(cls, include_extras=True)
    model_fields = {a.name: a for a in attrs.fields(cast(Any, cls)) if a.init}
    unknown = fields.keys() - model_fields.keys()
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    kwargs = {
        a.alias: fields[name]
        if name in fields
        else _for_hint(hints[name], f"{cls.__name__}.{name}")
        for name, a in model_fields.items()
    }
    return st.builds(cls, **kwargs)


def identifiers() -> st.SearchStrategy[str]:
    """Identifiers as the model accepts them (``[A-Za-z0-9][A-Za-z0-9._:@-]*``),
    kept short (1 to 12 characters)."""
    return st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,11}", fullmatch=True)


def sirets() -> st.SearchStrategy[Siret]:
    """Valid SIRET numbers: 13 digits and their Luhn key, or La Poste's
    (SIREN 356000000, digit sum a multiple of 5)."""
    return st.one_of(_luhn_sirets(), _la_poste_sirets())


def dates() -> st.SearchStrategy[dt.date]:
    """Days from 2015 to 2035, the span every date field is drawn from."""
    return st.dates(_FIRST_DAY, _LAST_DAY)


def aware_datetimes() -> st.SearchStrategy[dt.datetime]:
    """Instants from 2015 to 2035 with their time zone: Europe/Paris (no
    non-existent local times), UTC, or a fixed offset (France and overseas).

    A Paris time in the hour repeated when clocks go back is given with its fixed
    offset instead: Python never finds such a time equal to the same instant in
    another zone (PEP 495), so a round trip through JSON, which keeps the offset,
    could not compare equal.
    """
    return st.datetimes(
        min_value=dt.datetime.combine(_FIRST_DAY, dt.time()),
        max_value=dt.datetime.combine(_LAST_DAY, dt.time(23, 59, 59)),
        timezones=st.sampled_from(_ZONES),
        allow_imaginary=False,
    ).map(_unambiguous)


def _unambiguous(value: dt.datetime) -> dt.datetime:
    offset = value.utcoffset()
    assert offset is not None
    if value.replace(fold=1 - value.fold).utcoffset() == offset:
        return value
    return value.astimezone(dt.timezone(offset))


def payloads(kind: StreamKind | None = None) -> st.SearchStrategy[Any]:
    """A payload of any registered event type (see :func:`seve.model.payload_types`),
    or only of those for streams of ``kind``.

    Types registered by plugins are included, as long as they are registered
    (their module imported) when this is called.
    """
    classes = [
        cls
        for _tag, cls in sorted(payload_types().items())
        if kind is None or stream_kind_of(cls) is kind
    ]
    return st.one_of([from_model(cls) for cls in classes])


@overload
def events(payload: None = None) -> st.SearchStrategy[Event[Any]]: ...
@overload
def events(payload: st.SearchStrategy[P]) -> st.SearchStrategy[Event[P]]: ...
def events(payload: st.SearchStrategy[Any] | None = None) -> st.SearchStrategy[Event[Any]]:
    """Events whose payload is drawn from ``payload`` (default :func:`payloads`).

    The stream is one of the payload's stream kind; ``recorded_at`` is
    ``occurred_at`` or up to 30 days later.  The payload class must be registered
    with :func:`seve.model.event_type`.
    """
    return _events(payloads() if payload is None else payload)


# -- building blocks ------------------------------------------------------------------------


@st.composite
def _events(draw: st.DrawFn, payload: st.SearchStrategy[P]) -> Event[P]:
    drawn = draw(payload)
    occurred = draw(aware_datetimes())
    delay = draw(st.timedeltas(dt.timedelta(0), dt.timedelta(days=30)))
    return Event(
        id=EventId(draw(identifiers())),
        stream=stream_id(stream_kind_of(type(drawn)), draw(identifiers())),
        occurred_at=occurred,
        recorded_at=occurred + delay,
        recorded_by=StaffId(draw(identifiers())),
        payload=drawn,
    )


def _texts() -> st.SearchStrategy[str]:
    alphabet = st.one_of(
        st.sampled_from(_FRENCH),
        st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")),
    )
    return st.text(alphabet, min_size=1, max_size=24).filter(str.strip)


def _luhn_sirets() -> st.SearchStrategy[Siret]:
    body = st.text(_DIGITS, min_size=13, max_size=13)
    return body.map(lambda b: Siret(b + luhn_key(b)))


@st.composite
def _la_poste_sirets(draw: st.DrawFn) -> Siret:
    body = _LA_POSTE + draw(st.text(_DIGITS, min_size=4, max_size=4))
    key = -sum(int(c) for c in body) % 5 + draw(st.sampled_from((0, 5)))
    return Siret(body + str(key))


_SCALARS: Final[Mapping[object, Factory[Any]]] = {
    bool: st.booleans,
    int: lambda: st.integers(min_value=0, max_value=10_000),
    str: _texts,
    Decimal: lambda: st.decimals(min_value=0, max_value=200, places=2),
    dt.date: dates,
    dt.datetime: aware_datetimes,
}


def _for_hint(hint: Any, where: str) -> st.SearchStrategy[Any]:
    try:
        factory = _OVERRIDES.get(hint) or _SCALARS.get(hint)
    except TypeError:  # unhashable, e.g. Annotated with unhashable metadata
        factory = None
    if factory is not None:
        return factory()
    origin, args = get_origin(hint), get_args(hint)
    if origin is Annotated:
        return _for_hint(args[0], where)
    if hint is None or hint is type(None):
        return st.none()
    if origin in (Union, types.UnionType):
        return st.one_of([_for_hint(arg, where) for arg in args])
    if origin is Literal:
        return st.sampled_from(args)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(_for_hint(args[0], where), max_size=3).map(tuple)
        return st.tuples(*(_for_hint(arg, where) for arg in args))
    if origin is frozenset:
        return st.frozensets(_for_hint(args[0], where), max_size=3)
    if origin in (list, Sequence):
        return st.lists(_for_hint(args[0], where), max_size=3)
    if origin in (dict, Mapping):
        return st.dictionaries(_for_hint(args[0], where), _for_hint(args[1], where), max_size=3)
    if isinstance(hint, NewType):
        supertype = hint.__supertype__
        return identifiers() if supertype is str else _for_hint(supertype, where)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(hint)
    if isinstance(hint, type) and attrs.has(hint):
        return st.deferred(lambda: from_model(hint))
    raise TypeError(f"no strategy for {where}: {hint!r}; register one with strategy_for")


# -- overrides for the model's cross-field constraints -------------------------------------


def _spans(cls: type[T], *, days: int = 800) -> Factory[T]:
    """The strategy of a class with ``start`` and ``end`` dates, end not before start."""

    @st.composite
    def spans(draw: st.DrawFn) -> T:
        start = draw(dates())
        end = start + dt.timedelta(days=draw(st.integers(0, days)))
        return draw(from_model(cls, start=st.just(start), end=st.just(end)))

    return spans


for _cls in (Contract, PassSuspension, PassProlongation, PassIae, ContractSuspension):
    strategy_for(_cls)(_spans(_cls))
strategy_for(PmsmpConvention)(_spans(PmsmpConvention, days=45))
# No validator requires it, but the parcours fold refuses a suspension that ends first.
strategy_for(ContractSuspended)(_spans(ContractSuspended, days=120))

strategy_for(Siret)(sirets)
strategy_for(StreamId)(lambda: st.builds(stream_id, st.sampled_from(StreamKind), identifiers()))
strategy_for(Event)(events)


@strategy_for(Company)
def _companies() -> st.SearchStrategy[Company]:
    return from_model(Company, naf=st.from_regex(r"[0-9]{2}\.[0-9]{2}[A-Z]", fullmatch=True))


@strategy_for(MonthlyHours)
def _monthly_hours() -> st.SearchStrategy[MonthlyHours]:
    return from_model(MonthlyHours, month=dates().map(lambda day: day.replace(day=1)))


@strategy_for(Frein)
@st.composite
def _freins(draw: st.DrawFn) -> Frein:
    identified = draw(dates())
    lifted = draw(st.none() | st.integers(0, 400).map(lambda d: identified + dt.timedelta(d)))
    return draw(from_model(Frein, identified_on=st.just(identified), lifted_on=st.just(lifted)))


@strategy_for(Offer)
@st.composite
def _offers(draw: st.DrawFn) -> Offer:
    start = draw(dates())
    end = start + dt.timedelta(days=draw(st.integers(0, 120)))
    return draw(from_model(Offer, search_start=st.just(start), search_end=st.just(end)))


@strategy_for(ClockTime)
def _clock_times() -> st.SearchStrategy[ClockTime]:
    return st.builds(
        lambda h, m: ClockTime(f"{h:02}:{m:02}"), st.integers(0, 23), st.integers(0, 59)
    )


@strategy_for(RomeCode)
def _rome_codes() -> st.SearchStrategy[RomeCode]:
    return st.from_regex(r"[A-N][0-9]{4}", fullmatch=True).map(RomeCode)


@strategy_for(Channel)
def _channels() -> st.SearchStrategy[Channel]:
    return st.sampled_from(["email", "sms", "whatsapp", "signal"]).map(Channel)


@strategy_for(MotifTable)
def _motif_tables() -> st.SearchStrategy[MotifTable]:
    complete = st.fixed_dictionaries({m: st.sampled_from(SortieCategory) for m in SortieMotif})
    return from_model(MotifTable, categories=complete)
