"""`piiscout export`: findings as a spreadsheet a client can open.

CSV: UTF-8, a header row, RFC 4180 quoting (CRLF line ends, fields with
commas, quotes or line breaks quoted, quotes doubled), streamed batch by
batch from the Parquet files: memory does not grow with the inventory.

XLSX: scanner/export_xlsx.py (Summary, Risk, Folders, Findings and
Technical sheets, set up to print).

Both carry what the inventory carries: masked values, keyed hashes and
masked context, never raw values. In CSV, text cells that a spreadsheet
would read as a formula (starting with = + - @, a tab or a carriage return,
or their full-width forms) get a leading apostrophe: file names on a share
can be hostile (`=HYPERLINK(...)`.xlsx) and a CSV cell has no type. XLSX
cells are typed (text is a text cell, never evaluated), so XLSX values are
written unchanged.
"""

from __future__ import annotations

import csv
import io
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator, TextIO

import pyarrow as pa
import pyarrow.compute as pc

from scanner.atomic import atomic_output, atomic_path, destination
from scanner.errors import UsageError
from scanner.export_xlsx import write_xlsx
from scanner.inventory.reader import Inventory
from scanner.inventory.state import View, iter_batches, resolve_view

# Column order of both formats: where, what, how sure, then bookkeeping.
COLUMNS = ["location", "part", "line", "row_key", "entity_type", "masked_value", "score", "context",
           "value_hash", "detector", "source", "scan_id", "found_at", "location_hash"]
# CSV also says who may read each finding's object (items.exposure and
# items.readers, readers joined with "; "); added last so column positions
# of older exports still hold.
ACCESS_COLUMNS = ["exposure", "readers"]
# The keyed hash of the object's real location (`piiscout locate INV HASH`
# finds it where a name is masked): last of all.
CSV_COLUMNS = COLUMNS[:-1] + ACCESS_COLUMNS + COLUMNS[-1:]
WIDTHS = {"location": 60, "part": 28, "line": 7, "row_key": 14, "entity_type": 18, "masked_value": 22,
          "score": 7, "context": 60, "value_hash": 20, "detector": 22, "source": 8, "scan_id": 24,
          "found_at": 20}
STRING_COLUMNS = {"location", "part", "row_key", "entity_type", "masked_value", "context", "value_hash",
                  "detector", "source", "scan_id"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def neutralise(value: str | None) -> str | None:
    """A text cell no spreadsheet will evaluate as a formula."""
    if value and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass
class ExportResult:
    path: str
    format: str
    findings: int
    sheets: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Filter:
    entities: tuple[str, ...] = ()
    min_score: float | None = None

    def describe(self) -> str:
        parts = []
        if self.entities:
            parts.append("entities " + ", ".join(self.entities))
        if self.min_score is not None:
            parts.append(f"score >= {self.min_score:g}")
        return "; ".join(parts) or "none"


def inventory_entities(inv: Inventory) -> set[str]:
    """Entity types found anywhere in the inventory (custom rules' included)."""
    seen: set[str] = set()
    for p in inv._files("findings"):
        pf = inv.open_file(p)
        if pf is None:
            continue
        try:
            seen.update(v for v in pf.read(columns=["entity_type"]).column(0).unique().to_pylist() if v)
        except Exception:  # noqa: BLE001 - a damaged file: named by open_file's warning path
            continue
    return seen


def check_entities(inv: Inventory, entities: tuple[str, ...]) -> tuple[str, ...]:
    """`--entities` of export: each must be an entity type piiscout knows or
    one the inventory holds (a custom rule's); a typo is a usage error
    (exit 2) listing the known names, never an empty file."""
    if not entities:
        return entities
    from scanner.entity_names import known_entities

    known = set(known_entities())
    unknown = [e for e in entities if e not in known]
    if unknown:
        known |= inventory_entities(inv)
        unknown = [e for e in unknown if e not in known]
    if unknown:
        raise UsageError(f"--entities: unknown entity type {', '.join(unknown)}; known: "
                         f"{', '.join(sorted(known))}")
    return entities


def finding_batches(inv: Inventory, view: View, flt: Filter) -> Iterator[pa.RecordBatch]:
    value_set = pa.array(list(flt.entities), pa.string()) if flt.entities else None
    for b in iter_batches(inv, view, "findings", COLUMNS):
        mask = None
        if value_set is not None:
            mask = pc.is_in(b.column(COLUMNS.index("entity_type")), value_set=value_set)
        if flt.min_score is not None:
            m = pc.greater_equal(b.column(COLUMNS.index("score")), flt.min_score)
            mask = m if mask is None else pc.and_(mask, m)
        if mask is not None:
            b = b.filter(mask)
        if b.num_rows:
            yield b


def _rows(b: pa.RecordBatch, iso_times: bool) -> Iterator[list]:
    cols = []
    for name in COLUMNS:
        values = b.column(COLUMNS.index(name))
        if name == "found_at":
            # Microseconds since the epoch: no pyarrow -> datetime per row.
            us = pc.cast(values, pa.int64()).to_pylist()
            vals = [None if u is None else _EPOCH + timedelta(microseconds=u) for u in us]
            vals = [v.isoformat() if (v is not None and iso_times) else
                    (v.replace(tzinfo=None) if v is not None else None) for v in vals]
        else:
            vals = values.to_pylist()
            if name in STRING_COLUMNS:
                vals = [neutralise(v) for v in vals]
        cols.append(vals)
    return (list(r) for r in zip(*cols))


# -- CSV ----------------------------------------------------------------------------------

def finding_locations(inv: Inventory, view: View, flt: Filter) -> set[str]:
    """The objects the (filtered) findings sit in: a light first pass."""
    out: set[str] = set()
    value_set = pa.array(list(flt.entities), pa.string()) if flt.entities else None
    for b in iter_batches(inv, view, "findings", ["location", "entity_type", "score"]):
        if value_set is not None:
            b = b.filter(pc.is_in(b.column(1), value_set=value_set))
        if flt.min_score is not None:
            b = b.filter(pc.greater_equal(b.column(2), flt.min_score))
        out.update(b.column(0).unique().to_pylist())
    return out


def write_csv(inv: Inventory, view: View, flt: Filter, fh: TextIO) -> int:
    from scanner.report_exposure import access_by_location

    w = csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(CSV_COLUMNS)
    access = access_by_location(inv, view, finding_locations(inv, view, flt))
    n = 0
    for b in finding_batches(inv, view, flt):
        locations = b.column(COLUMNS.index("location")).to_pylist()
        for loc, row in zip(locations, _rows(b, iso_times=True)):
            exposure, readers = access.get(loc, (None, None))
            cells = ["" if v is None else v for v in row]
            w.writerow(cells[:-1] + [exposure or "", neutralise("; ".join(readers)) if readers else ""]
                       + cells[-1:])
        n += b.num_rows
    return n


# -- JSON Lines (scanner/export_jsonl.py) -------------------------------------------------------

def _export_jsonl(inv: Inventory, view: View, flt: Filter, output: str) -> ExportResult:
    from scanner.export_jsonl import write_jsonl

    if output != "-":
        with atomic_output(output, "wb") as fh:
            n = write_jsonl(inv, view, flt, fh)
        return ExportResult(str(destination(output)), "jsonl", n)
    out = sys.stdout.buffer
    try:
        n = write_jsonl(inv, view, flt, out)
        out.flush()
    except BrokenPipeError:  # `| head`: the reader has all it wanted
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return ExportResult("-", "jsonl", 0)
    return ExportResult("-", "jsonl", n)


# -- entry point ----------------------------------------------------------------------------

def export(inventory: Path | str, fmt: str, output: str, scan_id: str | None = None,
           entities: tuple[str, ...] = (), min_score: float | None = None, bom: bool = False) -> ExportResult:
    inv, view = resolve_view(inventory, scan_id)
    flt = Filter(check_entities(inv, tuple(e.upper() for e in entities)), min_score)
    if fmt == "jsonl":
        return _export_jsonl(inv, view, flt, output)
    if output == "-":
        if fmt != "csv":
            raise UsageError("only CSV and JSON Lines can be written to standard output (-o -)")
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8-sig" if bom else "utf-8", newline="",
                               write_through=False)
        n = write_csv(inv, view, flt, out)
        out.flush()
        out.detach()
        return ExportResult("-", fmt, n)
    # Written under a hidden name, fsynced and renamed when complete
    # (scanner/atomic.py): an interrupted export never leaves half a
    # spreadsheet. Owner-only, like the inventory.
    if fmt == "csv":
        with atomic_output(output, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            n = write_csv(inv, view, flt, fh)
        return ExportResult(str(destination(output)), fmt, n)
    dest = destination(output)
    work = None
    try:
        with atomic_path(dest) as tmp:
            # xlsxwriter's own scratch files, next to the output (not /tmp).
            work = tempfile.mkdtemp(prefix=".piiscout-export-", dir=dest.parent)
            n, sheets = write_xlsx(inv, view, flt, tmp, work, finding_batches(inv, view, flt))
    finally:
        if work:
            shutil.rmtree(work, ignore_errors=True)
    return ExportResult(str(dest), fmt, n, sheets)
