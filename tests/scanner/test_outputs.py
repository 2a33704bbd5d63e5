"""export, diff, report and prune do what they say (issue 21)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from scanner.inventory.reader import Inventory
from tests.conftest import run_piiscout, scan_ids
from tests.mounts import fill, small_tmpfs


@pytest.fixture(scope="module")
def inv(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("outputs")
    share = root / "share"
    (share / "hr").mkdir(parents=True)
    (share / "hr" / "staff.txt").write_text("SSN 234-56-7890, e-mail jdoe@harbourfreight-example.com\n")
    (share / "hr" / "broken.docx").write_text("not a document")
    (share / "bin.dat").write_bytes(bytes(range(256)) * 8)
    os.symlink(share / "gone", share / "dangling")
    inv = root / "inv"
    for _ in range(2):
        proc = run_piiscout("scan", str(share), "-i", str(inv), "-j", "1", "-q")
        assert proc.returncode == 1, proc.stderr  # broken.docx
    return inv


def test_export_to_standard_output_is_csv(inv):
    """be6bffa: `export -o -` needed --format."""
    proc = run_piiscout("export", str(inv), "-o", "-")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert {r["entity_type"] for r in rows} == {"US_SSN", "EMAIL_ADDRESS"}


@pytest.mark.parametrize("args", [["-o", "-"], ["-o", "{tmp}/x.csv"]])
def test_a_misspelt_entity_is_an_error_listing_the_known_ones(inv, tmp_path, args):
    """be6bffa: `-e US_SNN` wrote an empty file and exited 0."""
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    proc = run_piiscout("export", str(inv), *args, "-e", "US_SNN")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    line = proc.stderr.strip()
    assert "\n" not in line and "unknown entity type US_SNN" in line and "US_SSN" in line and "CREDIT_CARD" in line
    assert proc.stdout == "" and not (tmp_path / "x.csv").exists()
    ok = run_piiscout("export", str(inv), "-o", "-", "-e", "us_ssn")
    assert ok.returncode == 0 and ok.stdout.count("\n") == 2


def test_prune_dry_run_lists_scans_and_files_and_removes_nothing(inv, tmp_path):
    copy = tmp_path / "inv"
    shutil.copytree(inv, copy)
    before = sorted(p.relative_to(copy) for p in copy.rglob("*.parquet"))
    proc = run_piiscout("prune", str(copy), "--keep", "1", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    first_scan = scan_ids(copy)[0]
    assert any(line.startswith(f"would remove scan {first_scan} (complete, finished ") for line in lines)
    named = [line.split()[3] for line in lines if line.startswith("would remove file ")]
    assert sorted(named) == sorted(f"{p.parent}/{p.name}" for p in before if p.name.startswith(first_scan))
    assert lines[-1].startswith("would remove 1 scan(s): 3 files")
    assert sorted(p.relative_to(copy) for p in copy.rglob("*.parquet")) == before
    real = run_piiscout("prune", str(copy), "--keep", "1")
    assert real.returncode == 0 and len(list(copy.rglob("*.parquet"))) == len(before) - 3


def test_report_names_failed_and_skipped_items(inv):
    """be6bffa: `report` counted problems by reason but named no file."""
    proc = run_piiscout("report", str(inv))
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    share = inv.parent / "share"
    assert "Could not be read (1 items):" in text
    assert f"  {share}/hr/broken.docx: not a valid DOCX file" in text
    assert f"broken symbolic link (its target does not exist): {share}/dangling" in text
    rep = json.loads(run_piiscout("report", str(inv), "--format", "json").stdout)
    assert rep["failed"] == [{"location": f"{share}/hr/broken.docx", "part": "",
                              "reason": rep["failed"][0]["reason"]}]
    assert any(g["examples"] == [f"{share}/bin.dat"] for g in rep["skipped"])


def test_an_unreadable_inventory_file_is_named_and_the_rest_reads(inv, tmp_path):
    """be6bffa: one unreadable findings file made `report` fail (exit 5) and
    `scan --incremental` lose the whole scan in carry-over."""
    copy = tmp_path / "inv"
    shutil.copytree(inv, copy)
    latest = Inventory(copy).finding_files(scan_ids(copy)[-1])[-1]  # the scan `report` reads
    latest.write_bytes(b"damaged")
    proc = run_piiscout("report", str(copy))
    assert proc.returncode == 0, proc.stderr
    assert f"{latest}: not a Parquet file or damaged" in proc.stdout
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1  # one warning line
    share = inv.parent / "share"
    again = run_piiscout("scan", str(share), "-i", str(copy), "-j", "1", "-q", "--incremental")
    assert again.returncode == 1, again.stderr  # broken.docx, as before
    assert "internal error" not in again.stderr
    rep = json.loads(run_piiscout("report", str(copy), "--format", "json").stdout)
    # The scan with the damaged file is not reused: everything was read again.
    assert rep["findings"] == 2 and rep["items"].get("unchanged", 0) == 0


@pytest.mark.parametrize("command", [
    ["diff", "{inv}", "--format", "csv", "-o", "{out}"],
    ["diff", "{inv}", "-o", "{out}"],
    ["export", "{inv}", "-o", "{out}"],
    ["export", "{inv}", "-o", "{out}.xlsx"],
    ["report", "{inv}", "-o", "{out}.html"],
])
def test_outputs_on_a_full_disk_fail_in_one_line_and_leave_nothing(inv, tmp_path, command):
    """be6bffa: `diff -o` on a full disk gave an internal error and left a
    0-byte file of mode 0644 (it wrote in place)."""
    with small_tmpfs(tmp_path / "disk", "64k") as disk:
        fill(disk, leave=2048)
        out = disk / "out.csv"
        args = [a.replace("{inv}", str(inv)).replace("{out}", str(out)) for a in command]
        proc = run_piiscout(*args)
        assert proc.returncode == 5, proc.stdout + proc.stderr
        assert proc.stderr.strip().startswith("piiscout: error: cannot write ") and \
            proc.stderr.strip().endswith("no space left on device"), proc.stderr
        assert [p.name for p in disk.iterdir() if p.name != ".filler"] == []


def test_diff_output_is_owner_only(inv, tmp_path):
    out = tmp_path / "changes.txt"
    first = scan_ids(inv)[0]
    proc = run_piiscout("diff", str(inv), "--since", first, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert oct(out.stat().st_mode & 0o777) == "0o600" and out.read_text().startswith("Changes from scan")
