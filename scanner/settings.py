"""Scan-wide settings: plain frozen values, picklable, sent to every worker."""

from __future__ import annotations

from dataclasses import dataclass, field

from detectors.catalog import DetectorSettings
from scanner.model import TargetSpec

DEFAULT_ITEM_TIMEOUT = 3600.0  # seconds; a 2 GB log takes ~2 minutes


@dataclass(frozen=True)
class ScanSettings:
    max_file_size: int | None = None  # bytes; larger items are skipped
    item_timeout: float = DEFAULT_ITEM_TIMEOUT  # seconds per top-level item
    excludes: tuple[str, ...] = ()  # glob patterns on paths relative to a target
    follow_symlinks: bool = False  # follow symbolic links to directories
    max_depth: int = 5  # nesting of archives and attachments
    ocr: bool = False
    executor: str | None = None  # "local" (the process pool) or "dask"; a scheduler implies dask
    scheduler: str | None = None  # Dask scheduler address; dask without one starts a LocalCluster


@dataclass(frozen=True)
class Job:
    """All a worker needs, local or remote: no handles, no secrets."""

    targets: tuple[TargetSpec, ...]
    settings: ScanSettings = field(default_factory=ScanSettings)
    detectors: DetectorSettings = field(default_factory=DetectorSettings)

    def target(self, name: str) -> TargetSpec:
        for t in self.targets:
            if t.name == name:
                return t
        raise KeyError(name)
