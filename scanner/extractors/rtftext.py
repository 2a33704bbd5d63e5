"""RTF as the text a reader sees: the one RTF tokenizer, for documents
(scanner/extractors/rtf.py) and mail bodies (scanner/mail/mapi.py).

A small tokenizer rather than a library: RTF is a flat stream of control
words and groups; what matters is which groups to leave out (font and
colour tables, pictures, embedded object data, field instructions,
metadata) and how characters are escaped. Headers, footers, footnotes,
comments and text boxes are read (striprtf drops those). Characters:

* `\\'hh` bytes are decoded in the code page of the current font (its
  `\\fcharset`: 128 is Shift-JIS, cp932) or else the document's
  (`\\ansicpg`), consecutive bytes together, so double-byte code pages
  (cp932, cp936, cp949, cp950) decode as the characters they are;
* `\\uN` with its `\\ucN` fallback bytes skipped; `\\binN` raw bytes skipped;
* 8-bit bytes written raw (not escaped) are decoded like `\\'hh` ones;
* `\\htmlrtf` ... `\\htmlrtf0` in RTF-encapsulated HTML (Outlook) is RTF-only
  rendering of what the HTML tags hold: left out.
"""

from __future__ import annotations

import codecs
import re
from typing import Callable, Iterator

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
# Text destinations (footnote, comment, header...): each ends its own line.
_TEXT_DEST = frozenset({"annotation", "footnote", "header", "headerl", "headerr", "headerf", "footer", "footerl",
                        "footerr", "footerf", "shptxt"})

_SPECIAL = {"emdash": "\u2014", "endash": "\u2013", "bullet": "\u2022", "lquote": "\u2018", "rquote": "\u2019",
            "ldblquote": "\u201c", "rdblquote": "\u201d", "emspace": " ", "enspace": " ", "qmspace": " ",
            "tab": "\t", "nestcell": " "}
_EVENTS = {"par": "par", "line": "par", "sect": "par", "page": "par", "cell": "cell", "row": "row"}
_SYMBOL = {"~": " ", "-": "", "_": "-", "\\": "\\", "{": "{", "}": "}", "\n": "\n", "\r": "\n", "|": "", ":": ""}

# \fcharsetN -> code page (Windows GDI charsets); ANSI/default/symbol fonts use the document's.
_CHARSET_CODEPAGES = {77: "mac_roman", 128: "cp932", 129: "cp949", 130: "cp1361", 134: "cp936", 136: "cp950",
                      161: "cp1253", 162: "cp1254", 163: "cp1258", 177: "cp1255", 178: "cp1256", 186: "cp1257",
                      204: "cp1251", 222: "cp874", 238: "cp1250", 255: "cp437"}


def _codepage(name: str) -> str | None:
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


class _State:
    """What a group inherits from the one around it."""

    __slots__ = ("skip", "uc", "starred", "dest", "fonttbl", "font", "afont", "dbch", "htmlrtf")

    def __init__(self, outer: "_State | None" = None):
        self.skip = outer.skip if outer else False
        self.uc = outer.uc if outer else 1
        self.fonttbl = outer.fonttbl if outer else False
        self.font = outer.font if outer else None
        self.afont = outer.afont if outer else None
        self.dbch = outer.dbch if outer else False
        self.htmlrtf = outer.htmlrtf if outer else False
        self.starred = False
        self.dest = False

    @property
    def hidden(self) -> bool:
        return self.skip or self.htmlrtf


class _Tokenizer:
    def __init__(self, text: str, check: Callable[[], None]):
        self.text = text
        self.check = check
        self.stack: list[_State] = []
        self.st = _State()
        self.ansicpg = "cp1252"
        self.deff: int | None = None
        self.fonts: dict[int, str] = {}  # font number -> its code page, when not the document's
        self.table_font: int | None = None  # the font being defined in the font table
        self.pending = bytearray()  # escaped bytes not yet decoded
        self.skip_chars = 0  # fallback characters still to drop after \uN
        self.group_start = False

    # -- characters -----------------------------------------------------------------------------
    def codepage(self) -> str:
        st = self.st
        font = st.afont if st.dbch and st.afont is not None else st.font
        if font is None:
            font = self.deff
        return self.fonts.get(font, self.ansicpg) if font is not None else self.ansicpg

    def flush(self) -> str:
        if not self.pending:
            return ""
        s = bytes(self.pending).decode(self.codepage(), "replace")
        self.pending.clear()
        return s

    def plain(self, run: str) -> Iterator[tuple[str, str]]:
        self.group_start = False
        if self.skip_chars:
            cut = min(self.skip_chars, len(run))
            self.skip_chars -= cut
            run = run[cut:]
        if not run:
            return
        if run.isascii():
            s = self.flush()
            if s:
                yield "text", s
            yield "text", run
        else:  # raw 8-bit bytes (the text was read as latin-1): in the code page, like \'hh
            self.pending += run.encode("latin-1", "replace")

    # -- the stream -------------------------------------------------------------------------------
    def events(self) -> Iterator[tuple[str, str]]:
        text, pos, n, count = self.text, 0, len(self.text), 0
        while pos < n:
            m = _TOKEN.match(text, pos)
            if m is None:  # a lone backslash at the end
                break
            pos = m.end()
            count += 1
            if count & 8191 == 0:
                self.check()
            word, param, hexbyte, symbol, brace, plain = m.groups()
            if hexbyte is not None:
                self.hex_byte(int(hexbyte, 16))
                continue
            if plain is not None:
                if not self.st.hidden:
                    yield from self.plain(plain)
                else:
                    self.pending.clear()
                    self.group_start = False
                continue
            s = self.flush()
            if s and not self.st.hidden:
                yield "text", s
            if brace is not None:
                yield from self.brace(brace)
            elif word is not None:
                if word == "bin":
                    pos += max(0, int(param or 0))
                    continue
                yield from self.control_word(word, param)
            elif symbol is not None:
                yield from self.control_symbol(symbol)
        s = self.flush()
        if s and not self.st.hidden:
            yield "text", s

    def hex_byte(self, b: int) -> None:
        if self.skip_chars:
            self.skip_chars -= 1
        elif not self.st.hidden:
            self.pending.append(b)

    def brace(self, brace: str) -> Iterator[tuple[str, str]]:
        self.skip_chars = 0
        if brace == "{":
            self.stack.append(self.st)
            self.st = _State(self.st)
            self.group_start = True
            return
        if self.st.dest and not self.st.hidden:
            yield "par", ""
        self.st = self.stack.pop() if self.stack else _State()
        self.group_start = False

    def control_word(self, word: str, param: str | None) -> Iterator[tuple[str, str]]:
        st = self.st
        if self.group_start or st.starred:
            st.dest = word in _TEXT_DEST
            if st.dest and not st.hidden:
                yield "par", ""
            if word in _SKIP or (st.starred and word not in _KEEP_STARRED):
                st.skip = True
                st.fonttbl = st.fonttbl or word == "fonttbl"
            st.starred = False
        self.group_start = False
        if self.font_word(word, param):
            return
        if st.skip:
            return
        if word == "htmlrtf":
            st.htmlrtf = param != "0"
        elif st.htmlrtf:
            return
        elif word == "u" and param is not None:
            v = int(param)
            yield "text", chr(v + 65536 if v < 0 else v) if -32768 <= v < 65536 else "\ufffd"
            self.skip_chars = st.uc
        elif word == "uc" and param is not None:
            st.uc = max(0, min(int(param), 10))
        elif word in _EVENTS:
            yield _EVENTS[word], ""
        elif word in _SPECIAL:
            yield "text", _SPECIAL[word]

    def font_word(self, word: str, param: str | None) -> bool:
        """Code page bookkeeping: the font table's charsets, the current
        font, the document's code page. True if `word` was one of those."""
        st = self.st
        if st.fonttbl:
            if word == "f" and param is not None:
                self.table_font = int(param)
            elif word == "fcharset" and param is not None and self.table_font is not None:
                cp = _CHARSET_CODEPAGES.get(int(param))
                if cp:
                    self.fonts[self.table_font] = cp
            return True
        if word == "ansicpg" and param is not None:
            self.ansicpg = _codepage(f"cp{param}") or "cp1252"
        elif word == "deff" and param is not None:
            self.deff = int(param)
        elif word in ("f", "af") and param is not None:
            setattr(st, "font" if word == "f" else "afont", int(param))
        elif word in ("dbch", "hich", "loch"):
            st.dbch = word == "dbch"
        elif word == "plain":
            st.font, st.afont, st.dbch = None, None, False
        else:
            return False
        return True

    def control_symbol(self, symbol: str) -> Iterator[tuple[str, str]]:
        first = self.group_start
        self.group_start = False
        if symbol == "*":
            self.st.starred = True
            self.group_start = first
            return
        if self.st.hidden:
            return
        if self.skip_chars:
            self.skip_chars -= 1
            return
        out = _SYMBOL.get(symbol)
        if out == "\n":
            yield "par", ""
        elif out:
            yield "text", out


def rtf_events(text: str, check: Callable[[], None] = lambda: None) -> Iterator[tuple[str, str]]:
    """('text', s), ('par', ''), ('cell', ''), ('row', '') events of an RTF
    document read as latin-1 (RTF is 7-bit; escapes say how to decode the rest)."""
    return _Tokenizer(text, check).events()


def rtf_to_text(rtf: bytes | str, check: Callable[[], None] = lambda: None) -> str:
    """Plain text: paragraphs as lines, table cells separated by tabs."""
    text = rtf.decode("latin-1") if isinstance(rtf, (bytes, bytearray)) else rtf
    out: list[str] = []
    for kind, value in rtf_events(text, check):
        out.append(value if kind == "text" else "\t" if kind == "cell" else "\n")
    return "".join(out)
