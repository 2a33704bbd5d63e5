"""Workbooks through python-calamine: cells as displayed, headers where tables
start, and the fallbacks for what calamine cannot read or hold."""

from __future__ import annotations

import io
import zipfile

import pytest

from scanner.errors import ItemError
from scanner.extractors.base import Blob, ExtractContext
from scanner.extractors.sheetrows import SheetWriter, cell_text
from scanner.extractors.spreadsheet import SpreadsheetExtractor
from scanner.model import Segment
from scanner.refine import refine
from scanner.settings import ScanSettings
from scanner.sniff import HEAD, sniff


class _Ctx(ExtractContext):
    def __init__(self):
        super().__init__(ScanSettings())
        self.notes: list[str] = []

    def note(self, text: str) -> None:
        self.notes.append(text)


def extract(data: bytes, name: str):
    stream = io.BytesIO(data)
    head = stream.read(HEAD)
    blob = Blob(stream, head, name, len(data), sniff(head, name))
    blob.content_type = refine(blob, blob.content_type)
    ctx = _Ctx()
    segs = [e for e in SpreadsheetExtractor().extract(blob, ctx) if isinstance(e, Segment)]
    return segs, ctx.notes


def text_of(segs, section):
    return "".join(s.text for s in segs if s.section == section)


@pytest.mark.parametrize("name", ["payroll.xlsx", "payroll.xls", "payroll.ods"])
def test_numbers_read_as_displayed(fixtures_dir, name):
    segs, notes = extract((fixtures_dir / "hidden" / "sheets" / name).read_bytes(), name)
    text = text_of(segs, "sheet=Payroll")
    for shown in ("012-34-5671", "078-11-2934", "(212) 739-4187", "4556 7375 8689 9855", "03/14/1984", "02134"):
        assert shown in text, (name, shown)
    assert "12345671" not in text  # the stored number is not written instead
    assert notes == []


@pytest.mark.parametrize("name", ["payroll.xlsx", "payroll.xls", "payroll.ods"])
def test_headers_found_below_the_title_and_for_the_second_table(fixtures_dir, name):
    segs, _ = extract((fixtures_dir / "hidden" / "sheets" / name).read_bytes(), name)
    seg = next(s for s in segs if s.section == "sheet=Payroll")
    lines = seg.text.split("\n")
    # one line per row: row 5 (1-based) is the first employee, in column C
    assert lines[4].split("\t")[2] == "012-34-5671"
    first = seg.text.index("012-34-5671")
    assert seg.layout.context_at(seg.text, first) == ("SSN",)
    second = seg.text.index("634829175")  # a bare number under the second table's header
    assert seg.layout.context_at(seg.text, second) == ("SSN",)
    assert seg.layout.context_at(seg.text, seg.text.index("7736240134")) == ("Mobile",)
    # the title above the first table is no header
    assert seg.layout.context_at(seg.text, seg.text.index("Prepared")) == ()


def test_xlsb_through_calamine(fixtures_dir):
    segs, _ = extract((fixtures_dir / "hidden" / "sheets" / "calamine_base.xlsb").read_bytes(), "base.xlsb")
    text = text_of(segs, "sheet=Sheet1")
    assert "String" in text and "2010-10-10" in text and "TRUE" in text


def test_sparse_sheet_is_streamed_not_allocated():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["XFD1048576"] = "SSN", "078-11-2934", "far away 482-71-5396"
    buf = io.BytesIO()
    wb.save(buf)
    segs, notes = extract(buf.getvalue(), "sparse.xlsx")
    text = "".join(s.text for s in segs)
    assert "078-11-2934" in text and "far away 482-71-5396" in text
    assert any("spans more than" in n and "streaming reader" in n for n in notes)


def test_workbook_calamine_cannot_open_is_streamed():
    # No xl/workbook.xml: calamine refuses it; the streaming reader takes the
    # worksheet parts as they are.
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"], wb.active["A2"] = "SSN", "078-11-2934"
    src = io.BytesIO()
    wb.save(src)
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            if item.filename != "xl/workbook.xml":
                zout.writestr(item, zin.read(item))
    segs, notes = extract(out.getvalue(), "odd.xlsx")
    assert "078-11-2934" in "".join(s.text for s in segs)
    assert any(n.startswith("calamine could not open it") for n in notes)


def test_damaged_xlsb_is_an_error_with_calamine_reason(fixtures_dir):
    data = (fixtures_dir / "hidden" / "sheets" / "calamine_base.xlsb").read_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for item in src.infolist():
            z.writestr(item, b"\x00garbage" if item.filename.startswith("xl/worksheets/") else src.read(item))
    with pytest.raises(ItemError, match="XLSB"):
        extract(out.getvalue(), "damaged.xlsb")


def test_ods_annotations_are_read(tmp_path):
    from odf.office import Annotation
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    t = Table(name="S")
    row = TableRow()
    cell = TableCell(valuetype="string")
    cell.addElement(P(text="see note"))
    ann = Annotation()
    ann.addElement(P(text="old SSN 482-71-5396"))
    cell.addElement(ann)
    row.addElement(cell)
    t.addElement(row)
    doc.spreadsheet.addElement(t)
    doc.save(str(tmp_path / "n.ods"))
    segs, _ = extract((tmp_path / "n.ods").read_bytes(), "n.ods")
    assert "old SSN 482-71-5396" in text_of(segs, "comments")


def _rows(rows):
    w = SheetWriter("sheet=S")
    segs = []
    for n, cells in rows:
        segs += list(w.row(n, list(cells)))
    segs += list(w.close())
    (seg,) = segs
    return seg


def test_a_text_row_inside_a_table_is_not_a_new_header():
    seg = _rows([(1, ["Name", "SSN"]), (2, ["Jane Roe", "078112934"]), (3, ["Dept", "Sales"]),
                 (4, ["John Roe", "482715396"])])
    assert seg.layout.context_at(seg.text, seg.text.index("482715396")) == ("SSN",)


def test_a_new_header_after_a_gap_and_a_title():
    seg = _rows([(1, ["Name", "SSN"]), (2, ["Jane Roe", "078112934"]), (4, ["Contractors"]),
                 (5, ["Name", "Tax ID"]), (6, ["John Roe", "482715396"])])
    assert seg.layout.context_at(seg.text, seg.text.index("482715396")) == ("Tax ID",)
    assert seg.text.split("\n")[5] == "John Roe\t482715396"  # line = row


def test_a_title_above_the_next_table_is_no_row_of_the_last():
    """det-real (issue 22): "Archive" above a second header sat under the
    first table's "First Name" column and was reported as a name."""
    seg = _rows([(1, ["First Name", "SSN"]), (2, ["Jane", "078112934"]), (4, ["Archive"]),
                 (5, ["Name", "Tax ID"]), (6, ["John Roe", "482715396"])])
    assert seg.layout.context_at(seg.text, seg.text.index("Archive")) == ()
    assert seg.layout.context_at(seg.text, seg.text.index("Jane")) == ("First Name",)
    assert seg.layout.context_at(seg.text, seg.text.index("482715396")) == ("Tax ID",)
    # a one-cell row after a gap that no header follows stays a row of its table
    seg = _rows([(1, ["First Name", "SSN"]), (2, ["Jane", "078112934"]), (4, ["Maria"]), (5, ["Ann", "482715396"])])
    assert seg.layout.context_at(seg.text, seg.text.index("Maria")) == ("First Name",)
    assert seg.text.split("\n")[4] == "Ann\t482715396"


def test_cells_with_line_breaks_keep_one_line_per_row():
    seg = _rows([(1, ["Name", "Address"]), (2, ["Jane", "1 Main St\nSpringfield"]), (3, ["John", "x"])])
    assert seg.text.split("\n")[2] == "John\tx"


@pytest.mark.parametrize("value,fmt,shown", [
    (12345678.0, "000-00-0000", "012-34-5678"), (123456789.0, None, "123456789"), (1.5, None, "1.5"),
    (True, None, "TRUE"), ("text", "000-00-0000", "text"),
])
def test_cell_text(value, fmt, shown):
    assert cell_text(value, fmt) == shown
