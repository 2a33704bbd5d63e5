"""What reading permissions costs: local ACLs, and SMB descriptors.

Local (any user; files with ACLs need setfacl):
  stat only        os.stat per file: what the listing pays anyway
  getxattr parse   + scanner.exposure.posix.file_access (os.getxattr of
                   system.posix_acl_access, parsed here)
  pylibacl         + posix1e.ACL(file=...) and walking its entries, if
                   pylibacl is importable (LGPL-2.1, built from source: it
                   needs libacl1-dev and a compiler; not a dependency)

SMB (root and Samba: a private smbd, tests/connectors/samba.py):
  read             open + read + close of each file, one process
  read + SD        the same with the descriptor asked for in the open's compound
  SD, 1 in flight  descriptors alone (CREATE + QUERY_INFO + CLOSE), one at a time
  SD, 16 in flight the same, 16 compounds per round trip (incremental rescans)

    sudo .venv/bin/python bench/exposure_speed.py [--files 20000] [--smb-files 2000]

Figures are per process and noisy on a shared machine: re-run on a quiet one.
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

from scanner.exposure import posix  # noqa: E402


def _tree(root: Path, n: int, acl_every: int = 2) -> list[str]:
    paths = []
    setfacl = shutil.which("setfacl")
    for i in range(n):
        folder = root / f"d{i // 1000:03d}"
        folder.mkdir(exist_ok=True)
        p = folder / f"f{i:06d}.txt"
        p.write_bytes(b"x" * 64)
        os.chmod(p, 0o640)
        paths.append(str(p))
    if setfacl:
        targets = paths[::acl_every]
        for i in range(0, len(targets), 500):
            subprocess.run([setfacl, "-m", "u:root:r", *targets[i:i + 500]], check=True)
    return paths


def _time(fn, paths) -> float:
    t0 = time.perf_counter()
    for p in paths:
        fn(p)
    return (time.perf_counter() - t0) / len(paths) * 1e6


def local(n: int) -> None:
    base = Path(tempfile.mkdtemp(prefix="piiscout-exposure-bench-"))
    try:
        paths = _tree(base, n)
        stat_us = _time(os.stat, paths)

        def ours(p):
            st = os.stat(p)
            raw = posix.read_acl(p)
            return st, posix.parse_acl(raw) if raw else ()

        def full(p):  # what the listing runs: entries to named readers (cached per mode/ids/ACL)
            return posix.file_access(p, os.stat(p))

        ours_us = _time(ours, paths)
        full_us = _time(full, paths)
        print(f"local, {n:,} files (half with an ACL), µs per file:")
        print(f"  stat only        {stat_us:7.2f}")
        print(f"  getxattr parse   {ours_us:7.2f}  (+{ours_us - stat_us:.2f})")
        print(f"  file_access      {full_us:7.2f}  (+{full_us - stat_us:.2f}: getxattr, parse, readers)")
        try:
            import posix1e
        except ImportError:
            print("  pylibacl         not installed")
            return

        def theirs(p):
            st = os.stat(p)
            readers = []
            for e in posix1e.ACL(file=p):
                if e.permset.read:
                    tag = e.tag_type
                    qualifier = e.qualifier if tag in (posix1e.ACL_USER, posix1e.ACL_GROUP) else None
                    readers.append((tag, qualifier))
            return st, readers

        lib_us = _time(theirs, paths)
        print(f"  pylibacl         {lib_us:7.2f}  (+{lib_us - stat_us:.2f})")
    finally:
        shutil.rmtree(base, ignore_errors=True)


def smb(n: int) -> None:
    from tests.connectors import samba
    from tests.connectors.samba import PASSWORD, USER, SambaServer

    why = samba.unavailable()
    if why:
        print(f"SMB: skipped ({why})")
        return
    from connectors.smb_security import query_security
    from connectors.smb_session import Endpoint, SmbSession

    srv = SambaServer(samba.free_port(4460))
    share = srv.base / "share"
    share.mkdir()
    for i in range(n):
        (share / f"f{i:05d}.txt").write_bytes(b"y" * 1024)
    subprocess.run(["chmod", "-R", "a+rX", str(srv.base)], check=True)
    srv.add_share("bench", share, **{"valid users": USER})
    srv.start()
    try:
        s = SmbSession(Endpoint("127.0.0.1", srv.port, USER, password_env="X"), lambda: PASSWORD)
        s.connect()
        names = [f"f{i:05d}.txt" for i in range(n)]

        def read(security: bool) -> float:
            t0 = time.perf_counter()
            for name in names:
                with s.open_file("bench", name, security) as f:
                    f.read()
            return n / (time.perf_counter() - t0)

        def descriptors(window: int) -> float:
            t0 = time.perf_counter()
            query_security(s.tree("bench"), names, window)
            return n / (time.perf_counter() - t0)

        read(False)  # warm up
        print(f"SMB over loopback, {n:,} files of 1 KiB, files per second (one process):")
        print(f"  read             {read(False):8,.0f}")
        print(f"  read + SD        {read(True):8,.0f}")
        print(f"  SD, 1 in flight  {descriptors(1):8,.0f}")
        print(f"  SD, 16 in flight {descriptors(16):8,.0f}")
        s.close()
    finally:
        srv.cleanup()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--smb-files", type=int, default=2000)
    ap.add_argument("--no-smb", action="store_true")
    a = ap.parse_args()
    local(a.files)
    if not a.no_smb:
        smb(a.smb_files)


if __name__ == "__main__":
    main()
