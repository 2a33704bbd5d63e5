"""Excel 97-2003 workbooks (XLS, BIFF8) through xlrd.

Like XLSX: one section per sheet (`sheet=<name>`), one line per row, the
first row as column headers. Encrypted workbooks are skipped (`encrypted`).
"""

from __future__ import annotations

import io
from typing import Iterator

from scanner.errors import ItemError, ItemSkipped, one_line
from scanner.extractors.base import MAX_IN_MEMORY, Blob, ExtractContext, Extractor
from scanner.extractors.registry import register
from scanner.extractors.textbuilder import SegmentWriter
from scanner.extractors.xlsx import number_text
from scanner.model import Segment
from scanner.refine import XLS
from scanner.streams import read_limited


def _cell(cell) -> str:
    import xlrd

    t = cell.ctype
    if t in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if t in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE):
        return number_text(repr(cell.value))
    if t == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    return str(cell.value)


@register
class XlsExtractor(Extractor):
    name = "xls"
    content_types = (XLS,)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        import xlrd

        data = read_limited(blob.seekable(), MAX_IN_MEMORY, "workbook")
        try:
            # logfile: xlrd prints warnings (which can quote cells) to stdout by default.
            book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True,
                                      logfile=io.StringIO(), verbosity=0)
        except xlrd.XLRDError as exc:
            if "encrypt" in str(exc).lower():
                raise ItemSkipped("encrypted") from None
            raise ItemError(f"corrupt or unreadable XLS ({one_line(exc)})") from None
        except Exception as exc:  # noqa: BLE001 - xlrd fails on damaged files with struct/Index/Assertion errors
            raise ItemError(f"corrupt or unreadable XLS ({one_line(exc)})") from None
        try:
            for index in range(book.nsheets):
                ctx.check()
                try:
                    sheet = book.sheet_by_index(index)
                except Exception as exc:  # noqa: BLE001
                    raise ItemError(f"corrupt sheet {index + 1} in XLS ({one_line(exc)})") from None
                writer = SegmentWriter(f"sheet={sheet.name}")
                started = False
                for r in range(sheet.nrows):
                    if r & 1023 == 0:
                        ctx.check()
                    cells = [_cell(c) for c in sheet.row(r)]
                    while cells and not cells[-1]:
                        cells.pop()
                    if not started:
                        if not cells:
                            yield from writer.write("\n")
                            continue
                        yield from writer.begin_table()
                        started = True
                    yield from writer.row(cells)
                if started:
                    writer.end_table()
                yield from writer.close()
                notes = getattr(sheet, "cell_note_map", None) or {}
                if notes:
                    writer = SegmentWriter(f"sheet={sheet.name}/comments")
                    for (r, c), note in sorted(notes.items()):
                        yield from writer.line(f"R{r + 1}C{c + 1}: {getattr(note, 'text', '')}")
                    yield from writer.close()
                book.unload_sheet(index)
        finally:
            book.release_resources()
