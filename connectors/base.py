"""The connector interface.

A connector lists a target's objects as `Item`s (lazily: a share of a
million files is never listed into memory) and opens them again by
`Item.ref` in whichever process scans them. Problems with one object found
while listing (a folder that cannot be read) are yielded as `ItemRecord`s
and the listing goes on; problems with the target itself (it does not exist,
the login fails) raise `TargetError` from `check()` before any work starts.
"""

from __future__ import annotations

import os
from typing import Any, BinaryIO, ClassVar, Iterator

from scanner.model import Item, ItemRecord, TargetSpec
from scanner.settings import ScanSettings


class Connector:
    #: written to the inventory's `source` column
    name: ClassVar[str]
    #: URL schemes this connector serves ("" serves plain paths)
    schemes: ClassVar[tuple[str, ...]]

    def __init__(self, spec: TargetSpec, settings: ScanSettings):
        self.spec = spec
        self.settings = settings

    @classmethod
    def parse(cls, raw: str, name: str | None = None, options: dict[str, Any] | None = None) -> TargetSpec:
        """Validate a target as the user wrote it and return its spec, with any
        secret removed (raise UsageError on a malformed target)."""
        raise NotImplementedError

    def check(self) -> None:
        """Fail fast (TargetError) if the target cannot be scanned at all."""

    def list_items(self) -> Iterator[Item | ItemRecord]:
        raise NotImplementedError

    def open(self, item: Item) -> BinaryIO:
        raise NotImplementedError

    def scan(self, item: Item, proc, info, deadline):
        """Scan one item. Default: open its bytes and hand them to the
        pipeline. Connectors whose items are not byte streams (SQL tables)
        override this and feed `proc.scan_segments`."""
        stream = self.open(item)
        try:
            yield from proc.scan_stream(stream, info, os.path.basename(item.ref) or item.ref, deadline)
        finally:
            stream.close()

    def relative(self, item_location: str) -> str:
        """An item's location relative to the target root (for comparisons
        across connectors, e.g. the same tree over SMB and locally)."""
        return item_location

    def close(self) -> None:
        pass
