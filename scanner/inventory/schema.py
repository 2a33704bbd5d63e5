"""The inventory's schema: a contract other tools (and held-out checks) read.

Three tables, each a directory of Parquet files readable with
`pyarrow.dataset`, pandas and DuckDB (`read_parquet('INV/findings/*.parquet')`).
The version below sits in every file's metadata; bump it (and document the
upgrade in docs/inventory.md) on any change that is not a new nullable column.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = "1"
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
    ],
    metadata=_meta("scans"),
)

TABLES = {"findings": FINDINGS, "items": ITEMS, "scans": SCANS}
