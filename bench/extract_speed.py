"""Extraction speed per format: MB/s of input turned into text.

    .venv/bin/python bench/extract_speed.py [--seconds S] [--large ROWS]

Runs each extractor (type refinement included, detection excluded) on the
fixtures in fixtures/documents/ repeatedly for about S seconds per format,
in this process, and prints a table. Inputs are small (tens of KB), so
per-file overhead weighs in: large files run faster per MB.

--large ROWS adds workbooks of ROWS rows per sheet (three sheets: HR,
payments, patients, with number formats, dates and titles above the
tables, as bench/realworld.py writes them) as XLSX, XLS and ODS, and a PDF
of wrapped tables, generated once into a temp dir. MB/s is CPU time (this
process), so a busy machine disturbs it less than wall time; still noisy.
To compare with another checkout: `cd /tmp && PYTHONPATH=OTHER python
/path/to/bench/extract_speed.py` (the current directory must not be a
checkout).
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


def large_inputs(rows: int, out: Path) -> list[tuple[str, Path]]:
    """Workbooks and a PDF shaped like client files (bench/realworld.py's writers)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from rw import tables
    from rw.plant import Planter

    p = Planter(9)
    p.begin("bench", "xlsx")
    sheets = tables.build_sheets(p, ["hr", "payments", "patients"], rows)
    made = []
    for label, ext, write in (("XLSX large", ".xlsx", tables.write_xlsx), ("XLS large", ".xls", tables.write_xls),
                              ("ODS large", ".ods", tables.write_ods)):
        path = out / f"large{ext}"
        write(sheets, path)
        made.append((label, path))
    pdf = out / "large.pdf"
    _large_pdf(p, pdf, max(1, rows // 40))
    made.append(("PDF large", pdf))
    return made


def _large_pdf(p, path: Path, pages: int) -> None:
    # Many small reports (tables with wrapping cells, letters, forms) as one PDF.
    import pypdfium2 as pdfium

    from rw import documents

    dest = pdfium.PdfDocument.new()
    for _ in range(pages):
        documents.write_pdf(p, path.with_suffix(".one.pdf"))
        src = pdfium.PdfDocument(str(path.with_suffix(".one.pdf")))
        dest.import_pages(src)
        src.close()
    dest.save(str(path))
    path.with_suffix(".one.pdf").unlink()


def measure(label: str, data: bytes, name: str, seconds: float) -> None:
    chars = extract_once(data, name)  # warm up imports
    runs, t0 = 0, time.process_time()
    while time.process_time() - t0 < seconds or runs == 0:
        extract_once(data, name)
        runs += 1
    dt = time.process_time() - t0
    print(f"{label:<14} {len(data) / 1024:>8.1f} {runs:>6} {len(data) * runs / dt / 1e6:>8.2f} {chars:>11}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--large", type=int, default=0, metavar="ROWS", help="also large generated workbooks and a PDF")
    ap.add_argument("--only", default="", help="comma-separated labels to run (e.g. 'XLSX large,ODS')")
    args = ap.parse_args()
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    print(f"{'format':<14} {'file KB':>8} {'runs':>6} {'MB/s':>8} {'text chars':>11}")
    for label, rel in FORMATS:
        if not only or label in only:
            measure(label, (DOCS / rel).read_bytes(), Path(rel).name, args.seconds)
    if args.large:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            for label, path in large_inputs(args.large, Path(tmp)):
                if not only or label in only:
                    measure(label, path.read_bytes(), path.name, args.seconds)


if __name__ == "__main__":
    main()
