"""Third-party connectors, extractors and recognizers, loaded by entry point.

Three entry-point groups (docs/plugins.md):

* ``piiscout.connectors``: a `connectors.base.Connector` subclass, chosen by
  the URL schemes it declares;
* ``piiscout.extractors``: a `scanner.extractors.base.Extractor` subclass,
  chosen by the content types it declares;
* ``piiscout.recognizers``: a Presidio `EntityRecognizer` (a subclass, an
  instance, or a callable returning one or a list of them).

Built-ins go through the same tables (`connectors.registry.register`,
`scanner.extractors.registry.register`, `detectors.catalog`) with the origin
"builtin"; a plugin is registered by the same function with its own origin.
When both claim one scheme or content type the built-in is kept and the
conflict is recorded, unless the user named the plugin with
`--prefer-plugin NAME` (or `prefer_plugin` in a config file).

A plugin that fails to import or to load is recorded with its error (one
line) and a warning is logged once per process; it never stops a scan.
`piiscout plugins` lists what loaded, what failed and what was shadowed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from scanner.errors import one_line

log = logging.getLogger("piiscout.plugins")

GROUPS = ("piiscout.connectors", "piiscout.extractors", "piiscout.recognizers")
BUILTIN = "builtin"

LOADED = "loaded"
FAILED = "failed"
SHADOWED = "shadowed"  # conflicts with a built-in, which is kept


@dataclass
class PluginInfo:
    group: str
    name: str  # the entry point's name
    module: str  # the entry point's value, "package.module:attr"
    dist: str = ""  # the distribution that declared it
    status: str = LOADED
    error: str | None = None
    provides: list[str] = field(default_factory=list)  # schemes, content types or entities
    obj: Any = None  # what the entry point loaded

    def as_dict(self) -> dict:
        return {"group": self.group, "name": self.name, "module": self.module, "dist": self.dist,
                "status": self.status, "error": self.error, "provides": list(self.provides)}


_INFOS: dict[tuple[str, str], PluginInfo] = {}
_LOADED_GROUPS: dict[str, list[PluginInfo]] = {}
_WARNED: set[tuple[str, str, str]] = set()
# Plugin names (entry point or distribution names) the user prefers over
# built-ins: set from ScanSettings in the parent and in every worker.
_PREFERRED: frozenset[str] = frozenset()


def set_preferred(names: Iterable[str]) -> None:
    global _PREFERRED
    _PREFERRED = frozenset(n.strip().lower() for n in names if n and n.strip())


def preferred() -> frozenset[str]:
    return _PREFERRED


def is_preferred(origin: "PluginInfo | str") -> bool:
    if isinstance(origin, str):
        return False
    return origin.name.lower() in _PREFERRED or (origin.dist or "").lower() in _PREFERRED


_ALL_EPS: dict[str, list] | None = None


def pick(cands: list[tuple[Any, Any]] | None) -> Any:
    """Of the (implementation, origin) pairs registered for one key (a URL
    scheme, a content type), the one to use: a preferred plugin, else the
    built-in, else the first plugin."""
    if not cands:
        return None
    for impl, origin in cands:
        if origin != "builtin" and is_preferred(origin):
            return impl
    for impl, origin in cands:
        if origin == "builtin":
            return impl
    return cands[0][0]


def _entry_points(group: str):
    """The entry points of `group`; every installed package's metadata is
    read once per process (one pass for all three groups)."""
    global _ALL_EPS
    if _ALL_EPS is None:
        from importlib.metadata import entry_points

        found: dict[str, list] = {g: [] for g in GROUPS}
        try:
            eps = entry_points()  # all groups in one pass over the installed packages
            for g in GROUPS:
                found[g] = list(eps.select(group=g))
        except Exception as exc:  # noqa: BLE001 - broken metadata must not stop anything
            log.warning("cannot read the plugin entry points: %s", one_line(exc))
        _ALL_EPS = found
    return list(_ALL_EPS.get(group, []))


def warn_once(info: PluginInfo, what: str, error: str) -> None:
    key = (info.group, info.name, what)
    if key in _WARNED:
        return
    _WARNED.add(key)
    log.warning("plugin %s (%s, %s) %s: %s", info.name, info.group.split(".", 1)[1], info.module, what, error)


def load_group(group: str, register: Callable[[Any, PluginInfo], list[str]]) -> list[PluginInfo]:
    """Load every entry point of `group` once per process and hand what it
    loaded to `register(obj, info)`, which returns what the plugin provides
    (schemes, content types, entities) or raises to reject it."""
    if group in _LOADED_GROUPS:
        return _LOADED_GROUPS[group]
    infos: list[PluginInfo] = []
    _LOADED_GROUPS[group] = infos
    seen = set()
    for ep in _entry_points(group):
        if (ep.name, ep.value) in seen:  # the same distribution found twice on sys.path
            continue
        seen.add((ep.name, ep.value))
        dist = getattr(getattr(ep, "dist", None), "name", "") or ""
        info = PluginInfo(group=group, name=ep.name, module=ep.value, dist=dist)
        infos.append(info)
        _INFOS[(group, ep.name)] = info
        try:
            info.obj = ep.load()
        except BaseException as exc:  # noqa: BLE001 - SystemExit in a plugin's import too
            if isinstance(exc, KeyboardInterrupt):
                raise
            info.status, info.error = FAILED, f"import failed: {one_line(exc)}"
            warn_once(info, "failed to load", info.error)
            continue
        try:
            info.provides = list(register(info.obj, info) or [])
        except Exception as exc:  # noqa: BLE001
            info.status, info.error = FAILED, one_line(exc)
            warn_once(info, "was rejected", info.error)
    return infos


def shadow(info: PluginInfo, key: str, kind: str) -> None:
    """Record that a built-in kept `key` (a scheme, a content type, an entity)."""
    note = f"{kind} {key} is also built in: the built-in is used (--prefer-plugin {info.name} to use this one)"
    if info.status == LOADED:
        info.status = SHADOWED
    info.error = note if not info.error else info.error + "; " + note


def plugin_failed(info: PluginInfo | None, what: str, exc: BaseException) -> str:
    """A plugin raised while in use: warn once, and return the one-line reason
    to record on the item."""
    msg = one_line(exc)
    if info is not None:
        warn_once(info, what, msg)
        return f"plugin {info.name}: {what}: {msg}"
    return msg


def all_plugins() -> list[PluginInfo]:
    """Every plugin of every group, loading them if not done yet."""
    from connectors import registry as connectors
    from detectors import catalog
    from scanner.extractors import registry as extractors

    connectors.schemes()
    extractors.registered()
    catalog.plugin_recognizers()
    out: list[PluginInfo] = []
    for g in GROUPS:
        out += _LOADED_GROUPS.get(g, [])
    return out


def signature() -> list[str]:
    """Installed plugins as "group:name=value@package-version", without
    importing them: part of an incremental rescan's results fingerprint, so
    installing, removing or upgrading a plugin means a full rescan."""
    out = []
    for g in GROUPS:
        for ep in _entry_points(g):
            dist = getattr(ep, "dist", None)
            ver = f"{getattr(dist, 'name', '')}-{getattr(dist, 'version', '')}" if dist is not None else ""
            out.append(f"{g}:{ep.name}={ep.value}@{ver}")
    return sorted(set(out))


def loaded_plugins() -> list[PluginInfo]:
    """The plugins of the groups loaded so far in this process."""
    return [i for g in GROUPS for i in _LOADED_GROUPS.get(g, [])]


def report_failures() -> None:
    """Log every plugin that failed or was shadowed (once per process)."""
    infos = all_plugins()
    for name in sorted(_PREFERRED):
        if not any(name in (i.name.lower(), (i.dist or "").lower()) for i in infos):
            key = ("", name, "prefer")
            if key not in _WARNED:
                _WARNED.add(key)
                log.warning("--prefer-plugin %s: no installed plugin has that name (see `piiscout plugins`)", name)
    for info in infos:
        if info.status == FAILED:
            warn_once(info, "failed to load", info.error or "")
        elif info.status == SHADOWED:
            warn_once(info, "is not used", info.error or "")
