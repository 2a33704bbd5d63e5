"""An extractor for `.pcard` contact cards: a made-up format that starts with
the line `PCARD1` and holds `key: value` lines. Each value becomes a segment
whose context is its key, so "ssn: 123..." scores with context even though
the word is not next to the number in the text handed to the detectors.
"""

from __future__ import annotations

from typing import Iterator

from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.model import Segment


class PcardExtractor(Extractor):
    name = "pcard"
    content_types = ("application/x-pcard",)
    extensions = (".pcard",)  # recognised by name ...
    magic = (b"PCARD1",)  # ... or by its first bytes

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        text = blob.read_all(16 << 20).decode("utf-8", "replace")
        lines = text.splitlines()
        if not lines or lines[0].strip() != "PCARD1":
            raise ValueError("not a PCARD1 file")
        offset = len(lines[0]) + 1
        for n, line in enumerate(lines[1:], 2):
            ctx.check()
            key, sep, value = line.partition(":")
            if sep:
                start = offset + len(key) + 1
                yield Segment(text=value, offset=start, line=n, context=(key.strip(),))
            offset += len(line) + 1
