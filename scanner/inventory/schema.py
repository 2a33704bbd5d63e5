"""The inventory's schema: a contract other tools (and held-out checks) read.

Three tables, each a directory of Parquet files readable by a plain glob in
DuckDB (`read_parquet('INV/findings/*.parquet')`), Polars, pandas and
pyarrow. Plain globs only work when every file of a table has the same
columns, so every file is kept in the *current full schema*: a scan writes
its files in it (an empty file when a table gets no rows), and the first
write to an inventory upgrades files written by older releases in place,
atomically and under the lock (scanner/inventory/upgrade.py).

Adding a column (docs/inventory.md, *Adding a column*):
1. add one nullable `pa.field(...)` to its table below (at the end), with a
   comment saying what it holds and what null means (rows written before);
2. bump SCHEMA_VERSION and add a line to SCHEMA_HISTORY;
3. fill it where rows are built (InventoryWriter.add_item / add_findings /
   write_scan) and document it in docs/inventory.md.
Older files get the column as nulls on upgrade; nothing else is needed.
Columns are never removed, renamed or retyped: readers of old inventories
rely on them.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = "3"
# What each version added (docs/inventory.md keeps the long form).
SCHEMA_HISTORY = {
    "1": "first release (be6bffa)",
    "2": "items.exposure, items.readers, items.changed_at (issue 19); findings.location_hash, "
         "items.location_hash, scans.target; files always in the full schema",
    "3": "scans.webhooks (issue 20: what became of each --webhook)",
}
UTC_US = pa.timestamp("us", tz="UTC")


def _meta(table: str) -> dict[bytes, bytes]:
    return {b"piiscout.schema_version": SCHEMA_VERSION.encode(), b"piiscout.table": table.encode()}


FINDINGS = pa.schema(
    [
        pa.field("scan_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("location", pa.string(), nullable=False),
        pa.field("part", pa.string(), nullable=False),
        pa.field("row_key", pa.string()),
        pa.field("entity_type", pa.string(), nullable=False),
        pa.field("score", pa.float64(), nullable=False),
        pa.field("detector", pa.string(), nullable=False),
        pa.field("start", pa.int64(), nullable=False),
        pa.field("end", pa.int64(), nullable=False),
        pa.field("line", pa.int64()),
        pa.field("masked_value", pa.string(), nullable=False),
        pa.field("value_hash", pa.string(), nullable=False),
        pa.field("context", pa.string(), nullable=False),
        pa.field("found_at", UTC_US, nullable=False),
        # Keyed hash of the real location (v2; null before): finds the object
        # again where its name is masked (`piiscout locate`, docs/inventory.md).
        pa.field("location_hash", pa.string()),
    ],
    metadata=_meta("findings"),
)

ITEMS = pa.schema(
    [
        pa.field("scan_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("location", pa.string(), nullable=False),
        pa.field("part", pa.string(), nullable=False),
        pa.field("size", pa.int64()),
        pa.field("modified_at", UTC_US),
        pa.field("content_type", pa.string()),
        pa.field("status", pa.string(), nullable=False),
        pa.field("reason", pa.string()),
        pa.field("findings", pa.int64(), nullable=False),
        pa.field("bytes_scanned", pa.int64(), nullable=False),
        pa.field("duration_s", pa.float64(), nullable=False),
        # SQL columns: rows sampled and rows with at least one finding.
        pa.field("rows_scanned", pa.int64()),
        pa.field("rows_matched", pa.int64()),
        # The connector's change fingerprint (Item.fingerprint), compared by
        # incremental rescans where size and modified_at say nothing.
        pa.field("fingerprint", pa.string()),
        # Detections in this object dropped because their value is allow-listed
        # (null in rows written before allow lists existed).
        pa.field("suppressed", pa.int64()),
        # Who may read the object (docs/inventory.md, "Exposure"): everyone |
        # authenticated | group | owner; null where the source has no notion
        # of access or the permissions could not be read. Rows inside an
        # object carry the object's. Null in rows written before this existed.
        pa.field("exposure", pa.string()),
        # The principals with read access, broadest first: names where known
        # ("Everyone", "Unix Group\hr"), SIDs otherwise.
        pa.field("readers", pa.list_(pa.string())),
        # When the object's metadata last changed, as its source reports it:
        # POSIX ctime (a chmod/chown/setfacl moves it); SMB ChangeTime (Samba
        # reports the last write time). Null where unknown or before v2.
        pa.field("changed_at", UTC_US),
        # Keyed hash of the real location, as in findings (v2; null before).
        pa.field("location_hash", pa.string()),
    ],
    metadata=_meta("items"),
)

SCANS = pa.schema(
    [
        pa.field("scan_id", pa.string(), nullable=False),
        pa.field("started_at", UTC_US, nullable=False),
        pa.field("finished_at", UTC_US, nullable=False),
        pa.field("status", pa.string(), nullable=False),  # complete | interrupted | failed
        pa.field("targets", pa.list_(pa.string()), nullable=False),
        pa.field("options", pa.string(), nullable=False),  # JSON
        pa.field("version", pa.string(), nullable=False),
        pa.field("hash_scheme", pa.string(), nullable=False),
        pa.field("hash_key_id", pa.string(), nullable=False),
        pa.field("items_total", pa.int64(), nullable=False),
        pa.field("items_scanned", pa.int64(), nullable=False),
        pa.field("items_skipped", pa.int64(), nullable=False),
        pa.field("items_error", pa.int64(), nullable=False),
        pa.field("items_unchanged", pa.int64(), nullable=False),
        pa.field("findings", pa.int64(), nullable=False),
        pa.field("suppressed", pa.int64(), nullable=False),
        pa.field("bytes_scanned", pa.int64(), nullable=False),
        pa.field("duration_s", pa.float64(), nullable=False),
        pa.field("exit_code", pa.int64(), nullable=False),
        # The target's name: the config file's table name, or the URL as given
        # (v2; null before). One scan per config target, so one name.
        pa.field("target", pa.string()),
        # What became of each --webhook of the scan (v3): the URL redacted
        # (scheme://host/…#fingerprint, or env:NAME), delivered or failed,
        # attempts, the last HTTP status and error. Null: no webhook (or rows
        # written before v3).
        pa.field("webhooks", pa.list_(pa.struct([
            pa.field("url", pa.string()),
            pa.field("format", pa.string()),
            pa.field("status", pa.string()),
            pa.field("attempts", pa.int64()),
            pa.field("http_status", pa.int64()),
            pa.field("error", pa.string()),
            pa.field("sent_at", UTC_US),
        ]))),
    ],
    metadata=_meta("scans"),
)

TABLES = {"findings": FINDINGS, "items": ITEMS, "scans": SCANS}


def file_version(metadata: dict[bytes, bytes] | None) -> str | None:
    """The schema version a file's Parquet metadata names, if any."""
    raw = (metadata or {}).get(b"piiscout.schema_version")
    return raw.decode("ascii", "replace") if raw is not None else None


def version_key(version: str | None) -> int:
    try:
        return int(version or 0)
    except ValueError:
        return 0
