"""TNEF (winmail.dat, application/ms-tnef): Outlook's rich-text wrapper, [MS-OXTNEF].

Outlook sending "Rich Text" mail to the Internet packs the body and every
attachment into one winmail.dat part; a mail client that cannot read it
shows an empty message with an opaque attachment, and a scanner that
cannot read it misses everything in it. The stream is a signature, a key,
then attributes: level (message or attachment), id, length, data and a
checksum. What is read:

* message: attSubject, attBody (legacy text, in the OEM code page), attFrom,
  and attMsgProps, a MAPI property list (PR_BODY, PR_HTML, PR_RTF_COMPRESSED,
  sender and subject), turned into a message by `mapi.build_message` like
  .msg and PST messages;
* attachments: each starts at attAttachRendData; attAttachTitle (8.3 name),
  attAttachData (the bytes) and attAttachment (MAPI properties: the long
  file name, and an embedded message as PR_ATTACH_DATA_OBJ, itself TNEF).

A reader of our own (~200 lines): tnefparse, the Python package, is
LGPL-3.0 and reads no embedded messages; this format is small and fully
specified.
"""

from __future__ import annotations

import io
import struct
from typing import Any

from scanner.errors import ItemError
from scanner.mail import charset, mapi
from scanner.mail.message import Attachment, MailMessage

SIGNATURE = 0x223E9F78
LVL_MESSAGE, LVL_ATTACHMENT = 1, 2
ATT_FROM = 0x8000
ATT_SUBJECT = 0x8004
ATT_BODY = 0x800C
ATT_MSG_PROPS = 0x9003
ATT_ATTACH_REND_DATA = 0x9002
ATT_ATTACH_TITLE = 0x8010
ATT_ATTACH_DATA = 0x800F
ATT_ATTACHMENT = 0x9005
ATT_OEM_CODEPAGE = 0x9007
PR_ATTACH_DATA_OBJ = 0x3701
MAX_ATTACHMENTS = 1000
MAX_DEPTH = 4  # embedded messages inside embedded messages

_FIXED = {0x0002: 4, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8, 0x000A: 4, 0x000B: 4, 0x0014: 8,
          0x0040: 8, 0x0048: 16}
_VARIABLE = (0x001E, 0x001F, 0x0102, 0x000D)
PT_OBJECT = 0x000D


def is_tnef(head: bytes) -> bool:
    return len(head) >= 4 and struct.unpack_from("<I", head)[0] == SIGNATURE


def _attributes(data: bytes):
    """(level, attribute id, payload) for each attribute; stops at damage."""
    pos = 6
    n = len(data)
    while pos + 9 <= n:
        level, attr, size = struct.unpack_from("<BII", data, pos)
        pos += 9
        if level not in (LVL_MESSAGE, LVL_ATTACHMENT) or pos + size + 2 > n:
            raise ItemError(f"corrupt TNEF stream (attribute at byte {pos - 9})")
        yield level, attr & 0xFFFF, data[pos:pos + size]
        pos += size + 2  # checksum


def properties(data: bytes, codec: str) -> dict[int, Any]:
    """A MAPI property list: {property id: value}; strings decoded, named
    properties (ids >= 0x8000) kept when they are strings."""
    props: dict[int, Any] = {}
    count, = struct.unpack_from("<I", data, 0)
    pos = 4
    for _ in range(min(count, 100000)):
        ptype, pid = struct.unpack_from("<HH", data, pos)
        pos += 4
        if pid >= 0x8000:  # named property: GUID, then a number or a name
            kind, = struct.unpack_from("<I", data, pos + 16)
            pos += 20
            if kind == 1:
                length, = struct.unpack_from("<I", data, pos)
                pos += 4 + length + (-length % 4)
            else:
                pos += 4
        multi = bool(ptype & 0x1000)
        base = ptype & ~0x1000
        values = 1
        if multi:
            values, = struct.unpack_from("<I", data, pos)
            pos += 4
        for _ in range(min(values, 100000)):
            if base in _FIXED:
                size = _FIXED[base]
                if not multi:
                    props[pid] = _fixed(base, data, pos)
                pos += size
            elif base in _VARIABLE:
                if not multi:
                    n, = struct.unpack_from("<I", data, pos)  # a count of values, 1
                    pos += 4
                length, = struct.unpack_from("<I", data, pos)
                raw = data[pos + 4:pos + 4 + length]
                pos += 4 + length + (-length % 4)
                if not multi:
                    props[pid] = _variable(base, raw, codec)
            else:
                return props  # an unknown type: its size is unknown too
    return props


def _fixed(ptype: int, data: bytes, pos: int):
    if ptype in (0x0002, 0x0003, 0x000A, 0x000B):
        return struct.unpack_from("<i", data, pos)[0]
    return data[pos:pos + _FIXED[ptype]]


def _variable(ptype: int, raw: bytes, codec: str):
    if ptype == 0x001F:
        return raw.decode("utf-16-le", "replace").rstrip("\x00")
    if ptype == 0x001E:
        return charset.decode(raw.rstrip(b"\x00"), codec)
    return raw


def _string(payload: bytes, codec: str) -> str:
    return charset.decode(payload.rstrip(b"\x00"), codec)


def _sender(payload: bytes, codec: str) -> tuple[str, str]:
    """attFrom: a TRP triple (display name, address)."""
    if len(payload) < 8:
        return "", ""
    _, _, cch, cb = struct.unpack_from("<HHHH", payload, 0)
    name = _string(payload[8:8 + cch], codec)
    address = _string(payload[8 + cch:8 + cch + cb], codec)
    return name, address.removeprefix("SMTP:")


class _Pending:
    def __init__(self):
        self.title: str | None = None
        self.data: bytes | None = None
        self.props: dict[int, Any] = {}


def read_message(data: bytes, max_attachment: int | None = None, depth: int = 0) -> MailMessage:
    """The message in a TNEF stream, attachments as openable byte streams."""
    if not is_tnef(data):
        raise ItemError("not a TNEF stream (bad signature)")
    codec = "cp1252"
    props: dict[int, Any] = {}
    legacy: dict[int, Any] = {}
    pending: list[_Pending] = []
    notes: list[str] = []
    try:
        for level, attr, payload in _attributes(data):
            if level == LVL_MESSAGE:
                if attr == ATT_OEM_CODEPAGE and len(payload) >= 4:
                    codec = charset.codec_for_codepage(struct.unpack_from("<I", payload)[0]) or codec
                elif attr == ATT_SUBJECT:
                    legacy[mapi.PR_SUBJECT] = _string(payload, codec)
                elif attr == ATT_BODY:
                    legacy[mapi.PR_BODY] = _string(payload, codec)
                elif attr == ATT_FROM:
                    legacy[mapi.PR_SENDER_NAME], legacy[mapi.PR_SENDER_EMAIL] = _sender(payload, codec)
                elif attr == ATT_MSG_PROPS:
                    props.update(properties(payload, codec))
            elif attr == ATT_ATTACH_REND_DATA or not pending:
                pending.append(_Pending())
                if attr != ATT_ATTACH_REND_DATA:
                    _attachment_attr(pending[-1], attr, payload, codec)
            else:
                _attachment_attr(pending[-1], attr, payload, codec)
    except ItemError as exc:
        if not props and not legacy and not pending:
            raise
        charset.note(notes, str(exc))  # keep what came before the damage
    except struct.error:
        charset.note(notes, "corrupt TNEF property list")
    for k, v in legacy.items():
        props.setdefault(k, v)
    msg = mapi.build_message(props, notes=notes)
    if len(pending) > MAX_ATTACHMENTS:
        charset.note(msg.notes, f"more than {MAX_ATTACHMENTS} attachments; the rest were not read")
    for att in pending[:MAX_ATTACHMENTS]:
        msg.attachments.append(_attachment(att, max_attachment, depth))
    return msg


def _attachment_attr(att: _Pending, attr: int, payload: bytes, codec: str) -> None:
    if attr == ATT_ATTACH_TITLE:
        att.title = _string(payload, codec)
    elif attr == ATT_ATTACH_DATA:
        att.data = payload
    elif attr == ATT_ATTACHMENT:
        try:
            att.props = properties(payload, codec)
        except struct.error:
            att.props = {}


def _attachment(att: _Pending, max_attachment: int | None, depth: int) -> Attachment:
    name = att.props.get(mapi.PR_ATTACH_LONG_FILENAME) or att.title
    name = name if isinstance(name, str) and name.strip() else None
    obj = att.props.get(PR_ATTACH_DATA_OBJ)
    if isinstance(obj, bytes) and len(obj) > 16 and is_tnef(obj[16:]):
        # An embedded message: an interface id, then a TNEF stream of its own.
        inner = obj[16:]
        if depth >= MAX_DEPTH:
            return Attachment(filename=name, open=None, skip="embedded message nested too deep")
        return Attachment(filename=(name or "message") + ".dat", open=lambda: io.BytesIO(inner), size=len(inner))
    data = att.data if att.data is not None else obj if isinstance(obj, bytes) else None
    if data is None:
        return Attachment(filename=name, open=None, skip="attachment without data (a link or reference)")
    if max_attachment is not None and len(data) > max_attachment:
        return Attachment(filename=name, open=None, size=len(data), skip="attachment larger than --max-attachment-size")
    return Attachment(filename=name, open=lambda: io.BytesIO(data), size=len(data))
