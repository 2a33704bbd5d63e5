"""mbox: streaming split, one items row per message, precision/recall."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from scanner import evaluation
from scanner.mail import mbox
from tests.conftest import FIXTURES
from tests.scanner.extractors.mail_helpers import rel


def _msg(i: int, body: str = "hello") -> bytes:
    return f"From a{i}@example.com Mon Jan  1 10:00:0{i % 10} 2024\nFrom: a{i}@example.com\nSubject: {i}\n\n{body}\n\n".encode()


@pytest.mark.parametrize("block", [7, 64, 1 << 20])
def test_split_finds_every_message_whatever_the_block_size(block):
    data = b"".join(_msg(i) for i in range(20))
    out = list(mbox.split(io.BytesIO(data), None, block=block))
    assert [m.index for m in out] == list(range(1, 21))
    assert b"".join(m.data for m in out) == data
    assert all(m.data.startswith(b"From a") for m in out)


def test_from_in_body_is_not_a_separator():
    body = "line one\nFrom the desk of the CEO\n\n>From escaped line\nend"
    data = _msg(1, body) + _msg(2)
    out = list(mbox.split(io.BytesIO(data), None, block=5))
    assert len(out) == 2
    assert b"From the desk" in out[0].data


def test_blank_line_then_from_without_date_is_a_separator_crlf():
    data = b"From - x\r\nSubject: a\r\n\r\nbody\r\n\r\nFrom - y\r\nSubject: b\r\n\r\nbody2\r\n"
    out = list(mbox.split(io.BytesIO(data), None, block=3))
    assert len(out) == 2 and out[1].data.startswith(b"From - y")


def test_oversized_message_is_counted_not_kept():
    big = _msg(2, "x" * 50_000)
    data = _msg(1) + big + _msg(3)
    out = list(mbox.split(io.BytesIO(data), 10_000, block=4096))
    assert [m.index for m in out] == [1, 2, 3]
    assert out[1].data is None and out[1].size == len(big)
    assert out[0].data == _msg(1) and out[2].data == _msg(3)
    assert out[2].offset == len(_msg(1)) + len(big)


def test_empty_and_truncated_mbox():
    assert list(mbox.split(io.BytesIO(b""), None)) == []
    out = list(mbox.split(io.BytesIO(_msg(1) + b"From b@example.com Mon Jan  1 10:00:00 2024\nSubj"), None))
    assert len(out) == 2 and out[1].data.endswith(b"Subj")


def test_every_message_has_an_items_row(mail_scan):
    _, _, items, _ = mail_scan
    inbox = [r for r in items if rel(r["location"]) == "mail/mbox/inbox.mbox"]
    messages = [r for r in inbox if r["part"].count("/") == 0 and r["part"]]
    assert sorted(int(r["part"][4:]) for r in messages) == list(range(1, 25))
    assert all(r["status"] == "scanned" and r["content_type"] == "message/rfc822" for r in messages)
    top = [r for r in inbox if r["part"] == ""]
    assert top[0]["status"] == "scanned" and top[0]["content_type"] == "application/mbox"
    assert top[0]["bytes_scanned"] == (FIXTURES / "mail/mbox/inbox.mbox").stat().st_size
    # Attachments are items of their own, under their message.
    assert any(r["part"].startswith("msg-") and "/att-" in r["part"] for r in inbox)
    # The ZIP attached to message 6 is reached (scanned once a ZIP extractor is registered).
    assert any(r["part"] == "msg-6/att-1-records.zip" for r in inbox)


def test_findings_carry_message_id_and_no_subject(mail_scan):
    _, _, _, findings = mail_scan
    inbox = [f for f in findings if rel(f["location"]) == "mail/mbox/inbox.mbox"]
    assert inbox and all(f["row_key"] and f["row_key"].startswith("<") for f in inbox)
    assert all(f["part"].startswith("msg-") for f in inbox)


def test_precision_recall_per_archive(mail_scan, truth):
    inv, _, _, _ = mail_scan
    found = evaluation.found_hashes(Path(inv), None, FIXTURES)
    files = [p for p in truth if p.startswith("mail/mbox/")]
    assert len(files) == 2
    result = evaluation.evaluate(found, truth, entities=("US_SSN", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD"),
                                 files=files)
    assert evaluation.worst_files(result, 0.95) == []
    assert sum(s.tp for per in result.values() for s in per.values()) > 80


def test_separator_rules():
    data = (b"From a@x.com Mon Jan  1 10:00:00 2024\nSubject: a\n\nFrom the desk of Jane\n\n"
            b"From John Smith on Monday 10:30 wrote:\n\nFrom jane@x.com\nSubject: b\n\nx\n"
            b"From MAILER-DAEMON Thu Nov 26 03:00:00 2026\nSubject: c\n\ny\n")
    out = list(mbox.split(io.BytesIO(data), None, block=7))
    assert [m.data.split(b"\n", 1)[0] for m in out] == [
        b"From a@x.com Mon Jan  1 10:00:00 2024", b"From jane@x.com", b"From MAILER-DAEMON Thu Nov 26 03:00:00 2026"]


def test_python_mailbox_output_is_split_like_mailbox_reads_it(tmp_path):
    import mailbox
    from email.message import EmailMessage

    box = mailbox.mbox(tmp_path / "py.mbox")
    for i in range(5):
        m = EmailMessage()
        m["From"], m["To"], m["Subject"] = f"u{i}@example.com", "x@example.com", f"s{i}"
        m.set_content(f"line\nFrom here on, body {i}\n")
        box.add(m)
    box.flush()
    data = (tmp_path / "py.mbox").read_bytes()
    out = list(mbox.split(io.BytesIO(data), None, block=100))
    assert len(out) == len(mailbox.mbox(tmp_path / "py.mbox")) == 5
