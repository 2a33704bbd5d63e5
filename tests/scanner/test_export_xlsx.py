"""The XLSX export of a client share prints and reads well (checked with openpyxl)."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

from scanner import entity_labels
from scanner.inventory.reader import Inventory
from scanner.inventory.state import current_view, read_table
from tests.conftest import raw_variants, run_piiscout

HEX64 = re.compile(r"\b[0-9a-f]{64}\b")


@pytest.fixture(scope="module")
def workbook(client_inventory, tmp_path_factory):
    out = tmp_path_factory.mktemp("xlsx") / "client.xlsx"
    proc = run_piiscout("export", str(client_inventory.inventory), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return out, openpyxl.load_workbook(out)


def test_every_sheet_prints_landscape_fitted_to_width(workbook):
    _, wb = workbook
    assert wb.sheetnames == ["Summary", "Risk", "Folders", "Findings", "Technical"]
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, ws.title  # 1 page wide
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    for ws in wb.worksheets[1:]:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.print_title_rows == "$1:$1", ws.title  # the header on every printed page
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.column_dimensions["A"].width >= 60, ws.title
        assert ws.print_options.gridLines, ws.title


def test_summary_in_plain_english(workbook, client_inventory):
    _, wb = workbook
    rows = [r for r in wb["Summary"].iter_rows(values_only=True)]
    first = [r[0] for r in rows if r[0]]
    for name in ("Social Security number", "Payment card number", "E-mail address", "Bank account number"):
        assert name in first
    text = "\n".join(str(c) for r in rows for c in r if c is not None)
    for code in ("US_SSN", "CREDIT_CARD", "EMAIL_ADDRESS"):
        assert code not in text
    assert "readable by everyone" in rows[1][0]  # the headline, with exposure
    assert "Access denied to the scanning account" in first or not client_inventory.share.denied
    assert "Image or scanned page: text recognition (OCR) was off" in first


def test_hashes_and_codes_only_on_the_technical_sheet(workbook):
    _, wb = workbook
    for ws in wb.worksheets:
        cells = [c for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str)]
        hashes = [c for c in cells if HEX64.search(c)]
        if ws.title == "Technical":
            assert len(hashes) == ws.max_row - 1
        else:
            assert not hashes, ws.title


def test_risk_column_and_sheets_agree(workbook, client_inventory):
    _, wb = workbook
    risk = {r[0]: r for r in wb["Risk"].iter_rows(min_row=2, values_only=True)}
    scores = [r[2] for r in wb["Risk"].iter_rows(min_row=2, values_only=True)]
    assert scores == sorted(scores, reverse=True) and scores[0] >= 60
    assert {r[1] for r in risk.values()} == {"File", "Table", "Mailbox"}
    assert {r[6] for r in risk.values()} >= {"Everyone", "A group"}
    assert any("Everyone" in (r[8] or "") for r in risk.values())  # items.readers, as recorded
    for loc, _, _, _, _, _, _, risk_score, who, _, _ in wb["Findings"].iter_rows(min_row=2, values_only=True):
        assert risk[loc][2] == risk_score
        assert risk[loc][6] == who  # each finding says who can read its file, as the Risk sheet does
    inv = Inventory(client_inventory.inventory)
    assert wb["Findings"].max_row - 1 == read_table(inv, current_view(inv), "findings").num_rows
    names = {r[4] for r in wb["Findings"].iter_rows(min_row=2, values_only=True)}
    assert "Social Security number" in names
    assert not [n for n in names if re.fullmatch(r"[A-Z0-9_]+", n)]  # names, not codes
    assert names == {entity_labels.name(c) for c in read_table(inv, current_view(inv), "findings",
                                                               ["entity_type"]).column(0).to_pylist()}


def test_folder_rollups_include_subfolders(workbook, client_inventory):
    _, wb = workbook
    root = client_inventory.targets[0]
    folders = {r[0]: r for r in wb["Folders"].iter_rows(min_row=2, values_only=True)}
    hr, payroll = folders[f"{root}/HR"], folders[f"{root}/HR/Payroll"]
    years = [v for k, v in folders.items() if k.startswith(f"{root}/HR/Payroll/")]
    assert len(years) == 6 and payroll[3] == sum(y[3] for y in years)  # files below, subfolders included
    assert hr[3] > payroll[3] and hr[5] > payroll[5] and hr[1] >= payroll[1]


def test_values_are_written_unchanged(workbook, client_inventory):
    """No apostrophe on "+1" phones: the masked value is the inventory's."""
    _, wb = workbook
    masked = [r[5] for r in wb["Findings"].iter_rows(min_row=2, values_only=True)]
    inv = Inventory(client_inventory.inventory)
    stored = read_table(inv, current_view(inv), "findings", ["masked_value"]).column(0).to_pylist()
    assert sorted(masked) == sorted(stored)
    assert any(m.startswith("+") for m in masked) and not any(m.startswith("'") for m in masked)


def test_no_raw_value_in_the_xlsx(workbook, client_inventory):
    path, _ = workbook
    with zipfile.ZipFile(path) as z:
        xml = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    leaked = [v for raw in client_inventory.raw_values() for v in raw_variants(raw) if v in xml]
    assert not leaked, leaked[:5]


def test_found_at_is_a_date_cell(workbook, client_inventory):
    _, wb = workbook
    inv = Inventory(client_inventory.inventory)
    stored = read_table(inv, current_view(inv), "findings", ["location", "found_at"]).to_pylist()
    want = {(r["location"], r["found_at"].replace(tzinfo=None).replace(microsecond=0)) for r in stored}
    got = set()
    for row in wb["Findings"].iter_rows(min_row=2, values_only=True):
        assert hasattr(row[10], "year"), row[10]  # a date, not text
        got.add((row[0], row[10].replace(microsecond=0)))
    assert {(loc, t.replace(second=0)) for loc, t in got} == {(loc, t.replace(second=0)) for loc, t in want}
