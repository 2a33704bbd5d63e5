"""One sheet's rows into segments: cells as displayed, headers wherever the table starts.

Every spreadsheet reader (calamine for XLSX/XLS/ODS/XLSB, and the streaming
fallbacks) hands rows to `SheetWriter`: one line per spreadsheet row, so a
finding's `line` is its row number. Client sheets rarely start at A1 with
their header: a title, a "prepared by" line and a blank row come first, the
table may start in column C, and a second table (contractors, last year)
sits below the first with its own header. A row is taken as a header when
it looks like one (mostly words, no numbers, no e-mail addresses, at least
two cells) and starts a block: the first such row of the sheet, or the
first after an empty row (a title line may sit between). Its names are
context for every cell below, as in a CSV (`DelimitedLayout`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator

from scanner.extractors import numfmt
from scanner.extractors.textbuilder import SegmentWriter, clean_cell, looks_like_header
from scanner.model import Segment

MAX_GAP = 10000  # blank lines written for a run of empty rows; more would only cost
FIRST_HEADER_WITHIN = 30  # rows of preamble searched for the sheet's first header
_UNSAFE = re.compile(r"[\n\r\x0b\x0c]")  # would break the one-line-per-row layout


def number_text(v) -> str:
    """General format: integers as integers (1.23456789E+8 is 123456789)."""
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e19:
            return str(int(v))
        return repr(v)
    return str(v)


def cell_text(v, fmt: str | None = None) -> str:
    """A cell value from calamine (str, float, int, bool, date, datetime,
    time, timedelta) as the sheet displays it, given its number format."""
    if type(v) is str:
        return v
    if fmt is not None:
        shown = numfmt.display(v, fmt)
        if shown is not None:
            return shown
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return number_text(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return "" if v is None else str(v)


class SheetWriter:
    """Rows of one sheet (1-based row numbers, increasing) into segments."""

    def __init__(self, section: str):
        self.writer = SegmentWriter(section)
        self.next_row = 1  # the row the writer's next line stands for
        self.in_table = False
        self.seen = 0  # non-empty rows so far
        self.after_gap = True  # the sheet's start counts as after a gap
        self.title_after_gap = False  # one title row since the gap
        self.pending: str | None = None  # that title's line, while a table is open: whose row is it?

    def row(self, row_no: int, cells: list[str]) -> Iterator[Segment]:
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            return
        gap = row_no - self.next_row
        if gap > 0:
            yield from self._blank(min(gap, MAX_GAP))
            self.after_gap = True
            self.title_after_gap = False
        self.next_row = row_no + 1
        self.seen += 1
        filled = sum(1 for c in cells if c)
        starts = self._starts_table(cells, filled)
        if self.pending is not None:
            # A title above the next table ("Contractors") is no row of the
            # table before it: its first column may say "First Name".
            if starts and self.in_table:
                self.writer.end_table()
                self.in_table = False
            title, self.pending = self.pending, None
            yield from self.writer.write(title)
        if starts:
            if self.in_table:
                self.writer.end_table()
            yield from self.writer.begin_table([c.strip() for c in cells])
            self.in_table = True
            yield from self.writer.row(cells)
            self.after_gap = self.title_after_gap = False
            return
        title = filled == 1 and self.after_gap and not self.title_after_gap
        if title:
            self.title_after_gap = True  # "Contractors" above the next header
        else:
            self.after_gap = self.title_after_gap = False
        line = "\t".join(cells)
        if line.count("\t") != len(cells) - 1 or _UNSAFE.search(line):  # a cell holds a tab or a line break
            line = "\t".join(clean_cell(c) for c in cells)
        if title and self.in_table:
            self.pending = line + "\n"  # the next row tells
            return
        yield from self.writer.write(line + "\n")

    def _starts_table(self, cells: list[str], filled: int) -> bool:
        if filled < 2:
            return False
        if not (self.after_gap or self.title_after_gap):
            return False
        if not self.in_table and self.seen > FIRST_HEADER_WITHIN:
            return False
        return looks_like_header(cells)

    def _blank(self, n: int) -> Iterator[Segment]:
        if self.in_table:
            for _ in range(n):
                yield from self.writer.row(())
        else:
            yield from self.writer.write("\n" * n)

    def close(self) -> Iterator[Segment]:
        if self.pending is not None:
            title, self.pending = self.pending, None
            yield from self.writer.write(title)
        if self.in_table:
            self.writer.end_table()
        yield from self.writer.close()
