"""Read an inventory back: scans, and a scan's findings and items.

A file that cannot be read (permissions, a damaged copy) costs only its own
rows: it is named once in a warning, listed in `Inventory.unreadable`, and
the rest of the inventory reads as usual (`report` says what was left out).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from scanner.errors import UsageError
from scanner.inventory.schema import FINDINGS, ITEMS, SCANS, TABLES

log = logging.getLogger(__name__)

FINISHED = ("complete", "partial", "interrupted")
READ_ERRORS = (OSError, pa.ArrowException)


def read_error(e: BaseException) -> str:
    if isinstance(e, OSError):
        return (e.strerror or type(e).__name__).lower()
    return "not a Parquet file or damaged"


class Inventory:
    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.unreadable: dict[Path, str] = {}  # file -> why, for files skipped so far

    def exists(self) -> bool:
        return (self.root / "scans").is_dir()

    def require(self) -> "Inventory":
        if self.root.is_file():
            raise UsageError(f"{self.root} is a file, not an inventory directory")
        if not self.exists():
            if os.path.lexists(self.root) and not self.root.exists():
                raise UsageError(f"no inventory at {self.root} (a symbolic link to {os.readlink(self.root)}, "
                                 "which does not exist)")
            if self.root.is_dir() and not os.access(self.root, os.R_OK | os.X_OK):
                raise UsageError(f"cannot read the inventory at {self.root}: permission denied")
            raise UsageError(f"no inventory at {self.root} (run `piiscout scan ... --inventory {self.root}` first)")
        return self

    def open_file(self, path: Path) -> pq.ParquetFile | None:
        """An inventory file opened for reading, or None (named once in a
        warning) when it cannot be read."""
        try:
            return pq.ParquetFile(path)
        except READ_ERRORS as e:
            self.skip(path, e)
            return None

    def skip(self, path: Path, e: BaseException) -> None:
        if path not in self.unreadable:
            self.unreadable[path] = read_error(e)
            log.warning("cannot read inventory file %s (%s): its rows are left out", path, self.unreadable[path])

    def _files(self, table: str, scan_id: str | None = None) -> list[Path]:
        d = self.root / table
        prefix = f"{scan_id}-" if scan_id else ""
        try:
            names = os.listdir(d)
        except FileNotFoundError:
            return []
        except OSError as e:
            raise UsageError(f"cannot read the inventory at {self.root}: {read_error(e)} ({table}/)") from None
        return sorted(d / n for n in names
                      if n.endswith(".parquet") and not n.startswith(".") and n.startswith(prefix))

    def _read(self, table: str, scan_id: str | None = None, columns=None) -> pa.Table:
        schema = TABLES[table]
        files = self._files(table, scan_id)
        if not files:
            return schema.empty_table() if columns is None else schema.empty_table().select(columns)
        # ParquetFile, not pq.read_table: the latter imports pyarrow.dataset,
        # which imports pandas when installed (~1.5 s on every command).
        parts = []
        for p in files:
            pf = self.open_file(p)
            if pf is None:
                continue
            try:
                parts.append(pf.read(columns=[c for c in columns if c in pf.schema_arrow.names]
                                     if columns is not None else None))
            except READ_ERRORS as e:
                self.skip(p, e)
        want = schema if columns is None else pa.schema([schema.field(c) for c in columns])
        if not parts:
            return want.empty_table()
        from scanner.inventory.upgrade import conform

        # Files of older releases (not upgraded yet: a read-only inventory)
        # lack newer columns: read as nulls.
        return conform(pa.concat_tables(parts, promote_options="default"), want)

    def scans(self) -> pa.Table:
        t = self._read("scans")
        if t.num_rows:
            t = t.sort_by([("started_at", "ascending"), ("scan_id", "ascending")])
        return t

    def scan_ids(self, statuses: tuple[str, ...] = FINISHED) -> list[str]:
        t = self.scans()
        return [sid for sid, st in zip(t.column("scan_id").to_pylist(), t.column("status").to_pylist())
                if st in statuses]

    def latest_scan_id(self, statuses: tuple[str, ...] = FINISHED) -> str | None:
        ids = self.scan_ids(statuses)
        return ids[-1] if ids else None

    def resolve_scan(self, scan_id: str | None) -> str:
        """The given scan id (must exist), or the latest finished scan."""
        if scan_id:
            if scan_id not in self.scan_ids(statuses=("complete", "partial", "interrupted", "failed")):
                raise UsageError(f"no scan {scan_id} in {self.root}")
            return scan_id
        latest = self.latest_scan_id()
        if latest is None:
            raise UsageError(f"the inventory at {self.root} has no finished scan yet")
        return latest

    def scan_row(self, scan_id: str) -> dict:
        t = self.scans()
        for row in t.to_pylist():
            if row["scan_id"] == scan_id:
                return row
        raise UsageError(f"no scan {scan_id} in {self.root}")

    def findings(self, scan_id: str, columns=None) -> pa.Table:
        return self._read("findings", scan_id, columns)

    def items(self, scan_id: str, columns=None) -> pa.Table:
        return self._read("items", scan_id, columns)

    def finding_files(self, scan_id: str) -> list[Path]:
        return self._files("findings", scan_id)


__all__ = ["Inventory", "FINDINGS", "ITEMS", "SCANS"]
