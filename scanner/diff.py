"""`piiscout diff`: what is new since the previous scan, and what was resolved.

The question a client asks every month. A finding is identified by where
it is and what it is: (location, entity_type, value_hash). The same SSN
moved to another file is new there and resolved where it was; a file
edited around an SSN that stays is neither. The two sides are states of the
inventory (each target's latest scan as of a given scan), so a run that
scanned one target of a client does not make every other target's
findings look resolved. Hashes compare only under the same HMAC key.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

import pyarrow as pa
import pyarrow.compute as pc

from scanner.errors import UsageError
from scanner.export import neutralise
from scanner.inventory.completeness import Unreached
from scanner.inventory.reader import Inventory
from scanner.inventory.state import View, current_view, iter_batches, read_table, scan_rows

KEY = ["location", "entity_type", "value_hash"]
COLUMNS = ["change", "location", "part", "line", "entity_type", "masked_value", "value_hash", "occurrences",
           "score"]


@dataclass
class DiffResult:
    since: View
    until: View
    new: pa.Table
    resolved: pa.Table
    # Gone from the newer side only because it could not read where they
    # were (an error row there): not reported as resolved.
    unverified: pa.Table | None = None


def _pick(inv: Inventory, scan_id: str | None, since: str | None) -> tuple[str, str]:
    rows = [r for r in scan_rows(inv) if r["status"] in ("complete", "partial", "interrupted")]
    if not rows:
        raise UsageError(f"the inventory at {inv.root} has no finished scan yet")
    ids = [r["scan_id"] for r in rows]
    if since is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
        # A date: the state as it was at the start of that day (UTC).
        try:
            day = datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            raise UsageError(f"--since {since}: not a date") from None
        before = [r for r in rows if r["finished_at"] < day]
        if not before:
            raise UsageError(f"no scan finished before {since} in {inv.root}")
        since = before[-1]["scan_id"]
    for sid in (scan_id, since):
        if sid is not None and sid not in ids:
            raise UsageError(f"no finished scan {sid} in {inv.root}")
    if scan_id is None:
        complete = [r["scan_id"] for r in rows if r["status"] in ("complete", "partial")]
        scan_id = complete[-1] if complete else ids[-1]
    until = rows[ids.index(scan_id)]
    if since is None:
        earlier = [r for r in rows[: ids.index(scan_id)] if set(r["targets"]) & set(until["targets"])]
        complete = [r for r in earlier if r["status"] in ("complete", "partial")]
        pick = complete[-1] if complete else (earlier[-1] if earlier else None)
        if pick is None:
            raise UsageError(f"scan {scan_id} is the first scan of its targets: nothing to compare with "
                             "(give --since ID)")
        since = pick["scan_id"]
    if ids.index(since) >= ids.index(scan_id):
        raise UsageError(f"--since {since} is not older than scan {scan_id}")
    return scan_id, since


def _distinct(inv: Inventory, view: View) -> pa.Table:
    t = read_table(inv, view, "findings", ["location", "part", "entity_type", "masked_value", "value_hash",
                                           "line", "score"])
    g = t.group_by(KEY).aggregate([("part", "min"), ("masked_value", "min"), ("line", "min"),
                                   ("score", "max"), ("value_hash", "count")])
    return g.rename_columns([{"part_min": "part", "masked_value_min": "masked_value", "line_min": "line",
                              "score_max": "score", "value_hash_count": "occurrences"}.get(c, c)
                             for c in g.column_names])


def diff(inventory: Path | str, scan_id: str | None = None, since: str | None = None) -> DiffResult:
    inv = Inventory(inventory).require()
    until_id, since_id = _pick(inv, scan_id, since)
    until_v = current_view(inv, as_of=until_id)
    since_v = current_view(inv, as_of=since_id)
    keys = until_v.hash_key_ids() | since_v.hash_key_ids()
    if len(keys) > 1:
        raise UsageError("these scans hashed values with different keys (PIISCOUT_HASH_KEY changed): "
                         "their findings cannot be compared")
    a, b = _distinct(inv, since_v), _distinct(inv, until_v)
    new = b.join(a.select(KEY), keys=KEY, join_type="left anti")
    gone = a.join(b.select(KEY), keys=KEY, join_type="left anti")
    unread = _not_read(inv, until_v)
    mask = unread.mask(gone.column("location")) if unread and gone.num_rows else None
    resolved = gone.filter(pc.invert(mask)) if mask is not None else gone
    unverified = gone.filter(mask) if mask is not None else gone.slice(0, 0)
    order = [("location", "ascending"), ("entity_type", "ascending"), ("line", "ascending")]
    return DiffResult(since_v, until_v, new.sort_by(order), resolved.sort_by(order), unverified.sort_by(order))


def _not_read(inv: Inventory, view: View):
    """Locations the newer state could not read: its top-level error rows
    (a folder's: everything below it). A finding there is not resolved,
    whatever the scan status (docs/inventory.md, The current state)."""
    out = Unreached()
    for batch in iter_batches(inv, view, "items", ["location", "part", "status", "content_type"]):
        batch = batch.filter(pc.and_(pc.equal(batch.column(2), "error"), pc.equal(batch.column(1), "")))
        for loc, ctype in zip(batch.column(0).to_pylist(), batch.column(3).to_pylist()):
            out.add(loc, ctype)
    return out


def _records(res: DiffResult):
    for change, table in (("new", res.new), ("resolved", res.resolved)):
        for r in table.to_pylist():
            yield {"change": change, **{c: r.get(c) for c in COLUMNS if c != "change"}}


def render_text(res: DiffResult, limit: int = 50) -> str:
    s, u = res.since.latest, res.until.latest
    lines = [f"Changes from scan {s['scan_id']} (finished {s['finished_at']:%Y-%m-%d %H:%M} UTC) "
             f"to scan {u['scan_id']} (finished {u['finished_at']:%Y-%m-%d %H:%M} UTC)"]
    for label, table in (("New", res.new), ("Resolved", res.resolved)):
        kinds = Counter(table.column("entity_type").to_pylist())
        summary = ", ".join(f"{k} {v}" for k, v in kinds.most_common()) or "none"
        lines += ["", f"{label}: {table.num_rows} ({summary})"]
        rows = table.to_pylist()
        for r in rows[: limit or None]:
            where = r["location"] + (f" [{r['part']}]" if r["part"] else "")
            at = f" line {r['line']}" if r["line"] is not None else ""
            more = f" ({r['occurrences']}x)" if r["occurrences"] > 1 else ""
            lines.append(f"  {r['entity_type']:<18} {r['masked_value']:<22} {where}{at}{more}")
        if limit and len(rows) > limit:
            lines.append(f"  ... and {len(rows) - limit} more (--limit 0 for all, --format csv for a file)")
    if res.unverified is not None and res.unverified.num_rows:
        lines += ["", f"Not verified: {res.unverified.num_rows} finding(s) at locations the newer scan could not "
                      "read (not counted as resolved; see `piiscout report`)"]
    return "\n".join(lines)


def render_json(res: DiffResult) -> str:
    return json.dumps({
        "since": res.since.latest["scan_id"],
        "until": res.until.latest["scan_id"],
        "new": res.new.num_rows,
        "resolved": res.resolved.num_rows,
        # Gone only because the newer scan could not read there: not resolved.
        "unverified": res.unverified.num_rows if res.unverified is not None else 0,
        "changes": list(_records(res)),
    }, indent=2, default=str)


def write_csv(res: DiffResult, fh: TextIO) -> int:
    w = csv.writer(fh, lineterminator="\r\n")
    w.writerow(COLUMNS)
    n = 0
    for r in _records(res):
        w.writerow(["" if r[c] is None else neutralise(r[c]) if isinstance(r[c], str) else r[c] for c in COLUMNS])
        n += 1
    return n
