"""seve-ics passes seve's calendar contract suite, read back from the files."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import icalendar
import pytest

from seve.audience import Audience
from seve.testing.contract import CalendarContract
from seve_ics import IcsFeeds


def read_feed(feeds: IcsFeeds, calendar: str) -> dict[str, str]:
    """The entries of a staff feed, parsed from its file with icalendar, each as a
    VCALENDAR of its own."""
    path = feeds.feed_path(calendar, Audience.STAFF)
    if not path.exists():
        return {}
    parsed = icalendar.Calendar.from_ical(path.read_text(encoding="utf-8"))
    entries = {}
    for event in parsed.walk("VEVENT"):
        single = icalendar.Calendar()
        single.add("prodid", "-//test//FR")
        single.add("version", "2.0")
        single.add_component(event)
        entries[str(event["uid"])] = single.to_ical().decode()
    return entries


class TestIcsFeeds(CalendarContract):
    @pytest.fixture
    def plugin(self, tmp_path: Path) -> IcsFeeds:
        return IcsFeeds(tmp_path / "agendas", fsync=False)

    @pytest.fixture
    def published(self, plugin: IcsFeeds) -> Callable[[str], Mapping[str, str]]:
        return lambda calendar: read_feed(plugin, calendar)
