"""winmail.dat (TNEF) attachments and files: the message body and its
attachments, read by scanner/mail/tnef.py. Attachments become children,
extracted like any file (a spreadsheet in a winmail.dat in an .eml)."""

from __future__ import annotations

from typing import Iterator

from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.registry import register
from scanner.mail import tnef
from scanner.mail.message import message_events
from scanner.model import Child, Segment
from scanner.streams import read_limited

TNEF = "application/vnd.ms-tnef"
MAX_TNEF = 1 << 30


@register
class TnefExtractor(Extractor):
    name = "tnef"
    content_types = (TNEF, "application/ms-tnef")

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment | Child]:
        data = read_limited(blob.open(), MAX_TNEF, "TNEF stream")
        msg = tnef.read_message(data, ctx.settings.max_attachment_size)
        ctx.check()
        yield from message_events(msg, ctx)
