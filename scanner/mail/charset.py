"""Decode message text whose declared charset may be wrong, unknown or absent.

Notes returned here go into the item's `reason`: they say what went wrong,
never which bytes (those may be part of a value) nor the charset label as
written (it is text from the message).
"""

from __future__ import annotations

import codecs

from scanner.textdecode import detect_encoding

# Labels mail clients write that Python's codec registry does not know.
_ALIASES = {
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "x-user-defined": "cp1252",
    "unknown-8bit": "cp1252",
    "x-unknown": "cp1252",
    "ansi_x3.4-1968": "ascii",
    "us-ascii": "cp1252",  # 8-bit bytes under a us-ascii label are nearly always cp1252
    "ascii": "cp1252",
    "iso-8859-1": "cp1252",  # what senders labelled latin-1 usually is (HTML5 does the same)
    "latin1": "cp1252",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
    "cp-850": "cp850",
}

# Windows code page numbers (MAPI PR_INTERNET_CPID / PR_MESSAGE_CODEPAGE).
_CODEPAGES = {65001: "utf-8", 65000: "utf-7", 1200: "utf-16-le", 1201: "utf-16-be", 20127: "cp1252",
              28591: "cp1252", 50220: "iso2022_jp", 50221: "iso2022_jp", 50222: "iso2022_jp",
              51932: "euc_jp", 51949: "euc_kr", 52936: "hz", 54936: "gb18030", 936: "gbk", 949: "cp949",
              950: "big5", 932: "cp932", 20866: "koi8_r", 21866: "koi8_u", 10000: "mac_roman"}


def codec_for(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None if unknown."""
    if not label:
        return None
    name = label.strip().strip('"\'').lower()
    name = _ALIASES.get(name, name)
    try:
        codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    return name


def codec_for_codepage(cp: int | None) -> str | None:
    if not cp:
        return None
    if cp in _CODEPAGES:
        return _CODEPAGES[cp]
    if 28592 <= cp <= 28599:
        return f"iso8859_{cp - 28590}"
    return codec_for(f"cp{cp}")


def decode(data: bytes, label: str | None = None, notes: list[str] | None = None) -> str:
    """Text of `data` in its declared charset, else a detected one; undecodable
    bytes become U+FFFD and are counted in `notes`."""
    if not data:
        return ""
    codec = codec_for(label)
    if label and codec is None and notes is not None:
        note(notes, "unknown charset label, decoded by detection")
    if codec is None or (codec in ("ascii", "cp1252") and _is_utf8(data)):
        enc = detect_encoding(data[:8192])
        codec = enc.name if enc else "cp1252"
        if enc and enc.bom:
            data = data[enc.bom:]
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        try:
            text = data.decode(codec, "replace")
        except LookupError:  # a codec that cannot decode at all (e.g. a broken utf-7 label)
            text = data.decode("utf-8", "replace")
        bad = text.count("\ufffd")
        if bad and notes is not None:
            note(notes, "undecodable bytes in message text replaced")
    return text


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(b > 127 for b in data[:65536])


def note(notes: list[str], text: str) -> None:
    if text not in notes:
        notes.append(text)
