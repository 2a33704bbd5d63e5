"""Excel 97-2003 workbooks (XLS, BIFF8) through xlrd: the fallback for what
python-calamine (spreadsheet.py) cannot read, and the reader of cell notes.

Like XLSX: one section per sheet (`sheet=<name>`), one line per row,
headers found wherever a table starts, numbers through their number format
(biff.XlsLayout). Encrypted workbooks are skipped (`encrypted`).
Not registered: spreadsheet.py calls it.
"""

from __future__ import annotations

import io
from typing import Iterator

from scanner.errors import ItemError, ItemSkipped, one_line
from scanner.extractors.base import MAX_IN_MEMORY, Blob, ExtractContext, Extractor
from scanner.extractors.sheetrows import SheetWriter, cell_text
from scanner.extractors.textbuilder import SegmentWriter
from scanner.model import Segment
from scanner.refine import XLS
from scanner.streams import read_limited


def _cell(cell, fmt: str | None, datemode: int) -> str:
    import xlrd

    t = cell.ctype
    if t in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if t == xlrd.XL_CELL_DATE:
        try:
            return cell_text(xlrd.xldate.xldate_as_datetime(cell.value, datemode), fmt)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell_text(cell.value)
    if t == xlrd.XL_CELL_NUMBER:
        return cell_text(float(cell.value), fmt)
    if t == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    return str(cell.value)


def _open(blob: Blob):
    import xlrd

    data = read_limited(blob.seekable(), MAX_IN_MEMORY, "workbook")
    try:
        # logfile: xlrd prints warnings (which can quote cells) to stdout by default.
        return xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True,
                                  logfile=io.StringIO(), verbosity=0)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise ItemSkipped("encrypted") from None
        raise ItemError(f"corrupt or unreadable XLS ({one_line(exc)})") from None
    except Exception as exc:  # noqa: BLE001 - xlrd fails on damaged files with struct/Index/Assertion errors
        raise ItemError(f"corrupt or unreadable XLS ({one_line(exc)})") from None


def note_segments(blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
    """Cell notes of every sheet, as section `sheet=<name>/comments`."""
    book = _open(blob)
    try:
        for index in range(book.nsheets):
            ctx.check()
            try:
                sheet = book.sheet_by_index(index)
            except Exception:  # noqa: BLE001 - the cells were read by calamine; notes are extra
                continue
            yield from _notes(sheet)
            book.unload_sheet(index)
    finally:
        book.release_resources()


def _notes(sheet) -> Iterator[Segment]:
    notes = getattr(sheet, "cell_note_map", None) or {}
    if notes:
        writer = SegmentWriter(f"sheet={sheet.name}/comments")
        for (r, c), note in sorted(notes.items()):
            yield from writer.line(f"R{r + 1}C{c + 1}: {getattr(note, 'text', '')}")
        yield from writer.close()


def _formats(blob: Blob):
    from scanner.extractors.biff import XlsLayout, workbook_stream

    try:
        return XlsLayout(workbook_stream(blob))
    except Exception:  # noqa: BLE001 - formats are a refinement; values still read
        return None


class XlsExtractor(Extractor):
    name = "xls"
    content_types = (XLS,)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        layout = _formats(blob)
        book = _open(blob)
        try:
            for index in range(book.nsheets):
                ctx.check()
                try:
                    sheet = book.sheet_by_index(index)
                except Exception as exc:  # noqa: BLE001
                    raise ItemError(f"corrupt sheet {index + 1} in XLS ({one_line(exc)})") from None
                formats = layout.sheet(sheet.name)[0] if layout is not None else {}
                writer = SheetWriter(f"sheet={sheet.name}")
                for r in range(sheet.nrows):
                    if r & 1023 == 0:
                        ctx.check()
                    cells = [_cell(c, formats.get((r, j)), book.datemode) for j, c in enumerate(sheet.row(r))]
                    yield from writer.row(r + 1, cells)
                yield from writer.close()
                yield from _notes(sheet)
                book.unload_sheet(index)
        finally:
            book.release_resources()
