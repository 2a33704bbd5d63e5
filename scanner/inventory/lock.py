"""One scan per inventory at a time.

An exclusive `flock` on INV/.lock: the kernel releases it when the holder
dies, however it dies (kill -9 included), so a stale lock is simply taken
over by the next scan. The file holds the holder's PID for the message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from scanner.errors import InventoryError, LockedError


class InventoryLock:
    """`read_only=True` (prune --dry-run, which writes nothing): an existing
    lock file is opened read-only and no lock file is created, so a
    read-only inventory can still be looked at."""

    def __init__(self, root: Path, read_only: bool = False):
        self.path = Path(root) / ".lock"
        self.read_only = read_only
        self._fd: int | None = None

    def _open(self) -> int | None:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as e:
            if self.read_only:
                try:
                    return os.open(self.path, os.O_RDONLY)
                except OSError:
                    return None
            why = (e.strerror or type(e).__name__).lower()
            raise InventoryError(f"cannot write the inventory at {self.path.parent}: {why}") from None

    def acquire(self) -> "InventoryLock":
        fd = self._open()
        if fd is None:  # read-only, and no lock file: nobody can be scanning here
            return self
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = os.read(fd, 32).decode("ascii", "ignore").strip() or "?"
            finally:
                os.close(fd)
            raise LockedError(
                f"another scan (pid {holder}) is using the inventory {self.path.parent}; try again when it ends"
            ) from None
        if not self.read_only:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            try:
                if not self.read_only:
                    os.ftruncate(self._fd, 0)
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> "InventoryLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
