"""`piiscout export`: XLSX and CSV a client can open, with masked values and
hashes only, hostile file names neutralised, and the current state by
default."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from scanner import entity_labels, export_xlsx
from scanner import export as export_mod
from scanner.request import build_request
from scanner.export import export
from scanner.inventory.reader import Inventory
from scanner.inventory.state import current_view, read_table
from scanner.scan import run_scan
from tests.conftest import ROOT, TEST_KEY, raw_variants, run_piiscout
from tests.scanner.trees import Planter, make_tree, write_file

HOSTILE = ["=HYPERLINK(CONCAT(\"evil\",\".example\"),\"x\").txt", "+cmd.txt", "-2+3.txt", "@SUM(A1).txt",
           "\tleading-tab.txt"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
VALUES = {"entities": (), "min_score": None, "ner": False, "workers": 2, "excludes": (), "max_file_size": None,
          "item_timeout": None, "follow_symlinks": False, "incremental": True}


def _scan(root: Path, inv: Path):
    return run_scan(build_request([(str(root), str(root))], inv, VALUES, progress=False))


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    # Module-scoped: set up before the per-test key fixture, so set the key here.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PIISCOUT_HASH_KEY", TEST_KEY)
        mp.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.getbasetemp() / "xdg-config"))
        from scanner import privacy

        privacy.hash_key.cache_clear()
        yield _scanned(tmp_path_factory)
        privacy.hash_key.cache_clear()


def _scanned(tmp_path_factory):
    base = tmp_path_factory.mktemp("export")
    root, inv = base / "share", base / "inv"
    truth = make_tree(root, files=6, seed=3)
    planter = Planter(seed=33)
    for name in HOSTILE:
        truth[f"weird/{name}"] = write_file(root / "weird" / name, planter, people=2)
    (root / "misc").mkdir()
    (root / "misc" / "blob.bin").write_bytes(bytes(range(256)) * 64)  # skipped: binary
    first = _scan(root, inv)
    # Then a month passes: a file gets a new SSN, another is deleted.
    gone = root / "finance" / "note_001.txt"
    deleted_values = truth.pop("finance/note_001.txt")
    gone.unlink()
    new_ssn = planter.ssn()
    with (root / "hr" / "note_000.txt").open("a") as fh:
        fh.write(f"Added later: SSN {new_ssn}\n")
    truth["hr/note_000.txt"].append(new_ssn)
    second = _scan(root, inv)
    return {"root": root, "inv": inv, "truth": truth, "first": first, "second": second, "gone": gone,
            "deleted_values": deleted_values, "new_ssn": new_ssn, "base": base}


def _raw(truth: dict, extra=()) -> set[str]:
    return {v for vals in list(truth.values()) + [list(extra)] for raw in vals for v in raw_variants(raw)}


def _xlsx_cells(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb.worksheets}


def test_csv_reads_back_streams_the_current_state(scanned):
    out = scanned["base"] / "out.csv"
    res = export(scanned["inv"], "csv", str(out))
    raw = out.read_bytes()
    assert raw.count(b"\r\n") >= res.findings + 1  # RFC 4180 line ends
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    inv = Inventory(scanned["inv"])
    expected = read_table(inv, current_view(inv), "findings").num_rows
    assert len(rows) == res.findings == expected > 40
    assert list(rows[0]) == export_mod.CSV_COLUMNS
    assert export_mod.CSV_COLUMNS[-3:] == ["exposure", "readers", "location_hash"]
    # Who may read each finding's file: the scanned tree's own permissions.
    assert {r["exposure"] for r in rows} <= {"everyone", "authenticated", "group", "owner"}
    assert all(r["readers"] for r in rows)
    # The current state: the new SSN is there (masked), the deleted file is not.
    from scanner.privacy import value_hash

    new_hash = value_hash("US_SSN", scanned["new_ssn"])
    new_rows = [r for r in rows if r["value_hash"] == new_hash]
    assert len(new_rows) == 1 and new_rows[0]["masked_value"].endswith(scanned["new_ssn"][-4:])
    assert new_rows[0]["masked_value"].startswith("*")
    assert not [r for r in rows if r["location"] == str(scanned["gone"])]
    assert {r["scan_id"] for r in rows} == {scanned["second"].scan_id}


def test_no_raw_value_and_no_formula_in_either_format(scanned):
    base = scanned["base"]
    export(scanned["inv"], "csv", str(base / "f.csv"))
    export(scanned["inv"], "xlsx", str(base / "f.xlsx"))
    raws = _raw(scanned["truth"], scanned["deleted_values"])
    text = (base / "f.csv").read_text(encoding="utf-8")
    with zipfile.ZipFile(base / "f.xlsx") as z:
        xml = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert [v for v in raws if v in text or v in xml] == []
    # CSV has no cell types: formula-like text is defused with an apostrophe.
    for row in csv.reader(io.StringIO(text, newline="")):
        assert not [c for c in row if c.startswith(FORMULA_START)], row
    locs = {r[0] for r in list(csv.reader(io.StringIO(text, newline="")))[1:]}
    for name in HOSTILE:
        assert str(scanned["root"] / "weird" / name) in locs  # absolute paths start with "/"
    # XLSX cells are typed: text is a text cell, written unchanged, never a formula.
    assert "<f>" not in xml and "<f " not in xml
    wb = openpyxl.load_workbook(base / "f.xlsx")
    written = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate)
                assert not (isinstance(c.value, str) and c.value.startswith("'")), c.value  # no apostrophe added
                if isinstance(c.value, str):
                    assert c.data_type == "s"
                    written.add(c.value)
    hostile = [n for n in HOSTILE if any(n in v for v in written)]
    assert len(hostile) == len(HOSTILE)
    parts = export_mod.neutralise("=cmd|' /C calc'!A0")
    assert parts == "'=cmd|' /C calc'!A0" and export_mod.neutralise("-2+3") == "'-2+3"
    assert export_mod.neutralise("\uff1dSUM(1)").startswith("'")
    assert export_mod.neutralise("/srv/a.txt") == "/srv/a.txt" and export_mod.neutralise(None) is None


def test_xlsx_sheets_and_summary(scanned):
    out = scanned["base"] / "client.xlsx"
    res = export(scanned["inv"], "xlsx", str(out))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Risk", "Folders", "Findings", "Technical"]
    ws = wb["Findings"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:K{res.findings + 1}"
    assert ws.column_dimensions["A"].width > 50 and ws.column_dimensions["F"].width > 15
    rows = list(ws.iter_rows(values_only=True))
    assert [h for h, _ in export_xlsx.FINDINGS_COLUMNS] == list(rows[0])
    assert len(rows) - 1 == res.findings
    tech = list(wb["Technical"].iter_rows(values_only=True))
    assert len(tech) == len(rows) and [h for h, _ in export_xlsx.TECHNICAL_COLUMNS] == list(tech[0])
    # The two sheets line up row by row; codes and hashes only on Technical.
    for r, t in zip(rows[1:], tech[1:]):
        assert r[:3] == t[:3] and r[4] == entity_labels.name(t[3]) and len(t[4]) == 64
    # Who can read each finding's file, in words.
    assert {r[8] for r in rows[1:]} <= {"Everyone", "All signed-in users", "A group", "Owner only"}
    export(scanned["inv"], "csv", str(scanned["base"] / "count.csv"))
    with (scanned["base"] / "count.csv").open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.reader(fh))) - 1 == res.findings  # as many rows as the CSV
    summary = {r[0]: r[1:] for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Findings"][0] == res.findings
    assert summary["Findings sheets"][0].startswith("Findings")
    assert summary["Social Security number"][1] == sum(1 for t in tech[1:] if t[3] == "US_SSN")
    assert summary["E-mail address"][2] == len({t[4] for t in tech[1:] if t[3] == "EMAIL_ADDRESS"})  # distinct
    assert "US_SSN" not in summary and "EMAIL_ADDRESS" not in summary
    assert str(scanned["root"]) in summary  # by target
    assert any(k.startswith("What was not examined") for k in summary)
    assert {"Program or binary file", "Image in a format that is not read"} & set(summary)  # the blob, skipped


def test_findings_continue_on_more_sheets_past_the_row_limit(scanned, monkeypatch):
    monkeypatch.setattr(export_xlsx, "EXCEL_MAX_ROWS", 21)  # 20 findings per sheet
    out = scanned["base"] / "split.xlsx"
    res = export(scanned["inv"], "xlsx", str(out))
    expected = [("Findings" if i == 0 else f"Findings {i + 1}") for i in range((res.findings + 19) // 20)]
    assert res.sheets == expected and len(expected) >= 3
    cells = _xlsx_cells(out)
    pairs = [(name, name.replace("Findings", "Technical")) for name in expected]
    assert list(cells) == ["Summary", "Risk", "Folders", *[s for pair in pairs for s in pair]]
    counts = [len(cells[name]) - 1 for name in expected]
    assert sum(counts) == res.findings and max(counts) == 20
    assert [len(cells[t]) - 1 for _, t in pairs] == counts
    assert all(cells[name][0] == tuple(h for h, _ in export_xlsx.FINDINGS_COLUMNS) for name in expected)
    note = {r[0]: r[1] for r in cells["Summary"] if r[0]}["Findings sheets"]
    assert "Findings 2" in note and "rows per sheet" in note
    assert len(cells["Risk"]) - 1 == 10  # every location fits
    monkeypatch.setattr(export_xlsx, "EXCEL_MAX_ROWS", 6)
    export(scanned["inv"], "xlsx", str(out))
    cells = _xlsx_cells(out)
    assert len(cells["Risk"]) == 6  # the 5 riskiest locations, and a note
    risk_note = {r[0]: r[1] for r in cells["Summary"] if r[0]}["Risk sheet"]
    assert "5 riskiest of 10" in risk_note and "CSV" in risk_note


def test_filters_and_an_older_scan(scanned):
    base = scanned["base"]
    res = export(scanned["inv"], "csv", str(base / "ssn.csv"), entities=("us_ssn",), min_score=0.8)
    rows = list(csv.DictReader((base / "ssn.csv").open(encoding="utf-8", newline="")))
    assert len(rows) == res.findings > 0
    assert {r["entity_type"] for r in rows} == {"US_SSN"} and min(float(r["score"]) for r in rows) >= 0.8
    old = export(scanned["inv"], "csv", str(base / "old.csv"), scan_id=scanned["first"].scan_id)
    rows = list(csv.DictReader((base / "old.csv").open(encoding="utf-8", newline="")))
    assert len(rows) == old.findings and {r["scan_id"] for r in rows} == {scanned["first"].scan_id}
    assert [r for r in rows if r["location"] == str(scanned["gone"])]  # it was there then


def test_cli_export_and_diff(scanned):
    inv, base = scanned["inv"], scanned["base"]
    proc = run_piiscout("export", str(inv), "-o", str(base / "cli.xlsx"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("exported ") and (base / "cli.xlsx").stat().st_mode & 0o077 == 0
    proc = run_piiscout("export", str(inv), "--format", "csv", "-o", "-", "--entities", "EMAIL_ADDRESS")
    assert proc.returncode == 0
    rows = list(csv.DictReader(io.StringIO(proc.stdout, newline="")))
    assert rows and {r["entity_type"] for r in rows} == {"EMAIL_ADDRESS"}
    proc = run_piiscout("export", str(inv), "-o", str(base / "x.ods"))
    assert proc.returncode == 2 and "--format" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_piiscout("export", str(inv), "-o", str(base / "x.csv"), "--scan", "nope")
    assert proc.returncode == 2 and "no scan nope" in proc.stderr
    # diff: the new SSN, and everything of the deleted file, resolved.
    proc = run_piiscout("diff", str(inv), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    from scanner.privacy import value_hash

    new = [c for c in d["changes"] if c["change"] == "new"]
    resolved = [c for c in d["changes"] if c["change"] == "resolved"]
    assert [c["value_hash"] for c in new] == [value_hash("US_SSN", scanned["new_ssn"])]
    assert {c["location"] for c in resolved} == {str(scanned["gone"])}
    assert len(resolved) == len(scanned["deleted_values"])
    proc = run_piiscout("diff", str(inv))
    assert "New: 1 (US_SSN 1)" in proc.stdout and f"Resolved: {len(resolved)}" in proc.stdout
    leaks = [v for v in _raw(scanned["truth"], scanned["deleted_values"]) if v in proc.stdout + json.dumps(d)]
    assert leaks == []


def test_csv_export_memory_does_not_grow_with_the_inventory(tmp_path):
    """Peak memory of a CSV export of 150,000 findings stays far below the
    size of those findings in memory: it streams."""
    from datetime import datetime, timezone

    import pyarrow as pa

    from scanner.inventory.schema import FINDINGS
    from scanner.inventory.writer import InventoryWriter, prepare

    inv = tmp_path / "inv"
    prepare(inv)
    sid = "20240101T000000Z-bbbbbb"
    w = InventoryWriter(inv, sid)
    n = 150_000
    col = {"scan_id": [sid] * n, "source": ["file"] * n,
           "location": [f"/srv/share/folder{i % 500}/file{i}.txt" for i in range(n)], "part": [""] * n,
           "row_key": [None] * n, "entity_type": ["US_SSN"] * n, "score": [0.9] * n, "detector": ["Ssn"] * n,
           "start": [0] * n, "end": [11] * n, "line": list(range(n)), "masked_value": ["***-**-1234"] * n,
           "value_hash": [f"{i:064x}" for i in range(n)], "context": ["SSN ***-**-1234 of employee"] * n,
           "found_at": [datetime.now(timezone.utc)] * n}
    col.update({f.name: [None] * n for f in FINDINGS if f.name not in col})  # columns added later
    w.findings.add_table(pa.table(col, schema=FINDINGS))
    w.close()
    now = datetime.now(timezone.utc)
    w.write_scan({"scan_id": sid, "started_at": now, "finished_at": now, "status": "complete",
                  "targets": ["/srv/share"], "options": "{}", "version": "0", "hash_scheme": "x",
                  "hash_key_id": "x", "items_total": 0, "items_scanned": 0, "items_skipped": 0, "items_error": 0,
                  "items_unchanged": 0, "findings": n, "suppressed": 0, "bytes_scanned": 0, "duration_s": 0.0,
                  "exit_code": 0})
    in_memory = Inventory(inv).findings(sid).nbytes
    code = (
        "import resource, sys\n"
        "from scanner.export import export\n"
        "import pyarrow, csv\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"res = export({str(inv)!r}, 'csv', {str(tmp_path / 'big.csv')!r})\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(res.findings, (after - before) * 1024)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(ROOT),
                          env={"PIISCOUT_HASH_KEY": TEST_KEY, "PATH": "/usr/bin:/bin"}, timeout=600)
    assert proc.returncode == 0, proc.stderr
    rows, growth = map(int, proc.stdout.split())
    assert rows == n
    assert growth < in_memory / 3, (growth, in_memory)


def test_diff_since_a_date(scanned):
    from scanner.diff import diff
    from scanner.errors import UsageError

    with pytest.raises(UsageError, match="no scan finished before 2001-01-01"):
        diff(scanned["inv"], since="2001-01-01")
    with pytest.raises(UsageError, match="not a date"):
        diff(scanned["inv"], since="2024-13-45")
    first = scanned["first"].scan_id
    res = diff(scanned["inv"], since=first)
    assert res.since.latest["scan_id"] == first and res.new.num_rows == 1
