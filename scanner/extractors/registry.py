"""Content type -> extractor.

Built-in extractors are listed in BUILTIN; each module registers a class
that names the MIME types it reads. Text types without an extractor of
their own fall back to plain text; anything else without an extractor is
recorded as skipped with reason "unsupported format", never ignored.
"""

from __future__ import annotations

import importlib
import logging

from scanner.extractors.base import Extractor
from scanner.sniff import is_text_type

log = logging.getLogger(__name__)

BUILTIN = (
    "scanner.extractors.plaintext",
    "scanner.extractors.delimited",
    "scanner.extractors.archives",
    "scanner.extractors.pdf",
    "scanner.extractors.ooxml",
    "scanner.extractors.xlsx",
    "scanner.extractors.odf",
    "scanner.extractors.xls",
    "scanner.extractors.legacy_office",
    "scanner.extractors.rtf",
    "scanner.extractors.markup",
    "scanner.extractors.images",
    "scanner.extractors.eml",
    "scanner.extractors.mbox",
    "scanner.extractors.msg",
    "scanner.extractors.pst",
)

_BY_TYPE: dict[str, type[Extractor]] = {}
_loaded = False


def register(cls: type[Extractor], replace: bool = True) -> type[Extractor]:
    for ctype in cls.content_types:
        if replace or ctype not in _BY_TYPE:
            _BY_TYPE[ctype] = cls
    return cls


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for mod in BUILTIN:
        importlib.import_module(mod)


def for_type(ctype: str) -> type[Extractor] | None:
    _load()
    cls = _BY_TYPE.get(ctype)
    if cls is None and is_text_type(ctype):
        cls = _BY_TYPE.get("text/plain")
    return cls


def registered() -> dict[str, type[Extractor]]:
    _load()
    return dict(_BY_TYPE)
