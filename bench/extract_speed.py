"""Extraction speed per format: MB/s of input turned into text.

    .venv/bin/python bench/extract_speed.py [--copies N] [--seconds S]

Runs each extractor (type refinement included, detection excluded) on the
fixtures in fixtures/documents/ repeatedly for about S seconds per format,
in this process, and prints a table. Inputs are small (tens of KB), so
per-file overhead weighs in: large files run faster per MB.
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

from scanner.extractors import registry
from scanner.extractors.base import Blob, ExtractContext
from scanner.model import Segment
from scanner.refine import refine
from scanner.settings import ScanSettings
from scanner.sniff import HEAD, sniff

DOCS = Path(__file__).resolve().parent.parent / "fixtures" / "documents"
FORMATS = [
    ("PDF", "pdf/claims.pdf"), ("DOCX", "office/letter.docx"), ("XLSX", "office/roster.xlsx"),
    ("PPTX", "office/deck.pptx"), ("ODT", "office/letter.odt"), ("ODS", "office/roster.ods"),
    ("ODP", "office/deck.odp"), ("DOC", "legacy/letter.doc"), ("XLS", "legacy/roster.xls"),
    ("PPT", "legacy/deck.ppt"), ("RTF", "legacy/letter.rtf"), ("HTML", "web/directory.html"),
    ("XML", "web/employees.xml"), ("ZIP (nested)", "archives/old_records.zip"),
    ("TAR.GZ", "archives/backup.tar.gz"), ("7Z", "archives/bundle.7z"),
]


def extract_once(data: bytes, name: str) -> int:
    """Characters of text out of one object, members included."""
    stream = io.BytesIO(data)
    head = stream.read(HEAD)
    ctype = sniff(head, name)
    blob = Blob(stream, head, name, len(data), ctype)
    ctype = blob.content_type = refine(blob, ctype)
    cls = registry.for_type(ctype)
    if cls is None:
        return 0
    chars = 0
    for ev in cls().extract(blob, ExtractContext(ScanSettings())):
        if isinstance(ev, Segment):
            chars += len(ev.text)
        elif ev.open is not None:
            with ev.open() as f:
                chars += extract_once(f.read(), ev.name.rsplit("/", 1)[-1])
    return chars


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()
    print(f"{'format':<14} {'file KB':>8} {'runs':>6} {'MB/s':>8} {'text chars':>11}")
    for label, rel in FORMATS:
        data = (DOCS / rel).read_bytes()
        chars = extract_once(data, Path(rel).name)  # warm up imports
        runs, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < args.seconds:
            extract_once(data, Path(rel).name)
            runs += 1
        dt = time.perf_counter() - t0
        print(f"{label:<14} {len(data) / 1024:>8.1f} {runs:>6} {len(data) * runs / dt / 1e6:>8.2f} {chars:>11}")


if __name__ == "__main__":
    main()
