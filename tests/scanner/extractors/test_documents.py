"""End to end: the real CLI scans the document and archive fixtures.

Every format in fixtures/documents/ is checked against the planted values
(precision and recall >= 0.95 per file on SSN, card, e-mail and phone),
every file gets its items row, and bad files get the status and reason an
engineer would expect.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scanner.evaluation import evaluate, found_hashes, totals, worst_files
from scanner.inventory.reader import Inventory
from tests.conftest import all_strings, raw_variants, run_piiscout


def _items(inv: Path) -> list[dict]:
    i = Inventory(inv)
    t = i.items(i.latest_scan_id())
    cols = ("location", "part", "status", "reason", "content_type")
    return [dict(zip(cols, row)) for row in zip(*(t.column(c).to_pylist() for c in cols))]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, fixtures_dir):
    inv = tmp_path_factory.mktemp("docinv")
    proc = run_piiscout("scan", str(fixtures_dir / "documents"), "-i", str(inv), "-j", "2", "-x", "*.py")
    return inv, proc


def test_scan_completes_with_item_errors(scanned):
    inv, proc = scanned
    assert proc.returncode == 1, proc.stderr  # the corrupt fixtures are errors
    assert "Traceback" not in proc.stderr


def test_precision_and_recall_per_file(scanned, fixtures_dir, truth):
    inv, _ = scanned
    files = {k: v for k, v in truth.items() if k.startswith("documents/") and not k.startswith("documents/ocr/")}
    result = evaluate(found_hashes(inv, None, fixtures_dir), files)
    assert worst_files(result, 0.95) == []
    t = totals(result)
    assert sum(s.tp for s in t.values()) >= 900


@pytest.mark.parametrize("path,ctype", [
    ("office/letter.docx", "wordprocessingml.document"),
    ("office/roster.xlsx", "spreadsheetml.sheet"),
    ("office/deck.pptx", "presentationml.presentation"),
    ("office/letter.odt", "opendocument.text"),
    ("office/roster.ods", "opendocument.spreadsheet"),
    ("office/deck.odp", "opendocument.presentation"),
    ("legacy/letter.doc", "application/msword"),
    ("legacy/roster.xls", "application/vnd.ms-excel"),
    ("legacy/deck.ppt", "application/vnd.ms-powerpoint"),
    ("legacy/letter.rtf", "rtf"),
    ("pdf/claims.pdf", "application/pdf"),
    ("web/directory.html", "text/html"),
    ("web/employees.xml", "application/xml"),
    ("bad/really_a_zip.txt", "application/zip"),
])
def test_every_format_is_recognised_by_content_and_scanned(scanned, fixtures_dir, path, ctype):
    inv, _ = scanned
    row = next(r for r in _items(inv) if r["location"] == str(fixtures_dir / "documents" / path) and not r["part"])
    assert ctype in row["content_type"]
    assert row["status"] == "scanned", row


@pytest.mark.parametrize("path,status,reason", [
    ("bad/truncated.docx", "error", "corrupt or truncated DOCX file"),
    ("bad/truncated.xlsx", "error", "corrupt or truncated XLSX file"),
    ("bad/not_really.docx", "error", "not a valid DOCX file"),
    ("bad/garbled.pdf", "error", "corrupt or unreadable PDF"),
    ("bad/empty.docx", "scanned", None),
    ("pdf/encrypted.pdf", "skipped", "encrypted"),
    ("ocr/intake.png", "skipped", "ocr disabled"),
    ("ocr/scanned.pdf", "skipped", "ocr disabled"),
])
def test_bad_files_are_recorded_with_a_reason(scanned, fixtures_dir, path, status, reason):
    inv, _ = scanned
    row = next(r for r in _items(inv) if r["location"] == str(fixtures_dir / "documents" / path) and not r["part"])
    assert row["status"] == status
    if reason is None:
        assert row["reason"] is None
    else:
        assert row["reason"].startswith(reason)


def test_archive_members_have_their_own_rows(scanned, fixtures_dir):
    inv, _ = scanned
    rows = {(Path(r["location"]).name, r["part"]): r for r in _items(inv)}
    assert rows[("old_records.zip", "2019/notes/old_1.txt")]["status"] == "scanned"
    assert rows[("old_records.zip", "nested/b.zip/inner.zip/c.csv")]["content_type"] == "text/csv"
    assert "wordprocessingml" in rows[("old_records.zip", "letters/letter.docx")]["content_type"]
    assert rows[("backup.tar.gz", "backup/customers.csv")]["status"] == "scanned"
    assert rows[("bundle.7z", "docs/staff.csv")]["status"] == "scanned"
    assert rows[("notes.txt.xz", "notes.txt")]["status"] == "scanned"
    assert rows[("partly_encrypted.zip", "secret.txt")]["status"] == "skipped"
    assert rows[("partly_encrypted.zip", "secret.txt")]["reason"] == "encrypted"
    assert rows[("partly_encrypted.zip", "open.txt")]["status"] == "scanned"
    bomb = rows[("bomb.zip", "zeros.bin")]
    assert bomb["status"] == "skipped" and "compression ratio" in bomb["reason"]


def test_every_file_has_an_items_row(scanned, fixtures_dir):
    inv, _ = scanned
    locations = {r["location"] for r in _items(inv) if not r["part"]}
    for p in (fixtures_dir / "documents").rglob("*"):
        if p.is_file() and p.suffix != ".py":
            assert str(p) in locations, p


def test_no_raw_value_in_the_inventory(scanned, truth):
    inv, proc = scanned
    blob = "\n".join(all_strings(inv)) + proc.stdout + proc.stderr
    docs = [v for k, f in truth.items() if k.startswith("documents/") for vals in f.values() for v in vals]
    assert [v for raw in docs for v in raw_variants(raw) if v in blob] == []


def test_findings_say_where_they_are(scanned):
    inv, _ = scanned
    i = Inventory(inv)
    t = i.findings(i.latest_scan_id(), columns=["location", "part", "line"])
    parts = {(Path(loc).name, part) for loc, part in zip(t.column("location").to_pylist(), t.column("part").to_pylist())}
    assert ("claims.pdf", "page=2") in parts
    assert ("roster.xlsx", "sheet=Staff") in parts
    assert ("deck.pptx", "slide=2") in parts
    assert ("letter.docx", "header1") in parts or ("letter.docx", "header") in parts
    assert ("old_records.zip", "nested/b.zip/inner.zip/c.csv") in parts


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")
def test_ocr_reads_images_and_scanned_pdfs(tmp_path, fixtures_dir, truth):
    inv = tmp_path / "inv"
    proc = run_piiscout("scan", str(fixtures_dir / "documents" / "ocr"), "-i", str(inv), "--ocr", "-j", "2")
    assert proc.returncode == 0, proc.stderr
    files = {k: v for k, v in truth.items() if k.startswith("documents/ocr/")}
    result = evaluate(found_hashes(inv, None, fixtures_dir), files)
    assert worst_files(result, 0.95) == []
