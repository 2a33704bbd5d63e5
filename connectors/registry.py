"""URL scheme -> connector class.

A target is a path (the local connector) or a URL whose scheme picks the
connector: `file://`, and in their own modules `smb://`, database URLs
(`postgresql://`, `mysql+pymysql://`, `sqlite:///`...) and mail archives.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from scanner.errors import UsageError
from scanner.model import TargetSpec

# Built-in connector modules; each defines one Connector subclass.
BUILTIN = (
    "connectors.local",
    "connectors.mail",
    "connectors.smb",
    "connectors.sql",
)

_BY_SCHEME: dict[str, type] = {}
_loaded = False
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")


def register(cls: type, replace: bool = True) -> type:
    for scheme in cls.schemes:
        if replace or scheme not in _BY_SCHEME:
            _BY_SCHEME[scheme] = cls
    return cls


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for mod in BUILTIN:
        importlib.import_module(mod)


def scheme_of(raw: str) -> str:
    m = _SCHEME.match(raw)
    if not m:
        # sqlite:relative.db and similar are not URLs we accept; a path is.
        return ""
    return m.group(1).lower()


def connector_class(scheme: str) -> type:
    _load()
    cls = _BY_SCHEME.get(scheme) or _BY_SCHEME.get(scheme.split("+", 1)[0])
    if cls is None:
        known = ", ".join(sorted(s + "://" for s in _BY_SCHEME if s)) or "none"
        raise UsageError(f"unsupported target scheme {scheme}:// (supported: paths, {known})")
    return cls


def resolve(raw: str, name: str | None = None, options: dict[str, Any] | None = None) -> TargetSpec:
    """Parse a target string into a TargetSpec using the connector its
    scheme names."""
    return connector_class(scheme_of(raw)).parse(raw, name=name, options=options or {})


def connector_for(spec: TargetSpec) -> type:
    return connector_class(spec.scheme)


def schemes() -> dict[str, type]:
    _load()
    return dict(_BY_SCHEME)
