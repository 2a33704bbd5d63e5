"""Decode bytes of unknown encoding into text, streaming, in bounded segments.

Files on a client share come in UTF-8, UTF-8 or UTF-16 with a BOM, UTF-16
without one (Windows exports), and cp1252 (old Office/Notepad). A text is
read in blocks and cut into segments that overlap, so a value on a boundary
is seen whole by one of them and memory stays flat on a multi-GB log.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import BinaryIO, Iterable, Iterator

from scanner.model import Segment

BLOCK = 1 << 20  # bytes read at a time
SEGMENT = 1 << 20  # characters a segment owns (its core)
OVERLAP = 512  # characters shared with each neighbour; > longest match + context

_CONTROL_BYTES = bytes(sorted(set(range(0, 32)) - {9, 10, 11, 12, 13, 27}))


@dataclass(frozen=True)
class Encoding:
    name: str  # a Python codec name
    bom: int = 0  # bytes to skip


def detect_encoding(head: bytes) -> Encoding | None:
    """The encoding of a text that starts with `head`, or None for binary."""
    if head.startswith(codecs.BOM_UTF8):
        return Encoding("utf-8", 3)
    if head.startswith(codecs.BOM_UTF32_LE) and len(head) >= 4:
        return Encoding("utf-32-le", 4)
    if head.startswith(codecs.BOM_UTF16_LE):
        return Encoding("utf-16-le", 2)
    if head.startswith(codecs.BOM_UTF16_BE):
        return Encoding("utf-16-be", 2)
    if not head:
        return Encoding("utf-8")
    utf16 = _utf16_without_bom(head)
    if utf16:
        return Encoding(utf16)
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
        return Encoding("utf-8")
    except UnicodeDecodeError as e:
        # A multi-byte character cut by the end of `head` is still UTF-8.
        if e.start >= len(head) - 3 and e.reason in ("unexpected end of data",):
            return Encoding("utf-8")
        if _looks_utf8(head):
            return Encoding("utf-8")
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > len(head) * 0.05:
        return None
    return Encoding("cp1252")


def _looks_utf8(head: bytes) -> bool:
    """Mostly UTF-8 with a few bad bytes (a file edited by two tools): decode
    as UTF-8 and let the bad bytes become replacement characters."""
    text = head.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    multibyte = sum(1 for c in text if ord(c) > 127 and c != "\ufffd")
    return bad <= max(2, len(head) // 1000) and multibyte >= bad


def _utf16_without_bom(head: bytes) -> str | None:
    n = len(head) - (len(head) % 2)
    if n < 4:
        return None
    pairs = n // 2
    even_zero = head[0:n:2].count(0)
    odd_zero = head[1:n:2].count(0)
    if odd_zero > pairs * 0.4 and even_zero < pairs * 0.05:
        name = "utf-16-le"
    elif even_zero > pairs * 0.4 and odd_zero < pairs * 0.05:
        name = "utf-16-be"
    else:
        return None
    try:
        text = head[:n].decode(name)
    except UnicodeDecodeError:
        return None
    printable = sum(1 for c in text if c.isprintable() or c in "\r\n\t")
    return name if printable >= len(text) * 0.9 else None


class DecodeStats:
    """Counts replacement characters, so an item can say its bytes did not
    all decode (never which bytes: they may be part of a value)."""

    def __init__(self) -> None:
        self.replaced = 0


def iter_text(stream: BinaryIO, encoding: Encoding, stats: DecodeStats | None = None,
              block: int = BLOCK, first: bytes = b"") -> Iterator[str]:
    """Decoded text blocks of a byte stream. `first` holds bytes already read
    from the stream (the sniffed head)."""
    dec = codecs.getincrementaldecoder(encoding.name)(errors="replace")
    skip = encoding.bom
    data = first
    while True:
        if not data:
            data = stream.read(block)
            if not data:
                break
        if skip:
            cut = min(skip, len(data))
            data, skip = data[cut:], skip - cut
        text = dec.decode(data)
        data = b""
        if text:
            if stats is not None:
                stats.replaced += text.count("\ufffd")
            yield text
    tail = dec.decode(b"", final=True)
    if tail:
        if stats is not None:
            stats.replaced += tail.count("\ufffd")
        yield tail


def segments(blocks: Iterable[str], size: int = SEGMENT, overlap: int = OVERLAP,
             context: tuple[str, ...] = (), section: str = "", layout=None) -> Iterator[Segment]:
    """Cut a stream of text blocks into overlapping segments.

    Segment k owns [core_start, cut) and also carries `overlap` characters
    on each side, so a match that starts in its core is seen whole, with
    the context around it.
    """
    buf = ""
    base = 0  # offset of buf[0] in the whole text
    line = 1  # line number of buf[0]
    core_start = 0
    for block in blocks:
        buf += block
        while len(buf) >= core_start + size + overlap:
            cut = core_start + size
            yield Segment(text=buf[: cut + overlap], offset=base, line=line, core=(core_start, cut),
                          context=context, section=section, layout=layout)
            drop = cut - overlap
            line += buf.count("\n", 0, drop)
            base += drop
            buf = buf[drop:]
            core_start = overlap
    if buf or base == 0:
        yield Segment(text=buf, offset=base, line=line, core=(core_start, len(buf)) if base else None,
                      context=context, section=section, layout=layout)
