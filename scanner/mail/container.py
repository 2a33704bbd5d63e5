"""A parsed Outlook message, serialised in memory so it can be a `Child`.

The pipeline recurses into children by opening a byte stream and choosing
an extractor by content type. A message inside a PST, or a message embedded
in a .msg, has no byte form of its own that another tool could read, so the
PST and MSG readers serialise the `MailMessage` they parsed into this small
format (content type application/vnd.ms-outlook, like a .msg file) and the
MSG extractor reads it back. It lives only in memory, inside one worker, for
the time one message is scanned; it is never written anywhere.

Layout: MAGIC, a 4-byte big-endian length, that many bytes of JSON (headers,
bodies, Message-ID, notes, attachment metadata), then the attachment bytes
back to back in the order the JSON lists them. No pickle: a crafted file
that starts with MAGIC is parsed as data only (and sniffing never gives this
content type to a file anyway).
"""

from __future__ import annotations

import io
import json
import struct

from scanner.errors import ItemError
from scanner.mail.message import Attachment, MailMessage

MAGIC = b"\x00piiscout-mapi-message\x00v1\n"


def is_container(head: bytes) -> bool:
    return head.startswith(MAGIC)


def encode(msg: MailMessage, attachment_data: list[bytes | None]) -> bytes:
    """`attachment_data[i]` holds the bytes of msg.attachments[i] (None for
    attachments recorded as error/skipped)."""
    meta = {
        "headers": msg.headers,
        "bodies": msg.bodies,
        "message_id": msg.message_id,
        "notes": msg.notes,
        "attachments": [
            {"filename": a.filename, "size": a.size, "content_type": a.content_type, "error": a.error,
             "skip": a.skip, "length": len(d) if d is not None else None}
            for a, d in zip(msg.attachments, attachment_data)
        ],
    }
    head = json.dumps(meta, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return b"".join([MAGIC, struct.pack(">I", len(head)), head] + [d for d in attachment_data if d])


def decode(data: bytes) -> MailMessage:
    try:
        (n,) = struct.unpack_from(">I", data, len(MAGIC))
        start = len(MAGIC) + 4
        meta = json.loads(data[start:start + n].decode("utf-8", "surrogatepass"))
        pos = start + n
        msg = MailMessage(headers=[tuple(h) for h in meta["headers"]], bodies=list(meta["bodies"]),
                          message_id=meta.get("message_id"), notes=list(meta.get("notes") or []))
        for a in meta["attachments"]:
            length = a.get("length")
            opener = None
            if length is not None:
                chunk = data[pos:pos + length]
                if len(chunk) != length:
                    raise ValueError("attachment data cut short")
                pos += length
                opener = (lambda c=chunk: io.BytesIO(c))
            msg.attachments.append(Attachment(filename=a.get("filename"), open=opener, size=a.get("size"),
                                              content_type=a.get("content_type"), error=a.get("error"),
                                              skip=a.get("skip")))
        return msg
    except (ValueError, KeyError, TypeError, struct.error) as e:
        raise ItemError(f"damaged in-memory message ({type(e).__name__})") from None
