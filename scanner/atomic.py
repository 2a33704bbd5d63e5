"""Every file piiscout writes for a user (exports, diffs, reports): all or nothing, owner-only.

The file is written under a hidden temporary name in the destination's own
folder (`.NAME.<random>.tmp`, mode 0600), flushed and fsynced, then renamed
over the destination, and the folder is fsynced so the rename survives a
power cut. A full disk, a kill or an exception leaves the destination as it
was (absent, or the previous version) and no temporary file behind; the
failure is one line (`OutputError`, exit 5).

Two shapes, for the two kinds of writers:

    with atomic_output(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(...)                       # a stream we write ourselves

    with atomic_path(path) as tmp:
        library.save(str(tmp))              # a library that wants a file name
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import IO, Iterator

from scanner.errors import EXIT_FAILED, PiiscoutError, UsageError

FILE_MODE = 0o600


class OutputError(PiiscoutError):
    """An output file could not be written (disk full, read-only, denied)."""

    exit_code = EXIT_FAILED


def destination(path: str | os.PathLike) -> Path:
    """The absolute destination, checked: its folder exists and it is not a folder."""
    dest = Path(path).expanduser().absolute()
    if dest.is_dir():
        raise UsageError(f"{dest} is a directory: give a file name")
    if not dest.parent.is_dir():
        raise UsageError(f"no such directory: {dest.parent}")
    return dest


def _tmp_name(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.tmp")


def _reason(e: OSError) -> str:
    return (e.strerror or type(e).__name__).lower() if isinstance(e, OSError) else type(e).__name__


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _publish(tmp: Path, dest: Path) -> None:
    """fsync the finished temporary file and rename it over `dest`."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, FILE_MODE)
    os.replace(tmp, dest)
    _fsync_dir(dest.parent)


def _discard(tmp: Path) -> None:
    try:
        tmp.unlink()
    except OSError:
        pass


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path (created empty, 0600) to write `path` through; renamed
    over `path` when the block ends without an exception."""
    dest = destination(path)
    tmp = _tmp_name(dest)
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except OSError as e:
        raise OutputError(f"cannot write {dest}: {_reason(e)}") from None
    try:
        yield tmp
        _publish(tmp, dest)
    except OSError as e:
        _discard(tmp)
        raise OutputError(f"cannot write {dest}: {_reason(e)}") from None
    except BaseException:
        _discard(tmp)
        raise


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8",
                  newline: str | None = None) -> Iterator[IO]:
    """An open file (text `"w"` or binary `"wb"`) that becomes `path` when
    the block ends without an exception."""
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', not {mode!r}")
    with atomic_path(path) as tmp:
        binary = mode == "wb"
        try:
            fh = open(tmp, mode, **({} if binary else {"encoding": encoding, "newline": newline}))
        except OSError as e:
            raise OutputError(f"cannot write {Path(path)}: {_reason(e)}") from None
        try:
            yield fh
            fh.flush()  # a full disk shows here (or at the fsync), never later
            fh.close()
        except BaseException:
            try:
                fh.close()
            except OSError:
                pass
            raise
