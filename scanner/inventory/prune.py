"""`piiscout prune --keep N`: drop the files of old scans.

Kept: for every target, its newest N finished scans, and always its latest
complete scan (the current state, and the base of the next incremental
rescan, even when newer scans were interrupted). Removed: every other scan,
failed scans, and the files of killed scans (no `scans` row) and their
hidden temporary files.

Prune takes the inventory lock, so it never touches a scan in progress (and
a scan started meanwhile waits for nothing: it is refused with exit 3, as
while another scan runs). A scan's `scans` row goes first, so a prune killed
half way leaves files of a scan without a row, which readers ignore and the
next prune removes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from scanner.inventory.lock import InventoryLock
from scanner.inventory.reader import Inventory
from scanner.inventory.state import scan_rows

TABLE_ORDER = ("scans", "findings", "items")  # the scans row first


@dataclass
class PrunePlan:
    keep: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)  # scans with a row
    orphans: list[str] = field(default_factory=list)  # files without a scans row (killed scans)
    files: list[Path] = field(default_factory=list)
    bytes: int = 0
    rows: dict[str, dict] = field(default_factory=dict)  # scans rows of `remove`, by scan id

    def describe(self, dry_run: bool) -> list[str]:
        """What is (or would be) removed, one line per scan and per file, then
        the totals."""
        verb = "would remove" if dry_run else "removed"
        lines = []
        for sid in self.remove:
            r = self.rows.get(sid, {})
            when = r.get("finished_at")
            when = f", finished {when:%Y-%m-%d %H:%M} UTC" if when is not None else ""
            lines.append(f"{verb} scan {sid} ({r.get('status', '?')}{when}): {', '.join(r.get('targets') or [])}")
        for sid in self.orphans:
            lines.append(f"{verb} killed scan {sid} (files without a scans row)")
        for f in self.files:
            try:
                size = f" ({f.stat().st_size / 1e6:.1f} MB)" if dry_run else ""
            except OSError:
                size = ""
            lines.append(f"{verb} file {f.parent.name}/{f.name}{size}")
        killed = f" and {len(self.orphans)} killed scan(s)" if self.orphans else ""
        lines.append(f"{verb} {len(self.remove)} scan(s){killed}: {len(self.files)} files, {self.bytes / 1e6:.1f} MB; "
                     f"kept {len(self.keep)} scan(s)")
        return lines


def scan_id_of(name: str) -> str | None:
    """`<scan_id>-00001.parquet` -> scan_id."""
    if not name.endswith(".parquet") or name.startswith("."):
        return None
    stem = name[: -len(".parquet")]
    sid, _, seq = stem.rpartition("-")
    return sid if sid and seq.isdigit() else None


def plan(root: Path, keep: int) -> PrunePlan:
    inv = Inventory(root).require()
    rows = scan_rows(inv)
    finished = [r for r in rows if r["status"] in ("complete", "partial", "interrupted")]
    kept: set[str] = set()
    targets = {t for r in finished for t in r["targets"]}
    for t in targets:
        mine = [r for r in finished if t in r["targets"]]  # oldest first
        kept.update(r["scan_id"] for r in mine[-keep:])
        complete = [i for i, r in enumerate(mine) if r["status"] == "complete"]
        if complete:
            # The current state: the latest complete scan and the partial
            # scans after it, which stand on it (scanner/inventory/state.py).
            kept.update(r["scan_id"] for r in mine[complete[-1]:]
                        if r["status"] in ("complete", "partial"))
    known = {r["scan_id"] for r in rows}
    p = PrunePlan(keep=[r["scan_id"] for r in rows if r["scan_id"] in kept],
                  remove=[r["scan_id"] for r in rows if r["scan_id"] not in kept])
    p.rows = {r["scan_id"]: r for r in rows if r["scan_id"] not in kept}
    doomed = set(p.remove)
    orphans: set[str] = set()
    for table in TABLE_ORDER:
        d = inv.root / table
        if not d.is_dir():
            continue
        for f in sorted(d.iterdir()):
            if f.name.startswith(".") and f.name.endswith(".tmp"):
                p.files.append(f)  # a dead scan's half-written file (the lock is ours)
                continue
            sid = scan_id_of(f.name)
            if sid is None:
                continue
            if sid in doomed or sid not in known:
                if sid not in known:
                    orphans.add(sid)
                p.files.append(f)
    p.orphans = sorted(orphans)
    for f in p.files:
        try:
            p.bytes += f.stat().st_size
        except OSError:
            pass
    return p


def prune(root: Path | str, keep: int, dry_run: bool = False) -> PrunePlan:
    """Remove what `plan` says (or, with `dry_run`, only say it: that needs no
    write access, so a read-only inventory can be looked at)."""
    from scanner.inventory.upgrade import upgrade_inventory
    from scanner.inventory.writer import write_error

    root = Path(root)
    Inventory(root).require()
    with InventoryLock(root, read_only=dry_run):
        p = plan(root, keep)
        if not dry_run:
            try:
                for f in p.files:  # in TABLE_ORDER: scans rows first
                    try:
                        os.unlink(f)
                    except FileNotFoundError:
                        pass
                upgrade_inventory(root)  # a write: the kept files in the current schema
            except OSError as e:
                raise write_error(root, e) from None
    return p
