"""PDF text layer, page by page (section `page=N`), through pypdfium2.

Lines that wrapped inside a table cell or a paragraph are joined again
(pdflayout.py), so a card number or an address split over two lines of a
cell is one value.

pypdfium2 (Apache-2.0/BSD-3, PDFium itself BSD) reads ~28 MB/s here,
4x pypdf; PyMuPDF would be faster still but is AGPL. Pages without a text
layer but with images are scanned pages: with `--ocr` they are rendered
and read by Tesseract, otherwise the item says how many were left out
(and a PDF that is nothing but scans is `skipped`, reason `ocr disabled`).
Files embedded in the PDF are scanned as children.
"""

from __future__ import annotations

from typing import Iterator

from scanner.errors import ItemError, ItemSkipped, one_line
from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.ocr import OCR_DISABLED, ocr_image, require_ocr
from scanner.extractors.pdflayout import page_items
from scanner.extractors.registry import register
from scanner.extractors.textbuilder import SegmentWriter
from scanner.model import Child, Segment

OCR_DPI = 300
MAX_ATTACHMENTS = 1000


@register
class PdfExtractor(Extractor):
    name = "pdf"
    content_types = ("application/pdf",)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment | Child]:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw

        try:
            doc = pdfium.PdfDocument(blob.seekable())
        except pdfium.PdfiumError as exc:
            msg = str(exc).lower()
            if "password" in msg:
                raise ItemSkipped("encrypted") from None
            raise ItemError(f"corrupt or unreadable PDF ({_reason(exc)})") from None
        try:
            scanned_pages = []
            text_pages = 0
            n = len(doc)
            for i in range(n):
                ctx.check()
                page = doc[i]
                try:
                    textpage = page.get_textpage()
                    items = _page_items(textpage) if textpage.count_chars() > 0 else []
                    textpage.close()
                    if any(it[0] == "table" or it[1].strip() for it in items):
                        text_pages += 1
                        yield from _write_page(items, f"page={i + 1}")
                    elif _has_images(page, raw):
                        scanned_pages.append(i)
                finally:
                    page.close()
            if scanned_pages:
                if ctx.settings.ocr:
                    require_ocr(ctx)
                    for i in scanned_pages:
                        ctx.check()
                        page = doc[i]
                        try:
                            image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
                        finally:
                            page.close()
                        writer = SegmentWriter(f"page={i + 1}")
                        yield from writer.write(ocr_image(image, ctx))
                        yield from writer.close()
                    ctx.note(f"{len(scanned_pages)} page(s) read by OCR")
                elif text_pages == 0:
                    yield from _attachments(doc, ctx)
                    raise ItemSkipped(OCR_DISABLED)
                else:
                    ctx.note(f"{len(scanned_pages)} scanned page(s) without text not examined: {OCR_DISABLED}")
            yield from _attachments(doc, ctx)
        finally:
            doc.close()


def _page_items(textpage) -> list:
    """Lines and tables with lines wrapped in table cells and paragraphs
    joined (pdflayout); PDFium's plain text if the layout cannot be read."""
    try:
        items = page_items(textpage)
    except Exception:  # noqa: BLE001 - odd geometry (rotated, degenerate boxes): plain text still holds
        items = None
    if items is None:
        text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
        items = [("text", line) for line in text.split("\n")]
    return items


def _write_page(items, section: str) -> Iterator[Segment]:
    """One line per text line; tables as rows under their header, which is
    context for their cells (a bare 123456789 under "SSN")."""
    writer = SegmentWriter(section)
    for item in items:
        if item[0] == "text":
            yield from writer.line(item[1])
        else:
            yield from writer.begin_table(item[1])
            yield from writer.row(item[1])
            for row in item[2]:
                yield from writer.row(row)
            writer.end_table()
    yield from writer.close()


def _has_images(page, raw) -> bool:
    try:
        for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
            return True
    except Exception:  # noqa: BLE001 - a damaged content stream: nothing we could OCR either
        return False
    return False


def _attachments(doc, ctx) -> Iterator[Child]:
    try:
        count = doc.count_attachments()
    except Exception:  # noqa: BLE001
        return
    for i in range(min(count, MAX_ATTACHMENTS)):
        ctx.check()
        try:
            att = doc.get_attachment(i)
            name = att.get_name() or f"attachment{i + 1}"
            data = bytes(att.get_data())
        except Exception as exc:  # noqa: BLE001
            yield Child(name=f"attachment{i + 1}", open=None, error=f"unreadable attachment ({one_line(exc)})")
            continue
        import io

        yield Child(name=name, open=lambda d=data: io.BytesIO(d), size=len(data))


def _reason(exc: BaseException) -> str:
    msg = str(exc)
    if "PDFium:" in msg:
        return msg.split("PDFium:", 1)[1].strip(" ).")
    return one_line(exc)
