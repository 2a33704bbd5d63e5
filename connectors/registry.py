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

# scheme -> candidates, each (class, origin): origin is "builtin" or the
# plugin's scanner.plugins.PluginInfo. Built-ins and plugins are registered
# by the same function; `_pick` decides between them.
_BY_SCHEME: dict[str, list[tuple[type, object]]] = {}
_loaded = False
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")
GROUP = "piiscout.connectors"


def register(cls: type, replace: bool = True, origin: object = "builtin") -> type:
    """Serve `cls.schemes` with `cls`. A built-in registered again for a
    scheme replaces the earlier built-in (`replace`); a plugin is added next
    to a built-in, and `_pick` keeps the built-in unless the plugin is
    preferred (--prefer-plugin)."""
    for scheme in cls.schemes:
        cands = _BY_SCHEME.setdefault(scheme, [])
        if origin == "builtin":
            if replace or not cands:
                cands[:] = [c for c in cands if c[1] != "builtin"]
                cands.insert(0, (cls, origin))
        else:
            cands.append((cls, origin))
    return cls


def _register_plugin(obj, info) -> list[str]:
    from connectors.base import Connector
    from scanner import plugins

    if not (isinstance(obj, type) and issubclass(obj, Connector)):
        raise TypeError(f"{info.module} is not a connectors.base.Connector subclass")
    schemes = [s.lower() for s in getattr(obj, "schemes", ()) if s]
    if not schemes or not getattr(obj, "name", ""):
        raise TypeError(f"{info.module} declares no `name` and URL `schemes`")
    obj._piiscout_plugin = info  # errors raised by it name the plugin
    for s in schemes:
        if any(o == "builtin" for _, o in _BY_SCHEME.get(s, [])) and not plugins.is_preferred(info):
            plugins.shadow(info, s + "://", "scheme")
    register(obj, origin=info)
    return [s + "://" for s in schemes]


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


def scheme_of(raw: str) -> str:
    m = _SCHEME.match(raw)
    if not m:
        # sqlite:relative.db and similar are not URLs we accept; a path is.
        return ""
    return m.group(1).lower()


def connector_class(scheme: str) -> type:
    _load()
    cls = _pick(_BY_SCHEME.get(scheme)) or _pick(_BY_SCHEME.get(scheme.split("+", 1)[0]))
    if cls is None:
        known = ", ".join(sorted(s + "://" for s in _BY_SCHEME if s)) or "none"
        raise UsageError(f"unsupported target scheme {scheme}:// (supported: paths, {known})")
    return cls


def resolve(raw: str, name: str | None = None, options: dict[str, Any] | None = None) -> TargetSpec:
    """Parse a target string into a TargetSpec using the connector its
    scheme names."""
    cls = connector_class(scheme_of(raw))
    try:
        return cls.parse(raw, name=name, options=options or {})
    except UsageError:
        raise
    except Exception as exc:  # noqa: BLE001 - a plugin's bug is a usage problem naming it, not a crash
        info = plugin_of(cls)
        if info is None:
            raise
        from scanner import plugins

        raise UsageError(plugins.plugin_failed(info, "connector raised", exc)) from None


def connector_for(spec: TargetSpec) -> type:
    return connector_class(spec.scheme)


def schemes() -> dict[str, type]:
    """scheme -> the connector class that serves it."""
    _load()
    return {s: _pick(c) for s, c in _BY_SCHEME.items() if c}


def plugin_of(cls: type):
    """The PluginInfo of a plugin connector class, None for a built-in."""
    return getattr(cls, "_piiscout_plugin", None)
