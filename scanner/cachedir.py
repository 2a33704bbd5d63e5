"""piiscout's cache directories, and a small cache for things built at start-up.

Only derived, public data lives here (compiled search databases, the
parsed medical vocabulary, entity names): never scanned content. Entries
are written atomically and rebuilt when missing or stale.

Two places are read, in this order:

* the user cache (`~/.cache/piiscout`, or `$PIISCOUT_CACHE_DIR`): private,
  entries 0600;
* the shared cache (`/var/cache/piiscout`, or `$PIISCOUT_SHARED_CACHE_DIR`;
  set it empty to turn it off): filled by `piiscout warm-cache` at install
  time (scripts/bootstrap.sh, the Dask worker preload) so that every user,
  cron job and worker on the machine starts warm. Entries there are 0644.
  An entry is only loaded from it if the file and the directory belong to
  root or to the current user and nobody else can write them: a compiled
  database is loaded into memory as is, so another user must not be able
  to plant one.

New entries go to the shared cache when this process may write it (root,
or its owner) and no `$PIISCOUT_CACHE_DIR` is set, else to the user cache.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, TypeVar

CACHE_ENV = "PIISCOUT_CACHE_DIR"
SHARED_ENV = "PIISCOUT_SHARED_CACHE_DIR"
SHARED_DEFAULT = "/var/cache/piiscout"
T = TypeVar("T")

# Entries this process loaded or stored, name -> path (`piiscout warm-cache`
# reports them).
used: dict[str, Path] = {}


def cache_dir() -> Path:
    """The user cache directory."""
    base = os.environ.get(CACHE_ENV)
    if not base:
        from platformdirs import user_cache_dir

        base = user_cache_dir("piiscout")
    return Path(base)


def shared_dir() -> Path | None:
    """The machine-wide cache directory (None: turned off)."""
    value = os.environ.get(SHARED_ENV)
    if value is not None:
        return Path(value) if value else None
    return Path(SHARED_DEFAULT) if os.name == "posix" else None


def _trusted(st: os.stat_result) -> bool:
    """Owned by root or by us, writable by nobody else."""
    if not hasattr(os, "geteuid"):
        return True
    return st.st_uid in (0, os.geteuid()) and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _trusted_dir(d: Path) -> bool:
    try:
        st = os.stat(d)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and _trusted(st)


# Set while `piiscout warm-cache` runs: only the directory new entries go to
# is read, so that everything missing there is built there.
_filling = False


@contextmanager
def filling():
    global _filling
    old, _filling = _filling, True
    try:
        yield write_dir()
    finally:
        _filling = old


def read_dirs() -> list[Path]:
    if _filling:
        return [write_dir()[0]]
    dirs = [cache_dir()]
    shared = shared_dir()
    if shared is not None and shared != dirs[0] and _trusted_dir(shared):
        dirs.append(shared)
    return dirs


def write_dir() -> tuple[Path, bool]:
    """(directory, shared?) where a new entry goes."""
    shared = shared_dir()
    if shared is not None and not os.environ.get(CACHE_ENV) and _may_write_shared(shared):
        return shared, True
    return cache_dir(), False


def _may_write_shared(d: Path) -> bool:
    if _trusted_dir(d):
        return os.access(d, os.W_OK)
    if d.exists() or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    return os.access(d.parent, os.W_OK)  # root may create it


def find(name: str) -> Path | None:
    """The first readable cache entry called `name`."""
    for i, d in enumerate(read_dirs()):
        path = d / name
        try:
            st = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and (i == 0 or _trusted(st)):
            used[name] = path
            return path
    return None


def store(name: str, data: bytes) -> Path | None:
    """Write an entry atomically where new entries go; None if it cannot be
    written (an unwritable cache only costs time)."""
    d, shared = write_dir()
    try:
        ensure(d, shared)
        path = d / name
        tmp = d / f".{name}.{os.getpid()}.tmp"
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644 if shared else 0o600), "wb") as fh:
            fh.write(data)
        if shared:
            os.chmod(tmp, 0o644)  # whatever the umask
        os.replace(tmp, path)
        used[name] = path
        return path
    except (OSError, ValueError):
        return None


def ensure(d: Path, shared: bool) -> None:
    d.mkdir(parents=True, exist_ok=True, mode=0o755 if shared else 0o700)
    if shared and stat.S_IMODE(os.stat(d).st_mode) != 0o755:
        os.chmod(d, 0o755)


def lock_path(name: str) -> Path:
    d, shared = write_dir()
    ensure(d, shared)
    return d / f"{name}.lock"


def source_stamp(*modules) -> str:
    """Size and mtime of modules' source files: a cache built by code that
    has since changed is stale."""
    parts = []
    for mod in modules:
        path = getattr(mod, "__file__", None)
        if path:
            st = os.stat(path)
            parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)


def marshalled(name: str, key: str, build: Callable[[], T]) -> T:
    """`build()`'s result, kept in the cache under `name` until `key` changes.

    marshal, not pickle: loading it cannot run code, and it is as fast for
    the plain dicts, sets, tuples and strings this is used for.
    """
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    entry = f"{name}-{digest}.marshal"
    path = find(entry)
    if path is not None:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
            # Loading creates hundreds of thousands of objects: without the
            # cyclic collector running over and over, 3x faster.
            enabled = gc.isenabled()
            gc.disable()
            try:
                return marshal.loads(data)
            finally:
                if enabled:
                    gc.enable()
        except Exception:  # noqa: BLE001 - unreadable or corrupt: rebuild
            pass
    value = build()
    try:
        store(entry, marshal.dumps(value))
    except ValueError:
        pass  # not marshallable: not cached
    return value
