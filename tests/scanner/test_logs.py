"""Logs for machines: --log-format json covers every line, and every scan ends with one record.

be6bffa: stderr stayed plain text under --log-format json, and nothing said
how a scan ended, so a log shipper could not tell a finished run from a dead one.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_piiscout

END_FIELDS = {"scan_id", "target", "targets", "status", "items", "findings", "findings_by_entity", "duration_s",
              "exit_code", "event"}


@pytest.fixture
def share(tmp_path):
    root = tmp_path / "share"
    root.mkdir()
    (root / "a.txt").write_text("SSN 234-56-7890, jdoe@harbourfreight-example.com\n")
    (root / "broken.docx").write_text("not a document")
    return root


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_every_line_is_json_and_the_scan_ends_with_one_record(share, tmp_path):
    log_file = tmp_path / "scan.log"
    proc = run_piiscout("scan", str(share), "-i", str(tmp_path / "inv"), "-v", "--log-format", "json",
                        "--log-file", str(log_file))
    assert proc.returncode == 1
    errs = _json_lines(proc.stderr)  # raises on any plain-text line
    assert errs and any("item error" in r["message"] for r in errs)
    out = _json_lines(proc.stdout)
    assert len(out) == 1 and END_FIELDS <= set(out[0])
    end = out[0]
    assert end["status"] == "complete" and end["exit_code"] == 1 and end["target"] == str(share)
    assert end["items"]["scanned"] == 1 and end["items"]["error"] == 1
    assert end["findings_by_entity"] == {"US_SSN": 1, "EMAIL_ADDRESS": 1}
    assert _json_lines(log_file.read_text())[-1]["scan_id"] == end["scan_id"]
    assert "234-56-7890" not in proc.stdout + proc.stderr + log_file.read_text()


@pytest.mark.parametrize("args,code,needle", [
    (["scan", "/no/such/place", "-i", "{inv}"], 2, "no such file or directory"),
    (["scan", "{share}", "-i", "{inv}", "--min-score", "7"], 2, "--min-score"),
    (["scan", "{share}", "-i", "{share}/a.txt"], 2, "is a file"),
])
def test_errors_are_json_lines_too(share, tmp_path, args, code, needle):
    args = [a.replace("{inv}", str(tmp_path / "inv")).replace("{share}", str(share)) for a in args]
    proc = run_piiscout(*args, "--log-format", "json")
    assert proc.returncode == code
    errs = _json_lines(proc.stderr)
    assert len(errs) == 1 and errs[0]["level"] == "error" and needle in errs[0]["message"]
    assert "Traceback" not in proc.stderr


def test_a_config_run_ends_each_target_with_a_record(share, tmp_path):
    cfg = tmp_path / "scans.toml"
    cfg.write_text(f'inventory = "{tmp_path / "inv"}"\n'
                   f'[targets.acme]\nurl = "{share}"\n'
                   f'[targets.globex]\nurl = "{share}"\npassword_env = "PIISCOUT_TEST_UNSET_PW"\n')
    proc = run_piiscout("scan", "--config", str(cfg), "-q", "--log-format", "json")
    assert proc.returncode == 2
    ends = _json_lines(proc.stdout)
    assert [(e["target"], e["status"], e["exit_code"]) for e in ends] == [("acme", "complete", 1),
                                                                          ("globex", "failed", 2)]
    assert ends[1]["scan_id"] is None and "PIISCOUT_TEST_UNSET_PW" in ends[1]["reason"]
    errs = _json_lines(proc.stderr)
    assert [e["message"] for e in errs] == ["target globex: the password variable $PIISCOUT_TEST_UNSET_PW is not set"]


def test_the_text_record_says_it_all(share, tmp_path):
    cfg = tmp_path / "scans.toml"
    cfg.write_text(f'inventory = "{tmp_path / "inv"}"\n[targets.acme]\nurl = "{share}"\n')
    proc = run_piiscout("scan", "--config", str(cfg), "-q")
    line = proc.stdout.strip()
    assert line.startswith("scan ") and f" complete: target acme ({share}): 2 items (1 scanned, 1 errors), " \
        "2 findings (" in line
    assert "US_SSN 1" in line and "EMAIL_ADDRESS 1" in line and ", exit 1 -> " in line
