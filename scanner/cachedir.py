"""piiscout's cache directory, and a small cache for things built at start-up.

Only derived, public data lives here (compiled search databases, the
parsed medical vocabulary, entity names): never scanned content. Entries
are written atomically, owner-only, and rebuilt when missing or stale.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
from pathlib import Path
from typing import Callable, TypeVar

CACHE_ENV = "PIISCOUT_CACHE_DIR"
T = TypeVar("T")


def cache_dir() -> Path:
    base = os.environ.get(CACHE_ENV)
    if not base:
        from platformdirs import user_cache_dir

        base = user_cache_dir("piiscout")
    return Path(base)


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
    path = cache_dir() / f"{name}-{digest}.marshal"
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
    except Exception:  # noqa: BLE001 - missing or corrupt: rebuild
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
            marshal.dump(value, fh)
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass  # an unwritable cache only costs time
    return value
