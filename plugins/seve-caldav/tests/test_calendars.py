"""seve-caldav against a real Radicale server: a PMSMP published, updated and cancelled
through the recording service and the dispatcher, each step read back from the server;
versions, erasure, a server that is down, the entry point."""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Any

import attrs
import icalendar
import pytest
import vobject

from seve.app import Dispatcher, Recorder
from seve.audience import Audience
from seve.calendar import calendar_id
from seve.hooks import Plugins
from seve.model import PmsmpAmended, PmsmpCancelled, PmsmpDrafted, SalarieId
from seve.privacy import Erasure
from seve.storage import MemoryStore
from seve.testing._effects_contract import calendar_entry
from seve_caldav import CaldavCalendars, NotConfigured, from_environ

sys.path.insert(0, str(Path(__file__).parent))
from caldav_helpers import read_back

# seve's own calendar tests' world (this repository): Leïla's parcours and her PMSMP
sys.path.insert(0, str(Path(__file__).parents[3] / "tests"))
from calendar_world import parcours, pmsmp_convention, validated

LEILA = calendar_id("salarie", "s-1")
TUTOR = calendar_id("contact", "tutor-1")
STAFF = calendar_id("staff", "cip-karim")


@pytest.fixture
def calendars(radicale: str, user: str) -> CaldavCalendars:
    return CaldavCalendars(radicale, username=user, password="x", require_tls=False)


def events(radicale: str, user: str, calendar: str) -> dict[str, Any]:
    """The VEVENT of each entry of ``calendar``, read back from the server, by UID;
    vobject must read each too."""
    out = {}
    for uid, data in read_back(radicale, user, calendar).items():
        assert vobject.readOne(data).vevent.uid.value == uid
        (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
        out[uid] = event
    return out


def test_a_pmsmp_published_updated_and_cancelled_on_the_server(
    radicale: str, user: str, calendars: CaldavCalendars
) -> None:
    plugins = Plugins(entry_points=False)
    plugins.register(calendars, "caldav")
    store = MemoryStore()
    recorder = Recorder(store, plugins=plugins)
    dispatcher = Dispatcher(store, plugins=plugins)
    timeline = parcours()
    first = pmsmp_convention()
    timeline.add("2025-02-10", PmsmpDrafted(convention=first))
    validated(timeline)
    for event in timeline.log:
        recorder.record(event)
    assert dispatcher.run_until_idle().count("delivered") == len(timeline.effects)

    published = events(radicale, user, LEILA)
    assert len(published) == 10
    assert {e.decoded("sequence") for e in published.values()} == {1}
    tutor = events(radicale, user, TUTOR)
    assert {str(e["summary"]) for e in tutor.values()} == {"PMSMP : accueil de Leïla"}
    (staff,) = events(radicale, user, STAFF).values()
    assert str(staff["status"]) == "CONFIRMED"
    stored = read_back(radicale, user, STAFF)[str(staff["uid"])]
    assert "METHOD" not in stored  # RFC 4791, 4.1

    shorter = attrs.evolve(first, schedule=first.schedule[:-1], end=first.schedule[-2].date)
    amended = timeline.log.make("2025-02-21", PmsmpAmended(convention=shorter))
    recorder.record(amended)
    dispatcher.run_until_idle()
    updated = events(radicale, user, LEILA)
    assert set(updated) == set(published)  # the same UIDs
    assert {e.decoded("sequence") for e in updated.values()} == {2}
    assert sorted(str(e["status"]) for e in updated.values()) == ["CANCELLED"] + ["CONFIRMED"] * 9

    cancelled = timeline.log.make(
        "2025-02-25", PmsmpCancelled(convention="pm-1", reason="fermeture")
    )
    recorder.record(cancelled)
    dispatcher.run_until_idle()
    gone = events(radicale, user, LEILA)
    assert set(gone) == set(published)
    assert {str(e["status"]) for e in gone.values()} == {"CANCELLED"}
    # each raised above what it had: the day the amendment removed stays at 2
    assert sorted(e.decoded("sequence") for e in gone.values()) == [2] + [3] * 9


def test_an_older_version_arriving_late_changes_nothing(
    radicale: str, user: str, calendars: CaldavCalendars
) -> None:
    calendars.seve_calendar_publish(calendar_entry(sequence=2, summary="v2"), "k-2")
    calendars.seve_calendar_update(calendar_entry(sequence=1, summary="v1"), "k-1")
    (event,) = events(radicale, user, "staff:cip-1").values()
    assert str(event["summary"]) == "v2"
    calendars.seve_calendar_cancel(calendar_entry(sequence=3, cancelled=True), "k-3")
    calendars.seve_calendar_update(calendar_entry(sequence=3, summary="trop tard"), "k-4")
    (event,) = events(radicale, user, "staff:cip-1").values()
    assert str(event["status"]) == "CANCELLED"


def test_cancelling_what_was_never_published_creates_nothing(
    radicale: str, user: str, calendars: CaldavCalendars
) -> None:
    calendars.seve_calendar_cancel(calendar_entry(sequence=1, cancelled=True), "k-1")
    assert read_back(radicale, user, "staff:cip-1") == {}


def test_forgetting_deletes_the_person_calendar_and_their_entries(
    radicale: str, user: str, calendars: CaldavCalendars
) -> None:
    mine = attrs.evolve(calendar_entry(calendar="salarie:s-7"), audience=Audience.SALARIE)
    calendars.seve_calendar_publish(mine, "k-1")
    calendars.seve_calendar_publish(calendar_entry(uid="u-garde"), "k-2")
    calendars.seve_calendar_publish(calendar_entry(uid="u-oublie"), "k-3")
    forgotten = Erasure(reason="effacement", salarie=SalarieId("s-7"), calendar_uids=("u-oublie",))
    calendars.seve_forget(forgotten)
    assert read_back(radicale, user, "salarie:s-7") == {}
    assert list(read_back(radicale, user, "staff:cip-1")) == ["u-garde"]
    calendars.seve_forget(forgotten)  # idempotent


def test_a_server_that_is_down_makes_the_dispatcher_retry() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = CaldavCalendars(f"http://127.0.0.1:{port}/", timeout=2, require_tls=False)
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the HTTP library raises
        down.seve_calendar_publish(calendar_entry(), "k-1")
    plugins = Plugins(entry_points=False)
    plugins.register(down, "caldav")
    store = MemoryStore()
    timeline = parcours()
    timeline.add("2025-02-10", PmsmpDrafted(convention=pmsmp_convention()))
    recorder = Recorder(store, plugins=plugins)
    for event in timeline.log:
        recorder.record(event)
    report = Dispatcher(store, plugins=plugins, timeout=5).run_until_idle()
    assert report.count("retry") == 1  # the first; the next of the stream waits behind it
    assert report.count("delivered") == 0
    assert "Connection refused" in (report.outcomes[0].error or "")


def test_the_entry_point_is_configured_by_the_environment() -> None:
    assert isinstance(from_environ({}), NotConfigured)
    configured = from_environ(
        {"SEVE_CALDAV_URL": "https://agenda.example.org/dav/", "SEVE_CALDAV_USER": "seve"}
    )
    assert isinstance(configured, CaldavCalendars)
    assert configured.url == "https://agenda.example.org/dav/"
