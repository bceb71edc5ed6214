"""Build the model's frozen objects from the mirror's Structs, checks included.

The first pass of :func:`~seve.serialization.decode_event` decodes a line into a
*mirror* (tagged ``msgspec.Struct`` s, in C): it proves the shape of the line, its
types, its enum codes, the offsets of its instants and the spelling of its decimals,
and it refuses unknown fields.  What is left is to build the ``Event[Payload]`` and
to run the model's validators.  This module generates, for each event type, one
Python function that does both, the way attrs' ``__init__`` would:

- each object is created with ``object.__new__`` and its slots are filled through
  their descriptors, as attrs' own ``__setstate__`` does for frozen classes;
- once every field of an object is set, the validator of each field runs, in field
  order, with the same arguments attrs gives it: ``(instance, attribute, value)``.

Each object is made as an instance of a subclass that only allows plain assignment
(``obj.field = value`` is the fastest way to fill a slot), then turned into an
instance of the model class (``obj.__class__ = cls``: the layouts are the same).

The validators seve's model uses everywhere (:func:`~seve.model._base.identifier`,
``non_empty``, ``aware``, ``positive_decimal``, ``date_range``, and attrs'
``optional``, ``and_`` and ``deep_iterable`` around them) are recognised and their
checks are written inline (``aware`` needs none: the mirror only accepts instants
with an offset).  A validator whose outcome depends on its value alone (marked with
:func:`~seve.model._base.value_only`, or the envelope's stream check) remembers the
texts it accepted: a log names the same streams, staff and objects again and again.
Any other validator is called as attrs calls it: the builder knows nothing of it and
needs to know nothing.

A builder never decides that a line is invalid.  When a check fails, a validator
raises, or the builder meets what it does not handle exactly (a decimal written as a
JSON number: only msgspec's typed decoder keeps its digits), it raises, and
``decode_event`` hands the line to the reference path (msgspec's typed decoder, with
the validators called by attrs' rules, then the diagnosis).  The accepted lines, the
decoded values and the problems reported are therefore those of the reference path;
the builder only makes the common case fast.
"""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

import attrs
import msgspec

from ..model import Event
from ..model import _base as base
from ._converter import DECIMAL_TEXT

__all__ = ["Refused", "event_builder"]

_UnionType: Final = type(int | None)
_OPTIONAL: Final[Any] = type(attrs.validators.optional(base.identifier))
_AND: Final[Any] = type(attrs.validators.and_(base.identifier))
_DEEP: Final[Any] = type(attrs.validators.deep_iterable(base.identifier))
_SCALARS: Final = (str, int, bool, dt.date, dt.datetime, type(None))

#: How many accepted values each value-only check remembers (then it starts again):
#: enough for the objects of a million-event log (an action, a frein, a bilan is named
#: again by later events), about 20 MB at most per check.
MEMORY: Final = 1 << 18

_MEMORIES: dict[Any, set[Any]] = {}
#: The decimals built, by their text, shared by every builder (at most :data:`MEMORY`).
_DECIMALS: dict[str, Decimal] = {}
_EVENT_ID: Final = attrs.fields(Event).id


def _memory(validator: Any) -> set[Any]:
    """The values a value-only validator accepted, shared by every builder."""
    return _MEMORIES.setdefault(validator, set())


def _value_only(validator: Any) -> bool:
    return bool(getattr(validator, base.VALUE_ONLY_KEY, False))


class Refused(Exception):  # an outcome, not an error: the reference path decides
    """The builder could not prove the line valid; the reference path decides."""


_REFUSED: Final = Refused


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _unwrap(tp: Any) -> Any:
    while isinstance(tp, typing.NewType):
        tp = tp.__supertype__
    return tp


def _optional_arg(tp: Any) -> Any | None:
    """``X`` for ``X | None``, else ``None``."""
    if typing.get_origin(tp) in (typing.Union, _UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0]
    return None


def _plain(tp: Any) -> bool:
    """Whether the mirror decodes a value of this type exactly as the model holds it."""
    tp = _unwrap(tp)
    if tp in _SCALARS or (isinstance(tp, type) and issubclass(tp, enum.Enum)):
        return True
    if typing.get_origin(tp) in (typing.Union, _UnionType):
        return all(_plain(a) for a in typing.get_args(tp))
    return False


class _Code:
    """The source of one generated module: constants, functions, indentation."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {
            "_new": object.__new__,
            "_REFUSED": _REFUSED,
            "_UNSET": msgspec.UNSET,
            "_Decimal": Decimal,
            "_decimal_text": DECIMAL_TEXT.fullmatch,
            "_identifier": base._ID.fullmatch,
            "_MEMORY": MEMORY,
            "_DECIMALS": _DECIMALS,
        }
        self.lines: list[str] = []
        self.indent = 1
        self._count = 0
        self._builders: dict[type, str] = {}

    def name(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def const(self, value: Any, prefix: str = "_c") -> str:
        for key, known in self.namespace.items():
            if known is value and key.startswith(prefix):
                return key
        key = self.name(prefix)
        self.namespace[key] = value
        return key

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.indent + line)

    def function(self, name: str, body: Callable[[], str]) -> str:
        """Generate ``def name(s): ...; return <body()>`` apart from the current one."""
        saved, self.lines, indent = self.lines, [], self.indent
        self.indent = 1
        result = body()
        source = "\n".join([f"def {name}(s):", *self.lines, f"    return {result}", ""])
        self.lines, self.indent = saved, indent
        exec(compile(source, f"<seve fast builder {name}>", "exec"), self.namespace)
        return name

    def builder(self, cls: type) -> str:
        """The name of a function building ``cls`` from its mirror (for sequences)."""
        if cls not in self._builders:
            name = self.name(f"_build_{cls.__name__}_")
            self._builders[cls] = name
            self.function(name, lambda: self.instance(cls, _hints(cls), "s"))
        return self._builders[cls]

    # -- values ---------------------------------------------------------------------------

    def value(self, tp: Any, src: str) -> str:
        """An expression for the model value of type ``tp`` whose mirror value is ``src``
        (a local name); may emit statements first."""
        tp = _unwrap(tp)
        if _plain(tp):
            return src
        if tp is Decimal:  # as the strict mirror: plain decimal texts (JSON numbers: refused)
            # decimals are immutable: one per text, remembered (a log repeats its hours)
            var = self.name("d")
            self.emit(f"{var} = _DECIMALS.get({src})")
            self.emit(f"if {var} is None:")
            self.indent += 1
            self.emit(f"if {src}.__class__ is not str: raise _REFUSED")
            self.emit(
                f"if not ({src}.isdigit() and {src}.isascii()) "
                f"and _decimal_text({src}) is None: raise _REFUSED"
            )
            self.emit(f"{var} = _Decimal({src})")
            self.emit("if len(_DECIMALS) >= _MEMORY: _DECIMALS.clear()")
            self.emit(f"_DECIMALS[{src}] = {var}")
            self.indent -= 1
            return var
        origin = typing.get_origin(tp)
        if origin in (tuple, frozenset):
            (item,) = [a for a in typing.get_args(tp) if a is not Ellipsis]
            build = origin.__name__
            if _plain(item) and origin is tuple:
                return f"tuple({src})"
            if _plain(item):
                return f"frozenset({src})"
            return f"{build}(map({self.item(item)}, {src}))"
        inner = _optional_arg(tp)
        if inner is not None:
            var = self.name("v")
            self.emit(f"{var} = {src}")
            self.emit(f"if {var} is not None:")
            self.indent += 1
            self.emit(f"{var} = {self.value(inner, var)}")
            self.indent -= 1
            return var
        if attrs.has(tp):
            return self.instance(tp, _hints(tp), src)
        raise TypeError(f"no fast builder for {tp!r}")

    def item(self, tp: Any) -> str:
        """A function of one mirror value returning the model value (sequence items)."""
        tp = _unwrap(tp)
        if attrs.has(tp):
            return self.builder(tp)
        return self.function(self.name("_item"), lambda: self.value(tp, "s"))

    # -- instances ------------------------------------------------------------------------

    def instance(self, cls: type, hints: dict[str, Any], src: str) -> str:
        """Statements building an instance of ``cls`` from the mirror ``src``; its name."""
        fields = attrs.fields(cls)
        _check_buildable(cls)
        struct = src
        values: dict[str, str] = {}
        for f in fields:
            var = self.name("v")
            self.emit(f"{var} = {struct}.{f.alias}")
            if f.default is not attrs.NOTHING:
                self.emit(f"if {var} is _UNSET:")
                self.indent += 1
                self.emit(f"{var} = {self.default(f)}")
                self.indent -= 1
                self.emit("else:")
                self.indent += 1
                self.assign(var, self.value(hints[f.name], var))
                self.emit("pass")
                self.indent -= 1
            else:
                self.assign(var, self.value(hints[f.name], var))
            values[f.name] = var
        obj = self.name("o")
        self.emit(f"{obj} = _new({self.const(_writable(cls), '_writable')})")
        for f in fields:
            self.emit(f"{obj}.{f.name} = {values[f.name]}")
        self.emit(f"{obj}.__class__ = {self.const(cls, '_cls')}")
        for f in fields:
            if f.validator is not None:
                self.validate(f.validator, f, hints[f.name], obj, values[f.name], values)
        return obj

    def assign(self, var: str, expr: str) -> None:
        if expr != var:
            self.emit(f"{var} = {expr}")

    def default(self, f: attrs.Attribute[Any]) -> str:
        default: Any = f.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            if default.takes_self:
                raise TypeError(f"no fast builder for a factory taking self ({f.name})")
            return f"{self.const(default.factory, '_factory')}()"
        return self.const(default, "_default")

    # -- validators -----------------------------------------------------------------------

    def validate(
        self,
        validator: Any,
        f: attrs.Attribute[Any],
        tp: Any,
        obj: str,
        value: str,
        values: dict[str, str],
    ) -> None:
        """Statements running ``validator`` on ``value`` (the field ``f`` of ``obj``)."""
        tp = _unwrap(tp)
        inner = _optional_arg(tp)
        if type(validator) is _AND:
            for each in validator._validators:
                self.validate(each, f, tp, obj, value, values)
        elif type(validator) is _OPTIONAL and inner is not None:
            self.emit(f"if {value} is not None:")
            self.indent += 1
            self.validate(validator.validator, f, inner, obj, value, values)
            self.emit("pass")
            self.indent -= 1
        elif (
            type(validator) is _DEEP
            and typing.get_origin(tp) in (tuple, frozenset)
            and validator.iterable_validator is None
        ):
            (item,) = [a for a in typing.get_args(tp) if a is not Ellipsis]
            var = self.name("i")
            self.emit(f"for {var} in {value}:")
            self.indent += 1
            self.validate(validator.member_validator, f, item, obj, var, values)
            self.emit("pass")
            self.indent -= 1
        elif validator is base.identifier and tp is str and f is _EVENT_ID:
            # every event has its own id: remembering them would not pay
            # ASCII letters and digits alone (a ULID) need no regular expression
            self.emit(
                f"if not ({value}.isascii() and {value}.isalnum() "
                f"and len({value}) <= 128) and _identifier({value}) is None: raise _REFUSED"
            )
        elif validator is base.identifier and tp is str:  # ids of objects, seen again later
            memory = self.const(_memory(validator), "_memory")
            self.emit(f"if {value} not in {memory}:")
            self.indent += 1
            self.emit(f"if _identifier({value}) is None: raise _REFUSED")
            self.remember(memory, value)
            self.indent -= 1
        elif validator is base.non_empty and tp is str:
            self.emit(f"if not {value}.strip(): raise _REFUSED")
        elif validator is base.aware and tp is dt.datetime:
            pass  # the mirror accepts only instants with an offset (msgspec.Meta(tz=True))
        elif validator is base.positive_decimal and tp is Decimal:
            # finite: the mirror accepts only plain decimal texts, and JSON numbers refuse
            self.emit(f"if {value} < 0: raise _REFUSED")
        elif (start := _date_range_start(validator, f, values)) is not None:
            self.emit(f"if {value} is not None and {value} < {start}: raise _REFUSED")
        elif _value_only(validator) and tp in (str, dt.date):
            memory = self.const(_memory(validator), "_memory")
            self.emit(f"if {value} not in {memory}:")
            self.indent += 1
            self.call(validator, f, obj, value)
            self.remember(memory, value)
            self.indent -= 1
        else:
            self.call(validator, f, obj, value)

    def call(self, validator: Any, f: attrs.Attribute[Any], obj: str, value: str) -> None:
        """Call a validator as attrs does: ``(instance, attribute, value)``."""
        call = self.const(validator, "_validator")
        field = self.const(f, "_field")
        self.emit(f"{call}({obj}, {field}, {value})")

    def remember(self, memory: str, value: str) -> None:
        self.emit(f"if len({memory}) >= _MEMORY: {memory}.clear()")
        self.emit(f"{memory}.add({value})")


def _date_range_start(validator: Any, f: attrs.Attribute[Any], values: dict[str, str]) -> Any:
    """For a :func:`~seve.model._base.date_range` check on the field ``f``, the local
    name of the start it compares ``f`` with; else ``None``."""
    names = getattr(validator, base.DATE_RANGE_KEY, None)
    if names is None:
        return None
    start, end = names
    if end != f.name or start not in values:
        return None
    return values[start]


def _writable(cls: type) -> type:
    """A subclass of ``cls`` that adds nothing but plain attribute assignment.

    The builder fills a new object of this class (``obj.field = value``: the fastest
    way to fill a slot, frozen or not), then makes it an instance of ``cls``
    (``obj.__class__ = cls``: allowed, the two classes have the same layout).
    """
    namespace = {
        "__slots__": (),
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
        "__module__": __name__,
        "__qualname__": f"_writable.<{cls.__qualname__}>",
    }
    return type(f"_Writable{cls.__name__}", (cls,), namespace)


def _check_buildable(cls: type) -> None:
    """The builder fills the slots itself: refuse classes whose ``__init__`` does more."""
    for hook in ("__attrs_pre_init__", "__attrs_post_init__"):
        if hasattr(cls, hook):
            raise TypeError(f"no fast builder for {cls.__name__}: it has {hook}")
    names = {f.name for f in attrs.fields(cls)}
    for f in attrs.fields(cls):
        if not f.init:
            raise TypeError(f"no fast builder for {cls.__name__}: {f.name} is not in __init__")
        if not isinstance(inspect.getattr_static(cls, f.name, None), types.MemberDescriptorType):
            raise TypeError(f"no fast builder for {cls.__name__}: it has no slots")
    for klass in cls.__mro__:
        for name, slot in vars(klass).items():
            if isinstance(slot, types.MemberDescriptorType) and name not in names:
                raise TypeError(f"no fast builder for {cls.__name__}: hidden slot {name}")


def event_builder(payload: type) -> Callable[[Any], Event[Any]]:
    """The function building an ``Event[payload]`` from its mirror; ``TypeError`` if the
    model uses what the builder does not handle (``decode_event`` then keeps the
    reference path for this event type)."""
    code = _Code()
    hints = dict(_hints(Event))
    hints["payload"] = payload
    name = code.function("build_event", lambda: code.instance(Event, hints, "s"))
    build: Callable[[Any], Event[Any]] = code.namespace[name]
    return build
