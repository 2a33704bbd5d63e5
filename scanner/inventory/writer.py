"""Write a scan's rows into the inventory, atomically and owner-only.

Rows are buffered per table and written one row group per flush. A file is
written under a hidden temporary name (`.NAME.tmp`, ignored by
pyarrow.dataset and by `*.parquet` globs) and renamed when complete, so a
crash or kill -9 never leaves a half file visible. Files roll over every
`rows_per_file` rows, so a long scan killed late still keeps what it wrote.
Each scan only ever adds files named after its own scan id.
"""

from __future__ import annotations

import errno
import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from scanner.errors import InventoryError
from scanner.inventory.schema import FINDINGS, ITEMS, SCANS
from scanner.model import ERROR, Finding, ItemRecord
from scanner.names import writable

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600


def write_error(root: Path, e: OSError) -> InventoryError:
    """One line for a failed inventory write: disk full, read-only, denied."""
    why = (e.strerror or type(e).__name__).lower()
    hint = ""
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT) and _is_default_inventory(root):
        hint = " (give --inventory DIR or set PIISCOUT_INVENTORY)"
    return InventoryError(f"cannot write the inventory at {root}: {why}{hint}")


def _is_default_inventory(root: Path) -> bool:
    if os.environ.get("PIISCOUT_INVENTORY"):
        return False
    try:
        from platformdirs import user_data_dir

        return Path(root).is_relative_to(Path(user_data_dir("piiscout")).parent)
    except Exception:  # noqa: BLE001
        return False


def ensure_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        if (path.stat().st_mode & 0o777) != DIR_MODE:
            os.chmod(path, DIR_MODE)
    except OSError as e:
        raise write_error(path, e) from None


# What an inventory directory holds; anything else means it is not one.
INVENTORY_ENTRIES = frozenset({"findings", "items", "scans", ".lock", "lost+found"})


def ensure_inventory(root: Path) -> None:
    """Create the inventory directory, or check that an existing path is one.
    A dangling symbolic link, a file, or a folder holding other things is a
    usage error (exit 2): nothing is written there. A place that cannot be
    written (read-only, denied, full) is an InventoryError (exit 5)."""
    from scanner.errors import UsageError

    if os.path.islink(root) and not root.exists():
        raise UsageError(f"the inventory {root} is a symbolic link to {os.readlink(root)}, which does not exist")
    if root.exists() and not root.is_dir():
        raise UsageError(f"the inventory {root} is a file, not a directory")
    if root.is_dir():
        try:
            other = sorted(set(os.listdir(root)) - INVENTORY_ENTRIES)
        except OSError as e:
            raise write_error(root, e) from None
        if other and not (root / "scans").is_dir():
            shown = ", ".join(other[:3]) + (", ..." if len(other) > 3 else "")
            raise UsageError(f"{root} is not a piiscout inventory (it holds {shown}): give a new or empty "
                             "directory")
    ensure_dir(root)


def prepare(root: Path) -> None:
    """Create the inventory tree (0700), drop temp files of dead scans and
    bring older files to the current schema (scanner/inventory/upgrade.py).
    Call with the inventory lock held."""
    from scanner.inventory.schema import SCHEMA_VERSION
    from scanner.inventory.upgrade import upgrade_inventory

    ensure_dir(root)
    for table in ("findings", "items", "scans"):
        d = root / table
        ensure_dir(d)
        for p in d.iterdir():
            if p.name.startswith(".") and p.name.endswith(".tmp"):
                try:
                    p.unlink()
                except OSError:
                    pass
    try:
        upgrade_inventory(root)
    except OSError as e:
        raise InventoryError(f"cannot upgrade the inventory {root} to schema version {SCHEMA_VERSION}: "
                             f"{(e.strerror or type(e).__name__).lower()} (its files are unchanged)") from None


def _ts(seconds: float | None):
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


_ARROW_REFUSALS = (pa.ArrowException, TypeError, ValueError, OverflowError, UnicodeError)


def _refusal(row: dict, schema: pa.Schema) -> str | None:
    """Why Arrow will not take this row (one line), or None."""
    try:
        pa.Table.from_pylist([row], schema=schema)
    except _ARROW_REFUSALS as e:
        return f"{type(e).__name__} in its inventory row"
    return None


class TableWriter:
    """Rows of one table for one scan. `repair(row, reason)` turns a row that
    Arrow refuses into one it takes (an items row becomes an `error` row
    saying why), or returns None to drop it: one bad row never costs the
    rows batched with it, nor the scan."""

    def __init__(self, directory: Path, schema: pa.Schema, scan_id: str,
                 rows_per_group: int = 20_000, rows_per_file: int = 1_000_000, repair=None):
        self.dir = Path(directory)
        self.repair = repair
        self.rows_dropped = 0
        self.schema = schema
        self.scan_id = scan_id
        self.rows_per_group = rows_per_group
        self.rows_per_file = rows_per_file
        self._cols: dict[str, list] = {f.name: [] for f in schema}
        self._n = 0
        self._batches: list[pa.RecordBatch] = []
        self._batch_rows = 0
        self._seq = 0
        self._writer: pq.ParquetWriter | None = None
        self._fh = None
        self._tmp: Path | None = None
        self._final: Path | None = None
        self._rows_in_file = 0
        self.rows_written = 0
        self.files: list[Path] = []

    def add(self, row: dict) -> None:
        for name, col in self._cols.items():
            col.append(row.get(name))
        self._n += 1
        if self._n >= self.rows_per_group:
            self.flush()

    def add_table(self, table: pa.Table) -> None:
        """Append rows that are already Arrow (e.g. findings carried over from
        an earlier scan), cast to this table's schema."""
        self.flush()
        if table.num_rows:
            self._write(table.select(self.schema.names).cast(self.schema))

    def add_batch(self, batch: pa.RecordBatch) -> None:
        """Rows that are already Arrow, in this table's columns (any order):
        gathered until a row group is full."""
        self._batches.append(batch.select(self.schema.names))
        self._batch_rows += batch.num_rows
        if self._batch_rows >= self.rows_per_group:
            self._write_batches()

    def _write_batches(self) -> None:
        if self._batches:
            table = pa.Table.from_batches(self._batches).cast(self.schema)
            self._batches, self._batch_rows = [], 0
            self._write(table)

    def flush(self) -> None:
        self._write_batches()
        if not self._n:
            return
        try:
            table = pa.Table.from_pydict(self._cols, schema=self.schema)
        except _ARROW_REFUSALS:
            table = self._salvage()
        for col in self._cols.values():
            col.clear()
        self._n = 0
        self._write(table)

    def _salvage(self) -> pa.Table:
        """The batch row by row: rows Arrow refuses are repaired or dropped."""
        names = list(self._cols)
        kept: list[dict] = []
        for values in zip(*self._cols.values()):
            row = dict(zip(names, values))
            why = _refusal(row, self.schema)
            if why is not None:
                row = self.repair(row, why) if self.repair else None
                if row is not None and _refusal(row, self.schema) is not None:
                    row = None
            if row is not None:
                kept.append(row)
        dropped = self._n - len(kept)
        if dropped:
            self.rows_dropped += dropped
            log.warning("%s: %d row(s) could not be written and were left out", self.dir.name, dropped)
        return pa.Table.from_pylist(kept, schema=self.schema)

    def _write(self, table: pa.Table) -> None:
        try:
            if self._writer is None:
                self._open()
            self._writer.write_table(table, row_group_size=max(table.num_rows, 1))
        except OSError as e:
            self.abort()  # the file cannot be completed: never leave it behind
            raise write_error(self.dir.parent, e) from None
        self._rows_in_file += table.num_rows
        self.rows_written += table.num_rows
        if self._rows_in_file >= self.rows_per_file:
            self._finish_file()

    def _open(self) -> None:
        self._seq += 1
        name = f"{self.scan_id}-{self._seq:05d}.parquet"
        self._final = self.dir / name
        self._tmp = self.dir / f".{name}.tmp"
        fd = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        self._fh = os.fdopen(fd, "wb")
        try:
            self._writer = pq.ParquetWriter(self._fh, self.schema, compression="zstd")
        except BaseException:
            self.abort()  # e.g. no space for the file's header
            raise
        self._rows_in_file = 0

    def _finish_file(self) -> None:
        if self._writer is None:
            return
        try:
            self._writer.close()
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            os.replace(self._tmp, self._final)
        except OSError as e:
            self.abort()
            raise write_error(self.dir.parent, e) from None
        self.files.append(self._final)
        self._writer = self._fh = self._tmp = None

    def close(self, empty_file: bool = True) -> None:
        """Finish the last file. A table that got no rows still gets one empty
        file in the full schema, so that globs over the table always match
        (DuckDB, Polars and pandas fail on a glob that matches nothing)."""
        self.flush()
        if empty_file and self._writer is None and not self.files:
            self._write(self.schema.empty_table())
        self._finish_file()

    def abort(self) -> None:
        for handle in (self._writer, self._fh):
            if handle is not None:
                try:
                    handle.close()
                except Exception:  # noqa: BLE001
                    pass
        if self._tmp is not None:
            try:
                os.unlink(self._tmp)
            except OSError:
                pass
        self._writer = self._fh = self._tmp = None


def _error_row(row: dict, why: str) -> dict:
    """An items row Arrow refused, as an `error` row that says so: the item is
    accounted for, and the scan goes on."""
    keep = {k: row.get(k) for k in ("scan_id", "source", "location", "part")}
    for k, v in keep.items():
        keep[k] = writable(v) if isinstance(v, str) else (str(v) if v is not None else "")
    return {**keep, "status": ERROR, "reason": f"this item's row could not be written ({why})",
            "findings": 0, "bytes_scanned": 0, "duration_s": 0.0}


class InventoryWriter:
    """The three tables of one scan."""

    def __init__(self, root: Path, scan_id: str):
        self.root = Path(root)
        self.scan_id = scan_id
        self.findings = TableWriter(self.root / "findings", FINDINGS, scan_id)
        self.items = TableWriter(self.root / "items", ITEMS, scan_id, rows_per_group=50_000,
                                 repair=_error_row)

    def add_findings(self, findings: pa.RecordBatch | Iterable[Finding], names=None) -> int:
        """A worker's record batch of findings (scanner/findings_batch.py), or
        Finding objects; returns the number of rows. `names`
        (scanner/namescan.NameScanner): masks the PII in locations and parts
        and adds their keyed location_hash."""
        now = datetime.now(timezone.utc)
        if isinstance(findings, pa.RecordBatch):
            n = findings.num_rows
            if n:
                batch = names.map_batch(findings) if names is not None else findings
                self.findings.add_batch(self._parent_columns(batch, now))
            return n
        n = 0
        sid = self.scan_id
        w = writable
        for f in findings:
            if names is not None:
                location, lh = names.location(f.location, f.source)
                part = names.part(f.part)
            else:
                location, lh, part = f.location, None, f.part
            self.findings.add(
                {
                    "scan_id": sid,
                    "source": f.source,
                    "location": w(location),
                    "part": w(part),
                    "location_hash": lh,
                    "row_key": w(f.row_key) if f.row_key else f.row_key,
                    "entity_type": f.entity_type,
                    "score": f.score,
                    "detector": f.detector,
                    "start": f.start,
                    "end": f.end,
                    "line": f.line,
                    "masked_value": w(f.masked_value),
                    "value_hash": f.value_hash,
                    "context": w(f.context),
                    "found_at": now,
                }
            )
            n += 1
        return n

    def _parent_columns(self, batch: pa.RecordBatch, now: datetime) -> pa.RecordBatch:
        """A worker's batch with the columns only the parent fills: the scan
        id, the time, nulls for columns it had no value for."""
        n = batch.num_rows
        have = set(batch.schema.names)
        for field in FINDINGS:
            if field.name in have:
                continue
            if field.name == "scan_id":
                col = pa.array([self.scan_id] * n, field.type)
            elif field.name == "found_at":
                col = pa.array([now] * n, field.type)
            else:
                col = pa.nulls(n, field.type)
            batch = batch.append_column(field, col)
        return batch

    def add_item(self, r: ItemRecord) -> None:
        w = writable
        self.items.add(
            {
                "scan_id": self.scan_id,
                "source": r.source,
                "location": w(r.location),
                "part": w(r.part),
                "size": r.size,
                "modified_at": _ts(r.modified_at),
                "content_type": w(r.content_type) if r.content_type else r.content_type,
                "status": r.status,
                "reason": w(r.reason) if r.reason else r.reason,
                "findings": r.findings,
                "bytes_scanned": r.bytes_scanned,
                "duration_s": r.duration_s,
                "rows_scanned": r.rows_scanned,
                "rows_matched": r.rows_matched,
                "fingerprint": r.fingerprint,
                "suppressed": r.suppressed,
                "exposure": r.access.exposure if r.access is not None else None,
                "readers": list(r.access.readers) if r.access is not None else None,
                "changed_at": _ts(r.changed_at),
                "location_hash": r.location_hash,
            }
        )

    def close(self) -> None:
        self.findings.close()
        self.items.close()

    def abort(self) -> None:
        self.findings.abort()
        self.items.abort()

    def write_scan(self, row: dict) -> None:
        """The scan's own row, written last: a scan without one did not end."""
        w = TableWriter(self.root / "scans", SCANS, self.scan_id)
        w.add(row)
        w.close()

