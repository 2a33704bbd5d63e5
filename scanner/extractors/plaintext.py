"""Plain text of any encoding piiscout can detect, in overlapping segments."""

from __future__ import annotations

from typing import Iterator

from scanner.errors import ItemSkipped
from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.registry import register
from scanner.extractors.textlayout import TextTables
from scanner.model import Segment
from scanner.textdecode import DecodeStats, detect_encoding, iter_text, segments


@register
class PlainTextExtractor(Extractor):
    name = "text"
    content_types = ("text/plain",)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        # SQL dumps (COPY blocks) and fixed-width reports: their column
        # headers are context for the values below them.
        yield from TextTables().segments(text_segments(blob, ctx))


def text_segments(blob: Blob, ctx: ExtractContext, **kw) -> Iterator[Segment]:
    """Decode a blob as text and cut it into segments (shared by every
    text-based extractor)."""
    enc = detect_encoding(blob.head)
    if enc is None:
        raise ItemSkipped("binary content")
    stats = DecodeStats()

    def blocks():
        for block in iter_text(blob.open(), enc, stats):
            ctx.check()
            yield block

    yield from segments(blocks(), **kw)
    if stats.replaced:
        ctx.note(f"{stats.replaced} undecodable byte sequence(s) replaced ({stats.switched_to or enc.name})")
