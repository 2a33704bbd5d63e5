"""Scan-wide settings: plain frozen values, picklable, sent to every worker
(with the detector settings and targets, in a scanner.job.Job)."""

from __future__ import annotations

from dataclasses import dataclass

import click

from scanner.options import option

DEFAULT_ITEM_TIMEOUT = 3600.0  # seconds; a 2 GB log takes ~2 minutes
DEFAULT_MAX_ARCHIVE_SIZE = 4 << 30  # bytes uncompressed
# Text and logs deflate 5-50x; deflate itself tops out near 1032x, which
# only a bomb (or a file of one repeated byte) gets close to.
DEFAULT_MAX_ARCHIVE_RATIO = 250.0
DEFAULT_MAX_ARCHIVE_MEMBERS = 100_000


def _size(value: str) -> int:
    from scanner.streams import parse_size

    return parse_size(value)


@dataclass(frozen=True)
class ScanSettings:
    """What executors and workers need besides the detectors. Each field is
    also a `piiscout scan` option and a config key (scanner/options.py)."""

    excludes: tuple[str, ...] = option(
        (), "-x", "--exclude", multiple=True, metavar="GLOB",
        help="Skip paths matching GLOB (relative path or base name); repeatable.")
    max_file_size: int | None = option(
        None, "--max-file-size", parse=_size, metavar="SIZE",
        help="Skip files larger than SIZE (e.g. 500MB) [default: no limit].")
    item_timeout: float = option(
        DEFAULT_ITEM_TIMEOUT, "--item-timeout", type=click.FloatRange(1), metavar="SECONDS",
        help="Give up on one item after this long [default: 3600].")
    follow_symlinks: bool = option(
        False, "--follow-symlinks", is_flag=True, help="Follow symbolic links to directories.")
    ocr: bool = option(
        False, "--ocr", is_flag=True,
        help="Read images and scanned PDF pages with Tesseract OCR (slow; needs tesseract-ocr).")
    max_depth: int = option(
        5, "--max-depth", type=click.IntRange(0, 100), metavar="N",
        help="Open archives and attachments nested at most N deep [default: 5].")
    # Archive bomb limits, for one top-level item and all that is nested in it
    # (ZIP-based documents count too): total uncompressed bytes, ratio of
    # uncompressed to compressed bytes per member or stream, and members.
    max_archive_size: int = option(
        DEFAULT_MAX_ARCHIVE_SIZE, "--max-archive-size", parse=_size, metavar="SIZE",
        help="Stop reading an archive after SIZE uncompressed, nested ones included [default: 4GB].")
    max_archive_ratio: float = option(
        DEFAULT_MAX_ARCHIVE_RATIO, "--max-archive-ratio", type=click.FloatRange(1), metavar="X",
        help="Stop a member that inflates more than X times its compressed size [default: 250].")
    max_archive_members: int = option(
        DEFAULT_MAX_ARCHIVE_MEMBERS, "--max-archive-members", type=click.IntRange(1), metavar="N",
        help="Stop after N archive members, nested ones included [default: 100000].")
    max_message_size: int | None = option(
        128 << 20, "--max-message-size", parse=_size, metavar="SIZE",
        help="Skip mail messages larger than SIZE (mbox, EML, Maildir) [default: 128MB].")
    max_attachment_size: int | None = option(
        128 << 20, "--max-attachment-size", parse=_size, metavar="SIZE",
        help="Skip PST/MSG attachments larger than SIZE [default: 128MB].")
    # "local" (the process pool) or "dask"; a scheduler implies dask
    executor: str | None = option(
        None, "--executor", type=click.Choice(["local", "dask"], case_sensitive=False),
        help="Where items are scanned: local (a process pool on this machine) or dask (a Dask cluster) "
             "[default: local].")
    # Dask scheduler address; dask without one starts a LocalCluster
    scheduler: str | None = option(
        None, "--scheduler", metavar="ADDRESS",
        help="Dask scheduler to run on, e.g. tcp://10.0.0.5:8786 (implies --executor dask; --workers N then "
             "waits for N workers). --executor dask without it starts a local cluster.")
