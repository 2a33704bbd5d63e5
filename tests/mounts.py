"""Real full disks and read-only file systems for fault tests.

A small tmpfs fills up for real (ENOSPC from the kernel, not a mock), and a
read-only bind mount refuses writes even to root (EROFS), which file modes
do not. Both need root and mount(8); without them the test is skipped with
the reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest


def _mount(*args: str) -> None:
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    proc = subprocess.run(["mount", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount here ({proc.stderr.strip() or proc.returncode})")


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str = "256k") -> Iterator[Path]:
    """A tmpfs of `size` at `path` (created): writes past it fail with ENOSPC."""
    path.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path))
    try:
        yield path
    finally:
        _umount(path)


def fill(path: Path, leave: int = 0) -> None:
    """Fill the file system holding `path`, leaving about `leave` bytes."""
    st = os.statvfs(path)
    free = st.f_bavail * st.f_frsize - leave
    if free > 0:
        with open(path / ".filler", "wb") as fh:
            try:
                fh.write(b"\0" * free)
            except OSError:
                pass


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """`path` made read-only for everyone, root included, by a read-only bind
    mount over itself."""
    _mount("--bind", str(path), str(path))
    proc = subprocess.run(["mount", "-o", "remount,ro,bind", str(path)], capture_output=True, text=True)
    if proc.returncode != 0:
        _umount(path)
        pytest.skip(f"cannot remount read-only ({proc.stderr.strip()})")
    try:
        yield path
    finally:
        _umount(path)
