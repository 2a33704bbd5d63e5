"""Tesseract OCR, for images and PDF pages without a text layer.

Runs only with `--ocr`. The `tesseract` command reads the image from its
standard input and writes text to its standard output: no temporary file
ever holds the image or its text (pytesseract would write both to the
temp dir, i.e. client data to this machine's disk). One thread per
process (OMP_THREAD_LIMIT=1): on 2 cores that is ~4x faster overall than
letting every worker's tesseract start threads of its own.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from functools import lru_cache

from scanner.errors import ItemSkipped, ItemTimeout

OCR_DISABLED = "ocr disabled"
LANG = os.environ.get("PIISCOUT_OCR_LANG", "eng")
MAX_PIXELS = 60_000_000  # ~A3 at 600 dpi; larger images are decompression bombs or posters


@lru_cache(maxsize=1)
def tesseract() -> str | None:
    return shutil.which("tesseract")


def require_ocr(ctx) -> None:
    """Raise ItemSkipped unless OCR is on and tesseract is installed."""
    if not ctx.settings.ocr:
        raise ItemSkipped(OCR_DISABLED)
    if tesseract() is None:
        raise ItemSkipped("ocr unavailable: tesseract is not installed (apt-get install tesseract-ocr)")


def ocr_image(image, ctx) -> str:
    """Text of a PIL image."""
    if image.width * image.height > MAX_PIXELS:
        raise ItemSkipped(f"image too large for OCR ({image.width}x{image.height} pixels)")
    if image.mode not in ("1", "L", "RGB"):
        image = image.convert("RGB")
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=1)
    return ocr_bytes(buf.getvalue(), ctx)


def ocr_bytes(data: bytes, ctx) -> str:
    exe = tesseract()
    if exe is None:
        raise ItemSkipped("ocr unavailable: tesseract is not installed")
    timeout = None
    if ctx.deadline is not None:
        timeout = max(1.0, ctx.deadline - time.monotonic())
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        proc = subprocess.run([exe, "stdin", "stdout", "-l", LANG, "--psm", "3"], input=data,
                              capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        raise ItemTimeout(f"time limit of {ctx.settings.item_timeout:g}s exceeded during OCR") from None
    if proc.returncode != 0:
        # tesseract's stderr names the problem (no language data, bad image); it never quotes text.
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"tesseract failed: {err[-1][:200] if err else proc.returncode}")
    return proc.stdout.decode("utf-8", "replace")
