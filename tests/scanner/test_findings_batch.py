"""Findings as Arrow columns (scanner/findings_batch.py): what a worker sends,
what the inventory then holds, and the sampled context snippets."""

from __future__ import annotations

import pyarrow.parquet as pq

from scanner import findings_batch as fb
from scanner.inventory.schema import FINDINGS
from scanner.inventory.writer import InventoryWriter, prepare
from tests.conftest import run_piiscout


def _columns(n: int, location: str = "/share/a.csv") -> fb.FindingColumns:
    cols = fb.FindingColumns()
    cols.add("file", location, "", ["US_SSN"] * n, [0.85] * n, ["SsnRecognizer"] * n, list(range(n)),
             [i + 11 for i in range(n)], [i + 1 for i in range(n)], [None] * n, ["***-**-6789"] * n,
             [f"{i:064x}" for i in range(n)], ["SSN ***-**-6789"] * n)
    return cols


def test_sampler_keeps_the_first_then_one_in_every():
    s = fb.ContextSampler()
    kept = [s.keep(("a", ""), "US_SSN") for _ in range(fb.CONTEXT_FIRST + 3 * fb.CONTEXT_EVERY)]
    assert all(kept[:fb.CONTEXT_FIRST])
    assert sum(kept[fb.CONTEXT_FIRST:]) == 3
    assert s.keep(("a", ""), "EMAIL_ADDRESS") and s.keep(("b", ""), "US_SSN")  # per object and entity
    s.forget(("a", ""))
    assert s.keep(("a", ""), "US_SSN")  # a new object of the same name starts again


def test_columns_become_one_record_batch_the_writer_takes(tmp_path):
    cols = _columns(3)
    cols.extend(_columns(2, "/share/b.csv"))
    batch = cols.take()
    assert len(cols) == 0 and batch.num_rows == 5
    assert batch.schema.names == list(fb.WIRE_COLUMNS)
    prepare(tmp_path)
    w = InventoryWriter(tmp_path, "scan-1")
    assert w.add_findings(batch) == 5
    w.close()
    (f,) = (tmp_path / "findings").glob("*.parquet")
    t = pq.read_table(f)
    assert t.schema.names == FINDINGS.names
    assert set(t.column("scan_id").to_pylist()) == {"scan-1"}
    assert t.column("location").to_pylist() == ["/share/a.csv"] * 3 + ["/share/b.csv"] * 2
    assert t.column("found_at").null_count == 0 and t.column("location_hash").null_count == 5


def test_undecodable_names_are_escaped_not_lost():
    cols = _columns(1, "/share/caf\udce9.csv")
    batch = cols.take()
    (loc,) = batch.column("location").to_pylist()
    assert "\udce9" not in loc and loc.startswith("/share/caf")


def test_a_dense_export_keeps_every_row_and_hash_and_samples_snippets(tmp_path):
    n = fb.CONTEXT_FIRST + 10 * fb.CONTEXT_EVERY + 7
    tree = tmp_path / "tree"
    tree.mkdir()
    rows = ["id,ssn"] + [f"{i},{100 + i % 500:03d}-{10 + i % 89:02d}-{1000 + i:04d}" for i in range(n)]  # no 666
    (tree / "export.csv").write_text("\n".join(rows) + "\n")
    inv = tmp_path / "inv"
    proc = run_piiscout("scan", str(tree), "-i", str(inv), "-q", "-j", "1", "-e", "US_SSN")
    assert proc.returncode == 0, proc.stderr
    t = pq.read_table(inv / "findings")
    assert t.num_rows == n
    assert len(set(t.column("value_hash").to_pylist())) == n  # every value hashed
    ctx = t.sort_by("start").column("context").to_pylist()
    assert all(ctx[:fb.CONTEXT_FIRST]) and sum(1 for c in ctx[fb.CONTEXT_FIRST:] if c) == 10
    assert all("#" in c for c in ctx if c)  # masked, as ever
