"""winmail.dat (TNEF): the reader on streams built to the specification."""

from __future__ import annotations

import struct
import sys

import pytest

from scanner.errors import ItemError
from scanner.mail import tnef
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from rw import mail as writer  # noqa: E402  - the corpus generator's TNEF writer


def test_legacy_body_subject_and_attachments():
    data = writer.tnef("Payroll – March", "SSN 078-11-2934\nJosé", [("roster.csv", b"a,b\n1,2\n"), ("x.txt", b"hi")], rich=False)
    msg = tnef.read_message(data)
    assert ("Subject", "Payroll – March") in msg.headers
    assert "SSN 078-11-2934" in msg.text() and "José" in msg.text()
    assert [a.filename for a in msg.attachments] == ["roster.csv", "x.txt"]
    assert msg.attachments[0].open().read() == b"a,b\n1,2\n"


def test_compressed_rtf_body_from_the_property_list():
    msg = tnef.read_message(writer.tnef("Hi", "card 4556 7375 8689 9855\nthanks", [], rich=True))
    assert "card 4556 7375 8689 9855" in msg.text()


def test_short_name_when_no_long_name():
    data = writer.tnef("s", "b", [], rich=False)
    data += writer._attr(2, writer.ATT_ATTACH_REND_DATA, struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0))
    data += writer._attr(2, writer.ATT_ATTACH_TITLE, b"PAYROLL.XLS\0")
    data += writer._attr(2, writer.ATT_ATTACH_DATA, b"data")
    (att,) = tnef.read_message(data).attachments
    assert att.filename == "PAYROLL.XLS" and att.open().read() == b"data"


def test_attachment_over_the_limit_is_skipped():
    msg = tnef.read_message(writer.tnef("s", "b", [("big.bin", b"x" * 1000)], rich=False), max_attachment=100)
    assert msg.attachments[0].open is None and "max-attachment-size" in msg.attachments[0].skip


def test_damage_after_the_body_keeps_the_body():
    data = writer.tnef("s", "SSN 078-11-2934", [("a.txt", b"abc")], rich=False)
    msg = tnef.read_message(data[:-5])  # the last attribute cut short
    assert "078-11-2934" in msg.text()
    assert any("corrupt TNEF" in n for n in msg.notes)


@pytest.mark.parametrize("data", [b"", b"not tnef at all", struct.pack("<IH", tnef.SIGNATURE, 1) + b"\x07" + b"\0" * 20])
def test_not_tnef_or_broken_from_the_start(data):
    with pytest.raises(ItemError):
        tnef.read_message(data)


def test_property_list_types():
    props = writer._props([(writer.PT_LONG, 0x0E07, 17), (writer.PT_UNICODE, 0x0037, "Grüße"),
                           (writer.PT_BINARY, 0x1009, b"\x01\x02\x03")])
    out = tnef.properties(props, "cp1252")
    assert out == {0x0E07: 17, 0x0037: "Grüße", 0x1009: b"\x01\x02\x03"}
