"""Standard input as a target: `cat dump.sql | piiscout scan - -i INV`.

One item, location `-`, whose bytes are whatever is piped in, sniffed like
a file's (an SQL dump, a CSV, a ZIP, a mail message...). Nothing is known
about who may read it (exposure null), nor its size or time, so an
incremental rescan always reads it again.

The bytes are read once, by the worker that scans the item, straight from
the pipe: nothing is buffered in the parent and nothing touches the disk.
`check()` (in the parent, before any worker starts) duplicates file
descriptor 0 to a descriptor of its own, which forked workers inherit
(multiprocessing closes a child's fd 0, not the others); the item carries
that descriptor's number. So standard input can be scanned by the local
executor where workers are forked (Linux), not by a Dask cluster.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import stat
from typing import Any, BinaryIO, Iterator

from connectors.base import Connector
from connectors.registry import register
from scanner.errors import ItemError, TargetError, UsageError
from scanner.model import Item, ItemRecord, Stream, TargetSpec

LOCATION = "-"


@register
class StdinConnector(Connector):
    name = "stdin"
    schemes = ("stdin",)

    @classmethod
    def parse(cls, raw: str, name: str | None = None, options: dict[str, Any] | None = None) -> TargetSpec:
        if raw != LOCATION:
            raise UsageError(f"standard input is given as '-', not {raw!r}")
        return TargetSpec(name=LOCATION if name in (None, raw) else name, url=LOCATION, scheme="stdin")

    def __init__(self, spec, settings):
        super().__init__(spec, settings)
        self._fd: int | None = None

    def check(self) -> None:
        if self.settings.executor == "dask" or self.settings.scheduler:
            raise TargetError("standard input (-) can only be scanned on this machine, not with --executor dask")
        if "fork" not in mp.get_all_start_methods():
            raise TargetError("standard input (-) can only be scanned where worker processes are forked (Linux)")
        try:
            st = os.fstat(0)
        except OSError:
            raise TargetError("standard input (-) is closed: pipe content in (cat dump.sql | piiscout scan -)") \
                from None
        if os.isatty(0):
            raise TargetError("standard input (-) is a terminal: pipe content in (cat dump.sql | piiscout scan -)")
        if stat.S_ISDIR(st.st_mode):
            raise TargetError("standard input (-) is a directory")
        self._fd = os.dup(0)  # survives multiprocessing closing fd 0 in the workers

    def list_items(self) -> Iterator[Item | ItemRecord]:
        if self._fd is None:
            self.check()
        yield Item(target=self.spec.name, source=self.name, location=LOCATION, ref=str(self._fd))

    def content(self, item: Item) -> Stream:
        return Stream(self.open(item), LOCATION)  # no name to sniff by: the bytes decide

    def open(self, item: Item) -> BinaryIO:
        try:
            fd = int(item.ref)
            os.fstat(fd)
        except (ValueError, OSError):
            raise ItemError("standard input is not available in this worker process") from None
        # closefd: the descriptor is this process's own copy, read once.
        return os.fdopen(fd, "rb", buffering=1 << 16, closefd=True)

    def close(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None
