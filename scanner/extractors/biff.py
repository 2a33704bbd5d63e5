"""Cell formats and sheet sizes from binary workbooks (XLS BIFF8, XLSB BIFF12).

Beside python-calamine, which reads the values: XLS keeps number formats in
FORMAT records and cell styles in XF records of the workbook globals; each
numeric cell record (NUMBER, RK, MULRK, FORMULA) names its XF. Sheets are
walked only when some XF's format shapes digits, and each sheet's
DIMENSIONS record bounds its used area. For XLSB only the area is read
(BrtWsDim, the first records of each sheet part); its formats are not.
"""

from __future__ import annotations

import struct

from scanner.errors import ItemError
from scanner.extractors import numfmt
from scanner.extractors.base import MAX_IN_MEMORY
from scanner.streams import read_limited
from scanner.extractors.sheetstyles import shaping

BOF, EOF, BOUNDSHEET, FORMAT, XF, DIMENSIONS = 0x0809, 0x000A, 0x0085, 0x041E, 0x00E0, 0x0200
NUMBER, RK, MULRK, FORMULA = 0x0203, 0x027E, 0x00BD, 0x0006
BIFF8 = 0x0600
# Built-in formats XLS adds to OOXML's (currency and accounting, en-US).
XLS_BUILTIN = {5: '"$"#,##0_);("$"#,##0)', 6: '"$"#,##0_);[Red]("$"#,##0)', 7: '"$"#,##0.00_);("$"#,##0.00)',
               8: '"$"#,##0.00_);[Red]("$"#,##0.00)', 41: '_(* #,##0_);_(* (#,##0);_(* "-"_);_(@_)',
               42: '_("$"* #,##0_);_("$"* (#,##0);_("$"* "-"_);_(@_)', 43: '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)',
               44: '_("$"* #,##0.00_);_("$"* (#,##0.00);_("$"* "-"??_);_(@_)'}


def _records(data: bytes, pos: int):
    """(type, payload offset, payload length) from `pos` on."""
    n = len(data)
    while pos + 4 <= n:
        rtype, size = struct.unpack_from("<HH", data, pos)
        yield rtype, pos + 4, size
        pos += 4 + size


def _xl_string(data: bytes, off: int, end: int, short: bool) -> str:
    if short:
        cch, flags = data[off], data[off + 1]
        off += 2
    else:
        cch, flags = struct.unpack_from("<HB", data, off)
        off += 3
    if flags & 1:
        return data[off:min(off + 2 * cch, end)].decode("utf-16-le", "replace")
    return data[off:min(off + cch, end)].decode("latin-1")


class XlsLayout:
    """What the XLS globals say about formats and sheets."""

    def __init__(self, data: bytes):
        self.data = data
        self.sheets: dict[str, int] = {}  # name -> offset of its BOF
        self.xf_formats: dict[int, str] = {}  # XF index -> digit-shaping format code
        self.biff8 = False
        codes = dict(numfmt.BUILTIN) | XLS_BUILTIN
        xfs: list[int] = []
        for rtype, off, size in _records(data, 0):
            if rtype == BOF:
                self.biff8 = size >= 2 and struct.unpack_from("<H", data, off)[0] == BIFF8
            elif rtype == FORMAT and self.biff8 and size >= 5:
                codes[struct.unpack_from("<H", data, off)[0]] = _xl_string(data, off + 2, off + size, False)
            elif rtype == XF and size >= 4:
                xfs.append(struct.unpack_from("<H", data, off + 2)[0])
            elif rtype == BOUNDSHEET and self.biff8 and size >= 8:
                self.sheets[_xl_string(data, off + 6, off + size, True)] = struct.unpack_from("<I", data, off)[0]
            elif rtype == EOF:
                break
        for i, ifmt in enumerate(xfs):
            code = codes.get(ifmt)
            if shaping(code):
                self.xf_formats[i] = code

    def sheet(self, name: str) -> tuple[dict[tuple[int, int], str], int]:
        """({(row, col): format code} of digit-shaping numeric cells, used-area bound)."""
        pos = self.sheets.get(name)
        if pos is None or not self.biff8:
            return {}, 0
        formats: dict[tuple[int, int], str] = {}
        area = 0
        xf = self.xf_formats
        data = self.data
        for rtype, off, size in _records(data, pos):
            if rtype == DIMENSIONS and size >= 12:
                r1, r2, c1, c2 = struct.unpack_from("<IIHH", data, off)
                area = max(0, r2 - r1) * max(0, c2 - c1)
                if not xf:
                    break
            elif rtype in (NUMBER, RK, FORMULA) and size >= 6:
                row, col, ixfe = struct.unpack_from("<HHH", data, off)
                if ixfe in xf:
                    formats[(row, col)] = xf[ixfe]
            elif rtype == MULRK and size >= 6:
                row, col = struct.unpack_from("<HH", data, off)
                for k in range((size - 6) // 6):
                    ixfe = struct.unpack_from("<H", data, off + 4 + 6 * k)[0]
                    if ixfe in xf:
                        formats[(row, col + k)] = xf[ixfe]
            elif rtype == EOF:
                break
        return formats, area


def xlsb_area(part: bytes) -> int:
    """Used area from a sheet part's BrtWsDim record (0x94), read from its
    first records; 0 if absent."""
    pos, n = 0, min(len(part), 1 << 16)
    while pos < n:
        rtype, pos = _varint(part, pos, 2)
        size, pos = _varint(part, pos, 4)
        if rtype == 0x94 and size >= 16:
            r1, r2, c1, c2 = struct.unpack_from("<IIII", part, pos)
            return (r2 - r1 + 1) * (c2 - c1 + 1)
        pos += size
    return 0


def _varint(data: bytes, pos: int, limit: int) -> tuple[int, int]:
    """BIFF12 record type/size: 7 bits a byte, high bit = more."""
    value = shift = 0
    for _ in range(limit):
        if pos >= len(data):
            break
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    return value, pos


def xlsb_sheets(book: bytes) -> list[tuple[str, str]]:
    """(sheet name, relationship id) from workbook.bin's BrtBundleSh records."""
    out = []
    pos, n = 0, len(book)
    while pos < n:
        rtype, pos = _varint(book, pos, 2)
        size, pos = _varint(book, pos, 4)
        if rtype == 0x9C and size >= 16:
            rid, p = _wide(book, pos + 8)
            name, _ = _wide(book, p)
            out.append((name, rid))
        pos += size
    return out


def _wide(data: bytes, pos: int) -> tuple[str, int]:
    cch = struct.unpack_from("<I", data, pos)[0]
    if cch == 0xFFFFFFFF:
        return "", pos + 4
    end = pos + 4 + 2 * cch
    return data[pos + 4:end].decode("utf-16-le", "replace"), end


def workbook_stream(blob) -> bytes:
    """The Workbook (BIFF8) or Book (BIFF5) stream of an XLS blob."""
    ole = blob.memo.get("olefile")
    if ole is None:
        import olefile

        ole = olefile.OleFileIO(blob.seekable())
    for name in ("Workbook", "Book"):
        if ole.exists(name):
            return read_limited(ole.openstream(name), MAX_IN_MEMORY, "workbook")
    raise ItemError("corrupt XLS file (no Workbook stream)")
