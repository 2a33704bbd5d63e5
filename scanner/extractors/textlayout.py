"""Column headers inside plain text: PostgreSQL COPY blocks and fixed-width
reports.

A bare 123456789 under a `ssn` column is an SSN; the same digits in prose
are anything. CSV files get their header as context (delimited.py); these
are the tables that hide in plain text:

* `pg_dump` output: `COPY public.people (id, name, ssn) FROM stdin;`
  then tab-separated rows up to `\\.`. A row's n-th field has the n-th name.
* Fixed-width reports (payroll registers, mainframe and SQL*Plus/psql
  output): a header line, then a rule line of dashes or equals signs whose
  runs mark the columns (`------ ------------ ---` or `----+------`). A
  value's column is the run under which it sits; the table ends at a blank
  line, a form feed or the next header.

`TextTables.segments` adds a layout to each segment that holds (or
continues) such a table; segments without one are passed on unchanged, so
ordinary text costs one regex search per segment.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from typing import Iterable, Iterator

from scanner.model import Layout, Segment

_COPY = re.compile(r"^COPY [^\n(]*\(([^)\n]{1,4000})\) FROM stdin;[ \t]*\r?$", re.MULTILINE)
_COPY_END = re.compile(r"^\\\.[ \t]*\r?$", re.MULTILINE)
# A rule line: at least two runs of 3+ dashes or equals signs, separated by
# blanks, '+' or '|' only.
_RULE = re.compile(r"^[ \t|+]*[-=]{3,}(?:[ \t|+]+[-=]{3,})+[ \t|+]*\r?$", re.MULTILINE)
_RUN = re.compile(r"[-=]{3,}")
_TABLE_END = re.compile(r"\n[ \t\r]*\n|\f")
_ANY_PATTERN = r"^COPY |^[ \t|+]*[-=]{3,}[ \t|+]+[-=]{3,}"
_ANY = re.compile(_ANY_PATTERN, re.MULTILINE)


@dataclasses.dataclass(frozen=True)
class Table:
    """One table: where its rows start and end (offsets in the part's
    text), and how a row position maps to a header."""

    start: int
    end: int | None  # None: still open at the end of what was seen
    names: tuple[str, ...]
    spans: tuple[tuple[int, int], ...] = ()  # fixed width: column [start, end) per name

    def column(self, line: str, offset: int) -> str | None:
        if not self.spans:  # COPY: tab-separated fields
            i = line.count("\t", 0, offset)
            return self.names[i] if i < len(self.names) else None
        for (lo, hi), name in zip(self.spans, self.names):
            if lo <= offset < hi:
                return name
        # In a gap (a value spilling over its run): the nearest column.
        dist = [min(abs(offset - lo), abs(offset - (hi - 1))) for lo, hi in self.spans]
        return self.names[dist.index(min(dist))] if dist else None


class TextTablesLayout(Layout):
    """The headers of the tables a segment holds; positions are local to
    the segment's text, whose first character is at `base` in the part."""

    # Not `tables`: other code reads a `tables` attribute as TableLayout's.
    __slots__ = ("_tables", "base", "_starts")

    def __init__(self, tables: list[Table], base: int):
        self._tables = tables
        self.base = base
        self._starts = [t.start for t in tables]

    def _table_at(self, pos: int) -> Table | None:
        i = bisect.bisect_right(self._starts, self.base + pos) - 1
        if i < 0:
            return None
        t = self._tables[i]
        return t if t.end is None or self.base + pos < t.end else None

    def context_at(self, text: str, pos: int) -> tuple[str, ...]:
        t = self._table_at(pos)
        if t is None:
            return ()
        line_start = text.rfind("\n", 0, pos) + 1
        nl = text.find("\n", pos)
        name = t.column(text[line_start : nl if nl >= 0 else len(text)], pos - line_start)
        return (name,) if name else ()

    def vocabulary(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for t in self._tables for n in t.names if n))

    def column_cells(self, text: str, lo: int, hi: int) -> Iterator[tuple[int, int, str]]:
        """(start, end, column name) of every cell of the table rows in
        text[lo:hi]: a COPY row's tab-separated fields, a fixed-width row's
        slices from one column's rule to the next (blanks trimmed). Column
        recognizers (names, passwords) read these, as they read a CSV's."""
        pos = text.rfind("\n", 0, lo) + 1
        while pos < hi:
            nl = text.find("\n", pos)
            end = len(text) if nl < 0 else nl
            t = self._table_at(pos)
            if t is not None and end > pos:
                yield from _row_cells(t, text, pos, end)
            pos = end + 1


def _row_cells(t: Table, text: str, pos: int, end: int) -> Iterator[tuple[int, int, str]]:
    line = text[pos:end].rstrip("\r")
    if not t.spans:
        at = 0
        for name, cell in zip(t.names, line.split("\t")):
            yield pos + at, pos + at + len(cell), name
            at += len(cell) + 1
        return
    if _RULE.match(line):
        return
    for i, ((lo, _hi), name) in enumerate(zip(t.spans, t.names)):
        stop = t.spans[i + 1][0] if i + 1 < len(t.spans) else len(line)
        a, b = lo, min(stop, len(line))
        while a < b and line[a] in " \t|+":
            a += 1
        while b > a and line[b - 1] in " \t|+":
            b -= 1
        if b > a and name:
            yield pos + a, pos + b, name


def find_tables(text: str, base: int = 0, whole: bool = True) -> list[Table]:
    """Every COPY block and fixed-width table of `text` (offsets + base).
    `whole`: `text` is the whole part; otherwise it is a segment, whose
    first and last lines may be cut and are not read as headers."""
    found = []
    for m in _COPY.finditer(text):
        if not whole and (m.start() == 0 or m.end() == len(text)):
            continue
        names = tuple(n.strip().strip('"') for n in m.group(1).split(","))
        end = _COPY_END.search(text, m.end())
        found.append(Table(base + m.end() + 1, base + end.start() if end else None, names))
    for m in _RULE.finditer(text):
        if not whole and m.end() == len(text):
            continue  # the rule line may go on in the next segment
        table = _fixed_width(text, m, base, whole)
        if table is not None:
            found.append(table)
    found.sort(key=lambda t: t.start)
    return found


def _fixed_width(text: str, rule: re.Match, base: int, whole: bool) -> Table | None:
    head_end = rule.start() - 1
    if head_end <= 0:
        return None
    head_start = text.rfind("\n", 0, head_end) + 1
    if head_start == 0 and not whole:
        return None  # the header line may start in the previous segment
    header = text[head_start:head_end].rstrip("\r")
    if not header.strip() or not any(c.isalpha() for c in header):
        return None
    line = rule.group(0)
    spans = tuple((r.start(), r.end()) for r in _RUN.finditer(line))
    names = []
    for i, (lo, hi) in enumerate(spans):
        nxt = spans[i + 1][0] if i + 1 < len(spans) else len(header)
        names.append(" ".join(header[lo:max(hi, nxt)].replace("|", " ").split()))
    if sum(1 for n in names if n) < 2:
        return None
    rows = rule.end() + 1
    stop = _TABLE_END.search(text, rows)
    return Table(base + rows, base + stop.start() if stop else None, tuple(names), spans)


class TextTables:
    """Adds table layouts to a part's segments, carrying a table that is
    still open from one segment into the next."""

    def __init__(self):
        self._open: Table | None = None

    def segments(self, segs: Iterable[Segment]) -> Iterator[Segment]:
        for seg in segs:
            if seg.layout is not None:
                yield seg
                continue
            whole = seg.offset == 0 and seg.core is None
            tables = find_tables(seg.text, seg.offset, whole) if _may_hold_table(seg.text) else []
            carried = self._open
            if carried is not None and carried.end is None:
                # It ends where this segment says it does (or goes on).
                stop = _stop_in(seg.text, carried, max(0, carried.start - seg.offset))
                carried = dataclasses.replace(carried, end=seg.offset + stop if stop is not None else None)
            active = ([carried] if carried is not None and (carried.end is None or carried.end > seg.offset)
                      else []) + [t for t in tables if carried is None or t.start > carried.start]
            core_end = seg.offset + (seg.core[1] if seg.core else len(seg.text))
            opened = [t for t in active if t.start < core_end and (t.end is None or t.end > core_end)]
            self._open = opened[-1] if opened else None
            yield dataclasses.replace(seg, layout=TextTablesLayout(active, seg.offset)) if active else seg


class _AnyTable:
    """`_ANY.search(text) is not None`, by Hyperscan: Python's re tries the
    pattern at every position (~10 ms per MB of number-dense logs, a third
    of their whole detection cost); Hyperscan answers in well under 1 ms."""

    def __init__(self):
        import hyperscan

        self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        self._db.compile(expressions=[_ANY_PATTERN.encode()], ids=[0],
                         flags=[hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_SINGLEMATCH])
        self._scratch = hyperscan.Scratch(self._db)
        self._hit = False
        self._on_match = self._matched  # a named reference: hyperscan keeps none

    def _matched(self, *_args) -> None:
        self._hit = True

    def search(self, text: str) -> bool:
        self._hit = False
        self._db.scan(text.encode("utf-8", "surrogatepass"), match_event_handler=self._on_match,
                      scratch=self._scratch)
        return self._hit


@functools.lru_cache(maxsize=1)
def _any_table() -> _AnyTable | None:
    try:
        return _AnyTable()
    except Exception:  # noqa: BLE001 - no Hyperscan wheel here: Python's re, slower, the same answer
        return None


def _may_hold_table(text: str) -> bool:
    finder = _any_table()
    return finder.search(text) if finder is not None else _ANY.search(text) is not None


def _stop_in(text: str, table: Table, pos: int) -> int | None:
    m = (_COPY_END if not table.spans else _TABLE_END).search(text, pos)
    return m.start() if m else None
