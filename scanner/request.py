"""A scan request from option values: the same for the command line and
for each target of a config file.

`build_request` takes the targets, the inventory and the values of the
declared options (scanner/options.py, by field name; unset ones take their
defaults) and checks them: entity names, custom rules files, target URLs
(each connector's `parse`). A bad value raises `OptionError`, naming the
option; the CLI shows it as a bad parameter, the config loader as a problem
with that key.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

import click

from detectors.catalog import DEFAULT_MIN_SCORE, DetectorSettings
from scanner.errors import UsageError
from scanner.model import TargetSpec
from scanner.options import declared, from_values, is_unset, option
from scanner.settings import ScanSettings

# -- the scan options other than ScanSettings' (scanner/options.py) --------------------------

@dataclass(frozen=True)
class RunOptions:
    """This run: where results go, how many workers, what is reused."""

    inventory: str | None = option(
        None, "-i", "--inventory", type=click.Path(file_okay=False),
        help="Inventory directory [default: $PIISCOUT_INVENTORY or the user data dir].")
    workers: int | None = option(
        None, "-j", "--workers", type=click.IntRange(1, 256), help="Worker processes [default: CPU count].")
    incremental: bool = option(
        False, "--incremental/--no-incremental", default=None,
        help="Do not read again what is unchanged (same size and time) since the last scan of the same target; "
             "carry its findings over [default: off, or the config's `incremental`].")


@dataclass(frozen=True)
class DetectionOptions:
    """What to look for: turned into detectors.catalog.DetectorSettings."""

    entities: tuple[str, ...] = option(
        (), "-e", "--entities", multiple=True, metavar="LIST",
        help="Entity types to look for, comma-separated or repeated (ALL for every one) "
             "[default: all but the NER entities].")
    min_score: float = option(
        DEFAULT_MIN_SCORE, "--min-score", type=click.FloatRange(0, 1), help="Report findings scoring at least this [default: 0.5].")
    ner: bool = option(False, "--ner", is_flag=True, help="Also find names (PERSON) with spaCy NER; much slower.")
    report_test_cards: bool = option(
        False, "--report-test-cards", is_flag=True,
        help="Report published test card numbers (4111 1111 1111 1111...) as CREDIT_CARD findings "
             "[default: counted as suppressed; README: What is detected].")
    rules_file: tuple[str, ...] = option(
        (), "--rules", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
        help="Custom rules, allow list and context words from a TOML file (README: Custom rules); repeatable.")
    prefer_plugin: tuple[str, ...] = option(
        (), "--prefer-plugin", multiple=True, metavar="NAME",
        help="Use this plugin (entry point or package name) where it and a built-in serve the same scheme, "
             "content type or entity [default: the built-in]; repeatable.")


@dataclass(frozen=True)
class SourceOptions:
    """Options of one kind of source, handed to every connector's parse() as
    target options; unset ones are left out (the connector's default)."""

    # SMB (connectors/smb.py)
    guest: bool = option(False, "--guest", is_flag=True, help="SMB: log in as guest (no user, no password).")
    require_encryption: bool = option(
        False, "--require-encryption", is_flag=True,
        help="SMB: encrypt the whole session; refuse servers that cannot (SMB 2) [default: as the server asks].")
    kerberos: bool = option(
        False, "--kerberos", is_flag=True, help="SMB: log in with a Kerberos ticket (kinit) instead of a password.")
    # SQL (connectors/sql.py)
    schema: tuple[str, ...] = option(
        (), "--schema", multiple=True, metavar="NAME",
        help="SQL: scan only this schema (MySQL: database); repeatable [default: every non-system schema of the "
             "URL's database].")
    views: bool = option(False, "--views", is_flag=True, help="SQL: also scan views.")
    include: tuple[str, ...] = option(
        (), "--include", multiple=True, metavar="GLOB",
        help="SQL: scan only tables matching GLOB (table or schema.table); repeatable. --exclude skips tables too.")
    sample_rows: int | None = option(
        None, "--sample-rows", type=click.IntRange(1), metavar="N",
        help="SQL: read about N rows of each table, sampled cheaply per database [default: 10000].")
    full: bool = option(False, "--full", is_flag=True, help="SQL: read every row of every table instead of a sample.")
    statement_timeout: float | None = option(
        None, "--statement-timeout", type=click.FloatRange(0), metavar="SECONDS",
        help="SQL: cancel any one statement after this long (0: no limit) [default: 300].")

    def target_options(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if not is_unset(getattr(self, f.name))}


# Every option group, in the order `piiscout scan --help` lists them.
def _webhooks(values):
    from scanner.webhooks import parse_all

    return parse_all(values)


def _webhooks_shown(values):
    from scanner.webhooks import shown_all

    return shown_all(values)


@dataclass(frozen=True)
class AfterScanOptions:
    """What happens once a scan is recorded (scanner/followup.py): the exit
    code for alerting, and webhooks."""

    fail_on: str | None = option(
        None, "--fail-on", type=click.Choice(["new", "any"], case_sensitive=False),
        help="Exit 6 when the scan found findings new since the previous scan of the target (new) or any "
             "findings at all (any), for cron, CI and RMM alerts [default: the normal exit codes].")
    webhooks: tuple = option(
        (), "--webhook", multiple=True, metavar="URL", parse=_webhooks, record=_webhooks_shown,
        help="After the scan, POST a JSON summary (new and resolved findings, masked) to URL; "
             "[json+|slack+|teams+]URL or env:VARIABLE; repeatable (README: Webhooks).")
    webhook_timeout: float = option(
        10.0, "--webhook-timeout", type=click.FloatRange(0.1, 300), metavar="SECONDS",
        help="Give up on one webhook attempt after this long [default: 10].")
    webhook_retries: int = option(
        3, "--webhook-retries", type=click.IntRange(0, 10), metavar="N",
        help="Try a failed webhook again up to N times, with backoff [default: 3].")


OPTION_GROUPS = (RunOptions, DetectionOptions, ScanSettings, SourceOptions, AfterScanOptions)


class OptionError(UsageError):
    """A bad option value: `key` is the option's field name."""

    def __init__(self, key: str, message: str):
        self.key = key
        self.message = message
        super().__init__(message)

    @property
    def option(self) -> str:
        """The option as typed on the command line (--entities)."""
        for _, f, opt in declared(*OPTION_GROUPS):
            if f.name == self.key:
                return next((d for d in opt.decls if d.startswith("--")), self.key).split("/")[0]
        return self.key


@dataclass
class ScanRequest:
    targets: list[TargetSpec]
    inventory: Path
    settings: ScanSettings = field(default_factory=ScanSettings)
    detectors: DetectorSettings = field(default_factory=DetectorSettings)
    workers: int | None = None
    progress: bool = True
    # Reuse the results of items unchanged since the last scans of the same
    # targets (scanner/incremental.py).
    incremental: bool = False
    # Every declared option as resolved (defaults applied), by field name:
    # the scans table's `options` record.
    options: dict[str, Any] = field(default_factory=dict)
    # --fail-on and webhooks (scanner/followup.py).
    notify: Any = None


def split_csv(values) -> list[str]:
    out = []
    for v in values:
        out += [x.strip() for x in v.split(",") if x.strip()]
    return out


def parse_entities(values, ner: bool, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """--entities as entity types; `extra`: those of custom rules, looked for
    by default like piiscout's own."""
    # Cached names: importing the recognizers costs seconds (scanner/entity_names.py).
    from detectors.catalog import NER_ENTITIES
    from scanner.entity_names import default_entities, known_entities, own_entities

    requested = [e.upper() for e in split_csv(tuple(values))]
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
        raise OptionError("entities", f"unknown entity type {', '.join(unknown)} (see `piiscout detectors`)")
    return tuple(dict.fromkeys(requested))


def customisation(rules_files, sections: dict | None, base: Path | None = None):
    """Custom rules, allow list and context words from a config file's tables
    and --rules files, checked (naming the rule) and with plain allow-list
    values hashed; None when there are none."""
    from detectors import rules

    raw = rules.RawCustomisation()
    if sections:
        raw, problems = rules.check_sections(sections)
        if problems:  # the config loader reports these itself
            raw = rules.RawCustomisation()
    file_problems: list[str] = []
    for f in rules_files or ():
        path = Path(f).expanduser()
        if base is not None and not path.is_absolute() and not path.exists():
            path = base / path  # relative to the config file
        more, p = rules.load_rules_file(path)
        file_problems += p
        have = {r.entity for r in raw.rules}
        file_problems += [f"{path}: [rules.{r.entity}]: defined twice" for r in more.rules if r.entity in have]
        raw.merge(more)
    if file_problems:
        raise OptionError("rules_file", "\n".join(file_problems))
    custom = rules.build(raw, styles=_plugin_styles(raw))
    return custom if custom else None


def _plugin_styles(raw) -> dict:
    """(kind, mask) of plugin entity types an allow-list entry names, so the
    entry is hashed the way the plugin's findings are."""
    from scanner import privacy

    named = {e for e, _ in raw.allow_values if e} - set(privacy.BUILTIN_KINDS) - {r.entity for r in raw.rules}
    if not named:
        return {}
    from detectors.catalog import entity_styles, plugin_recognizers

    return entity_styles(plugin_recognizers())


def _target_specs(targets: list[tuple[str, str]], inv: Path, options: dict[str, Any],
                  prefer: tuple[str, ...] = ()) -> list[TargetSpec]:
    from connectors.registry import resolve

    specs = []
    names: set[str] = set()
    for name, raw in targets:
        name = name if name not in names else f"{name}#{len(names)}"
        names.add(name)
        specs.append(resolve(raw, name=name, options={"skip_paths": (str(inv),), **options}, prefer=prefer))
    return specs


def build_request(targets: list[tuple[str, str]], inv: Path, values: Mapping[str, Any], progress: bool = True,
                  password_env: str | None = None, sections: dict | None = None,
                  base: Path | None = None) -> ScanRequest:
    """A ScanRequest from (name, raw target) pairs, the inventory and the
    declared options' values by field name; `sections`: a config file's
    [rules]/[allow]/[context] tables, `base`: its folder."""
    run = from_values(RunOptions, values)
    det = from_values(DetectionOptions, values)
    settings = from_values(ScanSettings, values)
    source = from_values(SourceOptions, values)
    prefer = tuple(split_csv(det.prefer_plugin))
    custom = customisation(det.rules_file, sections, base)
    target_opts = source.target_options()
    if password_env:
        target_opts["password_env"] = password_env
    detectors = DetectorSettings(
        entities=parse_entities(det.entities, det.ner, custom.entities if custom else ()),
        min_score=det.min_score,
        custom=custom,
        prefer_plugins=prefer,
        ner=det.ner,
        report_test_cards=det.report_test_cards,
    )
    after = from_values(AfterScanOptions, values)
    groups = (run, det, settings, source, after)
    resolved = {f.name: getattr(g, f.name) for g in groups for f in fields(g)}
    for _, f, opt in declared(*(type(g) for g in groups)):
        if opt.record is not None:  # stored as it may be (a webhook URL: redacted)
            resolved[f.name] = opt.record(resolved[f.name])
    from scanner.followup import Notify

    notify = Notify(fail_on=after.fail_on.lower() if after.fail_on else None, webhooks=tuple(after.webhooks),
                    timeout=after.webhook_timeout, retries=after.webhook_retries)
    return ScanRequest(targets=_target_specs(targets, inv, target_opts, prefer), inventory=inv, settings=settings,
                       detectors=detectors, workers=run.workers, progress=progress,
                       incremental=bool(run.incremental), options=resolved, notify=notify)

