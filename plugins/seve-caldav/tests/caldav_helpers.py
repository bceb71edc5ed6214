"""Reading a calendar back from the server, with a CalDAV client of its own."""

from __future__ import annotations

from caldav.davclient import DAVClient

from seve_caldav import collection_id


def read_back(url: str, user: str, calendar: str) -> dict[str, str]:
    """The entries of one calendar, as the server gives them to another client."""
    client = DAVClient(
        url=url, username=user, password="x", require_tls=False, enable_rfc6764=False
    )
    principal = client.principal()  # type: ignore[no-untyped-call]
    wanted = collection_id(calendar)
    for collection in principal.calendars():
        if str(collection.url).rstrip("/").rsplit("/", 1)[-1] == wanted:
            return {
                str(obj.icalendar_component["uid"]): obj.data for obj in collection.get_events()
            }
    return {}
