"""Number formats of spreadsheet cells, read cheaply beside python-calamine.

calamine (0.9) returns a cell's stored value, and dates as dates, but not
its number format, so `012-34-5678` comes back as 12345678.0. This module
finds the cells whose format changes their digits (zero padding, literal
text between digits, dates) without parsing the sheet a second time:

* XLSX: the style table (xl/styles.xml: numFmts and cellXfs) tells which
  style ids shape digits; one regular-expression pass over the sheet XML
  picks the `<c r="B7" s="5">` cells with those ids.
* XLS: the FORMAT and XF records of the workbook globals; the cell records
  (NUMBER, RK, MULRK, FORMULA) of each sheet carry their XF index (biff.py).
* ODS: LibreOffice writes each cell's displayed text beside its value
  (`office:value="12345678"` ... `<text:p>012-34-5678</text:p>`); the
  displays that differ from the plain number are kept by value.

Each reader also bounds the sheet's used area, so a stray cell at XFD1048576
does not make calamine allocate 17 billion cells (the caller then streams
the sheet with the fallback reader instead).
"""

from __future__ import annotations

import re
import zipfile

from lxml import etree

from scanner.extractors import numfmt
from scanner.extractors.xmltext import local

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                          remove_pis=True, huge_tree=False)


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def shaping(code: str | None) -> bool:
    """Whether a format code changes how a number's digits read."""
    fmt = numfmt.compile_format(code) if code else None
    return fmt is not None and fmt.shapes_digits


# ---------------------------------------------------------------- XLSX

def xlsx_style_formats(zf: zipfile.ZipFile) -> dict[int, str]:
    """{cellXfs index: format code} for the styles whose format shapes digits."""
    try:
        data = zf.read("xl/styles.xml")
    except KeyError:
        return {}
    root = etree.fromstring(data, _PARSER)
    codes = dict(numfmt.BUILTIN)
    for el in root.iter():
        if local(el.tag) == "numFmt":
            try:
                codes[int(el.get("numFmtId"))] = el.get("formatCode") or ""
            except (TypeError, ValueError):
                continue
    out: dict[int, str] = {}
    for el in root:
        if local(el.tag) != "cellXfs":
            continue
        for i, xf in enumerate(x for x in el if local(x.tag) == "xf"):
            try:
                code = codes.get(int(xf.get("numFmtId") or 0))
            except ValueError:
                continue
            if shaping(code):
                out[i] = code
    return out


_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"')
_DIM = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]*)(\d*):?([A-Z]*)(\d*)"')


def xlsx_sheet_scan(xml: bytes, styles: dict[int, str]) -> tuple[dict[tuple[int, int], str], int]:
    """({(row, col) 0-based: format code} of digit-shaping cells, a bound
    on the used area in cells)."""
    formats: dict[tuple[int, int], str] = {}
    if styles:
        # Excel, LibreOffice and openpyxl all write r before s; a cell
        # written otherwise keeps its stored value.
        ids = b"|".join(str(i).encode() for i in sorted(styles, key=lambda i: -i))
        pattern = re.compile(rb'<(?:\w+:)?c r="([A-Z]{1,3})(\d{1,7})" s="(' + ids + rb')"')
        for col, row, s in pattern.findall(xml):
            formats[(int(row) - 1, column_number(col) - 1)] = styles[int(s)]
    return formats, _area(xml)


def _area(xml: bytes) -> int:
    rows = _last_row(xml)
    m = _DIM.search(xml, 0, 4096)
    if m and m.group(3) and m.group(4) and int(m.group(4)) >= rows:
        # The dimension Excel and LibreOffice write, when it covers every row.
        return int(m.group(4)) * column_number(m.group(3))
    return rows * _widest(xml)


def _last_row(xml: bytes) -> int:
    last = xml.rfind(b"<row ")
    if last < 0:
        last = max(xml.rfind(b":row "), 0)
    m = _ROW_NUMBER.match(xml, last)
    return int(m.group(1)) if m else 1


def _widest(xml: bytes) -> int:
    # The widest column: three-letter references are rare, two-letter ones
    # common; look for the rarer first so the common case costs one search.
    for width, pat in ((3, rb'<(?:\w+:)?c\s+r="([A-Z]{3})\d'), (2, rb'<(?:\w+:)?c\s+r="([A-Z]{2})\d')):
        found = re.findall(pat, xml)
        if found:
            return max(column_number(c) for c in found)
    return 26


# ---------------------------------------------------------------- ODS

_ODS_CELL = re.compile(
    rb'<table:table-cell\b[^>]*?office:value-type="(?:float|percentage|currency|date)"[^>]*?'
    rb'office:(?:date-)?value="([^"]*)"[^>]*>\s*<text:p>([^<]*)</text:p>')


def ods_displays(content: bytes) -> dict[str, str]:
    """{stored value: displayed text} for numbers and dates whose display is
    not the plain value (keys: the number's General text, or the ISO date).
    A value shown two different ways is left out."""
    from xml.sax.saxutils import unescape

    out: dict[str, str] = {}
    clash: set[str] = set()
    for raw, text in _ODS_CELL.findall(content):
        if raw == text:
            continue
        key = _ods_key(raw.decode("ascii", "replace"))
        shown = text.decode("utf-8", "replace")
        if key is None or shown == key:
            continue
        if "&" in shown:
            shown = unescape(shown)
        if out.get(key, shown) != shown:
            clash.add(key)
        out[key] = shown
    for key in clash:
        del out[key]
    return out


def _ods_key(raw: str) -> str | None:
    if "-" in raw[1:] and ":" not in raw[:4]:  # 1985-03-14 or 1985-03-14T00:00:00
        return raw.split("T")[0] if raw.endswith("T00:00:00") or "T" not in raw else raw.replace("T", " ")
    try:
        return ods_number_key(float(raw))
    except ValueError:
        return None


def ods_number_key(v: float) -> str:
    from scanner.extractors.sheetrows import number_text

    return number_text(float(v))


_ODS_ROW = re.compile(rb'<table:table-row\b([^>]*)>(.*?)</table:table-row>', re.S)
_REPEAT_ROWS = re.compile(rb'table:number-rows-repeated="(\d+)"')
_REPEAT_COLS = re.compile(rb'<table:(?:covered-)?table-cell\b[^>]*?table:number-columns-repeated="(\d+)"')
_TRAILING_EMPTY = re.compile(rb'<table:table-cell\b[^>]*?table:number-columns-repeated="(\d+)"[^>]*/>\s*$')


_BIG_REPEAT = re.compile(rb'number-(rows|columns)-repeated="\d{3,}"')


def _content_after(content: bytes, m) -> bool:
    """Whether a long run of repeated rows (columns) is followed by content
    in the same table (row): only then does it widen the used area."""
    end = content.find(b"</table:table>" if m.group(1) == b"rows" else b"</table:table-row>", m.end())
    end = len(content) if end < 0 else end
    close = content.find(b">", m.end())
    tail = content[close:end]
    return b"<text:p" in tail or b"office:value=" in tail


def ods_area(content: bytes) -> int:
    """A bound on the largest table's used area. Without large repeats a
    table is about as dense as its cells; with them, rows up to the last row
    holding content times the widest such row (repeats counted)."""
    if not any(_content_after(content, m) for m in _BIG_REPEAT.finditer(content)):
        return content.count(b"<table:table-cell")
    worst = 0
    for table in content.split(b"<table:table ")[1:]:
        rows = last = width = 0
        for attrs, body in _ODS_ROW.findall(table):
            m = _REPEAT_ROWS.search(attrs)
            rep = int(m.group(1)) if m else 1
            rows += rep
            if b"<text:p" in body or b"office:value=" in body:
                last = rows
                cells = body.count(b"<table:table-cell") + body.count(b"<table:covered-table-cell")
                extra = sum(int(n) - 1 for n in _REPEAT_COLS.findall(body))
                tail = _TRAILING_EMPTY.search(body)  # formatted empty cells to the sheet's edge
                width = max(width, cells + extra - (int(tail.group(1)) if tail else 0))
        worst = max(worst, last * width)
    return worst
