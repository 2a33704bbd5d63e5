"""The extractor interface: an object's bytes in, text segments and nested
objects out.

An extractor yields `Segment`s (text to analyse) and `Child`ren (archive
members, attachments) that the pipeline sniffs and extracts recursively,
each with its own `items` row. Extractors never write content to disk and
call `ctx.check()` in their loops so a per-item time limit holds.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from typing import BinaryIO, ClassVar, Iterator

from scanner.errors import ItemTimeout
from scanner.model import Child, Segment
from scanner.settings import ScanSettings
from scanner.streams import ReplayReader, read_limited

# In-memory ceiling for formats that need random access (ZIP, PDF, OLE)
# when the source stream cannot seek (an archive member, an attachment).
MAX_IN_MEMORY = 512 << 20


class Blob:
    """An object's bytes as an extractor sees them."""

    def __init__(self, stream: BinaryIO, head: bytes, name: str, size: int | None, content_type: str):
        self._stream = stream
        self.head = head
        self.name = name
        self.size = size
        self.content_type = content_type
        self._used = False
        self._random: BinaryIO | None = None
        # Parsed containers shared between type refinement and extraction
        # (scanner.refine opens a ZIP once; the DOCX extractor reuses it).
        self.memo: dict = {}

    def open(self) -> BinaryIO:
        """The whole stream from its first byte. Call once (after
        `seekable()`, it returns that stream again, rewound)."""
        if self._random is not None:
            self._random.seek(0)
            return self._random
        if self._used:
            raise RuntimeError("Blob.open() called twice")
        self._used = True
        try:
            if self._stream.seekable():
                self._stream.seek(0)
                return self._stream
        except (OSError, ValueError):
            pass
        return io.BufferedReader(ReplayReader(self.head, self._stream), 1 << 16)

    def seekable(self, limit: int = MAX_IN_MEMORY) -> BinaryIO:
        """A seekable stream: the source itself when it can seek, else the
        bytes read into memory (up to `limit`; never to a temp file, which
        would put client data on this machine's disk)."""
        if self._random is not None:
            self._random.seek(0)
            return self._random
        stream = self.open()
        try:
            if stream.seekable():
                self._random = stream
                return stream
        except (OSError, ValueError):
            pass
        self._random = io.BytesIO(read_limited(stream, limit, "object"))
        return self._random

    def read_all(self, limit: int = MAX_IN_MEMORY) -> bytes:
        return read_limited(self.open(), limit, "object")


@dataclass
class ExtractContext:
    settings: ScanSettings
    depth: int = 0
    deadline: float | None = None
    notes: list[str] = field(default_factory=list)  # appended to the item's reason
    # State shared by a top-level item and everything nested in it (archive
    # bomb budgets); the pipeline hands the same dict to children.
    shared: dict = field(default_factory=dict)

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ItemTimeout(f"time limit of {self.settings.item_timeout:g}s exceeded")

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


class Extractor:
    """Subclass, set `content_types`, implement `extract`, and register."""

    name: ClassVar[str]
    content_types: ClassVar[tuple[str, ...]]

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment | Child]:
        raise NotImplementedError
