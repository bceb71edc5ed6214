"""seve-apprise against a real HTTP endpoint: one delivery per recipient, in seve's terms."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

import seve_apprise
from seve.app import Dispatcher, Recorder
from seve.effects import Audience, DeliveryStatus, Message
from seve.hooks import Plugins
from seve.messaging import DEFAULT_TEMPLATES, ics_attachment
from seve.storage import MemoryStore, OutboxStatus
from seve_apprise import AppriseError, AppriseMessenger, Unavailable, routes_from_environ


def _sms(recipient: str = "+33601020304", **kw: Any) -> Message:
    content = DEFAULT_TEMPLATES["offre.diffusion"].preview()
    values: dict[str, Any] = {
        "channel": "sms",
        "recipient": recipient,
        "audience": Audience.SALARIE,
        "subject": content.subject,
        "text": content.short,
    }
    values.update(kw)
    return Message(**values)


def test_each_recipient_gets_its_own_notification_and_delivery(endpoint: Any) -> None:
    messenger = AppriseMessenger({"sms": endpoint.route()})
    numbers = ["+33601020304", "+33611223344", "+33699887766"]
    deliveries = [messenger.deliver(_sms(n), f"k-{n}") for n in numbers]
    assert [d.status if d else None for d in deliveries] == [DeliveryStatus.ACCEPTED] * 3
    assert [path for path, _body in endpoint.requests] == [f"/ok/{n}" for n in numbers]
    _path, body = endpoint.requests[0]
    assert body["title"] == "Offre d'emploi : Préparateur·rice de commandes à Rennes (35200)"
    assert body["message"].startswith("Leïla, offre Préparateur·rice de commandes en CDI")


def test_a_client_error_is_a_final_refusal_and_the_route_stays_secret(endpoint: Any) -> None:
    messenger = AppriseMessenger({"sms": endpoint.route("inconnu")})
    delivery = messenger.deliver(_sms(), "k")
    assert delivery is not None
    assert delivery.status is DeliveryStatus.REFUSED
    assert "404" in delivery.detail
    assert str(endpoint.port) not in delivery.detail


@pytest.mark.parametrize("answer", ["panne", "trop"])
def test_a_server_error_or_a_rate_limit_is_retried(endpoint: Any, answer: str) -> None:
    messenger = AppriseMessenger({"sms": endpoint.route(answer)})
    with pytest.raises(Unavailable):
        messenger.deliver(_sms(), "k")
    assert messenger.journal.get("k") is None  # not written down: tried again later


def test_a_service_that_does_not_answer_is_retried() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    messenger = AppriseMessenger({"sms": f"json://127.0.0.1:{closed}/{{recipient}}"})
    with pytest.raises(Unavailable, match="n'a pas pris le message"):
        messenger.deliver(_sms(), "k")


def test_attachments_are_passed_on(endpoint: Any) -> None:
    ics = ics_attachment("BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n", filename="a.ics")
    messenger = AppriseMessenger({"signal": endpoint.route()})
    messenger.deliver(_sms(channel="signal", attachments=(ics,)), "k")
    ((_path, body),) = endpoint.requests
    (attached,) = body["attachments"]
    assert attached["filename"].endswith("a.ics")
    assert base64.b64decode(attached["base64"]) == ics.content


def test_one_key_is_sent_once_across_messengers_sharing_a_journal(
    endpoint: Any, tmp_path: Path
) -> None:
    journal = tmp_path / "journal.sqlite"
    first = AppriseMessenger({"sms": endpoint.route()}, journal=journal).deliver(_sms(), "k")
    again = AppriseMessenger({"sms": endpoint.route()}, journal=journal).deliver(_sms(), "k")
    assert again == first
    assert len(endpoint.requests) == 1


def test_routes_need_the_recipient_and_come_from_the_environment() -> None:
    with pytest.raises(AppriseError) as refused:
        AppriseMessenger({"sms": "json://127.0.0.1/fixe"})
    assert refused.value.code == "apprise.route_invalide"
    assert routes_from_environ(
        {"SEVE_APPRISE_SMS": "a/{recipient}", "SEVE_APPRISE_JOURNAL": "j", "HOME": "/"}
    ) == {"sms": "a/{recipient}"}
    assert AppriseMessenger({}).deliver(_sms(), "k") is None


def test_the_entry_point_delivers_through_the_outbox(
    endpoint: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seve.effects import MessageEffect
    from seve.model import PARIS, Event, Siae, SiaeKind, SiaeRegistered

    monkeypatch.setenv("SEVE_LOAD_PLUGINS", "apprise")
    monkeypatch.setenv("SEVE_APPRISE_SMS", endpoint.route())
    monkeypatch.setenv("SEVE_APPRISE_WHATSAPP", endpoint.route("inconnu"))
    monkeypatch.delenv("SEVE_APPRISE_JOURNAL", raising=False)

    class Plan:
        def seve_plan_effects(self, event: Any, before: Any, after: Any) -> list[Any]:
            return [
                MessageEffect(message=_sms()),
                MessageEffect(message=_sms(channel="whatsapp")),
                MessageEffect(message=_sms(channel="email")),
            ]

    plugins = Plugins()
    plugins.register(Plan(), "plan")
    import datetime as dt

    at = dt.datetime(2025, 3, 3, 9, tzinfo=PARIS)
    store = MemoryStore()
    siae = Siae(id="s", kind=SiaeKind.ACI, siret="73282932000074", name="J", territory="R")
    Recorder(store, plugins=plugins).record(
        Event(
            id="ev-1",
            stream="siae:s",
            occurred_at=at,
            recorded_at=at,
            recorded_by="d",
            payload=SiaeRegistered(siae=siae),
        )
    )
    report = Dispatcher(store, plugins=plugins).run_until_idle()
    assert [o.status for o in report.outcomes] == ["delivered", "dead", "dead"]
    assert report.outcomes[0].delivery is not None
    assert report.outcomes[0].delivery.status is DeliveryStatus.ACCEPTED
    dead = {e.key: e.last_error for e in store.outbox(status=OutboxStatus.DEAD)}
    assert "refusé par apprise" in dead["ev-1/1/messaging"]
    assert "aucun plugin ne livre le canal « email »" in dead["ev-1/2/messaging"]
    assert seve_apprise.seve_deliver_message(_sms(channel="telegram"), "k") is None
