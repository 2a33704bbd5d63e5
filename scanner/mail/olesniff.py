"""Tell an Outlook .msg apart from other OLE compound files by their first bytes.

Every OLE file (.doc, .xls, .ppt, .msg, Thumbs.db...) starts with the same
signature. A .msg is the only one whose directory names its streams
`__substg1.0_XXXXXXXX` and `__properties_version1.0`; Outlook writes the
directory near the start of the file (sector 2 in the files seen), so
those names are looked for, as UTF-16, in the sniffed head. A file whose
directory lies further in is still recognised by a .msg name.
"""

from __future__ import annotations

_MARKERS = tuple(s.encode("utf-16-le") for s in ("__substg1.0_", "__properties_version1.0",
                                                   "__recip_version1.0_", "__attach_version1.0_"))
OUTLOOK_MSG = "application/vnd.ms-outlook"


def is_outlook_msg(head: bytes, name: str = "") -> bool:
    if any(m in head for m in _MARKERS):
        return True
    return name.lower().endswith(".msg")
