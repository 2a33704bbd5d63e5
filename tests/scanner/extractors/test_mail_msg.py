"""Outlook .msg (OLE) files, embedded messages, compressed RTF, sniffing."""

from __future__ import annotations

import io

import pytest

from scanner.errors import ItemError
from scanner.extractors.rtftext import rtf_to_text
from scanner.mail import container, rtf
from scanner.mail.message import Attachment, MailMessage
from scanner.mail.msg import MsgReader
from scanner.sniff import sniff
from tests.conftest import FIXTURES
from tests.scanner.extractors.mail_helpers import rel

MSG = FIXTURES / "mail" / "msg"


def _read(name: str) -> MailMessage:
    reader = MsgReader(io.BytesIO((MSG / name).read_bytes()), None)
    try:
        msg = reader.message()
        for a in msg.attachments:  # read while the file is open
            a.data = a.open().read() if a.open else None
        return msg
    finally:
        reader.close()


def test_msg_is_told_apart_from_other_ole_files():
    from scanner.extractors.base import Blob
    from scanner.refine import refine

    data = (MSG / "html_body.msg").read_bytes()
    head = data[:8192]
    assert sniff(head, "anything.bin") == "application/x-ole-storage"
    blob = Blob(io.BytesIO(data), head, "anything.bin", len(data), "application/x-ole-storage")
    assert refine(blob, "application/x-ole-storage") == "application/vnd.ms-outlook"
    # The refinement's open OLE file is handed on, not opened again.
    assert MsgReader(None, None, blob.memo["olefile"]).message().bodies


def test_plain_message_with_recipients_and_attachment():
    msg = _read("plain_with_attachment.msg")
    head = dict(msg.headers)
    assert "@" in head["From"] and "<" in head["From"]
    assert "@" in head["To"] and head["Subject"].startswith("Re: ")
    assert msg.message_id.startswith("<") and msg.message_id.endswith("@mail.example.com>")
    body = "".join(msg.bodies)
    assert body.startswith("Hi Natalie,") and "415-781-6591" in body and "tiffany468@mail.example.com" in body
    assert len(msg.attachments) == 1 and msg.attachments[0].filename == "payroll.csv"
    assert msg.attachments[0].data.startswith(b"name,ssn,phone")


def test_html_and_rtf_only_bodies():
    html = _read("html_body.msg")
    assert html.bodies and "<div>" not in html.bodies[0]
    ansi = _read("rtf_only_ansi.msg")
    assert ansi.bodies and "\\par" not in ansi.bodies[0] and "Thanks," in ansi.bodies[0]
    assert "@" in dict(ansi.headers)["From"]  # PT_STRING8 properties decoded


def test_embedded_message_is_a_serialised_child():
    msg = _read("embedded_message.msg")
    emb = msg.attachments[1]
    assert emb.content_type == "application/vnd.ms-outlook"
    inner = container.decode(emb.data)
    assert inner.bodies and inner.message_id and inner.attachments[0].filename == "payroll.csv"
    assert inner.attachments[0].open().read().startswith(b"name,ssn")


def test_container_round_trip_and_damage():
    msg = MailMessage(headers=[("From", "a <a@example.com>")], bodies=["body ü"], message_id="<x@y>",
                      attachments=[Attachment("a.txt", None), Attachment(None, None, skip="too big")])
    data = container.encode(msg, [b"hello", None])
    back = container.decode(data)
    assert back.headers == msg.headers and back.bodies == msg.bodies and back.message_id == "<x@y>"
    assert back.attachments[0].open().read() == b"hello" and back.attachments[1].skip == "too big"
    with pytest.raises(ItemError):
        container.decode(data[:-2])


def test_compressed_rtf_spec_example():
    # [MS-OXRTFCP] 3.1.1: compressed RTF of "{\rtf1\ansi\ansicpg1252\pard hello world}\r\n".
    comp = bytes.fromhex("2d0000002b0000004c5a4675f1c5c7a703000a0072637067313235423"
                         "20af32068656c0900206277 05b06c647d0a800fa0".replace(" ", ""))
    assert rtf.decompress(comp) == b"{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n"
    assert rtf_to_text(b"{\\rtf1{\\fonttbl{\\f0 Arial;}}SSN\\tab 234-56-7890\\par caf\\'e9 \\u8364?}") == \
        "SSN\t234-56-7890\ncafé €"


def test_corrupt_msg_is_an_error():
    data = (MSG / "plain_with_attachment.msg").read_bytes()
    with pytest.raises(ItemError):
        MsgReader(io.BytesIO(data[:700]), None)
    with pytest.raises(ItemError):
        MsgReader(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)), None)


def test_scanned_msg_items(mail_scan):
    _, _, items, findings = mail_scan
    rows = {(rel(r["location"]), r["part"]): r for r in items if "/msg/" in r["location"]}
    assert rows[("mail/msg/embedded_message.msg", "")]["status"] == "scanned"
    assert rows[("mail/msg/embedded_message.msg", "att-2.msg")]["content_type"] == "application/vnd.ms-outlook"
    assert rows[("mail/msg/embedded_message.msg", "att-2.msg/att-1-payroll.csv")]["findings"] > 0
    keyed = [f for f in findings if rel(f["location"]) == "mail/msg/embedded_message.msg"]
    assert all(f["row_key"] for f in keyed)
