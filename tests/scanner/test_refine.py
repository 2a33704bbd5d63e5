"""Container types are told apart by their members."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import refine as r
from scanner.errors import ItemError
from scanner.extractors.base import Blob
from scanner.sniff import HEAD, sniff

DOCS = Path(__file__).resolve().parents[2] / "fixtures" / "documents"


def kind(path: Path, name: str | None = None) -> str:
    f = path.open("rb")
    head = f.read(HEAD)
    name = name or path.name
    ctype = sniff(head, name)
    return r.refine(Blob(f, head, name, None, ctype), ctype)


@pytest.mark.parametrize("path,expected", [
    ("office/letter.docx", r.DOCX), ("office/roster.xlsx", r.XLSX), ("office/deck.pptx", r.PPTX),
    ("office/letter.odt", r.ODT), ("office/roster.ods", r.ODS), ("office/deck.odp", r.ODP),
    ("legacy/letter.doc", r.DOC), ("legacy/roster.xls", r.XLS), ("legacy/deck.ppt", r.PPT),
    ("archives/old_records.zip", r.ZIP), ("bad/really_a_zip.txt", r.ZIP),
])
def test_refine(path, expected):
    assert kind(DOCS / path) == expected


def test_names_do_not_decide():
    assert kind(DOCS / "office/letter.docx", "renamed.zip") == r.DOCX
    assert kind(DOCS / "legacy/roster.xls", "roster.doc") == r.XLS


def test_claims_are_held_to_content():
    with pytest.raises(ItemError, match="not a valid PDF"):
        kind(DOCS / "web/directory.html", "invoice.pdf")
    with pytest.raises(ItemError, match="corrupt or truncated DOCX"):
        kind(DOCS / "bad/truncated.docx")
