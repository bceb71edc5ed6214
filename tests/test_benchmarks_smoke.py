"""Smoke test of the decoding benchmark (benchmarks/): the peers and the checks, no timing.

The benchmark compares seve with pydantic v2 and msgspec models generated from seve's
model (``benchmarks/peers.py``); these tests keep the comparison honest: the three
decoders accept the same synthetic lines and refuse the same malformed one.  They
assert outcomes only: speed is measured by ``benchmarks/bench_decode.py``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import msgspec
import pytest

pydantic = pytest.importorskip("pydantic")  # the ``bench`` extra

from seve.errors import DecodeError  # noqa: E402
from seve.model import payload_types  # noqa: E402
from seve.serialization import decode_event  # noqa: E402

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))  # as when run as scripts: they import ``_common``


def _load(name: str) -> ModuleType:
    """Import ``benchmarks/<name>.py`` (not a package) under its bare name, as the script does."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


peers = _load("peers")
bench_decode = _load("bench_decode")


@pytest.fixture(scope="module")
def lines() -> list[bytes]:
    return bench_decode.synthetic_lines(300, seed=3)  # type: ignore[no-any-return]


def _with_unknown_field(line: bytes, where: str) -> bytes:
    obj = json.loads(line)
    if where == "payload":
        obj["payload"] = {"unknown": 1, **obj["payload"]}
    else:
        obj["unknown"] = 1
    return json.dumps(obj).encode()


def test_the_synthetic_log_has_many_event_types(lines: list[bytes]) -> None:
    assert len(lines) == 300
    assert len({json.loads(line)["type"] for line in lines}) >= 10


def test_every_decoder_accepts_every_line_and_seve_round_trips(lines: list[bytes]) -> None:
    bench_decode.check(lines)  # raises AssertionError on any disagreement


def test_the_peers_decode_the_same_values(lines: list[bytes]) -> None:
    adapter, decoder = peers.pydantic_adapter(), peers.msgspec_decoder()
    for line in lines:
        expected = json.loads(line)
        from_msgspec = json.loads(msgspec.json.encode(decoder.decode(line)))
        from_pydantic = adapter.dump_python(adapter.validate_json(line), mode="json")
        for got in (from_msgspec, from_pydantic):
            assert _normalized(got) == _normalized(expected)


def _normalized(value: Any) -> Any:
    """Compare JSON values up to the order of arrays (frozensets) and instant spellings."""
    if isinstance(value, dict):
        return {k: _normalized(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_normalized(v) for v in value), key=repr)
    if isinstance(value, str) and value.endswith("Z") and "T" in value:
        return value[:-1] + "+00:00"
    return value


def _model_classes() -> set[type]:
    """Every payload class and every attrs class nested in one, at any depth."""
    found: set[type] = set()
    todo: list[Any] = list(payload_types().values())
    while todo:
        tp = todo.pop()
        if attrs.has(tp) and tp not in found:
            found.add(tp)
            todo.extend(typing.get_type_hints(tp).values())
        todo.extend(typing.get_args(tp))
    return found


def test_the_peers_have_the_same_fields_and_defaults() -> None:
    classes = _model_classes()
    assert len(classes) > len(payload_types())
    for cls in classes:
        expected = {f.alias: _default(f.default) for f in attrs.fields(cls)}
        model = peers.pydantic_model(cls)
        assert {
            name: NO_DEFAULT
            if f.is_required()
            else (f.default_factory() if f.default_factory else f.default)
            for name, f in model.model_fields.items()
        } == expected
        info = msgspec.inspect.type_info(peers.msgspec_struct(cls))
        assert isinstance(info, msgspec.inspect.StructType)
        assert {
            f.encode_name: NO_DEFAULT
            if f.required
            else (f.default_factory() if f.default is msgspec.NODEFAULT else f.default)
            for f in info.fields
        } == expected


NO_DEFAULT = object()


def _default(default: Any) -> Any:
    if default is attrs.NOTHING:
        return NO_DEFAULT
    return default.factory() if isinstance(default, attrs.Factory) else default  # type: ignore[arg-type]


@pytest.mark.parametrize("where", ["envelope", "payload"])
def test_seve_and_the_peers_refuse_an_unknown_field(lines: list[bytes], where: str) -> None:
    bad = _with_unknown_field(lines[-1], where)
    with pytest.raises(DecodeError) as refused:
        decode_event(bad)
    assert refused.value.codes == ["format.champ_inconnu"]
    expected_path = ("unknown",) if where == "envelope" else ("payload", "unknown")
    assert refused.value.problems[0].path == expected_path
    with pytest.raises(pydantic.ValidationError) as by_pydantic:
        peers.pydantic_adapter().validate_json(bad)
    assert [e["type"] for e in by_pydantic.value.errors()] == ["extra_forbidden"]
    with pytest.raises(msgspec.ValidationError, match="unknown field `unknown`"):
        peers.msgspec_decoder().decode(bad)


def test_the_peers_do_not_run_seves_validators(lines: list[bytes]) -> None:
    """Why the comparison is conservative: a wrong SIRET check digit passes the peers."""
    first = json.loads(lines[0])
    assert first["type"] == "siae_registered"
    siret = first["payload"]["siae"]["siret"]
    first["payload"]["siae"]["siret"] = siret[:-1] + str((int(siret[-1]) + 1) % 10)
    bad = json.dumps(first).encode()
    with pytest.raises(DecodeError) as refused:
        decode_event(bad)
    assert refused.value.codes == ["siret.invalide"]
    assert peers.pydantic_adapter().validate_json(bad).type == "siae_registered"
    assert peers.msgspec_decoder().decode(bad).payload.siae.siret != siret


def test_the_same_checks_peers_refuse_every_broken_line(lines: list[bytes]) -> None:
    """The fair comparison: the peers with seve's checks refuse what seve refuses."""
    broken = bench_decode.broken_lines(lines)
    assert len(broken) >= 6  # the types of BROKEN that the 300 lines hold
    refused = bench_decode.check_refusals(lines)  # raises if a same-checks peer accepts one
    assert refused[bench_decode.SEVE] == len(broken)
    assert refused["pydantic v2, shape only"] == 0
    assert refused["msgspec, shape only"] == 0


def test_the_same_checks_peers_decode_the_same_values(lines: list[bytes]) -> None:
    adapter = peers.pydantic_adapter(checked=True)
    decoder = peers.msgspec_decoder(checked=True)
    for line in lines:
        expected = _normalized(json.loads(line))
        assert _normalized(json.loads(msgspec.json.encode(decoder.decode(line)))) == expected
        got = adapter.dump_python(adapter.validate_json(line), mode="json")
        assert _normalized(got) == expected
