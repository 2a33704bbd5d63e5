"""PII in names (scanner/namescan.py): found, masked everywhere, findable again.

be6bffa wrote `Smith_531-74-2190.pdf` as it is into items.location/part, the
"item error" log line and the XLSX Summary.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from scanner.inventory.reader import Inventory
from tests.conftest import all_strings, run_piiscout

SSN, CARD, EMAIL = "531-74-2190", "4539148803436467", "jane.doe@harbourfreight-example.com"
RAW = (SSN, SSN.replace("-", ""), CARD, EMAIL)


@pytest.fixture
def share(tmp_path) -> Path:
    root = tmp_path / "share"
    (root / f"HR/{SSN}").mkdir(parents=True)
    (root / f"HR/{SSN}/notes.txt").write_text("nothing personal\n")
    (root / f"HR/Smith_{SSN}.txt").write_text("nothing personal here either\n")
    (root / f"Finance/card {CARD}.txt").parent.mkdir(parents=True)
    (root / f"Finance/card {CARD}.txt").write_text("receipt\n")
    (root / f"Mail/{EMAIL}.docx").parent.mkdir(parents=True)
    (root / f"Mail/{EMAIL}.docx").write_text("not really a document")  # an error row: its log line
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"letters/Smith_{SSN}.txt", "dear sir\n")
        zf.writestr(f"{EMAIL}/card {CARD}.txt", "hello\n")
    (root / "Finance" / "old.zip").write_bytes(buf.getvalue())
    return root


def _scan(share, inv, *extra):
    proc = run_piiscout("scan", str(share), "-i", str(inv), "-j", "1", "-v", *extra)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the fake .docx
    return proc


def test_values_in_names_are_findings_masked_everywhere(share, tmp_path):
    inv = tmp_path / "inv"
    proc = _scan(share, inv)
    i = Inventory(inv)
    sid = i.latest_scan_id()
    f = i.findings(sid).to_pylist()
    names = {(r["location"].removeprefix(str(share)), r["part"], r["entity_type"]) for r in f}
    assert names == {
        ("/HR/***-**-2190", "#name", "US_SSN"),
        ("/HR/Smith_***-**-2190.txt", "#name", "US_SSN"),
        ("/Finance/card ************6467.txt", "#name", "CREDIT_CARD"),
        ("/Mail/j***@harbourfreight-example.com.docx", "#name", "EMAIL_ADDRESS"),
        ("/Finance/old.zip", "letters/Smith_***-**-2190.txt#name", "US_SSN"),
        ("/Finance/old.zip", "j***@harbourfreight-example.com#name", "EMAIL_ADDRESS"),
        ("/Finance/old.zip", "j***@harbourfreight-example.com/card ************6467.txt#name", "CREDIT_CARD"),
    }
    assert all(r["location_hash"] and len(r["location_hash"]) == 32 for r in f)
    items = i.items(sid).to_pylist()
    assert all(r["location_hash"] for r in items)
    # No raw value anywhere: inventory, logs, CSV and XLSX exports, reports.
    csv_out = run_piiscout("export", str(inv), "-o", "-").stdout
    assert run_piiscout("export", str(inv), "-o", str(tmp_path / "x.xlsx")).returncode == 0
    with zipfile.ZipFile(tmp_path / "x.xlsx") as zf:
        xlsx = "".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    report = run_piiscout("report", str(inv)).stdout + run_piiscout("report", str(inv), "--format", "json").stdout
    html = run_piiscout("report", str(inv), "-o", str(tmp_path / "r.html"))
    blob = "\n".join(all_strings(inv)) + proc.stdout + proc.stderr + csv_out + xlsx + report + \
        (tmp_path / "r.html").read_text()
    assert html.returncode == 0
    assert [v for v in RAW if v in blob] == []
    assert "item error: " + str(share) + "/Mail/j***@harbourfreight-example.com.docx" in proc.stderr


def test_an_incremental_rescan_keeps_name_findings_once(share, tmp_path):
    inv = tmp_path / "inv"
    _scan(share, inv)
    first = Inventory(inv).findings(Inventory(inv).latest_scan_id()).num_rows
    _scan(share, inv, "--incremental")
    i = Inventory(inv)
    row = i.scan_row(i.latest_scan_id())
    assert row["items_scanned"] == 0 and row["findings"] == first == 7
    assert i.findings(row["scan_id"]).num_rows == first


def test_locate_finds_the_real_path(share, tmp_path):
    inv = tmp_path / "inv"
    _scan(share, inv)
    i = Inventory(inv)
    rows = {r["location"].removeprefix(str(share)): r["location_hash"]
            for r in i.items(i.latest_scan_id()).to_pylist() if not r["part"]}
    lh = rows["/HR/Smith_***-**-2190.txt"]
    proc = run_piiscout("locate", str(inv), lh[:10])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"{lh}  {share}/HR/Smith_{SSN}.txt"
    folder = next(r["location_hash"] for r in i.findings(i.latest_scan_id()).to_pylist()
                  if r["location"].endswith("/HR/***-**-2190"))
    assert run_piiscout("locate", str(inv), folder).stdout.strip().endswith(f"{share}/HR/{SSN}")
    os.unlink(share / f"HR/Smith_{SSN}.txt")
    gone = run_piiscout("locate", str(inv), lh)
    assert gone.returncode == 1 and "moved, deleted, or not readable from here" in gone.stderr
    bad = run_piiscout("locate", str(inv), "zz")
    assert bad.returncode == 2 and "not a location hash" in bad.stderr
