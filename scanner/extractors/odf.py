"""OpenDocument text, spreadsheets and presentations (ODT, ODS, ODP).

All three keep their content in content.xml; ODT headers and footers live
in styles.xml. ODS sheets become sections `sheet=<name>` with header-aware
rows (one line per row, repeated rows and cells expanded within limits);
ODP slides become sections `slide=N`, their notes included.
"""

from __future__ import annotations

from typing import Iterator

from scanner.errors import ItemError
from scanner.extractors.archives import open_zip, zip_member
from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.registry import register
from scanner.extractors.xmltext import DocumentWalker, Profile
from scanner.model import Segment
from scanner.refine import ODP, ODS, ODT

ODF = Profile(
    paragraph=frozenset({"p", "h"}),
    table="table", row="table-row", cell="table-cell",
    text=None,  # ODF text is mixed content: spans, links, fields all count
    tab=frozenset({"tab"}),
    newline=frozenset({"line-break"}),
    # Footnote numbers would glue onto the digits before them; annotation
    # dates and authors are metadata; sequence-decls/forms hold no content.
    skip=frozenset({"note-citation", "date", "creator", "sequence-decls", "forms", "tracked-changes-dummy",
                    "covered-table-cell"}),
    spaces="s", spaces_attr="{urn:oasis:names:tc:opendocument:xmlns:text:1.0}c",
    repeat_rows="{urn:oasis:names:tc:opendocument:xmlns:table:1.0}number-rows-repeated",
    repeat_cols="{urn:oasis:names:tc:opendocument:xmlns:table:1.0}number-columns-repeated",
)

_TABLE_NAME = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}name"


@register
class OdfExtractor(Extractor):
    name = "odf"
    # ODS is read by spreadsheet.py (python-calamine), which falls back to
    # this walker for what calamine cannot read.
    content_types = (ODT, ODP)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        names = set(open_zip(blob).namelist())
        if "content.xml" not in names:
            raise ItemError("corrupt OpenDocument file (no content.xml)")
        on_start, watch = None, frozenset()
        if blob.content_type == ODS:
            def on_start(name, elem):
                return f"sheet={elem.get(_TABLE_NAME) or 'sheet'}" if name == "table" and _top_table(elem) else None

            watch = frozenset({"table"})
        elif blob.content_type == ODP:
            slides = iter(range(1, 1 << 30))

            def on_start(name, elem):
                return f"slide={next(slides)}"

            watch = frozenset({"page"})
        stream = zip_member(blob, ctx, "content.xml")
        try:
            yield from DocumentWalker(ODF, ctx, on_start=on_start, watch=watch).run(stream)
        finally:
            stream.close()
        if blob.content_type == ODT and "styles.xml" in names:
            # Headers and footers of the page styles.
            stream = zip_member(blob, ctx, "styles.xml")
            try:
                yield from DocumentWalker(ODF, ctx, section="styles").run(stream)
            finally:
                stream.close()


def _top_table(elem) -> bool:
    parent = elem.getparent()
    return parent is not None and parent.tag.endswith("}spreadsheet")
