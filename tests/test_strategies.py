"""Tests of the strategies themselves (seve.testing.strategies).

Plugin authors build their contract tests on these strategies: they must cover
every type, and every value they draw must be valid.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

import seve.model as model
from seve.model import (
    PARIS,
    Contract,
    ContractKind,
    ContractSuspended,
    Event,
    Frein,
    MonthlyHours,
    MotifTable,
    PassIae,
    PassProlongation,
    PassSuspension,
    SalarieId,
    Siret,
    SortieMotif,
    StreamKind,
    payload_types,
    siret_problem,
    stream_kind,
    stream_kind_of,
)
from seve.testing.strategies import (
    aware_datetimes,
    dates,
    events,
    from_model,
    identifiers,
    payloads,
    sirets,
    strategy_for,
)

MODEL_CLASSES = sorted(
    (v for v in vars(model).values() if isinstance(v, type) and attrs.has(v)),
    key=lambda cls: cls.__name__,
)
PAYLOADS = sorted(payload_types().items())
ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,11}")
#: To find one kind of value among many: no database, no health check, no shrinking.
SEARCH = settings(
    max_examples=2_000,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
    deadline=None,
)


def validate_deep(value: Any) -> None:
    """Run the validators of ``value`` and of every attrs instance inside it."""
    if attrs.has(cls := type(value)):
        attrs.validate(value)
        for field in attrs.fields(cls):
            validate_deep(getattr(value, field.name))
    elif isinstance(value, tuple | frozenset | list):
        for item in value:
            validate_deep(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            validate_deep(item)


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
@settings(max_examples=10)
@given(data=st.data())
def test_every_model_class_is_generated_valid(cls: type, data: st.DataObject) -> None:
    value = data.draw(from_model(cls))
    assert isinstance(value, cls)
    validate_deep(value)


@pytest.mark.parametrize(("tag", "cls"), PAYLOADS, ids=[tag for tag, _ in PAYLOADS])
def test_payloads_draws_every_registered_type(tag: str, cls: type) -> None:
    found = find(payloads(), lambda p: type(p) is cls, settings=SEARCH)
    validate_deep(found)


def test_payload_types_are_all_covered() -> None:
    assert len(PAYLOADS) >= 20  # the model's own event types, at least


@pytest.mark.parametrize("kind", list(StreamKind), ids=lambda k: k.value)
@settings(max_examples=20)
@given(data=st.data())
def test_payloads_of_one_kind(kind: StreamKind, data: st.DataObject) -> None:
    assert stream_kind_of(type(data.draw(payloads(kind)))) is kind


@given(events())
def test_events_are_valid_and_in_a_stream_of_their_kind(event: Event[Any]) -> None:
    validate_deep(event)
    assert stream_kind(event.stream) is stream_kind_of(type(event.payload))
    assert event.type in payload_types()
    assert event.occurred_at <= event.recorded_at


@given(events(from_model(MonthlyHours).map(lambda h: model.HoursWorked(hours=h))))
def test_events_with_a_given_payload(event: Event[model.HoursWorked]) -> None:
    assert isinstance(event.payload, model.HoursWorked)
    assert event.stream.startswith("parcours:")


@given(from_model(Event))
def test_from_model_event_is_events(event: Event[Any]) -> None:
    validate_deep(event)
    assert type(event.payload) in payload_types().values()


@given(identifiers())
def test_identifiers(value: str) -> None:
    assert ID.fullmatch(value)


@given(sirets())
def test_sirets_are_valid(value: str) -> None:
    assert siret_problem(value) is None


def test_sirets_include_la_poste() -> None:
    found = find(sirets(), lambda s: s.startswith("356000000"), settings=SEARCH)
    assert siret_problem(found) is None


@given(aware_datetimes())
def test_aware_datetimes(value: dt.datetime) -> None:
    assert value.utcoffset() is not None
    assert dt.date(2014, 12, 31) <= value.date() <= dt.date(2036, 1, 1)


def test_aware_datetimes_include_paris() -> None:
    find(aware_datetimes(), lambda d: d.tzinfo is PARIS, settings=SEARCH)


@given(dates())
def test_dates(value: dt.date) -> None:
    assert dt.date(2015, 1, 1) <= value <= dt.date(2035, 12, 31)


def test_text_includes_french_accents() -> None:
    found = find(
        from_model(model.Prescripteur), lambda p: any(c in "éèàçô" for c in p.name), settings=SEARCH
    )
    assert found.name.strip()


# -- overrides -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cls",
    [Contract, PassSuspension, PassProlongation, PassIae, ContractSuspended],
    ids=lambda c: c.__name__,
)
@settings(max_examples=20)
@given(data=st.data())
def test_spans_end_on_or_after_start(cls: type, data: st.DataObject) -> None:
    value = data.draw(from_model(cls))
    assert value.start <= value.end


@given(from_model(MonthlyHours))
def test_monthly_hours_on_the_first(value: MonthlyHours) -> None:
    assert value.month.day == 1


@given(from_model(Frein))
def test_freins_lifted_after_identified(frein: Frein) -> None:
    assert frein.lifted_on is None or frein.lifted_on >= frein.identified_on


@settings(max_examples=10)
@given(from_model(MotifTable))
def test_motif_tables_are_complete(table: MotifTable) -> None:
    assert table.categories.keys() == set(SortieMotif)


@given(
    from_model(
        Contract,
        kind=st.just(ContractKind.CDDI),
        start=st.just(dt.date(2025, 3, 1)),
        end=st.just(dt.date(2025, 8, 31)),
    )
)
def test_from_model_fields_replace_strategies(contract: Contract) -> None:
    assert contract.kind is ContractKind.CDDI
    assert contract.start == dt.date(2025, 3, 1)


# -- the generic resolver, on classes outside the model -----------------------------------


@attrs.frozen
class Everything:
    salarie: SalarieId
    siret: Siret
    motif: SortieMotif
    day: dt.date
    instant: dt.datetime
    hours: Decimal
    text: str
    flag: bool
    count: int
    maybe: SalarieId | None
    many: tuple[SortieMotif, ...]
    pair: tuple[int, str]
    bag: frozenset[int]
    table: Mapping[SalarieId, int]
    choice: Literal["a", "b"]
    nested: MonthlyHours


@given(from_model(Everything))
def test_generic_resolver(value: Everything) -> None:
    assert ID.fullmatch(value.salarie)
    assert siret_problem(value.siret) is None
    assert isinstance(value.motif, SortieMotif)
    assert value.instant.utcoffset() is not None
    assert value.hours >= 0
    assert value.hours == value.hours.quantize(Decimal("0.01"))
    assert value.text.strip()
    assert value.maybe is None or ID.fullmatch(value.maybe)
    assert all(isinstance(m, SortieMotif) for m in value.many)
    assert isinstance(value.pair[0], int)
    assert isinstance(value.pair[1], str)
    assert all(isinstance(i, int) for i in value.bag)
    assert all(ID.fullmatch(k) for k in value.table)
    assert value.choice in ("a", "b")
    assert value.nested.month.day == 1


@attrs.frozen
class Window:
    opens: dt.date
    closes: dt.date = attrs.field()

    @closes.validator
    def _check(self, _attribute: object, closes: dt.date) -> None:
        if closes < self.opens:
            raise ValueError("closes before it opens")


@attrs.frozen
class Holder:
    window: Window


@strategy_for(Window)
@st.composite
def _windows(draw: st.DrawFn) -> Window:
    opens = draw(dates())
    return Window(opens=opens, closes=opens + dt.timedelta(days=draw(st.integers(0, 9))))


@given(from_model(Holder))
def test_strategy_for_is_used_for_nested_fields(holder: Holder) -> None:
    assert holder.window.opens <= holder.window.closes


def test_from_model_refuses_an_unknown_field() -> None:
    with pytest.raises(TypeError, match="no field"):
        from_model(MonthlyHours, minutes=st.just(1))


def test_from_model_refuses_a_class_that_is_not_attrs() -> None:
    with pytest.raises(TypeError, match="not an attrs class"):
        from_model(Decimal)


def test_unsupported_annotation_points_to_strategy_for() -> None:
    @attrs.frozen
    class Odd:
        value: complex

    with pytest.raises(TypeError, match=r"Odd\.value.*strategy_for"):
        from_model(Odd)
