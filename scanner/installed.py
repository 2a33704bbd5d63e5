"""Every installed plugin, loaded through its registry: what `piiscout
plugins` lists and what a scan warns about once at start-up.

Above the three registries (connectors.registry, scanner.extractors.registry,
detectors.catalog) so that scanner/plugins.py, which they all build on,
imports none of them.
"""

from __future__ import annotations

import logging
from typing import Iterable

from scanner import plugins
from scanner.plugins import FAILED, GROUPS, SHADOWED, PluginInfo

log = logging.getLogger("piiscout.plugins")
_WARNED_PREFER: set[str] = set()


def all_plugins() -> list[PluginInfo]:
    """Every plugin of every group, loading them if not done yet."""
    from connectors.registry import CONNECTORS
    from detectors import catalog
    from scanner.extractors.registry import EXTRACTORS

    CONNECTORS.load_plugins()  # not every built-in connector: a local scan does not import SMB
    EXTRACTORS.load()
    catalog.plugin_recognizers()
    by_group = {g: [] for g in GROUPS}
    for info in plugins.loaded_plugins():
        by_group.setdefault(info.group, []).append(info)
    return [i for g in GROUPS for i in by_group[g]]


def report_failures(prefer: Iterable[str] = ()) -> None:
    """Log every plugin that failed, or is shadowed by a built-in and not
    preferred, and --prefer-plugin names no plugin has (once per process)."""
    infos = all_plugins()
    for name in sorted(plugins.preference(prefer)):
        if not any(name in (i.name.lower(), (i.dist or "").lower()) for i in infos):
            if name not in _WARNED_PREFER:
                _WARNED_PREFER.add(name)
                log.warning("--prefer-plugin %s: no installed plugin has that name (see `piiscout plugins`)", name)
    for info in infos:
        status = plugins.status_of(info, prefer)
        if status == FAILED:
            plugins.warn_once(info, "failed to load", info.error or "")
        elif status == SHADOWED:
            plugins.warn_once(info, "is not used", info.error or "")
