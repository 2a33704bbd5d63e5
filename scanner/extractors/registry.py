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

# content type -> candidates (class, origin): origin is "builtin" or the
# plugin's scanner.plugins.PluginInfo. Built-ins and plugins are registered
# by the same function; `_pick` decides between them.
_BY_TYPE: dict[str, list[tuple[type[Extractor], object]]] = {}
_loaded = False
GROUP = "piiscout.extractors"


def register(cls: type[Extractor], replace: bool = True, origin: object = "builtin") -> type[Extractor]:
    for ctype in cls.content_types:
        cands = _BY_TYPE.setdefault(ctype, [])
        if origin == "builtin":
            if replace or not cands:
                cands[:] = [c for c in cands if c[1] != "builtin"]
                cands.insert(0, (cls, origin))
        else:
            cands.append((cls, origin))
    return cls


def _register_plugin(obj, info) -> list[str]:
    from scanner import plugins

    if not (isinstance(obj, type) and issubclass(obj, Extractor)):
        raise TypeError(f"{info.module} is not a scanner.extractors.base.Extractor subclass")
    types = [t.lower() for t in getattr(obj, "content_types", ()) if t]
    if not types:
        raise TypeError(f"{info.module} declares no `content_types`")
    obj._piiscout_plugin = info
    for t in types:
        if any(o == "builtin" for _, o in _BY_TYPE.get(t, [])) and not plugins.is_preferred(info):
            plugins.shadow(info, t, "content type")
    register(obj, origin=info)
    # Plugin types are recognised by their file extensions and magic bytes.
    from scanner import sniff

    for ext in getattr(obj, "extensions", ()) or ():
        sniff.add_extension(ext, types[0])
    for magic in getattr(obj, "magic", ()) or ():
        sniff.add_magic(magic, types[0])
    return types


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for mod in BUILTIN:
        importlib.import_module(mod)
    from scanner import plugins

    plugins.load_group(GROUP, _register_plugin)


def _pick(cands):
    from scanner import plugins

    return plugins.pick(cands)


def for_type(ctype: str) -> type[Extractor] | None:
    _load()
    cls = _pick(_BY_TYPE.get(ctype))
    if cls is None and is_text_type(ctype):
        cls = _pick(_BY_TYPE.get("text/plain"))
    return cls


def registered() -> dict[str, type[Extractor]]:
    _load()
    return {t: _pick(c) for t, c in _BY_TYPE.items() if c}


def plugin_of(cls: type):
    """The PluginInfo of a plugin extractor class, None for a built-in."""
    return getattr(cls, "_piiscout_plugin", None)
