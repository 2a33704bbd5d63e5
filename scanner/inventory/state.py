"""Which rows describe "now": the current state of an inventory.

Every scan describes the full state of its targets (an incremental scan
carries unchanged items forward), so the current state of a target is its
latest complete scan. An inventory can hold several targets scanned
separately (`scan --config` runs one scan per target), so the current state
of the inventory is the union, over targets, of each target's latest
complete scan. A target whose scans were all interrupted is represented by
its latest interrupted scan.

A scan that covered targets A and B but is the latest only for A
contributes just the rows under A (by location: the target URL itself or
anything below it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from scanner.errors import UsageError
from scanner.inventory.reader import READ_ERRORS, Inventory
from scanner.inventory.schema import TABLES

BATCH_ROWS = 65_536


@dataclass(frozen=True)
class ScanPart:
    scan_id: str
    targets: tuple[str, ...]  # every target of the scan
    only: tuple[str, ...] | None = None  # restrict rows to these targets; None: all


@dataclass
class View:
    """A set of scans (or parts of scans) read together as one state."""

    parts: list[ScanPart]
    scans: list[dict]  # the scans rows of `parts`, oldest first
    current: bool  # True: the current state; False: one scan asked for by id
    superseded: list[dict] = field(default_factory=list)  # newer interrupted scans left out

    @property
    def scan_ids(self) -> list[str]:
        return [p.scan_id for p in self.parts]

    @property
    def latest(self) -> dict:
        return self.scans[-1]

    @property
    def targets(self) -> list[str]:
        out: list[str] = []
        for p in self.parts:
            for t in p.only or p.targets:
                if t not in out:
                    out.append(t)
        return out

    def hash_key_ids(self) -> set[str]:
        return {s["hash_key_id"] for s in self.scans}


def scan_rows(inv: Inventory) -> list[dict]:
    """Every scans row, oldest first, with `options` parsed."""
    rows = inv.scans().to_pylist()
    for r in rows:
        try:
            r["options"] = json.loads(r["options"] or "{}")
        except ValueError:
            r["options"] = {}
    return rows


def scan_view(inv: Inventory, scan_id: str) -> View:
    sid = inv.resolve_scan(scan_id)
    row = next(r for r in scan_rows(inv) if r["scan_id"] == sid)
    return View([ScanPart(sid, tuple(row["targets"]))], [row], current=False)


def current_view(inv: Inventory, as_of: str | None = None) -> View:
    """The current state, or the state as it was right after scan `as_of`
    (that scan for its own targets, the others as they were then)."""
    rows = [r for r in scan_rows(inv) if r["status"] in ("complete", "interrupted")]
    if as_of is not None:
        ids = [r["scan_id"] for r in rows]
        if as_of not in ids:
            raise UsageError(f"no finished scan {as_of} in {inv.root}")
        rows = rows[: ids.index(as_of) + 1]
    if not rows:
        raise UsageError(f"the inventory at {inv.root} has no finished scan yet")
    chosen: dict[str, dict] = {}  # target -> its scan row
    for r in rows:  # oldest first: later scans win
        for t in r["targets"]:
            prev = chosen.get(t)
            if prev is None or r["status"] == "complete" or prev["status"] == "interrupted":
                chosen[t] = r
    if as_of is not None:  # "as of scan X": X itself stands for its targets, even if interrupted
        for t in rows[-1]["targets"]:
            chosen[t] = rows[-1]
    by_scan: dict[str, list[str]] = {}
    for t, r in chosen.items():
        by_scan.setdefault(r["scan_id"], []).append(t)
    parts, scans = [], []
    for r in rows:
        mine = by_scan.get(r["scan_id"])
        if not mine:
            continue
        targets = tuple(r["targets"])
        only = None if set(mine) == set(targets) else tuple(t for t in targets if t in mine)
        parts.append(ScanPart(r["scan_id"], targets, only))
        scans.append(r)
    used = {p.scan_id for p in parts}
    superseded = [r for r in rows if r["scan_id"] not in used and r["status"] == "interrupted"
                  and any(r["started_at"] > chosen[t]["started_at"] for t in r["targets"] if t in chosen)]
    return View(parts, scans, current=True, superseded=superseded)


def resolve_view(inventory: Path | str, scan_id: str | None) -> tuple[Inventory, View]:
    inv = Inventory(inventory).require()
    return inv, (scan_view(inv, scan_id) if scan_id else current_view(inv))


# -- reading rows of a view -----------------------------------------------------

def under_targets(locations: pa.Array | pa.ChunkedArray, targets: tuple[str, ...]) -> pa.Array:
    """Boolean mask: the location is one of `targets` or below one of them."""
    mask = None
    for t in targets:
        base = t.rstrip("/")
        m = pc.or_(pc.equal(locations, t), pc.starts_with(locations, base + "/"))
        mask = m if mask is None else pc.or_(mask, m)
    return mask if mask is not None else pa.array([False] * len(locations))


def owning_target(location: str, targets: tuple[str, ...] | list[str]) -> str | None:
    """The target a location belongs to (the longest matching target)."""
    best = None
    for t in targets:
        base = t.rstrip("/")
        if location == t or location.startswith(base + "/"):
            if best is None or len(t) > len(best):
                best = t
    return best


def _batches(path: Path, table: str, columns: list[str] | None, batch_rows: int,
             inv: Inventory | None = None) -> Iterator[pa.RecordBatch]:
    """A file's rows in the current schema (columns added after it was
    written are null). An unreadable file yields nothing: named once in a
    warning (and in `inv.unreadable`), the rest of the inventory reads."""
    schema = TABLES[table]
    wanted = columns or schema.names
    reader = inv or Inventory(path.parent.parent)
    pf = reader.open_file(path)
    if pf is None:
        return
    have = set(pf.schema_arrow.names)
    present = [c for c in wanted if c in have]
    target = pa.schema([schema.field(c) for c in wanted])
    try:
        for b in pf.iter_batches(batch_size=batch_rows, columns=present):
            arrays = []
            for c in wanted:
                if c in have:
                    arrays.append(b.column(b.schema.get_field_index(c)).cast(schema.field(c).type))
                else:  # a nullable column added after this file was written
                    arrays.append(pa.nulls(b.num_rows, schema.field(c).type))
            yield pa.RecordBatch.from_arrays(arrays, schema=target)
    except READ_ERRORS as e:
        reader.skip(path, e)


def iter_batches(inv: Inventory, view: View, table: str, columns: list[str] | None = None,
                 batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """Stream a table's rows for a view, batch by batch (memory does not grow
    with the inventory). Rows of a partly superseded scan are filtered by
    location; `location` is read for that even when not asked for."""
    wanted = list(columns or TABLES[table].names)
    for part in view.parts:
        cols = wanted if part.only is None or "location" in wanted else wanted + ["location"]
        for path in inv._files(table, part.scan_id):
            for b in _batches(path, table, cols, batch_rows, inv):
                if part.only is not None:
                    b = b.filter(under_targets(b.column(cols.index("location")), part.only))
                    if len(cols) != len(wanted):
                        b = b.select(wanted)
                if b.num_rows:
                    yield b


def read_table(inv: Inventory, view: View, table: str, columns: list[str] | None = None) -> pa.Table:
    wanted = list(columns or TABLES[table].names)
    schema = pa.schema([TABLES[table].field(c) for c in wanted])
    return pa.Table.from_batches(list(iter_batches(inv, view, table, wanted)), schema=schema)


def describe_view(view: View) -> str:
    if not view.current:
        s = view.latest
        return f"scan {s['scan_id']} ({s['status']})"
    if len(view.parts) == 1:
        s = view.latest
        return f"current state: scan {s['scan_id']} ({s['status']})"
    return f"current state: {len(view.parts)} scans, latest {view.latest['scan_id']}"
