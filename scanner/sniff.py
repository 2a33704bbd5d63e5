"""Tell what a file is from its first bytes (and, for text, its name).

Signatures of the formats piiscout reads are checked here directly: that
is ~50x faster than libmagic on text (libmagic spends ~3 ms deciding a
text file is text), which matters on a million small files. libmagic
(python-magic) names whatever is left, so a skipped binary's content type
says what it was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping

from scanner.textdecode import detect_encoding

HEAD = 8192  # bytes read to decide

TEXT_PLAIN = "text/plain"
OCTET = "application/octet-stream"

# (offset, signature, content type), most specific first.
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF-", "application/pdf"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"PK\x05\x06", "application/zip"),
    (0, b"PK\x07\x08", "application/zip"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (0, b"!BDN", "application/vnd.ms-outlook-pst"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"BZh", "application/x-bzip2"),
    (0, b"\xfd7zXZ\x00", "application/x-xz"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (0, b"Rar!\x1a\x07", "application/vnd.rar"),
    (257, b"ustar", "application/x-tar"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"{\\rtf", "text/rtf"),
    (0, b"SQLite format 3\x00", "application/vnd.sqlite3"),
    (0, b"\x7fELF", "application/x-executable"),
    (0, b"MZ", "application/x-dosexec"),
    (0, b"\x00\x00\x01\x00", "image/vnd.microsoft.icon"),
    (0, b"\x28\xb5\x2f\xfd", "application/zstd"),
    (4, b"ftyp", "video/mp4"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"OggS", "audio/ogg"),
    (0, b"RIFF", "application/x-riff"),
    (0, b"\x1a\x45\xdf\xa3", "video/webm"),
)

# Text formats told apart by name first (a CSV is just text), then content.
_TEXT_EXT = {
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".tab": "text/tab-separated-values",
    ".json": "application/json",
    ".ndjson": "application/x-ndjson",
    ".jsonl": "application/x-ndjson",
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "text/html",
    ".xml": "application/xml",
    ".eml": "message/rfc822",
    ".mbox": "application/mbox",
    ".mbx": "application/mbox",
    ".rtf": "text/rtf",
}

_MAIL_HEADERS = (b"received:", b"from:", b"to:", b"subject:", b"message-id:", b"mime-version:",
                 b"return-path:", b"date:", b"delivered-to:", b"x-")


# Extractor plugins (scanner/plugins.py) add their formats here: file
# extensions and leading magic bytes. Built-in signatures and text
# extensions are checked first, so a plugin cannot take a built-in format
# by its name or magic alone.
@dataclass(frozen=True)
class PluginTypes:
    """Plugin extractors' formats (scanner.extractors.registry.plugin_types):
    by file extension and by leading magic bytes. Passed to sniff() by the
    pipeline; nothing is registered here."""

    extensions: Mapping[str, str] = field(default_factory=dict)  # ".pcard" -> content type
    magic: tuple[tuple[bytes, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.extensions or self.magic)

    def type_of(self, head: bytes, name: str) -> str | None:
        for magic, ctype in self.magic:
            if head.startswith(magic):
                return ctype
        return self.extensions.get(os.path.splitext(name.lower())[1])


def is_builtin_text_extension(ext: str) -> bool:
    return ext in _TEXT_EXT


def sniff(head: bytes, name: str = "", plugins: PluginTypes | None = None) -> str:
    """A MIME type for an object whose first bytes are `head`; `plugins`:
    formats plugin extractors read, tried after the built-in signatures."""
    for offset, sig, ctype in _SIGNATURES:
        if head[offset : offset + len(sig)] == sig:
            return ctype
    if plugins:
        found = plugins.type_of(head, name)
        if found:
            return found
    enc = detect_encoding(head)
    if enc is None:
        return _libmagic(head) or OCTET
    return _text_type(head, enc.name, name)


def _text_type(head: bytes, encoding: str, name: str) -> str:
    ext = os.path.splitext(name.lower())[1]
    text = head.decode(encoding, "replace").lstrip("\ufeff")
    stripped = text.lstrip()
    low = stripped[:512].lower()
    if text.startswith("From ") and "\n" in text and _has_mail_headers(text.split("\n", 1)[1]):
        return "application/mbox"
    if ext in _TEXT_EXT:
        return _TEXT_EXT[ext]
    if low.startswith(("<!doctype html", "<html")) or "<html" in low[:256]:
        return "text/html"
    if low.startswith("<?xml"):
        return "text/html" if "<html" in low else "application/xml"
    if _has_mail_headers(text) and "\n\n" in text.replace("\r\n", "\n"):
        return "message/rfc822"
    return TEXT_PLAIN


def _has_mail_headers(text: str) -> bool:
    lines = text.replace("\r\n", "\n").split("\n", 12)[:12]
    hits = 0
    for line in lines:
        if not line:
            break
        if line.lower().encode("utf-8", "ignore").startswith(_MAIL_HEADERS):
            hits += 1
    return hits >= 2


def is_text_type(ctype: str) -> bool:
    return ctype.startswith("text/") or ctype in (
        "application/json",
        "application/x-ndjson",
        "application/xml",
    )


@lru_cache(maxsize=1)
def _magic():
    try:
        import magic

        return magic.Magic(mime=True)
    except Exception:  # noqa: BLE001 - libmagic missing: degrade to octet-stream
        return None


def _libmagic(head: bytes) -> str | None:
    m = _magic()
    if m is None:
        return None
    try:
        return m.from_buffer(head)
    except Exception:  # noqa: BLE001
        return None
