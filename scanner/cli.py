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
    EXIT_ITEM_ERRORS,
    EXIT_LOCKED,
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


def parse_entities(values: tuple[str, ...], ner: bool, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """--entities as entity types; `extra`: those of custom rules, looked for
    by default like piiscout's own."""
    # Cached names: importing the recognizers costs seconds (scanner/entity_names.py).
    from detectors.catalog import NER_ENTITIES
    from scanner.entity_names import default_entities, known_entities, own_entities

    requested = [e.upper() for e in _split_csv(values)]
    if not requested:
        requested = list(default_entities()) + list(extra)
    elif "ALL" in requested:
        requested = [e for e in known_entities()] + list(extra)
    if ner and "PERSON" not in requested:
        requested.append("PERSON")
    # Checking against Presidio's own entity list imports spaCy (seconds):
    # only do it when something is not one of ours.
    cheap = set(own_entities()) | set(NER_ENTITIES) | set(extra)
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


class _NoPandasYet:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition(".")[0] == "pandas":
            raise ImportError("not needed")
        return None


def _pyarrow_without_pandas() -> None:
    """pyarrow imports pandas, when installed, at its first conversion of
    Python objects, only to check whether they are pandas objects: 0.3-0.7 s
    of every command's start-up (a fifth of an unchanged incremental rescan)
    for a library piiscout never hands it. Let that first check find no
    pandas; pyarrow imports it again wherever it really needs it (to_pandas,
    from_pandas), so nothing else changes."""
    if "pandas" in sys.modules:  # already paid for, or in use
        return
    import pyarrow as pa

    sys.meta_path.insert(0, _NoPandasYet)
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(_NoPandasYet)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="piiscout")
def cli() -> None:
    """Find personal data (SSNs, payment cards, e-mail addresses, phone
    numbers, ...) in file trees and record it in a Parquet inventory that
    holds masked values and keyed hashes, never the raw data."""
    _pyarrow_without_pandas()


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
@click.option("--incremental/--no-incremental", default=None,
              help="Do not read again what is unchanged (same size and time) since the last scan of the "
                   "same target; carry its findings over [default: off, or the config's `incremental`].")
@click.option("-c", "--config", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Scan every target of a TOML config file (see README: Config file).")
@click.option("-t", "--target", "target_names", multiple=True, metavar="NAME",
              help="With --config: scan only this target; repeatable.")
@click.option("--allow-inline-secrets", is_flag=True,
              help="With --config: accept literal passwords in the file (refused by default).")
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
@click.option("--schema", "schema", multiple=True, metavar="NAME",
              help="SQL: scan only this schema (MySQL: database); repeatable [default: every non-system "
                   "schema of the URL's database].")
@click.option("--views", is_flag=True, help="SQL: also scan views.")
@click.option("--include", "include", multiple=True, metavar="GLOB",
              help="SQL: scan only tables matching GLOB (table or schema.table); repeatable. "
                   "--exclude skips tables too.")
@click.option("--sample-rows", type=click.IntRange(1), default=None, metavar="N",
              help="SQL: read about N rows of each table, sampled cheaply per database [default: 10000].")
@click.option("--full", is_flag=True, help="SQL: read every row of every table instead of a sample.")
@click.option("--statement-timeout", type=click.FloatRange(0), default=None, metavar="SECONDS",
              help="SQL: cancel any one statement after this long (0: no limit) [default: 300].")
@click.option("--executor", type=click.Choice(["local", "dask"], case_sensitive=False), default=None,
              help="Where items are scanned: local (a process pool on this machine) or dask (a Dask "
                   "cluster) [default: local].")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Dask scheduler to run on, e.g. tcp://10.0.0.5:8786 (implies --executor dask; --workers N "
                   "then waits for N workers). --executor dask without it starts a local cluster.")
@click.option("--rules", "rules_file", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Custom rules, allow list and context words from a TOML file (README: Custom rules); "
                   "repeatable.")
@click.option("--prefer-plugin", "prefer_plugin", multiple=True, metavar="NAME",
              help="Use this plugin (entry point or package name) where it and a built-in serve the same "
                   "scheme, content type or entity [default: the built-in]; repeatable.")
@logging_options
def scan(targets, inventory, entities, min_score, ner, workers, excludes, max_file_size, item_timeout,
         follow_symlinks, verbose, quiet, log_file, log_format, **extra):
    """Scan TARGETs (or the targets of a --config file) and add the findings
    to the inventory.

    A TARGET is a directory or file path, or a file:// URI; mail stores
    also as mbox:///path or maildir:///path; SQL databases as SQLAlchemy
    URLs (postgresql://user@host/db, mysql+pymysql://..., sqlite:///x.db).

    \b
    Example:
        piiscout scan /srv/shares/finance --inventory /var/lib/piiscout/acme
        piiscout scan ./exports -i inv --entities US_SSN,CREDIT_CARD --min-score 0.7
        piiscout scan --config /etc/piiscout/scans.toml --incremental -q
    """
    from scanner.ui import setup_logging

    setup_logging(verbose, quiet, log_file, log_format)
    ctx = click.get_current_context()
    config, names, allow_secrets = extra.pop("config"), extra.pop("target_names"), extra.pop("allow_inline_secrets")
    if config:
        if targets:
            raise click.UsageError("give TARGETs or --config, not both")
        return _scan_config(ctx, config, names, allow_secrets, quiet)
    if names:
        raise click.UsageError("--target NAME selects a target of a --config file")
    if not targets:
        raise click.UsageError("give at least one TARGET to scan (or --config FILE)")
    inv = Path(inventory or default_inventory()).expanduser().absolute()
    req = build_request([(raw, raw) for raw in targets], inv, dict(ctx.params), progress=not quiet)
    return _run_request(req)


# Parameters of `scan` that are not scan options (the rest go through split_options).
_SCAN_BASE = ("targets", "inventory", "entities", "min_score", "ner", "workers", "excludes", "max_file_size",
              "item_timeout", "follow_symlinks", "verbose", "quiet", "log_file", "log_format", "incremental",
              "config", "target_names", "allow_inline_secrets")


# Options of `scan` about detection (custom rules, plugins): not ScanSettings or target options.
_DETECTION_OPTS = ("rules_file", "prefer_plugin")


def _customisation(values: dict, sections: dict | None, base: Path | None = None):
    """Custom rules, allow list and context words from the config file's
    tables and --rules files, checked (exit 2 naming the rule) and with
    plain allow-list values hashed."""
    from detectors import rules

    if sections:
        raw, problems = rules.check_sections(sections)
        if problems:  # the config loader reports these itself
            raw = rules.RawCustomisation()
    else:
        raw = rules.RawCustomisation()
    file_problems: list[str] = []
    for f in values.get("rules_file") or ():
        path = Path(f).expanduser()
        if base is not None and not path.is_absolute() and not path.exists():
            path = base / path  # relative to the config file
        more, p = rules.load_rules_file(path)
        file_problems += p
        have = {r.entity for r in raw.rules}
        file_problems += [f"{path}: [rules.{r.entity}]: defined twice" for r in more.rules if r.entity in have]
        raw.merge(more)
    if file_problems:
        raise click.BadParameter("\n".join(file_problems), param_hint="--rules")
    custom = rules.build(raw)
    return custom if custom else None


def build_request(targets: list[tuple[str, str]], inv: Path, values: dict, progress: bool = True,
                  password_env: str | None = None, sections: dict | None = None, base: Path | None = None):
    """A ScanRequest from the scan command's parameter values: (name, raw
    target) pairs, the inventory, and every option by parameter name;
    `sections`: a config file's [rules]/[allow]/[context] tables."""
    from connectors.registry import resolve
    from detectors.catalog import DEFAULT_MIN_SCORE, DetectorSettings
    from scanner import plugins
    from scanner.scan import ScanRequest
    from scanner.settings import DEFAULT_ITEM_TIMEOUT, ScanSettings

    prefer = tuple(_split_csv(tuple(values.get("prefer_plugin") or ())))
    plugins.set_preferred(prefer)
    custom = _customisation(values, sections, base)
    setting_opts, target_opts = split_options({k: v for k, v in values.items()
                                               if k not in _SCAN_BASE and k not in _DETECTION_OPTS})
    if password_env:
        target_opts["password_env"] = password_env
    specs = []
    names = set()
    for name, raw in targets:
        name = name if name not in names else f"{name}#{len(names)}"
        names.add(name)
        specs.append(resolve(raw, name=name, options={"skip_paths": (str(inv),), **target_opts}))
    min_score = values.get("min_score")
    detector_settings = DetectorSettings(
        entities=parse_entities(tuple(values.get("entities") or ()), bool(values.get("ner")),
                                custom.entities if custom else ()),
        min_score=DEFAULT_MIN_SCORE if min_score is None else min_score,
        custom=custom,
        prefer_plugins=prefer,
    )
    settings = ScanSettings(
        max_file_size=values.get("max_file_size"),
        item_timeout=values.get("item_timeout") or DEFAULT_ITEM_TIMEOUT,
        excludes=tuple(values.get("excludes") or ()),
        follow_symlinks=bool(values.get("follow_symlinks")),
        **setting_opts,
    )
    return ScanRequest(targets=specs, inventory=inv, settings=settings, detectors=detector_settings,
                       workers=values.get("workers"), progress=progress,
                       incremental=bool(values.get("incremental")))


def _run_request(req) -> int:
    from scanner.scan import describe_summary, run_scan

    t0 = time.monotonic()
    summary = run_scan(req)
    click.echo(describe_summary(summary, req.inventory, time.monotonic() - t0))
    return summary.exit_code


# Worst first: what a config run exits with when its targets end differently.
_SEVERITY = (EXIT_INTERRUPTED, EXIT_FAILED, EXIT_LOCKED, EXIT_USAGE, EXIT_ITEM_ERRORS, 0)


def _scan_config(ctx, path, names, allow_secrets, quiet) -> int:
    """Every selected target of a config file, one scan each, in file order.
    A target that cannot be scanned (unreachable, locked) is reported and the
    others still run; an interruption stops the run."""
    from scanner.config import load_config

    def build(t):
        return build_request([(t.name, t.url)], t.inventory, t.values, progress=not quiet,
                             password_env=t.password_env, sections=t.sections,
                             base=Path(path).resolve().parent)

    cfg = load_config(path, ctx, build, allow_inline_secrets=allow_secrets, selected=tuple(names))
    codes = []
    for t in cfg.select(names):
        try:
            code = _run_request(t.request)
        except PiiscoutError as e:
            click.echo(f"piiscout: error: target {t.name}: {e}", err=True)
            code = e.exit_code
        codes.append(code)
        if code == EXIT_INTERRUPTED:
            break
    return min(codes, key=lambda c: _SEVERITY.index(c) if c in _SEVERITY else 0) if codes else 0


@cli.command()
@click.argument("inventory", required=False, type=click.Path(file_okay=False))
@click.option("--scan", "scan_id", metavar="ID",
              help="Report on this scan [default: the current state: each target's latest complete scan].")
@click.option("--top", type=click.IntRange(1), default=10, help="How many locations to list.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def report(inventory, scan_id, top, fmt):
    """Summarise the current state (or one scan): findings by entity type,
    top locations, and items that were skipped or failed.

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
@click.argument("inventory", required=False, type=click.Path(file_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True), metavar="FILE",
              help="Spreadsheet to write (- for CSV on standard output).")
@click.option("-f", "--format", "fmt", type=click.Choice(["xlsx", "csv"], case_sensitive=False), default=None,
              help="File format [default: from the file name].")
@click.option("--scan", "scan_id", metavar="ID", help="Export this scan [default: the current state].")
@click.option("-e", "--entities", multiple=True, metavar="LIST",
              help="Only these entity types, comma-separated or repeated.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None, help="Only findings scoring at least this.")
@click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 byte order mark (for older Excel).")
def export(inventory, output, fmt, scan_id, entities, min_score, bom):
    """Write findings to a spreadsheet for a client: XLSX (a Summary sheet,
    then the findings) or CSV. Masked values and hashes only.

    \b
    Example:
        piiscout export /var/lib/piiscout/acme -o acme-2024-06.xlsx
        piiscout export inv -o - --entities US_SSN --min-score 0.8   # CSV on standard output
    """
    from scanner.export import export as run_export

    if fmt is None and output == "-":
        fmt = "csv"  # standard output: CSV unless told otherwise
    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".")
        if suffix not in ("xlsx", "csv"):
            raise click.BadParameter("cannot tell the format from the file name: give --format xlsx or csv",
                                     param_hint="--format")
        fmt = suffix
    res = run_export(Path(inventory or default_inventory()), fmt.lower(), output, scan_id,
                     tuple(_split_csv(entities)), min_score, bom)
    if res.path != "-":
        sheets = f" on {len(res.sheets)} sheets" if len(res.sheets) > 1 else ""
        click.echo(f"exported {res.findings} findings{sheets} to {res.path}")
    return 0


@cli.command()
@click.argument("inventory", required=False, type=click.Path(file_okay=False))
@click.option("--scan", "scan_id", metavar="ID", help="The newer side [default: the latest complete scan].")
@click.option("--since", metavar="ID|DATE",
              help="The older side: a scan id, or YYYY-MM-DD for the state at the start of that day (UTC) "
                   "[default: the scan before, of the same targets].")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-", metavar="FILE",
              help="Write here [default: standard output].")
@click.option("--limit", type=click.IntRange(0), default=50, help="Text: rows listed per side (0: all).")
def diff(inventory, scan_id, since, fmt, output, limit):
    """Findings new since the previous scan, and findings resolved (gone),
    by location, entity type and value hash.

    \b
    Example:
        piiscout diff /var/lib/piiscout/acme
        piiscout diff inv --since 2024-05-01 --format csv -o changes.csv
    """
    from scanner import diff as d

    from scanner.atomic import atomic_output

    res = d.diff(Path(inventory or default_inventory()), scan_id, since)
    if fmt == "csv":
        if output == "-":
            d.write_csv(res, click.get_text_stream("stdout"))
        else:  # under a temporary name, fsynced, renamed, 0600 (scanner/atomic.py)
            with atomic_output(output, "w", encoding="utf-8", newline="") as fh:
                d.write_csv(res, fh)
        return 0
    text = d.render_json(res) if fmt == "json" else d.render_text(res, limit)
    if output == "-":
        click.echo(text)
    else:
        with atomic_output(output, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    return 0


@cli.command()
@click.argument("inventory", required=False, type=click.Path(file_okay=False))
@click.option("--keep", type=click.IntRange(1), required=True, metavar="N",
              help="Scans to keep per target (the latest complete one is always kept).")
@click.option("-n", "--dry-run", is_flag=True, help="Only say what would be removed.")
def prune(inventory, keep, dry_run):
    """Remove the files of all but the newest N scans of each target, and of
    killed scans. Waits for nothing: refused (exit 3) while a scan runs.

    \b
    Example:
        piiscout prune /var/lib/piiscout/acme --keep 30
    """
    from scanner.inventory.prune import prune as run_prune

    p = run_prune(Path(inventory or default_inventory()), keep, dry_run)
    verb = "would remove" if dry_run else "removed"
    killed = f" and {len(p.orphans)} killed scan(s)" if p.orphans else ""
    click.echo(f"{verb} {len(p.remove)} scan(s){killed}: {len(p.files)} files, {p.bytes / 1e6:.1f} MB; "
               f"kept {len(p.keep)} scan(s)")
    return 0


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--rules", "rules_files", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Also list the custom rules of this rules file; repeatable.")
@click.option("-c", "--config", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Also list the custom rules of this scan config file.")
def detectors(fmt, rules_files, config):
    """List entity types, their recognizers and default thresholds: built-in,
    plugin recognizers, and custom rules of --rules / --config files."""
    import json

    from detectors.describe import describe

    logging.getLogger("piiscout.plugins").setLevel(logging.ERROR)  # failed plugins are listed below
    logging.getLogger("piiscout.rules").setLevel(logging.ERROR)  # the notes say which rules are slow
    custom = _custom_from(tuple(rules_files), config) if (rules_files or config) else None
    rows = describe(custom)
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


# -- plugins, custom rules, allow lists (README: Plugins, Custom rules) -------------------

def _register_config_sections() -> None:
    """[rules.NAME], [allow] and [context.ENTITY] tables of scan config files."""
    from detectors.rules import SECTIONS, section_validator
    from scanner.config import register_section

    for name in SECTIONS:
        register_section(name, section_validator(name))


_register_config_sections()


def _custom_from(rules_files: tuple[str, ...], config: str | None):
    """Custom rules of --rules files and of a config file's tables (for the
    listing commands)."""
    import tomllib

    from detectors import rules
    from scanner.errors import UsageError

    sections = None
    base = None
    if config:
        try:
            data = tomllib.loads(Path(config).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(f"{config}: no such config file") from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise UsageError(f"{config}: cannot read: {one_line(e)}") from None
        sections = {k: data[k] for k in rules.SECTIONS if isinstance(data.get(k), dict)}
        _, problems = rules.check_sections(sections, config)
        if problems:
            raise rules.RulesError(problems)
        base = Path(config).resolve().parent
        top = data.get("rules_file")
        if top:
            rules_files = tuple(rules_files) + ((top,) if isinstance(top, str) else tuple(top))
    return _customisation({"rules_file": rules_files}, sections, base)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--rules", "rules_files", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Also list the custom rules of this rules file; repeatable.")
@click.option("-c", "--config", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Also list the custom rules of this scan config file.")
def plugins(fmt, rules_files, config):
    """List plugins (connectors, extractors, recognizers installed as
    piiscout.* entry points): loaded, failed (with the error) or shadowed by
    a built-in; and the custom rules of --rules / --config files.

    \b
    Example:
        piiscout plugins
        piiscout plugins --rules /etc/piiscout/rules.toml --format json
    """
    import json

    from scanner import plugins as plug

    logging.getLogger("piiscout.plugins").setLevel(logging.ERROR)  # listed below instead
    logging.getLogger("piiscout.rules").setLevel(logging.ERROR)
    rows = [p.as_dict() for p in plug.all_plugins()]
    custom = _custom_from(tuple(rules_files), config) if (rules_files or config) else None
    rule_rows = [{"entity_type": r.entity, "patterns": len(r.patterns), "score": r.score,
                  "context_score": r.context_score, "validator": r.validator, "mask": r.mask,
                  "prefilter": "hyperscan" if r.slow_reason is None else "python re (whole texts)",
                  "origin": r.origin or (config or "")} for r in (custom.rules if custom else ())]
    if fmt == "json":
        out = {"plugins": rows, "custom_rules": rule_rows,
               "allow_list_entries": custom.allow.size if custom else 0}
        click.echo(json.dumps(out, indent=2))
        return 0
    if not rows:
        click.echo("No plugins installed (entry point groups: " + ", ".join(plug.GROUPS) + ").")
    else:
        click.echo(f"{'Group':<12} {'Name':<20} {'Status':<9} {'Module':<44} Provides / error")
        for r in rows:
            detail = ", ".join(r["provides"])
            if r["error"]:
                detail = (detail + "; " if detail else "") + r["error"]
            click.echo(f"{r['group'].split('.', 1)[1]:<12} {r['name']:<20} {r['status']:<9} "
                       f"{r['module']:<44} {detail}")
    if custom is not None:
        click.echo("")
        if not rule_rows:
            click.echo("No custom rules.")
        else:
            click.echo(f"{'Custom rule':<24} {'Patterns':<9} {'Score':<10} {'Validator':<18} Prefilter")
            for r in rule_rows:
                click.echo(f"{r['entity_type']:<24} {r['patterns']:<9} "
                           f"{r['score']:g}-{r['context_score']:g}{'':<3} {r['validator'] or '-':<18} {r['prefilter']}")
        click.echo(f"Allow-list entries: {custom.allow.size}")
    return 0


@cli.command("hash")
@click.option("-e", "--entity", default=None, metavar="TYPE",
              help="Normalise as this entity type does (e.g. PHONE_NUMBER: E.164; EMAIL_ADDRESS: lower case) "
                   "[default: identifier: letters and digits only, upper case].")
@click.option("--kind", type=click.Choice(["identifier", "phone", "email", "text"]), default=None,
              help="Normalise this way instead (a custom rule's `normalise`).")
@click.option("--value", "value_arg", default=None, metavar="VALUE",
              help="The value (ends up in your shell history: prefer standard input or the prompt).")
def hash_value(entity, kind, value_arg):
    """Print the keyed hash of a value, as `hmac:<hex>`, for an allow list that
    holds no PII. Reads the value from standard input (one per line) or
    asks for it without echo; uses the same key ($PIISCOUT_HASH_KEY or the
    key file) and normalisation as the inventory's value_hash.

    \b
    Example:
        piiscout hash                     # prompts, input hidden
        printf '4111 1111 1111 1111\\n' | piiscout hash
        piiscout hash --entity PHONE_NUMBER < numbers.txt
    """
    from scanner import privacy

    if entity and kind:
        raise click.UsageError("give --entity or --kind, not both")
    if entity:
        entity = entity.strip().upper()
        if entity not in privacy._KINDS:
            from scanner.entity_names import known_entities

            if entity not in known_entities():
                raise click.BadParameter(f"unknown entity type {entity} (for a custom rule's entity give "
                                         "--kind, its `normalise`)", param_hint="--entity")
            from detectors.catalog import plugin_recognizers, recognizer_classes

            recognizer_classes(), plugin_recognizers()  # they register their normalisation
        kind = privacy.kind_of(entity)
    kind = kind or privacy.IDENTIFIER
    if value_arg is not None:
        click.echo("piiscout: warning: a value given with --value is kept in your shell history", err=True)
        values = [value_arg]
    elif sys.stdin is not None and not sys.stdin.isatty():
        values = [line.rstrip("\r\n") for line in sys.stdin]
    else:
        values = [click.prompt("Value", hide_input=True)]
    key = privacy.hash_key()
    for v in values:
        if not v.strip():
            continue
        h = privacy.hash_as(kind, v, key)
        click.echo(f"hmac:{h}")
    return 0


@cli.command("warm-cache")
@click.option("-e", "--entities", multiple=True, metavar="LIST",
              help="Also warm for scans of these entity types (comma-separated; repeatable) [default: the default set].")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
def warm_cache(entities, quiet):
    """Compile the detection databases and vocabularies a first scan would
    compile (seconds), into the machine-wide cache (/var/cache/piiscout)
    when run as root, else into your own. Run at install time: every user,
    cron job and Dask worker on the machine then starts warm.

    \b
    Example:
        sudo piiscout warm-cache
        piiscout warm-cache -e US_SSN,CREDIT_CARD
    """
    from scanner.warmcache import warm

    sets = [parse_entities(entities, False)] if entities else []
    res = warm(sets)
    if not quiet:
        where = "machine-wide cache" if res.shared else "user cache"
        click.echo(f"warm-cache: detectors for {res.entities} entity types ready in the {where} "
                   f"{res.directory} ({len(res.entries)} entries, {res.seconds:.1f}s)")
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
        for line in str(e).splitlines() or [""]:  # a config error lists every problem
            click.echo(f"piiscout: error: {line}", err=True)
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
