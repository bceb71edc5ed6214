"""seve's calendar entries on a CalDAV server, one collection per calendar."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import icalendar
from caldav.davclient import DAVClient
from caldav.lib import error as dav_error

from seve.audience import Audience
from seve.effects import CalendarEntry
from seve.errors import SeveError
from seve.hooks import hookimpl

__all__ = ["DEFAULT_NAMES", "CaldavCalendars", "CaldavError", "collection_id", "resource_name"]

#: What a calendar is called on the server (its display name), by audience; the
#: calendar's own id follows.
DEFAULT_NAMES: Final[Mapping[Audience, str]] = MappingProxyType(
    {
        Audience.STAFF: "seve",
        Audience.SALARIE: "Mes rendez-vous",
        Audience.EMPLOYER: "Rendez-vous avec la structure d'insertion",
        Audience.PRESCRIPTEUR: "Rendez-vous avec la structure d'insertion",
        Audience.FUNDER: "Rendez-vous avec la structure d'insertion",
    }
)

_CONTENT_TYPE: Final = {"Content-Type": "text/calendar; charset=utf-8"}


class CaldavError(SeveError):
    """The server refused an entry, or the entry is not an iCalendar text."""


def collection_id(calendar: str) -> str:
    """The id of the collection of a seve calendar: ``staff:cip-1`` is ``staff~cip-1``
    (``~`` is not in seve's ids, ``:`` is not welcome in every server's paths)."""
    return calendar.replace(":", "~")


def resource_name(uid: str) -> str:
    """The file name of an entry in its collection: derived from its UID, so that the
    same entry always goes to the same place."""
    return hashlib.sha256(uid.encode()).hexdigest()[:40] + ".ics"


def _sequence(ical: str) -> tuple[int, str]:
    """SEQUENCE, then DTSTAMP, of the event of a stored object: what orders versions."""
    parsed = icalendar.Calendar.from_ical(ical)
    for event in parsed.walk("VEVENT"):
        stamp = event.get("dtstamp")
        return int(event.get("sequence", 0)), "" if stamp is None else stamp.to_ical().decode()
    return 0, ""


class CaldavCalendars:
    """A calendar plugin that keeps seve's entries on a CalDAV server (RFC 4791).

    Each seve calendar (``staff:cip-1``, ``salarie:s-7``...) is a calendar collection
    of the principal, created on first use; each entry is one resource named after its
    UID (:func:`resource_name`), stored without ``METHOD`` as CalDAV requires.

    - **idempotent**: an entry replaces the stored one only if its SEQUENCE (then its
      DTSTAMP) is not lower: a delivery repeated, or arriving late, changes nothing;
    - **cancel** stores the entry with ``STATUS:CANCELLED`` and its raised SEQUENCE
      (clients show it cancelled, a late publication cannot bring it back); an entry
      never published is not created just to be cancelled.

    :param url: the server's URL (its principal is discovered from it).
    :param username: and ``password``: HTTP authentication, if the server asks.
    :param timeout: seconds each request may take.
    :param require_tls: refuse plain HTTP (set ``False`` only for a server on the
        same machine, as in the tests).
    :param names: the display names of the calendars, by audience.
    """

    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        timeout: int = 30,
        require_tls: bool = True,
        names: Mapping[Audience, str] = DEFAULT_NAMES,
    ) -> None:
        self.url = url
        self._username = username
        self._password = password
        self._timeout = timeout
        self._require_tls = require_tls
        self._names = names
        self._client: DAVClient | None = None
        self._principal: Any = None
        self._collections: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"CaldavCalendars({self.url!r})"

    # --- the server --------------------------------------------------------------------

    @property
    def client(self) -> DAVClient:
        """The CalDAV client (connected on first use)."""
        if self._client is None:
            self._client = DAVClient(
                url=self.url,
                username=self._username,
                password=self._password,
                timeout=self._timeout,
                require_tls=self._require_tls,
                enable_rfc6764=False,
            )
        return self._client

    def principal(self) -> Any:
        """The principal whose calendars hold the entries."""
        if self._principal is None:
            self._principal = self.client.principal()  # type: ignore[no-untyped-call]
        return self._principal

    def collection(self, calendar: str, audience: Audience | None = None) -> Any:
        """The collection of ``calendar``, created if it does not exist (with a display
        name for ``audience``)."""
        found = self._collections.get(calendar)
        if found is not None:
            return found
        principal = self.principal()
        cal_id = collection_id(calendar)
        known = {str(c.url).rstrip("/").rsplit("/", 1)[-1]: c for c in principal.calendars()}
        found = known.get(cal_id)
        if found is None:
            name = self._names.get(audience, "seve") if audience else "seve"
            found = principal.make_calendar(name=f"{name} ({calendar})", cal_id=cal_id)
        self._collections[calendar] = found
        return found

    def _url(self, calendar: str, audience: Audience, uid: str) -> str:
        base = str(self.collection(calendar, audience).url)
        return base.rstrip("/") + "/" + resource_name(uid)

    def stored(self, calendar: str, uid: str) -> str | None:
        """The entry ``uid`` of ``calendar`` as the server keeps it (``None``: absent)."""
        return self._get(self._url(calendar, Audience.STAFF, uid))

    # --- the hooks -----------------------------------------------------------------

    @hookimpl
    def seve_calendar_publish(self, entry: CalendarEntry, key: str) -> None:
        """Store the entry (or replace an older version of it)."""
        self._put(entry, cancel=False)

    @hookimpl
    def seve_calendar_update(self, entry: CalendarEntry, key: str) -> None:
        """Replace the entry, if it is not older than the stored one."""
        self._put(entry, cancel=False)

    @hookimpl
    def seve_calendar_cancel(self, entry: CalendarEntry, key: str) -> None:
        """Store the entry cancelled (``STATUS:CANCELLED``, raised SEQUENCE)."""
        self._put(entry, cancel=True)

    @hookimpl
    def seve_forget(self, erasure: Any) -> None:
        """Delete the erased person's entries from every calendar, and their own."""
        uids = set(erasure.calendar_uids)
        principal = self.principal()
        mine = collection_id(f"salarie:{erasure.salarie}") if erasure.salarie else None
        with self._lock:
            for collection in principal.calendars():
                name = str(collection.url).rstrip("/").rsplit("/", 1)[-1]
                if name == mine:
                    collection.delete()
                    continue
                for uid in uids:
                    url = str(collection.url).rstrip("/") + "/" + resource_name(uid)
                    response = self.client.request(url, "DELETE")
                    if response.status not in (200, 204, 404):
                        raise CaldavError(f"DELETE {url} : {response.status} {response.reason}")
            self._collections.clear()

    # --- storing -----------------------------------------------------------------------

    def _put(self, entry: CalendarEntry, *, cancel: bool) -> None:
        try:
            parsed = icalendar.Calendar.from_ical(entry.ical)
        except ValueError as exc:
            raise CaldavError(f"entrée {entry.uid} illisible : {exc}") from None
        events = [e for e in parsed.walk("VEVENT") if str(e.get("uid")) == entry.uid]
        if not events:
            raise CaldavError(f"l'entrée {entry.uid} ne contient aucun VEVENT de cet UID")
        if "METHOD" in parsed:
            del parsed["METHOD"]  # RFC 4791, 4.1: no METHOD in a calendar collection
        if cancel:
            for event in events:
                if "STATUS" in event:
                    del event["STATUS"]
                event.add("status", "CANCELLED")
        body = parsed.to_ical().decode()
        with self._lock:
            url = self._url(entry.calendar, entry.audience, entry.uid)
            old = self._get(url)
            if old is None and cancel:
                return  # never published here: nothing to cancel
            if old is not None and _sequence(old) > _sequence(body):
                return  # a late delivery of an older version
            if old is not None and _sequence(old) == _sequence(body) and _cancelled(old):
                return  # a cancellation is never undone at the same version
            response = self.client.put(url, body, _CONTENT_TYPE)
            if response.status >= 300:
                raise CaldavError(f"PUT {url} : {response.status} {response.reason}")

    def _get(self, url: str) -> str | None:
        try:
            response = self.client.request(url, "GET")
        except dav_error.NotFoundError:
            return None
        if response.status == 404:
            return None
        if response.status >= 300:
            raise CaldavError(f"GET {url} : {response.status} {response.reason}")
        return response.raw


def _cancelled(ical: str) -> bool:
    parsed = icalendar.Calendar.from_ical(ical)
    return any(str(e.get("status", "")).upper() == "CANCELLED" for e in parsed.walk("VEVENT"))
