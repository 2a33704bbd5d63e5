"""What one scan changed for its own targets: findings new since each
target's previous complete scan, and findings resolved.

`scan --fail-on new` and webhooks ask this right after a scan. Unlike
`piiscout diff` (two states of the whole inventory), both sides here are
restricted to the scan's targets, so another target scanned into the same
inventory in between (a config run: one scan per target) never shows up as
this one's change. A finding is identified as in diff: (location,
entity_type, value_hash).

* A target scanned for the first time: all its findings are new.
* The previous scan hashed with another key (PIISCOUT_HASH_KEY changed):
  nothing can be compared (`comparable` false), every finding counts as
  new, none as resolved.
* An interrupted scan did not look everywhere: its new findings are real,
  but `resolved` is not known (None).
* A finding gone from where the scan could not read (an error row there)
  is not resolved (`unverified`, as in diff).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from scanner.diff import KEY, _distinct, _not_read
from scanner.inventory.reader import Inventory
from scanner.inventory.state import ScanPart, View, scan_rows

DONE = ("complete", "partial")  # a previous scan that looked everywhere it could


@dataclass
class Changes:
    scan_id: str
    previous: dict[str, str | None]  # target -> the scan it was compared with (None: its first scan)
    comparable: bool
    new: pa.Table  # distinct findings: KEY + part, masked_value, line, score, occurrences
    resolved: pa.Table | None  # None: not known (an interrupted scan)
    unverified: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def new_count(self) -> int:
        return self.new.num_rows

    @property
    def resolved_count(self) -> int | None:
        return None if self.resolved is None else self.resolved.num_rows


def _previous_parts(rows: list[dict], this: dict) -> tuple[list[ScanPart], list[dict], dict[str, str | None]]:
    """For each target of `this`, its latest earlier complete scan."""
    earlier = rows[: next(i for i, r in enumerate(rows) if r["scan_id"] == this["scan_id"])]
    previous: dict[str, str | None] = {}
    by_scan: dict[str, list[str]] = {}
    for t in this["targets"]:
        prev = next((r for r in reversed(earlier) if r["status"] in DONE and t in r["targets"]), None)
        previous[t] = prev["scan_id"] if prev else None
        if prev:
            by_scan.setdefault(prev["scan_id"], []).append(t)
    parts, scans = [], []
    for r in earlier:
        mine = by_scan.get(r["scan_id"])
        if mine:
            parts.append(ScanPart(r["scan_id"], tuple(r["targets"]), tuple(mine)))
            scans.append(r)
    return parts, scans, previous


def changes(inventory, scan_id: str) -> Changes:
    """New and resolved findings of scan `scan_id` (its scans row written)."""
    inv = Inventory(inventory)
    rows = scan_rows(inv)
    this = next(r for r in rows if r["scan_id"] == scan_id)
    until = View([ScanPart(scan_id, tuple(this["targets"]))], [this], current=False)
    parts, scans, previous = _previous_parts(rows, this)
    since = View(parts, scans, current=False)
    after = _distinct(inv, until)
    notes = []
    comparable = all(s["hash_key_id"] == this["hash_key_id"] for s in scans)
    if not comparable:
        notes.append("the previous scan hashed values with another key (PIISCOUT_HASH_KEY changed): "
                     "every finding counts as new")
        return Changes(scan_id, previous, False, _sorted(after), None, 0, notes)
    before = _distinct(inv, since) if parts else after.slice(0, 0)
    new = after.join(before.select(KEY), keys=KEY, join_type="left anti")
    if this["status"] == "interrupted":
        notes.append("the scan was interrupted: what it did not reach is not known to be resolved")
        return Changes(scan_id, previous, True, _sorted(new), None, 0, notes)
    gone = before.join(after.select(KEY), keys=KEY, join_type="left anti")
    unverified = 0
    if gone.num_rows:
        unread = _not_read(inv, until)
        if unread:
            mask = unread.mask(gone.column("location"))
            unverified = pc.sum(pc.cast(mask, pa.int64())).as_py() or 0
            gone = gone.filter(pc.invert(mask))
    return Changes(scan_id, previous, True, _sorted(new), _sorted(gone), unverified, notes)


def _sorted(t: pa.Table) -> pa.Table:
    return t.sort_by([("location", "ascending"), ("entity_type", "ascending"), ("line", "ascending")])


def by_entity(t: pa.Table | None) -> dict[str, int] | None:
    if t is None:
        return None
    return dict(Counter(t.column("entity_type").to_pylist()).most_common())


def top_locations(t: pa.Table | None, limit: int = 10, samples: int = 3) -> list[dict] | None:
    """The locations with the most of these findings, each with its counts
    by entity type and a few masked samples."""
    if t is None:
        return None
    per: dict[str, list[dict]] = {}
    for r in t.select(["location", "part", "entity_type", "masked_value", "line"]).to_pylist():
        per.setdefault(r["location"], []).append(r)
    ranked = sorted(per.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]
    out = []
    for loc, rs in ranked:
        out.append({
            "location": loc,
            "findings": len(rs),
            "by_entity": dict(Counter(r["entity_type"] for r in rs).most_common()),
            "samples": [{"entity_type": r["entity_type"], "masked_value": r["masked_value"],
                         "part": r["part"] or None, "line": r["line"]} for r in rs[:samples]],
        })
    return out
