"""CSV and TSV: header-aware, any common delimiter.

The text is scanned as it is (fast), and the column header of each cell is
context for what is found in it: a bare 123456789 under a header `SSN`
counts, though "SSN" is many lines away. The header is looked up lazily,
only where a candidate value sits.
"""

from __future__ import annotations

import csv
import io
from typing import Iterator

from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.plaintext import text_segments
from scanner.extractors.registry import register
from scanner.model import Layout, Segment
from scanner.textdecode import detect_encoding

DELIMITERS = (",", "\t", ";", "|")
HEADER_WITHIN = 12  # lines searched for a header below a title


class DelimitedLayout(Layout):
    """Column headers of a delimited text: the header of the cell at a position."""

    __slots__ = ("headers", "delimiter")

    def __init__(self, headers: tuple[str, ...], delimiter: str):
        self.headers = headers
        self.delimiter = delimiter

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
        col = self.column_at(text, pos)
        if col < len(self.headers) and self.headers[col]:
            return (self.headers[col],)
        return ()

    def vocabulary(self) -> tuple[str, ...]:
        return self.headers

    def delimited(self) -> tuple[str, tuple[str, ...]]:
        return self.delimiter, self.headers


def sniff_dialect(sample: str, preferred: str | None = None) -> tuple[str, tuple[str, ...]]:
    """(delimiter, headers) from the first lines; headers is () when the first
    row of two cells or more does not look like a header."""
    lines = [ln for ln in sample.splitlines()[:40] if ln.strip(" \t,;|\ufeff")]
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
        layout = DelimitedLayout(headers, delimiter) if headers else None
        yield from text_segments(blob, ctx, layout=layout)
