"""PST/OST: the five sample PSTs (Apache-2.0 PST SDK test set) are read
completely: every message, body and attachment reaches the scan."""

from __future__ import annotations

import shutil

import pypff
import pytest

from scanner.mail import pst
from tests.conftest import FIXTURES
from tests.scanner.extractors.mail_helpers import scan

PST = FIXTURES / "pst"
EXPECTED = {  # file: {message part: subject}
    "sample1.pst": {"Top of Outlook data file/Sample1/msg-1": "Here is a sample message"},
    "sample2.pst": {"Top of Outlook data file/Sample2/msg-1": "Here is a sample message"},
    "submessage.pst": {"Top of Outlook data file/submessage/msg-1":
                       "This is a message which has an embedded message attached"},
    "test_ansi.pst": {"Top of Personal Folders/Folder/msg-1": "Post"},
    "test_unicode.pst": {"Top of Personal Folders/msg-1": "Test", "Top of Personal Folders/Folder/msg-1": "Post"},
}


def _pypff_messages(path):
    f = pypff.file()
    f.open(str(path))
    out = []
    stack = [f.get_root_folder()]
    while stack:
        folder = stack.pop()
        out += [folder.get_sub_message(i) for i in range(folder.number_of_sub_messages)]
        stack += [folder.get_sub_folder(i) for i in range(folder.number_of_sub_folders)]
    return f, out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_walk_reaches_every_message_body_and_attachment(name):
    f, expected = _pypff_messages(PST / name)
    with open(PST / name, "rb") as fh:
        p = pst.open_pst(fh)
        walked = [(path, i, m) for path, i, m, err in pst.walk(p, lambda: None) if m is not None]
        assert len(walked) == len(expected)
        assert sorted(m.subject for _, _, m in walked) == sorted(m.subject for m in expected)
        for _, _, m in walked:
            msg, data = pst.read_message(m, None, "cp1252")
            assert msg.bodies, "every sample message has a body"
            assert len(msg.attachments) == m.number_of_attachments
            for att, blob in zip(msg.attachments, data):
                assert att.error is None and blob
    f.close()


def test_embedded_message_is_read_from_its_node():
    with open(PST / "submessage.pst", "rb") as fh:
        p = pst.open_pst(fh)
        m = next(m for _, _, m, _ in pst.walk(p, lambda: None) if m is not None)
        msg, data = pst.read_message(m, None, "cp1252")
    from scanner.mail import container

    inner = container.decode(data[0])
    assert "This is the body of an embedded message" in "\n".join(inner.bodies)
    assert dict(inner.headers)["Subject"] == "This is an embedded message"
    assert inner.message_id and inner.message_id != msg.message_id


@pytest.fixture(scope="module")
def pst_scan(tmp_path_factory):
    root = tmp_path_factory.mktemp("psts")
    for name in EXPECTED:
        shutil.copy(PST / name, root / name)
    (root / "truncated.pst").write_bytes((PST / "sample1.pst").read_bytes()[:3000])
    inv = tmp_path_factory.mktemp("pst-inv")
    return root, scan(str(root), inv)


def test_sample_psts_scan_with_a_row_per_message(pst_scan):
    root, (code, items, findings) = pst_scan
    by_file: dict[str, dict[str, dict]] = {}
    for r in items:
        by_file.setdefault(r["location"].rsplit("/", 1)[-1], {})[r["part"]] = r
    messages = 0
    for name, parts in EXPECTED.items():
        rows = by_file[name]
        assert rows[""]["status"] == "scanned" and rows[""]["content_type"] == "application/vnd.ms-outlook-pst"
        for part in parts:
            assert rows[part]["status"] == "scanned", (name, part, rows[part]["reason"])
            assert rows[part]["content_type"] == "application/vnd.ms-outlook"
            messages += 1
    assert messages == 6
    # Attachments: the JPEG of each sample and the embedded message have rows of their own.
    assert by_file["sample1.pst"]["Top of Outlook data file/Sample1/msg-1/att-1-leah_thumper.jpg"]["size"] == 93142
    emb = by_file["submessage.pst"]["Top of Outlook data file/submessage/msg-1/att-1.msg"]
    assert emb["status"] == "scanned"
    # The sender's address is found, keyed by the Message-ID.
    sample = [f for f in findings if f["location"].endswith("sample1.pst") and f["entity_type"] == "EMAIL_ADDRESS"]
    assert sample and all(f["row_key"].startswith("<B2FDDB8B") for f in sample)
    assert all("redmond" not in f["masked_value"] for f in findings)  # no Message-ID taken for an address


def test_truncated_pst_is_an_error_and_the_scan_goes_on(pst_scan):
    root, (code, items, _) = pst_scan
    row = next(r for r in items if r["location"].endswith("truncated.pst") and r["part"] == "")
    assert row["status"] == "error" and "PST" in row["reason"]
    assert code == 1


def test_mail_archives_are_recognised_inside_a_zip(tmp_path):
    """A PST, an mbox without extension and a .msg named .bin, zipped: each
    is read as mail by content."""
    import zipfile

    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(PST / "sample1.pst", "old/sample1.pst")
        zf.write(FIXTURES / "mail/mbox/Thunderbird/Sent", "old/Sent.dat")
        zf.write(FIXTURES / "mail/msg/embedded_message.msg", "old/m.bin")
    code, items, findings = scan(str(z), tmp_path / "inv")
    rows = {r["part"]: r for r in items}
    assert rows["old/sample1.pst"]["content_type"] == "application/vnd.ms-outlook-pst"
    assert rows["old/sample1.pst/Top of Outlook data file/Sample1/msg-1"]["status"] == "scanned"
    assert rows["old/Sent.dat"]["content_type"] == "application/mbox"
    assert sum(1 for p in rows if p.startswith("old/Sent.dat/msg-")) == 6
    assert rows["old/m.bin"]["content_type"] == "application/vnd.ms-outlook"
    assert rows["old/m.bin/att-2.msg/att-1-payroll.csv"]["findings"] > 0
