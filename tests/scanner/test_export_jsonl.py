"""`export --format jsonl`: one finding per line, valid JSON, no raw values, streamed."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from scanner.inventory.schema import FINDINGS
from tests.conftest import ROOT, TEST_KEY, raw_variants, run_piiscout

PEOPLE = [("Alma Reyes", "536-22-8471", "alma.reyes@example.org"),
          ("Bo Lindqvist", "412-56-7390", "bo.l@example.net"),
          ("Chidi Okafor", "301-44-2918", "chidi@example.com")]
ODD_NAME = 'q"uote\\back\tslash é.txt'


@pytest.fixture(scope="module")
def inv(tmp_path_factory):
    root = tmp_path_factory.mktemp("jsonl")
    share = root / "share"
    (share / "hr").mkdir(parents=True)
    lines = ["name,ssn,email"] + [",".join(p) for p in PEOPLE]
    (share / "hr" / "staff.csv").write_text("\n".join(lines) + "\n")
    os.chmod(share / "hr" / "staff.csv", 0o600)  # owner only
    (share / "notice.txt").write_text(f"Call about SSN {PEOPLE[0][1]}\n")
    os.chmod(share / "notice.txt", 0o644)  # everyone
    (share / ODD_NAME).write_text(f"mail {PEOPLE[2][2]}\n")
    inv = root / "inv"
    proc = run_piiscout("scan", str(share), "-i", str(inv), "-j", "1")
    assert proc.returncode == 0, proc.stderr
    return inv, share


def _lines(text: str) -> list[dict]:
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_stdout_is_valid_json_lines_without_raw_values(inv):
    inv, share = inv
    proc = run_piiscout("export", str(inv), "--format", "jsonl", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    rows = _lines(proc.stdout)
    findings = pq.read_table(inv / "findings").to_pylist()
    assert len(rows) == len(findings) > 0
    for r in rows:
        assert set(FINDINGS.names) <= set(r) and {"entity_name", "exposure", "readers"} <= set(r)
        assert r["entity_type"] and r["location"] and r["masked_value"] and len(r["value_hash"]) == 64
    assert {(r["location"], r["entity_type"], r["value_hash"], r["masked_value"]) for r in rows} == \
        {(f["location"], f["entity_type"], f["value_hash"], f["masked_value"]) for f in findings}
    assert {r["entity_name"] for r in rows if r["entity_type"] == "US_SSN"} == {"Social Security number"}
    raw = [v for p in PEOPLE for x in p for v in raw_variants(x)]
    assert [v for v in raw if v in proc.stdout] == []
    assert proc.stderr == ""  # nothing but the lines goes to standard output's neighbour either


def test_exposure_of_each_findings_object(inv):
    inv, share = inv
    rows = _lines(run_piiscout("export", str(inv), "--format", "jsonl", "-o", "-").stdout)
    exposure = {r["location"]: r["exposure"] for r in rows}
    assert exposure[str(share / "hr" / "staff.csv")] == "owner"
    assert exposure[str(share / "notice.txt")] == "everyone"
    readers = next(r["readers"] for r in rows if r["location"] == str(share / "notice.txt"))
    assert readers[0] == "Everyone"


def test_odd_names_round_trip(inv):
    inv, share = inv
    rows = _lines(run_piiscout("export", str(inv), "--format", "jsonl", "-o", "-").stdout)
    assert str(share / ODD_NAME) in {r["location"] for r in rows}


def test_file_output_is_atomic_owner_only_and_filtered(inv, tmp_path):
    inv, _ = inv
    for name in ("ssn.jsonl", "ssn.ndjson"):
        out = tmp_path / name
        proc = run_piiscout("export", str(inv), "-o", str(out), "--entities", "US_SSN", "--min-score", "0.5")
        assert proc.returncode == 0, proc.stderr
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        rows = _lines(out.read_text(encoding="utf-8"))
        assert rows and {r["entity_type"] for r in rows} == {"US_SSN"}
        assert f"exported {len(rows)} findings to {out}" in proc.stdout
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_a_closed_pipe_ends_quietly(inv):
    inv, _ = inv
    env = {**os.environ, "PIISCOUT_HASH_KEY": TEST_KEY}
    p = subprocess.Popen([sys.executable, "-m", "scanner.cli", "export", str(inv), "--format", "jsonl", "-o", "-"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=str(ROOT), env=env)
    p.stdout.readline()
    p.stdout.close()  # `| head -1`
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) == 0 and "Traceback" not in err and "error" not in err


# -- memory does not grow with the number of findings ---------------------------------------------

# Runs one command and prints its peak RSS (kB) on the last stderr line.
_WRAPPER = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(p.returncode)")


def _peak_rss_mb(*args: str) -> float:
    env = {**os.environ, "PIISCOUT_HASH_KEY": TEST_KEY}
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, sys.executable, "-m", "scanner.cli", *args],
                          capture_output=True, text=True, cwd=str(ROOT), env=env, timeout=1200)
    assert proc.returncode == 0, proc.stderr
    return int(proc.stderr.strip().splitlines()[-1]) / 1024


def _multiplied(base, dest, copies: int) -> int:
    """A copy of inventory `base` whose findings files are repeated `copies`
    times (same scan, same locations): a dense export share, cheaply."""
    shutil.copytree(base, dest)
    files = sorted((dest / "findings").glob("*.parquet"))
    for k in range(1, copies):
        for p in files:
            shutil.copyfile(p, p.with_name(p.stem + f"-x{k:04d}.parquet"))
    return sum(pq.ParquetFile(p).metadata.num_rows for p in (dest / "findings").glob("*.parquet"))


@pytest.fixture(scope="module")
def dense(tmp_path_factory):
    root = tmp_path_factory.mktemp("dense")
    share = root / "share"
    share.mkdir()
    for i in range(8):
        rows = [f"Person{j} Name{i},{500 + i:03d}-{10 + j % 80:02d}-{1000 + j:04d},p{j}.{i}@example.org"
                for j in range(400)]
        (share / f"export_{i}.csv").write_text("name,ssn,email\n" + "\n".join(rows) + "\n")
    base = root / "base"
    assert run_piiscout("scan", str(share), "-i", str(base), "-j", "2").returncode == 0
    return root, base


def test_memory_does_not_grow_with_the_number_of_findings(dense, tmp_path):
    """The same export of 40 times the findings peaks at about the same RSS
    (no timing asserts: only memory, measured per process)."""
    root, base = dense
    small_n = _multiplied(base, tmp_path / "small", 3)
    large_n = _multiplied(base, tmp_path / "large", 120)
    assert large_n == 40 * small_n and small_n > 10_000
    small = _peak_rss_mb("export", str(tmp_path / "small"), "--format", "jsonl", "-o", str(tmp_path / "s.jsonl"))
    large = _peak_rss_mb("export", str(tmp_path / "large"), "--format", "jsonl", "-o", str(tmp_path / "l.jsonl"))
    with open(tmp_path / "l.jsonl", "rb") as fh:
        assert sum(1 for _ in fh) == large_n
    per_finding = (large - small) * 1024 * 1024 / (large_n - small_n)
    # Holding the findings would cost hundreds of bytes each (a line is ~600);
    # streaming costs nothing per finding beyond allocator noise.
    assert per_finding < 40, (small, large, per_finding)
