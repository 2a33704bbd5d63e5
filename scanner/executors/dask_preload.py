"""Dask worker preload: warm piiscout's caches when a worker starts.

    dask worker tcp://SCHEDULER:8786 --preload scanner.executors.dask_preload

Dask calls `dask_setup` as the worker starts. It compiles (or finds) the
detection databases of the default entity types, so the first batch of a
scan does not wait seconds for them. Workers of one machine starting
together compile once: the others wait on the cache lock and load the
result. Run as root (or after `sudo piiscout warm-cache`), the machine-wide
cache serves every worker process whatever its user.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def dask_setup(worker=None) -> None:
    from scanner.warmcache import warm

    try:
        res = warm()
    except Exception as exc:  # noqa: BLE001 - a cold cache only costs time later
        from scanner.errors import one_line

        log.warning("piiscout: could not warm the cache: %s", one_line(exc))
        return
    log.info("piiscout: detectors ready in %s (%.1fs)", res.directory, res.seconds)
