"""HTML as the text a reader sees: the one HTML-to-text converter, for HTML
documents (scanner/extractors/markup.py) and HTML mail bodies
(scanner/mail/message.py).

Scripts, styles, templates and the head (but its title) are left out; block
elements become lines; tables become tab-separated rows whose header row
(`th`) is context for the cells; `mailto:`/`tel:` link targets and
`alt`/`title`/`value`/`placeholder` attributes count, since they hold what
a reader would see or click. lxml's HTML parser, recovering from broken
markup, without network access.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator
from urllib.parse import unquote

from lxml import etree

from scanner.extractors.xmltext import local
from scanner.model import Segment

_INVISIBLE = frozenset({"script", "style", "template", "head", "svg", "math", "object", "iframe", "noembed"})
_BLOCK = frozenset("""
address article aside blockquote body br dd details dialog div dl dt fieldset figcaption figure footer form
h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary ul title option legend label caption
""".split())
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


def parse_html(text: str):
    """The document's root element, None if there is no markup at all;
    ValueError if lxml cannot read it."""
    import lxml.html

    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses str input with an encoding declaration
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(
            remove_comments=True, remove_pis=True, no_network=True, recover=True, default_doctype=False))
    except (etree.ParserError, ValueError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from None


def html_segments(root, writer, check: Callable[[], None] = lambda: None) -> Iterator[Segment]:
    """Write the visible text of a parsed document to `writer` (a
    scanner.extractors.textbuilder.SegmentWriter, or anything with its
    line/begin_table/row/end_table methods); yields what the writer yields."""
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        yield from writer.line(title.text_content().strip())
    body = root.find("body")
    parts: list[str] = []
    yield from _html(body if body is not None else root, writer, parts, check)
    if parts:
        yield from writer.line("".join(parts))


class _Lines:
    """A writer that keeps lines of text (html_to_text)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, text: str) -> Iterator[Segment]:
        self.lines.append(text)
        return iter(())

    def begin_table(self, headers=None) -> Iterator[Segment]:
        return iter(())

    def row(self, cells) -> Iterator[Segment]:
        self.lines.append("\t".join(cells))
        return iter(())

    def end_table(self) -> None:
        pass


def html_to_text(html: str) -> str:
    """The visible text of an HTML body: one line per block, table rows as
    tab-separated cells, runs of spaces and blank lines collapsed."""
    try:
        root = parse_html(html)
    except ValueError:
        root = None
    if root is None:
        return ""
    out = _Lines()
    for _ in html_segments(root, out):
        pass
    lines = (_SPACES.sub(" ", ln).strip() for ln in "\n".join(out.lines).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _attrs(el) -> str:
    out = []
    for key in ("alt", "title", "value", "placeholder"):
        v = el.get(key)
        if v:
            out.append(v)
    href = el.get("href") or ""
    if href[:7].lower() == "mailto:" or href[:4].lower() == "tel:":
        # The target is an address even when the link text is only "write to me".
        target = unquote(href.split(":", 1)[1].split("?", 1)[0]).strip()
        if target:
            out.append(target)
    return " ".join(out)


def _html(el, writer, parts: list[str], check: Callable[[], None]) -> Iterator[Segment]:
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
            check()
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


def _table(table, writer) -> Iterator[Segment]:
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
