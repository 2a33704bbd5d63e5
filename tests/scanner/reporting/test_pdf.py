"""The PDF report: printed by headless Chromium, checked with pypdf."""

from __future__ import annotations

import re
import unicodedata

import pytest
from pypdf import PdfReader

from tests.conftest import raw_variants, run_piiscout

def page_texts(reader) -> list[str]:
    """Each page's text as a reader sees it: ligatures the installed fonts use
    ("ﬁ") unfolded with NFKC, and whitespace (how lines wrap) flattened."""
    return [re.sub(r"\s+", " ", unicodedata.normalize("NFKC", p.extract_text())) for p in reader.pages]


POINTS = {"letter": (612, 792), "a4": (595, 842)}


@pytest.fixture(scope="module")
def pdfs(client_inventory, chromium, tmp_path_factory):
    out = {}
    d = tmp_path_factory.mktemp("pdf")
    for paper in ("letter", "a4"):
        path = d / f"report-{paper}.pdf"
        proc = run_piiscout("report", str(client_inventory.inventory), "--format", "pdf", "-o", str(path),
                            "--paper", paper, "--client", "Harbour Dental Group")
        assert proc.returncode == 0, proc.stderr
        out[paper] = PdfReader(str(path))
    return out


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_paper_size_and_page_count(pdfs, paper):
    reader = pdfs[paper]
    assert 8 <= len(reader.pages) <= 30
    for page in reader.pages:
        w, h = (float(x) for x in page.mediabox.upper_right)
        assert abs(w - POINTS[paper][0]) < 2 and abs(h - POINTS[paper][1]) < 2, (w, h)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_cover_then_numbered_pages(pdfs, paper):
    pages = page_texts(pdfs[paper])
    n = len(pages)
    assert "Personal data discovery report" in pages[0] and "Harbour Dental Group" in pages[0]
    assert "Page" not in pages[0]
    for i, text in enumerate(pages[1:], start=2):
        assert f"Page {i} of {n}" in text, f"page {i} has no number"
    assert "Executive summary" in pages[1]


def test_text_carries_the_plain_names(pdfs):
    flat = " ".join(page_texts(pdfs["letter"]))
    for name in ("Social Security numbers", "payment card numbers", "e-mail addresses", "bank account numbers",
                 "Riskiest files", "What was not examined", "Recommendations", "PCI DSS", "HIPAA", "GDPR"):
        assert name in flat, name
    for rel in ("Finance/Reports/damaged/truncated.docx", "Scans/2021/scan_001.png"):
        assert rel in flat.replace("/ ", "/")


def test_no_raw_value_in_the_pdf(pdfs, client_inventory):
    text = "\n".join(t for r in pdfs.values() for t in page_texts(r))
    squeezed = re.sub(r"\s+", "", text)
    leaked = [v for raw in client_inventory.raw_values() for v in raw_variants(raw)
              if v in text or v.replace(" ", "") in squeezed]
    assert not leaked, leaked[:5]


def test_no_browser_is_one_clear_line(client_inventory, tmp_path):
    out = tmp_path / "r.pdf"
    proc = run_piiscout("report", str(client_inventory.inventory), "-o", str(out),
                        env={"PIISCOUT_CHROMIUM": str(tmp_path / "no-such-chromium")})
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "PIISCOUT_CHROMIUM" in proc.stderr and not out.exists()
    proc = run_piiscout("report", str(client_inventory.inventory), "-o", str(out), env={"PATH": "/nonexistent"})
    assert proc.returncode == 2 and "apt-get install chromium" in proc.stderr and not out.exists()


def test_pdf_needs_a_file(client_inventory):
    proc = run_piiscout("report", str(client_inventory.inventory), "--format", "pdf")
    assert proc.returncode == 2 and "needs a file" in proc.stderr


def test_a_dense_share_stays_proportionate(tmp_path, chromium):
    """200 files of customer exports (~36,000 findings, 20 times the ordinary
    share's) print on no more pages: every list in the report is capped."""
    from tests.scanner.share import Values

    v = Values(seed=5)
    root = tmp_path / "exports"
    for i in range(200):
        rows = ["name,ssn,email,phone"] + [f"{v.name()},{v.ssn()},{v.email()},{v.phone()}" for _ in range(60)]
        folder = root / f"region_{i % 20:02d}" / f"batch_{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"customers_{i:03d}.csv").write_text("\n".join(rows) + "\n")
    inv = tmp_path / "inv"
    proc = run_piiscout("scan", str(root), "-i", str(inv), "-q")
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "dense.pdf"
    proc = run_piiscout("report", str(inv), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    from scanner.inventory.reader import Inventory

    assert Inventory(inv).scans().column("findings")[0].as_py() > 30_000
    reader = PdfReader(str(out))
    text = " ".join(page_texts(reader))
    assert "12,000 Social Security numbers in 200 files" in text, text[:3000]
    assert 8 <= len(reader.pages) <= 20
