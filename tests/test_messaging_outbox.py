"""Messages through the outbox: planned with their event, delivered by the dispatcher,
checked again at dispatch."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from seve.app import DeliveryJournal, Dispatcher, Recorder
from seve.effects import Delivery, DeliveryStatus
from seve.hooks import Plugins
from seve.messaging import (
    Directory,
    MessagePlanner,
    SendingGate,
    prescripteur_recipient,
    sent_from_outbox,
)
from seve.model import (
    PARIS,
    MessagingConsentWithdrawn,
    PmsmpAmended,
    PmsmpCancelled,
    Prescripteur,
    PrescripteurId,
    PrescripteurKind,
    SortieRecorded,
    StoryId,
    SuccessStory,
    SuccessStoryConsentGiven,
    SuccessStoryShared,
    SuccessStoryWritten,
)
from seve.storage import MemoryStore, OutboxStatus
from seve.testing.receivers import MemoryMessenger

sys.path.insert(0, str(Path(__file__).parent))
from builders import convention, day
from messaging_world import (
    LEILA,
    TUTOR,
    employer_events,
    offer_captured,
    other_parcours,
    parcours_events,
    pmsmp_events,
    structure_events,
    unique,
)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def _world(
    clock: Clock, *, planner: MessagePlanner | None = None
) -> tuple[Recorder, MessagePlanner, MemoryMessenger, Plugins]:
    planner = planner or MessagePlanner()
    messenger = MemoryMessenger()
    plugins = Plugins(entry_points=False, strict=True)
    plugins.register(planner, "messages")
    plugins.register(messenger, "memoire")
    recorder = Recorder(MemoryStore(), plugins=plugins, clock=clock)
    _record(recorder, [*structure_events(), *employer_events()])
    return recorder, planner, messenger, plugins


def _record(recorder: Recorder, events: list[Any]) -> None:
    for event in unique(events):
        recorder.record(event)


def _messages(store: Any) -> list[tuple[str, Any, dt.datetime]]:
    from seve.app._outbox import argument

    return [
        (entry.key, argument(entry)[1], entry.due_at)
        for entry in store.outbox()
        if entry.hook == "seve_deliver_message"
    ]


def test_a_validated_pmsmp_schedules_its_reminders_for_the_day_before() -> None:
    clock = Clock(dt.datetime(2025, 2, 24, 10, tzinfo=PARIS))
    recorder, planner, messenger, plugins = _world(clock)
    log = parcours_events()
    pmsmp_events(log)
    _record(recorder, log.events)
    scheduled = _messages(recorder.store)
    assert [(m.channel, m.recipient, due) for _key, m, due in scheduled] == [
        ("email", TUTOR.email, dt.datetime(2025, 3, 2, 10, tzinfo=PARIS)),
        ("sms", LEILA.phone, dt.datetime(2025, 3, 3, 8, tzinfo=PARIS)),  # not on Sunday
    ]
    assert planner.refusals == {}
    dispatcher = Dispatcher(recorder.store, plugins=plugins, clock=clock)
    assert dispatcher.run_until_idle().outcomes == ()  # not due yet
    clock.now = dt.datetime(2025, 3, 3, 8, tzinfo=PARIS)
    report = dispatcher.run_until_idle()
    assert report.count("delivered") == 2
    assert [m.subject for m in messenger.received()] == [
        "PMSMP : Leïla arrive le lundi 3 mars 2025",
        "Rappel : votre PMSMP chez Boulangerie Martin commence le lundi 3 mars 2025",
    ]


def test_an_offer_is_broadcast_and_a_refusal_is_reported_not_dropped() -> None:
    clock = Clock(dt.datetime(2025, 3, 4, 11, tzinfo=PARIS))
    refused: list[tuple[str, tuple[str, ...]]] = []
    planner = MessagePlanner(
        on_refused=lambda e, ps: refused.append((e.id, tuple(p.code for p in ps)))
    )
    recorder, planner, messenger, plugins = _world(clock, planner=planner)
    _record(recorder, parcours_events().events)
    _record(recorder, other_parcours(parcours_events(agreed=()).events, "p-2"))
    captured = offer_captured()
    recorder.record(captured)
    assert refused == [(captured.id, ("message.sans_consentement",))]
    assert planner.refusals[captured.id][0].path == ("drafts", 1, "recipient", "consents")
    Dispatcher(recorder.store, plugins=plugins, clock=clock).run_until_idle()
    (sent,) = messenger.received()
    assert (sent.channel, sent.recipient) == ("sms", LEILA.phone)
    assert sent.text.startswith("Leïla, offre Préparateur·rice de commandes en CDI")


def _fields(event: Any) -> dict[str, Any]:
    import attrs

    return attrs.asdict(event, recurse=False)


def test_a_channel_that_is_down_never_blocks_recording() -> None:
    clock = Clock(dt.datetime(2025, 3, 4, 11, tzinfo=PARIS))
    recorder, _planner, messenger, plugins = _world(clock)
    messenger.failures = 3
    _record(recorder, parcours_events().events)
    recorder.record(offer_captured())  # recorded while the channel is down
    dispatcher = Dispatcher(recorder.store, plugins=plugins, clock=clock)
    assert dispatcher.run_until_idle().count("retry") == 1
    for _ in range(3):
        clock.now += dt.timedelta(hours=2)
        dispatcher.run_until_idle()
    assert len(messenger.received()) == 1
    assert recorder.store.outbox(status=OutboxStatus.PENDING) == []


def test_suivi_check_ins_are_scheduled_with_the_sortie() -> None:
    from seve.model import Sortie, SortieMotif

    clock = Clock(dt.datetime(2025, 7, 14, 10, tzinfo=PARIS))
    recorder, _planner, _messenger, _plugins = _world(clock)
    log = parcours_events()
    log.add(
        "2025-07-14", SortieRecorded(sortie=Sortie(date=day("2025-07-14"), motif=SortieMotif.CDI))
    )
    _record(recorder, log.events)
    dues = [due for _k, _m, due in _messages(recorder.store)]
    assert dues == [
        dt.datetime(2025, 8, 14, 10, tzinfo=PARIS),
        dt.datetime(2025, 10, 14, 10, tzinfo=PARIS),
        dt.datetime(2026, 1, 14, 10, tzinfo=PARIS),
        dt.datetime(2026, 7, 14, 10, tzinfo=PARIS),
    ]


def test_a_shared_success_story_goes_to_the_prescripteur() -> None:
    ft = Prescripteur(
        id=PrescripteurId("ft-1"),
        kind=PrescripteurKind.FRANCE_TRAVAIL,
        name="France Travail Rennes Nord",
    )
    to = prescripteur_recipient(ft, name="Claire Durand", email="claire.durand@ft.example")
    planner = MessagePlanner(directory=Directory(prescripteurs={ft.id: (to, ft.name)}))
    clock = Clock(dt.datetime(2025, 6, 10, 10, tzinfo=PARIS))
    recorder, planner, messenger, plugins = _world(clock, planner=planner)
    log = parcours_events()
    story = SuccessStory(
        id=StoryId("st-1"),
        date=day("2025-06-10"),
        author="staff-1",
        title="Un CDI en logistique",
        text="...",
    )
    log.add("2025-06-10", SuccessStoryWritten(story=story))
    log.add("2025-06-10", SuccessStoryConsentGiven(story=story.id))
    log.add("2025-06-10", SuccessStoryShared(story=story.id, prescripteur=ft.id))
    log.add("2025-06-10", SuccessStoryShared(story=story.id, prescripteur=PrescripteurId("ml-9")))
    _record(recorder, log.events)
    Dispatcher(recorder.store, plugins=plugins, clock=clock).run_until_idle()
    (sent,) = messenger.received()
    assert (sent.recipient, sent.subject) == (
        to.addresses["email"],
        "Une belle histoire : Un CDI en logistique",
    )
    ((_event, (problem,)),) = planner.refusals.items()
    assert problem.code == "message.destinataire_inconnu"


def test_the_gate_refuses_at_dispatch_a_message_whose_consent_was_withdrawn_since() -> None:
    clock = Clock(dt.datetime(2025, 2, 24, 10, tzinfo=PARIS))
    planner = MessagePlanner()
    recorder, planner, messenger, plugins = _world(clock, planner=planner)
    plugins.register(SendingGate(planner.directory.recipient, clock=clock), "garde")
    log = parcours_events()
    pmsmp_events(log)
    log.add("2025-02-26", MessagingConsentWithdrawn(channel="sms"))
    _record(recorder, log.events)
    clock.now = dt.datetime(2025, 3, 3, 8, 30, tzinfo=PARIS)
    report = Dispatcher(recorder.store, plugins=plugins, clock=clock).run_until_idle()
    assert sorted(o.status for o in report.outcomes) == ["dead", "delivered"]
    (dead,) = recorder.store.outbox(status=OutboxStatus.DEAD)
    assert "[message.sans_consentement]" in (dead.last_error or "")
    assert [m.channel for m in messenger.received()] == ["email"]  # the tutor's


def _gated_world(clock: Clock) -> tuple[Recorder, MemoryMessenger, Plugins]:
    recorder, planner, messenger, plugins = _world(clock)
    directory = planner.directory
    gate = SendingGate(directory.recipient, clock=clock, sequences=directory.sequence)
    plugins.register(gate, "garde")
    return recorder, messenger, plugins


def test_the_gate_refuses_the_reminders_of_a_pmsmp_cancelled_since() -> None:
    clock = Clock(dt.datetime(2025, 2, 24, 10, tzinfo=PARIS))
    recorder, messenger, plugins = _gated_world(clock)
    log = parcours_events()
    pmsmp_events(log)
    log.add("2025-02-27", PmsmpCancelled(convention="pm-1", reason="Fermeture du magasin"))
    _record(recorder, log.events)
    assert len(_messages(recorder.store)) == 2  # planned with the validation
    clock.now = dt.datetime(2025, 3, 3, 8, 30, tzinfo=PARIS)
    report = Dispatcher(recorder.store, plugins=plugins, clock=clock).run_until_idle()
    assert [o.status for o in report.outcomes] == ["dead", "dead"]
    dead = recorder.store.outbox(status=OutboxStatus.DEAD)
    assert all("[message.perime]" in (d.last_error or "") for d in dead)
    assert all("la PMSMP pm-1 a été modifiée ou annulée" in (d.last_error or "") for d in dead)
    assert not any("Fermeture" in (d.last_error or "") for d in dead)  # the reason stays
    assert messenger.received() == []


def test_an_amended_pmsmp_is_reminded_of_on_its_new_days_only() -> None:
    clock = Clock(dt.datetime(2025, 2, 24, 10, tzinfo=PARIS))
    recorder, messenger, plugins = _gated_world(clock)
    log = parcours_events()
    pmsmp_events(log)
    log.add("2025-02-27", PmsmpAmended(convention=convention("2025-03-10")))
    _record(recorder, log.events)
    assert len(_messages(recorder.store)) == 4  # two for each version
    clock.now = dt.datetime(2025, 3, 10, 8, 15, tzinfo=PARIS)
    report = Dispatcher(recorder.store, plugins=plugins, clock=clock).run_until_idle()
    assert sorted(o.status for o in report.outcomes) == ["dead", "dead", "delivered", "delivered"]
    received = messenger.received()
    assert {m.channel for m in received} == {"email", "sms"}
    assert all(m.regarding is not None and m.regarding.sequence > 1 for m in received)
    tutor = next(m for m in received if m.channel == "email")
    assert "lundi 10 mars" in tutor.text
    assert "lundi 3 mars" not in tutor.text


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=3), max_size=3),
    st.booleans(),
)
def test_only_reminders_of_the_pmsmp_as_it_stands_are_delivered(
    shifts: list[int], cancelled: bool
) -> None:
    clock = Clock(dt.datetime(2025, 2, 24, 10, tzinfo=PARIS))
    recorder, messenger, plugins = _gated_world(clock)
    log = parcours_events()
    pmsmp_events(log, start="2025-03-17")
    for n, weeks in enumerate(shifts):  # avenants: the same PMSMP, 0 to 3 weeks later
        start = dt.date(2025, 3, 17) + dt.timedelta(weeks=weeks)
        log.add(f"2025-02-2{5 + n}", PmsmpAmended(convention=convention(start)))
    if cancelled:
        log.add("2025-02-28", PmsmpCancelled(convention="pm-1", reason="Fermeture du magasin"))
    _record(recorder, log.events)
    clock.now = dt.datetime(2025, 4, 9, 10, tzinfo=PARIS)  # a Wednesday: no quiet hours
    Dispatcher(recorder.store, plugins=plugins, clock=clock).run_until_idle()
    received = messenger.received()
    final = 1 + len(shifts) + cancelled  # validated, each avenant, the cancellation
    assert len(received) == (0 if cancelled else 2)
    assert {m.regarding.sequence for m in received if m.regarding} <= {final}
    dead = recorder.store.outbox(status=OutboxStatus.DEAD)
    assert len(dead) == 2 * (1 + len(shifts)) - len(received)


def test_without_sequences_the_gate_does_not_check_staleness() -> None:
    clock = Clock(dt.datetime(2025, 3, 4, 10, tzinfo=PARIS))
    from seve.effects import Audience, Message, Regarding, RegardingKind

    about = Regarding(stream="parcours:p-1", kind=RegardingKind.PMSMP, id="pm-1", sequence=1)
    mail = Message(
        channel="email",
        recipient="a@b.example",
        audience=Audience.EMPLOYER,
        subject="s",
        text="t",
        regarding=about,
    )
    assert SendingGate(lambda person: None, clock=clock).seve_deliver_message(mail, "k") is None
    unknown = SendingGate(lambda person: None, clock=clock, sequences=lambda about: None)
    assert unknown.seve_deliver_message(mail, "k") is None
    same = SendingGate(lambda person: None, clock=clock, sequences=lambda about: 1)
    assert same.seve_deliver_message(mail, "k") is None
    changed = SendingGate(lambda person: None, clock=clock, sequences=lambda about: 2)
    delivery = changed.seve_deliver_message(mail, "k")
    assert delivery is not None
    assert delivery.reference == "message.perime"


def test_the_gate_holds_back_a_short_message_leaving_the_outbox_at_night() -> None:
    clock = Clock(dt.datetime(2025, 3, 4, 23, 30, tzinfo=PARIS))
    gate = SendingGate(lambda person: None, clock=clock)
    from seve.effects import Audience, Message

    sms = Message(
        channel="sms", recipient="+33600000000", audience=Audience.SALARIE, subject="s", text="t"
    )
    delivery = gate.seve_deliver_message(sms, "k")
    assert delivery is not None
    assert delivery.status is DeliveryStatus.REFUSED
    assert delivery.reference == "message.heures_calmes"
    assert "à partir du 05/03/2025 à 08:00" in delivery.detail
    mail = Message(
        channel="email", recipient="a@b.example", audience=Audience.SALARIE, subject="s", text="t"
    )
    assert gate.seve_deliver_message(mail, "k") is None


def test_the_rate_limit_holds_across_events_and_restarts() -> None:
    clock = Clock(dt.datetime(2025, 3, 4, 11, tzinfo=PARIS))
    recorder, planner, _messenger, _plugins = _world(clock)
    _record(recorder, parcours_events().events)
    from messaging_world import offer
    from seve.model import OfferCaptured

    for n in range(5):
        captured = offer_captured()
        recorder.record(
            captured.__class__(
                **{
                    **_fields(captured),
                    "id": f"offer-ev-{n}",
                    "payload": OfferCaptured(offer=offer(f"o-{n}")),
                }
            )
        )
    assert len(_messages(recorder.store)) == 3
    assert sum(len(p) for p in planner.refusals.values()) == 2
    history = sent_from_outbox(recorder.store.outbox())
    assert len(history) == 3
    restarted = MessagePlanner(history=history)
    restarted.directory.load(planner.directory.parcours.values())
    restarted.directory.load(planner.directory.employers.values())
    captured = offer_captured()
    extra = captured.__class__(
        **{**_fields(captured), "id": "offer-ev-9", "payload": OfferCaptured(offer=offer("o-9"))}
    )
    employer = planner.directory.employers["emp-1"]
    assert restarted.seve_plan_effects(extra, employer, employer) == []
    assert [p.code for p in restarted.refusals[extra.id]] == ["message.limite_atteinte"]


def test_the_delivery_journal_keeps_the_first_delivery_per_key(tmp_path: Path) -> None:
    journal = DeliveryJournal(tmp_path / "journal.sqlite")
    first = Delivery(status=DeliveryStatus.SENT, detail="250 OK", reference="<a@b>")
    journal.put("k-1", first)
    journal.put("k-1", Delivery(status=DeliveryStatus.REFUSED))
    journal.close()
    reopened = DeliveryJournal(tmp_path / "journal.sqlite")
    assert reopened.get("k-1") == first
    assert reopened.get("k-2") is None
    assert len(reopened) == 1


def _schedule_flash_info(recorder: Recorder, at: dt.datetime) -> Any:
    """Schedule Flash Info ``fi-1`` (6 March 2025, 14:00) for ``s-1``; its stream's log."""
    from builders import Log
    from seve.model import FlashInfo, FlashInfoScheduled, StreamId

    session = FlashInfo(
        id="fi-1",
        date=day("2025-03-06"),
        led_by="staff-1",
        topics=("les métiers de la logistique",),
        start="14:00",
        end="14:30",
        invited=frozenset({"s-1"}),
    )
    log = Log(StreamId("siae:siae-1"))
    log._count = 50
    recorder.record(log.make(at, FlashInfoScheduled(session=session)))
    return log


def test_a_scheduled_flash_info_invites_the_salaries_invited() -> None:
    clock = Clock(dt.datetime(2025, 3, 3, 10, tzinfo=PARIS))
    recorder, _planner, messenger, plugins = _world(clock)
    _record(recorder, parcours_events().events)
    _record(recorder, other_parcours(parcours_events().events, "p-2"))
    _schedule_flash_info(recorder, clock.now)
    Dispatcher(recorder.store, plugins=plugins, clock=clock).run_until_idle()
    (sent,) = messenger.received()
    assert sent.person == "salarie:s-1"
    assert sent.text.startswith("Leïla, Flash Info le jeudi 6 mars 2025 à 14:00 (Le Jardin)")


def test_an_invitation_held_for_the_morning_is_not_sent_for_a_cancelled_flash_info() -> None:
    from seve.model import FlashInfoCancelled

    clock = Clock(dt.datetime(2025, 3, 3, 21, tzinfo=PARIS))  # SMS wait for the morning
    recorder, messenger, plugins = _gated_world(clock)
    _record(recorder, parcours_events().events)
    log = _schedule_flash_info(recorder, clock.now)
    clock.now = dt.datetime(2025, 3, 3, 21, 30, tzinfo=PARIS)
    recorder.record(log.make(clock.now, FlashInfoCancelled(session="fi-1")))
    clock.now = dt.datetime(2025, 3, 4, 8, 30, tzinfo=PARIS)
    report = Dispatcher(recorder.store, plugins=plugins, clock=clock).run_until_idle()
    (outcome,) = report.outcomes
    assert outcome.status == "dead"
    assert "la session Flash Info fi-1 a été modifiée ou annulée" in (outcome.error or "")
    assert messenger.received() == []
