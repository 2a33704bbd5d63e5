"""Two piiscout builds scanning the same trees, side by side, in turns.

    .venv/bin/python bench/versus.py --old /tmp/base/.venv/bin/piiscout
    .venv/bin/python bench/versus.py --old OLD --new NEW --workloads share,logs,export \\
        --runs 5 [--entities US_SSN,...] [--workdir DIR] [--json OUT]

bench/run.py measures one build against other tools; this measures two
builds against each other (a release and this checkout, say) on the same
bytes. The trees are bench/run.py's workloads at its `--quick` sizes
(seeded: the same arguments give the same bytes). For each workload and
size, the two builds scan in turns, old then new, `--runs` times, one
worker each, so a change in the machine's load falls on both alike. Each
scan is a subprocess; its CPU time is user + sys of it and its workers
(RUSAGE_CHILDREN of a fresh wrapper process), its wall time the wrapper's.

It prints, per workload: the median wall and CPU seconds of each build on
the large tree, the median of the per-turn ratios new/old (CPU and wall),
and the marginal MB/s (large minus small, so start-up counts for neither)
from the medians. Ratios near 1.00 with a spread that straddles it mean
"within noise". The machine's load average is printed at start and end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import run as bench_run  # noqa: E402  (the workloads and sizes of bench/run.py)
from scanner.streams import parse_size  # noqa: E402

KEY = "piiscout-bench-key"
_WRAP = ("import resource, subprocess, sys; rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL); "
         "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
         "print(u.ru_utime + u.ru_stime, u.ru_maxrss, file=sys.stderr); sys.exit(rc)")


def one_scan(exe: str, tree: Path, inv: Path, entities: str | None) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one scan of `tree`."""
    subprocess.run(["rm", "-rf", str(inv)], check=True)
    args = [sys.executable, "-c", _WRAP, exe, "scan", str(tree), "-i", str(inv), "-j", "1", "-q",
            "-x", "truth.json"]
    if entities:
        args += ["--entities", entities]
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, env={**os.environ, "PIISCOUT_HASH_KEY": KEY})
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        sys.exit(f"{exe} failed ({proc.returncode}): {proc.stderr.strip()[-1500:]}")
    cpu, rss = proc.stderr.strip().splitlines()[-1].split()
    return wall, float(cpu), int(rss) / 1024


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def compare(old: str, new: str, trees: dict[str, tuple[Path, int]], runs: int, entities: str | None,
            work: Path) -> dict:
    out: dict = {}
    for size, (tree, _) in trees.items():
        res = {"old": [], "new": []}
        for i in range(runs + 1):  # the first turn warms caches and is not counted
            for label, exe in (("old", old), ("new", new)):
                r = one_scan(exe, tree, work / f"inv-{label}", entities)
                if i:
                    res[label].append(r)
        out[size] = res
    return out


def summarise(name: str, res: dict, trees: dict[str, tuple[Path, int]]) -> dict:
    large, small = res["large"], res["small"]
    med = {k: {m: statistics.median(r[j] for r in large[k]) for j, m in enumerate(("wall", "cpu", "rss"))}
           for k in ("old", "new")}
    ratios = {m: sorted(n[j] / o[j] for o, n in zip(large["old"], large["new"])) for j, m in ((0, "wall"), (1, "cpu"))}
    mb = (trees["large"][1] - trees["small"][1]) / 1e6
    marginal = {}
    for k in ("old", "new"):
        for j, m in ((0, "wall"), (1, "cpu")):
            d = statistics.median(r[j] for r in large[k]) - statistics.median(r[j] for r in small[k])
            marginal[f"{k}_{m}_mb_s"] = round(mb / d, 2) if d > 0 else None
    return {"workload": name, "large_mb": round(trees["large"][1] / 1e6, 1), "median": med,
            "ratio_new_old": {m: {"median": round(statistics.median(v), 3), "min": round(v[0], 3),
                                  "max": round(v[-1], 3)} for m, v in ratios.items()},
            "marginal": marginal}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", required=True, help="the older build's piiscout executable")
    ap.add_argument("--new", default=str(HERE.parent / ".venv" / "bin" / "piiscout"))
    ap.add_argument("--workloads", default="share,logs,export")
    ap.add_argument("--runs", type=int, default=5, help="counted turns per tree (after one warm-up turn)")
    ap.add_argument("--entities", default=None, help="--entities for both (default: each build's own)")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args(argv)
    work = a.workdir or Path(tempfile.mkdtemp(prefix="piiscout-versus-"))
    print(f"load average at start: {load()}  ({os.cpu_count()} CPUs)")
    results = []
    for name in a.workloads.split(","):
        kind, _, _, q_small, q_large = bench_run.WORKLOADS[name]
        seeds = {"share": (11, 12), "logs": (21, 22), "export": (31, 32)}[name]  # bench/run.py's
        trees = {}
        for size, raw, seed in (("small", q_small, seeds[0]), ("large", q_large, seeds[1])):
            tree = work / f"{name}-{raw}-{seed}"
            if not tree.exists():
                bench_run.build_tree(kind, tree, parse_size(raw), seed)
            trees[size] = (tree, bench_run.tree_bytes(tree)[1])
        s = summarise(name, compare(a.old, a.new, trees, a.runs, a.entities, work), trees)
        results.append(s)
        m, r = s["median"], s["ratio_new_old"]
        print(f"{name} ({s['large_mb']} MB): old {m['old']['cpu']:.2f} s CPU / {m['old']['wall']:.2f} s wall, "
              f"new {m['new']['cpu']:.2f} s CPU / {m['new']['wall']:.2f} s wall; new/old CPU "
              f"{r['cpu']['median']:.3f} [{r['cpu']['min']:.3f}-{r['cpu']['max']:.3f}], wall "
              f"{r['wall']['median']:.3f} [{r['wall']['min']:.3f}-{r['wall']['max']:.3f}]; marginal MB/s CPU "
              f"old {s['marginal']['old_cpu_mb_s']} new {s['marginal']['new_cpu_mb_s']}; peak RSS MB "
              f"old {m['old']['rss']:.0f} new {m['new']['rss']:.0f}", flush=True)
    print(f"load average at end: {load()}")
    if a.json:
        a.json.write_text(json.dumps({"old": a.old, "new": a.new, "entities": a.entities, "runs": a.runs,
                                      "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
