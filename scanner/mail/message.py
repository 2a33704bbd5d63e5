"""One mail message, whatever it was stored in, and what the scan sees of it.

Every reader (RFC 822 for EML/mbox/Maildir, OLE for .msg, libpff for PST)
fills a `MailMessage`; `message_events` turns it into the segments the
detectors read and the attachments the pipeline recurses into:

* one text per message: the address and subject headers, then the bodies
  (plain text, and HTML as text when it says more than the plain body);
* every attachment as a `Child` named `att-N[-safe name]` (see names.py),
  carrying the Message-ID as `row_key` so findings in an attachment point
  back to their message.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterator

from scanner.extractors.base import ExtractContext
from scanner.extractors.htmltext import html_to_text
from scanner.mail.names import attachment_part
from scanner.model import Child, Segment
from scanner.textdecode import segments

# Headers whose values are people's addresses, names or free text: the ones
# worth scanning. Message-ID, References, Received, DKIM... hold host names
# and long hex/decimal tokens that only make false positives.
ADDRESS_HEADERS = (
    "from", "sender", "reply-to", "to", "cc", "bcc", "return-path", "delivered-to", "x-original-to",
    "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc", "disposition-notification-to",
    "x-envelope-from", "x-envelope-to", "errors-to",
)
TEXT_HEADERS = ("subject", "comments", "keywords", "thread-topic", "organization", "summary")
SCANNED_HEADERS = frozenset(ADDRESS_HEADERS + TEXT_HEADERS)
# Custom X- headers can carry anything a sender's system put there (a ticket
# system's "X-Customer-Phone"), so they are scanned too, except the well-known
# technical ones, which hold ids, hashes and host names.
_TECHNICAL_X = (
    "x-mailer", "x-ms-", "x-microsoft-", "x-exchange-", "x-forefront-", "x-google-", "x-gm-", "x-received",
    "x-originating-", "x-spam", "x-virus", "x-mozilla-", "x-apple-", "x-priority", "x-msmail-", "x-mimeole",
    "x-uid", "x-account-key", "x-mailgun-", "x-sg-", "x-ses-", "x-feedback-id", "x-report-abuse",
    "x-proofpoint-", "x-mimecast-", "x-barracuda-", "x-ironport-", "x-sender-ip", "x-source", "x-php-",
    "x-auto-response", "x-campaign", "x-mc-", "x-csa-", "x-job", "x-abuse", "x-complaints",
    "x-original-authentication", "x-incomingheadercount", "x-eopattributedmessage", "x-ham-report",
    "x-pobox-", "x-scanned-by", "x-authenticated-", "x-env-sender", "x-delivery", "x-message-",
    "x-amazon-", "x-antiabuse", "x-get-message-sender-via", "x-authority-analysis", "x-mailchimp-",
)


def is_scanned_header(key: str) -> bool:
    """`key` lower-cased: a header whose value is worth scanning."""
    if key in SCANNED_HEADERS:
        return True
    return key.startswith("x-") and not key.startswith(_TECHNICAL_X)

MESSAGE_RFC822 = "message/rfc822"
MESSAGE_MAPI = "application/vnd.ms-outlook"


@dataclass
class Attachment:
    """An attachment as found; `filename` may hold PII and is never stored as is."""

    filename: str | None
    open: Callable[[], BinaryIO] | None
    size: int | None = None
    content_type: str | None = None  # set only when known for sure (embedded messages)
    error: str | None = None
    skip: str | None = None


@dataclass
class MailMessage:
    headers: list[tuple[str, str]] = field(default_factory=list)  # (display name, decoded value)
    bodies: list[str] = field(default_factory=list)  # text, in reading order
    attachments: list[Attachment] = field(default_factory=list)
    message_id: str | None = None
    notes: list[str] = field(default_factory=list)  # one-line remarks for the item's reason

    def text(self) -> str:
        head = "\n".join(f"{name}: {value}" for name, value in self.headers if value)
        parts = [head] if head else []
        parts += [b for b in self.bodies if b and b.strip()]
        return "\n\n".join(parts)


_WORDS = re.compile(r"\w+")


def add_bodies(msg: MailMessage, plain: list[str], html: list[str]) -> None:
    """Plain bodies, then HTML bodies as text unless they only repeat a plain
    body (multipart/alternative): scanning both would double every finding."""
    msg.bodies.extend(plain)
    seen = set()
    for p in plain:
        seen.update(w.casefold() for w in _WORDS.findall(p))
    for h in html:
        text = html_to_text(h)
        words = {w.casefold() for w in _WORDS.findall(text)}
        if words - seen:
            msg.bodies.append(text)
            seen |= words


def clean_message_id(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(value.split())
    m = re.search(r"<[^<>]{1,500}>", value)
    out = m.group(0) if m else value[:500]
    return out or None


def message_events(msg: MailMessage, ctx: ExtractContext) -> Iterator[Segment | Child]:
    for n in msg.notes:
        ctx.note(n)
    row_key = msg.message_id
    text = msg.text()
    if text:
        for seg in segments([text]):
            yield dataclasses.replace(seg, row_key=row_key) if row_key else seg
    for i, att in enumerate(msg.attachments, 1):
        ctx.check()
        default_ext = ".msg" if att.content_type == MESSAGE_MAPI else ".eml" if att.content_type == MESSAGE_RFC822 else ""
        yield Child(
            name=attachment_part(i, att.filename, default_ext),
            open=att.open,
            size=att.size,
            content_type=att.content_type,
            error=att.error,
            skip=att.skip,
            row_key=row_key,
        )
