"""Single RFC 822 messages (.eml, Maildir files, messages split from an mbox):
headers, bodies and attachments (see scanner/mail/)."""

from __future__ import annotations

from typing import Iterator

from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.registry import register
from scanner.mail.message import message_events
from scanner.mail.mime import parse_message
from scanner.model import Child, Segment
from scanner.streams import read_limited


@register
class EmlExtractor(Extractor):
    name = "eml"
    content_types = ("message/rfc822", "message/global", "message/news")

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment | Child]:
        limit = ctx.settings.max_message_size
        data = read_limited(blob.open(), limit, "message") if limit else blob.open().read()
        ctx.check()
        yield from message_events(parse_message(data), ctx)
