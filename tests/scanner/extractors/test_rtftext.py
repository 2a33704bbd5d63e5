"""The one RTF tokenizer (scanner/extractors/rtftext.py), as RTF documents
and Outlook RTF bodies both read it: code pages (the document's, a font's
charset, double-byte ones), escapes, destinations, encapsulated HTML."""

from __future__ import annotations

import io

import pytest

from scanner.extractors.base import Blob, ExtractContext
from scanner.extractors.rtf import RtfExtractor
from scanner.extractors.rtftext import rtf_events, rtf_to_text
from scanner.mail import mapi
from scanner.model import Segment
from scanner.settings import ScanSettings

JAPANESE = "山田太郎 電話 03-1234-5678"  # synthetic
CP932 = "".join(f"\\'{b:02x}" for b in JAPANESE.encode("cp932"))


def _document_text(rtf: str) -> str:
    data = rtf.encode("latin-1")
    blob = Blob(io.BytesIO(data), data[:8192], "x.rtf", len(data), "text/rtf")
    out = RtfExtractor().extract(blob, ExtractContext(ScanSettings()))
    return "\n".join(s.text for s in out if isinstance(s, Segment))


@pytest.mark.parametrize("rtf", [
    # The document's code page is Shift-JIS.
    "{\\rtf1\\ansi\\ansicpg932\\deff0{\\fonttbl{\\f0\\fnil\\fcharset128 MS Mincho;}}\\f0 " + CP932 + "\\par}",
    # A Western document with a Japanese font: its charset (128) decides.
    "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman\\fcharset0 Times;}{\\f1\\fnil\\fcharset128 "
    "\\'82\\'6c\\'82\\'72 Gothic;}}\\f0 Name: {\\f1 " + CP932 + "}\\par}",
    # The default font (\deff) is the Japanese one.
    "{\\rtf1\\ansi\\ansicpg1252\\deff1{\\fonttbl{\\f0 Times;}{\\f1\\fcharset128 Gothic;}}" + CP932 + "\\par}",
    # Double-byte text in the associated font (\dbch\afN), as LibreOffice writes it.
    "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0\\fcharset0 Times;}{\\f9\\fnil\\fcharset128 Gothic;}}"
    "{\\dbch\\af9\\loch\\f0\\dbch " + CP932 + "}\\par}",
])
def test_cp932_text_decodes_as_cp932_in_documents_and_mail(rtf):
    assert JAPANESE in rtf_to_text(rtf.encode("latin-1"))  # an Outlook RTF body
    assert JAPANESE in _document_text(rtf)  # an .rtf file


def test_unicode_escapes_skip_their_fallback_bytes():
    # Word writes \ucN\uN then N bytes of fallback: two for a double-byte character.
    rtf = "{\\rtf1\\ansi\\ansicpg932\\uc2\\u23665\\'8e\\'52\\u30000\\'93\\'63 x\\uc1\\u8364?\\par}"
    assert rtf_to_text(rtf) == "山田 x€\n"


def test_raw_8bit_text_is_decoded_in_the_code_page():
    rtf = "{\\rtf1\\ansi\\ansicpg1251 ".encode("latin-1") + "Иван Петров".encode("cp1251") + b"\\par}"
    assert rtf_to_text(rtf) == "Иван Петров\n"


def test_headers_and_footers_are_read_in_mail_bodies_too():
    # The mail reader used to drop header and footer destinations, and with them this SSN.
    rtf = (b"{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Calibri;}}{\\header\\pard SSN 234-56-7890\\par}"
           b"\\f0 Body text\\par}")
    assert "SSN 234-56-7890" in rtf_to_text(rtf)
    assert "SSN 234-56-7890" in _document_text(rtf.decode("latin-1"))


def test_encapsulated_html_is_read_once():
    # Outlook's RTF-encapsulated HTML: text between \htmlrtf and \htmlrtf0 only renders the tags.
    rtf = (b"{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 {\\*\\htmltag19 <p>}Call 212-555-0134"
           b"{\\*\\htmltag84 &nbsp;}\\htmlrtf \\~\\par\\htmlrtf0 today{\\*\\htmltag20 </p>}\\htmlrtf\\par\\htmlrtf0}")
    text = rtf_to_text(rtf)
    assert text.count("212-555-0134") == 1 and "\\" not in text and "htmlrtf" not in text
    assert "today" in text


def test_skipped_groups_and_tables():
    rtf = ("{\\rtf1{\\fonttbl{\\f0 Arial;}}{\\colortbl;\\red0;}{\\*\\generator Word;}{\\info{\\author Jo Roe}}"
           "{\\pict\\pngblip 89504e47}{\\field{\\*\\fldinst HYPERLINK \"x\"}{\\fldrslt link}}"
           "\\trowd\\cellx100 name\\cell 234-56-7890\\cell\\row\\pard after\\par}")
    events = list(rtf_events(rtf))
    text = "".join(v for k, v in events if k == "text")
    assert text == "linkname234-56-7890after"
    assert [k for k, _ in events if k != "text"] == ["cell", "cell", "row", "par"]


def test_msg_rtf_body_with_a_header_is_scanned(monkeypatch):
    """The .msg reader's RTF fallback goes through the same tokenizer."""
    raw = b"{\\rtf1\\ansi\\ansicpg932{\\header " + CP932.encode("latin-1") + b"\\par}Hi\\par}"
    assert JAPANESE in mapi.rtf_to_text(raw)
