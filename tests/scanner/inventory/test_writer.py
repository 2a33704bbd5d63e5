import os
import stat

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from scanner.inventory.reader import Inventory
from scanner.inventory.schema import FINDINGS, SCHEMA_VERSION
from scanner.inventory.writer import InventoryWriter, TableWriter, prepare
from scanner.model import Finding, ItemRecord


def _finding(i: int) -> Finding:
    return Finding("file", f"/srv/{i}.txt", "", None, "US_SSN", 0.9, "SsnRecognizer", 0, 11, 1,
                   "***-**-6789", "ab" * 32, "SSN ***-**-6789")


def test_files_appear_only_when_complete(tmp_path):
    prepare(tmp_path)
    w = TableWriter(tmp_path / "findings", FINDINGS, "S1", rows_per_group=10, rows_per_file=10_000)
    inv_writer = InventoryWriter(tmp_path, "S1")
    inv_writer.findings = w
    inv_writer.add_findings(_finding(i) for i in range(25))
    # Two row groups written, file still hidden.
    visible = [p for p in (tmp_path / "findings").iterdir() if not p.name.startswith(".")]
    assert visible == []
    assert ds.dataset(tmp_path / "findings", format="parquet").count_rows() == 0
    inv_writer.close()
    files = list((tmp_path / "findings").glob("*.parquet"))
    assert len(files) == 1
    meta = pq.ParquetFile(files[0]).metadata
    assert meta.num_rows == 25 and meta.num_row_groups == 3
    assert pq.read_schema(files[0]).metadata[b"piiscout.schema_version"] == SCHEMA_VERSION.encode()
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "findings").st_mode) == 0o700


def test_rollover_keeps_finished_files(tmp_path):
    prepare(tmp_path)
    w = TableWriter(tmp_path / "findings", FINDINGS, "S2", rows_per_group=5, rows_per_file=10)
    iw = InventoryWriter(tmp_path, "S2")
    iw.findings = w
    iw.add_findings(_finding(i) for i in range(23))
    # Killed here: the first two files are complete and readable.
    assert len(list((tmp_path / "findings").glob("S2-*.parquet"))) == 2
    iw.abort()
    assert not [p for p in (tmp_path / "findings").iterdir() if p.name.endswith(".tmp")]


def test_stale_temp_files_are_removed(tmp_path):
    prepare(tmp_path)
    stale = tmp_path / "items" / ".X-00001.parquet.tmp"
    stale.write_bytes(b"half a file")
    prepare(tmp_path)
    assert not stale.exists()


def test_items_round_trip(tmp_path):
    prepare(tmp_path)
    iw = InventoryWriter(tmp_path, "S3")
    iw.add_item(ItemRecord("file", "/srv/a.txt", "", 10, 1_700_000_000.5, "text/plain", "scanned", None, 2, 10, 0.01))
    iw.add_item(ItemRecord("file", "/srv/b", "", None, None, None, "error", "permission denied"))
    iw.close()
    t = Inventory(tmp_path).items("S3")
    assert t.num_rows == 2
    rows = t.to_pylist()
    assert rows[0]["modified_at"].timestamp() == 1_700_000_000.5
    assert rows[1]["reason"] == "permission denied"
    assert t.schema.field("modified_at").type == pa.timestamp("us", tz="UTC")


def test_a_row_arrow_refuses_becomes_an_error_row_and_the_rest_is_kept(tmp_path):
    """be6bffa: one bad name (surrogates) ended the whole scan in the writer."""
    import pyarrow.dataset as ds

    from scanner.inventory.writer import InventoryWriter, prepare
    from scanner.model import ItemRecord

    prepare(tmp_path)
    w = InventoryWriter(tmp_path, "20240101T000000Z-aaaaaa")
    good = ItemRecord(source="file", location="/srv/a.txt", part="", size=1, modified_at=None, content_type=None,
                      status="scanned")
    w.add_item(good)
    w.add_item(ItemRecord(source="file", location="/srv/caf\udce9.txt", part="", size=2, modified_at=None,
                          content_type=None, status="scanned"))  # escaped, not refused
    w.add_item(ItemRecord(source="file", location="/srv/b.txt", part="", size="not a size",  # type: ignore[arg-type]
                          modified_at=None, content_type=None, status="scanned"))
    w.close()
    rows = {r["location"]: r for r in ds.dataset(tmp_path / "items", format="parquet").to_table().to_pylist()}
    assert rows["/srv/a.txt"]["status"] == "scanned"
    assert rows["/srv/caf\\xe9.txt"]["status"] == "scanned"
    assert rows["/srv/b.txt"]["status"] == "error"
    assert rows["/srv/b.txt"]["reason"].startswith("this item's row could not be written")
