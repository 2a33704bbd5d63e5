"""Excel workbooks (XLSX, XLSM), streamed from their XML parts.

Each sheet is its own section (`sheet=<name>`) written as tab-separated
rows, one line per spreadsheet row (so a finding's `line` is its row
number), with the sheet's first row as column headers: a bare 123456789
under `SSN` counts. Cells are read sparsely as the XML streams, so a sheet
with one stray value at XFD1048576 costs nothing (a dense reader would
allocate 17 billion cells). Cell comments follow, as section `comments`.
"""

from __future__ import annotations

import posixpath
import re
from typing import Iterator

from lxml import etree

from scanner.errors import ItemError, one_line
from scanner.extractors.archives import open_zip, zip_member
from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.registry import register
from scanner.extractors.textbuilder import SegmentWriter
from scanner.extractors.xmltext import iterparse, local
from scanner.model import Segment
from scanner.refine import XLSX

MAX_COLS = 16384  # Excel's own limit (XFD)
MAX_GAP = 10000  # blank lines written for a run of empty rows; more would only cost


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


@register
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
        for title, path in sheets:
            ctx.check()
            stream = zip_member(blob, ctx, path)
            if stream is None:
                ctx.note(f"sheet part missing: {posixpath.basename(path)}")
                continue
            try:
                yield from _sheet(stream, strings, f"sheet={title}", ctx)
            finally:
                stream.close()
        comments = sorted(n for n in names if re.fullmatch(r"xl/comments\d*\.xml|xl/comments/comment\d+\.xml", n))
        if comments:
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


def _parse_small(blob, ctx, name):
    stream = zip_member(blob, ctx, name)
    if stream is None:
        return None
    try:
        return etree.parse(stream, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                                   remove_comments=True, remove_pis=True))
    except etree.XMLSyntaxError as exc:
        raise ItemError(f"corrupt XML in {name} ({one_line(exc)})") from None
    finally:
        stream.close()


def _sheets(blob, ctx, names) -> list[tuple[str, str]]:
    """(title, part name) of each worksheet, in workbook order."""
    book = _parse_small(blob, ctx, "xl/workbook.xml") if "xl/workbook.xml" in names else None
    rels = _parse_small(blob, ctx, "xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else None
    targets = {}
    if rels is not None:
        for rel in rels.getroot():
            target = rel.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id")] = path
    out = []
    if book is not None:
        for el in book.getroot().iter():
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


def _sheet(stream, strings: list[str], section: str, ctx) -> Iterator[Segment]:
    writer = SegmentWriter(section)
    started = False
    next_row = 1  # the spreadsheet row the writer's next line stands for
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
                text = _cell_text(elem, strings)
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
                    gap = row_no - next_row
                    if not started:
                        if gap > 0:
                            yield from writer.write("\n" * min(gap, MAX_GAP))
                        yield from writer.begin_table()
                        started = True
                    elif gap > 0:
                        for _ in range(min(gap, MAX_GAP)):
                            yield from writer.row(())
                    width = max(cells) + 1
                    yield from writer.row([cells.get(i, "") for i in range(width)])
                    next_row = row_no + 1
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
    if started:
        writer.end_table()
    yield from writer.close()


def _cell_text(c, strings: list[str]) -> str:
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
    return number_text(v)
