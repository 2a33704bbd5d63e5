"""Assemble a document's text from pieces and cut it into segments.

Document extractors (PDF pages, Word paragraphs, spreadsheet rows) produce
text a piece at a time. `SegmentWriter` joins the pieces, cuts the result
into overlapping segments exactly like plain text (`textdecode.segments`),
and remembers which stretches are tables: a table is written as
tab-separated rows, and its header row is context for every cell below it
(a bare 123456789 under a column named `SSN`), through `TableLayout`.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterator

from scanner.extractors.delimited import DelimitedLayout
from scanner.model import Layout, Segment
from scanner.textdecode import OVERLAP, SEGMENT

# Cells are joined with tabs and rows with newlines, so neither may occur in
# a cell's own text (a multi-line cell would shift every column count).
_OPEN = 1 << 62
_CELL_TABLE = str.maketrans({"\t": " ", "\n": " ", "\r": " ", "\x0b": " ", "\x0c": " "})


def clean_cell(value: str) -> str:
    return value.translate(_CELL_TABLE).strip()


def looks_like_header(cells: list[str]) -> bool:
    """A table's first row names its columns: mostly words, no numbers, no
    e-mail addresses (the same test CSV files get)."""
    from scanner.extractors.delimited import _looks_like_header

    cells = [c for c in cells if c]
    return len(cells) >= 1 and _looks_like_header(cells)


class TableLayout(Layout):
    """Column headers of the tables inside a segment's text.

    `tables` holds (start, end, DelimitedLayout) in offsets of the part's
    whole text; `base` is the segment's offset in it.
    """

    __slots__ = ("starts", "tables", "base")

    def __init__(self, tables: list[tuple[int, int, DelimitedLayout]], base: int):
        self.tables = tables
        self.starts = [t[0] for t in tables]
        self.base = base

    def _table(self, pos: int) -> DelimitedLayout | None:
        i = bisect_right(self.starts, self.base + pos) - 1
        if i >= 0:
            start, end, layout = self.tables[i]
            if self.base + pos < end:
                return layout
        return None

    def context_at(self, text: str, pos: int) -> tuple[str, ...]:
        layout = self._table(pos)
        return layout.context_at(text, pos) if layout is not None else ()

    def vocabulary(self) -> tuple[str, ...]:
        words: dict[str, None] = {}
        for _, _, layout in self.tables:
            words.update(dict.fromkeys(h for h in layout.headers if h))
        return tuple(words)


class SegmentWriter:
    """Collects text and yields segments as they fill up.

        w = SegmentWriter(section="page=3")
        yield from w.write("some text\\n")
        yield from w.table([["SSN", "Name"], ["123456789", "J. Doe"]])
        yield from w.close()

    Memory stays at about one segment plus the overlap, however long the
    document is.
    """

    def __init__(self, section: str = "", size: int = SEGMENT, overlap: int = OVERLAP,
                 context: tuple[str, ...] = ()):
        self.section = section
        self.size = size
        self.overlap = overlap
        self.context = context
        self._parts: list[str] = []
        self._pending = 0  # characters in _parts
        self._buf = ""
        self._base = 0  # offset of _buf[0] in the whole text
        self._line = 1  # line number of _buf[0]
        self._core_start = 0
        self._tables: list[tuple[int, int, DelimitedLayout]] = []
        self.chars = 0  # characters written so far
        self._ended_newline = True

    # -- writing -------------------------------------------------------------
    def write(self, text: str) -> Iterator[Segment]:
        if not text:
            return
        self._parts.append(text)
        self._pending += len(text)
        self.chars += len(text)
        self._ended_newline = text.endswith("\n")
        if len(self._buf) + self._pending >= self._core_start + self.size + self.overlap:
            yield from self._cut()

    def line(self, text: str) -> Iterator[Segment]:
        """Write `text` as a line of its own."""
        if not self._ended_newline:
            yield from self.write("\n")
        yield from self.write(text + "\n")

    def table(self, rows, headers: list[str] | None = None) -> Iterator[Segment]:
        """Write rows (lists of cell strings) as tab-separated lines. The
        first row is the header when `headers` is None and it looks like
        one; its names are context for the cells below."""
        yield from self.begin_table(headers)
        for row in rows:
            yield from self.row(row)
        self.end_table()

    def begin_table(self, headers: list[str] | None = None) -> Iterator[Segment]:
        if not self._ended_newline:
            yield from self.write("\n")
        self._table_start = self.chars
        self._table_headers = headers
        self._table_first = True
        self._table_layout = None

    def row(self, row) -> Iterator[Segment]:
        cells = [clean_cell(c) for c in row]
        if self._table_first:
            self._table_first = False
            headers = self._table_headers
            if headers is None and looks_like_header(cells):
                headers = cells
            if headers:
                self._table_layout = DelimitedLayout(tuple(clean_cell(h)[:64] for h in headers), "\t")
                # Open-ended while rows are written: a segment cut in the
                # middle of the table holds only its rows after `start`.
                self._tables.append((self._table_start, _OPEN, self._table_layout))
        yield from self.write("\t".join(cells).rstrip("\t") + "\n")

    def end_table(self) -> None:
        layout = getattr(self, "_table_layout", None)
        if layout is not None and self._tables and self._tables[-1][2] is layout:
            self._tables[-1] = (self._table_start, self.chars, layout)
        self._table_layout = None

    def close(self) -> Iterator[Segment]:
        self._absorb()
        buf = self._buf
        if buf or self._base == 0:
            yield self._segment(buf, (self._core_start, len(buf)) if self._base else None)
        self._buf = ""

    # -- internals -----------------------------------------------------------
    def _absorb(self) -> None:
        if self._parts:
            self._buf += "".join(self._parts)
            self._parts.clear()
            self._pending = 0

    def _cut(self) -> Iterator[Segment]:
        self._absorb()
        while len(self._buf) >= self._core_start + self.size + self.overlap:
            cut = self._core_start + self.size
            yield self._segment(self._buf[: cut + self.overlap], (self._core_start, cut))
            drop = cut - self.overlap
            self._line += self._buf.count("\n", 0, drop)
            self._base += drop
            self._buf = self._buf[drop:]
            self._core_start = self.overlap
            self._tables = [t for t in self._tables if t[1] > self._base]

    def _segment(self, text: str, core) -> Segment:
        layout = None
        if self._tables:
            end = self._base + len(text)
            tables = [t for t in self._tables if t[0] < end and t[1] > self._base]
            if tables:
                layout = TableLayout(tables, self._base)
        return Segment(text=text, offset=self._base, line=self._line, core=core, context=self.context,
                       section=self.section, layout=layout)
