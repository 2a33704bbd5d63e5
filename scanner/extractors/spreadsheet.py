"""Workbooks (XLSX/XLSM, XLS, ODS, XLSB) through python-calamine, read as displayed.

calamine (Rust) reads cell values 7-16x faster than the streaming XML and
xlrd readers it replaces. It gives dates as dates but no number formats,
so `sheetstyles`/`biff` find the cells whose format shapes their digits
(an SSN stored as 12345678 and shown as 012-34-5678) and `numfmt` renders
them. Rows go through `SheetWriter`: one line per row, one section per
sheet (`sheet=<name>`), headers found wherever each table starts.

Fallbacks, each noted on the item's row: a workbook calamine cannot open
(damaged, or a variant it does not know) is streamed by the previous
readers (xlsx.py, xls.py through xlrd, odf.py); so is one whose used area
is too large to hold as a dense grid (a stray cell at XFD1048576), since
those readers are sparse. XLSB has no fallback: it is an error with
calamine's reason. Cell comments: XLSX comment parts, ODS annotations and
XLS notes (through xlrd, only when the workbook has any) follow the sheets
as section `comments`.
"""

from __future__ import annotations

import re
from typing import Iterator

from scanner.errors import ItemError, ItemSkipped, one_line
from scanner.extractors import sheetstyles
from scanner.extractors.archives import open_zip
from scanner.extractors.base import MAX_IN_MEMORY, Blob, ExtractContext, Extractor
from scanner.extractors.registry import register
from scanner.extractors.sheetrows import SheetWriter, cell_text
from scanner.extractors.textbuilder import SegmentWriter
from scanner.model import Segment
from scanner.refine import ODS, XLS, XLSB, XLSX

# Dense cells calamine may allocate for one sheet (~32 bytes each).
MAX_CELLS = 8_000_000
_LABEL = {XLSX: "XLSX", XLS: "XLS", ODS: "ODS", XLSB: "XLSB"}
_SKIP_TYPES = ("ChartSheet", "Vba")


@register
class SpreadsheetExtractor(Extractor):
    name = "spreadsheet"
    content_types = (XLSX, XLS, ODS, XLSB)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        import python_calamine as pc

        label = _LABEL[blob.content_type]
        try:
            book = pc.CalamineWorkbook.from_filelike(blob.seekable())
            sheets = [m.name for m in book.sheets_metadata if str(m.typ).rsplit(".", 1)[-1] not in _SKIP_TYPES]
        except pc.PasswordError:
            raise ItemSkipped("encrypted") from None
        except BaseException as exc:  # noqa: BLE001 - CalamineError, XmlError, ZipError, ValueError, a Rust panic
            _reraise_control(exc)
            yield from self._fallback(blob, ctx, label, f"calamine could not open it: {one_line(exc)}")
            return
        if not sheets:  # a damaged workbook part: the streaming readers look for sheets themselves
            book.close()
            yield from self._fallback(blob, ctx, label, "calamine could not open it: no sheets listed")
            return
        try:
            layout = _layout(blob, label)
            too_big = [n for n in sheets if layout.area(n) > MAX_CELLS]
        except (ItemError, ItemSkipped):
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged style table: values as stored, said so
            ctx.note(f"number formats unreadable ({one_line(exc)})")
            layout, too_big = _Layout(), []
        if too_big:
            book.close()
            yield from self._fallback(blob, ctx, label, f"sheet {too_big[0]!r} spans more than {MAX_CELLS:,} cells")
            return
        read = 0
        try:
            for name in sheets:
                ctx.check()
                try:
                    sheet = book.get_sheet_by_name(name)
                    yield from _sheet_segments(sheet, layout, name, ctx)
                except BaseException as exc:  # noqa: BLE001 - one damaged sheet (or a Rust panic): note it, read the others
                    _reraise_control(exc)
                    ctx.note(f"sheet {name!r} unreadable ({one_line(exc)})")
                    continue
                read += 1
        finally:
            book.close()
        if sheets and not read:
            raise ItemError(f"corrupt {label} file (no readable sheet)")
        yield from layout.comments(blob, ctx)

    def _fallback(self, blob: Blob, ctx: ExtractContext, label: str, why: str) -> Iterator[Segment]:
        cls = _fallback_reader(blob.content_type)
        if cls is None:
            raise ItemError(f"corrupt or unreadable {label} ({why})")
        ctx.note(f"{why}; read by the streaming reader")
        yield from cls().extract(blob, ctx)


def _reraise_control(exc: BaseException) -> None:
    """calamine's Rust panics arrive as pyo3's PanicException, a BaseException:
    those are a damaged file; interrupts, exits and our own limits are not."""
    from scanner.errors import ItemTimeout

    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, ItemTimeout, ItemError, ItemSkipped, MemoryError)):
        raise exc


def _fallback_reader(ctype: str):
    if ctype == XLSX:
        from scanner.extractors.xlsx import XlsxExtractor

        return XlsxExtractor
    if ctype == XLS:
        from scanner.extractors.xls import XlsExtractor

        return XlsExtractor
    if ctype == ODS:
        from scanner.extractors.odf import OdfExtractor

        return OdfExtractor
    return None


def _sheet_segments(sheet, layout: "_Layout", name: str, ctx: ExtractContext) -> Iterator[Segment]:
    formats = layout.formats(name)
    displays = layout.displays
    writer = SheetWriter(f"sheet={name}")
    start = sheet.start
    col0 = start[1] if start else 0
    lead = [""] * col0
    for r, row in enumerate(sheet.iter_rows()):
        if r & 1023 == 0:
            ctx.check()
        if formats:
            cells = [v if type(v) is str else cell_text(v, formats.get((r, col0 + j))) for j, v in enumerate(row)]
        else:
            cells = [v if type(v) is str else cell_text(v) for v in row]
        if displays:
            cells = [displays.get(c, c) if type(v) is not str else c for c, v in zip(cells, row)]
        if lead and any(cells):
            cells = lead + cells
        yield from writer.row(r + 1, cells)
    yield from writer.close()


class _Layout:
    """Formats and sizes of a workbook's sheets, per format."""

    displays: dict[str, str] = {}

    def formats(self, sheet: str) -> dict[tuple[int, int], str]:
        return {}

    def area(self, sheet: str) -> int:
        return 0

    def comments(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        return iter(())


def _layout(blob: Blob, label: str) -> _Layout:
    return {"XLSX": _XlsxLayout, "XLS": _XlsLayout, "ODS": _OdsLayout, "XLSB": _XlsbLayout}[label](blob)


class _XlsxLayout(_Layout):
    def __init__(self, blob: Blob):
        from scanner.extractors.xlsx import sheet_parts

        self.blob = blob
        self.zf = open_zip(blob)
        self.styles = sheetstyles.xlsx_style_formats(self.zf)
        self.parts = dict(sheet_parts(self.zf))
        self._scanned: dict[str, tuple[dict, int]] = {}

    def _scan(self, sheet: str) -> tuple[dict, int]:
        if sheet not in self._scanned:
            part = self.parts.get(sheet)
            if part is None:
                return {}, 0
            info = self.zf.getinfo(part)
            if info.file_size > MAX_IN_MEMORY // 2:
                return {}, MAX_CELLS + 1  # stream it instead
            xml = self.zf.read(part)
            self._scanned[sheet] = sheetstyles.xlsx_sheet_scan(xml, self.styles)
        return self._scanned[sheet]

    def formats(self, sheet):
        return self._scan(sheet)[0]

    def area(self, sheet):
        return self._scan(sheet)[1]

    def comments(self, blob, ctx):
        from scanner.extractors.xlsx import comment_segments

        return comment_segments(blob, ctx, set(self.zf.namelist()))


class _XlsLayout(_Layout):
    def __init__(self, blob: Blob):
        from scanner.extractors.biff import XlsLayout, workbook_stream

        self.workbook = workbook_stream(blob)
        self.biff = XlsLayout(self.workbook)
        self._cache: dict[str, tuple[dict, int]] = {}

    def _sheet(self, name):
        if name not in self._cache:
            self._cache[name] = self.biff.sheet(name)
        return self._cache[name]

    def formats(self, sheet):
        return self._sheet(sheet)[0]

    def area(self, sheet):
        return self._sheet(sheet)[1]

    def comments(self, blob, ctx):
        # TXO records hold note text; xlrd (slow) is only asked when there are any.
        if b"\xb6\x01\x12\x00" not in self.workbook:
            return iter(())
        from scanner.extractors.xls import note_segments

        return note_segments(blob, ctx)


_ANNOTATION = re.compile(rb"<office:annotation\b.*?</office:annotation>", re.S)
_TAG = re.compile(rb"<text:(?:p|h)\b[^>]*>|</text:(?:p|h)>|<[^>]+>")


class _OdsLayout(_Layout):
    def __init__(self, blob: Blob):
        zf = open_zip(blob)
        info = zf.getinfo("content.xml")
        if info.file_size > MAX_IN_MEMORY // 2:
            self.content, self.displays, self._area = b"", {}, MAX_CELLS + 1
            return
        self.content = zf.read("content.xml")
        self.displays = sheetstyles.ods_displays(self.content)
        self._area = sheetstyles.ods_area(self.content)

    def area(self, sheet):
        return self._area

    def comments(self, blob, ctx):
        from xml.sax.saxutils import unescape

        notes = _ANNOTATION.findall(self.content)
        if not notes:
            return
        writer = SegmentWriter("comments")
        for note in notes:
            note = re.sub(rb"<dc:(?:creator|date)>.*?</dc:(?:creator|date)>", b"", note, flags=re.S)
            text = _TAG.sub(b" ", note).decode("utf-8", "replace")
            yield from writer.line(" ".join(unescape(text).split()))
        yield from writer.close()


class _XlsbLayout(_Layout):
    def __init__(self, blob: Blob):
        zf = open_zip(blob)
        self.areas = {}
        from scanner.extractors.biff import xlsb_area
        from scanner.extractors.xlsx import sheet_parts

        for name, part in sheet_parts(zf, binary=True):
            with zf.open(part) as f:
                self.areas[name] = xlsb_area(f.read(1 << 16))

    def area(self, sheet):
        return self.areas.get(sheet, 0)
