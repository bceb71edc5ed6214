"""JSON and JSON Lines: round trips, strictness, and the fast and slow paths agreeing."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from seve import DecodeError, Event, Problem
from seve.model import Contract, PassIae, Siae, SituationAtEntry
from seve.serialization import (
    converter,
    decode_event,
    dump_events,
    encode_event,
    iter_events,
    read_events,
    structure_event,
    unstructure_event,
)
from seve.serialization._converter import Problems
from seve.testing.strategies import events, from_model

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def _decode(line: str) -> Event[Any] | tuple[Problem, ...]:
    """The event, or the problems of the line (so tests can assert outside ``except``)."""
    try:
        return decode_event(line)
    except DecodeError as exc:
        return exc.problems


def _slow(obj: Any) -> Event[Any] | None:
    try:
        return structure_event(obj)
    except Problems:
        return None


@given(events())
def test_event_round_trips_through_json_lines(event: Event[Any]) -> None:
    line = encode_event(event)
    assert decode_event(line) == event
    assert json.loads(line) == unstructure_event(event)
    assert structure_event(json.loads(line)) == event


@given(events())
def test_encoding_is_canonical(event: Event[Any]) -> None:
    line = encode_event(event)
    assert line.startswith(b'{"format":1,"type":"')
    assert encode_event(decode_event(line)) == line


@pytest.mark.parametrize("cls", [Siae, Contract, PassIae, SituationAtEntry])
@given(data=st.data())
def test_model_values_round_trip_through_the_converter(cls: type, data: st.DataObject) -> None:
    value = data.draw(from_model(cls))
    assert converter.structure(converter.unstructure(value), cls) == value


@given(json_values)
def test_arbitrary_json_only_raises_seve_errors(value: Any) -> None:
    result = _decode(json.dumps(value))
    if isinstance(result, tuple):
        assert result
        assert all(p.code != "format.incoherent" for p in result)


@given(events(), st.data())
def test_fast_and_slow_paths_agree_on_mutated_events(
    event: Event[Any], data: st.DataObject
) -> None:
    obj = json.loads(encode_event(event))
    target = obj
    # walk down to a random nested object, then damage it
    while True:
        children = [k for k, v in target.items() if isinstance(v, dict)]
        if not children or data.draw(st.booleans()):
            break
        target = target[data.draw(st.sampled_from(sorted(children)))]
    action = data.draw(st.sampled_from(["drop", "add", "replace"]))
    keys = sorted(target)
    assume(keys or action == "add")
    if action == "drop":
        del target[data.draw(st.sampled_from(keys))]
    elif action == "add":
        target[data.draw(st.text(min_size=1, max_size=8))] = data.draw(json_values)
    else:
        target[data.draw(st.sampled_from(keys))] = data.draw(json_values)
    line = json.dumps(obj)
    slow = _slow(json.loads(line, parse_float=Decimal))
    fast = _decode(line)
    if isinstance(fast, tuple):
        assert slow is None, f"fast path refused what the slow path accepts: {fast}"
        assert all(p.code != "format.incoherent" for p in fast)
    else:
        assert fast == slow


def _line(**changes: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "format": 1,
        "type": "contract_renewed",
        "id": "e-1",
        "stream": "parcours:p-1",
        "occurred_at": "2025-03-01T09:00:00+01:00",
        "recorded_at": "2025-03-01T09:05:00+01:00",
        "recorded_by": "staff-1",
        "payload": {"contract": "c-1", "end": "2025-09-30"},
    }
    obj.update(changes)
    return obj


def _problems(obj: Any) -> dict[str, str]:
    with pytest.raises(DecodeError) as info:
        decode_event(obj if isinstance(obj, str) else json.dumps(obj), lineno=7)
    assert all(p.line == 7 for p in info.value.problems)
    assert all(p.message for p in info.value.problems)
    return {".".join(map(str, p.path)): p.code for p in info.value.problems}


def test_a_valid_line_decodes() -> None:
    event = decode_event(json.dumps(_line()))
    assert event.payload.contract == "c-1"
    assert event.type == "contract_renewed"


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ("{not json", {"": "format.json"}),
        (_line(format=2), {"format": "format.version"}),
        (_line(type="embauche_magique"), {"type": "format.type_inconnu"}),
        (_line(extra=1), {"extra": "format.champ_inconnu"}),
        (_line(id=12), {"id": "format.type"}),
        (_line(id="un id"), {"id": "format.identifiant"}),
        (_line(stream="p-1"), {"stream": "format.flux_invalide"}),
        (_line(occurred_at="2025-03-01T09:00:00"), {"occurred_at": "format.fuseau_manquant"}),
        (_line(payload={"contract": "c-1", "end": "2025-02-31"}), {"payload.end": "format.date"}),
        (_line(payload={"contract": "c-1"}), {"payload.end": "format.champ_manquant"}),
        (
            _line(payload={"contract": "c-1", "end": "2025-09-30", "derogation": "toujours"}),
            {"payload.derogation": "format.valeur_inconnue"},
        ),
    ],
)
def test_bad_lines_give_typed_french_problems(obj: Any, expected: dict[str, str]) -> None:
    assert _problems(obj) == expected


def test_every_problem_of_a_line_is_reported_at_once() -> None:
    obj = _line(id=3, recorded_by="", extra=True, payload={"contract": 5, "end": "hier"})
    assert _problems(obj) == {
        "extra": "format.champ_inconnu",
        "id": "format.type",
        "recorded_by": "format.identifiant",
        "payload.contract": "format.type",
        "payload.end": "format.date",
    }


def test_validators_report_siret_and_date_ranges_with_paths() -> None:
    siae = {
        "id": "siae-1",
        "kind": "aci",
        "siret": "73282932000075",
        "name": "Les Jardins",
        "territory": "Valence",
    }
    obj = _line(type="siae_registered", stream="siae:siae-1", payload={"siae": siae})
    assert _problems(obj) == {"payload.siae.siret": "siret.invalide"}
    suspension = {"start": "2025-05-01", "end": "2025-04-01", "reason": "contrat_rompu"}
    obj = _line(type="pass_suspended", payload={"suspension": suspension})
    assert _problems(obj) == {"payload.suspension.end": "format.dates_inversees"}


def test_siret_problem_carries_its_source() -> None:
    with pytest.raises(Problems) as info:
        converter.structure(
            {"id": "s", "kind": "ei", "siret": "1234", "name": "X", "territory": "Y"}, Siae
        )
    (problem,) = info.value.problems
    assert problem.legal is not None
    assert "SIRET" in problem.message


@given(st.lists(events(), max_size=5))
def test_files_round_trip(evts: list[Event[Any]]) -> None:
    buffer = io.BytesIO()
    assert dump_events(evts, buffer) == len(evts)
    lines = buffer.getvalue().splitlines(keepends=True)
    assert list(iter_events(lines)) == evts
    assert read_events([b"\n", *lines]) == (evts, [])


def test_read_events_collects_problems_with_line_numbers() -> None:
    good = json.dumps(_line())
    events_, problems = read_events([good, "", "[]", good.replace('"c-1"', "1")])
    assert len(events_) == 1
    assert [(p.line, p.code) for p in problems] == [(3, "format.type"), (4, "format.type")]


def test_iter_events_stops_at_the_first_bad_line() -> None:
    with pytest.raises(DecodeError) as info:
        list(iter_events([json.dumps(_line()), "{}"]))
    assert {p.line for p in info.value.problems} == {2}


@pytest.mark.parametrize("hours", ["2.6e1", "1,5", " 12", "12.5\n", "NaN", True, [1]])
def test_decimals_are_plain_numbers_in_both_paths(hours: Any) -> None:
    month = {"month": "2025-03-01", "contract": "c-1", "hours": hours}
    obj = _line(type="hours_worked", payload={"hours": month})
    assert set(_problems(obj).values()) <= {"format.nombre", "format.type"}
    assert _slow(obj) is None


def test_the_converter_raises_seve_decode_errors() -> None:
    with pytest.raises(DecodeError):
        converter.structure({"id": 1}, Siae)
