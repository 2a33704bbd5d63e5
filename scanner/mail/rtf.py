"""Outlook RTF bodies: compressed RTF (LZFu, [MS-OXRTFCP]).

Outlook stores a plain-text body beside the RTF one almost always; the RTF
one is the fallback for messages that only have RTF, read as text by the
same tokenizer as RTF documents (scanner/extractors/rtftext.py: headers and
footers included, code pages from \\ansicpg and the fonts' \\fcharset).
"""

from __future__ import annotations

import struct

from scanner.errors import ItemError

_PREBUF = (
    b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript "
    b"\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
    b"\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"
)
_LZFU = 0x75465A4C
_MELA = 0x414C454D


def decompress(data: bytes, limit: int = 256 << 20) -> bytes:
    if len(data) < 16:
        raise ItemError("compressed RTF body too short")
    comp_size, raw_size, kind, _crc = struct.unpack_from("<IIII", data, 0)
    if kind == _MELA:
        return data[16:16 + raw_size]
    if kind != _LZFU:
        raise ItemError("unknown compressed RTF format")
    if raw_size > limit:
        raise ItemError("compressed RTF body too large")
    dic = bytearray(4096)
    dic[: len(_PREBUF)] = _PREBUF
    wpos = len(_PREBUF)
    out = bytearray()
    src = memoryview(data)[16:16 + max(0, comp_size - 12)]
    i, n = 0, len(src)
    while i < n:
        flags = src[i]
        i += 1
        for bit in range(8):
            if i >= n:
                break
            if flags & (1 << bit):
                if i + 1 >= n:
                    i = n
                    break
                word = (src[i] << 8) | src[i + 1]
                i += 2
                offset, length = word >> 4, (word & 0xF) + 2
                if offset == wpos:
                    return bytes(out)
                for k in range(length):
                    b = dic[(offset + k) & 0xFFF]
                    out.append(b)
                    dic[wpos] = b
                    wpos = (wpos + 1) & 0xFFF
            else:
                b = src[i]
                i += 1
                out.append(b)
                dic[wpos] = b
                wpos = (wpos + 1) & 0xFFF
            if len(out) > limit:
                raise ItemError("compressed RTF body too large")
    return bytes(out)
