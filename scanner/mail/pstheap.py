"""Properties of a message embedded in a PST message, from its raw node data.

libpff's Python binding returns an embedded message (attach method 5) only
as the raw bytes of its node: a Heap-on-Node holding a property context
([MS-PST] 2.3.1 and 2.3.3). This reads the properties whose values live in
that heap, which covers the headers and the body of a typical forwarded
message. Values that [MS-PST] puts in sub-nodes (large bodies, the
recipient and attachment tables) are not reachable through the binding;
when some are missing, the caller notes it, and the printable strings of
the node are scanned instead so that nothing readable is left out.
"""

from __future__ import annotations

import re
import struct
from typing import Any

from scanner.mail import charset

_FIXED = {0x0002: 2, 0x0003: 4, 0x000A: 4, 0x000B: 1, 0x0004: 4}


class NotAHeap(Exception):
    pass


def _allocations(block: bytes) -> list[tuple[int, int]]:
    (ib_hnpm,) = struct.unpack_from("<H", block, 0)
    if ib_hnpm + 4 > len(block):
        raise NotAHeap("page map outside the block")
    c_alloc, _c_free = struct.unpack_from("<HH", block, ib_hnpm)
    offs = struct.unpack_from(f"<{c_alloc + 1}H", block, ib_hnpm + 4)
    return [(offs[i], offs[i + 1]) for i in range(c_alloc)]


def read_properties(data: bytes, string8_codec: str = "cp1252") -> tuple[dict[int, Any], int]:
    """({property id: value}, number of values that live outside this data).
    Raises NotAHeap when the data is not a single-block property context."""
    if len(data) < 12 or data[2] != 0xEC or data[3] != 0xBC:
        raise NotAHeap("not a property context")
    allocs = _allocations(data)

    def heap(hid: int) -> bytes:
        if hid & 0x1F:  # not a heap id (a sub-node id)
            raise KeyError(hid)
        index, block = ((hid >> 5) & 0x7FF) - 1, hid >> 16
        if block != 0 or not 0 <= index < len(allocs):
            raise KeyError(hid)
        a, b = allocs[index]
        return data[a:b]

    (hid_root,) = struct.unpack_from("<I", data, 4)
    bth = heap(hid_root)
    if len(bth) < 8 or bth[0] != 0xB5:
        raise NotAHeap("no BTH header")
    cb_key, cb_ent, levels = bth[1], bth[2], bth[3]
    (hid_entries,) = struct.unpack_from("<I", bth, 4)
    if cb_key != 2 or cb_ent != 6 or levels != 0:
        raise NotAHeap("unsupported BTH layout")
    props: dict[int, Any] = {}
    missing = 0
    if not hid_entries:
        return props, 0
    rows = heap(hid_entries)
    string8: list[tuple[int, bytes]] = []
    for off in range(0, len(rows) - 7, 8):
        pid, ptype, value = struct.unpack_from("<HHI", rows, off)
        if ptype in _FIXED:
            props[pid] = value
            continue
        if ptype not in (0x001F, 0x001E, 0x0102):
            continue
        if value == 0:
            continue
        try:
            raw = heap(value)
        except KeyError:
            missing += 1
            continue
        if ptype == 0x001F:
            props[pid] = raw.decode("utf-16-le", "replace").rstrip("\x00")
        elif ptype == 0x001E:
            string8.append((pid, raw))
        else:
            props[pid] = raw
    for pid, raw in string8:
        props[pid] = charset.decode(raw.rstrip(b"\x00"), string8_codec)
    return props, missing


_UTF16_RUN = re.compile(rb"(?:[\x09\x0a\x0d\x20-\x7e][\x00]){4,}")
_ASCII_RUN = re.compile(rb"[\x09\x0a\x0d\x20-\x7e]{6,}")


def printable_strings(data: bytes) -> str:
    """Readable UTF-16 and ASCII runs of a binary blob, one per line."""
    out = [m.group(0).decode("utf-16-le") for m in _UTF16_RUN.finditer(data)]
    out += [m.group(0).decode("ascii") for m in _ASCII_RUN.finditer(data)]
    return "\n".join(out)
