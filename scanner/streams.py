"""Byte-stream helpers: count what is read, replay a sniffed head, and get a
seekable stream without ever writing content to a temporary file."""

from __future__ import annotations

import io
from typing import BinaryIO

from scanner.errors import ItemSkipped


class CountingReader(io.RawIOBase):
    """Wraps a stream and counts the bytes of it that were read: the furthest
    offset reached, so a re-read after seek(0) is not counted twice."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self._pos = 0
        self._high = 0

    @property
    def count(self) -> int:
        return self._high

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        try:
            return bool(self.raw.seekable())
        except Exception:  # noqa: BLE001
            return False

    def seek(self, offset: int, whence: int = 0) -> int:
        self._pos = self.raw.seek(offset, whence)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n) if n is not None and n >= 0 else self.raw.read()
        self._pos += len(data)
        if self._pos > self._high:
            self._high = self._pos
        return data

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self.raw.close()
        finally:
            super().close()

    def __del__(self) -> None:
        # Not close(), as io's finalizer would: garbage collection may run
        # this on any thread - smbprotocol's receiver, say - while the owner of
        # the wrapped stream is closing it, and closing it again from there
        # deadlocks on the stream's lock (seen with io.BufferedReader over an
        # SMB file). Whoever opened a stream closes it.
        pass


class ReplayReader(io.RawIOBase):
    """A non-seekable stream whose first bytes were already read: serves
    those again, then the rest."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self._head:
            if n is None or n < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:n], self._head[n:]
            return data
        return self._rest.read(n) if n is not None and n >= 0 else self._rest.read()

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


def read_limited(stream: BinaryIO, limit: int, what: str = "item") -> bytes:
    """Read a whole stream into memory, refusing more than `limit` bytes."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ItemSkipped(f"{what} too large to extract in memory (over {human_size(limit)})")
    return data


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def parse_size(text: str) -> int:
    """'10MB', '1.5 GiB', '500k', '1024' -> bytes (binary multiples)."""
    t = text.strip().lower().replace(" ", "")
    units = {"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20,
             "mib": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30, "t": 1 << 40, "tb": 1 << 40,
             "tib": 1 << 40}
    num = t.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = t[len(num):]
    if unit not in units or not num:
        raise ValueError(f"not a size: {text!r} (try 10MB, 2GB)")
    value = float(num) * units[unit]
    if value < 0:
        raise ValueError(f"not a size: {text!r}")
    return int(value)
