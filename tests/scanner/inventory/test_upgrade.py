"""An inventory any reader opens by a plain glob, across releases.

fixtures/inventory/be6bffa/ was written by release be6bffa
(fixtures/inventory/generate.py): schema version 1, no findings file for its
scan without findings. After the current release writes to it once, every
file is in the current full schema and DuckDB, Polars, pandas and pyarrow
read each table by a glob with every column.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from scanner.inventory.schema import SCHEMA_VERSION, TABLES, file_version
from scanner.inventory.upgrade import upgrade_inventory
from tests.conftest import FIXTURES, run_piiscout
from tests.mounts import read_only

OLD = FIXTURES / "inventory" / "be6bffa"


@pytest.fixture
def old_inventory(tmp_path) -> Path:
    inv = tmp_path / "inv"
    shutil.copytree(OLD, inv)
    return inv


def _tree(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "new.txt").write_text("SSN 567-89-0123 and card 4485 2309 7215 1343\n")
    return root


def _versions(inv: Path) -> set[str | None]:
    return {file_version(pq.ParquetFile(p).schema_arrow.metadata) for p in inv.rglob("*.parquet")}


def _read_everywhere(inv: Path, table: str) -> dict[str, tuple[int, list[str]]]:
    """(rows, columns) of one table as four readers see it through a glob."""
    glob = f"{inv}/{table}/*.parquet"
    rel = duckdb.sql(f"SELECT * FROM read_parquet('{glob}')")
    out = {"duckdb": (len(rel.fetchall()), rel.columns)}
    df = pl.read_parquet(glob)
    out["polars"] = (df.height, df.columns)
    pdf = pd.read_parquet(inv / table)
    out["pandas"] = (len(pdf), list(pdf.columns))
    t = ds.dataset(inv / table, format="parquet").to_table()
    out["pyarrow"] = (t.num_rows, t.column_names)
    return out


def test_the_be6bffa_fixture_is_version_1(old_inventory):
    assert _versions(old_inventory) == {"1"}
    assert "location_hash" not in pq.ParquetFile(next((old_inventory / "items").glob("*.parquet"))).schema_arrow.names


def test_first_write_upgrades_every_file_and_every_reader_sees_every_column(old_inventory, tmp_path):
    """be6bffa: once a newer release added a column, DuckDB and Polars globs
    broke and pyarrow/pandas dropped the column."""
    before = {t: pa.concat_tables([pq.read_table(p) for p in sorted((old_inventory / t).glob("*.parquet"))])
              for t in TABLES}
    proc = run_piiscout("scan", str(_tree(tmp_path / "share")), "-i", str(old_inventory), "-j", "1")
    assert proc.returncode == 0, proc.stderr
    assert _versions(old_inventory) == {SCHEMA_VERSION}
    for table, schema in TABLES.items():
        for p in (old_inventory / table).glob("*.parquet"):
            assert pq.ParquetFile(p).schema_arrow.equals(schema, check_metadata=False), p
            assert oct(p.stat().st_mode & 0o777) == "0o600"
        seen = _read_everywhere(old_inventory, table)
        rows = {v[0] for v in seen.values()}
        assert len(rows) == 1, seen
        for reader, (_, columns) in seen.items():
            assert columns[: len(schema.names)] == schema.names, (table, reader)
        # The old rows are all there, values unchanged.
        now = ds.dataset(old_inventory / table, format="parquet").to_table()
        old_ids = set(before[table].column("scan_id").to_pylist())
        kept = now.filter(pa.compute.is_in(now.column("scan_id"), pa.array(sorted(old_ids))))
        assert kept.num_rows == before[table].num_rows
        for name in before[table].column_names:
            assert sorted(map(str, kept.column(name).to_pylist())) == \
                sorted(map(str, before[table].column(name).to_pylist())), (table, name)
    assert not list(old_inventory.rglob("*.tmp"))


def test_report_export_and_diff_read_the_mixed_inventory(old_inventory, tmp_path):
    assert run_piiscout("scan", str(_tree(tmp_path / "share")), "-i", str(old_inventory)).returncode == 0
    rep = run_piiscout("report", str(old_inventory))
    assert rep.returncode == 0, rep.stderr
    assert "piiscout-be6bffa-fixture/share" in rep.stdout and str(tmp_path / "share") in rep.stdout
    out = run_piiscout("export", str(old_inventory), "-o", "-")
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("\n") == 1 + 7 + 2  # header, the old scan's 7 findings, the new 2
    old_scan = sorted(p.name[:23] for p in (OLD / "scans").glob("*.parquet"))[-1]
    diff = run_piiscout("diff", str(old_inventory), "--since", old_scan, "--format", "json")
    assert diff.returncode == 0, diff.stderr
    assert '"new": 2' in diff.stdout and '"resolved": 0' in diff.stdout


def test_a_read_only_old_inventory_still_reads(old_inventory):
    with read_only(old_inventory):
        proc = run_piiscout("report", str(old_inventory), "--format", "json")
        assert proc.returncode == 0, proc.stderr
        assert '"findings": 7' in proc.stdout


def test_a_scan_without_findings_writes_an_empty_findings_file(tmp_path):
    """be6bffa wrote no findings file: the README's DuckDB query (and Polars,
    pandas) failed with "no files found"."""
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "a.txt").write_text("nothing to see\n")
    inv = tmp_path / "inv"
    assert run_piiscout("scan", str(clean), "-i", str(inv)).returncode == 0
    seen = _read_everywhere(inv, "findings")
    assert {v[0] for v in seen.values()} == {0}
    assert all(cols[: len(TABLES["findings"].names)] == TABLES["findings"].names for _, cols in seen.values())
    n = duckdb.sql(f"SELECT entity_type, count(*) FROM read_parquet('{inv}/findings/*.parquet') GROUP BY 1")
    assert n.fetchall() == []


def test_files_of_a_newer_release_are_left_alone(tmp_path):
    inv = tmp_path / "inv"
    (inv / "items").mkdir(parents=True)
    future = TABLES["items"].append(pa.field("from_the_future", pa.string()))
    future = future.with_metadata({b"piiscout.schema_version": b"99", b"piiscout.table": b"items"})
    path = inv / "items" / "20990101T000000Z-abcdef-00001.parquet"
    pq.write_table(future.empty_table(), path)
    res = upgrade_inventory(inv)
    assert res.newer == [path] and res.upgraded == []
    assert "from_the_future" in pq.ParquetFile(path).schema_arrow.names


def test_an_unreadable_file_is_named_and_left_alone(old_inventory):
    bad = next((old_inventory / "findings").glob("*.parquet"))
    bad.write_bytes(b"not parquet at all")
    res = upgrade_inventory(old_inventory)
    assert [p for p, _ in res.unreadable] == [bad]
    assert bad.read_bytes() == b"not parquet at all"
