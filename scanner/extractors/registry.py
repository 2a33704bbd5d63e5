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
from scanner.sniff import PluginTypes, is_builtin_text_extension, is_text_type

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


# The one registry mechanism (scanner.plugins.Registry): built-ins register
# with @register, plugins through the entry point group; pick() decides.
EXTRACTORS = plugins.Registry(GROUP, "content type", BUILTIN,
                              lambda cls: [t.lower() for t in cls.content_types if t], _accept)
register = EXTRACTORS.register
plugin_of = plugins.plugin_of


def for_type(ctype: str, prefer: Iterable[str] = ()) -> type[Extractor] | None:
    cls = EXTRACTORS.pick(ctype, prefer)
    if cls is None and is_text_type(ctype):
        cls = EXTRACTORS.pick("text/plain", prefer)
    return cls


def registered(prefer: Iterable[str] = ()) -> dict[str, type[Extractor]]:
    return EXTRACTORS.all(prefer)


def plugin_types() -> PluginTypes:
    """What sniff() needs to recognise plugin formats: each plugin's
    `extensions` and `magic`, for its first content type. Built-in text
    extensions and signatures stay the built-ins'."""
    exts: dict[str, str] = {}
    magic: list[tuple[bytes, str]] = []
    for cls, _ in EXTRACTORS.plugins():
        ctype = next((t.lower() for t in cls.content_types if t), None)
        if ctype is None:
            continue
        for ext in getattr(cls, "extensions", ()) or ():
            ext = ext.lower() if ext.startswith(".") else "." + ext.lower()
            if not is_builtin_text_extension(ext):
                exts.setdefault(ext, ctype)
        for m in getattr(cls, "magic", ()) or ():
            m = m.encode("latin-1") if isinstance(m, str) else bytes(m)
            if m:
                magic.append((m, ctype))
    return PluginTypes(exts, tuple(magic))
