"""Word 97-2003 (DOC) and PowerPoint 97-2003 (PPT) text, read from the OLE
streams with olefile (BSD).

No well-kept permissive library extracts their text (antiword and catdoc
are GPL), but the formats are documented ([MS-DOC], [MS-PPT]) and the text
is easy to reach:

* DOC: the piece table (the CLX in the table stream) maps character
  positions to runs of cp1252 or UTF-16 bytes in the WordDocument stream.
  That covers the body, footnotes, headers, comments and text boxes.
  Table cells end in 0x07; rows become tab-separated lines with their
  header row as context. Field codes (0x13 code 0x14 result 0x15) keep only
  their result.
* PPT: text lives in TextCharsAtom/TextBytesAtom records anywhere in the
  record tree of the "PowerPoint Document" stream.

Word 95 and older files are recorded as skipped, `unsupported format`.
Encrypted files are skipped, `encrypted`; OOXML files saved with a password
(an OLE wrapper around an encrypted package) too.
"""

from __future__ import annotations

import re
import struct
from typing import Iterator

from scanner.errors import ItemError, ItemSkipped, one_line
from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.registry import register
from scanner.extractors.textbuilder import SegmentWriter
from scanner.model import Segment
from scanner.refine import DOC, ENCRYPTED_OOXML, PPT

MAX_STREAM = 256 << 20


def _ole(blob: Blob):
    ole = blob.memo.get("olefile")
    if ole is None:
        import olefile

        try:
            ole = olefile.OleFileIO(blob.seekable())
        except Exception as exc:  # noqa: BLE001
            raise ItemError(f"corrupt OLE compound file ({one_line(exc)})") from None
        blob.memo["olefile"] = ole
    return ole


def _stream(ole, name: str) -> bytes:
    try:
        if ole.get_size(name) > MAX_STREAM:
            raise ItemSkipped(f"{name} stream too large to read in memory")
        return ole.openstream(name).read()
    except ItemSkipped:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ItemError(f"corrupt OLE stream {name!r} ({one_line(exc)})") from None


@register
class EncryptedOfficeExtractor(Extractor):
    name = "encrypted-office"
    content_types = (ENCRYPTED_OOXML,)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        raise ItemSkipped("encrypted")


# -- DOC -----------------------------------------------------------------------
_FIELD_CODE = re.compile(r"\x13[^\x13\x14\x15]*\x14")  # begin + code + separator: drop, keep the result
_FIELD_NO_RESULT = re.compile(r"\x13[^\x13\x14\x15]*\x15")
# Special characters of Word's text stream: drop or map to plain text.
_DOC_CHARS = str.maketrans({"\x01": None, "\x02": None, "\x03": None, "\x04": None, "\x05": None, "\x08": None,
                            "\x0b": "\n", "\x0c": "\n", "\x0e": "\n", "\x15": None, "\x1e": "-", "\x1f": None,
                            "\xa0": " "})


def doc_text(word: bytes, table_streams: dict[str, bytes]) -> str:
    """The whole text of a Word 97+ document from its streams."""
    if len(word) < 0x22 or struct.unpack_from("<H", word, 0)[0] != 0xA5EC:
        raise ItemError("corrupt DOC file (bad FIB signature)")
    nfib = struct.unpack_from("<H", word, 2)[0]
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    if flags & 0x0100:  # fEncrypted
        raise ItemSkipped("encrypted")
    if nfib < 0x65 and nfib != 0x00C1:
        raise ItemSkipped("unsupported format (Word 95 or older)")
    table_name = "1Table" if flags & 0x0200 else "0Table"
    table = table_streams.get(table_name)
    if table is None:
        raise ItemError(f"corrupt DOC file (no {table_name} stream)")
    # FibBase (32 bytes), then csw + FibRgW, cslw + FibRgLw, cbRgFcLcb + FibRgFcLcb.
    pos = 32
    csw = struct.unpack_from("<H", word, pos)[0]
    pos += 2 + csw * 2
    cslw = struct.unpack_from("<H", word, pos)[0]
    pos += 2 + cslw * 4
    pos += 2  # cbRgFcLcb
    fc_clx, lcb_clx = struct.unpack_from("<II", word, pos + 33 * 8)
    clx = table[fc_clx: fc_clx + lcb_clx]
    if len(clx) != lcb_clx or not lcb_clx:
        raise ItemError("corrupt DOC file (piece table out of range)")
    # Skip Prc entries (property modifiers) to reach the Pcdt.
    i = 0
    while i < len(clx) and clx[i] == 0x01:
        if i + 3 > len(clx):
            raise ItemError("corrupt DOC file (truncated piece table)")
        i += 3 + struct.unpack_from("<H", clx, i + 1)[0]
    if i + 5 > len(clx) or clx[i] != 0x02:
        raise ItemError("corrupt DOC file (no piece table)")
    lcb = struct.unpack_from("<I", clx, i + 1)[0]
    plc = clx[i + 5: i + 5 + lcb]
    n = (len(plc) - 4) // 12
    if n <= 0:
        return ""
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    out = []
    for k in range(n):
        fc_raw = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * k + 2)[0]
        count = cps[k + 1] - cps[k]
        if count <= 0 or count > len(word):
            continue
        if fc_raw & 0x40000000:  # fCompressed: 8-bit cp1252 at fc/2
            start = (fc_raw & 0x3FFFFFFF) // 2
            out.append(word[start: start + count].decode("cp1252", "replace"))
        else:
            start = fc_raw & 0x3FFFFFFF
            out.append(word[start: start + 2 * count].decode("utf-16-le", "replace"))
    return "".join(out)


def _strip_fields(text: str) -> str:
    for _ in range(20):  # fields nest; each pass removes the innermost codes
        new = _FIELD_NO_RESULT.sub("", _FIELD_CODE.sub("", text))
        if new == text:
            break
        text = new
    return text.replace("\x13", "").replace("\x14", "")


def doc_segments(text: str, ctx) -> Iterator[Segment]:
    """Paragraphs as lines, table rows (cells ending in 0x07, a row in an
    extra 0x07) as tab-separated lines."""
    text = _strip_fields(text).translate(_DOC_CHARS)
    writer = SegmentWriter()
    pending: list[str] = []  # paragraphs of the cell being read
    row: list[str] = []
    in_table = False
    last_cell_end = False
    last_end = 0
    for k, m in enumerate(re.finditer(r"([^\r\x07]*)([\r\x07])", text)):
        if k & 4095 == 0:
            ctx.check()
        last_end = m.end()
        body, mark = m.group(1), m.group(2)
        if mark == "\x07":
            if not body and last_cell_end and not pending:
                # The row mark: the row is complete.
                if not in_table:
                    yield from writer.begin_table()
                    in_table = True
                yield from writer.row(row)
                row = []
                last_cell_end = False
                continue
            row.append(" ".join(pending + [body]))
            pending = []
            last_cell_end = True
            continue
        last_cell_end = False
        if row:  # a paragraph inside a multi-paragraph cell
            pending.append(body)
            continue
        if in_table:
            writer.end_table()
            in_table = False
        if pending:
            for p in pending:
                yield from writer.line(p)
            pending = []
        yield from writer.line(body)
    if in_table:
        writer.end_table()
    if row or pending:
        yield from writer.line("\t".join(row + pending))
    tail = text[last_end:]
    if tail:
        yield from writer.line(tail)
    yield from writer.close()


@register
class DocExtractor(Extractor):
    name = "doc"
    content_types = (DOC,)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        ole = _ole(blob)
        word = _stream(ole, "WordDocument")
        tables = {n: _stream(ole, n) for n in ("0Table", "1Table") if ole.exists(n)}
        try:
            text = doc_text(word, tables)
        except (struct.error, IndexError, ValueError) as exc:
            raise ItemError(f"corrupt DOC file ({one_line(exc)})") from None
        yield from doc_segments(text, ctx)


# -- PPT -----------------------------------------------------------------------
_TEXT_CHARS = 0x0FA0
_TEXT_BYTES = 0x0FA8
_CSTRING = 0x0FBA
_COMMENT = 0x2EE0
_CRYPT_SESSION = 0x2F14
MAX_RECORDS = 2_000_000


_SPGR = 0xF003  # OfficeArtSpgrContainer: a group of shapes (a table is one)


def ppt_texts(data: bytes, ctx) -> Iterator[tuple[int | None, str]]:
    """(group, text) for each text atom of a PowerPoint Document stream,
    in stream order. `group` identifies the nested shape group (a table)
    the text sits in, or is None."""
    # An explicit stack instead of recursion: a damaged stream may nest deeply.
    # Entries: (pos, end, in_comment, shape-group depth, group id)
    stack = [(0, len(data), False, 0, None)]
    seen = 0
    while stack:
        pos, end, in_comment, depth, group = stack.pop()
        while pos + 8 <= end:
            seen += 1
            if seen & 4095 == 0:
                ctx.check()
            if seen > MAX_RECORDS:
                return
            ver_inst, rtype, length = struct.unpack_from("<HHI", data, pos)
            body = pos + 8
            stop = min(body + length, end)
            if rtype == _CRYPT_SESSION:
                raise ItemSkipped("encrypted")
            if (ver_inst & 0x000F) == 0x000F and length:  # a container
                if stop < end:
                    stack.append((stop, end, in_comment, depth, group))
                inner_depth = depth + (rtype == _SPGR)
                inner_group = pos if rtype == _SPGR and inner_depth >= 2 else group
                stack.append((body, stop, in_comment or rtype == _COMMENT, inner_depth, inner_group))
                break
            if rtype == _TEXT_CHARS:
                yield group, data[body:stop].decode("utf-16-le", "replace")
            elif rtype == _TEXT_BYTES:
                yield group, data[body:stop].decode("cp1252", "replace")
            elif rtype == _CSTRING and in_comment:
                yield group, data[body:stop].decode("utf-16-le", "replace")
            pos = body + length


@register
class PptExtractor(Extractor):
    name = "ppt"
    content_types = (PPT,)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        ole = _ole(blob)
        if ole.exists("EncryptedSummary"):
            raise ItemSkipped("encrypted")
        data = _stream(ole, "PowerPoint Document")
        writer = SegmentWriter()
        # Texts of one shape group are a table's cells (row by row) or a
        # grouped drawing; see _group_lines.
        current, cells = None, []
        try:
            for group, text in ppt_texts(data, ctx):
                text = text.replace("\r", "\n").replace("\x0b", "\n")
                if group is not None and group == current:
                    cells.append(text.replace("\n", " "))
                    continue
                if cells:
                    yield from _group_lines(writer, cells)
                    cells = []
                current = group
                if group is not None:
                    cells.append(text.replace("\n", " "))
                else:
                    yield from writer.line(text)
            if cells:
                yield from _group_lines(writer, cells)
        except struct.error as exc:
            raise ItemError(f"corrupt PPT file ({one_line(exc)})") from None
        yield from writer.close()


def _columns(cells: list[str]) -> int:
    """The column count of a PPT table given its cells row by row (the file
    does not say it plainly): the widest leading run of header-like cells
    for which every column keeps to one kind (digits or not) down the rows."""
    def kind(c):
        return any(ch.isdigit() for ch in c) or "@" in c

    lead = 0
    while lead < len(cells) and not kind(cells[lead]):
        lead += 1
    for k in range(min(lead, 64), 1, -1):
        if len(cells) % k or len(cells) == k:
            continue
        rows = [cells[i: i + k] for i in range(k, len(cells), k)]
        if all(kind(r[j]) == kind(rows[0][j]) for r in rows for j in range(k)):
            return k
    return 0


def _group_lines(writer: SegmentWriter, cells: list[str]) -> Iterator[Segment]:
    k = _columns(cells)
    if k:
        yield from writer.table([cells[i: i + k] for i in range(0, len(cells), k)])
    else:
        # Unknown shape: one line, so a label in the group is at least on the values' line.
        yield from writer.line("\t".join(cells))
