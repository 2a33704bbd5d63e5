"""Export memory and time on a large inventory: JSON Lines (and CSV) of N findings.

    .venv/bin/python bench/export_memory.py [--findings 10000000] [--formats jsonl,csv] [--keep DIR]

Scans a generated folder of customer exports once (bench/report_speed.py's
tree: CSVs with a name, an SSN, an e-mail address and a phone number per
row), then repeats the scan's findings files inside the inventory until it
holds about --findings findings (same scan, same locations: a dense export
share). Each export then runs in its own process, writing to a file through
the atomic writer; prints findings, wall and CPU seconds and peak RSS per
format, and the same for a tenth of the findings, so the growth of memory
with the number of findings shows directly. Timings on a shared machine are
noisy: compare CPU seconds, and re-run on a quiet one.
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

# Runs one command; prints the child's peak RSS (kB) and CPU seconds on the last stderr line.
WRAPPER = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
           "r = resource.getrusage(resource.RUSAGE_CHILDREN); "
           "print(r.ru_maxrss, r.ru_utime + r.ru_stime, file=sys.stderr); sys.exit(p.returncode)")


def run(*args: str) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak RSS MB) of one piiscout command."""
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", WRAPPER, sys.executable, "-m", "scanner.cli", *args], cwd=ROOT,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"piiscout {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}")
    rss, cpu = proc.stderr.strip().splitlines()[-1].split()
    return wall, float(cpu), int(rss) // 1024


def multiply(base: Path, dest: Path, target: int) -> int:
    import pyarrow.parquet as pq

    shutil.copytree(base, dest)
    files = sorted((dest / "findings").glob("*.parquet"))
    per_copy = sum(pq.ParquetFile(p).metadata.num_rows for p in files)
    copies = max(1, round(target / per_copy))
    for k in range(1, copies):
        for p in files:
            os.link(p, p.with_name(p.stem + f"-x{k:05d}.parquet"))  # hard links: no extra disk
    return per_copy * copies


def main() -> None:
    from bench.report_speed import make_tree

    ap = argparse.ArgumentParser()
    ap.add_argument("--findings", type=int, default=10_000_000)
    ap.add_argument("--formats", default="jsonl,csv")
    ap.add_argument("--keep", type=Path, help="work here and keep it (default: a temporary folder)")
    a = ap.parse_args()
    base_dir = a.keep or Path(tempfile.mkdtemp(prefix="piiscout-export-bench-"))
    base_dir.mkdir(parents=True, exist_ok=True)
    try:
        share, base = base_dir / "share", base_dir / "base"
        if not base.exists():
            make_tree(share, 100, 200)
            run("scan", str(share), "-i", str(base), "-q")
        print(f"{'findings':>11} {'format':<6} {'wall s':>8} {'CPU s':>8} {'peak RSS MB':>12} {'out MB':>8}")
        for n in (a.findings // 10, a.findings):
            inv = base_dir / f"inv-{n}"
            if inv.exists():
                shutil.rmtree(inv)
            real = multiply(base, inv, n)
            for fmt in a.formats.split(","):
                out = base_dir / f"out.{fmt}"
                wall, cpu, rss = run("export", str(inv), "--format", fmt, "-o", str(out))
                size = out.stat().st_size >> 20
                out.unlink()
                print(f"{real:>11,} {fmt:<6} {wall:>8.1f} {cpu:>8.1f} {rss:>12} {size:>8}")
            shutil.rmtree(inv)
    finally:
        if a.keep is None:
            shutil.rmtree(base_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
