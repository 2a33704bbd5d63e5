"""A share of hostile names, scanned to the end: every item accounted for, memory flat.

    python bench/hostile_tree.py [--files 200000] [--workers 2] [--dir DIR] [--keep]

Builds a tree of `--files` small files (synthetic PII in some contents and
some names) whose names mix what real shares hold: Latin-1/cp1252 bytes
that are not UTF-8, newlines, a leading dash, 255-byte names, PII in names,
spaces and brackets, deep folders; plus a few Office owner files, dangling
links and FIFOs. Then runs the real CLI (`piiscout scan`), sampling the peak
RSS (VmHWM) of the parent and of every worker process while it runs, and
checks:

* the scan ends (exit 0 or 1) with its end-of-scan record;
* every file, link and FIFO has exactly one top-level `items` row, found by
  its keyed `location_hash` (names with PII are masked in `location`);
* no row holds U+FFFD, and non-UTF-8 names are in the escaped form;
* peak RSS per worker (and of the parent) is printed: the issue asks < 500 MB.

Figures on a shared 2-core machine are noisy: re-run on a quiet one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.names import escape_bytes  # noqa: E402

KEY = "piiscout-bench-key"


def _name(i: int, rnd: random.Random) -> bytes:
    kind = i % 20
    if kind in (0, 1, 2, 3):  # Latin-1 / cp1252 bytes: not UTF-8
        return f"caf{i}".encode() + b"\xe9_payroll_" + bytes([rnd.choice([0xe4, 0xf6, 0xfc, 0x92, 0x96])]) + b".txt"
    if kind == 4:
        return f"new\nline {i}.txt".encode()
    if kind == 5:
        return f"-rf {i}.txt".encode()
    if kind == 6:  # 255 bytes, the longest name Linux allows
        stem = f"long_{i}_".encode()
        return stem + b"x" * (255 - len(stem) - 4) + b".txt"
    if kind == 7:  # PII in the name
        return f"Smith_{100 + i % 500:03d}-{10 + i % 89:02d}-{1000 + i % 8999:04d}.txt".encode()
    if kind == 8:
        return f"[draft] ({i}) résumé — final.txt".encode()
    if kind == 9:
        return f"=HYPERLINK {i}.csv".encode()
    return f"note_{i:06d}.txt".encode()


def build(root: Path, files: int, seed: int = 3) -> list[bytes]:
    """The tree; returns every path (bytes) that must get an items row."""
    rnd = random.Random(seed)
    broot = os.fsencode(root)
    expected = []
    for i in range(files):
        folder = os.path.join(broot, f"d{i % 200:03d}".encode(), b"s\xe9ction" if i % 7 == 0 else b"sub")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, _name(i, rnd))
        with open(path, "wb") as fh:
            if i % 10 == 0:
                fh.write(f"Employee SSN {100 + i % 500:03d}-{10 + i % 89:02d}-{1000 + i % 8999:04d}\n".encode())
            else:
                fh.write(b"nothing personal here, line " + str(i).encode() + b"\n")
        expected.append(path)
    extras = os.path.join(broot, b"extras")
    os.makedirs(extras, exist_ok=True)
    for j in range(20):
        p = os.path.join(extras, f"~$budget{j}.xlsx".encode())
        with open(p, "wb") as fh:
            fh.write(b"\x0bJane Smith" + b"\0" * 151)
        expected.append(p)
        link = os.path.join(extras, f"dangling{j}".encode())
        os.symlink(b"/nowhere/at/all", link)
        expected.append(link)
        fifo = os.path.join(extras, f"pipe{j}".encode())
        os.mkfifo(fifo)
        expected.append(fifo)
    return expected


class RssSampler(threading.Thread):
    """Peak RSS (VmHWM) of a process and of its children, sampled."""

    def __init__(self, pid: int, every: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak: dict[int, int] = {}
        self.done = threading.Event()

    def _children(self) -> list[int]:
        out = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat") as fh:
                        if int(fh.read().rsplit(")", 1)[1].split()[1]) == self.pid:
                            out.append(int(d))
                except (OSError, ValueError, IndexError):
                    continue
        return out

    def run(self) -> None:
        while not self.done.is_set():
            for pid in [self.pid] + self._children():
                try:
                    with open(f"/proc/{pid}/status") as fh:
                        for line in fh:
                            if line.startswith("VmHWM:"):
                                kb = int(line.split()[1])
                                self.peak[pid] = max(self.peak.get(pid, 0), kb)
                except OSError:
                    continue
            self.done.wait(self.every)


def check(inv: Path, expected: list[bytes]) -> dict:
    import pyarrow.dataset as ds

    from scanner import privacy
    from scanner.namescan import location_hash

    items = ds.dataset(inv / "items", format="parquet").to_table(
        columns=["location", "part", "status", "location_hash"]).to_pylist()
    top = [r for r in items if not r["part"]]
    key = privacy.hash_key()
    want = {location_hash(escape_bytes(p), key) for p in expected}
    have = [r["location_hash"] for r in top]
    statuses: dict[str, int] = {}
    for r in top:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    return {
        "expected": len(want),
        "rows": len(top),
        "missing": len(want - set(have)),
        "unexpected": len(set(have) - want),
        "duplicates": len(have) - len(set(have)),
        "replacement_chars": sum(1 for r in items if "\ufffd" in (r["location"] + r["part"])),
        "escaped_names": sum(1 for r in top if "\\x" in r["location"]),
        "statuses": statuses,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    os.environ["PIISCOUT_HASH_KEY"] = KEY
    work = args.dir or Path(tempfile.mkdtemp(prefix="piiscout-hostile-"))
    tree, inv = work / "share", work / "inv"
    t0 = time.monotonic()
    expected = build(tree, args.files)
    print(f"built {len(expected):,} entries in {time.monotonic() - t0:.0f}s under {tree}", flush=True)
    cmd = [sys.executable, "-m", "scanner.cli", "scan", str(tree), "-i", str(inv), "-j", str(args.workers), "-q",
           "--log-format", "json"]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT))
    sampler = RssSampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    sampler.done.set()
    seconds = time.monotonic() - t0
    end = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    result = {"files": args.files, "workers": args.workers, "exit_code": proc.returncode, "seconds": round(seconds, 1),
              "status": end.get("status"), "items": end.get("items"), "findings": end.get("findings"),
              "stderr_lines": len(err.splitlines()), **check(inv, expected)}
    peaks = sorted(sampler.peak.items())
    result["peak_rss_mb_parent"] = round(sampler.peak.get(proc.pid, 0) / 1024, 1)
    result["peak_rss_mb_workers"] = [round(kb / 1024, 1) for pid, kb in peaks if pid != proc.pid]
    print(json.dumps(result, indent=2))
    ok = (proc.returncode in (0, 1) and result["missing"] == 0 and result["duplicates"] == 0
          and result["replacement_chars"] == 0 and all(mb < 500 for mb in result["peak_rss_mb_workers"]))
    print("OK" if ok else "FAILED")
    if not args.keep and args.dir is None:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
