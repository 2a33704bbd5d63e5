"""Scan-wide settings: plain frozen values, picklable, sent to every worker."""

from __future__ import annotations

from dataclasses import dataclass, field

from detectors.catalog import DetectorSettings
from scanner.model import TargetSpec

DEFAULT_ITEM_TIMEOUT = 3600.0  # seconds; a 2 GB log takes ~2 minutes
DEFAULT_MAX_ARCHIVE_SIZE = 4 << 30  # bytes uncompressed
# Text and logs deflate 5-50x; deflate itself tops out near 1032x, which
# only a bomb (or a file of one repeated byte) gets close to.
DEFAULT_MAX_ARCHIVE_RATIO = 250.0
DEFAULT_MAX_ARCHIVE_MEMBERS = 100_000


@dataclass(frozen=True)
class ScanSettings:
    max_file_size: int | None = None  # bytes; larger items are skipped
    item_timeout: float = DEFAULT_ITEM_TIMEOUT  # seconds per top-level item
    excludes: tuple[str, ...] = ()  # glob patterns on paths relative to a target
    follow_symlinks: bool = False  # follow symbolic links to directories
    max_depth: int = 5  # nesting of archives and attachments
    ocr: bool = False
    # Archive bomb limits, for one top-level item and all that is nested in it
    # (ZIP-based documents count too): total uncompressed bytes, ratio of
    # uncompressed to compressed bytes per member or stream, and members.
    max_archive_size: int = DEFAULT_MAX_ARCHIVE_SIZE
    max_archive_ratio: float = DEFAULT_MAX_ARCHIVE_RATIO
    max_archive_members: int = DEFAULT_MAX_ARCHIVE_MEMBERS
    max_message_size: int | None = 128 << 20  # bytes; a larger mail message is skipped (mbox, EML, Maildir)
    max_attachment_size: int | None = 128 << 20  # bytes; a larger PST/MSG attachment is skipped
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
