"""Targets that overlap are scanned once.

`piiscout scan /srv/share /srv/share/HR` (or a config run's targets merged
on the command line) names the files of HR twice. A target that lies at or
below another target of the same scan (same source, its URL equal to the
other's or under it; for local paths also after resolving symbolic links)
is not listed again: the wider target's walk covers it. Both stay in the
scan's `targets`, so the current state of either reads from this scan.
"""

from __future__ import annotations

import logging
import os

from scanner.model import TargetSpec

log = logging.getLogger(__name__)


def _key(spec: TargetSpec) -> str:
    url = spec.url
    if spec.scheme == "file":
        try:
            from scanner.names import unescape_name

            url = os.path.realpath(unescape_name(url))
        except OSError:
            pass
    return url.rstrip("/") or "/"


def inside(inner: str, outer: str) -> bool:
    return inner == outer or inner.startswith(outer.rstrip("/") + "/")


def covered_by(specs: list[TargetSpec] | tuple[TargetSpec, ...]) -> set[int]:
    """Indexes of the targets another target of the scan covers (of two
    identical targets the first is kept)."""
    keys = [_key(s) for s in specs]
    out: set[int] = set()
    for i, s in enumerate(specs):
        for j, s2 in enumerate(specs):
            if i == j or j in out or s.scheme != s2.scheme:
                continue
            if inside(keys[i], keys[j]) and (keys[i] != keys[j] or j < i):
                out.add(i)
                log.warning("target %s is inside target %s: scanned once, as part of it", s.url, s2.url)
                break
    return out
