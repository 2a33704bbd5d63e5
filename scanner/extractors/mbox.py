"""mbox files (Thunderbird, mutt, Google Takeout, `mail` spools): every
message is a child `msg-N` (N from 1, in file order) read by the EML
extractor, so each gets its own items row. The file is streamed: memory
holds one message (scanner/mail/mbox.py)."""

from __future__ import annotations

import io
from typing import Iterator

from scanner.errors import ItemSkipped
from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.registry import register
from scanner.mail import mbox
from scanner.mail.message import MESSAGE_RFC822
from scanner.mail.names import message_part
from scanner.model import Child
from scanner.streams import human_size


@register
class MboxExtractor(Extractor):
    name = "mbox"
    content_types = ("application/mbox",)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Child]:
        head = blob.head
        if head.strip() and not head.lstrip(b"\xef\xbb\xbf\r\n").startswith(b"From "):
            # An mbox:// target names this file an mbox; its bytes say otherwise.
            raise ItemSkipped("not an mbox file")
        limit = ctx.settings.max_message_size
        for m in mbox.split(blob.open(), limit, ctx.check):
            name = message_part(m.index)
            if m.data is None:
                yield Child(name=name, open=None, size=m.size, content_type=MESSAGE_RFC822,
                            skip=f"message larger than --max-message-size ({human_size(limit)})")
            else:
                yield Child(name=name, open=(lambda d=m.data: io.BytesIO(d)), size=m.size,
                            content_type=MESSAGE_RFC822)
