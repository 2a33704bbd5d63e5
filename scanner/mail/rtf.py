"""Outlook RTF bodies: compressed RTF (LZFu, [MS-OXRTFCP]) and RTF to text.

Outlook stores a plain-text body beside the RTF one almost always; this is
the fallback for messages that only have RTF. The converter keeps the text
of the document and drops font tables, pictures and other destinations,
including the HTML tags of RTF-encapsulated HTML.
"""

from __future__ import annotations

import re
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


_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z])|([{}])|([^\\{}\r\n]+)|[\r\n]+"
)
_SKIP_DESTINATIONS = frozenset(
    b"fonttbl colortbl stylesheet info pict object themedata datastore latentstyles listtable "
    b"listoverridetable rsidtbl generator xmlnstbl mmathPr filetbl revtbl userprops header footer "
    b"headerl headerr headerf footerl footerr footerf".split()
)
_BREAKS = {b"par": "\n", b"line": "\n", b"sect": "\n", b"page": "\n", b"row": "\n", b"cell": "\t",
           b"tab": "\t", b"emdash": "—", b"endash": "–", b"bullet": "•", b"lquote": "‘", b"rquote": "’",
           b"ldblquote": "“", b"rdblquote": "”", b"~": " "}


def rtf_to_text(rtf: bytes) -> str:
    out: list[str] = []
    stack: list[tuple[bool, int]] = []
    skip, uc, pending_skip = False, 1, 0
    codec = "cp1252"
    htmlrtf = False
    star = False
    for m in _TOKEN.finditer(rtf):
        word, arg, hexbyte, sym, brace, text = m.groups()
        if brace == b"{":
            stack.append((skip, uc))
            star = False
            continue
        if brace == b"}":
            if stack:
                skip, uc = stack.pop()
            star = False
            continue
        if word is not None:
            if word in _SKIP_DESTINATIONS or (star and m.start() > 0):
                skip = True
            star = False
            if word == b"ansicpg" and arg:
                codec = f"cp{int(arg)}"
            elif word == b"uc" and arg:
                uc = int(arg)
            elif word == b"htmlrtf":
                htmlrtf = arg != b"0"
            elif word == b"u" and arg and not skip and not htmlrtf:
                cp = int(arg)
                out.append(chr(cp + 65536 if cp < 0 else cp))
                pending_skip = uc
            elif not skip and not htmlrtf and word in _BREAKS:
                out.append(_BREAKS[word])
            continue
        if sym is not None:
            if sym == b"*":
                star = True
                skip = True
            elif not skip and not htmlrtf:
                out.append(_BREAKS.get(sym, sym.decode("latin-1") if sym in b"\\{}" else ""))
            continue
        if skip or htmlrtf:
            continue
        if hexbyte is not None:
            if pending_skip:
                pending_skip -= 1
                continue
            try:
                out.append(bytes([int(hexbyte, 16)]).decode(codec, "replace"))
            except LookupError:
                out.append(bytes([int(hexbyte, 16)]).decode("cp1252", "replace"))
            continue
        if text:
            if pending_skip:
                cut = min(pending_skip, len(text))
                text, pending_skip = text[cut:], pending_skip - cut
            try:
                out.append(text.decode(codec, "replace"))
            except LookupError:
                out.append(text.decode("cp1252", "replace"))
    return "".join(out)
