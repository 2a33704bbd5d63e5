"""`piiscout export`: findings as a spreadsheet a client can open.

CSV: UTF-8, a header row, RFC 4180 quoting (CRLF line ends, fields with
commas, quotes or line breaks quoted, quotes doubled), streamed batch by
batch from the Parquet files: memory does not grow with the inventory.

XLSX (xlsxwriter in constant-memory mode: each row goes to disk as it is
written): a Summary sheet first, then the findings with a frozen header,
an autofilter and set column widths. Excel holds 1,048,576 rows per sheet;
past that the findings continue on "Findings 2", "Findings 3"... and the
summary says so. The summary's own tallies are small (per entity, folder,
target) except distinct values, kept as 8-byte hash prefixes.

Both carry what the inventory carries: masked values, keyed hashes and
masked context, never raw values. Text cells that a spreadsheet would read
as a formula (starting with = + - @, a tab or a carriage return, or their
full-width forms) get a leading apostrophe: file names on a share can be
hostile (`=HYPERLINK(...)`.xlsx).
"""

from __future__ import annotations

import csv
import io
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator, TextIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from scanner import __version__
from scanner.atomic import atomic_output, atomic_path, destination
from scanner.errors import InventoryError, UsageError
from scanner.inventory.reader import Inventory
from scanner.inventory.state import View, describe_view, iter_batches, owning_target, resolve_view

# Column order of both formats: where, what, how sure, then bookkeeping.
COLUMNS = ["location", "part", "line", "row_key", "entity_type", "masked_value", "score", "context",
           "value_hash", "detector", "source", "scan_id", "found_at"]
WIDTHS = {"location": 60, "part": 28, "line": 7, "row_key": 14, "entity_type": 18, "masked_value": 22,
          "score": 7, "context": 60, "value_hash": 20, "detector": 22, "source": 8, "scan_id": 24,
          "found_at": 20}
STRING_COLUMNS = {"location", "part", "row_key", "entity_type", "masked_value", "context", "value_hash",
                  "detector", "source", "scan_id"}
EXCEL_MAX_ROWS = 1_048_576  # per sheet, header included
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
TOP_FOLDERS = 25
MAX_LISTED_ERRORS = 1000
FILE_SOURCES = ("file", "smb")  # locations are paths: group findings by folder
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

def write_csv(inv: Inventory, view: View, flt: Filter, fh: TextIO) -> int:
    w = csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(COLUMNS)
    n = 0
    for b in finding_batches(inv, view, flt):
        for row in _rows(b, iso_times=True):
            w.writerow(["" if v is None else v for v in row])
        n += b.num_rows
    return n


# -- XLSX ---------------------------------------------------------------------------------

class _Summary:
    """Tallies for the Summary sheet, fed batch by batch."""

    def __init__(self, targets: list[str]):
        self.targets = targets
        self.by_entity: Counter = Counter()
        self.hashes: dict[str, list[np.ndarray]] = defaultdict(list)
        self.locations: dict[str, set[int]] = defaultdict(set)
        self.folders: Counter = Counter()
        self.folder_entities: dict[str, Counter] = defaultdict(Counter)
        self.by_target: Counter = Counter()
        self._target_of: dict[str, str] = {}

    def target_of(self, location: str) -> str:
        t = self._target_of.get(location)
        if t is None:
            t = owning_target(location, self.targets) or "(other)"
            if len(self._target_of) < 100_000:
                self._target_of[location] = t
        return t

    def add(self, b: pa.RecordBatch) -> None:
        t = pa.Table.from_batches([b]).select(["source", "location", "entity_type", "value_hash"])
        g = t.group_by(["source", "location", "entity_type"]).aggregate([("value_hash", "count")])
        for src, loc, ent, n in zip(*(g.column(c).to_pylist() for c in
                                      ("source", "location", "entity_type", "value_hash_count"))):
            self.by_entity[ent] += n
            self.locations[ent].add(hash(loc))
            folder = loc.rsplit("/", 1)[0] or "/" if src in FILE_SOURCES else loc
            self.folders[folder] += n
            self.folder_entities[folder][ent] += n
            self.by_target[self.target_of(loc)] += n
        ents = t.column("entity_type").to_pylist()
        hashes = t.column("value_hash").to_pylist()
        per: dict[str, list[int]] = defaultdict(list)
        for e, h in zip(ents, hashes):
            per[e].append(int(h[:16], 16) - (1 << 63) if h else 0)
        for e, values in per.items():
            self.hashes[e].append(np.unique(np.array(values, dtype=np.int64)))
            if len(self.hashes[e]) > 64:
                self.hashes[e] = [np.unique(np.concatenate(self.hashes[e]))]

    def distinct(self, entity: str) -> int:
        parts = self.hashes.get(entity)
        return int(len(np.unique(np.concatenate(parts)))) if parts else 0


def _item_stats(inv: Inventory, view: View, targets: list[str]):
    statuses: Counter = Counter()
    per_target: dict[str, Counter] = defaultdict(Counter)
    errors: list[tuple[str, str, str]] = []
    n_errors = 0
    skipped: Counter = Counter()
    for b in iter_batches(inv, view, "items", ["location", "part", "status", "reason"]):
        for loc, part, st, reason in zip(*(b.column(i).to_pylist() for i in range(4))):
            statuses[st] += 1
            if not part:
                t = owning_target(loc, targets) or "(other)"
                per_target[t]["items"] += 1
                if st == "error":
                    per_target[t]["errors"] += 1
            if st == "error":
                n_errors += 1
                if len(errors) < MAX_LISTED_ERRORS:
                    errors.append((loc, part, reason or ""))
            elif st == "skipped":
                skipped[reason or "(no reason)"] += 1
    return statuses, per_target, errors, n_errors, skipped


def write_xlsx(inv: Inventory, view: View, flt: Filter, path: Path, tmpdir: str) -> tuple[int, list[str]]:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {
        "constant_memory": True,
        "tmpdir": tmpdir,
        "use_zip64": True,
        # Text is text: never turned into formulas, numbers or links.
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "remove_timezone": True,
    })
    bold = wb.add_format({"bold": True})
    title = wb.add_format({"bold": True, "font_size": 14})
    header = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1})
    when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    score_fmt = wb.add_format({"num_format": "0.00"})
    summary_ws = wb.add_worksheet("Summary")  # first tab; written last, when the tallies are known
    targets = view.targets
    tally = _Summary(targets)

    sheets: list[str] = []
    ws = None
    row = 0
    total = 0
    time_col = COLUMNS.index("found_at")
    score_col = COLUMNS.index("score")
    numeric_cols = {COLUMNS.index(c) for c in ("line", "score")}

    def new_sheet():
        name = "Findings" if not sheets else f"Findings {len(sheets) + 1}"
        s = wb.add_worksheet(name)
        for i, c in enumerate(COLUMNS):
            s.set_column(i, i, WIDTHS.get(c, 14), score_fmt if i == score_col else None)
        s.write_row(0, 0, COLUMNS, header)
        s.freeze_panes(1, 0)
        sheets.append(name)
        return s

    def close_sheet(s, rows):
        s.autofilter(0, 0, max(rows - 1, 0), len(COLUMNS) - 1)

    ws = new_sheet()
    row = 1
    for b in finding_batches(inv, view, flt):
        tally.add(b)
        for values in _rows(b, iso_times=False):
            if row >= EXCEL_MAX_ROWS:
                close_sheet(ws, row)
                ws = new_sheet()
                row = 1
            # Typed writes: write_row() would sniff every cell's type.
            for col, v in enumerate(values):
                if v is None:
                    continue
                if col == time_col:
                    ws.write_datetime(row, col, v, when)
                elif col in numeric_cols:
                    ws.write_number(row, col, v)
                else:
                    ws.write_string(row, col, v)
            row += 1
            total += 1
    close_sheet(ws, row)

    statuses, per_target, errors, n_errors, skipped = _item_stats(inv, view, targets)
    s = summary_ws
    s.set_column(0, 0, 60)
    s.set_column(1, 3, 18)
    r = 0

    def line(*cells, fmt=None):
        nonlocal r
        s.write_row(r, 0, [neutralise(c) if isinstance(c, str) else c for c in cells], fmt)
        r += 1

    line("piiscout findings export", fmt=title)
    line("Inventory", str(inv.root))
    line("Showing", describe_view(view))
    for sc, part in zip(view.scans, view.parts):
        line("Scan", f"{sc['scan_id']} ({sc['status']}, finished "
                     f"{sc['finished_at'].strftime('%Y-%m-%d %H:%M')} UTC): {', '.join(part.only or part.targets)}")
    line("Exported", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC") + f" by piiscout {__version__}")
    line("Filters", flt.describe())
    line("Findings", total)
    if len(sheets) > 1:
        line("Findings sheets", f"{len(sheets)} sheets ({', '.join(sheets)}): the findings exceed Excel's "
                                f"{EXCEL_MAX_ROWS:,} rows per sheet")
    else:
        line("Findings sheets", "Findings")
    line("Items", ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())) or "none")
    line("Values", "masked (at most the last 4 characters of a number) and keyed hashes; no raw values")
    r += 1

    line("Findings by entity type", fmt=bold)
    line("Entity type", "Findings", "Distinct values", "Locations", fmt=header)
    for ent, n in tally.by_entity.most_common():
        line(ent, n, tally.distinct(ent), len(tally.locations[ent]))
    r += 1

    line("Findings by target", fmt=bold)
    line("Target", "Findings", "Items", "Items with errors", fmt=header)
    for t in sorted(set(targets) | set(tally.by_target) | set(per_target)):
        line(t, tally.by_target.get(t, 0), per_target[t]["items"], per_target[t]["errors"])
    r += 1

    line(f"Top {TOP_FOLDERS} folders and tables by findings", fmt=bold)
    line("Folder or table", "Findings", "Entity types", fmt=header)
    for folder, n in tally.folders.most_common(TOP_FOLDERS):
        kinds = ", ".join(f"{e} {c}" for e, c in tally.folder_entities[folder].most_common(4))
        line(folder, n, kinds)
    r += 1

    line(f"Items with errors ({n_errors})", fmt=bold)
    if errors:
        line("Location", "Part", "Reason", fmt=header)
        for loc, part, reason in errors:
            line(loc, part, reason)
        if n_errors > len(errors):
            line(f"... and {n_errors - len(errors)} more (piiscout report lists them by reason)")
    else:
        line("none")
    r += 1
    line("Items not examined (skipped), by reason", fmt=bold)
    if skipped:
        line("Reason", "Items", fmt=header)
        for reason, n in skipped.most_common():
            line(reason, n)
    else:
        line("none")
    s.activate()
    try:
        wb.close()
    except Exception as e:  # noqa: BLE001 - xlsxwriter raises its own types for I/O errors
        # FileCreateError wraps the OSError (a full disk): raised as such, so
        # the atomic writer names the destination and the reason.
        cause = next((a for a in getattr(e, "args", ()) if isinstance(a, OSError)), None)
        if cause is None and isinstance(e.__context__, OSError):
            cause = e.__context__
        if cause is not None:
            raise cause from None
        raise InventoryError(f"cannot write the spreadsheet: {type(e).__name__}") from None
    return total, sheets


# -- entry point ----------------------------------------------------------------------------

def export(inventory: Path | str, fmt: str, output: str, scan_id: str | None = None,
           entities: tuple[str, ...] = (), min_score: float | None = None, bom: bool = False) -> ExportResult:
    inv, view = resolve_view(inventory, scan_id)
    flt = Filter(check_entities(inv, tuple(e.upper() for e in entities)), min_score)
    if output == "-":
        if fmt != "csv":
            raise UsageError("only CSV can be written to standard output (-o -)")
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
            n, sheets = write_xlsx(inv, view, flt, tmp, work)
    finally:
        if work:
            shutil.rmtree(work, ignore_errors=True)
    return ExportResult(str(dest), fmt, n, sheets)
