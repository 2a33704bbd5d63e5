"""piiscout: find personal data in file shares, SQL databases and mail archives."""

from __future__ import annotations

try:
    from importlib.metadata import version as _version

    __version__ = _version("piiscout")
except Exception:  # noqa: BLE001 - running from a source tree without install
    __version__ = "0.0.0+src"
