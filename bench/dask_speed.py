"""Throughput of a distributed (Dask) scan against the local process pool.

    .venv/bin/python bench/dask_speed.py [--files 3000] [--workers 1,2] [--batch-one]
                                         [--separate-processes | --scheduler tcp://HOST:8786]

Generates a corpus of small text files with synthetic PII (fixed seed) in a
temp dir, then scans it end to end (run_scan: listing, workers, Parquet
inventory) with the local executor and with Dask (a LocalCluster of the same
number of workers; with --separate-processes a `dask scheduler` and `dask
worker` processes on 127.0.0.1:8788, so the scheduler's CPU is not the
client's; or an existing cluster with --scheduler), and prints:

* listing: items/s of the connector's walk (serial, on the client);
* startup: seconds until the executor can take work (Dask: cluster start,
  worker imports, detection engine built on every worker);
* steady rate: items/s and MB/s from the first finished item to the last;
* client CPU per item: CPU time of this process (listing, submitting,
  unpickling results, writing Parquet; with a LocalCluster also the
  scheduler) per item in the steady state. It bounds how far one client
  scales: 1 / (client CPU per item) items/s whatever the cluster size;
* overhead per item against the local pool with as many workers, and per
  task (batch size 1 against the default).

Numbers depend on the machine and its load; the load average is printed
before and after. On a shared machine use --repeat 3 (medians).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ("invoice account customer please review the attached record for payment shipping address "
         "order status report quarterly update meeting notes project budget team contact phone "
         "email reference number branch office manager approved pending").split()


def make_corpus(root: Path, files: int, seed: int = 7) -> int:
    """`files` text files of ~3 KB in 30 folders; synthetic values only."""
    rng = random.Random(seed)
    total = 0
    for i in range(files):
        d = root / f"dept{i % 30:02d}"
        d.mkdir(parents=True, exist_ok=True)
        lines = []
        for _ in range(40):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12)))
            r = rng.random()
            if r < 0.05:
                words += f" SSN {rng.randint(100, 665)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
            elif r < 0.10:
                words += f" mail j.doe{rng.randint(1, 9999)}@example.com"
            elif r < 0.13:
                words += f" call (212) 555-{rng.randint(1000, 1999)}"
            lines.append(words)
        data = ("\n".join(lines) + "\n").encode()
        (d / f"doc{i:05d}.txt").write_bytes(data)
        total += len(data)
    return total


class SeparateCluster:
    """`dask scheduler` + n single-threaded `dask worker` processes on loopback."""

    def __init__(self, n: int, port: int = 8788):
        self.address = f"tcp://127.0.0.1:{port}"
        dask = [sys.executable, "-m", "dask"]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.procs = [subprocess.Popen(dask + ["scheduler", "--host", "127.0.0.1", "--port", str(port),
                                               "--no-dashboard", "--dashboard-address", "127.0.0.1:0"], **quiet)]
        self.procs += [subprocess.Popen(dask + ["worker", self.address, "--host", "127.0.0.1", "--nthreads", "1",
                                                "--no-dashboard"], **quiet) for _ in range(n)]

    def close(self) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()


def run_once(executor, corpus: Path, inventory: Path) -> dict:
    from connectors.local import LocalConnector
    from scanner.scan import ScanRequest, run_scan
    from scanner.job import Job
    from scanner.settings import ScanSettings

    spec = LocalConnector.parse(str(corpus))
    req = ScanRequest(targets=[spec], inventory=inventory, settings=ScanSettings(), progress=False)
    marks: list[tuple[float, float]] = []
    executor.on_progress = lambda: marks.append((time.perf_counter(), time.process_time()))
    t0 = time.perf_counter()
    executor.check(Job(targets=(spec,), settings=req.settings, detectors=req.detectors))  # Dask: connect, warm up
    ready = time.perf_counter()
    summary = run_scan(req, executor=executor)
    t1 = time.perf_counter()
    n = len(marks)
    (w0, c0), (w1, c1) = marks[0], marks[-1]
    return {"items": n, "findings": summary.findings, "startup": ready - t0, "total": t1 - t0,
            "rate": (n - 1) / (w1 - w0), "cpu_per_item": (c1 - c0) / (n - 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=3000)
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--scheduler", help="an existing Dask scheduler instead of a LocalCluster")
    ap.add_argument("--separate-processes", action="store_true",
                    help="run Dask on a scheduler and workers started as processes, not a LocalCluster")
    ap.add_argument("--batch-one", action="store_true", help="also run Dask with one item per task")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run every configuration this often, in turn, and report medians (shared machines)")
    args = ap.parse_args()
    os.environ.setdefault("PIISCOUT_HASH_KEY", "bench-key")

    from scanner.executors.dask import BATCH_ITEMS, DaskExecutor
    from scanner.executors.local import LocalExecutor

    tmp = Path(tempfile.mkdtemp(prefix="piiscout-bench-"))
    try:
        corpus = tmp / "corpus"
        nbytes = make_corpus(corpus, args.files)
        mb = nbytes / args.files / 1e6
        print(f"corpus: {args.files} files, {nbytes / 1e6:.1f} MB; {os.cpu_count()} CPUs; "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"{'executor':<32} {'startup s':>9} {'total s':>8} {'items/s':>8} {'MB/s':>6} "
              f"{'client CPU ms/item':>18} {'findings':>8}")
        from connectors.local import LocalConnector
        from scanner.settings import ScanSettings

        t = time.perf_counter()
        spec = LocalConnector.parse(str(corpus))
        listed = sum(1 for _ in LocalConnector(spec, ScanSettings()).list_items())
        print(f"listing (serial, on the client): {listed / (time.perf_counter() - t):,.0f} items/s")
        results = {}
        runs = []  # (label, workers, batch_items or None for the local executor)
        where = args.scheduler or ("processes" if args.separate_processes else "LocalCluster")
        for n in [int(x) for x in args.workers.split(",")]:
            runs.append((f"local, {n} worker(s)", n, None))
            runs.append((f"dask {where}, {n} worker(s)", n, BATCH_ITEMS))
            if args.batch_one:
                runs.append((f"dask, {n} worker(s), 1 item/task", n, 1))
        samples: dict[str, list[dict]] = {label: [] for label, _, _ in runs}
        for rep in range(args.repeat):
            for i, (label, n, batch) in enumerate(runs):
                cluster = SeparateCluster(n) if batch and args.separate_processes else None
                if batch is None:
                    executor = LocalExecutor(n)
                else:
                    executor = DaskExecutor(cluster.address if cluster else args.scheduler, n, batch_items=batch)
                try:
                    samples[label].append(run_once(executor, corpus, tmp / f"inv{rep}-{i}"))
                finally:
                    if cluster:
                        cluster.close()
        for label, _, _ in runs:
            r = {k: statistics.median(x[k] for x in samples[label]) for k in samples[label][0]}
            results[label] = r
            print(f"{label:<32} {r['startup']:>9.1f} {r['total']:>8.1f} {r['rate']:>8.0f} "
                  f"{r['rate'] * mb:>6.2f} {r['cpu_per_item'] * 1e3:>18.2f} {r['findings']:>8.0f}")
        for n in [int(x) for x in args.workers.split(",")]:
            loc = results[f"local, {n} worker(s)"]
            dsk = results[f"dask {where}, {n} worker(s)"]
            over = (1 / dsk["rate"] - 1 / loc["rate"]) * n * 1e3
            print(f"{n} worker(s): Dask/local steady rate {dsk['rate'] / loc['rate']:.2f}x; "
                  f"overhead {over:+.2f} ms of worker time per item (batches of up to {BATCH_ITEMS})")
            one = results.get(f"dask, {n} worker(s), 1 item/task")
            if one:
                per_task = (1 / one["rate"] - 1 / dsk["rate"]) * n * 1e3
                print(f"{n} worker(s): one item per task costs {per_task:+.2f} ms more per item")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
