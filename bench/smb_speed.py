"""SMB scan speed over loopback: piiscout against a plain smbprotocol read.

Starts a private smbd (root and Samba needed; see tests/connectors/samba.py)
serving a generated tree of synthetic text files, then measures, on the
same files:

  smbclient read    smbprotocol's high-level API: scandir + open_file, read
                    each file in 1 MiB chunks (one process) - the floor
  piiscout read     piiscout's SMB connector listing and reading, no detection
                    (one process) - the transport cost
  piiscout scan     the full `piiscout scan smb://...` with N workers
  local scan        the same tree scanned from disk, for comparison

    sudo .venv/bin/python bench/smb_speed.py [--files 2000] [--file-kb 16] [--big 4] [--big-mb 16] [-j 2]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.connectors import samba  # noqa: E402
from tests.connectors.samba import PASSWORD, USER, SambaServer  # noqa: E402


def make_tree(root: Path, files: int, file_kb: int, big: int, big_mb: int) -> tuple[int, int]:
    """Synthetic text with PII-like values; returns (files, bytes)."""
    rnd = random.Random(7)

    def line(i: int) -> str:
        # Mostly ordinary log text; one line in 50 carries PII (a realistic
        # density: detection cost grows with the number of findings).
        if i % 50 == 0:
            return (f"2024-03-{i % 28 + 1:02d} customer update: user{i}@example.com, +1 212-555-"
                    f"{rnd.randrange(10000):04d}, SSN {rnd.randrange(100, 665)}-{rnd.randrange(10, 99)}-"
                    f"{rnd.randrange(1000, 9999)}\n")
        return (f"2024-03-{i % 28 + 1:02d}T12:{i % 60:02d}:00 INFO request served in {rnd.randrange(1, 900)} ms "
                f"path=/api/v1/items/{rnd.randrange(10**6)} status=200 bytes={rnd.randrange(10**5)}\n")

    block = "".join(line(i) for i in range(1000)).encode()
    total = 0
    for i in range(files):
        d = root / f"dept{i % 20:02d}"
        d.mkdir(parents=True, exist_ok=True)
        data = (block * (file_kb * 1024 // len(block) + 1))[: file_kb * 1024]
        (d / f"file{i:05d}.csv").write_bytes(data)
        total += len(data)
    for i in range(big):
        d = root / "archive"
        d.mkdir(parents=True, exist_ok=True)
        data = (block * (big_mb * 1024 * 1024 // len(block) + 1))[: big_mb * 1024 * 1024]
        (d / f"export{i}.csv").write_bytes(data)
        total += len(data)
    return files + big, total


def smbclient_read(port: int, share: str) -> tuple[int, int]:
    import smbclient

    kw = dict(username=USER, password=PASSWORD, port=port)
    n = nbytes = 0
    stack = [rf"\\127.0.0.1\{share}"]
    buf = bytearray(1 << 20)
    while stack:
        folder = stack.pop()
        for e in smbclient.scandir(folder, **kw):
            if e.is_dir():
                stack.append(e.path)
                continue
            with smbclient.open_file(e.path, mode="rb", buffering=0, **kw) as f:
                while True:
                    k = f.readinto(buf)
                    if not k:
                        break
                    nbytes += k
            n += 1
    smbclient.reset_connection_cache(fail_on_error=False)
    return n, nbytes


def piiscout_read(port: int, share: str) -> tuple[int, int]:
    from connectors.registry import connector_for, resolve
    from scanner.model import Item
    from scanner.settings import ScanSettings

    os.environ["PIISCOUT_SMB_PASSWORD"] = PASSWORD
    spec = resolve(f"smb://{USER}@127.0.0.1:{port}/{share}", options={"prompt": False})
    conn = connector_for(spec)(spec, ScanSettings())
    conn.check()
    n = nbytes = 0
    for item in conn.list_items():
        if not isinstance(item, Item):
            continue
        with conn.open(item) as f:
            while True:
                chunk = f.read(1 << 20)
                if not chunk:
                    break
                nbytes += len(chunk)
        n += 1
    conn.close()
    return n, nbytes


def cli_scan(target: str, inv: Path, workers: int, env: dict) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", target, "-i", str(inv), "-j", str(workers),
                           "-q"], cwd=str(ROOT), env={**os.environ, **env}, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"scan of {target} failed ({proc.returncode}): {proc.stderr.strip()}")
    print(f"    {proc.stdout.strip()}")
    return took


class _SkipScans(Exception):
    pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=2000, help="small files (default 2000)")
    ap.add_argument("--file-kb", type=int, default=16, help="size of each small file in KiB (default 16)")
    ap.add_argument("--big", type=int, default=4, help="large files (default 4)")
    ap.add_argument("--big-mb", type=int, default=16, help="size of each large file in MiB (default 16)")
    ap.add_argument("-j", "--workers", type=int, default=2, help="scan workers (default 2)")
    ap.add_argument("--reads-only", action="store_true", help="skip the two scans")
    ap.add_argument("--port", type=int, default=4451, help="port for the private smbd (default 4451)")
    args = ap.parse_args()
    # Stopped from outside: still stop smbd and remove the corpus.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(4))
    why = samba.unavailable()
    if why:
        raise SystemExit(f"smb_speed: {why}")

    server = SambaServer(args.port)
    try:
        share_dir = server.base / "bench"
        files, total = make_tree(share_dir, args.files, args.file_kb, args.big, args.big_mb)
        subprocess.run(["chmod", "-R", "a+rX", str(share_dir)], check=True)
        server.add_share("bench", share_dir, **{"valid users": USER})
        server.start()
        mb = total / 1e6
        print(f"corpus: {files} files, {mb:.1f} MB ({args.files} x {args.file_kb} KiB + {args.big} x {args.big_mb} MiB)"
              f", smbd on 127.0.0.1:{args.port}, {os.cpu_count()} CPUs")
        rows = []
        for name, fn in (("smbclient read (1 proc)", lambda: smbclient_read(args.port, "bench")),
                         ("piiscout read (1 proc)", lambda: piiscout_read(args.port, "bench"))):
            fn()  # warm the server's page cache and the imports
            t0 = time.perf_counter()
            n, nbytes = fn()
            took = time.perf_counter() - t0
            assert n == files and nbytes == total, (n, nbytes)
            rows.append((name, took))
        tmp = Path(tempfile.mkdtemp(prefix="piiscout-bench-"))
        try:
            if args.reads_only:
                raise _SkipScans
            env = {"PIISCOUT_SMB_PASSWORD": PASSWORD, "PIISCOUT_HASH_KEY": "bench"}
            print("  piiscout scan over SMB:")
            rows.append((f"piiscout scan SMB (-j {args.workers})",
                         cli_scan(f"smb://{USER}@127.0.0.1:{args.port}/bench", tmp / "smb", args.workers, env)))
            print("  piiscout scan of the same tree on local disk:")
            rows.append((f"piiscout scan local (-j {args.workers})",
                         cli_scan(str(share_dir), tmp / "local", args.workers, env)))
        except _SkipScans:
            pass
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(f"\n{'':28} {'seconds':>8} {'MB/s':>8} {'files/s':>9}")
        for name, took in rows:
            print(f"{name:28} {took:8.2f} {mb / took:8.1f} {files / took:9.1f}")
        print("(scan rows include process start-up and model loading, ~3-5 s)")
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
