"""The connector interface.

A connector's only job is to list items and hand over their content. It
lists a target's objects as `Item`s (lazily: a share of a million files is
never listed into memory) and, in whichever process scans them, hands over
an item's content by `Item.ref`: a byte `Stream` for files and messages, a
`Table` of typed rows for databases and other structured sources
(scanner/model.py). It knows nothing of detection: the pipeline
(scanner/pipeline.py) extracts, detects, applies allow lists and builds
findings and items rows. Problems with one object found
while listing (a folder that cannot be read) are yielded as `ItemRecord`s
and the listing goes on; problems with the target itself (it does not exist,
the login fails) raise `TargetError` from `check()` before any work starts.
"""

from __future__ import annotations

import os
from typing import Any, BinaryIO, ClassVar, Iterator

from scanner.model import Content, Item, ItemRecord, Stream, TargetSpec
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

    def password(self, missing: type[Exception]) -> str | None:
        """The password of the environment variable the target names
        (`TargetSpec.password_env`; None when it names none). Raises
        `missing` when the variable is not set in this process."""
        env = self.spec.password_env
        if env is None:
            return None
        value = os.environ.get(env)
        if value is None:
            raise missing(f"the password variable ${env} is not set in this process")
        return value

    def check(self) -> None:
        """Fail fast (TargetError) if the target cannot be scanned at all."""

    def list_items(self) -> Iterator[Item | ItemRecord]:
        raise NotImplementedError

    def open(self, item: Item) -> BinaryIO:
        """An item's bytes (sources of byte objects implement this)."""
        raise NotImplementedError

    def content(self, item: Item) -> Content:
        """What the pipeline reads for one item. Default: its bytes from
        `open`; structured sources return a `Table` instead. Raise ItemError
        / ItemSkipped (or anything) to record the item as error / skipped."""
        return Stream(self.open(item), os.path.basename(item.ref) or item.ref)

    def relative(self, item_location: str) -> str:
        """An item's location relative to the target root (for comparisons
        across connectors, e.g. the same tree over SMB and locally)."""
        return item_location

    def close(self) -> None:
        pass
