"""`piiscout report` output: pick the format, render, write the file whole."""

from __future__ import annotations

import sys
from pathlib import Path

from scanner import atomic
from scanner.errors import UsageError

FORMATS = ("text", "json", "html", "pdf")
SUFFIXES = {".html": "html", ".htm": "html", ".pdf": "pdf", ".json": "json", ".txt": "text"}


def pick_format(fmt: str | None, output: str | None) -> str:
    if fmt:
        return fmt.lower()
    if output and output != "-":
        return SUFFIXES.get(Path(output).suffix.lower(), "text")
    return "text"


def _destination(output: str | None, fmt: str) -> Path | None:
    if output in (None, "-"):
        if fmt == "pdf":
            raise UsageError("a PDF needs a file: give -o FILE.pdf")
        return None
    return atomic.destination(output)


def render(inventory: Path, fmt: str, scan_id: str | None, top: int, client: str | None, title: str,
           paper: str) -> bytes:
    if fmt in ("text", "json"):
        from scanner.report import build_report, render_json, render_text

        rep = build_report(inventory, scan_id, top)
        return ((render_json(rep) if fmt == "json" else render_text(rep)) + "\n").encode("utf-8")
    from scanner.reporting.html import render_html
    from scanner.reporting.model import build

    if fmt == "pdf":
        from scanner.reporting.pdf import find_browser

        find_browser()  # say so before reading the inventory
    page = render_html(build(inventory, scan_id, client=client, title=title))
    if fmt == "html":
        return page.encode("utf-8")
    from scanner.reporting.pdf import html_to_pdf

    return html_to_pdf(page, paper)


def write_report(inventory: Path, fmt: str | None, output: str | None, *, scan_id: str | None = None,
                 top: int = 10, client: str | None = None, title: str = "Personal data discovery report",
                 paper: str = "letter") -> Path | None:
    """Write the report; returns the file written, or None for standard output."""
    fmt = pick_format(fmt, output)
    dest = _destination(output, fmt)
    data = render(inventory, fmt, scan_id, top, client, title, paper)
    if dest is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return None
    with atomic.atomic_output(dest, "wb") as fh:  # owner-only, all or nothing
        fh.write(data)
    return dest
