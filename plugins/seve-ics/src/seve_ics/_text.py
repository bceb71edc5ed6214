"""The few iCalendar text operations a feed needs, on folded text as it is written.

A feed is rewritten at each delivery: parsing it whole with a full iCalendar library
each time would cost a hundred times more than the delivery itself.  These
functions only cut a ``VCALENDAR`` into its top-level components and read a few
properties of each; the components keep their text, folding included, byte for byte.
Entries are checked with icalendar once, when they arrive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from attrs import frozen

__all__ = ["Component", "component", "components", "property_of", "with_status"]

_PROPERTY = re.compile(r"^([A-Za-z0-9-]+)(?:;[^:]*)?:(.*)$")


@frozen
class Component:
    """A top-level component of a ``VCALENDAR``: its name and its physical lines, and
    what feeds read of it (read once, when it is made: see :func:`component`)."""

    name: str
    lines: tuple[str, ...]
    uid: str = ""
    tzid: str = ""
    dtstart: str = ""
    #: SEQUENCE, then DTSTAMP: what orders two versions of one entry (RFC 5546, 2.1.5).
    version: tuple[int, str] = (0, "")
    status: str = ""
    #: Its text, lines ended by CRLF.
    text: str = ""

    def properties(self) -> Iterator[tuple[str, str]]:
        """Its own properties (not those of its subcomponents), unfolded: name, value."""
        depth = 0
        for line in _logical(self.lines):
            upper = line.upper()
            if upper.startswith("BEGIN:"):
                depth += 1
                continue
            if upper.startswith("END:"):
                depth -= 1
                continue
            if depth == 1 and (found := _PROPERTY.match(line)):
                yield found.group(1).upper(), found.group(2)


def component(name: str, lines: tuple[str, ...]) -> Component:
    """A component, with the properties feeds read of it."""
    bare = Component(name=name, lines=lines)  # to read its properties
    found: dict[str, str] = {}
    for key, value in bare.properties():
        found.setdefault(key, value)
    sequence = found.get("SEQUENCE", "0").strip()
    return Component(
        name=name,
        lines=lines,
        uid=found.get("UID", ""),
        tzid=found.get("TZID", ""),
        dtstart=found.get("DTSTART", ""),
        version=(int(sequence) if sequence.isdigit() else 0, found.get("DTSTAMP", "")),
        status=found.get("STATUS", "").upper(),
        text="".join(f"{line}\r\n" for line in lines),
    )


def property_of(component: Component, name: str, default: str = "") -> str:
    """The value of a property of ``component`` (the first, unfolded)."""
    return next((value for key, value in component.properties() if key == name), default)


def _logical(lines: tuple[str, ...] | list[str]) -> Iterator[str]:
    """Unfold: a line starting with a space or a tab continues the previous one."""
    current: str | None = None
    for line in lines:
        if line[:1] in (" ", "\t") and current is not None:
            current += line[1:]
            continue
        if current is not None:
            yield current
        current = line
    if current is not None:
        yield current


def components(text: str) -> Iterator[Component]:
    """The top-level components of a ``VCALENDAR``, in order."""
    depth = 0
    name: str | None = None
    lines: list[str] = []
    physical = [line for line in text.replace("\r\n", "\n").split("\n") if line]
    index = 0
    while index < len(physical):
        group = [physical[index]]
        index += 1
        while index < len(physical) and physical[index][:1] in (" ", "\t"):
            group.append(physical[index])
            index += 1
        logical = "".join(line if n == 0 else line[1:] for n, line in enumerate(group))
        upper = logical.upper()
        if upper.startswith("BEGIN:"):
            depth += 1
            if depth == 2:
                name, lines = upper[6:].strip(), []
        if name is not None:
            lines.extend(group)
        if upper.startswith("END:"):
            if depth == 2 and name is not None:
                yield component(name, tuple(lines))
                name = None
            depth -= 1


def with_status(event: Component, status: str) -> Component:
    """``event`` with its ``STATUS`` set to ``status`` (added before its end if absent)."""
    out: list[str] = []
    depth = 0
    replaced = False
    skipping = False
    for line in event.lines:
        if skipping and line[:1] in (" ", "\t"):
            continue
        skipping = False
        upper = line.upper()
        if upper.startswith("BEGIN:"):
            depth += 1
        elif upper.startswith("END:"):
            if depth == 1 and not replaced:
                out.append(f"STATUS:{status}")
                replaced = True
            depth -= 1
        elif depth == 1 and _PROPERTY.match(line) and upper.split(":")[0].split(";")[0] == "STATUS":
            if not replaced:
                out.append(f"STATUS:{status}")
                replaced = True
            skipping = True
            continue
        out.append(line)
    return component(event.name, tuple(out))
