"""seve-smtp against a real aiosmtpd server: what the server receives."""

from __future__ import annotations

import email
import email.policy
import hashlib
import socket
from pathlib import Path
from typing import Any

import pytest

import seve_smtp
from seve.effects import Audience, DeliveryStatus, Message
from seve.hooks import Plugins
from seve.messaging import DEFAULT_TEMPLATES, ics_attachment
from seve_smtp import Mailer, MailerError, MailerUrl, Unavailable, message_id

_ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//seve//test//FR\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:pmsmp-pm-1@seve\r\nDTSTAMP:20250224T090000Z\r\n"
    "DTSTART:20250303T080000Z\r\nSUMMARY:PMSMP\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _message(**kw: Any) -> Message:
    content = DEFAULT_TEMPLATES["pmsmp.rappel_salarie"].preview()
    values: dict[str, Any] = {
        "channel": "email",
        "recipient": "leila.benali@example.org",
        "audience": Audience.SALARIE,
        "subject": content.subject,
        "text": content.text,
        "html": content.html,
        "attachments": (ics_attachment(_ICS, filename="pmsmp.ics"),),
    }
    values.update(kw)
    return Message(**values)


def test_the_server_receives_text_html_and_the_invitation(smtp_server: Any) -> None:
    mailer = Mailer(smtp_server.url, sender="Les Jardins du Val <contact@jardins.example>")
    delivery = mailer.deliver(_message(), "ev-1/0/messaging")
    assert delivery is not None
    assert delivery.status is DeliveryStatus.SENT
    assert delivery.detail == f"accepté par le serveur 127.0.0.1:{smtp_server.port}"
    (received,) = smtp_server.inbox.received
    assert smtp_server.inbox.envelopes == [
        ("contact@jardins.example", ["leila.benali@example.org"])
    ]
    assert received["Subject"] == (
        "Rappel : votre PMSMP chez Boulangerie Martin commence le lundi 3 mars 2025"
    )
    assert received["From"] == "Les Jardins du Val <contact@jardins.example>"
    digest = hashlib.sha256(b"ev-1/0/messaging").hexdigest()[:40]
    assert received["Message-ID"] == f"<seve.{digest}@jardins.example>" == delivery.reference
    assert received["X-Seve-Key"] == "ev-1/0/messaging"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received.get_content_type() == "multipart/mixed"
    plain = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert plain is not None
    assert html is not None
    assert "Votre tuteur·rice : Sophie Martin" in plain.get_content()
    assert "<li>une pièce d'identité</li>" in html.get_content()
    (invitation,) = received.iter_attachments()
    assert invitation.get_content_type() == "text/calendar"
    assert invitation.get_param("method") == "REQUEST"
    assert invitation.get_filename() == "pmsmp.ics"
    assert invitation.get_content().replace("\r\n", "\n") == _ICS.replace("\r\n", "\n")


def test_a_text_only_message_is_a_plain_e_mail(smtp_server: Any) -> None:
    Mailer(smtp_server.url).deliver(_message(html=None, attachments=()), "k")
    (received,) = smtp_server.inbox.received
    assert received.get_content_type() == "text/plain"
    assert received["From"] == "seve <seve@localhost>"


def test_one_key_is_sent_once_even_by_a_new_mailer_on_the_same_journal(
    smtp_server: Any, tmp_path: Path
) -> None:
    journal = tmp_path / "journal.sqlite"
    first = Mailer(smtp_server.url, journal=journal).deliver(_message(), "k-1")
    again = Mailer(smtp_server.url, journal=journal).deliver(_message(), "k-1")
    assert again == first
    assert len(smtp_server.inbox.received) == 1
    Mailer(smtp_server.url, journal=journal).deliver(_message(), "k-2")
    assert len(smtp_server.inbox.received) == 2


def test_an_unknown_mailbox_is_refused_for_good(smtp_server: Any) -> None:
    smtp_server.inbox.refuse.add("personne@example.org")
    delivery = Mailer(smtp_server.url).deliver(_message(recipient="personne@example.org"), "k")
    assert delivery is not None
    assert delivery.status is DeliveryStatus.REFUSED
    assert "550" in delivery.detail
    assert smtp_server.inbox.received == []


def test_a_deferral_or_a_server_down_is_retried_later(smtp_server: Any) -> None:
    smtp_server.inbox.answer = "451 4.3.0 réessayez plus tard"
    mailer = Mailer(smtp_server.url)
    with pytest.raises(Unavailable, match="451"):
        mailer.deliver(_message(), "k")
    smtp_server.inbox.answer = "250 OK"
    assert mailer.deliver(_message(), "k") is not None  # not journaled: sent now
    assert len(smtp_server.inbox.received) == 1
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nobody listens there once it is closed
    with pytest.raises(Unavailable, match="injoignable"):
        Mailer(f"smtp://127.0.0.1:{closed}", timeout=2).deliver(_message(), "k-3")


def test_the_maildir_writes_each_key_once_atomically(tmp_path: Path) -> None:
    mailer = Mailer(f"maildir:{tmp_path / 'courriels'}")
    first = mailer.deliver(_message(), "k-1")
    assert first is not None
    assert mailer.deliver(_message(subject="autre"), "k-1") == first
    (path,) = (tmp_path / "courriels" / "new").iterdir()
    assert first.detail == f"écrit dans {path}"
    assert list((tmp_path / "courriels" / "tmp").iterdir()) == []
    written = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert written["Message-ID"] == message_id("k-1", "localhost")


def test_other_channels_are_left_to_other_plugins(tmp_path: Path) -> None:
    assert Mailer(f"maildir:{tmp_path}").deliver(_message(channel="sms"), "k") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://relay.example", MailerUrl(kind="smtp", host="relay.example", port=25)),
        (
            "smtp://ana:s%40cret@relay.example:587?starttls=1",
            MailerUrl(
                kind="smtp",
                host="relay.example",
                port=587,
                user="ana",
                password="s@cret",
                starttls=True,
            ),
        ),
        ("smtps://relay.example", MailerUrl(kind="smtps", host="relay.example", port=465)),
        ("maildir:courriels", MailerUrl(kind="maildir", path=Path("courriels"))),
        ("maildir:///var/mail/seve", MailerUrl(kind="maildir", path=Path("/var/mail/seve"))),
    ],
)
def test_urls(url: str, expected: MailerUrl) -> None:
    assert MailerUrl.parse(url) == expected
    assert "cret" not in str(MailerUrl.parse(url))


@pytest.mark.parametrize("url", ["http://x", "smtp://", "smtp://h:port", "maildir:"])
def test_a_bad_url_is_refused(url: str) -> None:
    with pytest.raises(MailerError) as refused:
        MailerUrl.parse(url)
    assert refused.value.code == "smtp.url_invalide"


def test_the_entry_point_reads_its_configuration_from_the_environment(
    smtp_server: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SEVE_LOAD_PLUGINS", "smtp")
    monkeypatch.setenv("SEVE_SMTP_URL", smtp_server.url)
    monkeypatch.setenv("SEVE_SMTP_FROM", "Jardins <contact@jardins.example>")
    monkeypatch.setenv("SEVE_SMTP_JOURNAL", str(tmp_path / "journal.sqlite"))
    plugins = Plugins()
    assert "smtp" in plugins.implementers("seve_deliver_message")
    delivery = plugins.call("seve_deliver_message", "smtp", message=_message(), key="k")
    assert delivery.status is DeliveryStatus.SENT
    assert smtp_server.inbox.envelopes[0][0] == "contact@jardins.example"
    assert seve_smtp.seve_deliver_message(_message(channel="sms"), "k") is None
    monkeypatch.delenv("SEVE_SMTP_URL")
    monkeypatch.chdir(tmp_path)
    written = seve_smtp.seve_deliver_message(_message(), "k-2")
    assert written is not None
    assert written.detail.startswith(f"écrit dans {tmp_path / 'seve-courriels' / 'new'}")
