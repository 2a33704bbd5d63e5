"""Keep every file of an inventory in the current full schema.

A plain glob (`read_parquet('INV/items/*.parquet')` in DuckDB, Polars'
`scan_parquet`, pyarrow datasets, pandas) reads a table with the columns of
one file: files with fewer columns break DuckDB and Polars and make pyarrow
and pandas drop the new column silently. So the first write to an inventory
(a scan, a prune) rewrites every file of an older schema version in the
current one, before it adds its own:

* a missing column becomes nulls (new columns are always nullable), others
  are cast to their declared type;
* the rewrite goes to a hidden temporary file in the same folder, is
  fsynced and renamed over the old file, so a reader sees the old file or
  the new one, never half of either, and a crash leaves the old file;
* it runs with the inventory lock held, so no two writers race;
* a file written by a *newer* release (a version or a column this release
  does not know) is left as it is: upgrading it would drop data;
* a file that cannot be read (permissions, corruption) is left alone and
  named in one warning; readers skip it the same way.

Cost: one footer read per file when nothing needs upgrading (a few ms for a
long-kept inventory); a one-off rewrite of the older files otherwise.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from scanner.inventory.schema import SCHEMA_VERSION, TABLES, file_version, version_key

log = logging.getLogger(__name__)

FILE_MODE = 0o600


@dataclass
class UpgradeResult:
    upgraded: list[Path] = field(default_factory=list)
    newer: list[Path] = field(default_factory=list)  # written by a newer release: left alone
    unreadable: list[tuple[Path, str]] = field(default_factory=list)


def table_files(root: Path, table: str) -> list[Path]:
    """The visible Parquet files of one table (what a `*.parquet` glob sees)."""
    d = Path(root) / table
    try:
        names = sorted(os.listdir(d))
    except OSError:
        return []
    return [d / n for n in names if n.endswith(".parquet") and not n.startswith(".")]


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """`table` with exactly `schema`'s columns, in order: missing ones null."""
    arrays = []
    for f in schema:
        if f.name in table.column_names:
            arrays.append(table.column(f.name).cast(f.type))
        else:
            arrays.append(pa.nulls(table.num_rows, f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def needs_upgrade(pf: pq.ParquetFile, schema: pa.Schema) -> str:
    """"current", "older" or "newer" for one open file."""
    have = pf.schema_arrow
    version = file_version(have.metadata)
    if version_key(version) > version_key(SCHEMA_VERSION) or set(have.names) - set(schema.names):
        return "newer"
    if version == SCHEMA_VERSION and have.equals(schema, check_metadata=False):
        return "current"
    return "older"


def rewrite(path: Path, pf: pq.ParquetFile, schema: pa.Schema) -> None:
    """Rewrite one file in `schema`, atomically (temp name, fsync, rename),
    one row group at a time (memory stays that of one row group)."""
    tmp = path.with_name(f".{path.name}.upgrade.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            with pq.ParquetWriter(fh, schema, compression="zstd") as writer:
                for i in range(pf.num_row_groups):
                    group = conform(pf.read_row_group(i), schema)
                    writer.write_table(group, row_group_size=max(group.num_rows, 1))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def upgrade_inventory(root: Path | str) -> UpgradeResult:
    """Bring every file of the inventory at `root` to the current schema.
    Call with the inventory lock held. Raises OSError when a rewrite fails
    (disk full, read-only): the caller reports it; old files stay intact."""
    root = Path(root)
    res = UpgradeResult()
    for table, schema in TABLES.items():
        for path in table_files(root, table):
            try:
                pf = pq.ParquetFile(path)
                state = needs_upgrade(pf, schema)
            except (OSError, pa.ArrowException) as e:
                res.unreadable.append((path, _why(e)))
                continue
            if state == "newer":
                res.newer.append(path)
            elif state == "older":
                rewrite(path, pf, schema)
                res.upgraded.append(path)
    if res.upgraded:
        log.info("inventory %s: %d file(s) upgraded to schema version %s", root, len(res.upgraded),
                 SCHEMA_VERSION)
    if res.newer:
        log.warning("inventory %s: %d file(s) were written by a newer piiscout (left as they are)",
                    root, len(res.newer))
    for path, why in res.unreadable:
        log.warning("cannot read inventory file %s (%s): left as it is, its rows are not used", path, why)
    return res


def _why(e: BaseException) -> str:
    if isinstance(e, OSError):
        return (e.strerror or type(e).__name__).lower()
    return "not a Parquet file or damaged"
