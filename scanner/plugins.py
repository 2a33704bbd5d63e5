"""Third-party connectors, extractors and recognizers, loaded by entry point.

Three entry-point groups (docs/plugins.md):

* ``piiscout.connectors``: a `connectors.base.Connector` subclass, chosen by
  the URL schemes it declares;
* ``piiscout.extractors``: a `scanner.extractors.base.Extractor` subclass,
  chosen by the content types it declares;
* ``piiscout.recognizers``: a Presidio `EntityRecognizer` (a subclass, an
  instance, or a callable returning one or a list of them).

One mechanism, `Registry`, serves all three: built-ins and plugins are
registered by the same function (`register`, with the origin "builtin" or
the plugin's PluginInfo), candidates are kept side by side per key (a URL
scheme, a content type, an entity type) and `pick(key, prefer)` decides:
the built-in, unless the user named the plugin with `--prefer-plugin NAME`
(or `prefer_plugin` in a config file). Preferences are passed to every
lookup (DetectorSettings.prefer_plugins travels with the job): nothing here
is set from outside. A conflict with a built-in is recorded on the plugin
(status "shadowed"), and shown as "preferred" where the user chose it.

A plugin that fails to import or to load is recorded with its error (one
line) and a warning is logged once per process; it never stops a scan.
`piiscout plugins` lists what loaded, what failed and what was shadowed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
import importlib
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
PREFERRED = "preferred"  # shadowed by a built-in, but named with --prefer-plugin


def preference(names: Iterable[str]) -> frozenset[str]:
    """--prefer-plugin names as looked up: entry point or distribution
    names, case-insensitive."""
    return frozenset(n.strip().lower() for n in names if n and n.strip())


def is_preferred(origin: "PluginInfo | str", prefer: Iterable[str] = ()) -> bool:
    if isinstance(origin, str):
        return False
    names = prefer if isinstance(prefer, frozenset) else preference(prefer)
    return origin.name.lower() in names or (origin.dist or "").lower() in names


def status_of(info: PluginInfo, prefer: Iterable[str] = ()) -> str:
    """A plugin's status for a scan with these preferences."""
    if info.status == SHADOWED and is_preferred(info, prefer):
        return PREFERRED
    return info.status


_ALL_EPS: dict[str, list] | None = None


def pick(cands: list[tuple[Any, Any]] | None, prefer: Iterable[str] = ()) -> Any:
    """Of the (implementation, origin) pairs registered for one key (a URL
    scheme, a content type), the one to use: a preferred plugin, else the
    built-in, else the first plugin."""
    if not cands:
        return None
    names = preference(prefer)
    if names:
        for impl, origin in cands:
            if origin != BUILTIN and is_preferred(origin, names):
                return impl
    for impl, origin in cands:
        if origin == BUILTIN:
            return impl
    return cands[0][0]


class Registry:
    """Built-ins and plugins of one kind, by key: connectors by URL scheme,
    extractors by content type, recognizers by entity type.

    `modules` are imported on first use (each registers its built-ins with
    `register`); then the entry points of `group` are loaded and each
    plugin object goes through `accept(obj, info)`, which checks it and
    returns the implementations it provides (raising TypeError to reject
    it). `keys(impl)` gives the keys an implementation serves.

    `lazy` (key -> the built-in module that serves it) lets a lookup of one
    key import that module alone (a local scan need not import the SMB or
    SQL stacks); listing everything (`all`, `plugins`, `by_key` after
    `load`) still imports every module. A plugin's keys are checked against
    the built-ins of those keys, importing their modules first.
    """

    def __init__(self, group: str, kind: str, modules: Iterable[str], keys: Callable[[Any], Iterable[str]],
                 accept: Callable[[Any, PluginInfo], list] | None = None,
                 on_plugin: Callable[[Any, list[str]], None] | None = None,
                 lazy: dict[str, str] | None = None):
        self.group = group
        self.kind = kind  # "scheme", "content type", "entity": how conflicts are described
        self.modules = tuple(modules)
        self.keys = keys
        self.accept = accept or (lambda obj, info: [obj])
        self.on_plugin = on_plugin  # e.g. teach sniff() a plugin's file extensions
        self.by_key: dict[str, list[tuple[Any, Any]]] = {}
        self.lazy = dict(lazy or {})
        self._loaded = False
        self._plugins_loaded = False

    def register(self, impl: Any, replace: bool = True, origin: Any = BUILTIN) -> Any:
        """Serve `keys(impl)` with `impl` (a decorator for built-ins). A
        built-in registered again for a key replaces the earlier built-in
        (`replace`); a plugin is added next to the built-in."""
        for key in self.keys(impl):
            cands = self.by_key.setdefault(key, [])
            if origin == BUILTIN:
                if replace or not cands:
                    cands[:] = [c for c in cands if c[1] != BUILTIN]
                    cands.insert(0, (impl, origin))
            else:
                cands.append((impl, origin))
        return impl

    def register_plugin(self, obj: Any, info: PluginInfo) -> list[str]:
        """Check a plugin's object, register what it provides next to the
        built-ins and return the keys it serves (what `piiscout plugins` lists)."""
        made = self.accept(obj, info)
        provides: list[str] = []
        for impl in made:
            keys = [k for k in self.keys(impl) if k]
            if not keys:
                raise TypeError(f"{info.module} declares no {self.kind}")
            try:
                impl._piiscout_plugin = info  # errors raised by it name the plugin
            except (AttributeError, TypeError):
                pass
            for key in keys:
                self._import_for(key)  # the built-in of this key, if any, registers first
                if any(o == BUILTIN for _, o in self.by_key.get(key, [])):
                    shadow(info, self.label(key), self.kind)
            self.register(impl, origin=info)
            provides += [self.label(k) for k in keys]
            if self.on_plugin is not None:
                self.on_plugin(impl, keys)
        return provides

    def label(self, key: str) -> str:
        return key + "://" if self.kind == "scheme" else key

    def load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for mod in self.modules:
            importlib.import_module(mod)
        self.load_plugins()

    def load_plugins(self) -> None:
        """The plugins of `group` (and the built-ins their keys shadow)."""
        if not self._plugins_loaded:
            self._plugins_loaded = True
            load_group(self.group, self.register_plugin)

    def _import_for(self, key: str) -> None:
        mod = self.lazy.get(key)
        if mod is not None and not self._loaded:
            importlib.import_module(mod)

    def load_for(self, key: str) -> None:
        """What a lookup of `key` needs: its built-in module when `lazy`
        names one (then the plugins), else everything."""
        if self._loaded:
            return
        if key not in self.lazy:
            self.load()
            return
        self._import_for(key)
        self.load_plugins()

    def candidates(self, key: str) -> list[tuple[Any, Any]]:
        self.load_for(key)
        return list(self.by_key.get(key, []))

    def pick(self, key: str, prefer: Iterable[str] = ()) -> Any:
        self.load_for(key)
        return pick(self.by_key.get(key), prefer)

    def all(self, prefer: Iterable[str] = ()) -> dict[str, Any]:
        """key -> the implementation that serves it."""
        self.load()
        return {k: pick(c, prefer) for k, c in self.by_key.items() if c}

    def plugins(self) -> list[tuple[Any, PluginInfo]]:
        """Every plugin implementation with its PluginInfo, in load order."""
        self.load()
        seen, out = set(), []
        for cands in self.by_key.values():
            for impl, origin in cands:
                if origin != BUILTIN and id(impl) not in seen:
                    seen.add(id(impl))
                    out.append((impl, origin))
        return out

    def snapshot(self) -> dict[str, list]:
        return {k: list(v) for k, v in self.by_key.items()}

    def restore(self, snap: dict[str, list]) -> None:
        self.by_key.clear()
        self.by_key.update(snap)


def plugin_of(impl: Any) -> PluginInfo | None:
    """The PluginInfo of a plugin's implementation, None for a built-in."""
    return getattr(impl, "_piiscout_plugin", None)


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
