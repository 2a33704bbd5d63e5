"""Excel workbooks (XLSX, XLSM) streamed from their XML parts: the fallback
for what python-calamine (spreadsheet.py) cannot read or hold.

Each sheet is its own section (`sheet=<name>`) written as tab-separated
rows, one line per spreadsheet row (so a finding's `line` is its row
number), headers found wherever a table starts (sheetrows.SheetWriter),
numbers shown through their number format (sheetstyles, numfmt). Cells are
read sparsely as the XML streams, so a sheet with one stray value at
XFD1048576 costs nothing (a dense reader would allocate 17 billion cells).
Cell comments follow, as section `comments`. Not registered: spreadsheet.py
calls it.
"""

from __future__ import annotations

import posixpath
import re
from typing import Iterator

from lxml import etree

from scanner.errors import ItemError, one_line
from scanner.extractors.archives import open_zip, zip_member
from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.sheetrows import SheetWriter
from scanner.extractors.sheetstyles import xlsx_style_formats
from scanner.extractors.textbuilder import SegmentWriter
from scanner.extractors.xmltext import iterparse, local
from scanner.model import Segment
from scanner.refine import XLSX

MAX_COLS = 16384  # Excel's own limit (XFD)


def column_index(ref: str) -> int | None:
    """'A1' -> 0, 'AB12' -> 27."""
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + (ord(ch) - 64)
        elif "a" <= ch <= "z":
            n = n * 26 + (ord(ch) - 96)
        else:
            break
    return n - 1 if n else None


def number_text(v: str) -> str:
    """Excel stores 123456789 as '123456789' but big or small numbers as
    '1.23456789E+8'; write integers as integers so digit patterns match."""
    if "E" in v or "e" in v or v.endswith(".0"):
        try:
            f = float(v)
        except ValueError:
            return v
        if f.is_integer() and abs(f) < 1e19:
            return str(int(f))
    return v


class XlsxExtractor(Extractor):
    name = "xlsx"
    content_types = (XLSX,)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        zf = open_zip(blob)
        names = set(zf.namelist())
        sheets = _sheets(blob, ctx, names)
        if not sheets:
            raise ItemError("corrupt XLSX file (no worksheets)")
        strings = _shared_strings(blob, ctx, names)
        try:
            styles = xlsx_style_formats(zf)
        except etree.XMLSyntaxError as exc:
            ctx.note(f"number formats unreadable ({one_line(exc)})")
            styles = {}
        for title, path in sheets:
            ctx.check()
            stream = zip_member(blob, ctx, path)
            if stream is None:
                ctx.note(f"sheet part missing: {posixpath.basename(path)}")
                continue
            try:
                yield from _sheet(stream, strings, styles, f"sheet={title}", ctx)
            finally:
                stream.close()
        yield from comment_segments(blob, ctx, names)


def sheet_parts(zf, binary: bool = False) -> list[tuple[str, str]]:
    """(sheet name, part name) in workbook order, from an open ZipFile
    (XLSB when `binary`: names from workbook.bin's BrtBundleSh records)."""
    names = set(zf.namelist())

    def read(name):
        return zf.read(name) if name in names else None

    if not binary:
        return _sheet_list(read, names)
    from scanner.extractors.biff import xlsb_sheets

    targets = _targets(read("xl/_rels/workbook.bin.rels"))
    book = read("xl/workbook.bin") or b""
    return [(name, targets[rid]) for name, rid in xlsb_sheets(book) if targets.get(rid) in names]


def comment_segments(blob, ctx, names) -> Iterator[Segment]:
    comments = sorted(n for n in names if re.fullmatch(r"xl/comments\d*\.xml|xl/comments/comment\d+\.xml", n))
    if not comments:
        return
    writer = SegmentWriter("comments")
    for name in comments:
        stream = zip_member(blob, ctx, name)
        try:
            for event, elem in iterparse(stream, events=("end",)):
                if local(elem.tag) == "comment":
                    text = "".join(t.text or "" for t in elem.iter() if local(t.tag) == "t")
                    yield from writer.line(f"{elem.get('ref', '')}: {text}")
                    elem.clear()
        except etree.XMLSyntaxError as exc:
            raise ItemError(f"corrupt XML ({one_line(exc)})") from None
        finally:
            stream.close()
    yield from writer.close()


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                          remove_pis=True)


def _parse_small(data: bytes | None, name: str):
    if data is None:
        return None
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ItemError(f"corrupt XML in {name} ({one_line(exc)})") from None


def _sheets(blob, ctx, names) -> list[tuple[str, str]]:
    def read(name):
        stream = zip_member(blob, ctx, name)
        if stream is None:
            return None
        try:
            return stream.read()
        finally:
            stream.close()

    return _sheet_list(read, names)


def _targets(rels_xml: bytes | None) -> dict[str, str]:
    rels = _parse_small(rels_xml, "workbook relationships")
    targets = {}
    if rels is not None:
        for rel in rels:
            target = rel.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id")] = path
    return targets


def _sheet_list(read, names) -> list[tuple[str, str]]:
    """(title, part name) of each worksheet, in workbook order."""
    book = _parse_small(read("xl/workbook.xml"), "xl/workbook.xml")
    targets = _targets(read("xl/_rels/workbook.xml.rels"))
    out = []
    if book is not None:
        for el in book.iter():
            if local(el.tag) == "sheet":
                rid = next((v for k, v in el.attrib.items() if local(k) == "id"), None)
                path = targets.get(rid)
                if path and path in names:
                    out.append((el.get("name") or path, path))
    if not out:  # no workbook.xml or no rels: take the worksheet parts as they are
        out = [(posixpath.basename(n)[:-4], n) for n in sorted(names)
               if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
    return out


def _shared_strings(blob, ctx, names) -> list[str]:
    name = "xl/sharedStrings.xml"
    if name not in names:
        return []
    out: list[str] = []
    stream = zip_member(blob, ctx, name)
    try:
        for event, elem in iterparse(stream, events=("end",)):
            if local(elem.tag) == "si":
                # Rich text runs hold <t> pieces; <rPh> holds phonetic
                # readings that are not part of the value.
                out.append("".join(t.text or "" for t in elem.iter()
                                   if local(t.tag) == "t" and local(t.getparent().tag) != "rPh"))
                elem.clear(keep_tail=True)
                if len(out) & 4095 == 0:
                    ctx.check()
    except etree.XMLSyntaxError as exc:
        raise ItemError(f"corrupt XML in shared strings ({one_line(exc)})") from None
    finally:
        stream.close()
    return out


def _sheet(stream, strings: list[str], styles: dict[int, str], section: str, ctx) -> Iterator[Segment]:
    writer = SheetWriter(section)
    cells: dict[int, str] = {}
    col = 0
    row_no = 0
    n = 0
    try:
        for event, elem in iterparse(stream, events=("end",)):
            name = local(elem.tag)
            if name == "c":
                ref = elem.get("r")
                idx = column_index(ref) if ref else None
                col = idx if idx is not None else col
                text = _cell_text(elem, strings, styles)
                if text and col < MAX_COLS:
                    cells[col] = text
                col += 1
                elem.clear()
            elif name == "row":
                try:
                    row_no = int(elem.get("r") or row_no + 1)
                except ValueError:
                    row_no += 1
                if cells:
                    width = max(cells) + 1
                    yield from writer.row(row_no, [cells.get(i, "") for i in range(width)])
                    cells = {}
                col = 0
                elem.clear()
                n += 1
                if n & 1023 == 0:
                    ctx.check()
            elif name == "sheetData":
                elem.clear()
    except etree.XMLSyntaxError as exc:
        raise ItemError(f"corrupt XML in {section} ({one_line(exc)})") from None
    yield from writer.close()


def _cell_text(c, strings: list[str], styles: dict[int, str]) -> str:
    t = c.get("t")
    v = None
    inline = None
    for child in c:
        name = local(child.tag)
        if name == "v":
            v = child.text
        elif name == "is":
            inline = "".join(x.text or "" for x in child.iter() if local(x.tag) == "t")
    if t == "s":
        try:
            return strings[int(v)]
        except (TypeError, ValueError, IndexError):
            return ""
    if t == "inlineStr":
        return inline or ""
    if v is None:
        return inline or ""
    if t == "b":
        return "TRUE" if v == "1" else "FALSE"
    if t in ("str", "e", "d"):
        return v
    style = c.get("s")
    if style and styles:
        try:
            code = styles.get(int(style))
        except ValueError:
            code = None
        if code is not None:
            shown = _formatted(v, code)
            if shown is not None:
                return shown
    return number_text(v)


def _formatted(v: str, code: str) -> str | None:
    from scanner.extractors import numfmt

    try:
        value = float(v)
    except ValueError:
        return None
    fmt = numfmt.compile_format(code)
    if fmt is not None and fmt.is_date:
        value = _serial_date(value)
        if value is None:
            return None
    return numfmt.display(value, code)


def _serial_date(serial: float):
    """An Excel (1900 system) serial day number as a datetime."""
    import datetime as dt

    if not 0 < serial < 2958466:
        return None
    if serial < 61:  # Excel counts a 29 February 1900 that never was
        serial += 1
    return dt.datetime(1899, 12, 30) + dt.timedelta(days=serial)
