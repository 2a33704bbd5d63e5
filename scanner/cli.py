"""The `piiscout` command line.

Library code raises PiiscoutError subclasses; only this module turns them
into one-line messages and the documented exit codes (README: Exit codes).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import click

from scanner import __version__
from scanner.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    PiiscoutError,
    one_line,
)

log = logging.getLogger("piiscout")


def default_inventory() -> str:
    env = os.environ.get("PIISCOUT_INVENTORY")
    if env:
        return env
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("piiscout")) / "inventory")


def _split_csv(values: tuple[str, ...]) -> list[str]:
    out = []
    for v in values:
        out += [x.strip() for x in v.split(",") if x.strip()]
    return out


def parse_entities(values: tuple[str, ...], ner: bool) -> tuple[str, ...]:
    from detectors.catalog import NER_ENTITIES, default_entities, known_entities, own_entities

    requested = [e.upper() for e in _split_csv(values)]
    if not requested:
        requested = list(default_entities())
    elif "ALL" in requested:
        requested = [e for e in known_entities()]
    if ner and "PERSON" not in requested:
        requested.append("PERSON")
    # Checking against Presidio's own entity list imports spaCy (seconds):
    # only do it when something is not one of ours.
    cheap = set(own_entities()) | set(NER_ENTITIES)
    unknown = [e for e in requested if e not in cheap]
    if unknown:
        known = set(known_entities())
        unknown = [e for e in unknown if e not in known]
    if unknown:
        raise click.BadParameter(
            f"unknown entity type {', '.join(unknown)} (see `piiscout detectors`)", param_hint="--entities"
        )
    return tuple(dict.fromkeys(requested))


def _size(ctx, param, value):
    if value is None:
        return None
    from scanner.streams import parse_size

    try:
        return parse_size(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


def split_options(extra: dict) -> tuple[dict, dict]:
    """Source- and format-specific options: those naming a ScanSettings field
    are scan settings, the rest go to connectors as target options. Unset
    options (None, empty, False) are left out, so defaults stay in one place."""
    from dataclasses import fields

    from scanner.settings import ScanSettings

    names = {f.name for f in fields(ScanSettings)}
    setting, target = {}, {}
    for key, value in extra.items():
        if value is None or value == () or value is False:
            continue
        (setting if key in names else target)[key] = value
    return setting, target


def logging_options(f):
    f = click.option("--log-format", type=click.Choice(["text", "json"]), default="text",
                     help="Format of log lines.")(f)
    f = click.option("--log-file", type=click.Path(dir_okay=False, writable=True),
                     help="Also write INFO-level logs to this file.")(f)
    f = click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary line.")(f)
    f = click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="piiscout")
def cli() -> None:
    """Find personal data (SSNs, payment cards, e-mail addresses, phone
    numbers, ...) in file trees and record it in a Parquet inventory that
    holds masked values and keyed hashes, never the raw data."""


@cli.command()
@click.argument("targets", nargs=-1, metavar="TARGET...")
@click.option("-i", "--inventory", type=click.Path(file_okay=False), default=None,
              help="Inventory directory [default: $PIISCOUT_INVENTORY or the user data dir].")
@click.option("-e", "--entities", multiple=True, metavar="LIST",
              help="Entity types to look for, comma-separated or repeated (ALL for every one) "
                   "[default: all but the NER entities].")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Report findings scoring at least this [default: 0.5].")
@click.option("--ner", is_flag=True, help="Also find names (PERSON) with spaCy NER; much slower.")
@click.option("-j", "--workers", type=click.IntRange(1, 256), default=None,
              help="Worker processes [default: CPU count].")
@click.option("-x", "--exclude", "excludes", multiple=True, metavar="GLOB",
              help="Skip paths matching GLOB (relative path or base name); repeatable.")
@click.option("--max-file-size", callback=_size, metavar="SIZE",
              help="Skip files larger than SIZE (e.g. 500MB) [default: no limit].")
@click.option("--item-timeout", type=click.FloatRange(1), default=None, metavar="SECONDS",
              help="Give up on one item after this long [default: 3600].")
@click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links to directories.")
# Options of one kind of source or format go below, one decorator each; their
# values reach ScanSettings (when it has a field of that name) or else every
# connector's parse() as target options (see split_options).
@click.option("--ocr", is_flag=True, default=None,
              help="Read images and scanned PDF pages with Tesseract OCR (slow; needs tesseract-ocr).")
@click.option("--max-depth", type=click.IntRange(0, 100), default=None, metavar="N",
              help="Open archives and attachments nested at most N deep [default: 5].")
@click.option("--max-archive-size", callback=_size, metavar="SIZE",
              help="Stop reading an archive after SIZE uncompressed, nested ones included [default: 4GB].")
@click.option("--max-archive-ratio", type=click.FloatRange(1), default=None, metavar="X",
              help="Stop a member that inflates more than X times its compressed size [default: 250].")
@click.option("--max-archive-members", type=click.IntRange(1), default=None, metavar="N",
              help="Stop after N archive members, nested ones included [default: 100000].")
@click.option("--max-message-size", callback=_size, metavar="SIZE",
              help="Skip mail messages larger than SIZE (mbox, EML, Maildir) [default: 128MB].")
@click.option("--max-attachment-size", callback=_size, metavar="SIZE",
              help="Skip PST/MSG attachments larger than SIZE [default: 128MB].")
@click.option("--guest", is_flag=True, help="SMB: log in as guest (no user, no password).")
@click.option("--require-encryption", is_flag=True,
              help="SMB: encrypt the whole session; refuse servers that cannot (SMB 2) [default: as the server asks].")
@click.option("--kerberos", is_flag=True, help="SMB: log in with a Kerberos ticket (kinit) instead of a password.")
@click.option("--executor", type=click.Choice(["local", "dask"], case_sensitive=False), default=None,
              help="Where items are scanned: local (a process pool on this machine) or dask (a Dask "
                   "cluster) [default: local].")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Dask scheduler to run on, e.g. tcp://10.0.0.5:8786 (implies --executor dask; --workers N "
                   "then waits for N workers). --executor dask without it starts a local cluster.")
@logging_options
def scan(targets, inventory, entities, min_score, ner, workers, excludes, max_file_size, item_timeout,
         follow_symlinks, verbose, quiet, log_file, log_format, **extra):
    """Scan TARGETs and add the findings to the inventory.

    A TARGET is a directory or file path, or a file:// URI; mail stores
    also as mbox:///path or maildir:///path.

    \b
    Example:
        piiscout scan /srv/shares/finance --inventory /var/lib/piiscout/acme
        piiscout scan ./exports -i inv --entities US_SSN,CREDIT_CARD --min-score 0.7
    """
    from connectors.registry import resolve
    from detectors.catalog import DEFAULT_MIN_SCORE, DetectorSettings
    from scanner.scan import ScanRequest, describe_summary, run_scan
    from scanner.settings import DEFAULT_ITEM_TIMEOUT, ScanSettings
    from scanner.ui import setup_logging

    setup_logging(verbose, quiet, log_file, log_format)
    if not targets:
        raise click.UsageError("give at least one TARGET to scan")
    inv = Path(inventory or default_inventory()).expanduser().absolute()
    setting_opts, target_opts = split_options(extra)
    specs = []
    names = set()
    for raw in targets:
        name = raw if raw not in names else f"{raw}#{len(names)}"
        names.add(name)
        specs.append(resolve(raw, name=name, options={"skip_paths": (str(inv),), **target_opts}))
    detector_settings = DetectorSettings(
        entities=parse_entities(entities, ner),
        min_score=DEFAULT_MIN_SCORE if min_score is None else min_score,
    )
    settings = ScanSettings(
        max_file_size=max_file_size,
        item_timeout=item_timeout or DEFAULT_ITEM_TIMEOUT,
        excludes=tuple(excludes),
        follow_symlinks=follow_symlinks,
        **setting_opts,
    )
    t0 = time.monotonic()
    summary = run_scan(ScanRequest(targets=specs, inventory=inv, settings=settings,
                                   detectors=detector_settings, workers=workers, progress=not quiet))
    click.echo(describe_summary(summary, inv, time.monotonic() - t0))
    return summary.exit_code


@cli.command()
@click.argument("inventory", required=False, type=click.Path(file_okay=False))
@click.option("--scan", "scan_id", metavar="ID", help="Report on this scan [default: the latest].")
@click.option("--top", type=click.IntRange(1), default=10, help="How many locations to list.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def report(inventory, scan_id, top, fmt):
    """Summarise a scan: findings by entity type, top locations, and items
    that were skipped or failed.

    \b
    Example:
        piiscout report /var/lib/piiscout/acme
        piiscout report inv --format json
    """
    from scanner.report import build_report, render_json, render_text

    rep = build_report(Path(inventory or default_inventory()), scan_id, top)
    click.echo(render_json(rep) if fmt == "json" else render_text(rep))
    return 0


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def detectors(fmt):
    """List entity types, their recognizers and default thresholds."""
    import json

    from detectors.describe import describe

    rows = describe()
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return 0
    click.echo(f"{'Entity type':<20} {'Recognizer':<28} {'Default':<8} {'Needs context':<14} Notes")
    for r in rows:
        click.echo(f"{r['entity_type']:<20} {r['recognizer']:<28} {'yes' if r['default'] else 'no':<8} "
                   f"{r['needs_context']:<14} {r['notes']}")
    from detectors.catalog import DEFAULT_MIN_SCORE

    click.echo(f"\nDefault minimum score: {DEFAULT_MIN_SCORE} (--min-score). NER entities need --ner.")
    return 0


def main(argv: list[str] | None = None) -> None:
    try:
        rv = cli.main(args=argv, prog_name="piiscout", standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(EXIT_USAGE if isinstance(e, click.UsageError) else e.exit_code)
    except click.exceptions.Abort:
        click.echo("piiscout: aborted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except PiiscoutError as e:
        click.echo(f"piiscout: error: {e}", err=True)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        click.echo("piiscout: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as e:  # noqa: BLE001 - a bug: one line, details only in debug logs
        log.debug("internal error", exc_info=True)
        click.echo(f"piiscout: internal error: {one_line(e)} (run with -vv for details)", err=True)
        sys.exit(EXIT_FAILED)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
