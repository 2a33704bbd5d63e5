"""End to end: the real CLI scans the fixture tree into a real inventory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from scanner.evaluation import evaluate, found_hashes, totals, worst_files
from scanner.inventory.reader import Inventory
from scanner.inventory.schema import FINDINGS, ITEMS, SCANS
from tests.conftest import all_strings, raw_variants, run_piiscout


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, fixtures_dir):
    inv = tmp_path_factory.mktemp("inv")
    proc = run_piiscout("scan", str(fixtures_dir / "files"), "--inventory", str(inv), "--workers", "2")
    return inv, proc


def test_scan_writes_three_tables(scanned):
    inv, proc = scanned
    assert proc.returncode == 0, proc.stderr
    assert "complete" in proc.stdout
    for name, schema in (("findings", FINDINGS), ("items", ITEMS), ("scans", SCANS)):
        t = ds.dataset(inv / name, format="parquet").to_table()
        assert t.schema.names == schema.names, name
        assert t.num_rows > 0, name


def test_precision_and_recall_per_file(scanned, fixtures_dir, truth):
    inv, _ = scanned
    files = {k: v for k, v in truth.items() if k.startswith("files/")}
    result = evaluate(found_hashes(inv, None, fixtures_dir), files)
    assert worst_files(result, 0.95) == []
    t = totals(result)
    assert sum(s.tp for s in t.values()) >= 300


def test_no_raw_value_anywhere_in_the_inventory(scanned, truth):
    inv, proc = scanned
    strings = all_strings(inv)
    blob = "\n".join(strings) + proc.stdout + proc.stderr
    leaks = [v for f in truth.values() for vals in f.values() for raw in vals for v in raw_variants(raw) if v in blob]
    assert leaks == []


def test_every_file_has_an_items_row(scanned, fixtures_dir):
    inv, _ = scanned
    inventory = Inventory(inv)
    items = inventory.items(inventory.latest_scan_id())
    locations = set(items.column("location").to_pylist())
    for p in (fixtures_dir / "files").rglob("*"):
        if p.is_file():
            assert str(p) in locations
    statuses = dict(zip(items.column("location").to_pylist(), items.column("status").to_pylist()))
    assert statuses[str(fixtures_dir / "files/misc/firmware.bin")] == "skipped"
    assert statuses[str(fixtures_dir / "files/misc/empty.txt")] == "scanned"


def test_report_and_json_report(scanned):
    inv, _ = scanned
    proc = run_piiscout("report", str(inv))
    assert proc.returncode == 0
    assert "US_SSN" in proc.stdout and "Top locations" in proc.stdout
    rep = json.loads(run_piiscout("report", str(inv), "--format", "json").stdout)
    assert {r["entity_type"] for r in rep["by_entity"]} >= {"US_SSN", "CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER"}


def test_second_scan_adds_files_and_never_rewrites(scanned, fixtures_dir, tmp_path):
    inv, _ = scanned
    copy = tmp_path / "inv"
    shutil.copytree(inv, copy)
    before = {p.name: p.stat().st_mtime_ns for p in copy.rglob("*.parquet")}
    proc = run_piiscout("scan", str(fixtures_dir / "files/hr"), "-i", str(copy), "-j", "1")
    assert proc.returncode == 0, proc.stderr
    after = {p.name: p.stat().st_mtime_ns for p in copy.rglob("*.parquet")}
    assert all(after[name] == mtime for name, mtime in before.items())
    assert len(after) > len(before)
    assert len(Inventory(copy).scan_ids()) == 2


def test_detectors_and_version():
    proc = run_piiscout("detectors")
    assert proc.returncode == 0 and "US_SSN" in proc.stdout and "Default minimum score" in proc.stdout
    proc = run_piiscout("--version")
    assert proc.returncode == 0 and "piiscout" in proc.stdout


@pytest.mark.parametrize(
    "args,needle",
    [
        (["scan", "/no/such/dir", "-i", "{tmp}/inv"], "no such file or directory"),
        (["scan", "{tmp}", "-i", "{tmp}/inv", "--min-score", "7"], "--min-score"),
        (["scan", "{tmp}", "-i", "{tmp}/inv", "--entities", "US_SSN,BOGUS"], "unknown entity type BOGUS"),
        (["scan", "{tmp}", "-i", "{tmp}/inv", "--max-file-size", "lots"], "not a size"),
        (["scan", "-i", "{tmp}/inv"], "at least one TARGET"),
        (["scan", "ftp://host/x", "-i", "{tmp}/inv"], "unsupported target scheme"),
        (["report", "{tmp}/nothing-here"], "no inventory"),
        (["scan", "{tmp}", "--workers", "0"], "--workers"),
    ],
)
def test_bad_arguments_one_line_exit_2(tmp_path, args, needle):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    proc = run_piiscout(*args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "inv").exists() or args[0] == "report"


def test_inventory_inside_target_is_not_scanned(tmp_path):
    (tmp_path / "a.txt").write_text("SSN 234-56-7890\n")
    proc = run_piiscout("scan", str(tmp_path), "-i", str(tmp_path / "inv"))
    assert proc.returncode == 0
    proc = run_piiscout("scan", str(tmp_path), "-i", str(tmp_path / "inv"))
    inv = Inventory(tmp_path / "inv")
    items = inv.items(inv.latest_scan_id()).column("location").to_pylist()
    assert items == [str(tmp_path / "a.txt")]


def test_scan_of_a_single_file(tmp_path):
    f = tmp_path / "one.txt"
    f.write_text("card 4485 2309 7215 1343\n")
    proc = run_piiscout("scan", f"file://{f}", "-i", str(tmp_path / "inv"))
    assert proc.returncode == 0, proc.stderr
    inv = Inventory(tmp_path / "inv")
    t = inv.findings(inv.latest_scan_id())
    assert t.column("entity_type").to_pylist() == ["CREDIT_CARD"]
    assert t.column("masked_value").to_pylist() == ["**** **** **** 1343"]
    assert Path(t.column("location")[0].as_py()) == f


def test_inventory_reads_with_pandas_and_duckdb(scanned):
    import duckdb
    import pandas as pd

    inv, _ = scanned
    df = pd.read_parquet(inv / "findings")
    assert len(df) > 300 and "value_hash" in df.columns
    n = duckdb.sql(f"SELECT count(*) FROM read_parquet('{inv}/findings/*.parquet')").fetchall()[0][0]
    assert n == len(df)
    rows = duckdb.sql(f"SELECT status, count(*) FROM read_parquet('{inv}/items/*.parquet') GROUP BY 1").fetchall()
    assert dict(rows)["scanned"] > 5


def _entities_truth(truth: dict) -> tuple[dict, tuple[str, ...]]:
    """The fixtures of issue 22's entities (fixtures/generate_entities.py)."""
    files = {k: v for k, v in truth.items() if k.startswith("files/people/")}
    return files, tuple(sorted({e for per in files.values() for e in per}))


def test_new_entities_precision_and_recall_per_file(scanned, fixtures_dir, truth):
    inv, _ = scanned
    files, entities = _entities_truth(truth)
    assert {"PERSON", "DATE_OF_BIRTH", "US_ADDRESS", "UK_NINO", "CA_SIN", "CREDENTIAL"} <= set(entities)
    result = evaluate(found_hashes(inv, None, fixtures_dir), files, entities=entities)
    assert worst_files(result, 0.95) == []


def test_new_entities_leave_no_raw_value_in_logs_reports_and_exports(tmp_path, fixtures_dir, truth):
    """Every value of every new entity, in every form it could leak in, is
    absent from the inventory, the JSON log (verbose), the reports and the
    CSV and XLSX exports; the scan did find each entity (masked)."""
    import zipfile

    files, entities = _entities_truth(truth)
    inv, log = tmp_path / "inv", tmp_path / "scan.log"
    proc = run_piiscout("scan", str(fixtures_dir / "files" / "people"), "-i", str(inv), "-v",
                        "--log-format", "json", "--log-file", str(log))
    assert proc.returncode == 0, proc.stderr
    found = {r["entity_type"] for r in ds.dataset(inv / "findings", format="parquet").to_table().to_pylist()}
    assert set(entities) <= found
    outputs = [proc.stdout, proc.stderr, log.read_text(encoding="utf-8"), "\n".join(all_strings(inv))]
    for fmt in ("text", "json"):
        rep = run_piiscout("report", str(inv), "--format", fmt)
        assert rep.returncode == 0, rep.stderr
        outputs += [rep.stdout, rep.stderr]
    for name in ("out.csv", "out.xlsx"):
        exp = run_piiscout("export", str(inv), "-o", str(tmp_path / name))
        assert exp.returncode == 0, exp.stderr
        outputs.append(exp.stdout + exp.stderr)
    outputs.append((tmp_path / "out.csv").read_text(encoding="utf-8"))
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        outputs += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    blob = "\n".join(outputs)
    raws = {v for per in files.values() for vals in per.values() for raw in vals for v in raw_variants(raw)}
    # A PEM body leaks line by line, not whole.
    raws |= {line for per in files.values() for raw in per.get("CREDENTIAL", []) for line in raw.splitlines()
             if len(line) >= 16 and "PRIVATE KEY" not in line}
    assert len(raws) > 100
    assert sorted(v for v in raws if v in blob) == []
