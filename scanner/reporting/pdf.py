"""Print the HTML report to PDF with headless Chromium (playwright).

Chromium, not WeasyPrint: the PDF is the very document the HTML shows (one
layout engine, one set of tests), SVG and CSS page rules (page size,
margins, page numbers in the margin boxes, a cover without a number) work
as in the browser, and the test suite needs Chromium anyway. playwright's
Python package drives it; its own browser download is never used: the
system's Chromium (Debian package `chromium`) or $PIISCOUT_CHROMIUM is.
"""

from __future__ import annotations

import os
import shutil

from scanner.errors import PiiscoutError, UsageError, one_line

PAPER = {"letter": "Letter", "a4": "A4"}
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
# No updates, no first-run pages, no background fetches: the report is printed offline.
ARGS = ["--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--disable-default-apps", "--disable-sync", "--disable-extensions", "--mute-audio"]


class BrowserUnavailable(UsageError):
    """No Chromium to print with: exit 2 with one line saying what to install."""


class PrintFailed(PiiscoutError):
    pass


def find_browser() -> str:
    env = os.environ.get("PIISCOUT_CHROMIUM")
    if env:
        if os.path.isfile(env) and os.access(env, os.X_OK):
            return env
        raise BrowserUnavailable(f"PIISCOUT_CHROMIUM={env} is not an executable file")
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    raise BrowserUnavailable("PDF output needs Chromium: install it (apt-get install chromium) or set "
                             "PIISCOUT_CHROMIUM to a Chromium or Chrome executable; --format html needs nothing")


def launch_args() -> list[str]:
    # Chromium refuses to start as root with its sandbox on.
    return ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])


def html_to_pdf(html: str, paper: str = "letter") -> bytes:
    browser_path = find_browser()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserUnavailable("PDF output needs the playwright package (pip install playwright)") from None
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_path, args=launch_args())
            try:
                page = browser.new_page()
                # Nothing leaves the machine, whatever the document holds.
                page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("data:")
                           else route.continue_())
                page.set_content(html, wait_until="load")
                page.emulate_media(media="print")
                return page.pdf(format=PAPER[paper], print_background=True, outline=True, tagged=True)
            finally:
                browser.close()
    except PlaywrightError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise PrintFailed(f"Chromium ({browser_path}) could not print the report: {one_line(RuntimeError(first))}") \
            from None
