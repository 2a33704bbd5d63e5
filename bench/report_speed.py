"""Client report and XLSX export on a large inventory: time, peak memory, pages.

    .venv/bin/python bench/report_speed.py [--files 200] [--rows 60] [--copies 30]

Scans a generated folder of customer exports (--files CSVs of --rows
customers, each with an SSN, an e-mail address and a phone number), then
multiplies the scan's findings files --copies times inside the inventory
(same locations, so the risk ranking sees the same files with more
findings: what a dense export share looks like to the report). Each command
then runs in its own process with its peak RSS taken from
resource.getrusage of a wrapper process (the largest process of its tree): `report -o .html`, `report -o .pdf`
(when Chromium is installed) and `export -o .xlsx`. Prints findings, seconds
and peak RSS per command, and the PDF's page count.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PIISCOUT_HASH_KEY", "bench")


def make_tree(root: Path, files: int, rows: int) -> None:
    from tests.scanner.share import Values

    v = Values(seed=7)
    for i in range(files):
        folder = root / f"region_{i % 20:02d}" / f"batch_{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        lines = ["name,ssn,email,phone"] + [f"{v.name()},{v.ssn()},{v.email()},{v.phone()}" for _ in range(rows)]
        (folder / f"customers_{i:04d}.csv").write_text("\n".join(lines) + "\n")


def multiply(inv: Path, copies: int) -> int:
    import pyarrow.parquet as pq

    files = sorted((inv / "findings").glob("*.parquet"))
    n = sum(pq.ParquetFile(p).metadata.num_rows for p in files)
    for k in range(1, copies):
        for p in files:
            shutil.copyfile(p, p.with_name(p.stem + f"-x{k:03d}.parquet"))
    return n * copies


# Runs one command and prints the peak RSS of its process tree (ru_maxrss of
# the largest child, Chromium included) on its last stderr line.
WRAPPER = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(p.returncode)")


def run(*args: str) -> tuple[float, int, int]:
    """(seconds, peak RSS in MB, exit code) of one piiscout command."""
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", WRAPPER, sys.executable, "-m", "scanner.cli", *args], cwd=ROOT,
                          capture_output=True, text=True)
    dt = time.perf_counter() - t
    lines = proc.stderr.strip().splitlines()
    if proc.returncode not in (0, 1):
        print("\n".join(lines[:-1]), file=sys.stderr)
    return dt, int(lines[-1]) // 1024 if lines else 0, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--rows", type=int, default=60)
    ap.add_argument("--copies", type=int, default=30)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        base = Path(d)
        make_tree(base / "share", a.files, a.rows)
        inv = base / "inv"
        dt, _, _ = run("scan", str(base / "share"), "-i", str(inv), "-q")
        findings = multiply(inv, a.copies)
        print(f"scan: {dt:.1f} s; inventory: {findings:,} findings in {a.files} files (x{a.copies} copies)")
        jobs = [("report html", ("report", str(inv), "-o", str(base / "r.html"))),
                ("export xlsx", ("export", str(inv), "-o", str(base / "r.xlsx")))]
        if shutil.which("chromium"):
            jobs.insert(1, ("report pdf", ("report", str(inv), "-o", str(base / "r.pdf"))))
        for name, args in jobs:
            dt, peak, code = run(*args)
            print(f"{name}: {dt:.1f} s, peak RSS {peak} MB, exit {code}")
        if (base / "r.pdf").exists():
            from pypdf import PdfReader

            print(f"PDF pages: {len(PdfReader(str(base / 'r.pdf')).pages)}; "
                  f"HTML {(base / 'r.html').stat().st_size // 1024} KB; XLSX {(base / 'r.xlsx').stat().st_size // 1024 ** 2} MB")


if __name__ == "__main__":
    main()
