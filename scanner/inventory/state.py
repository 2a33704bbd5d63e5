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

A `partial` scan (scanner/inventory/completeness.py: a folder, share or table it
could not list or read) is the current state for everything it reached;
for what it did not reach, the scans before it back to the latest complete
one stand in: the latest complete scan C of a target and the partial scans
P1..Pn after it form a chain, newest first. Pn contributes its rows except
at the objects it could not read; each older scan contributes only its rows
at locations every newer scan of the chain failed to reach (minus its own
failures), and no error rows of its own. So a share that vanished half way
through a nightly scan still shows last night's findings for the folders
not reached, and `diff` does not call them resolved.
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
from scanner.inventory.completeness import Unreached, is_unreached
from scanner.inventory.reader import READ_ERRORS, Inventory
from scanner.inventory.schema import TABLES

BATCH_ROWS = 65_536


@dataclass(frozen=True)
class ScanPart:
    scan_id: str
    targets: tuple[str, ...]  # every target of the scan
    only: tuple[str, ...] | None = None  # restrict rows to these targets; None: all
    # Chains through partial scans (module doc): rows must lie in every one
    # of `within` (what newer scans did not reach), and not at `drop` (what
    # this scan did not read itself). `older`: not the newest of its chain,
    # so its own error rows are left out.
    within: tuple = ()
    drop: object = None
    older: bool = False


@dataclass
class View:
    """A set of scans (or parts of scans) read together as one state."""

    parts: list[ScanPart]
    scans: list[dict]  # the scans rows of `parts`, oldest first
    current: bool  # True: the current state; False: one scan asked for by id
    superseded: list[dict] = field(default_factory=list)  # newer interrupted scans left out
    # Partial scans of the view: scan id -> locations they did not reach
    # (older scans' rows stand in for them).
    unreached: dict[str, int] = field(default_factory=dict)

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


FINISHED = ("complete", "partial", "interrupted")


def current_view(inv: Inventory, as_of: str | None = None) -> View:
    """The current state, or the state as it was right after scan `as_of`
    (that scan for its own targets, the others as they were then)."""
    rows = [r for r in scan_rows(inv) if r["status"] in FINISHED]
    if as_of is not None:
        ids = [r["scan_id"] for r in rows]
        if as_of not in ids:
            raise UsageError(f"no finished scan {as_of} in {inv.root}")
        rows = rows[: ids.index(as_of) + 1]
    if not rows:
        raise UsageError(f"the inventory at {inv.root} has no finished scan yet")
    chains = {t: _chain(rows, t, as_of) for t in dict.fromkeys(t for r in rows for t in r["targets"])}
    unreached = _Unreachable(inv)
    roles: dict[tuple, list[str]] = {}  # (scan id, newer scan ids) -> targets
    for t, chain in chains.items():
        for k, r in enumerate(chain):  # newest first
            roles.setdefault((r["scan_id"], tuple(x["scan_id"] for x in chain[:k])), []).append(t)
    by_id = {r["scan_id"]: r for r in rows}
    parts, scans = [], []
    for (sid, newer), mine in sorted(roles.items(), key=lambda kv: (rows.index(by_id[kv[0][0]]), len(kv[0][1]))):
        r = by_id[sid]
        targets = tuple(r["targets"])
        only = None if set(mine) == set(targets) else tuple(t for t in targets if t in mine)
        within = tuple(unreached.of(by_id[n]) for n in newer)
        if any(not u for u in within):
            continue  # a newer scan of the chain reached everything this one could add
        own = unreached.of(r)
        parts.append(ScanPart(sid, targets, only, within=within, drop=own.exact_only() if own else None,
                              older=bool(newer)))
        if r not in scans:
            scans.append(r)
    used = {p.scan_id for p in parts}
    latest = {t: c[0] for t, c in chains.items()}
    superseded = [r for r in rows if r["scan_id"] not in used and r["status"] == "interrupted"
                  and any(r["started_at"] > latest[t]["started_at"] for t in r["targets"] if t in latest)]
    view = View(parts, sorted(scans, key=rows.index), current=True, superseded=superseded)
    view.unreached = {sid: len(u) for sid, u in unreached.cache.items() if u and sid in used}
    return view


def _chain(rows: list[dict], target: str, as_of: str | None) -> list[dict]:
    """The scans that make up a target's state, newest first: its latest
    complete scan and the partial scans after it; else its latest partial,
    else its latest interrupted scan. "As of scan X": X stands for its targets."""
    mine = [r for r in rows if target in r["targets"]]
    if as_of is not None and mine and mine[-1]["scan_id"] == as_of and mine[-1]["status"] == "interrupted":
        return [mine[-1]]
    complete = [i for i, r in enumerate(mine) if r["status"] == "complete"]
    if complete:
        base = complete[-1]
        return list(reversed([mine[base]] + [r for r in mine[base + 1:] if r["status"] == "partial"]))
    partial = [r for r in mine if r["status"] == "partial"]
    return [partial[-1]] if partial else [mine[-1]]


class _Unreachable:
    """Unreached locations of partial scans, read from their items rows once."""

    def __init__(self, inv: Inventory):
        self.inv = inv
        self.cache: dict[str, object] = {}

    def of(self, row: dict):
        sid = row["scan_id"]
        if sid not in self.cache:
            u = Unreached()
            if row["status"] == "partial":
                cols = ["location", "part", "status", "content_type", "reason"]
                targets = set(row["targets"])
                for path in self.inv._files("items", sid):
                    for b in _batches(path, "items", cols, BATCH_ROWS, self.inv):
                        b = b.filter(pc.equal(b.column(2), "error"))
                        for loc, part, st, ctype, reason in zip(*(b.column(i).to_pylist() for i in range(5))):
                            if is_unreached(part, st, ctype, reason) or (not part and loc in targets):
                                u.add(loc, ctype, is_target=loc in targets)
            self.cache[sid] = u
        return self.cache[sid]


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
        cols = _columns_for(part, table, wanted)
        for path in inv._files(table, part.scan_id):
            for b in _batches(path, table, cols, batch_rows, inv):
                mask = _part_mask(part, table, b, cols)
                if mask is not None:
                    b = b.filter(mask)
                if len(cols) != len(wanted):
                    b = b.select(list(range(len(wanted))))
                if b.num_rows:
                    yield b


def _columns_for(part: ScanPart, table: str, wanted: list[str]) -> list[str]:
    """The columns to read: those asked for, then those the part's filters need."""
    need = []
    if part.only is not None or part.within or part.drop is not None:
        need.append("location")
    if part.older and table == "items":
        need += ["part", "status"]
    return wanted + [c for c in need if c not in wanted]


def _part_mask(part: ScanPart, table: str, b: pa.RecordBatch, cols: list[str]):
    """Which rows of a batch belong to the view (None: all)."""
    mask = None

    def both(m):
        return m if mask is None else pc.and_(mask, m)

    if part.only is not None or part.within or part.drop is not None:
        loc = b.column(cols.index("location"))
        if part.only is not None:
            mask = both(under_targets(loc, part.only))
        for u in part.within:
            mask = both(u.mask(loc))
        if part.drop is not None:
            mask = both(pc.invert(part.drop.mask(loc)))
    if part.older and table == "items":
        error_row = pc.and_(pc.equal(b.column(cols.index("status")), "error"),
                            pc.equal(b.column(cols.index("part")), ""))
        mask = both(pc.invert(error_row))
    return mask


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
