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
from click.core import ParameterSource

from scanner import __version__
from scanner.errors import (
    EXIT_FAILED,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_ITEM_ERRORS,
    EXIT_LOCKED,
    EXIT_USAGE,
    CredentialError,
    PiiscoutError,
    one_line,
)
from scanner.inventory import default_inventory
from scanner.options import click_options
from scanner.request import OPTION_GROUPS, OptionError, build_request, customisation, split_csv

log = logging.getLogger("piiscout")


def _bad_parameter(e: OptionError) -> click.BadParameter:
    return click.BadParameter(e.message, param_hint=e.option)


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
# Every scan option is declared once, as a field of an option group
# (scanner/options.py, scanner/settings.py): the command line, config files,
# the request and the scans table's options record all read it there.
@click_options(*OPTION_GROUPS)
# About this invocation only (not config keys):
@click.option("-c", "--config", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Scan every target of a TOML config file (see README: Config file).")
@click.option("-t", "--target", "target_names", multiple=True, metavar="NAME",
              help="With --config: scan only this target; repeatable.")
@click.option("--allow-inline-secrets", is_flag=True,
              help="With --config: accept literal passwords in the file (refused by default).")
@logging_options
def scan(targets, config, target_names, allow_inline_secrets, verbose, quiet, log_file, log_format, **values):
    """Scan TARGETs (or the targets of a --config file) and add the findings
    to the inventory.

    A TARGET is a directory or file path, or a file:// URI; mail stores
    also as mbox:///path or maildir:///path; SQL databases as SQLAlchemy
    URLs (postgresql://user@host/db, mysql+pymysql://..., sqlite:///x.db);
    - reads standard input (cat dump.sql | piiscout scan - -i INV).

    \b
    Example:
        piiscout scan /srv/shares/finance --inventory /var/lib/piiscout/acme
        piiscout scan ./exports -i inv --entities US_SSN,CREDIT_CARD --min-score 0.7
        piiscout scan --config /etc/piiscout/scans.toml --incremental -q
        piiscout scan /srv/hr -i inv --fail-on new --webhook 'slack+env:SLACK_HOOK'
    """
    from scanner.ui import setup_logging

    setup_logging(verbose, quiet, log_file, log_format)
    ctx = click.get_current_context()
    if config:
        if targets:
            raise click.UsageError("give TARGETs or --config, not both")
        return _scan_config(config, given_options(ctx, values), target_names, allow_inline_secrets, quiet)
    if target_names:
        raise click.UsageError("--target NAME selects a target of a --config file")
    if not targets:
        raise click.UsageError("give at least one TARGET to scan (or --config FILE)")
    inv = Path(values.get("inventory") or default_inventory()).expanduser().absolute()
    try:
        req = build_request([(raw, raw) for raw in targets], inv, values, progress=not quiet)
    except OptionError as e:
        raise _bad_parameter(e) from None
    return _run_request(req)


def given_options(ctx: click.Context, values: dict) -> dict:
    """The scan options typed on the command line (they win over a config
    file's values), by field name."""
    return {n: v for n, v in values.items()
            if ctx.get_parameter_source(n) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)}


def _run_request(req, name: str | None = None) -> int:
    """Run one scan; it ends with one record (text or JSON, README: Cron),
    also when it fails: then after the error's own line."""
    from scanner import ui
    from scanner.scan import describe_summary, end_record, run_scan

    t0 = time.monotonic()
    try:
        summary = run_scan(req)
    except PiiscoutError as e:
        from scanner.followup import notify_failure

        shown = name or ", ".join(dict.fromkeys(t.name for t in req.targets))
        _failed_record(e, shown, [t.url for t in req.targets], req.inventory, time.monotonic() - t0)
        notify_failure(req.notify, shown, [t.url for t in req.targets], req.inventory, e)
        return e.exit_code
    ui.scan_end(end_record(summary, req.inventory), describe_summary(summary, req.inventory,
                                                                       time.monotonic() - t0))
    return summary.exit_code


def _failed_record(e: PiiscoutError, name: str | None, urls: list[str], inventory, seconds: float) -> None:
    """The error's line, then the end-of-scan record of a scan that could not
    run or finish (scan_id null when it never started)."""
    from scanner import ui
    from scanner.scan import describe_target

    ui.error(f"target {name}: {e}" if name and len(urls) <= 1 and name != (urls[0] if urls else None)
             else str(e))
    sid = getattr(e, "scan_id", None)
    reason = " ".join(str(e).split())
    text = (f"scan {sid or '(not started)'} failed: {describe_target(name, urls)}{reason}, "
            f"exit {e.exit_code} -> {os.fspath(inventory)}")
    ui.scan_end({"scan_id": sid, "target": name, "targets": urls, "inventory": os.fspath(inventory),
                 "status": "failed", "reason": reason, "items": {}, "items_total": 0, "findings": 0,
                 "findings_by_entity": {}, "duration_s": round(seconds, 3), "exit_code": e.exit_code}, text)


# Worst first: what a config run exits with when its targets end differently.
# 6 (--fail-on) is below the failures of a run and above item errors.
_SEVERITY = (EXIT_INTERRUPTED, EXIT_FAILED, EXIT_LOCKED, EXIT_USAGE, EXIT_FINDINGS, EXIT_ITEM_ERRORS, 0)


def _scan_config(path, given: dict, names, allow_secrets, quiet) -> int:
    """Every selected target of a config file, one scan each, in file order.
    A target that cannot be scanned (unreachable, locked) is reported and the
    others still run; an interruption stops the run."""
    from scanner.config import load_config

    cfg = load_config(path, given, allow_inline_secrets=allow_secrets, selected=tuple(names), progress=not quiet)
    codes = []
    for t in cfg.select(names):
        if t.failure:  # e.g. its password variable is not set: this target only
            from scanner.followup import notify_failure

            _failed_record(CredentialError(t.failure), t.name, [t.url], t.inventory, 0.0)
            notify_failure(getattr(t.request, "notify", None), t.name, [t.url], t.inventory,
                           CredentialError(t.failure))
            code = EXIT_USAGE
        else:
            code = _run_request(t.request, t.name)
        codes.append(code)
        if code == EXIT_INTERRUPTED:
            break
    return min(codes, key=lambda c: _SEVERITY.index(c) if c in _SEVERITY else 0) if codes else 0


@cli.command()
@click.argument("inventory", required=False, type=click.Path(file_okay=False))
@click.option("--scan", "scan_id", metavar="ID",
              help="Report on this scan [default: the current state: each target's latest complete scan].")
@click.option("--top", type=click.IntRange(1), default=10, help="Text and JSON: how many locations to list.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "html", "pdf"], case_sensitive=False),
              default=None, help="text or json (terminal), html or pdf (the client report) "
                                 "[default: from the -o file name, else text].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None, metavar="FILE",
              help="Write here [default: standard output; html and pdf need a file].")
@click.option("--client", metavar="NAME", help="Client name on the cover [default: the targets' names].")
@click.option("--title", default="Personal data discovery report", show_default=True, help="Title on the cover.")
@click.option("--paper", type=click.Choice(["letter", "a4"], case_sensitive=False), default="letter",
              show_default=True, help="PDF paper size.")
def report(inventory, scan_id, top, fmt, output, client, title, paper):
    """Summarise the current state (or one scan). Text and JSON: findings by
    entity type, top locations, items skipped or failed. HTML and PDF: the
    client report, with an executive summary, charts, the risk ranking,
    recommendations and what was not examined (no raw value, ever).

    \b
    Example:
        piiscout report /var/lib/piiscout/acme
        piiscout report inv --format json
        piiscout report inv -o acme-report.html --client "Acme Dental"
        piiscout report inv -o acme-report.pdf --paper a4
    """
    from scanner.reporting.output import write_report

    path = write_report(Path(inventory or default_inventory()), fmt, output, scan_id=scan_id, top=top,
                        client=client, title=title, paper=paper.lower())
    if path:
        click.echo(f"wrote {path}", err=True)
    return 0


@cli.command()
@click.argument("inventory", required=False, type=click.Path(file_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True), metavar="FILE",
              help="File to write (- for standard output: CSV, or JSON Lines with --format jsonl).")
@click.option("-f", "--format", "fmt", type=click.Choice(["xlsx", "csv", "jsonl"], case_sensitive=False),
              default=None, help="xlsx, csv or jsonl (one finding per line) [default: from the file name].")
@click.option("--scan", "scan_id", metavar="ID", help="Export this scan [default: the current state].")
@click.option("-e", "--entities", multiple=True, metavar="LIST",
              help="Only these entity types, comma-separated or repeated.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None, help="Only findings scoring at least this.")
@click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 byte order mark (for older Excel).")
def export(inventory, output, fmt, scan_id, entities, min_score, bom):
    """Write findings to a spreadsheet for a client: XLSX (a Summary sheet,
    then the findings) or CSV; or as JSON Lines for a SIEM or a script.
    Masked values and hashes only.

    \b
    Example:
        piiscout export /var/lib/piiscout/acme -o acme-2024-06.xlsx
        piiscout export inv -o - --entities US_SSN --min-score 0.8   # CSV on standard output
        piiscout export inv --format jsonl -o - | jq -c 'select(.exposure == "everyone")'
    """
    from scanner.export import export as run_export

    if fmt is None and output == "-":
        fmt = "csv"  # standard output: CSV unless told otherwise
    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".")
        suffix = {"ndjson": "jsonl"}.get(suffix, suffix)
        if suffix not in ("xlsx", "csv", "jsonl"):
            raise click.BadParameter("cannot tell the format from the file name: give --format xlsx, csv or jsonl",
                                     param_hint="--format")
        fmt = suffix
    res = run_export(Path(inventory or default_inventory()), fmt.lower(), output, scan_id,
                     tuple(split_csv(entities)), min_score, bom)
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
    lines = p.describe(dry_run)
    for line in lines if dry_run else lines[-1:]:  # --dry-run lists every scan and file
        click.echo(line)
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
    try:
        return customisation(rules_files, sections, base)
    except OptionError as e:
        raise click.BadParameter(e.message, param_hint="--rules") from None


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
    from scanner.installed import all_plugins

    rows = [p.as_dict() for p in all_plugins()]
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


@cli.command()
@click.argument("inventory", type=click.Path(file_okay=False))
@click.argument("location_hash", metavar="HASH")
@click.option("--password-env", metavar="VARIABLE", default=None,
              help="SMB/SQL targets: the environment variable that holds the password.")
def locate(inventory, location_hash, password_env):
    """Print the real path of the object (or folder) whose `location_hash`
    is HASH (8 or more hex digits, as exports show it): for names whose PII
    the inventory masks. Walks the target where it is readable; prints the
    name on the terminal only.

    \b
    Example:
        piiscout locate /var/lib/piiscout/acme 3f9a61c2
    """
    from scanner import ui
    from scanner.locate import locate as run_locate
    from scanner.names import one_line

    missing = 0
    for wanted, real in run_locate(Path(inventory), location_hash, password_env):
        if real is None:
            ui.error(f"{wanted.location_hash}: {wanted.location} is not under {', '.join(wanted.targets)} any more "
                     "(moved, deleted, or not readable from here)")
            missing += 1
        else:
            click.echo(f"{wanted.location_hash}  {one_line(real)}")
    return EXIT_ITEM_ERRORS if missing else 0


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
        style = None
        if entity not in privacy.BUILTIN_KINDS:
            from scanner.entity_names import known_entities

            if entity not in known_entities():
                raise click.BadParameter(f"unknown entity type {entity} (for a custom rule's entity give "
                                         "--kind, its `normalise`)", param_hint="--entity")
            from detectors.catalog import style_of

            style = style_of(entity)  # a plugin's entity: its recognizer says how
        kind = privacy.kind_of(entity, style)
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
    from scanner.request import parse_entities
    from scanner.warmcache import warm

    try:
        sets = [parse_entities(entities, False)] if entities else []
    except OptionError as e:
        raise _bad_parameter(e) from None
    res = warm(sets)
    if not quiet:
        where = "machine-wide cache" if res.shared else "user cache"
        click.echo(f"warm-cache: detectors for {res.entities} entity types ready in the {where} "
                   f"{res.directory} ({len(res.entries)} entries, {res.seconds:.1f}s)")
    return 0


def _quiet_unraisable(args) -> None:
    """Exceptions raised in finalizers (a library's ZipFile or cursor closed
    by the garbage collector after a full disk or a dropped connection) are
    not the user's to read: the real error has its one line. Details go to
    the debug log, scrubbed like every exception."""
    log.debug("ignored in a finalizer (%s): %s", getattr(args.object, "__qualname__", type(args.object).__name__),
              one_line(args.exc_value) if args.exc_value is not None else args.exc_type)


def main(argv: list[str] | None = None) -> None:
    from scanner import ui

    sys.unraisablehook = _quiet_unraisable
    args = list(sys.argv[1:] if argv is None else argv)
    fmt = ui.early_format(args)
    ui.setup_logging(log_format=fmt)  # `scan` sets its own levels; errors of every command go through it
    try:
        rv = cli.main(args=args, prog_name="piiscout", standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        if fmt == "json":
            ui.error(e.format_message())
        else:
            e.show()
        sys.exit(EXIT_USAGE if isinstance(e, click.UsageError) else e.exit_code)
    except click.exceptions.Abort:
        ui.error("aborted")
        sys.exit(EXIT_INTERRUPTED)
    except PiiscoutError as e:
        ui.error(str(e))
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        ui.error("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except Exception as e:  # noqa: BLE001 - a bug: one line, details only in debug logs
        log.debug("internal error", exc_info=True)
        ui.error(f"internal error: {one_line(e)} (run with -vv for details)")
        sys.exit(EXIT_FAILED)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
