"""Write a file all at once, owner-only: never half a report on disk.

The data goes to a hidden temporary name in the destination's folder
(0600 from the start), is flushed to disk (fsync), then renamed over the
destination, and the folder is synced so the rename survives a crash. A
failure removes the temporary file and leaves any previous file in place.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

OWNER_ONLY = 0o600


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot sync a directory; the rename is still atomic
    finally:
        os.close(fd)


@contextmanager
def atomic_path(dest: Path | str, mode: int = OWNER_ONLY) -> Iterator[Path]:
    """A temporary path to write `dest` through: on a clean exit it is
    synced and renamed to `dest`; on an exception it is removed."""
    dest = Path(dest)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, mode)  # a writer that re-created the file may have widened it
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_bytes(dest: Path | str, data: bytes, mode: int = OWNER_ONLY) -> None:
    with atomic_path(dest, mode) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)


def write_text(dest: Path | str, text: str, mode: int = OWNER_ONLY) -> None:
    write_bytes(dest, text.encode("utf-8"), mode)
