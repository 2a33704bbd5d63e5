"""Read an inventory back: scans, and a scan's findings and items."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from scanner.errors import UsageError
from scanner.inventory.schema import FINDINGS, ITEMS, SCANS, TABLES

FINISHED = ("complete", "interrupted")


class Inventory:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    def exists(self) -> bool:
        return (self.root / "scans").is_dir()

    def require(self) -> "Inventory":
        if not self.exists():
            raise UsageError(f"no inventory at {self.root} (run `piiscout scan ... --inventory {self.root}` first)")
        return self

    def _files(self, table: str, scan_id: str | None = None) -> list[Path]:
        d = self.root / table
        if not d.is_dir():
            return []
        prefix = f"{scan_id}-" if scan_id else ""
        return sorted(p for p in d.iterdir()
                      if p.suffix == ".parquet" and not p.name.startswith(".") and p.name.startswith(prefix))

    def _read(self, table: str, scan_id: str | None = None, columns=None) -> pa.Table:
        schema = TABLES[table]
        files = self._files(table, scan_id)
        if not files:
            return schema.empty_table() if columns is None else schema.empty_table().select(columns)
        # ParquetFile, not pq.read_table: the latter imports pyarrow.dataset,
        # which imports pandas when installed (~1.5 s on every command).
        parts = [pq.ParquetFile(p).read(columns=columns) for p in files]
        return pa.concat_tables(parts, promote_options="default")

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
            if scan_id not in self.scan_ids(statuses=("complete", "interrupted", "failed")):
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
