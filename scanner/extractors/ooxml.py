"""Word (DOCX) and PowerPoint (PPTX) documents, from their XML parts.

DOCX: the body, then headers, footers, footnotes, endnotes and comments,
each its own section (`header1`, `comments`...). PPTX: each slide
(`slide=N`), its speaker notes (`notes=N`) and comments. Tables keep
their header row as context for their cells. Macro-enabled and template
variants (docm, dotx, pptm, potx) are the same formats.
"""

from __future__ import annotations

import re
from typing import Iterator

from scanner.errors import ItemError
from scanner.extractors.archives import open_zip, zip_member
from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.registry import register
from scanner.extractors.xmltext import DocumentWalker, Profile
from scanner.model import Segment
from scanner.refine import DOCX, PPTX

WORD = Profile(
    paragraph=frozenset({"p"}),
    table="tbl", row="tr", cell="tc",
    text=frozenset({"t", "delText"}),
    tab=frozenset({"tab", "ptab"}),
    newline=frozenset({"br", "cr"}),
    # Field codes (HYPERLINK "...") repeat what is displayed; VML fallbacks
    # repeat a text box's content; both would double every finding in them.
    skip=frozenset({"instrText", "delInstrText", "Fallback"}),
)

DRAWING = Profile(
    paragraph=frozenset({"p", "text"}),  # p:text: a legacy slide comment
    table="tbl", row="tr", cell="tc",
    text=frozenset({"t", "text"}),
    newline=frozenset({"br"}),
    skip=frozenset({"Fallback"}),
)

_NUM = re.compile(r"(\d+)")


def _natural(name: str):
    return [int(x) if x.isdigit() else x for x in _NUM.split(name)]


def _number(name: str) -> str:
    m = re.search(r"(\d+)\.xml$", name)
    return m.group(1) if m else name


@register
class DocxExtractor(Extractor):
    name = "docx"
    content_types = (DOCX,)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        names = open_zip(blob).namelist()
        main = [n for n in names if re.fullmatch(r"word/document\d*\.xml", n)]
        if not main:
            raise ItemError("corrupt DOCX file (no word/document.xml)")
        parts: list[tuple[str, str]] = [(n, "") for n in main]
        for pattern, label in ((r"word/header(\d*)\.xml", "header"), (r"word/footer(\d*)\.xml", "footer"),
                               (r"word/footnotes\.xml", "footnotes"), (r"word/endnotes\.xml", "endnotes"),
                               (r"word/comments\w*\.xml", "comments")):
            for n in sorted((n for n in names if re.fullmatch(pattern, n)), key=_natural):
                m = re.fullmatch(pattern, n)
                section = label + (m.group(1) if m and m.groups() and m.group(1) else "")
                if label == "comments" and n != "word/comments.xml":
                    continue  # commentsExtended/Ids hold no text
                parts.append((n, section))
        yield from _walk_parts(blob, ctx, WORD, parts)


@register
class PptxExtractor(Extractor):
    name = "pptx"
    content_types = (PPTX,)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        names = open_zip(blob).namelist()
        slides = sorted((n for n in names if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)), key=_natural)
        if not slides and "ppt/presentation.xml" not in names:
            raise ItemError("corrupt PPTX file (no slides)")
        parts = [(n, f"slide={_number(n)}") for n in slides]
        parts += [(n, f"notes={_number(n)}") for n in sorted(
            (n for n in names if re.fullmatch(r"ppt/notesSlides/notesSlide\d+\.xml", n)), key=_natural)]
        parts += [(n, "comments") for n in sorted(
            (n for n in names if re.fullmatch(r"ppt/comments/\w+\.xml", n)), key=_natural)]
        yield from _walk_parts(blob, ctx, DRAWING, parts)


def _walk_parts(blob: Blob, ctx: ExtractContext, profile: Profile, parts) -> Iterator[Segment]:
    for name, section in parts:
        ctx.check()
        stream = zip_member(blob, ctx, name)
        if stream is None:
            continue
        try:
            yield from DocumentWalker(profile, ctx, section).run(stream)
        finally:
            stream.close()
