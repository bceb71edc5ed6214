"""seve-caldav passes seve's calendar contract suite against a real Radicale server,
read back from the server with a CalDAV client of its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest
from caldav.davclient import DAVClient

from seve.testing.contract import CalendarContract
from seve_caldav import CaldavCalendars, collection_id


def read_back(url: str, user: str, calendar: str) -> dict[str, str]:
    """The entries of one calendar, as the server gives them to another client."""
    client = DAVClient(url=url, username=user, password="x", require_tls=False)
    principal = client.principal()  # type: ignore[no-untyped-call]
    wanted = collection_id(calendar)
    for collection in principal.calendars():
        if str(collection.url).rstrip("/").rsplit("/", 1)[-1] == wanted:
            return {
                str(obj.icalendar_component["uid"]): obj.data for obj in collection.get_events()
            }
    return {}


class TestCaldavCalendars(CalendarContract):
    @pytest.fixture
    def plugin(self, radicale: str, user: str) -> CaldavCalendars:
        return CaldavCalendars(radicale, username=user, password="x", require_tls=False)

    @pytest.fixture
    def published(self, radicale: str, user: str) -> Callable[[str], Mapping[str, str]]:
        return lambda calendar: read_back(radicale, user, calendar)
