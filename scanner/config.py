"""`piiscout scan --config scans.toml`: the targets of a nightly run.

```toml
inventory = "/var/lib/piiscout/inventory"   # top level: defaults for every target
incremental = true
exclude = ["*.iso", "~$*"]

[targets.acme-finance]
url = "smb://fs01.acme.local/Finance"
password_env = "ACME_SMB_PASSWORD"
inventory = "/var/lib/piiscout/acme"
min_score = 0.6
```

The keys a target (or the top level) accepts are the options of `piiscout
scan`, spelled like the long option without dashes (`--min-score` ->
`min_score`, `--exclude` -> `exclude`), plus `url`, `password_env` and
`inventory`. They are read from the scan command itself, so an option a
connector module adds to the command is valid in the file with no change
here; values are converted and checked by the option's own type. Modules
can also register keys that have no command-line option (`register_key`)
and whole top-level tables (`register_section`, e.g. custom rules).

The whole file is checked before anything is scanned; every problem is one
line naming the file, the table and the key. Credentials are referenced by
environment variable; a literal password (a `password` key, or one inside a
URL) is refused unless `--allow-inline-secrets`.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import click
from click.core import ParameterSource

from scanner.errors import UsageError

# Options of the scan command that are about this invocation, not a target.
NOT_IN_CONFIG = frozenset({"targets", "config", "target_names", "allow_inline_secrets",
                           "verbose", "quiet", "log_file", "log_format"})
TARGET_ONLY = frozenset({"url", "password_env", "password"})
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Keys without a command-line option: name -> converter (value -> value, raise
# ValueError with a short reason). Values reach the connectors as target options.
_EXTRA_KEYS: dict[str, Callable[[Any], Any]] = {}
# Top-level tables other than [targets]: name -> validator(table) returning
# a list of "key: problem" strings.
_SECTIONS: dict[str, Callable[[dict], list[str]]] = {}


def register_key(name: str, convert: Callable[[Any], Any] = lambda v: v) -> None:
    """Accept `name` in targets (and as a top-level default) with no CLI option."""
    _EXTRA_KEYS[name] = convert


def register_section(name: str, validate: Callable[[dict], list[str]]) -> None:
    """Accept a top-level table `[name]`, checked by `validate`."""
    _SECTIONS[name] = validate


class ConfigError(UsageError):
    """One or more problems with a config file: one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class TargetConfig:
    name: str
    url: str
    inventory: Path
    values: dict[str, Any]  # scan command parameter name -> value, defaults included
    password_env: str | None = None
    request: Any = None  # what `build` made of it (a ScanRequest)
    sections: dict[str, Any] = field(default_factory=dict)  # the file's registered top-level tables


@dataclass
class ScanConfig:
    path: Path
    targets: list[TargetConfig]
    sections: dict[str, dict] = field(default_factory=dict)

    def select(self, names: tuple[str, ...] | list[str]) -> list[TargetConfig]:
        if not names:
            return list(self.targets)
        by_name = {t.name: t for t in self.targets}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise UsageError(f"{self.path}: no target {', '.join(unknown)} "
                             f"(targets: {', '.join(by_name) or 'none'})")
        return [by_name[n] for n in dict.fromkeys(names)]


# -- the keys -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Key:
    name: str  # the key in the file
    param: click.Parameter | None  # the scan command's option, if any


def config_keys(command: click.Command) -> dict[str, _Key]:
    """Every key a target accepts, from the scan command's own options."""
    keys: dict[str, _Key] = {}
    for p in command.params:
        if not isinstance(p, click.Option) or p.name in NOT_IN_CONFIG or p.count:
            continue
        longs = [o for o in p.opts if o.startswith("--")]
        spelled = {o[2:].replace("-", "_") for o in longs} | {p.name}
        for s in spelled:
            keys[s] = _Key(s, p)
    for name in _EXTRA_KEYS:
        keys.setdefault(name, _Key(name, None))
    return keys


def _convert(ctx: click.Context, key: _Key, value: Any) -> Any:
    """A TOML value to what the option would have produced on the command line."""
    if isinstance(value, dict):
        raise ValueError("expected a value, not a table")
    p = key.param
    if p is None:
        return _EXTRA_KEYS[key.name](value)
    if p.multiple:
        items = value if isinstance(value, list) else [value]
        for v in items:
            if isinstance(v, (list, dict)):
                raise ValueError("expected a list of plain values")
        value = tuple(items)
    elif isinstance(value, list):
        raise ValueError("expected a single value, not a list")
    if isinstance(p, click.Option) and p.is_flag and not p.multiple:
        if not isinstance(value, bool):
            raise ValueError("expected true or false")
        return value
    try:
        out = p.type_cast_value(ctx, value)
        if p.callback is not None:
            out = p.callback(ctx, p, out)
    except click.BadParameter as e:
        raise ValueError(e.message) from None
    return out


# -- loading ----------------------------------------------------------------------------

def load_config(path: str | os.PathLike, ctx: click.Context, build: Callable[[TargetConfig], Any],
                allow_inline_secrets: bool = False, selected: tuple[str, ...] = ()) -> ScanConfig:
    """Read and check the whole file, and `build` each target's scan request
    (exactly as the command line would: entity names, URL syntax, options).
    Raise ConfigError listing every problem; nothing has been scanned."""
    path = Path(path)
    where = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{where}: no such config file") from None
    except OSError as e:
        raise UsageError(f"{where}: cannot read: {e.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"{where}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{where}: invalid TOML: {e}") from None

    base = path.resolve().parent
    keys = config_keys(ctx.command)
    problems: list[str] = []
    inline_secrets = False

    def problem(table: str, key: str | None, msg: str) -> None:
        problems.append(f"{where}: {table}{' ' + key if key else ''}: {msg}")

    def unknown(table: str, key: str, choices) -> None:
        if key in ("path", "uri", "target", "share", "dsn"):
            problem(table, key, "unknown key (a target's path or URL goes in `url`)")
            return
        close = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.75)
        problem(table, key, "unknown key" + (f" (did you mean {close[0]}?)" if close else ""))

    def read_options(table: str, entries: dict, allowed_extra: frozenset) -> dict[str, Any]:
        nonlocal inline_secrets
        out: dict[str, Any] = {}
        for k, v in entries.items():
            if k in allowed_extra:
                continue
            if k == "password":
                if not allow_inline_secrets:
                    problem(table, k, "literal passwords are refused: name an environment variable with "
                                      "password_env instead (or pass --allow-inline-secrets)")
                inline_secrets = True
                continue
            key = keys.get(k)
            if key is None:
                unknown(table, k, list(keys) + sorted(allowed_extra))
                continue
            try:
                value = _convert(ctx, key, v)
            except ValueError as e:
                problem(table, k, str(e))
                continue
            name = key.param.name if key.param is not None else key.name
            if name in out:
                problem(table, k, f"given twice (also as another spelling of {name})")
            out[name] = value
        return out

    targets_raw = data.get("targets")
    top = {k: v for k, v in data.items() if k != "targets" and k not in _SECTIONS}
    sections = {k: data[k] for k in _SECTIONS if k in data}
    for name, table in sections.items():
        if not isinstance(table, dict):
            hint = " (a rules file is named with rules_file = \"FILE\")" if name == "rules" else ""
            problem(f"[{name}]", None, "expected a table" + hint)
            continue
        for msg in _SECTIONS[name](table):
            if msg.startswith(f"[{name}"):  # the validator names the (sub)table itself
                problems.append(f"{where}: {msg}")
            else:
                problem(f"[{name}]", None, msg)
    for k in list(top):
        if k in ("url", "password_env"):
            problem("(top level)", k, "belongs in a [targets.NAME] table")
            del top[k]
        elif isinstance(top[k], dict):
            close = difflib.get_close_matches(k, ["targets", *_SECTIONS], n=1, cutoff=0.75)
            problem(f"[{k}]", None, "unknown table" + (f" (did you mean [{close[0]}]?)" if close else
                                                       " (targets go in [targets.NAME] tables)"))
            del top[k]
    defaults = read_options("(top level)", top, frozenset())
    if defaults.get("entities"):  # checked once here, not again for every target
        from scanner.cli import parse_entities

        try:
            from detectors.rules import rule_names

            custom = data.get("rules") if isinstance(data.get("rules"), dict) else {}
            names = tuple(str(k).upper() for k in custom) + rule_names(defaults.get("rules_file") or (), base)
            parse_entities(tuple(defaults["entities"]), bool(defaults.get("ner")), names)
        except click.BadParameter as e:
            problem("(top level)", "entities", e.message)
            del defaults["entities"]

    if isinstance(targets_raw, list):  # [[targets]] tables, each with a name
        named: dict[str, Any] = {}
        for i, entry in enumerate(targets_raw, 1):
            name = entry.get("name") if isinstance(entry, dict) else None
            if not isinstance(name, str) or not name:
                problem(f"[[targets]] #{i}", "name", "missing: each [[targets]] table needs a name")
            elif name in named:
                problem(f"[[targets]] #{i}", "name", f"{name} is used twice")
            else:
                named[name] = {k: v for k, v in entry.items() if k != "name"}
        targets_raw = named
    if targets_raw is None:
        problem("(top level)", None, "no targets: add at least one [targets.NAME] table with a url")
        targets_raw = {}
    elif not isinstance(targets_raw, dict):
        problem("(top level)", "targets", "expected [targets.NAME] tables")
        targets_raw = {}

    params = {p.name: p for p in ctx.command.params}
    explicit = {n for n in params
                if ctx.get_parameter_source(n) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)}
    out_targets: list[TargetConfig] = []
    for tname, entries in targets_raw.items():
        table = f"[targets.{tname}]"
        if not isinstance(entries, dict):
            problem(table, None, "expected a table with a url")
            continue
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", tname):
            problem(table, None, "target names may hold letters, digits, '.', '_' and '-'")
        opts = read_options(table, entries, TARGET_ONLY - {"password"})
        url = entries.get("url")
        if not isinstance(url, str) or not url.strip():
            problem(table, "url", "missing: every target needs a url (a path, smb://..., a database URL)")
            continue
        url = _resolve_path(url.strip(), base)
        try:
            if urlsplit(url).password:
                if not allow_inline_secrets:
                    problem(table, "url", "holds a password: use password_env = \"VARIABLE\" instead "
                                          "(or pass --allow-inline-secrets)")
                inline_secrets = True
        except ValueError:
            problem(table, "url", "not a valid URL")
            continue
        password_env = entries.get("password_env")
        if password_env is not None and (not isinstance(password_env, str) or not ENV_NAME.match(password_env)):
            problem(table, "password_env", "expected the name of an environment variable, e.g. \"ACME_PASSWORD\"")
            password_env = None
        if isinstance(entries.get("password"), str) and allow_inline_secrets:
            # Kept out of every TargetSpec: handed over through the environment.
            password_env = f"PIISCOUT_CONFIG_PASSWORD_{re.sub(r'[^A-Za-z0-9]', '_', tname).upper()}"
            os.environ[password_env] = entries["password"]
        elif "password" in entries and not isinstance(entries.get("password"), str) and allow_inline_secrets:
            problem(table, "password", "expected a string")

        values = {n: ctx.params.get(n) for n in params}
        for source in (defaults, opts):
            for n, v in source.items():
                if n not in explicit:
                    values[n] = v
        inv = values.get("inventory")
        if inv and "inventory" not in explicit:
            inv = _resolve_path(str(inv), base)
        if not inv:
            from scanner.cli import default_inventory

            inv = default_inventory()
        target = TargetConfig(name=tname, url=url, inventory=Path(inv).expanduser().absolute(),
                              values=values, password_env=password_env,
                              sections={k: v for k, v in sections.items() if isinstance(v, dict)})
        try:
            target.request = build(target)
        except click.BadParameter as e:
            problem(table, _key_of(e), e.message)
            continue
        except click.UsageError as e:
            problem(table, None, e.message)
            continue
        except UsageError as e:
            problem(table, "url", str(e))
            continue
        out_targets.append(target)

    cfg = ScanConfig(path=path, targets=out_targets, sections=sections)
    if not problems:
        try:
            chosen = cfg.select(selected)
        except UsageError as e:
            problems.append(str(e))
            chosen = []
        for t in chosen:
            if t.password_env and t.password_env not in os.environ:
                problem(f"[targets.{t.name}]", "password_env",
                        f"the environment variable {t.password_env} is not set")
    if problems:
        raise ConfigError(problems)
    if inline_secrets:
        _warn_if_readable(path)
    return cfg


def _resolve_path(value: str, base: Path) -> str:
    """Relative paths in a config file are relative to the file's folder."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value) and not re.match(r"^[A-Za-z]:[\\/]", value):
        return value  # a URL
    p = Path(value).expanduser()
    return str(p if p.is_absolute() else base / p)


def _key_of(e: click.BadParameter) -> str | None:
    hint = e.param_hint if isinstance(e.param_hint, str) else None
    if hint is None and e.param is not None:
        hint = next((o for o in e.param.opts if o.startswith("--")), e.param.name)
    if not hint:
        return None
    return hint.strip("'\"").lstrip("-").replace("-", "_")


def _warn_if_readable(path: Path) -> None:
    import logging

    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        logging.getLogger("piiscout").warning(
            "%s holds a password and can be read by other users: chmod 600 it", path)
