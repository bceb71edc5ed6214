"""The contract suites of calendar and messaging plugins (re-exported by
:mod:`seve.testing.contract`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..effects import Audience, CalendarEntry, Delivery, DeliveryStatus, Message
from ..hooks import Plugins

__all__ = ["CalendarContract", "MessengerContract"]

_START = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(str.strip)


#: Every subclass runs the same property tests with its own fixtures.
_SUBCLASSED = [HealthCheck.function_scoped_fixture, HealthCheck.differing_executors]


def _vcalendar(uid: str, sequence: int, summary: str, *, cancelled: bool = False) -> str:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("summary", summary)
    event.add("dtstamp", _START)
    event.add("dtstart", _START)
    event.add("dtend", _START + dt.timedelta(hours=3))
    if cancelled:
        event.add("status", "CANCELLED")
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//seve//contract//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(event)
    return str(calendar.to_ical().decode())


def calendar_entry(
    uid: str = "pmsmp-1-jour-1",
    *,
    sequence: int = 0,
    summary: str = "PMSMP : première journée",
    calendar: str = "staff:cip-1",
    cancelled: bool = False,
) -> CalendarEntry:
    """An entry with a real, minimal ``VCALENDAR`` (one ``VEVENT``)."""
    return CalendarEntry(
        uid=uid,
        sequence=sequence,
        calendar=calendar,
        audience=Audience.STAFF,
        ical=_vcalendar(uid, sequence, summary, cancelled=cancelled),
    )


def _event(ical: str) -> icalendar.cal.Component:
    (event,) = icalendar.Calendar.from_ical(ical).walk("VEVENT")
    return event


class _HookContract:
    """Registers the fixture's plugin strictly and calls its hooks the way the
    dispatcher does."""

    plugin_name: ClassVar[str] = "under_test"

    @pytest.fixture
    def call(self, plugin: object) -> Callable[..., Any]:
        plugins = Plugins(entry_points=False, strict=True)
        plugins.register(plugin, self.plugin_name)

        def call(hook: str, **kwargs: Any) -> Any:
            return plugins.call(hook, self.plugin_name, **kwargs)

        return call


class CalendarContract(_HookContract):
    """What every calendar plugin must do, checked by reading back.

    Subclass it and give two fixtures:

    - ``plugin``: the plugin object (a module or an instance with the three
      ``seve_calendar_*`` hooks);
    - ``published``: a function ``published(calendar) -> {uid: ical}`` that reads
      back, from the backend itself (the server, the files), the entries of one
      calendar as iCalendar text.  A cancelled entry may be absent or present with
      ``STATUS:CANCELLED``.
    """

    def test_a_published_entry_can_be_read_back(
        self, call: Callable[..., Any], published: Callable[[str], Mapping[str, str]]
    ) -> None:
        entry = calendar_entry()
        assert call("seve_calendar_publish", entry=entry, key="k-1") is None
        event = _event(published(entry.calendar)[entry.uid])
        assert str(event["summary"]) == "PMSMP : première journée"

    def test_publishing_twice_with_one_key_keeps_one_entry(
        self, call: Callable[..., Any], published: Callable[[str], Mapping[str, str]]
    ) -> None:
        entry = calendar_entry()
        call("seve_calendar_publish", entry=entry, key="k-1")
        call("seve_calendar_publish", entry=entry, key="k-1")
        assert list(published(entry.calendar)) == [entry.uid]

    def test_an_update_replaces_the_entry(
        self, call: Callable[..., Any], published: Callable[[str], Mapping[str, str]]
    ) -> None:
        call("seve_calendar_publish", entry=calendar_entry(), key="k-1")
        moved = calendar_entry(sequence=1, summary="PMSMP : journée déplacée")
        call("seve_calendar_update", entry=moved, key="k-2")
        event = _event(published(moved.calendar)[moved.uid])
        assert (event.decoded("sequence"), str(event["summary"])) == (1, "PMSMP : journée déplacée")

    def test_a_cancelled_entry_is_gone_or_marked_cancelled(
        self, call: Callable[..., Any], published: Callable[[str], Mapping[str, str]]
    ) -> None:
        call("seve_calendar_publish", entry=calendar_entry(), key="k-1")
        cancelled = calendar_entry(sequence=1, cancelled=True)
        call("seve_calendar_cancel", entry=cancelled, key="k-2")
        left = published(cancelled.calendar)
        if cancelled.uid in left:
            assert str(_event(left[cancelled.uid])["status"]) == "CANCELLED"

    def test_calendars_are_kept_apart(
        self, call: Callable[..., Any], published: Callable[[str], Mapping[str, str]]
    ) -> None:
        call("seve_calendar_publish", entry=calendar_entry(calendar="staff:cip-1"), key="k-1")
        call("seve_calendar_publish", entry=calendar_entry(calendar="staff:cip-2"), key="k-2")
        assert (
            list(published("staff:cip-1")) == list(published("staff:cip-2")) == ["pmsmp-1-jour-1"]
        )
        assert published("staff:personne") == {}

    @settings(max_examples=10, deadline=None, suppress_health_check=_SUBCLASSED)
    @given(summary=_TEXT)
    def test_any_french_text_survives(
        self,
        call: Callable[..., Any],
        published: Callable[[str], Mapping[str, str]],
        summary: str,
    ) -> None:
        entry = calendar_entry(uid=f"u-{abs(hash(summary))}", summary=summary)
        call("seve_calendar_publish", entry=entry, key=entry.uid)
        assert str(_event(published(entry.calendar)[entry.uid])["summary"]) == summary


class MessengerContract(_HookContract):
    """What every messaging plugin must do, checked on the receiving side.

    Subclass it and give four fixtures:

    - ``plugin``: the plugin object (with ``seve_deliver_message``);
    - ``channel`` and ``recipient``: a channel it delivers and an address on it;
    - ``received``: a function ``received() -> [text]`` that reads, on the receiving
      side (the SMTP server, the HTTP endpoint), the plain-text bodies delivered so
      far, in order.
    """

    #: Statuses a successful delivery may report.
    accepted: ClassVar[Sequence[DeliveryStatus]] = (
        DeliveryStatus.SENT,
        DeliveryStatus.ACCEPTED,
        DeliveryStatus.DELIVERED,
    )

    @pytest.fixture
    def message(self, channel: str, recipient: str) -> Message:
        return Message(
            channel=channel,
            recipient=recipient,
            audience=Audience.SALARIE,
            subject="Offre d'emploi",
            text="Bonjour, une offre de préparateur·rice de commandes vous attend.",
        )

    def test_a_message_is_delivered_and_reported(
        self, call: Callable[..., Any], message: Message, received: Callable[[], list[str]]
    ) -> None:
        delivery = call("seve_deliver_message", message=message, key="m-1")
        assert isinstance(delivery, Delivery)
        assert delivery.status in self.accepted
        assert any(message.text in text for text in received())

    def test_one_key_is_delivered_once(
        self, call: Callable[..., Any], message: Message, received: Callable[[], list[str]]
    ) -> None:
        first = call("seve_deliver_message", message=message, key="m-1")
        second = call("seve_deliver_message", message=message, key="m-1")
        assert second.status == first.status
        assert sum(message.text in text for text in received()) == 1

    def test_another_channel_is_left_to_other_plugins(
        self, call: Callable[..., Any], message: Message, received: Callable[[], list[str]]
    ) -> None:
        other = Message(
            channel="pigeon-voyageur",
            recipient=message.recipient,
            audience=message.audience,
            subject=message.subject,
            text=message.text,
        )
        assert call("seve_deliver_message", message=other, key="m-2") is None
        assert received() == []
