"""Decompression limits: what keeps a zip bomb from eating a worker.

One `Budget` covers a top-level item and everything nested in it (it lives
in `ExtractContext.shared`, which the pipeline hands to children), so a
ZIP of ZIPs of ZIPs cannot multiply its way past the limits. Every
decompressed byte goes through a `LimitedReader`, which also checks the
ratio of bytes out to bytes in and the item's time limit.
"""

from __future__ import annotations

import io
from typing import BinaryIO, Callable

from scanner.errors import ItemSkipped
from scanner.streams import human_size

RATIO_FLOOR = 1 << 20  # ratios are judged only past this many bytes out: tiny files compress oddly


class Budget:
    """Uncompressed bytes and members left for one top-level item."""

    def __init__(self, settings):
        self.max_bytes = settings.max_archive_size
        self.max_members = settings.max_archive_members
        self.max_ratio = settings.max_archive_ratio
        self.bytes = 0
        self.members = 0

    @classmethod
    def of(cls, ctx) -> "Budget":
        budget = ctx.shared.get("budget")
        if budget is None:
            budget = ctx.shared["budget"] = cls(ctx.settings)
        return budget

    @property
    def bytes_exhausted(self) -> bool:
        return self.max_bytes is not None and self.bytes >= self.max_bytes

    def size_reason(self) -> str:
        return f"archive size limit reached ({human_size(self.max_bytes)} uncompressed, see --max-archive-size)"

    def ratio_reason(self) -> str:
        return f"compression ratio over {self.max_ratio:g} (possible zip bomb, see --max-archive-ratio)"

    def members_reason(self) -> str:
        return f"archive member limit reached ({self.max_members}, see --max-archive-members)"

    def take_member(self) -> bool:
        """Count one member; False once the limit is reached."""
        if self.max_members is not None and self.members >= self.max_members:
            return False
        self.members += 1
        return True

    def declared_ratio_ok(self, size: int | None, compressed: int | None) -> bool:
        if not size or compressed is None or size < RATIO_FLOOR or not self.max_ratio:
            return True
        return size <= max(compressed, 1) * self.max_ratio


class LimitedReader(io.RawIOBase):
    """A decompressing stream held to a Budget.

    `compressed` returns how many compressed bytes were consumed so far
    (None when unknown, e.g. a member whose size the archive declares).
    Not seekable on purpose: formats that need random access then read the
    member into memory once, instead of re-decompressing on every seek.
    """

    def __init__(self, raw: BinaryIO, budget: Budget, compressed: Callable[[], int | None] | int | None = None,
                 check: Callable[[], None] | None = None, count: bool = True):
        self.raw = raw
        self._count = count
        self.budget = budget
        self._compressed = compressed
        self._check = check
        self.out = 0

    def readable(self) -> bool:
        return True

    def _consumed(self) -> int | None:
        c = self._compressed
        return c() if callable(c) else c

    def read(self, n: int = -1) -> bytes:
        if self._check is not None:
            self._check()
        b = self.budget
        want = n if n is not None and n >= 0 else 1 << 20
        if not self._count:  # bytes already counted by an outer decompressor (a TAR in a .gz)
            return self.raw.read(want)
        if b.bytes_exhausted:
            raise ItemSkipped(b.size_reason())
        if b.max_bytes is not None:
            want = min(want, b.max_bytes - b.bytes + 1)
        data = self.raw.read(want)
        self.out += len(data)
        b.bytes += len(data)
        if b.max_bytes is not None and b.bytes > b.max_bytes:
            raise ItemSkipped(b.size_reason())
        if b.max_ratio and self.out > RATIO_FLOOR:
            consumed = self._consumed()
            if consumed is not None and self.out > max(consumed, 1) * b.max_ratio:
                raise ItemSkipped(b.ratio_reason())
        return data

    def readinto(self, buf) -> int:
        data = self.read(len(buf))
        buf[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self.raw.close()
        except Exception:  # noqa: BLE001
            pass
        super().close()

    def __del__(self) -> None:
        pass  # never close the wrapped stream from a finalizer: see streams.CountingReader


class CountingSource(io.RawIOBase):
    """Counts compressed bytes a decompressor pulls from its source."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n) if n is not None and n >= 0 else self.raw.read()
        self.count += len(data)
        return data

    def readinto(self, buf) -> int:
        data = self.read(len(buf))
        buf[: len(data)] = data
        return len(data)
