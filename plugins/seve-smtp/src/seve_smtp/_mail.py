"""A seve message as an e-mail: plain text, HTML, attachments, a stable Message-ID."""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
from email.headerregistry import Address
from email.message import EmailMessage

from seve.effects import Message

__all__ = ["build_email", "message_id"]

#: Headers are not folded below the hard limit of RFC 5322 (998 characters): Python's
#: folding of a long subject can start it on a line of its own, and some clients then
#: show a leading space.
_POLICY = email.policy.default.clone(max_line_length=998)

_HTML_PAGE = """\
<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
{body}
</body>
</html>
"""


def message_id(key: str, domain: str) -> str:
    """The Message-ID of the delivery ``key``: the same key always gives the same id,
    so a message sent twice (a dispatcher killed between the server's "250 OK" and
    its journal) is recognisable as one by the receiving side."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    return f"<seve.{digest}@{domain}>"


def build_email(message: Message, *, key: str, sender: str) -> EmailMessage:
    """The e-mail of ``message``: ``multipart/alternative`` text and HTML, then its
    attachments (a ``text/calendar`` keeps its ``method``), from ``sender``.

    Headers: ``Message-ID`` from the key, ``X-Seve-Key`` (the key itself: no personal
    data), ``Auto-Submitted: auto-generated`` (RFC 3834: no auto-replies).
    """
    mail = EmailMessage(policy=_POLICY)
    name, address = email.utils.parseaddr(sender)
    domain = address.rpartition("@")[2] or "seve.invalid"
    mail["From"] = str(Address(display_name=name, addr_spec=address)) if name else address
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = email.utils.formatdate(localtime=False)
    mail["Message-ID"] = message_id(key, domain)
    mail["X-Seve-Key"] = key
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.text, charset="utf-8")
    if message.html is not None:
        from html import escape

        page = _HTML_PAGE.format(title=escape(message.subject), body=message.html)
        mail.add_alternative(page, subtype="html", charset="utf-8")
    for attachment in message.attachments:
        kind, _, params = attachment.content_type.partition(";")
        maintype, _, subtype = kind.strip().partition("/")
        mail.add_attachment(
            attachment.content,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
        part = list(mail.iter_attachments())[-1]
        for param in params.split(";"):
            name_, _, value = param.strip().partition("=")
            if name_ and value and name_.lower() != "charset":
                part.set_param(name_.strip(), value.strip())
    return mail
