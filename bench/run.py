"""piiscout against plain Presidio, side by side, in one run.

    .venv/bin/python bench/run.py                       # defaults below
    .venv/bin/python bench/run.py --large 200MB --workers 1,2 --ner
    .venv/bin/python bench/run.py --big-log 2GB --many-files 1000000   # memory checks

1. Generates two synthetic shares (bench/corpus.py: logs, notes, CSV exports,
   JSON dumps with planted SSNs, cards, e-mails, phones and names) of a
   small and a large size.
2. Runs `piiscout scan --workers N` on both (a subprocess, as a user would)
   and reports the *marginal* throughput between them, so start-up neither
   hides nor inflates anything, plus files/s, peak RSS and precision/recall
   against the planted truth.
3. Runs plain Presidio, as a user would run it (AnalyzerEngine with its
   default recognizers and the same spaCy model, one analyze() per document
   of at most 100 KB), on a sample of the same files, and reports MB/s and
   precision/recall on that sample (piiscout's on the same sample too).
4. Prints the ratio. Optional: NER on both (`--ner`, PERSON F1), a single
   huge log file and a million small files (peak RSS).

Figures depend on the machine; run it when nothing else is busy.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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

KEY = "piiscout-bench-key"
CORE = ("US_SSN", "CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER")


def piiscout_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("piiscout")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "scanner.cli"]


# Runs one command and reports the peak RSS of its largest process (it or a
# worker it started): RUSAGE_CHILDREN of a fresh process counts only these.
_PEAK = ("import resource, subprocess, sys; rc = subprocess.call(sys.argv[1:]); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(rc)")


def run_scan(target: Path, inv: Path, workers: int, extra: list[str] = ()) -> dict:
    """One scan in a subprocess: wall seconds and the peak RSS of the largest
    process (the parent or one worker)."""
    shutil.rmtree(inv, ignore_errors=True)
    env = dict(os.environ, PIISCOUT_HASH_KEY=KEY)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _PEAK] + piiscout_cmd()
                          + ["scan", str(target), "-i", str(inv), "-j", str(workers), "-q", "-x", "truth.json", *extra],
                          capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"piiscout failed ({proc.returncode}): {proc.stderr.strip()}")
    lines = proc.stderr.strip().splitlines()
    peak_kb = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    return {"seconds": wall, "peak_rss_mb": peak_kb / 1024, "summary": proc.stdout.strip()}


def tree_bytes(root: Path) -> tuple[int, int]:
    n = size = 0
    for p in root.rglob("*"):
        if p.is_file() and p.name != "truth.json":
            n += 1
            size += p.stat().st_size
    return n, size


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


def run_presidio(root: Path, files: list[str], entities=None) -> tuple[dict, float, int]:
    """Plain Presidio over `files` (relative paths): found hashes, seconds, bytes."""
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
    t0 = time.perf_counter()
    for rel in files:
        text = (root / rel).read_text()
        nbytes += len(text.encode())
        for doc in documents(text):
            for r in analyzer.analyze(text=doc, language="en", entities=entities):
                if entities is None and r.entity_type not in CORE:
                    continue
                found.setdefault(rel, {}).setdefault(r.entity_type, set()).add(
                    privacy.value_hash(r.entity_type, doc[r.start : r.end], key))
    return found, time.perf_counter() - t0, nbytes


def sample_files(root: Path, budget: int) -> list[str]:
    """Files totalling about `budget` bytes, drawn at random from the whole
    share: the same mix of logs, notes, exports and dumps (and the same PII
    density) as the share, so plain Presidio's rate is measured on text like
    the text piiscout's rate is. PII-dense files would make Presidio look
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


def big_log(path: Path, size: int) -> None:
    import random

    p = corpus.Planter(random.Random(7))
    p.path = path.name
    with open(path, "w") as fh:
        written = 0
        while written < size:
            block = corpus.log_file(p, 8 << 20)
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


def main(argv=None) -> int:
    from scanner.streams import parse_size

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--small", default="10MB")
    ap.add_argument("--large", default="60MB")
    ap.add_argument("--presidio-sample", default="600KB", help="bytes of the large share plain Presidio analyses")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--ner", action="store_true", help="also compare with NER (PERSON) on")
    ap.add_argument("--big-log", default=None, help="also scan one log file of this size (peak RSS)")
    ap.add_argument("--many-files", type=int, default=0, help="also scan this many small files (peak RSS)")
    ap.add_argument("--workdir", type=Path, default=None, help="where to generate (default: a temp dir)")
    ap.add_argument("--json", type=Path, default=None, help="write the results here too")
    a = ap.parse_args(argv)

    os.environ["PIISCOUT_HASH_KEY"] = KEY
    work = a.workdir or Path(tempfile.mkdtemp(prefix="piiscout-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": machine()}
    small, large = work / "small", work / "large"
    for tree, size, seed in ((small, a.small, 11), (large, a.large, 12)):
        if not (tree / "truth.json").exists():
            corpus.build(tree, parse_size(size), seed, 64 << 10)
    truth = json.loads((large / "truth.json").read_text())
    n_small, b_small = tree_bytes(small)
    n_large, b_large = tree_bytes(large)
    results["corpus"] = {"small_mb": b_small / 1e6, "large_mb": b_large / 1e6, "large_files": n_large,
                         "planted": sum(len(v) for f in truth.values() for v in f.values())}

    # Warm-up: the first scan on a machine compiles and caches the prefilter
    # databases; that is a one-off cost, not start-up, so it is not timed.
    run_scan(small, work / "inv-small", 1)
    for w in [int(x) for x in a.workers.split(",")]:
        rs = run_scan(small, work / "inv-small", w)
        rl = run_scan(large, work / "inv-large", w)
        if rl["seconds"] > rs["seconds"]:
            marginal = (b_large - b_small) / 1e6 / (rl["seconds"] - rs["seconds"])
        else:  # noise swamped the difference: fall back to the overall rate
            marginal = b_large / 1e6 / rl["seconds"]
        entry = {"small_s": round(rs["seconds"], 2), "large_s": round(rl["seconds"], 2),
                 "mb_per_s_marginal": round(marginal, 2), "mb_per_s_overall": round(b_large / 1e6 / rl["seconds"], 2),
                 "files_per_s": round(n_large / rl["seconds"], 1), "peak_rss_mb": round(rl["peak_rss_mb"], 1)}
        if w == 1:
            entry["startup_s_estimate"] = round(rs["seconds"] - b_small / 1e6 / marginal, 2)
            entry["quality"] = score(piiscout_found(work / "inv-large", large), truth)
        results[f"piiscout_workers_{w}"] = entry
        print(f"piiscout -j {w}: {entry}", file=sys.stderr)

    sample = sample_files(large, parse_size(a.presidio_sample))
    found, secs, nbytes = run_presidio(large, sample)
    ours = piiscout_found(work / "inv-large", large)
    results["presidio"] = {"sample_mb": round(nbytes / 1e6, 3), "seconds": round(secs, 1),
                           "mb_per_s": round(nbytes / 1e6 / secs, 4),
                           "quality_on_sample": score(found, truth, files=sample)}
    results["piiscout_quality_on_sample"] = score(ours, truth, files=sample)
    per_worker = results["piiscout_workers_1"]["mb_per_s_marginal"] if "piiscout_workers_1" in results else None
    if per_worker:
        results["ratio_vs_presidio_per_worker"] = round(per_worker / results["presidio"]["mb_per_s"], 1)
    print(f"presidio: {results['presidio']}", file=sys.stderr)

    if a.ner:
        results["ner"] = ner_compare(work, large, truth, sample)

    if a.big_log:
        d = work / "biglog"
        d.mkdir(exist_ok=True)
        f = d / "huge.log"
        if not f.exists() or f.stat().st_size < parse_size(a.big_log):
            big_log(f, parse_size(a.big_log))
        r = run_scan(d, work / "inv-biglog", 1)
        results["big_log"] = {"mb": round(f.stat().st_size / 1e6, 1), "seconds": round(r["seconds"], 1),
                              "mb_per_s": round(f.stat().st_size / 1e6 / r["seconds"], 2),
                              "peak_rss_mb": round(r["peak_rss_mb"], 1)}
        print(f"big log: {results['big_log']}", file=sys.stderr)
    if a.many_files:
        d = work / f"many-{a.many_files}"
        if not d.exists():
            many_files(d, a.many_files)
        r = run_scan(d, work / "inv-many", max(int(x) for x in a.workers.split(",")))
        results["many_files"] = {"files": a.many_files, "workers": max(int(x) for x in a.workers.split(",")), "seconds": round(r["seconds"], 1),
                                 "files_per_s": round(a.many_files / r["seconds"], 1),
                                 "peak_rss_mb": round(r["peak_rss_mb"], 1)}
        print(f"many files: {results['many_files']}", file=sys.stderr)

    text = json.dumps(results, indent=2)
    print(text)
    if a.json:
        a.json.write_text(text)
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
    runs = {c: run_scan(subs[c], work / f"inv-ner-{c}", 1, ["--entities", "PERSON"]) for c in subs}
    nbytes = tree_bytes(subs[1])[1]
    ner_secs = max(1e-9, runs[NER_COPIES]["seconds"] - runs[1]["seconds"]) / (NER_COPIES - 1)
    ours = piiscout_found(work / "inv-ner-1", subs[1])
    found, secs, pbytes = run_presidio(subs[1], sample, entities=["PERSON"])
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
