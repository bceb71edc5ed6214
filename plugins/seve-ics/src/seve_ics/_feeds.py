"""One .ics feed per audience and per person, in a directory, rewritten atomically."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import icalendar
from attrs import frozen

from seve.audience import Audience
from seve.effects import CalendarEntry
from seve.errors import SeveError
from seve.hooks import hookimpl

from ._text import Component, components, property_of, with_status

try:  # POSIX: several processes may write the same directory
    import fcntl
except ImportError:  # pragma: no cover - Windows: one process at a time
    fcntl = None  # type: ignore[assignment]

__all__ = ["DEFAULT_NAMES", "Feed", "IcsFeeds", "IcsFeedsError"]

#: The PRODID of the feeds.
PRODID: Final = "-//seve//seve-ics//FR"

#: What a feed is called in the calendar app that subscribes to it, by audience.
DEFAULT_NAMES: Final[Mapping[Audience, str]] = MappingProxyType(
    {
        Audience.STAFF: "Agenda seve",
        Audience.SALARIE: "Mes rendez-vous (structure d'insertion)",
        Audience.EMPLOYER: "Rendez-vous avec la structure d'insertion",
        Audience.PRESCRIPTEUR: "Rendez-vous avec la structure d'insertion",
        Audience.FUNDER: "Rendez-vous avec la structure d'insertion",
    }
)

_STATE: Final = ".seve-ics"
_SECRET_BYTES: Final = 32
_TOKEN_CHARS: Final = 20


class IcsFeedsError(SeveError):
    """An entry the feeds cannot take (not an iCalendar text, no event with its UID)."""


@frozen(kw_only=True)
class Feed:
    """One feed: whose calendar, for which audience, and its file (relative to the
    directory: the end of its URL once the directory is served)."""

    calendar: str
    audience: Audience
    path: str


class IcsFeeds:
    """A calendar plugin writing one .ics feed per audience and per person.

    Each calendar seve names (``staff:cip-1``, ``salarie:s-7``, ``contact:tuteur-1``...)
    gets, for each audience it is written for, one file
    ``<directory>/<audience>/<calendar>-<token>.ics``: a ``VCALENDAR`` with
    ``METHOD:PUBLISH`` that a phone or a calendar client subscribes to.  The token is
    a keyed hash of the calendar (the secret is kept in ``<directory>/.seve-ics``), so
    that nobody can guess another person's feed from their own once the directory is
    served; :meth:`feeds` lists them.

    - **idempotent**: an entry replaces the one with its UID only if its SEQUENCE (then
      its DTSTAMP) is not lower: a delivery repeated, or arriving late, changes nothing;
    - **atomic**: a feed is written to a temporary file, then renamed over the old one
      (``os.replace``): a subscriber never reads half a feed, a crash never leaves one;
    - **cancelled entries stay**, with ``STATUS:CANCELLED`` and their raised SEQUENCE:
      a subscriber sees the cancellation, and a late publication cannot bring them back.

    :param directory: where the feeds go (created if needed).
    :param secret: the key of the tokens (default: 32 random bytes, made once and kept
        in ``<directory>/.seve-ics/secret``).
    :param names: the feeds' names by audience (``X-WR-CALNAME``).
    :param fsync: sync each feed to disk before it replaces the old one (``False``
        for feeds you can write again, such as the demo's: much faster).
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        secret: bytes | None = None,
        names: Mapping[Audience, str] = DEFAULT_NAMES,
        fsync: bool = True,
    ) -> None:
        self.directory = Path(directory)
        self._secret = secret
        self._names = names
        self._fsync = fsync
        self._lock = threading.Lock()
        self._indexed: set[tuple[str, str]] = set()
        # the feeds as this object last wrote them, by file: (size, mtime), zones, events
        self._cache: dict[Path, tuple[tuple[int, int], _Zones, _Events]] = {}

    def __repr__(self) -> str:
        return f"IcsFeeds({str(self.directory)!r})"

    # --- where ---------------------------------------------------------------------

    @property
    def _state(self) -> Path:
        return self.directory / _STATE

    def _key(self) -> bytes:
        """The secret of the tokens: made once, whole, by whichever writer comes first
        (written to a file of its own, then linked into place: another writer reads it
        complete or not at all)."""
        if self._secret is None:
            path = self._state / "secret"
            if not path.exists():
                self._state.mkdir(parents=True, exist_ok=True)
                fd, draft = tempfile.mkstemp(prefix=".secret.", dir=self._state)
                try:
                    with os.fdopen(fd, "wb") as out:
                        out.write(secrets.token_bytes(_SECRET_BYTES))
                    with contextlib.suppress(FileExistsError):
                        os.link(draft, path)
                finally:
                    os.unlink(draft)
            self._secret = path.read_bytes()
        return self._secret

    def feed_path(self, calendar: str, audience: Audience) -> Path:
        """The file of the feed of ``calendar`` for ``audience`` (it may not exist yet)."""
        token = hmac.new(self._key(), f"{audience.value}\x1f{calendar}".encode(), hashlib.sha256)
        suffix = base64.b32encode(token.digest()).decode("ascii").lower()[:_TOKEN_CHARS]
        name = calendar.replace(":", "-")
        folder: str = audience.value
        return self.directory / folder / f"{name}-{suffix}.ics"

    def feeds(self) -> list[Feed]:
        """Every feed written so far, sorted by audience and calendar."""
        index = self._read_index()
        return [
            Feed(calendar=calendar, audience=Audience.from_code(audience), path=path)
            for (audience, calendar), path in sorted(index.items())
        ]

    def read(self, calendar: str, audience: Audience) -> dict[str, str]:
        """The entries of one feed, by UID, each as a ``VCALENDAR`` of its own."""
        path = self.feed_path(calendar, audience)
        if not path.exists():
            return {}
        parts = list(components(path.read_text(encoding="utf-8")))
        zones = "".join(p.text for p in parts if p.name == "VTIMEZONE")
        head = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{PRODID}\r\n"
        return {
            property_of(p, "UID"): f"{head}{zones}{p.text}END:VCALENDAR\r\n"
            for p in parts
            if p.name == "VEVENT"
        }

    # --- the hooks -----------------------------------------------------------------

    @hookimpl
    def seve_calendar_publish(self, entry: CalendarEntry, key: str) -> None:
        """Add the entry to its feed (or replace an older version of it)."""
        self._write(entry, cancel=False)

    @hookimpl
    def seve_calendar_update(self, entry: CalendarEntry, key: str) -> None:
        """Replace the entry in its feed, if it is not older than the one there."""
        self._write(entry, cancel=False)

    @hookimpl
    def seve_calendar_cancel(self, entry: CalendarEntry, key: str) -> None:
        """Mark the entry cancelled in its feed (``STATUS:CANCELLED``, raised SEQUENCE)."""
        self._write(entry, cancel=True)

    @hookimpl
    def seve_forget(self, erasure: Any) -> None:
        """Drop the erased person's entries from every feed, and their own feeds."""
        uids = set(erasure.calendar_uids)
        identity = [text for text in erasure.identity if text]
        gone: set[Path] = set()
        if erasure.salarie is not None:
            for reader in Audience:
                gone.add(self.feed_path(f"salarie:{erasure.salarie}", reader))
        with self._locked():
            index = self._read_index()
            for (audience, calendar), relative in list(index.items()):
                path = self.directory / relative
                if path in gone:
                    path.unlink(missing_ok=True)
                    del index[(audience, calendar)]
                    continue
                if not path.exists():
                    continue
                zones, events = self._load(path)
                kept = {
                    uid: event
                    for uid, event in events.items()
                    if uid not in uids and not any(text in _unfolded(event) for text in identity)
                }
                if kept != events:
                    self._save(path, Audience.from_code(audience), zones, kept)
            self._write_index(index)
            self._indexed.clear()

    # --- reading and writing feeds -----------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self._state.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self._state / "lock", "a+b") as handle:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def _write(self, entry: CalendarEntry, *, cancel: bool) -> None:
        zones, events = _parse_entry(entry)
        if cancel:
            events = [with_status(event, "CANCELLED") for event in events]
        path = self.feed_path(entry.calendar, entry.audience)
        with self._locked():
            known_zones, known = self._load(path) if path.exists() else ({}, {})
            changed = False
            for zone in zones:
                if zone.tzid not in known_zones:
                    known_zones[zone.tzid] = zone
                    changed = True
            for event in events:
                old = known.get(event.uid)
                if old is not None and old.version > event.version:
                    continue  # a late delivery of an older version
                if old is not None and old.version == event.version and old.status == "CANCELLED":
                    continue  # a cancellation is never undone at the same version
                if old != event:
                    known[event.uid] = event
                    changed = True
            if changed or not path.exists():
                self._save(path, entry.audience, known_zones, known)
            self._remember(entry.calendar, entry.audience, path)

    def _load(self, path: Path) -> tuple[_Zones, _Events]:
        """A feed's time zones and events: read again only if another writer changed it
        since this object wrote it."""
        cached = self._cache.get(path)
        if cached is not None and cached[0] == _stamp(path):
            return dict(cached[1]), dict(cached[2])
        zones: _Zones = {}
        events: _Events = {}
        for part in components(path.read_text(encoding="utf-8")):
            if part.name == "VTIMEZONE":
                zones[part.tzid] = part
            elif part.name == "VEVENT":
                events[part.uid] = part
        return zones, events

    def _save(
        self,
        path: Path,
        audience: Audience,
        zones: Mapping[str, Component],
        events: Mapping[str, Component],
    ) -> None:
        text = self._head(audience)
        ordered = sorted(events.values(), key=lambda e: (e.dtstart, e.uid))
        body = "".join(zones[tzid].text for tzid in sorted(zones))
        body += "".join(event.text for event in ordered)
        _replace(path, text + body + "END:VCALENDAR\r\n", fsync=self._fsync)
        self._cache[path] = (_stamp(path), dict(zones), dict(events))

    @functools.cache  # noqa: B019 - a few audiences, for the life of the object
    def _head(self, audience: Audience) -> str:
        """The start of a feed for ``audience``: what precedes its components."""
        head = icalendar.Calendar()
        head.add("prodid", PRODID)
        head.add("version", "2.0")
        head.add("calscale", "GREGORIAN")
        head.add("method", "PUBLISH")
        name = self._names.get(audience, DEFAULT_NAMES[Audience.SALARIE])
        head.add("x-wr-calname", name)
        head.add("name", name)
        head.add("x-wr-timezone", "Europe/Paris")
        head.add("x-published-ttl", "PT1H")
        refresh = icalendar.vDuration(dt.timedelta(hours=1))
        refresh.params["VALUE"] = "DURATION"
        head["refresh-interval"] = refresh
        text = str(head.to_ical().decode())
        assert text.endswith("END:VCALENDAR\r\n")
        return text[: -len("END:VCALENDAR\r\n")]

    # --- the index of feeds ------------------------------------------------------------

    def _read_index(self) -> dict[tuple[str, str], str]:
        path = self._state / "index.json"
        if not path.exists():
            return {}
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {(item["audience"], item["calendar"]): item["path"] for item in raw["feeds"]}

    def _write_index(self, index: Mapping[tuple[str, str], str]) -> None:
        feeds = [
            {"audience": audience, "calendar": calendar, "path": path}
            for (audience, calendar), path in sorted(index.items())
        ]
        text = json.dumps({"feeds": feeds}, ensure_ascii=False, indent=1) + "\n"
        _replace(self._state / "index.json", text, fsync=self._fsync)

    def _remember(self, calendar: str, audience: Audience, path: Path) -> None:
        if (audience.value, calendar) in self._indexed:
            return
        index = self._read_index()
        relative = path.relative_to(self.directory).as_posix()
        if index.get((audience.value, calendar)) != relative:
            index[(audience.value, calendar)] = relative
            self._write_index(index)
        self._indexed.add((audience.value, calendar))


def _parse_entry(entry: CalendarEntry) -> tuple[list[Component], list[Component]]:
    """The time zones and events of an entry; refused if it is no ``VCALENDAR`` with an
    event of its UID."""
    if not entry.ical.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise IcsFeedsError(f"entrée {entry.uid} illisible : ce n'est pas un VCALENDAR")
    parts = list(components(entry.ical))
    events = [p for p in parts if p.name == "VEVENT"]
    if entry.uid not in {event.uid for event in events}:
        raise IcsFeedsError(f"l'entrée {entry.uid} ne contient aucun VEVENT de cet UID")
    return [p for p in parts if p.name == "VTIMEZONE"], events


_Zones = dict[str, Component]
_Events = dict[str, Component]


def _stamp(path: Path) -> tuple[int, int]:
    """What tells whether a file changed: its size and modification time."""
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _unfolded(event: Component) -> str:
    return "\n".join(value for _key, value in event.properties())


def _replace(path: Path, text: str, *, fsync: bool) -> None:
    """Write ``text`` to ``path`` atomically: a temporary file (synced), then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            if fsync:
                os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
