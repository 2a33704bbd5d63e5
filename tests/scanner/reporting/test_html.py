"""The HTML client report, opened in a real headless Chromium."""

from __future__ import annotations

import os
import re
import stat

import pytest

from scanner import entity_labels
from tests.conftest import raw_variants, run_piiscout

CODES = ("US_SSN", "CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER", "US_BANK_NUMBER", "MEDICAL_CONDITION")


@pytest.fixture(scope="module")
def report_html(client_inventory, tmp_path_factory):
    out = tmp_path_factory.mktemp("html") / "report.html"
    proc = run_piiscout("report", str(client_inventory.inventory), "-o", str(out), "--client", "Harbour Dental Group")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == f"wrote {out}"
    return out


@pytest.fixture(scope="module")
def opened(report_html, chromium, tmp_path_factory):
    """The report loaded in Chromium: (page, console messages, requests, page errors)."""
    page = chromium.new_page(viewport={"width": 1200, "height": 900})
    console, requests, errors = [], [], []
    page.on("console", lambda m: console.append((m.type, m.text)))
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(report_html.as_uri(), wait_until="load")
    page.wait_for_timeout(300)  # let any late request or console message arrive (not a timing assert)
    yield page, console, requests, errors
    page.close()


def section_text(page, section: str) -> str:
    return page.inner_text(f"section#{section}")


def test_written_owner_only(report_html):
    assert stat.S_IMODE(os.stat(report_html).st_mode) == 0o600
    assert not list(report_html.parent.glob(".*.tmp"))


def test_opens_without_console_errors_or_requests(opened, report_html):
    page, console, requests, errors = opened
    assert not errors
    assert [m for m in console if m[0] in ("error", "warning")] == []
    assert requests == [report_html.as_uri()], "the report fetched something besides itself"


def test_self_contained_markup(report_html):
    html = report_html.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html, re.I)
    assert "@import" not in html
    assert "default-src 'none'" in html  # a CSP: nothing may be fetched even if something slipped in


def test_charts_have_size(opened):
    page = opened[0]
    boxes = [page.locator(f"#{fid} svg.chart").bounding_box() for fid in
             ("chart-entity", "chart-area", "chart-type", "chart-trend")]
    for box in boxes:
        assert box is not None and box["width"] > 250 and box["height"] > 60, box
    bars = page.locator("#chart-entity svg.chart rect")
    assert bars.count() >= 5
    widths = [bars.nth(i).bounding_box()["width"] for i in range(bars.count())]
    assert widths == sorted(widths, reverse=True) and widths[0] > 4 * widths[-1]


def test_plain_english_names_and_codes_only_in_the_appendix(opened):
    page = opened[0]
    body = "\n".join(section_text(page, s) for s in ("cover", "summary", "found", "risk", "recommendations",
                                                      "not-examined", "method"))
    for name in ("Social Security number", "payment card number", "e-mail address", "bank account number",
                 "medical condition term", "date of birth", "password or access key"):
        assert name.lower() in body.lower(), name
    recs = section_text(page, "recommendations")
    for title in ("Payment card numbers", "Social Security and other government identifiers", "Health information",
                  "Passwords and access keys", "Bank account details"):
        assert title in recs, title
    for code in CODES:
        assert code not in body, f"{code} outside the appendix"
    appendix = section_text(page, "appendix")
    assert all(code in appendix for code in CODES)
    assert entity_labels.name("US_SSN") in appendix


def test_executive_summary_and_headline(opened, client_inventory):
    page = opened[0]
    summary = section_text(page, "summary")
    headline = page.inner_text("#cover .verdict p")
    # Exposure is recorded: the headline is about the sensitive data most widely readable.
    assert re.fullmatch(r"[\d,]+ (Social Security|payment card) numbers in [\d,]+ files(, 1 table)?( and 1 table)?"
                        r"( and 1 mailbox)?, [1-9][\d,]* of them readable by everyone, and \d other kinds of highly "
                        r"sensitive data\.", headline), headline
    assert headline in summary
    assert "Harbour Dental Group" in section_text(page, "cover")
    assert "What to do first" in summary and "Payment card numbers:" in summary


def test_risk_ranking(opened):
    page = opened[0]
    for title in ("Riskiest folders", "Riskiest files", "Database tables", "Mailboxes"):
        assert title in section_text(page, "risk")
    rows = page.locator("section#risk table.data").nth(1).locator("tbody tr")
    scores = [int(rows.nth(i).locator(".badge").inner_text()) for i in range(rows.count())]
    assert len(scores) == 20 and scores == sorted(scores, reverse=True) and scores[0] >= 60
    folders = page.locator("section#risk table.data").nth(0).locator("tbody tr td.name")
    names = [folders.nth(i).inner_text().splitlines()[0] for i in range(folders.count())]
    assert "HR" in names and "HR/Payroll" in names  # rollups at every level
    tables = section_text(page, "risk")
    assert "main.customers" in tables and "Mail/payroll.mbox" in tables


def test_exposure_is_shown_and_scored(opened):
    page = opened[0]
    risk = section_text(page, "risk")
    assert "who can read it" in risk.lower()
    for label in ("Everyone", "A group"):
        assert label in risk, label
    box = page.locator("#chart-exposure svg.chart").bounding_box()
    assert box and box["height"] > 40
    tiles = page.inner_text("#summary .tiles")
    assert "readable by everyone" in tiles


def test_names_every_unreadable_file(opened, client_inventory):
    text = section_text(opened[0], "not-examined")
    share = client_inventory.share
    expected = share.errors + share.skipped + (share.denied if os.geteuid() == 0 else [])
    missing = [rel for rel in expected if rel not in text]
    assert not missing
    assert "text recognition (OCR) was off" in text and "--ocr" in text
    assert "Access denied to the scanning account" in text or os.geteuid() != 0


def test_metadata_in_the_appendix(opened, client_inventory):
    text = section_text(opened[0], "appendix")
    for t in client_inventory.targets:
        assert t in text
    assert "key id" in text and "hmac-sha256" in text
    assert re.search(r"piiscout version\s+\d+\.\d+", text)


def test_no_raw_value_anywhere(opened, report_html, client_inventory):
    html = report_html.read_text(encoding="utf-8")
    shown = opened[0].inner_text("body")
    leaked = [v for raw in client_inventory.raw_values() for v in raw_variants(raw) if v in html or v in shown]
    assert not leaked, leaked[:5]


def test_screenshot(opened, tmp_path):
    page = opened[0]
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    from PIL import Image

    with Image.open(shot) as im:
        assert im.width == 1200 and im.height > 4000
