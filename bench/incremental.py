"""Benchmark: first scan vs unchanged incremental rescan vs rescan after edits,
and the exports, through the real `piiscout` command.

    .venv/bin/python bench/incremental.py                 # 2,000 files x 32 KB
    .venv/bin/python bench/incremental.py --files 20000 --kb 8 --workers 2
    .venv/bin/python bench/incremental.py --index 1000000 # the rescan index alone

The tree is synthetic (seeded): English-like filler with an SSN, an e-mail
address or a phone number every ~2 KB. Times are wall-clock seconds of the
whole command (start-up included), as cron sees them.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("the of and to in is was for on that with as by at from invoice order account customer report "
         "quarter review meeting schedule shipment contract payment total balance status update please "
         "regards team project office notes draft final approved pending").split()


def make_tree(root: Path, files: int, kb: int, seed: int = 1) -> int:
    rnd = random.Random(seed)
    total = 0
    for i in range(files):
        path = root / f"dept{i % 20:02d}" / f"sub{i % 7}" / f"doc_{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines, size = [], 0
        while size < kb * 1024:
            if rnd.random() < 0.04:
                kind = rnd.randrange(3)
                if kind == 0:
                    v = f"SSN {rnd.randint(100, 665)}-{rnd.randint(10, 99)}-{rnd.randint(1000, 9999)}"
                elif kind == 1:
                    v = f"contact {''.join(rnd.choices('abcdefghij', k=6))}@example-corp.com"
                else:
                    v = f"phone (212) 555-{rnd.randint(1000, 1999)}"
                line = f"{rnd.choice(WORDS).title()} {v} {' '.join(rnd.choices(WORDS, k=6))}"
            else:
                line = " ".join(rnd.choices(WORDS, k=12))
            lines.append(line)
            size += len(line) + 1
        data = "\n".join(lines) + "\n"
        path.write_text(data)
        total += len(data)
    return total


def run(args: list[str], env: dict) -> tuple[float, str]:
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "scanner.cli", *args], cwd=str(ROOT), env=env,
                          capture_output=True, text=True)
    took = time.monotonic() - t0
    if proc.returncode not in (0, 1):
        sys.exit(f"piiscout {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return took, proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""


def bench_scans(a) -> None:
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="piiscout-bench-"))
    tree, inv = work / "tree", work / "inv"
    shutil.rmtree(tree, ignore_errors=True)
    shutil.rmtree(inv, ignore_errors=True)
    nbytes = make_tree(tree, a.files, a.kb)
    env = dict(os.environ, PIISCOUT_HASH_KEY="bench-key")
    common = ["-i", str(inv), "-j", str(a.workers), "-q"]
    print(f"tree: {a.files} files, {nbytes / 1e6:.1f} MB, workers {a.workers}, cpus {os.cpu_count()}, "
          f"load {os.getloadavg()[0]:.1f}")
    first, line1 = run(["scan", str(tree), *common], env)
    print(f"first scan (full):            {first:7.2f} s   {line1}")
    again, line2 = run(["scan", str(tree), *common, "--incremental"], env)
    print(f"unchanged incremental rescan: {again:7.2f} s   {line2}")
    print(f"  -> {first / again:.1f}x faster")
    files = sorted(tree.rglob("*.txt"))
    rnd = random.Random(2)
    for p in rnd.sample(files, max(1, len(files) // 100)):
        with p.open("a") as fh:
            fh.write("New line with SSN 234-56-7890 added\n")
    for p in rnd.sample(files, max(1, len(files) // 100)):
        if p.exists():
            p.unlink()
    edited, line3 = run(["scan", str(tree), *common, "--incremental"], env)
    print(f"rescan after 1% edited, 1% deleted: {edited:7.2f} s   {line3}")
    xlsx, l4 = run(["export", str(inv), "-o", str(work / "out.xlsx")], env)
    csv_, l5 = run(["export", str(inv), "-o", str(work / "out.csv")], env)
    print(f"export xlsx: {xlsx:.2f} s ({l4}); csv: {csv_:.2f} s ({l5})")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS of any one command: {peak:.0f} MB")
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


def bench_index(n: int) -> None:
    """Build the rescan index of an inventory of n items and look each up."""
    from datetime import datetime, timezone

    import pyarrow as pa

    from connectors.local import LocalConnector
    from scanner.incremental import LOOKUP_BATCH, Baseline
    from scanner.inventory.schema import ITEMS
    from scanner.inventory.writer import InventoryWriter, prepare
    from scanner.model import Item
    from scanner.scan import hash_key_id

    os.environ.setdefault("PIISCOUT_HASH_KEY", "bench-key")
    work = Path(tempfile.mkdtemp(prefix="piiscout-index-"))
    try:
        inv = work / "inv"
        prepare(inv)
        sid = "20240101T000000Z-benchx"
        w = InventoryWriter(inv, sid)
        now = datetime.now(timezone.utc)
        step = 200_000
        for lo in range(0, n, step):
            k = min(step, n - lo)
            w.items.add_table(pa.table({
                "scan_id": [sid] * k, "source": ["file"] * k,
                "location": [f"/srv/share/dept{i % 50}/sub{i % 13}/document_{i:08d}.docx" for i in range(lo, lo + k)],
                "part": [""] * k, "size": list(range(lo, lo + k)), "modified_at": [now] * k,
                "content_type": ["text/plain"] * k, "status": ["scanned"] * k, "reason": [None] * k,
                "findings": [0] * k, "bytes_scanned": [0] * k, "duration_s": [0.0] * k,
                "rows_scanned": [None] * k, "rows_matched": [None] * k, "fingerprint": [None] * k}, schema=ITEMS))
        w.close()
        spec = LocalConnector.parse("/srv/share")
        w.write_scan({"scan_id": sid, "started_at": now, "finished_at": now, "status": "complete",
                      "targets": [spec.url], "options": '{"fingerprints": {"/srv/share": "fp"}}', "version": "0",
                      "hash_scheme": "x", "hash_key_id": hash_key_id(), "items_total": n, "items_scanned": n,
                      "items_skipped": 0, "items_error": 0, "items_unchanged": 0, "findings": 0, "suppressed": 0,
                      "bytes_scanned": 0, "duration_s": 0.0, "exit_code": 0})
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.monotonic()
        b = Baseline.build(inv, [spec], {spec.url: "fp"}, hash_key_id())
        built = time.monotonic() - t0
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        mtime = now.timestamp()
        items = []
        for i in range(n):
            loc = f"/srv/share/dept{i % 50}/sub{i % 13}/document_{i:08d}.docx"
            items.append(Item(spec.name, "file", loc, loc, size=i, modified_at=mtime))
        t0 = time.monotonic()
        hits = 0
        for lo in range(0, n, LOOKUP_BATCH):  # as the scan does while listing
            hits += sum(b.unchanged_many(items[lo:lo + LOOKUP_BATCH], spec.url))
        looked = time.monotonic() - t0
        arrays = sum(x.nbytes for x in (b.keys, b.size, b.mtime, b.fp, b.src, b.carried))
        print(f"index of {n:,} items: built in {built:.2f} s, {arrays / 1e6:.0f} MB of arrays, "
              f"peak RSS +{rss1 - rss0:.0f} MB; {n:,} lookups in {looked:.2f} s "
              f"({looked / n * 1e6:.1f} us each), {hits:,} unchanged")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--kb", type=int, default=32, help="size of each file")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", help="work in this directory and keep it")
    ap.add_argument("--index", type=int, default=0, help="only benchmark the rescan index of N items")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    if a.index:
        bench_index(a.index)
    else:
        bench_scans(a)


if __name__ == "__main__":
    main()
