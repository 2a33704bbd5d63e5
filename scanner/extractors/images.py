"""Images (PNG, JPEG, TIFF, GIF, BMP) through OCR, with `--ocr` only.

Without `--ocr` an image is recorded as skipped with reason `ocr
disabled`, so the report says what was not examined. Multi-page TIFFs
(fax and scanner output) are read page by page (`page=N`).
"""

from __future__ import annotations

from typing import Iterator

from scanner.errors import ItemError, ItemSkipped, one_line
from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.ocr import MAX_PIXELS, ocr_image, require_ocr
from scanner.extractors.registry import register
from scanner.extractors.textbuilder import SegmentWriter
from scanner.model import Segment

MAX_FRAMES = 500


@register
class ImageExtractor(Extractor):
    name = "image"
    content_types = ("image/png", "image/jpeg", "image/tiff", "image/gif", "image/bmp", "image/x-ms-bmp")

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Segment]:
        require_ocr(ctx)
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        try:
            img = Image.open(blob.seekable())
            frames = getattr(img, "n_frames", 1)
        except Image.DecompressionBombError:
            raise ItemSkipped("image too large for OCR (possible decompression bomb)") from None
        except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds on damaged files
            raise ItemError(f"corrupt or unreadable image ({one_line(exc)})") from None
        multi = blob.content_type == "image/tiff" and frames > 1
        for i in range(min(frames, MAX_FRAMES) if multi else 1):
            ctx.check()
            try:
                img.seek(i)
                img.load()
            except Image.DecompressionBombError:
                raise ItemSkipped("image too large for OCR (possible decompression bomb)") from None
            except Exception as exc:  # noqa: BLE001
                raise ItemError(f"corrupt or truncated image ({one_line(exc)})") from None
            text = ocr_image(img, ctx)
            writer = SegmentWriter(f"page={i + 1}" if multi else "")
            yield from writer.write(text)
            yield from writer.close()
        if multi and frames > MAX_FRAMES:
            ctx.note(f"only the first {MAX_FRAMES} of {frames} pages read")
