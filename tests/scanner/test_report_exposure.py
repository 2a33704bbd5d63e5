"""Exposure in `report` (text and JSON) and in inventories from before it existed."""

from __future__ import annotations

import json
import os
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests import accounts
from tests.conftest import FIXTURES, run_piiscout

pytestmark = pytest.mark.skipif(accounts.unavailable() is not None, reason=accounts.unavailable() or "")


@pytest.fixture
def scanned(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    accounts.permission_tree(str(tree))  # four SSN files: everyone, group, owner (+ACL), owner
    (tree / "contacts.txt").write_text("mail anna.smith@example.com\n")  # everyone, low sensitivity
    (tree / "notes.txt").write_text("nothing personal here\n")
    inv = tmp_path / "inv"
    proc = run_piiscout("scan", str(tree), "-i", str(inv), "-q")
    assert proc.returncode == 0, proc.stderr
    return tree, inv


def report_json(inv) -> dict:
    proc = run_piiscout("report", str(inv), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_report_counts_by_exposure_and_entity(scanned):
    tree, inv = scanned
    rep = report_json(inv)
    assert rep["by_exposure"] == {"everyone": {"items": 3, "with_findings": 2},
                                  "group": {"items": 1, "with_findings": 1},
                                  "owner": {"items": 2, "with_findings": 2}}
    assert rep["exposure_by_entity"]["US_SSN"] == {"everyone": 1, "group": 1, "owner": 2}
    assert rep["exposure_by_entity"]["EMAIL_ADDRESS"] == {"everyone": 1}
    assert rep["headline"] == "4 Social Security numbers in 4 files, 1 of them readable by everyone."
    top = {os.path.basename(r["location"]): r["exposure"] for r in rep["top_locations"]}
    assert top["world.txt"] == "everyone" and top["hr.txt"] == "group"
    text = run_piiscout("report", str(inv)).stdout
    assert "\n4 Social Security numbers in 4 files, 1 of them readable by everyone.\n" in text
    assert "hr.txt  (US_SSN 1, readable by a group)" in text


def test_one_headline_for_the_text_json_and_client_reports(scanned, tmp_path):
    """The text and JSON report print the client report's cover sentence
    (scanner/risk.py), also when the files are copied, and when nothing
    sensitive is open to everyone."""
    from scanner.reporting.model import build
    from scanner.risk import risk_headline

    tree, inv = scanned
    for i in range(11):  # twelve world-readable copies of world.txt's SSN
        p = tree / f"copy-{i}.txt"
        shutil.copy(tree / "world.txt", p)
        os.chmod(p, 0o644)
    run_piiscout("scan", str(tree), "-i", str(inv), "-q")
    rep = report_json(inv)
    # Distinct values: the copies hold one SSN; 12 of the 15 files are open to everyone.
    assert rep["headline"] == "4 Social Security numbers in 15 files, 12 of them readable by everyone."
    assert rep["headline"] == risk_headline(inv) == build(inv).headline
    assert rep["headline"] in run_piiscout("report", str(inv)).stdout.splitlines()
    # Nothing sensitive open to everyone: no exposure in the sentence.
    for p in tree.glob("*.txt"):
        os.chmod(p, 0o640)
    run_piiscout("scan", str(tree), "-i", str(inv), "-q")
    rep = report_json(inv)
    assert rep["headline"] == "4 Social Security numbers in 15 files." == risk_headline(inv)


def _as_release_1(inv) -> None:
    """Rewrite the items files as be6bffa wrote them: no exposure, readers,
    changed_at or location_hash, schema version 1 (fixtures/inventory/ holds
    the real thing without permissions to compare)."""
    old = pq.ParquetFile(next((FIXTURES / "inventory" / "be6bffa" / "items").glob("*.parquet"))).schema_arrow
    for p in (inv / "items").glob("*.parquet"):
        t = pq.read_table(p).select(old.names).cast(old)
        pq.write_table(t.replace_schema_metadata(old.metadata), p)


def test_an_old_inventory_reports_unknown_and_a_rescan_fills_exposure_in(scanned):
    tree, inv = scanned
    _as_release_1(inv)
    rep = report_json(inv)
    assert set(rep["by_exposure"]) == {"unknown"} and "readable" not in rep["headline"]
    csv = run_piiscout("export", str(inv), "-o", "-").stdout.splitlines()
    # exposure and readers come last, then location_hash
    import csv as csv_mod

    rows = list(csv_mod.reader(csv))
    assert rows[0][-3:] == ["exposure", "readers", "location_hash"] and all(r[-3:-1] == ["", ""] for r in rows[1:])
    # An incremental rescan reads nothing again but records who may read each file.
    proc = run_piiscout("scan", str(tree), "-i", str(inv), "-q", "--incremental")
    assert proc.returncode == 0, proc.stderr
    rep = report_json(inv)
    assert rep["items"] == {"unchanged": 6}
    assert rep["exposure_by_entity"]["US_SSN"] == {"everyone": 1, "group": 1, "owner": 2}
    items = pa.concat_tables([pq.read_table(p) for p in sorted((inv / "items").glob("*.parquet"))])
    assert items.schema.field("readers").type == pa.list_(pa.string())
