"""CSV and TSV: header-aware, any common delimiter.

The text is scanned as it is (fast), and the column header of each cell is
context for what is found in it: a bare 123456789 under a header `SSN`
counts, though "SSN" is many lines away. The header is looked up lazily,
only where a candidate value sits.
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_right
from functools import lru_cache
from typing import Iterator

from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.plaintext import text_segments
from scanner.extractors.registry import register
from scanner.model import Layout, Segment
from scanner.textdecode import detect_encoding

DELIMITERS = (",", "\t", ";", "|")
HEADER_WITHIN = 12  # lines searched for a header below a title


class DelimitedLayout(Layout):
    """Column headers of a delimited text: the header of the cell at a position.

    A spreadsheet saved as CSV may hold a second table below the first
    ("Contractors", then its own header row): after a blank row (and at
    most one title row), a row that looks like a header starts a section
    with its own headers; the title row belongs to neither table.
    `extra` are the headers of such sections seen in the file's head (the
    engine arms header-only patterns with them). Only a whole delimited file
    is `sectioned`; a table of a document or sheet (textbuilder) has its
    own header and its own extent."""

    __slots__ = ("headers", "delimiter", "extra", "sectioned")

    def __init__(self, headers: tuple[str, ...], delimiter: str, extra: tuple[tuple[str, ...], ...] = (),
                 sectioned: bool = False):
        self.headers = headers
        self.delimiter = delimiter
        self.extra = extra
        self.sectioned = sectioned

    def sections(self, text: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """(start, headers) of each section of `text`, the first at 0."""
        if not self.sectioned:
            return ((0, self.headers),)
        return _sections(text, self.delimiter, self.headers)

    def headers_at(self, text: str, pos: int) -> tuple[str, ...]:
        if not self.sectioned:
            return self.headers
        secs = self.sections(text)
        if len(secs) == 1:
            return self.headers
        i = bisect_right([a for a, _ in secs], pos) - 1
        return secs[i][1]

    def column_at(self, text: str, pos: int) -> int:
        start = text.rfind("\n", 0, pos) + 1
        prefix = text[start:pos]
        if '"' not in prefix:
            return prefix.count(self.delimiter)
        col, quoted = 0, False
        for ch in prefix:
            if ch == '"':
                quoted = not quoted
            elif ch == self.delimiter and not quoted:
                col += 1
        return col

    def context_at(self, text: str, pos: int) -> tuple[str, ...]:
        headers = self.headers_at(text, pos)
        col = self.column_at(text, pos)
        if col < len(headers) and headers[col]:
            return (headers[col],)
        return ()

    def vocabulary(self) -> tuple[str, ...]:
        return self.headers + tuple(h for hs in self.extra for h in hs)

    def delimited(self) -> tuple[str, tuple[str, ...]]:
        """(delimiter, the first table's headers): the engine's CSV cell
        path (detectors/tabular.py) takes each section's own headers from
        `sections()`."""
        return self.delimiter, self.headers


_BLANK_ROW = re.compile(r"\n[ \t\r,;|\"\ufeff]*\n")


def _cells(line: str, delimiter: str) -> list[str]:
    try:
        return [c.strip() for c in next(csv.reader(io.StringIO(line), delimiter=delimiter))]
    except (csv.Error, StopIteration):
        return []


@lru_cache(maxsize=8)
def _sections(text: str, delimiter: str, first: tuple[str, ...]) -> tuple[tuple[int, tuple[str, ...]], ...]:
    out = [(0, first)]
    pos = 0
    while True:
        m = _BLANK_ROW.search(text, pos)
        if m is None:
            break
        pos = m.end() - 1
        # The first rows after the blank ones: a header, or a title then a header.
        at = m.end()
        for nth in range(2):
            while True:  # more blank rows
                nl = text.find("\n", at)
                line = text[at: nl if nl >= 0 else len(text)]
                if line.strip(" \t\r,;|\"\ufeff") or nl < 0:
                    break
                at = nl + 1
            cells = _cells(line.rstrip("\r"), delimiter)
            filled = [c for c in cells if c]
            if len(filled) >= 2 and line.count(delimiter) >= 1 and _looks_like_header(filled):
                if nth == 1:
                    out.append((title_at, ()))
                out.append((at, tuple(cells)))
                pos = at
                break
            if len(filled) != 1 or nl < 0:
                break
            title_at, at = at, nl + 1
    return tuple(out)


def section_headers(sample: str, delimiter: str, first: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Headers of the tables below the first one in `sample`."""
    return tuple(h for _, h in _sections(sample, delimiter, first)[1:] if h)


def _records(sample: str) -> list[str]:
    """The rows of `sample`: a quoted cell may hold line breaks (a note, a
    PEM key), and its lines are part of its row, not rows without
    delimiters."""
    rows: list[str] = []
    open_row = None
    for line in sample.splitlines():
        if open_row is not None:
            open_row += "\n" + line
            if line.count('"') % 2:
                rows.append(open_row)
                open_row = None
        elif line.count('"') % 2:
            open_row = line
        else:
            rows.append(line)
    if open_row is not None:  # cut by the sample's end
        rows.append(open_row)
    return rows


def sniff_dialect(sample: str, preferred: str | None = None) -> tuple[str, tuple[str, ...]]:
    """(delimiter, headers) from the first lines; headers is () when the first
    row of two cells or more does not look like a header."""
    lines = [ln for ln in _records(sample)[:40] if ln.strip(" \t,;|\ufeff")]
    if not lines:
        return preferred or ",", ()
    best, best_score = preferred or ",", -1.0
    for d in DELIMITERS:
        counts = [ln.count(d) for ln in lines[:-1] or lines]  # the last line may be cut
        # The usual count (a title line above the table may have none).
        usual = max(set(counts), key=lambda c: (counts.count(c), c)) if counts else 0
        if usual == 0:
            continue
        consistent = sum(1 for c in counts if c == usual) / len(counts)
        score = consistent * 10 + min(usual, 50) / 50 + (5 if d == preferred else 0)
        if score > best_score:
            best, best_score = d, score
    # Exports from spreadsheets keep their title and "report date" lines
    # above the header: the header is the first row that looks like one.
    for line in lines[:HEADER_WITHIN]:
        try:
            cells = [c.strip() for c in next(csv.reader(io.StringIO(line), delimiter=best))]
        except (csv.Error, StopIteration):
            continue
        filled = [c for c in cells if c]
        if len(filled) >= 2 and _looks_like_header(filled):
            return best, tuple(cells)
    return best, ()


def _looks_like_header(cells: list[str]) -> bool:
    """Mostly names, no values: a cell of digits without a letter
    ("2024", "(212) 555-0147", "4111 1111 1111 1111", "$1,200") is a value,
    so a label/value row ("Phone | (212) 555-0147") is not a header row."""
    named = sum(1 for c in cells if any(ch.isalpha() for ch in c) and "@" not in c and len(c) <= 64)
    numeric = sum(1 for c in cells if any(ch.isdigit() for ch in c) and not any(ch.isalpha() for ch in c))
    return named >= max(1, len(cells) // 2) and numeric == 0


@register
class DelimitedExtractor(Extractor):
    name = "csv"
    content_types = ("text/csv", "text/tab-separated-values")

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        enc = detect_encoding(blob.head)
        sample = blob.head.decode(enc.name if enc else "utf-8", "replace").lstrip("\ufeff")
        preferred = "\t" if blob.content_type == "text/tab-separated-values" else None
        delimiter, headers = sniff_dialect(sample, preferred)
        layout = (DelimitedLayout(headers, delimiter, section_headers(sample, delimiter, headers), sectioned=True)
                  if headers else None)
        yield from text_segments(blob, ctx, layout=layout)
