"""Text out of office XML (WordprocessingML, DrawingML, OpenDocument),
streamed with lxml's iterparse.

Reading the XML parts directly is ~10x faster than python-docx and keeps
memory flat: each paragraph or table cell is turned into text when its
element ends and is then cleared. Paragraphs become lines; tables become
tab-separated rows whose header row is context for the cells below
(see textbuilder.SegmentWriter). Element names are matched by local name,
so transitional and strict OOXML, and every ODF version, read alike.

The parser never resolves entities, loads DTDs or touches the network
(no billion-laughs, no XXE).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator

from lxml import etree

from scanner.errors import ItemError, one_line
from scanner.extractors.textbuilder import SegmentWriter
from scanner.model import Segment

_LOCAL: dict[str, str] = {}


def local(tag) -> str:
    name = _LOCAL.get(tag)
    if name is None:
        if not isinstance(tag, str):  # comments, processing instructions
            return ""
        name = tag.rsplit("}", 1)[-1]
        _LOCAL[tag] = name
    return name


def iterparse(stream, events=("start", "end")):
    return etree.iterparse(stream, events=events, resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True, recover=False)


@dataclass(frozen=True)
class Profile:
    """How one XML vocabulary marks up text."""

    paragraph: frozenset[str]
    table: str
    row: str
    cell: str
    text: frozenset[str] | None  # elements whose text counts (None: all)
    tab: frozenset[str] = frozenset()
    newline: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()  # subtrees to leave out
    spaces: str | None = None  # element standing for N spaces (ODF text:s)
    spaces_attr: str | None = None
    repeat_rows: str | None = None  # ODF table:number-rows-repeated
    repeat_cols: str | None = None
    extra: dict = field(default_factory=dict)


MAX_REPEAT = 1000  # ODF repeats a cell or row N times; empty ones run to 1,048,576


def element_text(elem, profile: Profile) -> str:
    parts: list[str] = []
    _walk(elem, profile, parts, True)
    return "".join(parts)


def _walk(elem, profile: Profile, parts: list[str], root: bool) -> None:
    name = local(elem.tag)
    if name in profile.skip:
        pass
    elif name in profile.tab:
        parts.append("\t")
    elif name in profile.newline:
        parts.append("\n")
    elif profile.spaces is not None and name == profile.spaces:
        try:
            n = int(elem.get(profile.spaces_attr, "1"))
        except ValueError:
            n = 1
        parts.append(" " * max(1, min(n, 100)))
    else:
        if not root and name in profile.paragraph:
            parts.append(" ")
        if elem.text and (profile.text is None or name in profile.text):
            parts.append(elem.text)
        for child in elem:
            _walk(child, profile, parts, False)
        if not root and (name == profile.cell or name in profile.paragraph):
            parts.append(" ")  # a nested paragraph (a comment, a footnote) must not glue onto the text after it
    if not root and elem.tail and profile.text is None:
        parts.append(elem.tail)


def _repeat(elem, attr: str | None) -> int:
    if attr is None:
        return 1
    try:
        return max(1, int(elem.get(attr, "1")))
    except ValueError:
        return 1


class DocumentWalker:
    """Streams one XML part into a SegmentWriter.

    `on_start(name, elem)` may return a new section name (a slide, a
    sheet): the current writer is closed and a new one started.
    """

    def __init__(self, profile: Profile, ctx, section: str = "",
                 on_start: Callable[[str, object], str | None] | None = None, watch: frozenset[str] = frozenset()):
        self.profile = profile
        self.ctx = ctx
        self.section = section
        self.on_start = on_start
        self.watch = watch

    def run(self, stream) -> Iterator[Segment]:
        p = self.profile
        writer = SegmentWriter(self.section)
        para_depth = 0  # paragraphs nest (text boxes, footnotes, comments in ODF)
        table_depth = 0  # tables nest in cells; inner ones are flattened into the cell
        skip_depth = 0
        row: list[str] | None = None
        row_repeat = 1
        n = 0
        try:
            for event, elem in iterparse(stream):
                name = local(elem.tag)
                if event == "start":
                    if name in p.skip:
                        skip_depth += 1
                        continue
                    if skip_depth:
                        continue
                    if name in self.watch and self.on_start is not None and table_depth == 0:
                        section = self.on_start(name, elem)
                        if section is not None:
                            yield from writer.close()
                            writer = SegmentWriter(section)
                    if name in p.paragraph:
                        para_depth += 1
                    elif name == p.table:
                        table_depth += 1
                        if table_depth == 1 and para_depth == 0:
                            yield from writer.begin_table()
                    elif name == p.row and table_depth == 1 and para_depth == 0:
                        row = []
                        row_repeat = _repeat(elem, p.repeat_rows)
                    continue
                # end
                if name in p.skip:
                    skip_depth -= 1
                    if not skip_depth:
                        # Only the skipped subtree: its earlier siblings (the
                        # mc:Choice beside an mc:Fallback) are still to be read
                        # when their paragraph ends.
                        elem.clear(keep_tail=True)
                    continue
                if skip_depth:
                    continue
                n += 1
                if n & 1023 == 0:
                    self.ctx.check()
                if name in p.paragraph:
                    para_depth -= 1
                    if para_depth == 0 and table_depth == 0:
                        yield from writer.line(element_text(elem, p))
                        _clear(elem)
                elif name == p.cell and table_depth == 1 and para_depth == 0 and row is not None:
                    text = element_text(elem, p)
                    rep = _repeat(elem, p.repeat_cols)
                    row.extend([text] * (min(rep, MAX_REPEAT) if text else min(rep, MAX_REPEAT)))
                    _clear(elem)
                elif name == p.row and table_depth == 1 and para_depth == 0 and row is not None:
                    while row and not row[-1]:
                        row.pop()
                    reps = min(row_repeat, MAX_REPEAT) if row else min(row_repeat, 1)
                    for _ in range(reps):
                        yield from writer.row(row)
                    row = None
                    _clear(elem)
                elif name == p.table:
                    table_depth -= 1
                    if table_depth == 0 and para_depth == 0:
                        writer.end_table()
                        _clear(elem)
        except etree.XMLSyntaxError as exc:
            raise ItemError(f"corrupt XML ({one_line(exc)})") from None
        yield from writer.close()


def _clear(elem) -> None:
    elem.clear(keep_tail=True)
    parent = elem.getparent()
    if parent is not None:
        # Drop finished siblings too, or the tree still grows with the document.
        while elem.getprevious() is not None:
            del parent[0]
