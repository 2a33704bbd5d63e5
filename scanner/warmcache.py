"""`piiscout warm-cache`: build what a first scan would otherwise build.

A scan's detection engine needs compiled Hyperscan databases (tens of
thousands of triggers: seconds to compile) and the parsed medical
vocabulary. Both are cached by what they are built from
(scanner/cachedir.py), so only the first scan on a machine pays. Run at
install time (scripts/bootstrap.sh, the Dask worker preload) as root, this
fills the machine-wide cache, `/var/cache/piiscout`, and every user, cron
job and worker on the machine then starts warm; run as a user, it fills that
user's cache.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence


@dataclass(frozen=True)
class WarmResult:
    directory: Path
    shared: bool
    entities: int
    seconds: float
    entries: tuple[str, ...]  # paths of the cache entries the engines use


def warm(entity_sets: Sequence[Sequence[str]] = ()) -> WarmResult:
    """Build the detection engine for each set of entity types (default:
    the default set) so that its cache entries exist."""
    from detectors.catalog import DetectorSettings, default_entities
    from detectors.engine import DetectionEngine
    from scanner import cachedir

    t0 = time.monotonic()
    sets = [tuple(s) for s in entity_sets] or [tuple(default_entities())]
    with cachedir.filling() as (directory, shared):
        from scanner import entity_names

        entity_names.entity_names.cache_clear()
        entity_names.entity_names()  # the CLI's list of entity types (imports Presidio otherwise)
        for entities in sets:
            DetectionEngine(DetectorSettings(entities=entities))
    return WarmResult(directory=directory, shared=shared, entities=len({e for s in sets for e in s}),
                      seconds=round(time.monotonic() - t0, 2),
                      entries=tuple(sorted(str(p) for p in cachedir.used.values())))
