"""Names that are not valid UTF-8, kept in a reversible escaped form.

File names on Linux are bytes. Old file servers, USB copies and TAR
archives hold Latin-1 or cp1252 names (`caf\\xe9_payroll.txt`), which Python
hands over as strings with lone surrogates (PEP 383, `surrogateescape`).
Parquet, JSON and terminals accept only valid Unicode, and U+FFFD would make
the file impossible to find again, so every name (file, folder, archive
member, attachment, SMB path) goes into the inventory, logs and exports in
this escaped form (docs/inventory.md, *Names*):

* each byte that is not part of valid UTF-8 is written `\\xHH` (two lower-case
  hex digits): `caf\\xe9_payroll.txt`, exactly as Python's
  `bytes.decode("utf-8", "backslashreplace")` writes it;
* a literal backslash that would otherwise read as such an escape (one
  followed by `x` and two hex digits of 80-ff, or by `x5c`) is itself
  written `\\x5c`; every other character, backslashes included, is kept.

Valid UTF-8 names are therefore unchanged (bar that rare backslash), and
`unescape_name` gives back the exact bytes: `os.fsencode(unescape(...))`
opens the file. The form is idempotent only in the sense that escaping a
string without surrogates changes at most those backslashes: escape names
once, where they enter piiscout.
"""

from __future__ import annotations

import os
import re

# A backslash that unescape_name would read as an escape.
_AMBIGUOUS = re.compile(r"\\(?=x(?:5[cC]|[89a-fA-F][0-9a-fA-F]))")
_ESCAPE = re.compile(r"\\x(5[cC]|[89a-fA-F][0-9a-fA-F])")
_SURROGATE = re.compile("[\udc80-\udcff]")


def has_surrogates(name: str) -> bool:
    """True when `name` holds bytes that were not valid UTF-8 (lone
    surrogates from surrogateescape), i.e. it cannot be written as UTF-8."""
    if name.isascii():
        return False
    try:
        name.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def escape_name(name: str) -> str:
    """The documented escaped form of a name decoded with surrogateescape."""
    if name.isascii() and "\\" not in name:
        return name
    if "\\" in name:
        name = _AMBIGUOUS.sub(r"\\x5c", name)
    if has_surrogates(name):
        name = _SURROGATE.sub(lambda m: f"\\x{ord(m.group(0)) - 0xDC00:02x}", name)
        # Any other lone surrogate (not from surrogateescape, e.g. a bad
        # UTF-16 name from a Windows server) as its code point.
        name = name.encode("utf-8", "backslashreplace").decode("utf-8")
    return name


def escape_bytes(raw: bytes) -> str:
    """The escaped form of a name given as bytes."""
    return escape_name(os.fsdecode(raw) if os.name == "posix" else raw.decode("utf-8", "surrogateescape"))


def unescape_name(text: str) -> str:
    """The name as Python's os functions take it (with surrogateescape), from
    its escaped form: `os.fsencode(unescape_name(s))` are the original bytes."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: "\\" if m.group(1).lower() == "5c" else chr(0xDC00 + int(m.group(1), 16)),
                       text)


def unescape_bytes(text: str) -> bytes:
    return unescape_name(text).encode("utf-8", "surrogateescape")


def writable(value: str) -> str:
    """`value` unchanged if it is valid Unicode, else escaped: for strings
    that reach a writer without having been escaped where they entered."""
    return escape_name(value) if has_surrogates(value) else value


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(name: str) -> str:
    """A name for a one-line human message (text logs, terminal): control
    characters (a newline in a file name) shown as `\\n`, `\\xHH`; surrogates
    escaped. Not reversible: for display only; the inventory keeps the name."""
    name = writable(name)
    if not _CONTROL.search(name):
        return name
    return _CONTROL.sub(lambda m: {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(m.group(0), f"\\x{ord(m.group(0)):02x}"),
                        name)
