"""A job: all a worker needs, local or remote (Dask), in one picklable value.

Above the connectors and detectors whose settings it carries, below the
executors and the pipeline that receive it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from detectors.catalog import DetectorSettings
from scanner.model import TargetSpec
from scanner.settings import ScanSettings


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
