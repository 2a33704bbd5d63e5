"""RTF: the text a reader sees, including headers, footers, footnotes,
comments and text boxes (striprtf drops those), with table rows as
header-aware tab-separated lines.

A small tokenizer rather than a library: RTF is a flat stream of control
words and groups; what matters is which groups to leave out (font and
colour tables, pictures, embedded object data, field instructions,
metadata) and how characters are escaped (\\'hh in the document code page,
\\uN with its fallback characters, \\binN raw bytes).
"""

from __future__ import annotations

import codecs
import re
from typing import Iterator

from scanner.extractors.base import MAX_IN_MEMORY, Blob, ExtractContext, Extractor
from scanner.extractors.registry import register
from scanner.extractors.textbuilder import SegmentWriter
from scanner.model import Segment
from scanner.streams import read_limited

_TOKEN = re.compile(
    r"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word with optional parameter
    r"|\\'([0-9a-fA-F]{2})"  # hex-escaped byte
    r"|\\([^a-zA-Z'])"  # control symbol
    r"|([{}])"
    r"|[\r\n]+"
    r"|([^\\{}\r\n]+)",
    re.S,
)

# Groups whose content is not text a reader sees.
_SKIP = frozenset("""
fonttbl colortbl stylesheet info pict object objdata objclass objname objalias themedata colorschememapping
datastore xmlnstbl listtable listoverridetable rsidtbl generator latentstyles pgptbl fldinst filetbl revtbl
listpicture bkmkstart bkmkend sn sv shpinst picprop blipuid template docvar mmathPr wgrffmtfilter
passwordhash protusertbl userprops xmlopen xmlclose datafield fftype ffname ffdeftext ffhelptext ffstattext
atnauthor atndate atnid atnicn atntime atnparent atnref falt panose fontemb fontfile defchp defpap
""".split())
# \* groups worth reading even though readers may ignore them.
_KEEP_STARRED = frozenset({"shptxt", "annotation", "ud", "htmltag"})

_SPECIAL = {"emdash": "\u2014", "endash": "\u2013", "bullet": "\u2022", "lquote": "\u2018", "rquote": "\u2019",
            "ldblquote": "\u201c", "rdblquote": "\u201d", "emspace": " ", "enspace": " ", "qmspace": " "}
_SYMBOL = {"~": " ", "-": "", "_": "-", "\\": "\\", "{": "{", "}": "}", "\n": "\n", "\r": "\n", "|": "", ":": ""}


class _State:
    __slots__ = ("skip", "uc", "starred", "dest")

    def __init__(self, skip=False, uc=1):
        self.skip = skip
        self.uc = uc
        self.starred = False
        self.dest = False  # a text destination (footnote, comment...): ends its own line


_TEXT_DEST = frozenset({"annotation", "footnote", "header", "headerl", "headerr", "headerf", "footer", "footerl",
                        "footerr", "footerf", "shptxt"})


def rtf_events(text: str, check=lambda: None) -> Iterator[tuple[str, str]]:
    """('text', s), ('par', ''), ('cell', ''), ('row', '') events."""
    stack: list[_State] = []
    st = _State()
    codepage = "cp1252"
    pending_bytes = bytearray()
    skip_chars = 0  # fallback characters still to drop after \uN
    group_start = False
    pos = 0
    n = len(text)
    count = 0

    def flush():
        if pending_bytes:
            try:
                s = bytes(pending_bytes).decode(codepage, "replace")
            except LookupError:
                s = bytes(pending_bytes).decode("cp1252", "replace")
            pending_bytes.clear()
            return s
        return ""

    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None:  # a lone backslash at the end
            break
        pos = m.end()
        count += 1
        if count & 8191 == 0:
            check()
        word, param, hexbyte, symbol, brace, plain = m.groups()
        if hexbyte is not None:
            if skip_chars:
                skip_chars -= 1
                continue
            if not st.skip:
                pending_bytes.append(int(hexbyte, 16))
            continue
        s = flush()
        if s and not st.skip:
            yield "text", s
        if brace == "{":
            stack.append(st)
            st = _State(st.skip, st.uc)
            group_start = True
            skip_chars = 0
            continue
        if brace == "}":
            if st.dest and not st.skip:
                yield "par", ""
            st = stack.pop() if stack else _State()
            group_start = False
            skip_chars = 0
            continue
        first = group_start
        group_start = False
        if word is not None:
            if first or st.starred:
                st.dest = word in _TEXT_DEST
                if st.dest and not st.skip:
                    yield "par", ""
                if word in _SKIP or (st.starred and word not in _KEEP_STARRED):
                    st.skip = True
                st.starred = False
            if word == "bin":
                pos += max(0, int(param or 0))
                continue
            if st.skip:
                continue
            if word == "u" and param is not None:
                v = int(param)
                yield "text", chr(v + 65536 if v < 0 else v) if -32768 <= v < 65536 else "\ufffd"
                skip_chars = st.uc
            elif word == "uc" and param is not None:
                st.uc = max(0, min(int(param), 10))
            elif word == "ansicpg" and param is not None:
                codepage = f"cp{param}"
                try:
                    codecs.lookup(codepage)
                except LookupError:
                    codepage = "cp1252"
            elif word in ("par", "line", "sect", "page"):
                yield "par", ""
            elif word == "tab":
                yield "text", "\t"
            elif word == "cell":
                yield "cell", ""
            elif word == "nestcell":
                yield "text", " "
            elif word == "row":
                yield "row", ""
            elif word in _SPECIAL:
                yield "text", _SPECIAL[word]
            continue
        if symbol is not None:
            if symbol == "*":
                st.starred = True
                group_start = first
                continue
            if st.skip:
                continue
            if skip_chars:
                skip_chars -= 1
                continue
            out = _SYMBOL.get(symbol)
            if out == "\n":
                yield "par", ""
            elif out:
                yield "text", out
            continue
        if plain is not None and not st.skip:
            if skip_chars:
                cut = min(skip_chars, len(plain))
                skip_chars -= cut
                plain = plain[cut:]
            if plain:
                yield "text", plain
    s = flush()
    if s and not st.skip:
        yield "text", s


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
