"""piiscout against ripgrep, DataFog and plain Presidio, side by side, in one run.

    .venv/bin/python bench/run.py --quick                 # a couple of minutes
    .venv/bin/python bench/run.py                         # defaults below
    .venv/bin/python bench/run.py --workloads share --large 200MB --workers 1,2 --ner
    .venv/bin/python bench/run.py --big-log 2GB --big-log-kind logs --many-files 1000000   # memory

Optional comparison engines: `pip install -e '.[bench]'` (DataFog, py-spy) and
the Debian package `ripgrep` (installed here with apt-get when run as root).

Three workloads, each generated at a small and a large size (seeded, so the
same arguments give the same bytes):

* `share`  (bench/corpus.py): logs, notes, CSV exports and JSON dumps with
  sparse planted SSNs, cards, e-mails, phones and names: a typical share.
* `logs`   (bench/workloads.py): number-dense application logs, no PII
  (ids, counters, timings, hex traces, epochs, versions, zero-padded keys);
  every finding is a false positive.
* `export` (bench/workloads.py): a dense customer export CSV, four PII
  values a row (SSN, card, e-mail, phone): ~36,000 findings per MB.

For each workload, in the same run:

1. `piiscout scan --workers 1` on both trees (a subprocess, as a user would)
   and the *marginal* MB/s between them, so start-up neither hides nor
   inflates anything; peak RSS of the largest process; precision/recall
   against the planted values and findings rows against planted values, so
   speed never comes from missing values.
2. One single-threaded ripgrep pass of four plain PII regexes over the same
   trees (`rg -o -N -j 1 -e ...`), marginal MB/s the same way.
3. DataFog's regex engine (`datafog.scan(text, backend="python")`, 1 MB
   chunks) on a random sample of the large tree (1 MB; 256 KB of the
   export, see DATAFOG_SAMPLE), with P/R on that sample.
4. Plain Presidio (AnalyzerEngine with its default recognizers and the same
   spaCy model, one analyze() per document of at most 100 KB) on a random
   sample: by default on the share only (`--presidio-on` for more).

It prints a table (MB/s per worker, ratio to ripgrep, ratio to Presidio)
and writes every figure as JSON. Figures depend on the machine: run it when
nothing else is busy, and `--repeat 3` to take the best of three.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402
import workloads  # noqa: E402

KEY = "piiscout-bench-key"
CORE = ("US_SSN", "CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER")

# The ripgrep baseline: four plain PII regexes, one pass, one thread.
RG_PATTERNS = (
    r"\b\d{3}-\d{2}-\d{4}\b",  # SSN
    r"\b(?:\d[ -]?){12,18}\d\b",  # card number
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",  # e-mail
    r"(?:\+1[ .-]?)?\(?\b\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b",  # NANP phone
)
DATAFOG_TYPES = {"SSN": "US_SSN", "CREDIT_CARD": "CREDIT_CARD", "EMAIL": "EMAIL_ADDRESS", "PHONE": "PHONE_NUMBER"}

# name: (generator, default small, default large, quick small, quick large)
WORKLOADS = {
    "share": ("share", "10MB", "60MB", "2MB", "12MB"),
    "logs": ("logs", "10MB", "100MB", "4MB", "32MB"),
    "export": ("export", "5MB", "50MB", "1MB", "6MB"),
}
# DataFog's sample per workload (default, --quick), analysed in chunks of at
# most DATAFOG_CHUNK. Its time grows with the square of the findings in a
# chunk: 1 MB of the dense export takes minutes, so that sample (one chunk)
# is smaller, which flatters DataFog's rate there, never piiscout's.
DATAFOG_SAMPLE = {"share": ("1MB", "256KB"), "logs": ("1MB", "256KB"), "export": ("256KB", "64KB")}
DATAFOG_CHUNK = 1_000_000


def build_tree(kind: str, tree: Path, size: int, seed: int) -> None:
    if kind == "share":
        corpus.build(tree, size, seed, 64 << 10)
    elif kind == "logs":
        workloads.build_logs(tree, size, seed)
    else:
        workloads.build_export(tree, size, seed)


def piiscout_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("piiscout")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "scanner.cli"]


# Runs one command and reports the peak RSS of its largest process (it or a
# worker it started) and the CPU seconds (user + sys) of all of them:
# RUSAGE_CHILDREN of a fresh process counts only these (a worker's time is
# added to its parent's when the parent reaps it).
_PEAK = ("import resource, subprocess, sys; rc = subprocess.call(sys.argv[1:]); "
         "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
         "print(u.ru_maxrss, u.ru_utime + u.ru_stime, file=sys.stderr); sys.exit(rc)")


def run_scan(target: Path, inv: Path, workers: int, extra: list[str] = (), env: dict | None = None) -> dict:
    """One scan in a subprocess: wall seconds and the peak RSS of the largest
    process (the parent or one worker)."""
    shutil.rmtree(inv, ignore_errors=True)
    env = dict(env or os.environ, PIISCOUT_HASH_KEY=KEY)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _PEAK] + piiscout_cmd()
                          + ["scan", str(target), "-i", str(inv), "-j", str(workers), "-q", "-x", "truth.json", *extra],
                          capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"piiscout failed ({proc.returncode}): {proc.stderr.strip()}")
    last = (proc.stderr.strip().splitlines() or [""])[-1].split()
    peak_kb, cpu = (int(last[0]), float(last[1])) if len(last) == 2 and last[0].isdigit() else (0, wall)
    return {"seconds": wall, "cpu_s": cpu, "peak_rss_mb": peak_kb / 1024, "summary": proc.stdout.strip()}


def best_scan(target: Path, inv: Path, workers: int, repeat: int, extra: list[str] = ()) -> dict:
    """The fastest of `repeat` scans (noise on a shared machine only ever adds
    time), wall and CPU each at their best."""
    runs = [run_scan(target, inv, workers, extra) for _ in range(max(1, repeat))]
    best = min(runs, key=lambda r: r["seconds"])
    return {**best, "cpu_s": min(r["cpu_s"] for r in runs), "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}


def tree_bytes(root: Path) -> tuple[int, int]:
    n = size = 0
    for p in root.rglob("*"):
        if p.is_file() and p.name != "truth.json":
            n += 1
            size += p.stat().st_size
    return n, size


def marginal(b_small: int, b_large: int, t_small: float, t_large: float) -> float:
    """MB/s between two runs; the overall rate of the large run if noise
    swamped the difference."""
    if t_large > t_small and b_large > b_small:
        return (b_large - b_small) / 1e6 / (t_large - t_small)
    return b_large / 1e6 / t_large


def score(found: dict, truth: dict, entities=CORE, files=None) -> dict:
    from scanner.evaluation import evaluate, totals

    res = totals(evaluate(found, truth, entities, files))
    out = {}
    for ent, s in res.items():
        out[ent] = {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "tp": s.tp, "fp": s.fp, "fn": s.fn}
    return out


def piiscout_found(inv: Path, root: Path) -> dict:
    from scanner.evaluation import found_hashes

    return found_hashes(inv, None, root)


def finding_rows(inv: Path) -> dict[str, int]:
    """Findings rows per entity type in the latest scan of `inv`."""
    from collections import Counter

    from scanner.inventory.reader import Inventory

    i = Inventory(inv)
    t = i.findings(i.resolve_scan(None), columns=["entity_type"])
    return dict(Counter(t.column("entity_type").to_pylist()))


def planted_rows(truth: dict) -> dict[str, int]:
    out: dict[str, int] = {}
    for per in truth.values():
        for ent, values in per.items():
            out[ent] = out.get(ent, 0) + len(values)
    return out


def documents(text: str, limit: int = 100_000) -> list[str]:
    """Split a file into documents of at most `limit` characters at line ends."""
    out, pos = [], 0
    while pos < len(text):
        end = min(len(text), pos + limit)
        if end < len(text):
            cut = text.rfind("\n", pos, end)
            end = cut + 1 if cut > pos else end
        out.append(text[pos:end])
        pos = end
    return out


def sample_text(root: Path, files: list[str], budget: int) -> list[tuple[str, str]]:
    """(relative path, text) of whole files until `budget` bytes are reached;
    a first file larger than the whole budget is cut at a line end (a dense
    export of several MB is one file)."""
    out, total = [], 0
    for rel in files:
        if total >= budget:
            break
        text = (root / rel).read_text()
        if not out and len(text.encode()) > budget:
            cut = text.rfind("\n", 0, budget)
            text = text[: cut + 1] if cut > 0 else text[:budget]
        out.append((rel, text))
        total += len(text.encode())
    return out


def sample_truth(truth: dict, texts: list[tuple[str, str]]) -> dict:
    """The planted values inside the sampled texts. A file cut short keeps
    the prefix of each entity's values that its text still holds: the
    generators plant values in the order they write them."""
    out = {}
    for rel, text in texts:
        per = {}
        for ent, values in truth.get(rel, {}).items():
            pos, kept = 0, []
            for v in values:
                i = text.find(v, pos)
                if i < 0:
                    break
                kept.append(v)
                pos = i + 1
            per[ent] = kept
        out[rel] = per
    return out


def sample_score(found: dict, truth: dict, texts: list[tuple[str, str]]) -> dict:
    return score(found, sample_truth(truth, texts), files=[rel for rel, _ in texts])


def run_presidio(texts: list[tuple[str, str]], entities=None) -> tuple[dict, float, int, float]:
    """Plain Presidio over (relative path, text) pairs: found hashes, wall
    seconds, bytes, CPU seconds of this process."""
    from detectors.presidio_engine import plain_presidio
    from scanner import privacy

    import logging

    # Presidio's e-mail recognizer makes tldextract fetch the public suffix
    # list; offline it logs two tracebacks and uses its bundled copy.
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    analyzer = plain_presidio()
    key = privacy.hash_key()
    found: dict = {}
    nbytes = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for rel, text in texts:
        nbytes += len(text.encode())
        for doc in documents(text):
            for r in analyzer.analyze(text=doc, language="en", entities=entities):
                if entities is None and r.entity_type not in CORE:
                    continue
                found.setdefault(rel, {}).setdefault(r.entity_type, set()).add(
                    privacy.value_hash(r.entity_type, doc[r.start : r.end], key))
    return found, time.perf_counter() - t0, nbytes, time.process_time() - c0


def run_datafog(texts: list[tuple[str, str]]) -> tuple[dict, float, int, float] | None:
    """DataFog's regex engine (its `python` backend) in 1 MB chunks: found
    hashes, wall seconds, bytes, CPU seconds; None when datafog is not
    installed."""
    try:
        import datafog
    except ImportError:
        return None
    from scanner import privacy

    key = privacy.hash_key()
    found: dict = {}
    nbytes = 0
    datafog.scan("warm up 555-234-1234", backend="python")
    t0, c0 = time.perf_counter(), time.process_time()
    for rel, text in texts:
        nbytes += len(text.encode())
        for doc in documents(text, DATAFOG_CHUNK):
            for e in datafog.scan(doc, backend="python").entities:
                ent = DATAFOG_TYPES.get(e.type)
                if ent is not None:
                    found.setdefault(rel, {}).setdefault(ent, set()).add(privacy.value_hash(ent, e.text, key))
    return found, time.perf_counter() - t0, nbytes, time.process_time() - c0


def ripgrep() -> str | None:
    """The rg binary; installed with apt-get when missing and root."""
    rg = shutil.which("rg")
    if rg is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "ripgrep"],
                       capture_output=True, env=env)
        rg = shutil.which("rg")
    return rg


def run_ripgrep(rg: str, tree: Path, repeat: int) -> tuple[float, float, int]:
    """Best-of-`repeat` wall seconds and CPU seconds (user + sys, from
    wait4) of one single-threaded pass, and the number of matches. The output
    goes through a pipe (ripgrep stops at the first match when it sees
    /dev/null)."""
    cmd = [rg, "-o", "-N", "-j", "1", "--no-ignore", "--hidden", "-g", "!truth.json"]
    for p in RG_PATTERNS:
        cmd += ["-e", p]
    cmd.append(str(tree))
    best = best_cpu = None
    matches = 0
    for _ in range(max(3, repeat)):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
        n = 0
        while chunk := proc.stdout.read(1 << 20):
            n += chunk.count(b"\n")
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        secs = time.perf_counter() - t0
        cpu = usage.ru_utime + usage.ru_stime
        if proc.returncode not in (0, 1):
            raise SystemExit(f"ripgrep failed ({proc.returncode})")
        if best is None or secs < best:
            best, matches = secs, n
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    return best, best_cpu, matches


def sample_files(root: Path, budget: int) -> list[str]:
    """Files totalling about `budget` bytes, drawn at random from the whole
    tree: the same mix of logs, notes, exports and dumps (and the same PII
    density) as the tree, so the other engines' rates are measured on text
    like the text piiscout's rate is. PII-dense files would make Presidio look
    slower (its context scoring grows with the number of findings)."""
    import random

    rnd = random.Random(5)
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != "truth.json")
    rnd.shuffle(files)
    picked, total = [], 0
    for f in files:
        if total >= budget:
            break
        picked.append(f)
        total += (root / f).stat().st_size
    return picked


def big_log(path: Path, size: int, kind: str = "share") -> None:
    import random

    p = corpus.Planter(random.Random(7))
    p.path = path.name
    r = workloads._Rnd(7)
    with open(path, "w") as fh:
        written = 0
        while written < size:
            block = corpus.log_file(p, 8 << 20) if kind == "share" else workloads.dense_log(r, 8 << 20)
            fh.write(block)
            written += len(block)


def many_files(root: Path, n: int) -> None:
    import random

    rnd = random.Random(3)
    for i in range(n):
        d = root / f"{i // 1000:04d}"
        if i % 1000 == 0:
            d.mkdir(parents=True, exist_ok=True)
        (d / f"note_{i:07d}.txt").write_text(
            f"ticket {rnd.randint(1, 10 ** 6)}: {corpus._words(rnd, 60)}\n")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small trees and samples: a couple of minutes")
    ap.add_argument("--workloads", default="share,logs,export", help="any of share, logs, export")
    ap.add_argument("--small", default=None, help="small share (default 10MB; --quick 2MB)")
    ap.add_argument("--large", default=None, help="large share (default 60MB; --quick 12MB)")
    ap.add_argument("--logs-small", default=None)
    ap.add_argument("--logs-large", default=None)
    ap.add_argument("--export-small", default=None)
    ap.add_argument("--export-large", default=None)
    ap.add_argument("--presidio-sample", default=None, help="bytes plain Presidio analyses (default 600KB)")
    ap.add_argument("--presidio-on", default="share", help="workloads plain Presidio runs on ('' for none)")
    ap.add_argument("--datafog-sample", default=None,
                    help="bytes DataFog analyses per workload (default 1MB, the export 256KB; --quick a quarter; "
                    "0: no DataFog)")
    ap.add_argument("--workers", default=None, help="worker counts for the share (default 1,2; --quick 1)")
    ap.add_argument("--repeat", type=int, default=1, help="scans per tree; the fastest counts")
    ap.add_argument("--ner", action="store_true", help="also compare with NER (PERSON) on")
    ap.add_argument("--big-log", default=None, help="also scan one log file of this size (peak RSS)")
    ap.add_argument("--big-log-kind", choices=("share", "logs"), default="share",
                    help="share: sparse-PII logs (bench/corpus.py); logs: number-dense logs without PII")
    ap.add_argument("--many-files", type=int, default=0, help="also scan this many small files (peak RSS)")
    ap.add_argument("--cold-start", action="store_true",
                    help="also time a one-file scan without any cache, right after `piiscout warm-cache`, and warm")
    ap.add_argument("--workdir", type=Path, default=None, help="where to generate (default: a temp dir); "
                    "trees already there are reused")
    ap.add_argument("--json", type=Path, default=None, help="write the results here too")
    a = ap.parse_args(argv)
    q = a.quick
    a.small = a.small or ("2MB" if q else "10MB")
    a.large = a.large or ("12MB" if q else "60MB")
    for name in ("logs", "export"):
        _, small, large, q_small, q_large = WORKLOADS[name]
        setattr(a, f"{name}_small", getattr(a, f"{name}_small") or (q_small if q else small))
        setattr(a, f"{name}_large", getattr(a, f"{name}_large") or (q_large if q else large))
    a.presidio_sample = a.presidio_sample or ("200KB" if q else "600KB")
    a.workers = a.workers or ("1" if q else "1,2")
    a.workloads = [w.strip() for w in a.workloads.split(",") if w.strip()]
    a.presidio_on = {w.strip() for w in a.presidio_on.split(",") if w.strip()}
    for w in a.workloads + sorted(a.presidio_on):
        if w not in WORKLOADS:
            ap.error(f"unknown workload {w!r} (share, logs, export)")
    return a


def sizes(a, name: str) -> tuple[str, str]:
    if name == "share":
        return a.small, a.large
    return getattr(a, f"{name}_small"), getattr(a, f"{name}_large")


def trees(work: Path, name: str, small: str, large: str) -> tuple[Path, Path]:
    """The workload's two trees, generated unless already in `work`."""
    from scanner.streams import parse_size

    seeds = {"share": (11, 12), "logs": (21, 22), "export": (31, 32)}[name]
    out = []
    for size, seed in ((small, seeds[0]), (large, seeds[1])):
        tree = work / f"{name}-{size}-{seed}"
        if not (tree / "truth.json").exists():
            shutil.rmtree(tree, ignore_errors=True)
            build_tree(name, tree, parse_size(size), seed)
        out.append(tree)
    return out[0], out[1]


def bench_workload(a, work: Path, name: str, rg: str | None) -> dict:
    """Every engine on one workload; the share also runs with more workers."""
    from scanner.streams import parse_size

    small, large = trees(work, name, *sizes(a, name))
    truth = json.loads((large / "truth.json").read_text())
    n_small, b_small = tree_bytes(small)
    n_large, b_large = tree_bytes(large)
    out: dict = {"small_mb": round(b_small / 1e6, 2), "large_mb": round(b_large / 1e6, 2), "large_files": n_large,
                 "planted": planted_rows(truth)}
    worker_counts = [int(x) for x in a.workers.split(",")] if name == "share" else [1]
    if 1 not in worker_counts:
        worker_counts.insert(0, 1)
    for w in worker_counts:
        rs = best_scan(small, work / f"inv-{name}-small", w, a.repeat)
        rl = best_scan(large, work / f"inv-{name}-large", w, a.repeat)
        mb_s = marginal(b_small, b_large, rs["seconds"], rl["seconds"])
        entry = {"small_s": round(rs["seconds"], 2), "large_s": round(rl["seconds"], 2),
                 "mb_per_s_marginal": round(mb_s, 2), "mb_per_s_overall": round(b_large / 1e6 / rl["seconds"], 2),
                 "cpu_small_s": round(rs["cpu_s"], 2), "cpu_large_s": round(rl["cpu_s"], 2),
                 "cpu_mb_per_s_marginal": round(marginal(b_small, b_large, rs["cpu_s"], rl["cpu_s"]), 2),
                 "files_per_s": round(n_large / rl["seconds"], 1), "peak_rss_mb": round(rl["peak_rss_mb"], 1)}
        if w == 1:
            entry["startup_s_estimate"] = round(rs["seconds"] - b_small / 1e6 / mb_s, 2)
            entry["quality"] = score(piiscout_found(work / f"inv-{name}-large", large), truth)
            entry["finding_rows"] = finding_rows(work / f"inv-{name}-large")
        out[f"piiscout_workers_{w}"] = entry
        print(f"[{name}] piiscout -j {w}: {entry}", file=sys.stderr)
    if rg:
        ts, cs, _ = run_ripgrep(rg, small, a.repeat)
        tl, cl, matches = run_ripgrep(rg, large, a.repeat)
        out["ripgrep"] = {"small_s": round(ts, 3), "large_s": round(tl, 3),
                          "mb_per_s_marginal": round(marginal(b_small, b_large, ts, tl), 1),
                          "cpu_small_s": round(cs, 3), "cpu_large_s": round(cl, 3),
                          "cpu_mb_per_s_marginal": round(marginal(b_small, b_large, cs, cl), 1), "matches": matches}
        print(f"[{name}] ripgrep: {out['ripgrep']}", file=sys.stderr)
    budget = parse_size(a.datafog_sample or DATAFOG_SAMPLE[name][int(a.quick)])
    # --datafog-sample 0: no DataFog (an empty sample took no time to divide by).
    texts = sample_text(large, sample_files(large, budget), budget) if budget > 0 else []
    df = run_datafog(texts) if texts else None
    if df is not None and df[2] and df[3] > 0:
        found, secs, nbytes, cpu = df
        out["datafog"] = {"sample_mb": round(nbytes / 1e6, 3), "seconds": round(secs, 1),
                          "mb_per_s": round(nbytes / 1e6 / secs, 4), "cpu_s": round(cpu, 1),
                          "cpu_mb_per_s": round(nbytes / 1e6 / cpu, 4),
                          "quality_on_sample": sample_score(found, truth, texts)}
        print(f"[{name}] datafog: {out['datafog']}", file=sys.stderr)
    if name in a.presidio_on and parse_size(a.presidio_sample) > 0:
        texts = sample_text(large, sample_files(large, parse_size(a.presidio_sample)), parse_size(a.presidio_sample))
        found, secs, nbytes, cpu = run_presidio(texts)
        out["presidio"] = {"sample_mb": round(nbytes / 1e6, 3), "seconds": round(secs, 1),
                           "mb_per_s": round(nbytes / 1e6 / secs, 4), "cpu_s": round(cpu, 1),
                           "cpu_mb_per_s": round(nbytes / 1e6 / cpu, 4),
                           "quality_on_sample": sample_score(found, truth, texts)}
        whole = all(len(t) == (large / rel).stat().st_size for rel, t in texts if t.isascii())
        if whole:  # piiscout scanned whole files: compare on the same ones
            out["piiscout_quality_on_sample"] = score(piiscout_found(work / f"inv-{name}-large", large), truth,
                                                      files=[rel for rel, _ in texts])
        print(f"[{name}] presidio: {out['presidio']}", file=sys.stderr)
        if name == "share" and a.ner:
            out["ner"] = ner_compare(work, large, truth, [rel for rel, _ in texts])
    ours = out["piiscout_workers_1"]["mb_per_s_marginal"]
    if "ripgrep" in out:
        out["ratio_vs_ripgrep"] = round(ours / out["ripgrep"]["mb_per_s_marginal"], 4)
        out["cpu_ratio_vs_ripgrep"] = round(out["piiscout_workers_1"]["cpu_mb_per_s_marginal"]
                                            / out["ripgrep"]["cpu_mb_per_s_marginal"], 4)
    ours_cpu = out["piiscout_workers_1"]["cpu_mb_per_s_marginal"]
    if "datafog" in out:
        out["ratio_vs_datafog"] = round(ours / out["datafog"]["mb_per_s"], 1)
        out["cpu_ratio_vs_datafog"] = round(ours_cpu / out["datafog"]["cpu_mb_per_s"], 1)
    if "presidio" in out:
        out["ratio_vs_presidio"] = round(ours / out["presidio"]["mb_per_s"], 1)
        out["cpu_ratio_vs_presidio"] = round(ours_cpu / out["presidio"]["cpu_mb_per_s"], 1)
    return {"trees": [str(small), str(large)], **out}


def cold_start(work: Path, repeat: int) -> dict:
    """A one-file tree scanned (a) with no cache at all, (b) on a fresh
    install: `piiscout warm-cache` has filled the machine-wide cache (here a
    directory of the workdir standing in for /var/cache/piiscout) and the
    user's cache is empty, (c) warm. Each the fastest of `repeat` (at least 2)."""
    tree = work / "one-file"
    tree.mkdir(exist_ok=True)
    (tree / "note.txt").write_text("Call Jane at (415) 555-2671 or jane.roe@example.org; SSN 234-56-7890.\n")
    shared = work / "cold-shared-cache"
    shutil.rmtree(shared, ignore_errors=True)
    shared.mkdir(mode=0o755)

    def scan(label: str, env: dict) -> tuple[float, float]:
        r = run_scan(tree, work / f"inv-cold-{label}", 1, env=dict(os.environ, **env))
        return r["seconds"], r["cpu_s"]

    def fresh_user_cache() -> str:
        return tempfile.mkdtemp(prefix="user-cache-", dir=work)

    runs = max(2, repeat)
    nothing = min(scan("nothing", {"PIISCOUT_CACHE_DIR": fresh_user_cache(), "PIISCOUT_SHARED_CACHE_DIR": ""})
                  for _ in range(runs))
    env = {k: v for k, v in os.environ.items() if k != "PIISCOUT_CACHE_DIR"}
    t0 = time.perf_counter()
    subprocess.run(piiscout_cmd() + ["warm-cache", "-q"], check=True,
                   env=dict(env, PIISCOUT_SHARED_CACHE_DIR=str(shared), XDG_CACHE_HOME=str(work / "xdg-unused")))
    warm_cache_s = time.perf_counter() - t0
    firsts, warms = [], []
    for _ in range(runs):
        user = {"PIISCOUT_CACHE_DIR": fresh_user_cache(), "PIISCOUT_SHARED_CACHE_DIR": str(shared)}
        firsts.append(scan("first", user))
        warms.append(scan("warm", user))
    # Wall and CPU each at their best over the runs (load only ever adds).
    first, warm = min(w for w, _ in firsts), min(w for w, _ in warms)
    first_cpu, warm_cpu = min(c for _, c in firsts), min(c for _, c in warms)
    out = {"no_cache_s": round(nothing[0], 2), "no_cache_cpu_s": round(nothing[1], 2),
           "warm_cache_command_s": round(warm_cache_s, 2),
           "first_scan_after_install_s": round(first, 2), "warm_s": round(warm, 2),
           "first_scan_after_install_cpu_s": round(first_cpu, 2), "warm_cpu_s": round(warm_cpu, 2),
           "first_over_warm": round(first / warm, 2), "first_over_warm_cpu": round(first_cpu / warm_cpu, 2),
           "no_cache_over_warm": round(nothing[0] / warm, 2)}
    print(f"cold start: {out}", file=sys.stderr)
    return out


def quality_cell(w: dict) -> str:
    """P/R of piiscout over the planted values, and findings rows per planted
    value; on a tree without planted values, the number of (false) findings."""
    entry = w["piiscout_workers_1"]
    planted = sum(n for e, n in w["planted"].items() if e in CORE)
    rows = entry.get("finding_rows", {})
    if not planted:
        return f"{sum(rows.values())} findings (all false)"
    q = entry["quality"]
    tp = sum(s["tp"] for s in q.values())
    fp = sum(s["fp"] for s in q.values())
    fn = sum(s["fn"] for s in q.values())
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    core_rows = sum(rows.get(e, 0) for e in CORE)
    return f"P {p:.3f} / R {r:.3f}; {core_rows:,} rows for {planted:,} planted"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.2f}%"


def _times(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}x"


def table(results: dict) -> str:
    """MB/s per worker by wall clock and by CPU time (user + sys of the scan
    and its worker; what to read on a loaded machine), each with its ratio
    to ripgrep measured the same way."""
    cols = ("workload", "MB (large)", "piiscout MB/s, 1 worker (wall / CPU)", "ripgrep MB/s (wall / CPU)",
            "piiscout / ripgrep (wall / CPU)", "DataFog MB/s (CPU)", "Presidio MB/s (CPU)",
            "piiscout / Presidio (wall / CPU)", "peak RSS MB", "piiscout quality")
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for name, w in results["workloads"].items():
        p1, rg = w["piiscout_workers_1"], w.get("ripgrep", {})
        cells = (name, f"{w['large_mb']:.0f}", f"{p1['mb_per_s_marginal']:.2f} / {p1['cpu_mb_per_s_marginal']:.2f}",
                 f"{rg.get('mb_per_s_marginal', '-')} / {rg.get('cpu_mb_per_s_marginal', '-')}",
                 f"{_pct(w.get('ratio_vs_ripgrep'))} / {_pct(w.get('cpu_ratio_vs_ripgrep'))}",
                 str(w.get("datafog", {}).get("cpu_mb_per_s", "-")), str(w.get("presidio", {}).get("cpu_mb_per_s", "-")),
                 f"{_times(w.get('ratio_vs_presidio'))} / {_times(w.get('cpu_ratio_vs_presidio'))}",
                 f"{p1['peak_rss_mb']:.0f}", quality_cell(w))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    from scanner.streams import parse_size

    a = parse_args(argv)
    os.environ["PIISCOUT_HASH_KEY"] = KEY
    work = a.workdir or Path(tempfile.mkdtemp(prefix="piiscout-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": machine(), "command": " ".join([Path(sys.argv[0]).name] + (argv or sys.argv[1:])),
                     "workloads": {}}
    rg = ripgrep()
    if rg is None:
        print("ripgrep not found (apt-get install ripgrep): its column is left out", file=sys.stderr)
    try:
        import datafog  # noqa: F401
    except ImportError:
        print("datafog not installed (pip install -e '.[bench]'): its column is left out", file=sys.stderr)
    # Warm-up: the first scan on a machine compiles and caches the prefilter
    # databases; that is a one-off cost (see --cold-start), not start-up.
    first = trees(work, a.workloads[0], *sizes(a, a.workloads[0]))[0] if a.workloads else None
    if first is not None:
        run_scan(first, work / "inv-warmup", 1)
    for name in a.workloads:
        results["workloads"][name] = bench_workload(a, work, name, rg)
    share = results["workloads"].get("share")
    if share:  # the keys earlier runs wrote (bench/results-*.json)
        for k in ("piiscout_workers_1", "piiscout_workers_2", "presidio", "piiscout_quality_on_sample", "ner"):
            if k in share:
                results[k] = share[k]
        if "ratio_vs_presidio" in share:
            results["ratio_vs_presidio_per_worker"] = share["ratio_vs_presidio"]
    if a.big_log:
        d = work / f"biglog-{a.big_log_kind}"
        d.mkdir(exist_ok=True)
        f = d / "huge.log"
        if not f.exists() or f.stat().st_size < parse_size(a.big_log):
            big_log(f, parse_size(a.big_log), a.big_log_kind)
        r = run_scan(d, work / "inv-biglog", 1)
        results["big_log"] = {"kind": a.big_log_kind, "mb": round(f.stat().st_size / 1e6, 1),
                              "seconds": round(r["seconds"], 1), "mb_per_s": round(f.stat().st_size / 1e6 / r["seconds"], 2),
                              "cpu_s": round(r["cpu_s"], 1), "cpu_mb_per_s": round(f.stat().st_size / 1e6 / r["cpu_s"], 2),
                              "peak_rss_mb": round(r["peak_rss_mb"], 1)}
        print(f"big log: {results['big_log']}", file=sys.stderr)
    if a.many_files:
        d = work / f"many-{a.many_files}"
        if not d.exists():
            many_files(d, a.many_files)
        wmax = max(int(x) for x in a.workers.split(","))
        r = run_scan(d, work / "inv-many", wmax)
        results["many_files"] = {"files": a.many_files, "workers": wmax, "seconds": round(r["seconds"], 1),
                                 "files_per_s": round(a.many_files / r["seconds"], 1),
                                 "peak_rss_mb": round(r["peak_rss_mb"], 1)}
        print(f"many files: {results['many_files']}", file=sys.stderr)
    if a.cold_start:
        results["cold_start"] = cold_start(work, a.repeat)
    if results["workloads"]:
        results["table"] = table(results)
    text = json.dumps(results, indent=2)
    print(text)
    if a.json:
        a.json.write_text(text)
    if "table" in results:
        print("\n" + results["table"] + f"\n\n(workdir {work}; load before: {results['machine'].get('load_before')})",
              file=sys.stderr)
    return 0


def ner_compare(work: Path, large: Path, truth: dict, sample: list[str]) -> dict:
    """PERSON on both sides, on the sample: throughput (piiscout: marginal
    between the sample and COPIES copies of it, so loading spaCy is not
    counted) and F1."""
    subs = {}
    for copies in (1, NER_COPIES):
        sub = work / f"ner-sample-{copies}"
        shutil.rmtree(sub, ignore_errors=True)
        for c in range(copies):
            for rel in sample:
                dest = sub / (f"copy{c}/" if c else "") / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(large / rel, dest)
        (sub / "truth.json").write_text(json.dumps({k: v for k, v in truth.items() if k in sample}))
        subs[copies] = sub
    runs = {c: run_scan(subs[c], work / f"inv-ner-{c}", 1, ["--entities", "PERSON", "--ner"]) for c in subs}
    nbytes = tree_bytes(subs[1])[1]
    ner_secs = max(1e-9, runs[NER_COPIES]["seconds"] - runs[1]["seconds"]) / (NER_COPIES - 1)
    ours = piiscout_found(work / "inv-ner-1", subs[1])
    found, secs, pbytes, _ = run_presidio([(rel, (subs[1] / rel).read_text()) for rel in sample], entities=["PERSON"])
    return {
        "sample_mb": round(nbytes / 1e6, 3),
        "piiscout_mb_per_s": round(nbytes / 1e6 / ner_secs, 3),
        "presidio_mb_per_s": round(pbytes / 1e6 / secs, 4),
        "ratio": round((nbytes / ner_secs) / (pbytes / secs), 1),
        "piiscout_person": f1(score(ours, truth, ("PERSON",), sample)["PERSON"]),
        "presidio_person": f1(score(found, truth, ("PERSON",), sample)["PERSON"]),
    }


# Enough copies that the difference is seconds, not start-up noise.
NER_COPIES = 21


def f1(s: dict) -> dict:
    p, r = s["precision"], s["recall"]
    return {**s, "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def machine() -> dict:
    import platform

    info = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        info["load_before"] = os.getloadavg()
    except OSError:
        pass
    return info


if __name__ == "__main__":
    sys.exit(main())
