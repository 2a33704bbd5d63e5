"""Outlook messages: .msg files (OLE, read with olefile) and the messages
piiscout takes out of PST files and .msg attachments, which reach this
extractor serialised in memory (scanner/mail/container.py)."""

from __future__ import annotations

from typing import Iterator

from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.registry import register
from scanner.mail import container
from scanner.mail.message import MESSAGE_MAPI, message_events
from scanner.mail.msg import MsgReader
from scanner.model import Child, Segment
from scanner.streams import read_limited


@register
class OutlookMsgExtractor(Extractor):
    name = "msg"
    content_types = (MESSAGE_MAPI,)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment | Child]:
        if container.is_container(blob.head):
            yield from message_events(container.decode(read_limited(blob.open(), 1 << 31, "message")), ctx)
            return
        reader = MsgReader(blob.seekable(), ctx.settings.max_attachment_size, blob.memo.get("olefile"))
        try:
            msg = reader.message()
            ctx.check()
            yield from message_events(msg, ctx)
        finally:
            reader.close()
