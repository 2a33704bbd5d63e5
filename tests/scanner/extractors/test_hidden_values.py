"""Where real client files hide values (issue 22), end to end through the CLI.

fixtures/hidden/ (fixtures/hidden/generate.py) holds spreadsheets that show
identifiers through number formats below a title, a CSV export with its
title lines, a DOCX with a value in every story, a PDF whose cells and lines
wrap values, and Outlook mail in winmail.dat. Every planted value must be
found, and nothing else; on main before this work (be6bffa) the spreadsheet
SSNs, the text box, the run-split header and footer, the wrapped PDF cells
and all of winmail.dat were missed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.evaluation import evaluate, found_hashes, worst_files
from scanner.inventory.reader import Inventory
from tests.conftest import all_strings, raw_variants, run_piiscout


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, fixtures_dir):
    inv = tmp_path_factory.mktemp("hiddeninv")
    proc = run_piiscout("scan", str(fixtures_dir / "hidden"), "-i", str(inv), "-j", "1", "-x", "*.py")
    return inv, proc


def _items(inv: Path) -> list[dict]:
    i = Inventory(inv)
    t = i.items(i.latest_scan_id())
    cols = ("location", "part", "status", "reason", "content_type")
    return [dict(zip(cols, row)) for row in zip(*(t.column(c).to_pylist() for c in cols))]


def test_scan_completes(scanned):
    inv, proc = scanned
    assert proc.returncode == 0, proc.stderr
    assert all(r["status"] == "scanned" for r in _items(inv)), [r for r in _items(inv) if r["status"] != "scanned"]


@pytest.mark.parametrize("path", [
    "sheets/payroll.xlsx", "sheets/payroll.xls", "sheets/payroll.ods", "sheets/payroll_export.csv",
    "documents/stories.docx", "pdf/wrapped.pdf", "mail/winmail_rich.eml", "mail/winmail.dat",
])
def test_every_planted_value_is_found(scanned, fixtures_dir, truth, path):
    inv, _ = scanned
    key = "hidden/" + path
    result = evaluate(found_hashes(inv, None, fixtures_dir), {key: truth[key]})
    assert worst_files(result, 1.0) == []


def test_winmail_attachments_have_their_own_rows(scanned):
    inv, _ = scanned
    rows = {(Path(r["location"]).name, r["part"]): r for r in _items(inv)}
    assert rows[("winmail_rich.eml", "att-1-winmail.dat")]["content_type"] == "application/vnd.ms-tnef"
    assert rows[("winmail_rich.eml", "att-1-winmail.dat/att-1-new hires.csv")]["content_type"] == "text/csv"
    assert rows[("winmail.dat", "att-1-notes.txt")]["status"] == "scanned"
    # the message embedded in the winmail.dat, itself TNEF
    embedded = [p for (name, p) in rows if name == "winmail.dat" and p.startswith("att-2")]
    assert embedded and rows[("winmail.dat", embedded[0])]["content_type"] == "application/vnd.ms-tnef"


def test_findings_say_which_sheet_and_row(scanned):
    inv, _ = scanned
    i = Inventory(inv)
    t = i.findings(i.latest_scan_id(), columns=["location", "part", "line", "entity_type"])
    rows = [r for r in t.to_pylist() if r["location"].endswith("payroll.xlsx") and r["entity_type"] == "US_SSN"]
    # data rows 5-8 of the first table, rows 13-14 of the second (1-based, as Excel numbers them)
    assert sorted({r["line"] for r in rows}) == [5, 6, 7, 8, 13, 14]
    assert {r["part"] for r in rows} == {"sheet=Payroll"}


def test_no_raw_value_in_the_inventory(scanned, truth):
    inv, proc = scanned
    blob = "\n".join(all_strings(inv)) + proc.stdout + proc.stderr
    planted = [v for k, f in truth.items() if k.startswith("hidden/") for vals in f.values() for v in vals]
    assert [v for raw in planted for v in raw_variants(raw) if v in blob] == []
