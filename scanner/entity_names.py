"""Entity type names for the CLI, without importing Presidio every time.

Knowing which entity types exist (to default and to validate `--entities`)
means importing every recognizer, and so Presidio and spaCy: seconds of
start-up in the parent process, which may never detect anything itself (an
unchanged incremental rescan starts no worker at all). The names are kept
in a small cache file keyed by what they depend on: piiscout's version, the
size and mtime of every module of the `detectors` package, and the mtime of
the site-packages directories on sys.path (installing or removing a
package, a plugin included, changes it). Anything unexpected falls back to importing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from functools import lru_cache
from pathlib import Path

from scanner import __version__

log = logging.getLogger(__name__)
CACHE_ENV = "PIISCOUT_CACHE_DIR"


def _key() -> str:
    import detectors

    parts: list[str] = [__version__, sys.version]
    root = Path(list(detectors.__path__)[0]).resolve()  # a namespace package: no __file__
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                st = os.stat(os.path.join(dirpath, name))
                parts.append(f"{dirpath}/{name}:{st.st_size}:{st.st_mtime_ns}")
    skip = {"", os.getcwd(), str(root.parent)}
    for entry in sys.path:
        # Where packages (and plugins) get installed, site-packages or a
        # PYTHONPATH folder; not the current folder, whose mtime changes all
        # the time and which the walk above covers.
        if entry in skip or not os.path.isdir(entry):
            continue
        try:
            parts.append(f"{entry}:{os.stat(entry).st_mtime_ns}")
        except OSError:
            continue
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _compute() -> dict:
    from detectors.catalog import default_entities, known_entities, own_entities

    return {"default": list(default_entities()), "own": list(own_entities()), "known": list(known_entities())}


@lru_cache(maxsize=1)
def entity_names() -> dict:
    """{"default": [...], "own": [...], "known": [...]}: the entity types a
    scan looks for by default, those of piiscout's own recognizers, and
    every entity type that can be asked for."""
    from scanner import cachedir

    try:
        key = _key()
        name = f"entity-names-{key[:32]}.json"
        path = cachedir.find(name)
    except Exception:  # noqa: BLE001 - the cache is an optimisation only
        return _compute()
    try:
        if path is not None:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("key") == key and all(data.get(k) for k in ("default", "own", "known")):
                return {k: data[k] for k in ("default", "own", "known")}
    except (OSError, ValueError, AttributeError):
        pass
    names = _compute()
    if cachedir.store(name, json.dumps({"key": key, **names}).encode("utf-8")) is None:
        log.debug("cannot write the entity name cache %s", name)
    return names


def default_entities() -> tuple[str, ...]:
    return tuple(entity_names()["default"])


def own_entities() -> tuple[str, ...]:
    return tuple(entity_names()["own"])


def known_entities() -> tuple[str, ...]:
    return tuple(entity_names()["known"])
