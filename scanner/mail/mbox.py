"""Split an mbox stream into messages without reading it all.

`mailbox.mbox` indexes the whole file before the first message and keeps
the index; this reads 1 MiB blocks and cuts at From_ lines, holding one
message at a time. A From_ line is a line starting with "From " that
follows a blank line (or starts the file) and names a sender
address (or "-", as Thunderbird writes), or that is a full envelope line
("From addr Mon Jan  1 00:00:00 2024") wherever it is. Writers escape body
lines that could be mistaken for one (">From "); for files that do not, a
paragraph starting "From the desk of..." is still not a separator.

A message larger than `max_message` is not kept: its size is counted while
it streams past and it is reported as too large, and the next one is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterator

BLOCK = 1 << 20
# "From jane@example.com Mon Jan  1 10:00:00 2024", "From - Mon Jan  8 09:00:00 2024",
# "From 1234@xxx Mon Jan 01 10:00:00 +0000 2024" (Takeout).
_ENVELOPE = re.compile(rb"From \S+[ \t]+[A-Z][a-z]{2}[ \t]+[A-Z][a-z]{2}[ \t]+\d{1,2}[ \t]+\d{1,2}:\d{2}")
# After a blank line, a looser form: an address, "-" or MAILER-DAEMON as sender.
_LOOSE = re.compile(rb"From (?:\S*@\S*|-|MAILER-DAEMON)(?:[ \t\r]|$)")


@dataclass
class MboxMessage:
    index: int  # 1-based
    data: bytes | None  # None when over the limit
    size: int
    offset: int  # byte offset of its From_ line in the file


def _is_separator(buf: bytes | bytearray, i: int, eol: int) -> bool:
    """buf[i:] starts with b"From " at a line start; eol is the end of that line."""
    if i == 0 or _ENVELOPE.match(buf, i, eol):
        return True
    before = buf[max(0, i - 3):i]
    return (before.endswith(b"\n\n") or before.endswith(b"\n\r\n")) and bool(_LOOSE.match(buf, i, eol))


def split(stream: BinaryIO, max_message: int | None, check: Callable[[], None] = lambda: None,
          block: int = BLOCK) -> Iterator[MboxMessage]:
    buf = bytearray()  # the current message from its From_ line (or its tail when over the limit)
    msg_start = 0  # file offset of the current message
    dropped = 0  # bytes of the current message no longer in buf (over the limit)
    scan = 0  # where to look for the next separator in buf
    index = 0
    eof = False
    started = False
    while True:
        if not eof:
            chunk = stream.read(block)
            check()
            if not chunk:
                eof = True
            else:
                buf += chunk
        if not started:
            # Text before the first From_ line (a stray blank line) is ignored.
            j = buf.find(b"From ")
            if j < 0 or (j > 0 and buf[:j].strip()):
                j = 0 if buf.strip() else -1
            if j < 0:
                if eof:
                    return
                if len(buf) > 4096:
                    j = 0
                else:
                    continue
            del buf[:j]
            msg_start += j
            started = True
            scan = 1
        incomplete = False
        while True:
            k = buf.find(b"\nFrom ", scan)
            if k < 0:
                break
            eol = buf.find(b"\n", k + 1)
            if eol < 0 and not eof:
                scan, incomplete = k, True  # the line is not complete yet: look again
                break
            eol = len(buf) if eol < 0 else eol
            if _is_separator(buf, k + 1, eol):
                index += 1
                size = dropped + k + 1
                over = max_message is not None and size > max_message
                yield MboxMessage(index, None if over else bytes(buf[:k + 1]), size, msg_start)
                msg_start += size
                dropped = 0
                del buf[:k + 1]
                scan = 1
            else:
                scan = k + 1
        if eof:
            if buf.strip() or dropped:
                index += 1
                size = dropped + len(buf)
                over = max_message is not None and size > max_message
                yield MboxMessage(index, None if over else bytes(buf), size, msg_start)
            return
        if not incomplete:
            scan = max(scan, len(buf) - 6)  # a separator cut by the block end starts here
        if max_message is not None and dropped + len(buf) > max_message and len(buf) > 64:
            # Over the limit: keep only a tail long enough to see a separator
            # that starts in it, and count the rest.
            keep = 64
            cut = len(buf) - keep
            dropped += cut
            del buf[:cut]
            scan = 0
