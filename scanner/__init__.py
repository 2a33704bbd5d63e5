"""piiscout: find personal data in file shares, SQL databases and mail archives.

What lives here (docs/architecture.md has the diagram): the CLI (`cli`) and
config files (`config`); a scan from plan to summary (`request`, `scan`,
`incremental`, `installed`); what reads finished inventories (`report`,
`reporting/`, `export`, `diff`, `risk`); the executors (`executors/`); the
pipeline (`pipeline`, `tables`, `job`); the extractors and mail formats
(`extractors/`, `mail/`, `sniff`, `refine`); the inventory (`inventory/`);
who may read what (`exposure/`); shared settings (`settings`, `options`,
`plugins`); and the foundation every layer uses (`model`, `privacy`,
`scrub`, `errors`, `streams`, `textdecode`, `names`, `atomic`...).

Imports point one way: cli -> config -> scan -> executors -> pipeline ->
{connectors, extractors, detectors, inventory} -> shared settings ->
model/privacy/errors. A module may import its own layer and the layers
below it; nothing imports the CLI; no import circles
(tests/test_architecture.py checks it, imports inside functions included).
This package module itself holds only the version and may import nothing
of piiscout's.
"""

from __future__ import annotations

try:
    from importlib.metadata import version as _version

    __version__ = _version("piiscout")
except Exception:  # noqa: BLE001 - running from a source tree without install
    __version__ = "0.0.0+src"
