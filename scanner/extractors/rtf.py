"""RTF documents: the text a reader sees, including headers, footers,
footnotes, comments and text boxes, with table rows as header-aware
tab-separated lines. The tokenizer (code pages, escapes, which groups are
text) is scanner/extractors/rtftext.py, shared with mail bodies.
"""

from __future__ import annotations

from typing import Iterator

from scanner.extractors.base import MAX_IN_MEMORY, Blob, ExtractContext, Extractor
from scanner.extractors.registry import register
from scanner.extractors.rtftext import rtf_events
from scanner.extractors.textbuilder import SegmentWriter
from scanner.model import Segment
from scanner.streams import read_limited


@register
class RtfExtractor(Extractor):
    name = "rtf"
    content_types = ("text/rtf", "application/rtf")

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        # RTF is 7-bit: latin-1 maps every byte to one character, and the
        # escapes say how to decode the rest.
        text = read_limited(blob.open(), MAX_IN_MEMORY, "RTF document").decode("latin-1")
        writer = SegmentWriter()
        line: list[str] = []
        cells: list[str] = []
        in_table = False
        for kind, value in rtf_events(text, ctx.check):
            if kind == "text":
                line.append(value)
            elif kind == "cell":
                cells.append("".join(line))
                line = []
            elif kind == "row":
                if not in_table:
                    yield from writer.begin_table()
                    in_table = True
                yield from writer.row(cells)
                cells, line = [], []
            elif kind == "par":
                if cells:  # a paragraph inside a table cell
                    line.append(" ")
                    continue
                if in_table:
                    writer.end_table()
                    in_table = False
                yield from writer.line("".join(line))
                line = []
        if in_table:
            writer.end_table()
        if cells or line:
            yield from writer.line("\t".join(cells + ["".join(line)]))
        yield from writer.close()
