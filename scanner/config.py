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

The keys a target (or the top level) accepts are the scan options declared
in scanner/options.py (the same declarations `piiscout scan` is built
from), spelled like the long option without dashes (`--min-score` ->
`min_score`, `--exclude` -> `exclude`) or like the field (`excludes`),
plus `url`, `password_env` and `inventory`; values are converted and checked
by the option's own click type. The top-level tables other than [targets]
are the custom rules' ([rules.NAME], [allow], [context.ENTITY];
detectors/rules.py).

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

from scanner.errors import CredentialError, UsageError
from scanner.inventory import default_inventory
from scanner.options import config_keys, convert
from scanner.request import OPTION_GROUPS, OptionError, build_request, parse_entities

TARGET_ONLY = frozenset({"url", "password_env", "password"})
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TARGET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _sections() -> dict[str, Callable[[dict], list[str]]]:
    """Top-level tables other than [targets]: name -> validator(table)
    returning "key: problem" strings (or ones naming their own table)."""
    from detectors.rules import SECTIONS, section_validator

    return {name: section_validator(name) for name in SECTIONS}


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
    values: dict[str, Any]  # option field name -> value (None: unset, the default applies)
    password_env: str | None = None
    request: Any = None  # what `build` made of it (a ScanRequest)
    # Why this target cannot run though the file is fine (its password
    # variable is not set): it fails alone, the others are scanned.
    failure: str | None = None
    sections: dict[str, Any] = field(default_factory=dict)  # the file's custom-rule tables


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


# -- loading: read, check every table, build every target's request ------------------------

def load_config(path: str | os.PathLike, given: dict[str, Any] | None = None, *,
                build: Callable[[TargetConfig], Any] | None = None, allow_inline_secrets: bool = False,
                selected: tuple[str, ...] = (), progress: bool = True) -> ScanConfig:
    """Read and check the whole file and build each target's scan request
    (exactly as the command line would: entity names, URL syntax, options).
    `given`: options given on the command line (field name -> value), which
    win over the file. Raise ConfigError listing every problem; nothing has
    been scanned."""
    path = Path(path)
    if build is None:
        def build(t: TargetConfig):
            return build_request([(t.name, t.url)], t.inventory, t.values, progress=progress,
                                 password_env=t.password_env, sections=t.sections, base=path.resolve().parent)

    reader = _Reader(path, _read_toml(path), given or {}, allow_inline_secrets)
    sections = reader.check_sections()
    defaults = reader.top_level()
    targets = [t for name, entries in reader.target_tables().items()
               if (t := reader.target(name, entries, defaults, sections, build)) is not None]
    cfg = ScanConfig(path=path, targets=targets, sections=sections)
    if not reader.problems:
        reader.check_selected(cfg, selected)
    if reader.problems:
        raise ConfigError(reader.problems)
    if reader.inline_secrets:
        _warn_if_readable(path)
    return cfg


def _read_toml(path: Path) -> dict:
    where = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{where}: no such config file") from None
    except OSError as e:
        raise UsageError(f"{where}: cannot read: {e.strerror}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"{where}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{where}: invalid TOML: {e}") from None


class _Reader:
    """One config file being checked: every problem is collected, one line each."""

    def __init__(self, path: Path, data: dict, given: dict[str, Any], allow_inline_secrets: bool):
        self.path = path
        self.where = str(path)
        self.data = data
        self.given = given
        self.allow_inline_secrets = allow_inline_secrets
        self.base = path.resolve().parent
        self.keys = config_keys(*OPTION_GROUPS)
        self.section_checks = _sections()
        self.problems: list[str] = []
        self.inline_secrets = False

    def problem(self, table: str, key: str | None, msg: str) -> None:
        self.problems.append(f"{self.where}: {table}{' ' + key if key else ''}: {msg}")

    def unknown(self, table: str, key: str, choices) -> None:
        if key in ("path", "uri", "target", "share", "dsn"):
            self.problem(table, key, "unknown key (a target's path or URL goes in `url`)")
            return
        close = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.75)
        self.problem(table, key, "unknown key" + (f" (did you mean {close[0]}?)" if close else ""))

    # -- options ------------------------------------------------------------------------
    def read_options(self, table: str, entries: dict, allowed_extra: frozenset) -> dict[str, Any]:
        """Option values of one table, converted, by field name."""
        out: dict[str, Any] = {}
        for k, v in entries.items():
            if k in allowed_extra:
                continue
            if k == "password":
                if not self.allow_inline_secrets:
                    self.problem(table, k, "literal passwords are refused: name an environment variable with "
                                           "password_env instead (or pass --allow-inline-secrets)")
                self.inline_secrets = True
                continue
            key = self.keys.get(k)
            if key is None:
                self.unknown(table, k, list(self.keys) + sorted(allowed_extra))
                continue
            try:
                value = convert(key, v)
            except ValueError as e:
                self.problem(table, k, str(e))
                continue
            if key.name in out:
                self.problem(table, k, f"given twice (also as another spelling of {key.name})")
            out[key.name] = value
        return out

    # -- the file's tables ---------------------------------------------------------------
    def check_sections(self) -> dict[str, dict]:
        """The custom-rule tables, each checked."""
        sections = {k: self.data[k] for k in self.section_checks if k in self.data}
        for name, table in sections.items():
            if not isinstance(table, dict):
                hint = " (a rules file is named with rules_file = \"FILE\")" if name == "rules" else ""
                self.problem(f"[{name}]", None, "expected a table" + hint)
                continue
            for msg in self.section_checks[name](table):
                if msg.startswith(f"[{name}"):  # the validator names the (sub)table itself
                    self.problems.append(f"{self.where}: {msg}")
                else:
                    self.problem(f"[{name}]", None, msg)
        return {k: v for k, v in sections.items() if isinstance(v, dict)}

    def top_level(self) -> dict[str, Any]:
        """Top-level keys: defaults for every target."""
        top = {k: v for k, v in self.data.items() if k != "targets" and k not in self.section_checks}
        for k in list(top):
            if k in ("url", "password_env"):
                self.problem("(top level)", k, "belongs in a [targets.NAME] table")
                del top[k]
            elif isinstance(top[k], dict):
                close = difflib.get_close_matches(k, ["targets", *self.section_checks], n=1, cutoff=0.75)
                self.problem(f"[{k}]", None, "unknown table" + (f" (did you mean [{close[0]}]?)" if close else
                                                                " (targets go in [targets.NAME] tables)"))
                del top[k]
        defaults = self.read_options("(top level)", top, frozenset())
        if defaults.get("entities"):  # checked once here, not again for every target
            self._check_entities(defaults)
        return defaults

    def _check_entities(self, defaults: dict[str, Any]) -> None:
        from detectors.rules import rule_names

        custom = self.data.get("rules") if isinstance(self.data.get("rules"), dict) else {}
        names = tuple(str(k).upper() for k in custom) + rule_names(defaults.get("rules_file") or (), self.base)
        try:
            parse_entities(tuple(defaults["entities"]), bool(defaults.get("ner")), names)
        except OptionError as e:
            self.problem("(top level)", "entities", e.message)
            del defaults["entities"]

    def target_tables(self) -> dict[str, Any]:
        """[targets.NAME] tables (or [[targets]] tables with a name) by name."""
        targets_raw = self.data.get("targets")
        if isinstance(targets_raw, list):  # [[targets]] tables, each with a name
            named: dict[str, Any] = {}
            for i, entry in enumerate(targets_raw, 1):
                name = entry.get("name") if isinstance(entry, dict) else None
                if not isinstance(name, str) or not name:
                    self.problem(f"[[targets]] #{i}", "name", "missing: each [[targets]] table needs a name")
                elif name in named:
                    self.problem(f"[[targets]] #{i}", "name", f"{name} is used twice")
                else:
                    named[name] = {k: v for k, v in entry.items() if k != "name"}
            return named
        if targets_raw is None:
            self.problem("(top level)", None, "no targets: add at least one [targets.NAME] table with a url")
            return {}
        if not isinstance(targets_raw, dict):
            self.problem("(top level)", "targets", "expected [targets.NAME] tables")
            return {}
        return targets_raw

    # -- one target ----------------------------------------------------------------------
    def target(self, tname: str, entries: Any, defaults: dict[str, Any], sections: dict[str, dict],
               build: Callable[[TargetConfig], Any]) -> TargetConfig | None:
        table = f"[targets.{tname}]"
        if not isinstance(entries, dict):
            self.problem(table, None, "expected a table with a url")
            return None
        if not TARGET_NAME.match(tname):
            self.problem(table, None, "target names may hold letters, digits, '.', '_' and '-'")
        opts = self.read_options(table, entries, TARGET_ONLY - {"password"})
        url = self._url(table, entries.get("url"))
        if url is None:
            return None
        password_env = self._password_env(table, tname, entries)
        # The file's defaults, then the target's table, then the command line.
        values = {**defaults, **opts, **self.given}
        inv = values.get("inventory")
        if inv and "inventory" not in self.given:
            inv = _resolve_path(str(inv), self.base)
        target = TargetConfig(name=tname, url=url, inventory=Path(inv or default_inventory()).expanduser().absolute(),
                              values=values, password_env=password_env, sections=sections)
        try:
            target.request = build(target)
            if password_env and password_env not in os.environ:
                raise CredentialError(f"the password variable ${password_env} is not set")
        except CredentialError as e:
            target.failure = str(e)  # checked like the others, but fails alone
            return target
        except OptionError as e:
            self.problem(table, e.key, e.message)
            return None
        except UsageError as e:
            self.problem(table, "url", str(e))
            return None
        return target

    def _url(self, table: str, url: Any) -> str | None:
        if not isinstance(url, str) or not url.strip():
            self.problem(table, "url", "missing: every target needs a url (a path, smb://..., a database URL)")
            return None
        url = _resolve_path(url.strip(), self.base)
        try:
            if urlsplit(url).password:
                if not self.allow_inline_secrets:
                    self.problem(table, "url", "holds a password: use password_env = \"VARIABLE\" instead "
                                               "(or pass --allow-inline-secrets)")
                self.inline_secrets = True
        except ValueError:
            self.problem(table, "url", "not a valid URL")
            return None
        return url

    def _password_env(self, table: str, tname: str, entries: dict) -> str | None:
        password_env = entries.get("password_env")
        if password_env is not None and (not isinstance(password_env, str) or not ENV_NAME.match(password_env)):
            self.problem(table, "password_env", "expected the name of an environment variable, e.g. \"ACME_PASSWORD\"")
            password_env = None
        if isinstance(entries.get("password"), str) and self.allow_inline_secrets:
            # Kept out of every TargetSpec: handed over through the environment.
            password_env = f"PIISCOUT_CONFIG_PASSWORD_{re.sub(r'[^A-Za-z0-9]', '_', tname).upper()}"
            os.environ[password_env] = entries["password"]
        elif "password" in entries and not isinstance(entries.get("password"), str) and self.allow_inline_secrets:
            self.problem(table, "password", "expected a string")
        return password_env

    def check_selected(self, cfg: ScanConfig, selected: tuple[str, ...]) -> None:
        """--target names exist. (A password variable that is not set fails
        its target only, when its turn comes: TargetConfig.failure.)"""
        try:
            cfg.select(selected)
        except UsageError as e:
            self.problems.append(str(e))


def _resolve_path(value: str, base: Path) -> str:
    """Relative paths in a config file are relative to the file's folder."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value) and not re.match(r"^[A-Za-z]:[\\/]", value):
        return value  # a URL
    p = Path(value).expanduser()
    return str(p if p.is_absolute() else base / p)


def _warn_if_readable(path: Path) -> None:
    import logging

    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        logging.getLogger("piiscout").warning(
            "%s holds a password and can be read by other users: chmod 600 it", path)
