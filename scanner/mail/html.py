"""HTML mail bodies to the text a reader sees.

Block elements become line breaks (so a phone number in one table cell and
a label in the next stay on separate lines, as on screen), scripts, styles
and the head are dropped, entities are decoded. The standard library parser
is enough for mail bodies and never raises on broken markup.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import unquote

_BLOCK = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody thead tfoot tr td th ul title".split()
)
_CELL = frozenset(("td", "th"))
_HIDDEN = frozenset(("script", "style", "head", "noscript", "template", "xml"))
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag == "a" and not self.hidden:
            # A mailto:/tel: link's target is an address even when the link
            # text is only "write to me".
            for k, v in attrs:
                if k == "href" and v and v.lower().startswith(("mailto:", "tel:")):
                    target = unquote(v.split(":", 1)[1].split("?", 1)[0]).strip()
                    if target:
                        self.out.append(f" {target} ")
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _CELL:
            self.out.append("\t")
        elif tag in _BLOCK:
            self.out.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK and tag not in _CELL:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.out.append(data)


def html_to_text(html: str) -> str:
    p = _TextParser()
    try:
        p.feed(html)
        p.close()
    except Exception:  # noqa: BLE001 - markup the parser chokes on: keep what it got
        pass
    text = "".join(p.out)
    lines = (_SPACES.sub(" ", ln).strip() for ln in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
