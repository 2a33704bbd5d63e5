"""`scan --fail-on new|any`: exit 6 for alerting, and its precedence."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from scanner.errors import EXIT_FAILED, EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_ITEM_ERRORS, EXIT_LOCKED, EXIT_OK
from scanner.followup import fail_code
from tests.conftest import run_piiscout

SSN1, SSN2 = "536-22-8471", "412-56-7390"  # synthetic


def _scan(share, inv, *extra):
    return run_piiscout("scan", str(share), "-i", str(inv), "-j", "1", *extra)


def test_fail_on_new_exits_6_with_a_new_finding_and_0_on_a_rescan_with_nothing_new(tmp_path):
    share, inv = tmp_path / "share", tmp_path / "inv"
    share.mkdir()
    (share / "a.txt").write_text(f"SSN {SSN1}\n")
    first = _scan(share, inv, "--fail-on", "new")
    assert first.returncode == EXIT_FINDINGS, first.stderr  # a first scan: every finding is new
    assert "exit 6" in first.stdout
    again = _scan(share, inv, "--fail-on", "new")
    assert again.returncode == EXIT_OK, again.stderr
    (share / "b.txt").write_text(f"SSN {SSN2}\n")
    new = _scan(share, inv, "--fail-on", "new")
    assert new.returncode == EXIT_FINDINGS, new.stderr
    (share / "b.txt").unlink()  # only a resolved finding: nothing to alert on
    assert _scan(share, inv, "--fail-on", "new").returncode == EXIT_OK
    # Incremental: findings carried over from unchanged files are not new.
    assert _scan(share, inv, "--fail-on", "new", "--incremental").returncode == EXIT_OK
    codes = [r["exit_code"] for r in sorted(pq.read_table(inv / "scans").to_pylist(), key=lambda r: r["started_at"])]
    assert codes == [6, 0, 6, 0, 0]  # the scans table records the code the scan ended with
    assert json.loads(pq.read_table(inv / "scans").to_pylist()[0]["options"])["fail_on"] == "new"


def test_the_same_value_moved_elsewhere_is_new_there(tmp_path):
    share, inv = tmp_path / "share", tmp_path / "inv"
    share.mkdir()
    (share / "a.txt").write_text(f"SSN {SSN1}\n")
    _scan(share, inv)
    (share / "a.txt").rename(share / "copied.txt")
    assert _scan(share, inv, "--fail-on", "new").returncode == EXIT_FINDINGS


def test_fail_on_any_exits_6_with_any_finding(tmp_path):
    share, inv = tmp_path / "share", tmp_path / "inv"
    share.mkdir()
    (share / "clean.txt").write_text("nothing personal here\n")
    assert _scan(share, inv, "--fail-on", "any").returncode == EXIT_OK
    (share / "a.txt").write_text(f"SSN {SSN1}\n")
    assert _scan(share, inv, "--fail-on", "any").returncode == EXIT_FINDINGS
    assert _scan(share, inv, "--fail-on", "any").returncode == EXIT_FINDINGS  # not new, but still there
    assert _scan(share, inv).returncode == EXIT_OK  # without --fail-on: the normal codes


def test_6_beats_item_errors_and_item_errors_stay_1_without_a_match(tmp_path):
    share, inv = tmp_path / "share", tmp_path / "inv"
    share.mkdir()
    (share / "broken.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 40)  # a damaged document: an item error
    proc = _scan(share, inv, "--fail-on", "new")
    assert proc.returncode == EXIT_ITEM_ERRORS, proc.stdout + proc.stderr
    (share / "a.txt").write_text(f"SSN {SSN1}\n")
    assert _scan(share, inv, "--fail-on", "new").returncode == EXIT_FINDINGS


def test_a_bad_value_is_a_usage_error(tmp_path):
    proc = _scan(tmp_path, tmp_path / "inv", "--fail-on", "some")
    assert proc.returncode == 2 and "--fail-on" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("code,fail_on,findings,new,out", [
    (EXIT_OK, "new", 3, 1, EXIT_FINDINGS),
    (EXIT_OK, "new", 3, 0, EXIT_OK),
    (EXIT_ITEM_ERRORS, "new", 3, 2, EXIT_FINDINGS),
    (EXIT_ITEM_ERRORS, "new", 3, 0, EXIT_ITEM_ERRORS),
    (EXIT_OK, "any", 1, 0, EXIT_FINDINGS),
    (EXIT_OK, "any", 0, 0, EXIT_OK),
    (EXIT_INTERRUPTED, "any", 5, 5, EXIT_INTERRUPTED),  # the run's own failures win
    (EXIT_FAILED, "new", 5, 5, EXIT_FAILED),
    (EXIT_LOCKED, "any", 5, 5, EXIT_LOCKED),
    (EXIT_OK, None, 5, 5, EXIT_OK),
    (EXIT_OK, "new", 5, None, EXIT_OK),  # changes could not be computed: logged, normal code
])
def test_precedence(code, fail_on, findings, new, out):
    assert fail_code(code, fail_on, findings, new) == out
