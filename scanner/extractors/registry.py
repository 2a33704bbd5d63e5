"""Content type -> extractor.

Built-in extractors are listed in BUILTIN; each module registers a class
that names the MIME types it reads. Text types without an extractor of
their own fall back to plain text; anything else without an extractor is
recorded as skipped with reason "unsupported format", never ignored.
"""

from __future__ import annotations

import logging
from typing import Iterable

from scanner import plugins
from scanner.extractors.base import Extractor
from scanner.sniff import is_text_type

log = logging.getLogger(__name__)

BUILTIN = (
    "scanner.extractors.plaintext",
    "scanner.extractors.delimited",
    "scanner.extractors.archives",
    "scanner.extractors.pdf",
    "scanner.extractors.ooxml",
    "scanner.extractors.spreadsheet",
    "scanner.extractors.odf",
    "scanner.extractors.legacy_office",
    "scanner.extractors.rtf",
    "scanner.extractors.markup",
    "scanner.extractors.images",
    "scanner.extractors.eml",
    "scanner.extractors.mbox",
    "scanner.extractors.msg",
    "scanner.extractors.tnef",
    "scanner.extractors.pst",
)

GROUP = "piiscout.extractors"


def _accept(obj, info) -> list:
    if not (isinstance(obj, type) and issubclass(obj, Extractor)):
        raise TypeError(f"{info.module} is not a scanner.extractors.base.Extractor subclass")
    return [obj]


def _teach_sniff(cls, types: list[str]) -> None:
    """Plugin types are recognised by their file extensions and magic bytes."""
    from scanner import sniff

    for ext in getattr(cls, "extensions", ()) or ():
        sniff.add_extension(ext, types[0])
    for magic in getattr(cls, "magic", ()) or ():
        sniff.add_magic(magic, types[0])


# The one registry mechanism (scanner.plugins.Registry): built-ins register
# with @register, plugins through the entry point group; pick() decides.
EXTRACTORS = plugins.Registry(GROUP, "content type", BUILTIN,
                              lambda cls: [t.lower() for t in cls.content_types if t], _accept, _teach_sniff)
register = EXTRACTORS.register
plugin_of = plugins.plugin_of


def for_type(ctype: str, prefer: Iterable[str] = ()) -> type[Extractor] | None:
    cls = EXTRACTORS.pick(ctype, prefer)
    if cls is None and is_text_type(ctype):
        cls = EXTRACTORS.pick("text/plain", prefer)
    return cls


def registered(prefer: Iterable[str] = ()) -> dict[str, type[Extractor]]:
    return EXTRACTORS.all(prefer)
