"""Decode bytes of unknown encoding into text, streaming, in bounded segments.

Files on a client share come in UTF-8, UTF-8 or UTF-16 with a BOM, UTF-16
without one (Windows exports), and cp1252 (old Office/Notepad). A text is
read in blocks and cut into segments that overlap, so a value on a boundary
is seen whole by one of them and memory stays flat on a multi-GB log.
"""

from __future__ import annotations

import codecs
import functools
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
    # Chosen on a head that was plain ASCII: any 8-bit encoding would read it
    # the same, so the first block that is not UTF-8 decides (iter_text).
    tentative: bool = False


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
        return Encoding("utf-8", tentative=head.isascii())
    except UnicodeDecodeError as e:
        # A multi-byte character cut by the end of `head` is still UTF-8.
        if e.start >= len(head) - 3 and e.reason in ("unexpected end of data",):
            return Encoding("utf-8")
        if _looks_utf8(head):
            return Encoding("utf-8")
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > len(head) * 0.05:
        return None
    return Encoding(legacy_encoding(head))


# -- legacy 8-bit and CJK encodings ----------------------------------------------
# Not UTF-8, not UTF-16: an ANSI or OEM code page, ISO-8859, KOI8, Shift-JIS,
# GB18030, Big5, EUC-KR, TIS-620... Which one is a statistical question that
# charset-normalizer (MIT) answers far better than a fixed cp1252 (28
# language/encoding pairs in bench/charset_compare.py: 3/28 right before,
# 26-27/28 now). Where its top candidates tie between Latin single-byte
# tables (the same letters at most positions), two facts decide: the
# language's own code pages, and whether bytes 0x80-0x9F occur (Windows code
# pages put letters and quotes there; ISO-8859 has only control codes).
_LATIN_TABLES = frozenset({
    "cp1250", "cp1252", "cp1254", "cp1257", "cp1258", "latin_1", "iso8859_2", "iso8859_3", "iso8859_4",
    "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
})
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_CENTRAL = ("cp1250", "iso8859_2")
_BY_LANGUAGE = {
    **{lang: _WESTERN for lang in ("English", "German", "French", "Spanish", "Portuguese", "Italian", "Dutch",
                                   "Danish", "Swedish", "Norwegian", "Finnish", "Catalan", "Indonesian",
                                   "Latin Based")},
    **{lang: _CENTRAL for lang in ("Polish", "Czech", "Slovak", "Hungarian", "Slovene", "Croatian",
                                   "Romanian")},
    "Turkish": ("cp1254", "iso8859_9"),
    **{lang: ("cp1257", "iso8859_13") for lang in ("Lithuanian", "Latvian", "Estonian")},
    "Vietnamese": ("cp1258",),
}
_C1 = bytes(range(0x80, 0xA0))
NORMALIZER_BYTES = 8192  # what charset-normalizer looks at
LANGUAGE_COHERENCE = 0.35


# The encodings a file on a client's share plausibly has, likeliest first
# (Windows code pages, then ISO-8859, KOI8, DOS and Mac pages, the national
# CJK and Thai encodings). Charset-normalizer alone also weighs some sixty
# rarer tables (mac_iceland, cp775, hp_roman8, ...) that win ties on short
# English texts; left out, they cannot.
PLAUSIBLE = (
    "cp1252", "cp1250", "cp1251", "latin_1", "iso8859_15", "iso8859_2", "cp1253", "cp1254", "cp1257",
    "cp1255", "cp1256", "cp1258", "iso8859_5", "iso8859_7", "iso8859_9", "iso8859_13", "iso8859_8",
    "koi8_r", "koi8_u", "cp866", "cp437", "cp850", "mac_roman", "cp932", "euc_jp", "gb18030", "big5",
    "cp949", "cp874",
)


def _codec(name: str) -> str:
    return codecs.lookup(name).name.replace("-", "_")


def _likeliest(results, sample: bytes) -> tuple[str, str | None, set[str]]:
    """Of the candidates about as clean as the cleanest (chaos) and about as
    coherent, the likeliest on a client share (PLAUSIBLE's order). Returns
    (encoding, its language, every close candidate's encoding)."""
    least = min(m.chaos for m in results)
    clean = [m for m in results if m.chaos <= least + 0.02]
    top = max(m.coherence for m in clean)
    close = [m for m in clean if m.coherence >= top - 0.1]
    options: list[tuple[int, str, object]] = []
    for m in close:
        text = str(m)
        for e in [m.encoding, *m.could_be_from_charset]:
            name = _codec(e)
            # could_be_from_charset: tables charset-normalizer grouped with
            # this one; taken only where they read the sample the same.
            if name == _codec(m.encoding) or _reads_as(sample, name, text):
                options.append((PLAUSIBLE.index(name) if name in PLAUSIBLE else len(PLAUSIBLE), name, m))
    rank, name, m = min(options, key=lambda o: o[0])
    if rank == len(PLAUSIBLE):
        name = m.encoding
    # A language guessed from a few short words says little (English read as
    # Hungarian): only a coherent one decides between Latin tables.
    return name, m.language if m.coherence >= LANGUAGE_COHERENCE else None, {o[1] for o in options}


def _reads_as(sample: bytes, name: str, text: str) -> bool:
    try:
        return sample.decode(name) == text
    except (UnicodeDecodeError, LookupError):
        return False


@functools.lru_cache(maxsize=16)  # sniffing and extracting ask about the same head
def legacy_encoding(head: bytes) -> str:
    """The Python codec of a text that is neither UTF-8 nor UTF-16."""
    sample = head[:NORMALIZER_BYTES]
    cut = sample.rfind(b"\n")
    if cut > len(sample) // 2:  # never end on half a multi-byte character
        sample = sample[: cut + 1]
    try:
        from charset_normalizer import from_bytes

        results = from_bytes(sample, cp_isolation=list(PLAUSIBLE))
    except Exception:  # noqa: BLE001 - a detector failure costs accuracy, never the item
        return "cp1252"
    if not len(results):
        return "cp1252"
    name, language, close = _likeliest(results, sample)
    if name not in _LATIN_TABLES:
        return name
    preferred = _BY_LANGUAGE.get(language)
    if not preferred:
        return name
    windows = len(sample) != len(sample.translate(None, _C1))
    order = sorted(preferred, key=lambda enc: (enc.startswith("cp") != windows, preferred.index(enc)))
    if not windows and "iso8859_15" in order and b"\xa4" in sample:
        order.insert(0, "iso8859_15")  # \xa4: the euro sign of Latin-9, a bare currency sign elsewhere
    for enc in order:  # only among the candidates charset-normalizer found about as good
        if enc in close:
            return enc
    return name


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
        self.switched_to: str | None = None  # the encoding a tentative UTF-8 turned out to be


def iter_text(stream: BinaryIO, encoding: Encoding, stats: DecodeStats | None = None,
              block: int = BLOCK, first: bytes = b"") -> Iterator[str]:
    """Decoded text blocks of a byte stream. `first` holds bytes already read
    from the stream (the sniffed head). A tentative UTF-8 (an ASCII head:
    a CSV export whose accented names start after the first 8 KiB) is
    decoded strictly; the first block that is not UTF-8 decides the
    encoding of the rest, as the head would have."""
    tentative = encoding.tentative and encoding.name == "utf-8"
    dec = codecs.getincrementaldecoder(encoding.name)(errors="strict" if tentative else "replace")
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
        if tentative:
            pending = dec.getstate()[0]
            try:
                text = dec.decode(data)
            except UnicodeDecodeError:
                dec, tentative = _decided(pending + data, stats), False
                text = dec.decode(pending + data)
        else:
            text = dec.decode(data)
        data = b""
        if text:
            if stats is not None:
                stats.replaced += text.count("\ufffd")
            yield text
    try:
        tail = dec.decode(b"", final=True)
    except UnicodeDecodeError:  # a tentative UTF-8 that ends on a cut character
        tail = "\ufffd"
    if tail:
        if stats is not None:
            stats.replaced += tail.count("\ufffd")
        yield tail


def _decided(data: bytes, stats: DecodeStats | None):
    """A decoder for the rest of a text whose ASCII start left the encoding open."""
    enc = detect_encoding(data[:NORMALIZER_BYTES]) or Encoding("cp1252")
    if stats is not None:
        stats.switched_to = enc.name
    return codecs.getincrementaldecoder(enc.name)(errors="replace")


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
