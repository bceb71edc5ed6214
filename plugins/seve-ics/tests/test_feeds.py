"""What is particular to seve-ics: the layout of the feeds, their tokens, atomic and
idempotent rewriting, the entry point, erasure, and a year of calendars through the
recording service."""

from __future__ import annotations

import datetime as dt
import os
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import icalendar
import pytest
import vobject

from seve.app import Dispatcher, Recorder
from seve.audience import Audience
from seve.calendar import calendar_id
from seve.effects import CalendarEntry
from seve.hooks import Plugins
from seve.model import (
    PARIS,
    AgeBand,
    Appointment,
    AppointmentId,
    AppointmentKind,
    AppointmentScheduled,
    ClockTime,
    Contract,
    ContractKind,
    EducationLevel,
    Embauche,
    Event,
    EventId,
    JoblessDuration,
    PassIae,
    PersonalData,
    PersonalDataRecorded,
    Place,
    SalarieId,
    SiaeId,
    SiaeKind,
    SituationAtEntry,
    StaffContact,
    StaffId,
    StreamKind,
    stream_id,
)
from seve.privacy import Erasure
from seve.storage import MemoryStore
from seve.testing._effects_contract import calendar_entry
from seve_ics import IcsFeeds, IcsFeedsError, NotConfigured, from_environ


@pytest.fixture
def feeds(tmp_path: Path) -> IcsFeeds:
    return IcsFeeds(tmp_path / "agendas", fsync=False)


def staff_feed(feeds: IcsFeeds, calendar: str = "staff:cip-1") -> Path:
    return feeds.feed_path(calendar, Audience.STAFF)


def test_one_feed_per_audience_and_person_with_an_unguessable_name(feeds: IcsFeeds) -> None:
    feeds.seve_calendar_publish(calendar_entry(), "k-1")
    feeds.seve_calendar_publish(calendar_entry(calendar="staff:cip-2"), "k-2")
    salarie = attrs.evolve(calendar_entry(calendar="salarie:s-7"), audience=Audience.SALARIE)
    feeds.seve_calendar_publish(salarie, "k-3")
    listed = {(f.audience, f.calendar): f.path for f in feeds.feeds()}
    assert set(listed) == {
        (Audience.STAFF, "staff:cip-1"),
        (Audience.STAFF, "staff:cip-2"),
        (Audience.SALARIE, "salarie:s-7"),
    }
    path = listed[(Audience.SALARIE, "salarie:s-7")]
    assert path.startswith("salarie/salarie-s-7-")
    assert path.endswith(".ics")
    assert len(Path(path).stem.rsplit("-", 1)[1]) == 20  # the token: 100 bits
    assert (feeds.directory / path).exists()
    other = IcsFeeds(feeds.directory.parent / "ailleurs")
    assert other.feed_path("salarie:s-7", Audience.SALARIE).name != Path(path).name
    again = IcsFeeds(feeds.directory)  # the secret is kept: the same names
    assert again.feed_path("salarie:s-7", Audience.SALARIE) == feeds.directory / path
    secret = feeds.directory / ".seve-ics" / "secret"
    assert secret.stat().st_mode & 0o777 == 0o600


def test_a_feed_is_a_subscribable_vcalendar_that_both_parsers_read(feeds: IcsFeeds) -> None:
    for n in range(3):
        feeds.seve_calendar_publish(calendar_entry(uid=f"u-{n}", summary=f"Journée {n}"), f"k{n}")
    text = staff_feed(feeds).read_text(encoding="utf-8")
    parsed = icalendar.Calendar.from_ical(text)
    assert str(parsed["method"]) == "PUBLISH"
    assert str(parsed["x-wr-calname"]) == "Agenda seve"
    assert parsed.decoded("refresh-interval") == dt.timedelta(hours=1)
    assert [str(e["uid"]) for e in parsed.walk("VEVENT")] == ["u-0", "u-1", "u-2"]
    theirs = vobject.readOne(text)
    assert [e.uid.value for e in theirs.vevent_list] == ["u-0", "u-1", "u-2"]


def test_publishing_again_rewrites_nothing_and_an_older_version_is_ignored(
    feeds: IcsFeeds,
) -> None:
    feeds.seve_calendar_publish(calendar_entry(sequence=2, summary="v2"), "k-1")
    first = staff_feed(feeds).read_bytes()
    feeds.seve_calendar_publish(calendar_entry(sequence=2, summary="v2"), "k-1")
    feeds.seve_calendar_update(calendar_entry(sequence=1, summary="v1, en retard"), "k-0")
    assert staff_feed(feeds).read_bytes() == first


def test_a_cancellation_stays_and_is_not_undone_by_a_late_publication(feeds: IcsFeeds) -> None:
    feeds.seve_calendar_publish(calendar_entry(), "k-1")
    feeds.seve_calendar_cancel(calendar_entry(sequence=1, cancelled=True), "k-2")
    feeds.seve_calendar_update(calendar_entry(sequence=1, summary="trop tard"), "k-3")
    (event,) = icalendar.Calendar.from_ical(staff_feed(feeds).read_text()).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
    assert event.decoded("sequence") == 1


def test_a_cancel_without_status_is_marked_cancelled(feeds: IcsFeeds) -> None:
    feeds.seve_calendar_publish(calendar_entry(), "k-1")
    feeds.seve_calendar_cancel(calendar_entry(sequence=1), "k-2")
    (event,) = icalendar.Calendar.from_ical(staff_feed(feeds).read_text()).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"


def test_a_crash_while_writing_leaves_the_old_feed_whole(
    feeds: IcsFeeds, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds.seve_calendar_publish(calendar_entry(), "k-1")
    before = staff_feed(feeds).read_bytes()

    def crash(*_args: Any) -> None:
        raise OSError("disque plein")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disque plein"):
        feeds.seve_calendar_update(calendar_entry(sequence=1, summary="nouveau"), "k-2")
    assert staff_feed(feeds).read_bytes() == before
    assert not [p for p in staff_feed(feeds).parent.iterdir() if p.suffix == ".tmp"]


def test_an_entry_that_is_not_icalendar_is_refused(feeds: IcsFeeds) -> None:
    bad = CalendarEntry(
        uid="u-1", sequence=0, calendar="staff:cip-1", audience=Audience.STAFF, ical="pas ical"
    )
    with pytest.raises(IcsFeedsError):
        feeds.seve_calendar_publish(bad, "k-1")
    other = attrs.evolve(calendar_entry(), uid="autre")
    with pytest.raises(IcsFeedsError, match="aucun VEVENT"):
        feeds.seve_calendar_publish(other, "k-2")


def test_writers_in_parallel_lose_no_entry(tmp_path: Path) -> None:
    directory = tmp_path / "agendas"

    def write(prefix: str) -> None:
        mine = IcsFeeds(directory, fsync=False)  # its own lock: only the file lock is shared
        for n in range(25):
            mine.seve_calendar_publish(calendar_entry(uid=f"{prefix}-{n}"), f"{prefix}-{n}")

    threads = [threading.Thread(target=write, args=(p,)) for p in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    parsed = icalendar.Calendar.from_ical(staff_feed(IcsFeeds(directory)).read_text())
    assert len(parsed.walk("VEVENT")) == 50


def test_forgetting_a_person_drops_their_feed_and_their_entries(feeds: IcsFeeds) -> None:
    mine = attrs.evolve(calendar_entry(calendar="salarie:s-7"), audience=Audience.SALARIE)
    feeds.seve_calendar_publish(mine, "k-1")
    feeds.seve_calendar_publish(calendar_entry(uid="u-garde"), "k-2")
    feeds.seve_calendar_publish(calendar_entry(uid="u-oublie"), "k-3")
    feeds.seve_calendar_publish(calendar_entry(uid="u-nom", summary="RDV Benali"), "k-4")
    forgotten = Erasure(
        reason="effacement",
        salarie=SalarieId("s-7"),
        calendar_uids=("u-oublie",),
        identity=("Benali",),
    )
    feeds.seve_forget(forgotten)
    assert not feeds.feed_path("salarie:s-7", Audience.SALARIE).exists()
    assert [f.calendar for f in feeds.feeds()] == ["staff:cip-1"]
    assert list(feeds.read("staff:cip-1", Audience.STAFF)) == ["u-garde"]
    feeds.seve_forget(forgotten)  # idempotent


def test_the_entry_point_writes_where_seve_ics_dir_says(tmp_path: Path) -> None:
    assert isinstance(from_environ({}), NotConfigured)
    configured = from_environ({"SEVE_ICS_DIR": str(tmp_path)})
    assert isinstance(configured, IcsFeeds)
    assert configured.directory == tmp_path
    plugins = Plugins(environ={"SEVE_LOAD_PLUGINS": "ics"})
    info = {i.name: i for i in plugins.info()}
    assert "ics" in info
    if "SEVE_ICS_DIR" not in os.environ:
        assert info["ics"].hooks == ()  # not configured: it writes nothing


# --- a parcours through the recording service ---------------------------------------------------

KARIM = StaffContact(staff=StaffId("cip-karim"), name="Karim Haddad", phone="06 12 34 56 78")


def _event(n: int, day: dt.date, payload: Any) -> Event[Any]:
    at = dt.datetime.combine(day, dt.time(9), tzinfo=PARIS)
    return Event(
        id=EventId(f"e-{n}"),
        stream=stream_id(StreamKind.PARCOURS, "p-1"),
        occurred_at=at,
        recorded_at=at,
        recorded_by=StaffId("cip-karim"),
        payload=payload,
    )


def test_appointments_recorded_reach_each_audience_feed(feeds: IcsFeeds) -> None:
    plugins = Plugins(entry_points=False)
    plugins.register(feeds, "ics")
    store = MemoryStore()
    recorder = Recorder(store, plugins=plugins)
    start = dt.date(2025, 1, 6)
    hire = Embauche(
        salarie=SalarieId("s-1"),
        siae=SiaeId("siae-1"),
        siae_kind=SiaeKind.ACI,
        situation=SituationAtEntry(
            age_band=AgeBand.FROM_26_TO_49,
            education=EducationLevel.NIVEAU_3,
            jobless=JoblessDuration.FROM_12_TO_23_MONTHS,
        ),
        pass_iae=PassIae(number="999992012345", start=start, end=dt.date(2027, 1, 5)),
        contract=Contract(
            id="c-1", kind=ContractKind.CDDI, start=start, end=dt.date(2025, 7, 5),
            weekly_hours=Decimal(26),
        ),
    )  # fmt: skip
    recorder.record(_event(1, start, hire))
    recorder.record(
        _event(2, start, PersonalDataRecorded(data=PersonalData(first_name="Leïla", last_name="B")))
    )
    meeting = Appointment(
        id=AppointmentId("rdv-1"),
        kind=AppointmentKind.ENTRETIEN,
        date=dt.date(2025, 2, 10),
        start=ClockTime("10:00"),
        end=ClockTime("11:00"),
        place=Place(name="Le Jardin"),
        referent=KARIM,
        bring=("votre CV",),
    )
    recorder.record(_event(3, dt.date(2025, 2, 1), AppointmentScheduled(appointment=meeting)))
    report = Dispatcher(store, plugins=plugins).run_until_idle()
    assert report.count("delivered") == 3
    mine = feeds.read(calendar_id("salarie", "s-1"), Audience.SALARIE)
    (ical,) = mine.values()
    assert "À apporter : votre CV." in ical.replace("\r\n ", "")
    assert set(feeds.read(calendar_id("staff", "cip-karim"), Audience.STAFF)) == set(
        feeds.read(calendar_id("siae", "siae-1"), Audience.STAFF)
    )
