"""seve-caldav passes seve's calendar contract suite against a real Radicale server,
read back from the server with a CalDAV client of its own."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from seve.testing.contract import CalendarContract
from seve_caldav import CaldavCalendars

sys.path.insert(0, str(Path(__file__).parent))
from caldav_helpers import read_back


class TestCaldavCalendars(CalendarContract):
    @pytest.fixture
    def plugin(self, radicale: str, user: str) -> CaldavCalendars:
        return CaldavCalendars(radicale, username=user, password="x", require_tls=False)

    @pytest.fixture
    def published(self, radicale: str, user: str) -> Callable[[str], Mapping[str, str]]:
        return lambda calendar: read_back(radicale, user, calendar)
