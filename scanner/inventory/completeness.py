"""What a scan did not reach, and what that means for the current state.

A scan is `partial` when it finished but could not list or read a whole
container: a folder or share whose listing failed (server gone, access
denied to the folder), a database table (or the database) it could not
read, or any object lost to a dropped connection. Such a scan says nothing
about what it did not reach, so (docs/inventory.md, *The current state*):

* its `scans.status` is `partial` (exit code 1), never `complete`;
* the current state of its targets keeps, for each location it did not
  reach, the rows of the scan before it (back to the latest complete scan):
  a folder's rows below it, an object's own rows;
* `diff` therefore never reports a finding as resolved because the newer
  scan could not look; nor one at a location whose newer row is an error.

Unreached locations are derived from the scan's own `items` rows (top-level
`error` rows), so older inventories need no new column.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

# Listing-level objects: an error on one of these means nothing below it was seen.
CONTAINERS = frozenset({"inode/directory", "sql/table", "sql/view"})
PREFIX_CONTAINERS = frozenset({"inode/directory"})  # unreached: everything below the location
_LOST = re.compile(r"\bconnection\b.*\blost\b|\blost\b.*\bconnection\b", re.IGNORECASE)


def is_unreached(part: str, status: str, content_type: str | None, reason: str | None) -> bool:
    """A top-level `error` row for something the scan could not list or read
    whole (see the module doc)."""
    if part or status != "error":
        return False
    return (content_type in CONTAINERS or bool(reason and _LOST.search(reason)))


def record_unreached(rec, target_urls: tuple[str, ...] = ()) -> bool:
    return is_unreached(rec.part, rec.status, rec.content_type, rec.reason) or (
        not rec.part and rec.status == "error" and rec.location in target_urls)


class Unreached:
    """Locations a scan did not reach: exact ones (objects, tables) and
    prefixes (folders, shares, whole targets)."""

    def __init__(self, exact: set[str] | None = None, prefixes: set[str] | None = None):
        self.exact = exact or set()
        self.prefixes = prefixes or set()

    def __bool__(self) -> bool:
        return bool(self.exact or self.prefixes)

    def __len__(self) -> int:
        return len(self.exact) + len(self.prefixes)

    def add(self, location: str, content_type: str | None, is_target: bool = False) -> None:
        if content_type in PREFIX_CONTAINERS or is_target:
            self.prefixes.add(location.rstrip("/"))
        else:
            self.exact.add(location)

    def mask(self, locations: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Boolean mask: the location is one of these, or below a prefix."""
        m = pc.is_in(locations, value_set=pa.array(sorted(self.exact | self.prefixes), pa.string()))
        for p in self.prefixes:
            m = pc.or_(m, pc.starts_with(locations, p + "/"))
        return pc.fill_null(m, False)

    def exact_only(self) -> "Unreached | None":
        """The objects (not the folders) not read: their own rows are the
        error rows a scan's state replaces with older ones; a folder's error
        row stays (nothing older sits at the folder itself)."""
        return Unreached(set(self.exact)) if self.exact else None

    def contains(self, location: str) -> bool:
        if location in self.exact or location.rstrip("/") in self.prefixes:
            return True
        return any(location.startswith(p + "/") for p in self.prefixes)
