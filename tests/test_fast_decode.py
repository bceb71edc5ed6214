"""The fast path of decode_event builds exactly what the reference path builds.

``decode_event`` decodes a line into the *fast mirror* (msgspec Structs), then a
builder generated from the model (``seve.serialization._build``) makes the frozen
attrs objects and runs the model's checks.  When the builder cannot prove a line
valid, the *reference path* decides: the strict mirror, msgspec's decoder of
``Event[Payload]`` with attrs' validators, then the diagnosis.  These tests hold the
fast path to the reference, value for value and problem for problem.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import typing
from decimal import Decimal
from typing import Any

import attrs
import msgspec
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from seve import DecodeError, Event
from seve.model import StreamKind, event_type, payload_types
from seve.model._base import (
    DATE_RANGE_KEY,
    FieldError,
    date_range,
    identifier,
    non_empty,
    positive_decimal,
)
from seve.serialization import _build, _jsonl, decode_event, encode_event
from seve.testing.strategies import events, from_model

_TAGS = sorted(payload_types())


def _fast(line: bytes | str) -> Event[Any]:
    """The builder alone (raises when it cannot prove the line valid)."""
    event: Event[Any] = _jsonl._decoders().fast.decode(line).build()
    return event


def _reference(line: bytes | str) -> Event[Any] | tuple[Any, ...]:
    """What decode_event gave before the builder: strict mirror, typed decoder, diagnosis."""
    try:
        return _jsonl._reference(_jsonl._decoders(), line, 7)
    except DecodeError as exc:
        return exc.problems


def _decoded(line: bytes | str) -> Event[Any] | tuple[Any, ...]:
    try:
        return decode_event(line, lineno=7)
    except DecodeError as exc:
        return exc.problems


def _types(value: Any) -> list[type]:
    """The classes of every object in a decoded value, depth first."""
    found = [type(value)]
    if attrs.has(type(value)):
        for f in attrs.fields(type(value)):
            found += _types(getattr(value, f.name))
    elif isinstance(value, tuple | frozenset):
        for item in sorted(value, key=repr):
            found += _types(item)
    return found


def _same(fast: Any, reference: Any) -> None:
    assert fast == reference
    assert repr(fast) == repr(reference)  # decimals keep their digits, instants their offset
    assert _types(fast) == _types(reference)


@pytest.mark.parametrize("tag", _TAGS)
@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_the_builder_builds_every_valid_event_as_the_reference(
    tag: str, data: st.DataObject
) -> None:
    event = data.draw(events(from_model(payload_types()[tag])))
    line = encode_event(event)
    built = _fast(line)  # it never hands a line written by seve to the reference path
    _same(built, _reference(line))
    assert type(built) is Event
    assert type(built.payload) is payload_types()[tag]
    assert attrs.evolve(built) == built  # a real frozen instance: evolve runs the validators
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.id = "other"  # type: ignore[misc]


def test_the_builder_builds_every_line_of_the_synthetic_log() -> None:
    """The benchmark's log never leaves the fast path (a guard for its figures)."""
    from seve.testing.synthetic import generate, scenario_for_events

    for event in generate(scenario_for_events(400, seed=5)):
        line = encode_event(event)
        _same(_fast(line), _reference(line))


_TRICKY_TEXTS = st.sampled_from(
    [
        "",
        " ",
        "\u00a0",
        "\u2028",
        "a b",
        "-a",
        ".a",
        "a" * 128,
        "a" * 129,
        "é",
        "٣",  # an Arabic-Indic digit: a digit to str.isdigit, not to the model
        "Ａ",  # a fullwidth letter: alphanumeric to str.isalnum, not ASCII
        "a\n",
        "parcours:",
        "parcours:p 1",
        "siae:x",
        "unknown:x",
        "12",
        "-0",
        "-0.00",
        "-1",
        "1e3",
        "1E-7",
        "0.0000001",
        "01.50",
        " 12",
        "12 ",
        "NaN",
        "Infinity",
        "١٢",
        "2025-03-01",
        "2025-03-02",
        "2025-03-01T09:00:00",
        "2025-03-01T09:00:00+01:00",
        "2025-03-01T09:00:00Z",
    ]
)
_VALUES = st.one_of(
    _TRICKY_TEXTS,
    st.text(max_size=6),
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.sampled_from([1.5, -0.0, 95.5, 1e300]),
    st.lists(_TRICKY_TEXTS, max_size=2),
)


def _mutate(obj: Any, data: st.DataObject) -> Any:
    """Replace, drop or add one field somewhere in a decoded JSON object."""
    target = obj
    while True:
        children = [k for k, v in target.items() if isinstance(v, dict)]
        if not children or data.draw(st.booleans()):
            break
        target = target[data.draw(st.sampled_from(sorted(children)))]
    action = data.draw(st.sampled_from(["replace", "replace", "drop", "add"]))
    keys = sorted(target)
    assume(keys or action == "add")
    if action == "drop":
        del target[data.draw(st.sampled_from(keys))]
    elif action == "add":
        target[data.draw(st.sampled_from(["x", "id", "Format"]))] = data.draw(_VALUES)
    else:
        target[data.draw(st.sampled_from(keys))] = data.draw(_VALUES)
    return obj


@pytest.mark.parametrize("tag", _TAGS)
@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_mutated_lines_get_the_reference_outcome(tag: str, data: st.DataObject) -> None:
    event = data.draw(events(from_model(payload_types()[tag])))
    obj = _mutate(json.loads(encode_event(event)), data)
    line = json.dumps(obj, ensure_ascii=data.draw(st.booleans()))
    decoded, reference = _decoded(line), _reference(line)
    if isinstance(reference, tuple):
        assert decoded == reference  # the same problems, in the same order
    else:
        _same(decoded, reference)
    try:
        built = _fast(line)
    except Exception:  # the builder may refuse what it cannot prove
        return
    _same(built, reference)  # what the builder accepts, the reference accepts


@given(st.text(max_size=12) | _TRICKY_TEXTS)
def test_identifiers_and_streams_are_checked_as_the_validators_check_them(text: str) -> None:
    obj = json.loads(encode_event(_an_event()))
    for field in ("id", "recorded_by", "stream"):
        line = json.dumps({**obj, field: text})
        decoded, reference = _decoded(line), _reference(line)
        assert decoded == reference
        # and a second time, now that the value may be remembered
        assert _decoded(line) == reference


@given(st.text(max_size=8) | _TRICKY_TEXTS, st.sampled_from(["contract", "hours", "month"]))
def test_decimals_dates_and_references_are_checked_as_the_validators_check_them(
    text: str, field: str
) -> None:
    obj = json.loads(encode_event(_an_event()))
    obj["payload"]["hours"][field] = text
    line = json.dumps(obj)
    assert _decoded(line) == _reference(line)


def _an_event() -> Event[Any]:
    line = (
        b'{"format":1,"type":"hours_worked","id":"01HNHYAYM0000000ACGZX3NE07",'
        b'"occurred_at":"2024-02-01T10:00:00+01:00","payload":{"hours":{"contract":'
        b'"contrat-000002-1","hours":"95.50","month":"2024-01-01"}},'
        b'"recorded_at":"2024-02-01T10:22:00+01:00","recorded_by":"staff-001",'
        b'"stream":"parcours:p-000002"}'
    )
    return decode_event(line)


def test_a_decimal_written_as_a_number_keeps_its_digits() -> None:
    """The builder leaves JSON numbers to msgspec's typed decoder (it keeps the digits)."""
    obj = json.loads(encode_event(_an_event()))
    obj["payload"]["hours"]["hours"] = 95.50
    line = json.dumps(obj).replace("95.5", "95.50")
    with pytest.raises(_build.Refused):
        _fast(line)
    event = decode_event(line)
    assert repr(event.payload.hours.hours) == "Decimal('95.50')"
    _same(event, _reference(line))


def test_a_remembered_value_does_not_open_the_door_to_others() -> None:
    obj = json.loads(encode_event(_an_event()))
    for _ in range(2):
        assert isinstance(_decoded(json.dumps(obj)), Event)
    assert _build._memory(identifier)
    bad = json.dumps({**obj, "recorded_by": "staff 001"})
    assert [p.code for p in _decoded(bad)] == ["format.identifiant"]  # type: ignore[union-attr]


def test_memories_stay_bounded() -> None:
    obj = json.loads(encode_event(_an_event()))
    memory = _build._memory(attrs.fields(Event).stream.validator)
    for i in range(_build.MEMORY + 10):
        obj["stream"] = f"parcours:p-{i}"
        decode_event(json.dumps(obj))
        assert len(memory) <= _build.MEMORY


# -- builders for classes seve's model does not have (yet) ---------------------------------


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


CALLS: list[tuple[Any, str, Any]] = []


def _custom(inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A validator the builder knows nothing of: it must be called, as attrs calls it."""
    CALLS.append((inst, attribute.name, value))
    if value == "refused":
        raise FieldError("test.custom", "refusé")


@attrs.frozen(kw_only=True)
class Inner:
    label: str = attrs.field(validator=non_empty)
    amount: Decimal | None = attrs.field(
        default=None, validator=attrs.validators.optional(positive_decimal)
    )


@attrs.frozen(kw_only=True)
class Sample:
    code: str = attrs.field(validator=_custom)
    start: dt.date
    end: dt.date | None = attrs.field(default=None, validator=date_range("start", "end"))
    colours: frozenset[Colour] = attrs.field(factory=frozenset)
    inners: tuple[Inner, ...] = ()
    maybe: Inner | None = None
    refs: tuple[str, ...] = attrs.field(
        default=(), validator=attrs.validators.deep_iterable(identifier)
    )
    when: dt.datetime | None = None


@attrs.frozen(kw_only=True)
class WithPostInit:
    code: str

    def __attrs_post_init__(self) -> None:
        pass


def _sample_decoder(cls: type) -> msgspec.json.Decoder[Any]:
    namespace = {"build": _jsonl._builder(cls)}
    cache: dict[Any, Any] = {Decimal: _jsonl._ANY_DECIMAL}
    return msgspec.json.Decoder(_jsonl._envelope("sample", cls, cache, namespace=namespace))


def _sample_line(**payload: Any) -> bytes:
    obj = json.loads(encode_event(_an_event()))
    obj["type"] = "sample"
    obj["payload"] = payload
    return json.dumps(obj).encode()


def test_a_builder_runs_unknown_validators_as_attrs_does() -> None:
    decoder = _sample_decoder(Sample)
    CALLS.clear()
    event = decoder.decode(_sample_line(code="ok", start="2025-01-01")).build()
    ((inst, name, value),) = CALLS
    assert event.payload == Sample(code="ok", start=dt.date(2025, 1, 1))
    assert type(event.payload) is Sample
    assert inst is event.payload
    assert (name, value) == ("code", "ok")
    with pytest.raises(FieldError):
        decoder.decode(_sample_line(code="refused", start="2025-01-01")).build()


def test_a_builder_applies_defaults_and_builds_nested_values() -> None:
    decoder = _sample_decoder(Sample)
    payload = {
        "code": "x",
        "start": "2025-01-01",
        "end": "2025-02-01",
        "colours": ["red", "blue", "red"],
        "inners": [{"label": "a", "amount": "1.50"}, {"label": "b"}],
        "maybe": {"label": "c", "amount": None},
        "refs": ["r-1", "r:2"],
        "when": "2025-01-01T10:00:00+01:00",
    }
    built = decoder.decode(_sample_line(**payload)).build().payload
    assert built == Sample(
        code="x",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 2, 1),
        colours=frozenset({Colour.RED, Colour.BLUE}),
        inners=(Inner(label="a", amount=Decimal("1.50")), Inner(label="b")),
        maybe=Inner(label="c"),
        refs=("r-1", "r:2"),
        when=dt.datetime(2025, 1, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    )
    assert [type(i) for i in built.inners] == [Inner, Inner]


@pytest.mark.parametrize(
    "payload",
    [
        {"code": "x", "start": "2025-01-02", "end": "2025-01-01"},  # date_range
        {"code": "x", "start": "2025-01-01", "inners": [{"label": " "}]},  # non_empty
        {"code": "x", "start": "2025-01-01", "maybe": {"label": "a", "amount": "-1"}},
        {"code": "x", "start": "2025-01-01", "maybe": {"label": "a", "amount": "1e3"}},
        {"code": "x", "start": "2025-01-01", "maybe": {"label": "a", "amount": 1}},
        {"code": "x", "start": "2025-01-01", "refs": ["ok", "not ok"]},  # deep_iterable
    ],
)
def test_a_builder_refuses_what_it_cannot_prove(payload: dict[str, Any]) -> None:
    decoder = _sample_decoder(Sample)
    shape = decoder.decode(_sample_line(**payload))
    with pytest.raises(_build.Refused):
        shape.build()


def test_negative_zero_is_a_positive_decimal_on_both_paths() -> None:
    decoder = _sample_decoder(Sample)
    payload = {"code": "x", "start": "2025-01-01", "maybe": {"label": "a", "amount": "-0.0"}}
    built = decoder.decode(_sample_line(**payload)).build().payload
    assert built.maybe == Inner(label="a", amount=Decimal("-0.0"))


def test_classes_the_builder_does_not_handle_keep_the_reference_path() -> None:
    with pytest.raises(TypeError, match="__attrs_post_init__"):
        _build.event_builder(WithPostInit)
    shape = _sample_decoder(WithPostInit).decode(_sample_line(code="x"))
    with pytest.raises(_build.Refused):
        shape.build()


def test_a_new_event_type_gets_a_builder(monkeypatch: pytest.MonkeyPatch) -> None:
    from seve.model import _events

    monkeypatch.setattr(_events, "_PAYLOADS", dict(_events._PAYLOADS))
    monkeypatch.setattr(_events, "_TAGS", dict(_events._TAGS))
    monkeypatch.setattr(_events, "_KINDS", dict(_events._KINDS))
    monkeypatch.setattr(_jsonl, "_TYPES", _events.payload_types())
    monkeypatch.setattr(_jsonl, "_current", [])
    line = _sample_line(code="x", start="2025-01-01")
    with pytest.raises(DecodeError):  # not registered yet
        decode_event(line)
    made_before = _jsonl._current[0]
    event_type("sample", stream=StreamKind.PARCOURS)(Sample)
    _same(_fast(line), _reference(line))
    assert decode_event(line).payload == Sample(code="x", start=dt.date(2025, 1, 1))
    assert _jsonl._current[0] is not made_before  # made again for the new event type


def test_date_range_checks_name_their_fields() -> None:
    check = date_range("start", "end")
    assert vars(check)[DATE_RANGE_KEY] == ("start", "end")


def test_the_writable_classes_share_the_layout_of_the_model() -> None:
    for cls in (Event, Sample, Inner):
        writable = _build._writable(cls)
        assert writable.__basicsize__ == cls.__basicsize__
        assert typing.get_type_hints(writable) == typing.get_type_hints(cls)
