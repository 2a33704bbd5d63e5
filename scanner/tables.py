"""Detection in structured content: the rows of a table, column by column.

A connector hands over a `scanner.model.Table` (column names, row key
names, batches of typed rows) and knows nothing of detection. Here each
column's cells are joined by newlines into chunks of many cells, with the
column name as context, so a bare 123456789 counts as an SSN in `tax_id`
but not in `order_no`; `ColumnLayout` maps a position back to its cell and
its row's key. A finding's start, end and context are those of its cell
(other rows are not this value's context). Besides the table's own items
row, every column gets one with rows_scanned and rows_matched.

Findings, allow lists, custom rules, plugin recognizers and the items rows
go through the same `ItemProcessor` methods as a file's.
"""

from __future__ import annotations

import json
import re
import time
from bisect import bisect_right
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterator

import pyarrow as pa

from scanner import privacy
from scanner.errors import ItemTimeout
from scanner.findings_batch import FindingColumns
from scanner.model import SCANNED, ItemRecord, Layout, ObjectInfo, Segment, Table

if TYPE_CHECKING:
    from scanner.pipeline import ItemProcessor

CHUNK_CHARS = 64 << 10  # text per detection call: one column, many cells
MAX_CELL = 256 << 10  # characters of one cell that are examined

# Column names that say what a column holds but that recognizers' context
# words do not spell out (abbreviations glued together): name -> word(s).
COLUMN_ALIASES = (
    (re.compile(r"ssn|socsec|socialsec|ssno|ssnum"), "ssn"),
    (re.compile(r"taxid|taxpayer|tin$|^tin"), "tax id"),
    (re.compile(r"ccnum|ccno|cardnum|cardno|creditcard|ccn$|^pan$|^pan[^a-z]|cardnumber"), "card number"),
    (re.compile(r"phone|mobile|cellno|telno|^tel$|fax"), "phone"),
    (re.compile(r"email|e_mail|mailaddr"), "email"),
    (re.compile(r"^dx|diag"), "diagnosis"),
)

# A cell that is nothing but a number of card length.
CARD_SHAPED = re.compile(r"\s*\d(?:[ -]?\d){12,18}\s*")
# Below this share of card-shaped cells passing as cards (Luhn, issuer
# prefix), a column is a column of identifiers (barcodes, account or order
# numbers), not of cards: the few that pass by chance (1 in 10 passes Luhn)
# are dropped, unless the column's name speaks of cards.
CARD_COLUMN_MIN_SHARE = 0.3
CARD_COLUMN_MIN_CELLS = 20


def column_context(name: str) -> tuple[str, ...]:
    """Context words of a column: its name, plus what its abbreviations mean."""
    compact = re.sub(r"[^a-z]", "", name.lower())
    words = [name]
    for rx, word in COLUMN_ALIASES:
        if rx.search(compact) or rx.search(name.lower()):
            words.append(word)
    return tuple(dict.fromkeys(words))


def cell_text(v: Any) -> str | None:
    """A cell as text (detectors read text; Decimal and bytes are not)."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Decimal):
        if not v.is_finite():
            return None
        return format(v, "f")
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v).decode("utf-8", "replace")
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def key_text(value: Any, hash_key: bytes) -> str:
    """A row key value as stored in the inventory. Small integers (ids),
    UUIDs and row addresses are kept; anything else is hashed, since a key
    can be the PII itself (an e-mail or SSN as primary key)."""
    if isinstance(value, int) and not isinstance(value, bool) and -10**8 < value < 10**8:
        return str(value)
    s = cell_text(value) or ""
    if re.fullmatch(r"\(\d+,\d+\)", s):  # PostgreSQL ctid
        return s
    if re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", s):
        return s.lower()
    return "#" + privacy.value_hash("ROW_KEY", s, hash_key)[-12:]


class ColumnLayout(Layout):
    """Cells of one column joined by newlines: the row of a position."""

    __slots__ = ("starts", "keys", "key_names", "ordinals", "hash_key")

    def __init__(self, starts: list[int], keys: list, key_names: tuple[str, ...], ordinals: list[int],
                 hash_key: bytes):
        self.starts = starts
        self.keys = keys
        self.key_names = key_names
        self.ordinals = ordinals
        self.hash_key = hash_key

    def cell_at(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def row_key_at(self, text: str, pos: int) -> str | None:
        i = self.cell_at(pos)
        if i < 0:
            return None
        if not self.key_names:
            return f"row={self.ordinals[i] + 1}"
        return ",".join(f"{n}={key_text(v, self.hash_key)}" for n, v in zip(self.key_names, self.keys[i]))


class ColumnBuffer:
    """The cells of one column waiting to be detected, and its counters."""

    __slots__ = ("name", "context", "info", "cells", "keys", "ordinals", "chars", "findings", "matched",
                 "last_row", "truncated", "card_shaped", "card_cells", "cards_dropped", "named_for_cards")

    def __init__(self, name: str, table: ObjectInfo):
        self.name = name
        self.context = column_context(name)
        self.info = ObjectInfo(table.source, table.location, name)  # where its findings sit
        self.cells: list[str] = []
        self.keys: list = []
        self.ordinals: list[int] = []
        self.chars = 0
        self.findings = 0
        self.matched = 0
        self.last_row = -1
        self.truncated = 0
        self.card_shaped = 0  # cells that are one 13-19 digit number
        self.card_cells = 0  # ... and were found to be a card number
        self.cards_dropped = 0
        self.named_for_cards = False

    def add(self, text: str, key, ordinal: int) -> bool:
        """Queue one cell; True when the chunk is full."""
        if len(text) > MAX_CELL:
            text = text[:MAX_CELL]
            self.truncated += 1
        self.cells.append(text)
        self.keys.append(key)
        self.ordinals.append(ordinal)
        self.chars += len(text) + 1
        return self.chars >= CHUNK_CHARS

    def notes(self) -> str | None:
        notes = []
        if self.truncated:
            notes.append(f"{self.truncated} cells cut at {MAX_CELL // 1024} KiB")
        if self.cards_dropped:
            notes.append(f"{self.cards_dropped} card-like numbers not reported: only {self.card_cells} of "
                         f"{self.card_shaped} card-length numbers in this column are valid cards")
        return "; ".join(notes) or None


def card_column_filter(results, buf: ColumnBuffer, layout: ColumnLayout) -> list:
    cards = [r for r in results if r.entity_type == "CREDIT_CARD"]
    if not cards:
        return results
    # Counted in chunks with a card only (cheaper; a chunk of a few thousand
    # identifiers without one chance pass is rare, and leaving it out only
    # makes dropping less likely).
    buf.card_shaped += sum(1 for c in buf.cells if len(c) >= 13 and CARD_SHAPED.fullmatch(c))
    cells = {layout.cell_at(r.start) for r in cards}
    buf.card_cells += sum(1 for i in cells if CARD_SHAPED.fullmatch(buf.cells[i]))
    if buf.named_for_cards or buf.card_shaped < CARD_COLUMN_MIN_CELLS:
        return results
    if buf.card_cells >= CARD_COLUMN_MIN_SHARE * buf.card_shaped:
        return results
    buf.cards_dropped += len(cards)
    return [r for r in results if r.entity_type != "CREDIT_CARD"]


class TableScan:
    """One table read through one ItemProcessor: yields finding batches, the
    columns' items rows, then the table's own."""

    def __init__(self, proc: "ItemProcessor", table: Table, info: ObjectInfo, deadline: float | None):
        self.proc = proc
        self.table = table
        self.info = info
        self.deadline = deadline
        self.key_names = tuple(table.key_names)
        self.bufs = [ColumnBuffer(c, info) for c in table.columns]
        cards = [r for r in getattr(proc.engine, "recognizers", ()) if getattr(r, "ENTITY", None) == "CREDIT_CARD"]
        for b in self.bufs:
            b.named_for_cards = any(r.context_matches(b.context) for r in cards)
        self.rows = 0
        self.nbytes = 0
        self.rows_matched = bytearray()

    def run(self, t0: float) -> Iterator[pa.RecordBatch | ItemRecord]:
        batches = iter(self.table.rows)
        try:
            for batch in batches:
                if self.deadline is not None and time.monotonic() > self.deadline:
                    raise ItemTimeout(f"time limit exceeded after {self.rows:,} rows")
                yield from self._read(batch)
            for buf in self.bufs:
                yield from self._flush(buf)
        except Exception as exc:
            exc.rows_scanned = self.rows  # the failed table's row says how far it got
            raise
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()  # the source's connection goes back now, not when collected
        yield from self.proc.flush()
        yield from self._records(t0)

    def _read(self, batch) -> Iterator[pa.RecordBatch]:
        nk = len(self.key_names)
        bufs = self.bufs
        for row in batch:
            k = row[:nk] if nk else None
            for j in range(len(bufs)):
                v = row[nk + j]
                if v is None:
                    continue
                s = v if isinstance(v, str) else cell_text(v)
                if s and bufs[j].add(s, k, self.rows):
                    yield from self._flush(bufs[j])
            self.rows += 1

    def _flush(self, buf: ColumnBuffer) -> Iterator[pa.RecordBatch]:
        """Detect in the cells queued for one column."""
        if not buf.cells:
            return
        text = "\n".join(buf.cells)
        starts, pos = [], 0
        for c in buf.cells:
            starts.append(pos)
            pos += len(c) + 1
        layout = ColumnLayout(starts, buf.keys, self.key_names, buf.ordinals, self.proc.key)
        seg = Segment(text=text, line=None, context=buf.context, layout=layout)
        self.nbytes += len(text)
        results = self.proc.detect(seg)
        # A match may not run from one cell into the next ("212" above
        # "555-0134" is not a phone number).
        results = [r for r in results
                   if r.end <= starts[layout.cell_at(r.start)] + len(buf.cells[layout.cell_at(r.start)])]
        if results:
            results = card_column_filter(results, buf, layout)
        if results:
            yield from self._findings(seg, results, layout, buf)
        buf.cells, buf.keys, buf.ordinals, buf.chars = [], [], [], 0

    def _findings(self, seg: Segment, results, layout: ColumnLayout, buf: ColumnBuffer):
        """Each cell's findings, placed in that cell."""
        by_cell: dict[int, list] = {}
        for r in results:
            by_cell.setdefault(layout.cell_at(r.start), []).append(r)
        found = FindingColumns()
        for i, rs in by_cell.items():
            base = layout.starts[i]
            kept = self.proc.to_findings(seg, rs, buf.info, span=(base, base + len(buf.cells[i])))
            if not kept:
                continue  # allow-listed
            found.extend(kept)
            row = buf.ordinals[i]
            if row != buf.last_row:
                buf.matched += 1
                buf.last_row = row
            if row >= len(self.rows_matched):
                self.rows_matched.extend(b"\0" * (row + 1 - len(self.rows_matched) + 4096))
            self.rows_matched[row] = 1
        buf.findings += len(found)
        yield from self.proc.add_findings(found)

    def _records(self, t0: float) -> Iterator[ItemRecord]:
        for buf in self.bufs:
            col = ObjectInfo(self.info.source, self.info.location, buf.name, content_type=self.table.column_type)
            yield ItemRecord.of(col, SCANNED, buf.notes(), findings=buf.findings, rows_scanned=self.rows,
                                rows_matched=buf.matched)
        yield self.proc.record(self.info, SCANNED, self.table.note, sum(b.findings for b in self.bufs),
                               self.nbytes, t0, rows_scanned=self.rows, rows_matched=self.rows_matched.count(1))
