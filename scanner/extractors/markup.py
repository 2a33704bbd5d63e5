"""HTML (visible text) and XML (text and attribute values, named).

HTML: the visible text as scanner/extractors/htmltext.py reads it (the
same converter as HTML mail bodies): block elements become lines, tables
tab-separated rows whose header row is context for the cells.

XML: each text node and attribute value is written on a line after its
element or attribute name (`ssn: 123456789`), so the name is context the
way a JSON key or CSV header is. Parsed streaming, without entities, DTDs
or network access; malformed XML is read as far as the parser can recover.
"""

from __future__ import annotations

import re
from typing import Iterator

from lxml import etree

from scanner.errors import ItemError, one_line
from scanner.extractors.base import MAX_IN_MEMORY, Blob, ExtractContext, Extractor
from scanner.extractors.htmltext import html_segments, parse_html
from scanner.extractors.registry import register
from scanner.extractors.textbuilder import SegmentWriter
from scanner.extractors.xmltext import local
from scanner.model import Segment
from scanner.streams import read_limited
from scanner.textdecode import detect_encoding

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I)


def decode_markup(data: bytes) -> str:
    enc = detect_encoding(data[:8192])
    if enc is not None and enc.name.startswith("utf-16") or (enc is not None and enc.bom):
        return data[enc.bom:].decode(enc.name, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    return data.decode("cp1252", "replace")


@register
class HtmlExtractor(Extractor):
    name = "html"
    content_types = ("text/html", "application/xhtml+xml")

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        text = decode_markup(read_limited(blob.open(), MAX_IN_MEMORY, "HTML document"))
        try:
            root = parse_html(text)
        except ValueError as exc:
            raise ItemError(f"unreadable HTML ({one_line(exc)})") from None
        if root is None:
            return
        writer = SegmentWriter()
        yield from html_segments(root, writer, ctx.check)
        yield from writer.close()


@register
class XmlExtractor(Extractor):
    name = "xml"
    content_types = ("application/xml", "text/xml")

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        writer = SegmentWriter()
        n = 0
        stream = blob.open()
        try:
            parser = etree.iterparse(stream, events=("start", "end"), resolve_entities=False, no_network=True,
                                     load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
                                     recover=True)
            for event, el in parser:
                n += 1
                if n & 4095 == 0:
                    ctx.check()
                if not isinstance(el.tag, str):
                    continue
                name = local(el.tag)
                parent = el.getparent()
                if event == "start":
                    prev = el.getprevious()
                    if prev is not None:
                        # Mixed content: text after the previous sibling is complete now.
                        if prev.tail and prev.tail.strip() and parent is not None:
                            yield from writer.line(f"{local(parent.tag)}: {prev.tail.strip()}")
                        while el.getprevious() is not None:  # finished siblings: keep memory flat
                            del parent[0]
                    for key, value in el.attrib.items():
                        if value and value.strip():
                            yield from writer.line(f"{local(key)}: {value.strip()}")
                    continue
                if el.text and el.text.strip():
                    yield from writer.line(f"{name}: {el.text.strip()}")
                if len(el) and el[-1].tail and el[-1].tail.strip():
                    yield from writer.line(f"{name}: {el[-1].tail.strip()}")
                el.clear(keep_tail=True)
        except etree.XMLSyntaxError as exc:
            if writer.chars == 0:
                raise ItemError(f"malformed XML ({one_line(exc)})") from None
            ctx.note(f"malformed XML, read up to the error ({one_line(exc)})")
        yield from writer.close()
