"""URL scheme -> connector class.

A target is a path (the local connector) or a URL whose scheme picks the
connector: `file://`, and in their own modules `smb://`, database URLs
(`postgresql://`, `mysql+pymysql://`, `sqlite:///`...) and mail archives.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from scanner import plugins
from scanner.errors import UsageError
from scanner.model import TargetSpec

# Built-in connector modules; each defines one Connector subclass.
BUILTIN = (
    "connectors.local",
    "connectors.mail",
    "connectors.smb",
    "connectors.sql",
    "connectors.stdin",
)

# scheme -> the built-in module serving it, so that resolving one target
# imports that connector alone (the SMB stack costs ~0.07 s of start-up a
# local scan does not need). tests/plugins/test_registry.py checks it
# against the classes' `schemes`.
BUILTIN_SCHEMES = {
    "": "connectors.local", "file": "connectors.local",
    "mbox": "connectors.mail", "maildir": "connectors.mail",
    "smb": "connectors.smb",
    **{s: "connectors.sql" for s in ("postgresql", "postgres", "mysql", "mariadb", "sqlite", "mssql")},
    "stdin": "connectors.stdin",
}

GROUP = "piiscout.connectors"
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")


def _accept(obj, info) -> list:
    from connectors.base import Connector

    if not (isinstance(obj, type) and issubclass(obj, Connector)):
        raise TypeError(f"{info.module} is not a connectors.base.Connector subclass")
    if not getattr(obj, "name", ""):
        raise TypeError(f"{info.module} declares no `name` and URL `schemes`")
    return [obj]


# The one registry mechanism (scanner.plugins.Registry): built-ins register
# with @register, plugins through the entry point group; pick() decides.
CONNECTORS = plugins.Registry(GROUP, "scheme", BUILTIN, lambda cls: [s.lower() for s in cls.schemes], _accept,
                              lazy=BUILTIN_SCHEMES)
register = CONNECTORS.register
plugin_of = plugins.plugin_of


def scheme_of(raw: str) -> str:
    if raw == "-":  # standard input (connectors/stdin.py)
        return "stdin"
    m = _SCHEME.match(raw)
    if not m:
        # sqlite:relative.db and similar are not URLs we accept; a path is.
        return ""
    return m.group(1).lower()


def connector_class(scheme: str, prefer: Iterable[str] = ()) -> type:
    cls = CONNECTORS.pick(scheme, prefer) or CONNECTORS.pick(scheme.split("+", 1)[0], prefer)
    if cls is None:
        CONNECTORS.load()  # every scheme, for the message
        known = ", ".join(sorted(s + "://" for s in CONNECTORS.by_key if s)) or "none"
        raise UsageError(f"unsupported target scheme {scheme}:// (supported: paths, {known})")
    return cls


def resolve(raw: str, name: str | None = None, options: dict[str, Any] | None = None,
            prefer: Iterable[str] = ()) -> TargetSpec:
    """Parse a target string into a TargetSpec using the connector its
    scheme names."""
    cls = connector_class(scheme_of(raw), prefer)
    try:
        return cls.parse(raw, name=name, options=options or {})
    except UsageError:
        raise
    except Exception as exc:  # noqa: BLE001 - a plugin's bug is a usage problem naming it, not a crash
        info = plugin_of(cls)
        if info is None:
            raise
        raise UsageError(plugins.plugin_failed(info, "connector raised", exc)) from None


def connector_for(spec: TargetSpec, prefer: Iterable[str] = ()) -> type:
    return connector_class(spec.scheme, prefer)


def schemes(prefer: Iterable[str] = ()) -> dict[str, type]:
    """scheme -> the connector class that serves it."""
    return CONNECTORS.all(prefer)
