"""mbox:// and maildir:// targets through the real CLI."""

from __future__ import annotations

import shutil

import pytest

from connectors.mail import MailConnector
from scanner.errors import UsageError
from tests.conftest import FIXTURES, run_piiscout
from tests.scanner.extractors.mail_helpers import scan

MAIL = FIXTURES / "mail"


def test_parse():
    spec = MailConnector.parse("mbox:///var/mail/jane")
    assert spec.scheme == "mbox" and spec.url == "mbox:///var/mail/jane"
    assert MailConnector.parse("maildir:///srv/mail/../mail/x").url == "maildir:///srv/mail/x"
    with pytest.raises(UsageError):
        MailConnector.parse("mbox://server/var/mail")
    with pytest.raises(UsageError):
        MailConnector.parse("maildir://")


def test_mbox_directory_target(tmp_path):
    _, items, findings = scan(f"mbox://{MAIL / 'mbox'}", tmp_path / "inv")
    assert {r["source"] for r in items} == {"mail"} and {f["source"] for f in findings} == {"mail"}
    tops = {r["location"].rsplit("/", 1)[-1]: r for r in items if r["part"] == ""}
    assert tops["inbox.mbox"]["status"] == "scanned"
    assert tops["Sent"]["status"] == "scanned" and tops["Sent"]["content_type"] == "application/mbox"
    assert tops["Sent.msf"]["status"] == "skipped" and tops["Sent.msf"]["reason"] == "not an mbox file"
    sent = [r for r in items if r["location"].endswith("/Sent") and r["part"].startswith("msg-")]
    assert len(sent) == 6


def test_mbox_file_target_and_message_size_limit(tmp_path):
    _, items, _ = scan(f"mbox://{MAIL / 'mbox' / 'inbox.mbox'}", tmp_path / "inv", max_message_size=2048)
    msgs = [r for r in items if r["part"].startswith("msg-") and "/" not in r["part"]]
    assert len(msgs) == 24
    skipped = [r for r in msgs if r["status"] == "skipped"]
    assert skipped and all("--max-message-size" in r["reason"] for r in skipped)
    assert all(r["status"] == "scanned" for r in msgs if r["size"] <= 2048)


def test_maildir_target(tmp_path):
    root = tmp_path / "Maildir"
    shutil.copytree(MAIL / "maildir", root)
    (root / "tmp" / "1704000000.M1P1.mail").write_text("Subject: in delivery\n\nSSN 234-56-7890\n")
    _, items, findings = scan(f"maildir://{root}", tmp_path / "inv")
    locations = {r["location"] for r in items if r["part"] == ""}
    expected = {str(p) for p in root.rglob("*") if p.is_file() and p.parent.name in ("cur", "new")}
    assert locations == expected and len(expected) == 8
    assert all(r["status"] == "scanned" and r["source"] == "mail" for r in items if r["part"] == "")
    assert all(r["content_type"] == "message/rfc822" for r in items if r["part"] == "")
    assert not any("/Maildir/tmp/" in f["location"] for f in findings)
    assert any(f["row_key"] for f in findings)


def test_bad_targets(tmp_path):
    from connectors.registry import resolve
    from scanner.errors import TargetError
    from scanner.settings import ScanSettings

    (tmp_path / "plain").mkdir()
    for target in (f"maildir://{tmp_path / 'plain'}", f"mbox://{tmp_path / 'missing'}"):
        spec = resolve(target)
        with pytest.raises(TargetError):
            MailConnector(spec, ScanSettings()).check()
    proc = run_piiscout("scan", f"maildir://{tmp_path / 'plain'}", "-i", str(tmp_path / "inv"))
    assert proc.returncode == 2 and "not a Maildir" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
