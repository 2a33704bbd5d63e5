"""Outlook (MAPI) messages from their properties: shared by the .msg (OLE)
and PST (libpff) readers, which only differ in how they read properties.

Properties come in as {property id: value}, strings already decoded. What
is read: sender and recipients (names and SMTP addresses; Exchange DNs are
left out), subject, the Internet headers when the message came from the
Internet, plain and HTML bodies (RTF only when neither exists), and for
items that are not mail (contacts, appointments, tasks) their contact
fields, where phone numbers and addresses live.
"""

from __future__ import annotations

from email.parser import HeaderParser
from email.policy import compat32
from typing import Any, Mapping

from scanner.extractors.rtftext import rtf_to_text
from scanner.mail import charset, rtf
from scanner.mail.message import MailMessage, add_bodies, clean_message_id, is_scanned_header
from scanner.mail.mime import decode_header_value

PR_MESSAGE_CLASS = 0x001A
PR_SUBJECT = 0x0037
PR_SENT_REPRESENTING_NAME = 0x0042
PR_SENT_REPRESENTING_EMAIL = 0x0065
PR_TRANSPORT_HEADERS = 0x007D
PR_SENDER_NAME = 0x0C1A
PR_SENDER_EMAIL = 0x0C1F
PR_DISPLAY_BCC = 0x0E02
PR_DISPLAY_CC = 0x0E03
PR_DISPLAY_TO = 0x0E04
PR_BODY = 0x1000
PR_RTF_COMPRESSED = 0x1009
PR_HTML = 0x1013
PR_INTERNET_MESSAGE_ID = 0x1035
PR_INTERNET_CPID = 0x3FDE
PR_MESSAGE_CODEPAGE = 0x3FFD
PR_SENDER_SMTP = 0x5D01
PR_SENT_REPRESENTING_SMTP = 0x5D02
# recipients
PR_RECIPIENT_TYPE = 0x0C15
PR_DISPLAY_NAME = 0x3001
PR_EMAIL_ADDRESS = 0x3003
PR_SMTP_ADDRESS = 0x39FE
# attachments
PR_ATTACH_DATA = 0x3701
PR_ATTACH_FILENAME = 0x3704
PR_ATTACH_METHOD = 0x3705
PR_ATTACH_LONG_FILENAME = 0x3707
PR_ATTACH_MIME_TAG = 0x370E
ATTACH_BY_VALUE, ATTACH_EMBEDDED_MSG, ATTACH_OLE = 1, 5, 6

PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x001E, 0x001F, 0x0102, 0x000D

_RECIPIENT_KIND = {1: "To", 2: "Cc", 3: "Bcc"}
_CONTACT_RANGE = range(0x3A00, 0x3B00)  # PR_*_TELEPHONE_NUMBER, PR_*_ADDRESS_*, names...


def put_property(props: dict[int, Any], string8: list[tuple[int, bytes]], pid: int, ptype: int,
                 data: bytes) -> None:
    """Store one raw property value read from a .msg or PST: Unicode strings
    decoded, 8-bit strings set aside until the message's code page is known
    (`decode_string8`), anything else as bytes."""
    if ptype == PT_UNICODE:
        props[pid] = data.decode("utf-16-le", "replace").rstrip("\x00")
    elif ptype == PT_STRING8:
        string8.append((pid, data))
    else:
        props[pid] = data


def decode_string8(props: dict[int, Any], string8: list[tuple[int, bytes]], codec: str | None) -> None:
    """Decode the 8-bit strings `put_property` set aside, in the message's
    code page; a Unicode value of the same property wins."""
    if string8:
        codec = string8_codec(props, codec or "cp1252")
        for pid, data in string8:
            props.setdefault(pid, charset.decode(data.rstrip(b"\x00"), codec))


def string8_codec(props: Mapping[int, Any], default: str = "cp1252") -> str:
    cp = props.get(PR_MESSAGE_CODEPAGE)
    return charset.codec_for_codepage(cp if isinstance(cp, int) else None) or default


def strip_subject(s: str) -> str:
    # A MAPI subject may start with \x01 and a character giving the prefix length.
    if s[:1] == "\x01":
        s = s[2:]
    return s.replace("\x00", "").strip()


def smtp_address(*values: Any) -> str | None:
    for v in values:
        if isinstance(v, str) and "@" in v and not v.startswith("/"):
            return v.strip().removeprefix("SMTP:").removeprefix("smtp:")
    return None


def _person(name: Any, address: str | None) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if address and name and name != address:
        return f"{name} <{address}>"
    return address or name


def build_message(props: Mapping[int, Any], recipients: list[Mapping[int, Any]] = (),
                  notes: list[str] | None = None) -> MailMessage:
    msg = MailMessage(notes=notes if notes is not None else [])
    headers_text = props.get(PR_TRANSPORT_HEADERS)
    from_headers = False
    if isinstance(headers_text, str) and headers_text.strip():
        try:
            parsed = HeaderParser(policy=compat32).parsestr(headers_text)
            for name, value in parsed.raw_items():
                key = name.strip().lower()
                if is_scanned_header(key) and key != "subject":
                    msg.headers.append((name.strip(), decode_header_value(value)))
                elif key == "message-id" and msg.message_id is None:
                    msg.message_id = clean_message_id(decode_header_value(value))
            from_headers = any(k.lower() == "from" for k, _ in msg.headers)
        except Exception:  # noqa: BLE001 - unreadable headers: fall back to the properties
            charset.note(msg.notes, "unreadable Internet headers")
    if not from_headers:
        sender = _person(props.get(PR_SENDER_NAME),
                         smtp_address(props.get(PR_SENDER_SMTP), props.get(PR_SENDER_EMAIL)))
        rep = _person(props.get(PR_SENT_REPRESENTING_NAME),
                      smtp_address(props.get(PR_SENT_REPRESENTING_SMTP), props.get(PR_SENT_REPRESENTING_EMAIL)))
        if sender:
            msg.headers.append(("From", sender))
        if rep and rep != sender:
            msg.headers.append(("Sender", rep))
    if not from_headers or recipients:
        by_kind: dict[str, list[str]] = {}
        for r in recipients:
            rtype = r.get(PR_RECIPIENT_TYPE)
            kind = _RECIPIENT_KIND.get(rtype & 0xF if isinstance(rtype, int) else 1, "To")
            who = _person(r.get(PR_DISPLAY_NAME), smtp_address(r.get(PR_SMTP_ADDRESS), r.get(PR_EMAIL_ADDRESS)))
            if who:
                by_kind.setdefault(kind, []).append(who)
        if not by_kind and not from_headers:
            for kind, pid in (("To", PR_DISPLAY_TO), ("Cc", PR_DISPLAY_CC), ("Bcc", PR_DISPLAY_BCC)):
                v = props.get(pid)
                if isinstance(v, str) and v.strip():
                    by_kind[kind] = [v.strip()]
        known = " ".join(v for _, v in msg.headers).casefold()
        for kind, people in by_kind.items():
            new = [p for p in people if p.casefold() not in known]
            if new:
                msg.headers.append((("Recipients " + kind) if from_headers else kind, "; ".join(new)))
    subject = props.get(PR_SUBJECT)
    if isinstance(subject, str) and strip_subject(subject):
        msg.headers.append(("Subject", strip_subject(subject)))
    if msg.message_id is None and isinstance(props.get(PR_INTERNET_MESSAGE_ID), str):
        msg.message_id = clean_message_id(props[PR_INTERNET_MESSAGE_ID])

    cls = props.get(PR_MESSAGE_CLASS)
    if isinstance(cls, str) and not cls.upper().startswith(("IPM.NOTE", "REPORT.IPM.NOTE")):
        for pid in sorted(props):
            v = props[pid]
            if isinstance(v, str) and v.strip() and (pid in _CONTACT_RANGE or (pid >= 0x8000 and "@" in v)):
                msg.headers.append((f"Field {pid:04X}", " ".join(v.split())))

    plain = props.get(PR_BODY)
    html = props.get(PR_HTML)
    plains = [plain] if isinstance(plain, str) and plain.strip() else []
    htmls = []
    if isinstance(html, bytes) and html.strip():
        cp = props.get(PR_INTERNET_CPID)
        htmls.append(charset.decode(html, charset.codec_for_codepage(cp if isinstance(cp, int) else None), msg.notes))
    elif isinstance(html, str) and html.strip():
        htmls.append(html)
    if not plains and not htmls:
        body_rtf = props.get(PR_RTF_COMPRESSED)
        if isinstance(body_rtf, bytes) and body_rtf:
            try:
                raw = body_rtf if body_rtf.lstrip().startswith(b"{\\rtf") else rtf.decompress(body_rtf)
                plains.append(rtf_to_text(raw))
            except Exception:  # noqa: BLE001 - a damaged RTF body: note it, keep the rest
                charset.note(msg.notes, "unreadable RTF body")
    add_bodies(msg, plains, htmls)
    return msg
