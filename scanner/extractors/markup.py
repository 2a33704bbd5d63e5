"""HTML (visible text) and XML (text and attribute values, named).

HTML: scripts, styles and templates are left out; block elements become
lines; tables become tab-separated rows whose header row (`th`, or a first
row of names) is context for the cells; `mailto:`/`tel:` link targets and
`alt`/`title`/`value` attributes count, since they hold what a reader
would see or click.

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
from scanner.extractors.registry import register
from scanner.extractors.textbuilder import SegmentWriter
from scanner.extractors.xmltext import local
from scanner.model import Segment
from scanner.streams import read_limited
from scanner.textdecode import detect_encoding

_INVISIBLE = frozenset({"script", "style", "template", "head", "svg", "math", "object", "iframe", "noembed"})
_BLOCK = frozenset("""
address article aside blockquote body br dd details dialog div dl dt fieldset figcaption figure footer form
h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary ul title option legend label caption
""".split())
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
        import lxml.html

        text = decode_markup(read_limited(blob.open(), MAX_IN_MEMORY, "HTML document"))
        text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses str input with an encoding declaration
        if not text.strip():
            return
        try:
            root = lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(
                remove_comments=True, remove_pis=True, no_network=True, recover=True, default_doctype=False))
        except (etree.ParserError, ValueError) as exc:
            raise ItemError(f"unreadable HTML ({one_line(exc)})") from None
        writer = SegmentWriter()
        title = root.find(".//title")
        if title is not None and title.text_content().strip():
            yield from writer.line(title.text_content().strip())
        body = root.find("body")
        parts: list[str] = []
        yield from _html(body if body is not None else root, writer, parts, ctx)
        if parts:
            yield from writer.line("".join(parts))
        yield from writer.close()


def _attrs(el) -> str:
    out = []
    for key in ("alt", "title", "value", "placeholder"):
        v = el.get(key)
        if v:
            out.append(v)
    href = el.get("href") or ""
    if href[:7].lower() == "mailto:" or href[:4].lower() == "tel:":
        out.append(href.split(":", 1)[1].split("?", 1)[0])
    return " ".join(out)


def _html(el, writer: SegmentWriter, parts: list[str], ctx) -> Iterator[Segment]:
    # An explicit stack of (element, entering): pages nest deeper than Python recursion allows.
    stack = [(el, True)]
    n = 0
    while stack:
        node, entering = stack.pop()
        if not entering:
            if isinstance(node, str):
                parts.append(node)
                continue
            if local(node.tag) in _BLOCK and parts:
                yield from writer.line("".join(parts).strip())
                parts.clear()
            continue
        n += 1
        if n & 4095 == 0:
            ctx.check()
        tag = node.tag if isinstance(node.tag, str) else ""
        name = local(tag).lower()
        if name in _INVISIBLE or not tag:
            if node.tail:
                parts.append(node.tail)
            continue
        if name == "table":
            if parts:
                yield from writer.line("".join(parts).strip())
                parts.clear()
            yield from _table(node, writer)
            if node.tail and node.tail.strip():
                parts.append(node.tail)
            continue
        extra = _attrs(node)
        # Exit marker (with the tail after it), children in reverse, then this node's own text.
        if node.tail:
            stack.append((node.tail, False))
        stack.append((node, False))
        for child in reversed(node):
            stack.append((child, True))
        if name in _BLOCK and parts:
            yield from writer.line("".join(parts).strip())
            parts.clear()
        if node.text:
            parts.append(node.text)
        if extra:
            parts.append(f" {extra} ")


def _table(table, writer: SegmentWriter) -> Iterator[Segment]:
    rows = [tr for tr in table.iter("tr") if _owner_table(tr) is table]
    header = None
    first = rows[0] if rows else None
    if first is not None and any(c.tag == "th" for c in first):
        header = [" ".join(c.text_content().split()) for c in first if c.tag in ("td", "th")]
    yield from writer.begin_table(header)
    for tr in rows:
        cells = []
        for c in tr:
            if c.tag not in ("td", "th"):
                continue
            cell = " ".join(c.text_content().split())
            extra = " ".join(x for x in (_attrs(a) for a in c.iter() if isinstance(a.tag, str)) if x)
            cells.append(f"{cell} {extra}".strip())
        yield from writer.row(cells)
    writer.end_table()


def _owner_table(tr):
    p = tr.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


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
