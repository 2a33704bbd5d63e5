"""Customisation without code: custom regex rules, allow lists and context.

Read from the `[rules.NAME]`, `[allow]` and `[context.ENTITY]` tables of a
scan config file and of `--rules FILE` files (same shape)::

    [rules.EMPLOYEE_ID]                 # the entity type findings get
    patterns = ['\\bEMP-\\d{6}\\b']       # or pattern = '...'; Python re syntax
    score = 0.6                         # without a context word nearby
    context_score = 0.9                 # with one [default: score + 0.3, at most 1]
    context = ["employee", "staff id"]
    validator = "luhn"                  # luhn | mod97 | verhoeff | damm | stdnum:<module>
    mask = "tail"                       # tail | initials | email | full
    normalise = "identifier"            # identifier | text | email | phone (for value_hash)
    ignore_case = false
    max_length = 64                     # longest match, in characters

    [allow]
    values = ["4111 1111 1111 1111", "hmac:3f1c..."]   # any entity type
    patterns = ['^555-01\\d\\d$']                       # regex over the value
    [allow.PHONE_NUMBER]                               # one entity type only
    values = ["+1 212 555 0100"]

    [context.US_SSN]
    extra = ["tax id"]                  # count as context: raise scores
    deny = ["order no", "invoice"]      # mean something else: lower scores

Everything is checked up front; a problem is one line naming the rule. The
parent turns plain allow-list values into HMAC hashes (the same key and
normalisation as `value_hash`) before anything reaches a worker, so the
settings that travel, and the cached results fingerprints, hold no values.

This module imports neither Presidio nor spaCy: the CLI checks rules with it.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.errors import UsageError

VALIDATORS = ("luhn", "mod97", "verhoeff", "damm")
MASKS = ("tail", "initials", "email", "full")
NORMALISE = ("identifier", "text", "email", "phone")
ENTITY_NAME = re.compile(r"^[A-Z][A-Z0-9_]{1,63}$")
HMAC_PREFIX = "hmac:"
# How rule patterns are compiled: `^`/`$` at line ends (as in the Hyperscan
# prefilter, which is multi-line), and ASCII classes (`\d`, `\w`, `\b`), as
# Hyperscan reads them, so the prefilter finds every match Python would.
RE_FLAGS = re.MULTILINE | re.ASCII
SECTIONS = ("rules", "allow", "context")
RULE_KEYS = frozenset({"pattern", "patterns", "score", "context_score", "context", "validator", "mask",
                       "normalise", "normalize", "ignore_case", "max_length", "negative_context",
                       "description"})


@dataclass(frozen=True)
class CustomRule:
    entity: str
    patterns: tuple[str, ...]
    score: float
    context_score: float
    context: tuple[str, ...] = ()
    negative_context: tuple[str, ...] = ()
    validator: str | None = None
    mask: str = "tail"
    normalise: str = "identifier"
    ignore_case: bool = False
    max_length: int = 64
    # Patterns Hyperscan cannot compile (lookarounds, backreferences): the
    # rule then runs with Python re over whole segments, not in windows.
    slow_reason: str | None = None
    description: str = ""
    origin: str = ""  # the file it came from


@dataclass(frozen=True)
class AllowList:
    """Suppressed values: HMAC hashes (hex) for any entity or one entity, and
    regexes matched against the value as found and normalised."""

    # Sorted tuples, not sets: the settings are fingerprinted as JSON.
    hashes: tuple[str, ...] = ()
    entity_hashes: tuple[tuple[str, str], ...] = ()
    patterns: tuple[str, ...] = ()
    entity_patterns: tuple[tuple[str, str], ...] = ()
    entries: int = 0  # values and patterns as written (a plain value has a hash per normalisation)

    def __bool__(self) -> bool:
        return bool(self.hashes or self.entity_hashes or self.patterns or self.entity_patterns)

    @property
    def size(self) -> int:
        """Entries as written in the config."""
        return self.entries


@dataclass(frozen=True)
class Customisation:
    """What a scan adds to detection: plain, frozen, picklable."""

    rules: tuple[CustomRule, ...] = ()
    allow: AllowList = field(default_factory=AllowList)
    # (entity, extra words, deny words)
    context: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rules or self.allow or self.context)

    @property
    def entities(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.entity for r in self.rules))

    def context_for(self, entity: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        for e, extra, deny in self.context:
            if e == entity:
                return extra, deny
        return (), ()


# -- checking ---------------------------------------------------------------------------

def _strings(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{what}: expected a string or a list of strings")
    return tuple(v for v in value if v.strip())


def _score(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{what}: expected a number from 0 to 1")
    return float(value)


def check_validator(name: str) -> None:
    """Raise ValueError unless `name` is a known validator."""
    if name in VALIDATORS:
        return
    if name.startswith("stdnum:"):
        mod = name[len("stdnum:"):].strip()
        if not re.match(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", mod):
            raise ValueError(f"validator {name!r}: expected stdnum:<module>, e.g. stdnum:de.idnr")
        try:
            m = importlib.import_module("stdnum." + mod)
        except ImportError:
            raise ValueError(f"unknown validator {name!r}: python-stdnum has no module {mod}") from None
        if not callable(getattr(m, "is_valid", None)):
            raise ValueError(f"unknown validator {name!r}: stdnum.{mod} has no is_valid()")
        return
    raise ValueError(f"unknown validator {name!r} (choose from {', '.join(VALIDATORS)}, stdnum:<module>)")


def trigger_regex(pattern: str) -> str:
    """A rule's pattern as a Hyperscan trigger: Python's `{,n}` is spelled
    `{0,n}` (PCRE would read `{,n}` as literal text)."""
    return re.sub(r"(?<!\\)\{,(\d+)\}", r"{0,\1}", pattern)


def hyperscan_problem(pattern: str, ignore_case: bool) -> str | None:
    """Why Hyperscan cannot compile `pattern` as a prefilter trigger, or None
    (also None when Hyperscan is not installed: there is no prefilter)."""
    try:
        import hyperscan
    except ImportError:
        return None
    from detectors.prefilter import _to_bytes_pattern

    flags = hyperscan.HS_FLAG_MULTILINE | (hyperscan.HS_FLAG_CASELESS if ignore_case else 0)
    try:
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(expressions=[_to_bytes_pattern(trigger_regex(pattern))], ids=[0], flags=[flags])
    except Exception as exc:  # noqa: BLE001 - hyperscan.error and friends
        msg = str(exc).strip() or type(exc).__name__
        return msg.splitlines()[0][:160]
    return None


def parse_rule(name: str, table: Any, origin: str = "") -> CustomRule:
    """One `[rules.NAME]` table; raise ValueError with a short reason."""
    if not isinstance(table, dict):
        raise ValueError("expected a table with a pattern")
    entity = name.strip().upper()
    if not ENTITY_NAME.match(entity):
        raise ValueError("the rule's name is its entity type: letters, digits and _, e.g. EMPLOYEE_ID")
    unknown = sorted(set(table) - RULE_KEYS)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]} (keys: {', '.join(sorted(RULE_KEYS - {'normalize'}))})")
    pats: tuple[str, ...] = ()
    if "pattern" in table:
        pats += _strings(table["pattern"], "pattern")
    if "patterns" in table:
        pats += _strings(table["patterns"], "patterns")
    if not pats:
        raise ValueError("no pattern: give pattern = '...' or patterns = [...]")
    ignore_case = table.get("ignore_case", False)
    if not isinstance(ignore_case, bool):
        raise ValueError("ignore_case: expected true or false")
    flags = RE_FLAGS | (re.IGNORECASE if ignore_case else 0)
    slow = []
    for i, p in enumerate(pats, 1):
        where = f"pattern {i}" if len(pats) > 1 else "pattern"
        try:
            rx = re.compile(p, flags)
        except re.error as e:
            raise ValueError(f"{where} is not a valid regular expression: {e}") from None
        if rx.match(""):
            raise ValueError(f"{where} matches the empty string")
        if rx.groups:
            # Capturing groups are fine, but the value is the whole match.
            pass
        problem = hyperscan_problem(p, ignore_case)
        if problem:
            slow.append(f"{where}: {problem}")
    score = _score(table.get("score", 0.6), "score")
    ctx_default = min(1.0, round(score + 0.3, 4)) if score > 0 else 0.8
    context_score = _score(table.get("context_score", ctx_default), "context_score")
    if context_score < score:
        raise ValueError("context_score is lower than score")
    context = _strings(table.get("context", []), "context")
    negative = _strings(table.get("negative_context", []), "negative_context")
    if score == 0 and not context:
        raise ValueError("score 0 reports only with context, but the rule has no context words")
    validator = table.get("validator")
    if validator is not None:
        if not isinstance(validator, str):
            raise ValueError("validator: expected a string")
        check_validator(validator.strip())
        validator = validator.strip()
    mask = table.get("mask", "tail")
    if mask not in MASKS:
        raise ValueError(f"mask: expected one of {', '.join(MASKS)}")
    normalise = table.get("normalise", table.get("normalize", "identifier"))
    if normalise not in NORMALISE:
        raise ValueError(f"normalise: expected one of {', '.join(NORMALISE)}")
    max_length = table.get("max_length", 64)
    if isinstance(max_length, bool) or not isinstance(max_length, int) or not 1 <= max_length <= 4096:
        raise ValueError("max_length: expected a whole number from 1 to 4096")
    desc = table.get("description", "")
    if not isinstance(desc, str):
        raise ValueError("description: expected a string")
    return CustomRule(entity=entity, patterns=pats, score=score, context_score=context_score, context=context,
                      negative_context=negative, validator=validator, mask=mask, normalise=normalise,
                      ignore_case=ignore_case, max_length=max_length,
                      slow_reason="; ".join(slow) or None, description=desc, origin=origin)


@dataclass
class RawCustomisation:
    """What the tables say, checked, before plain allow values are hashed."""

    rules: list[CustomRule] = field(default_factory=list)
    # (entity or None, value as written): "hmac:<hex>" or a plain value
    allow_values: list[tuple[str | None, str]] = field(default_factory=list)
    allow_patterns: list[tuple[str | None, str]] = field(default_factory=list)
    context: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)

    def merge(self, other: "RawCustomisation") -> None:
        have = {r.entity for r in self.rules}
        self.rules += [r for r in other.rules if r.entity not in have]
        self.allow_values += other.allow_values
        self.allow_patterns += other.allow_patterns
        for e, (extra, deny) in other.context.items():
            mine = self.context.setdefault(e, ([], []))
            mine[0].extend(extra)
            mine[1].extend(deny)


def _check_allow_entries(table: dict, entity: str | None, out: RawCustomisation, problems: list[str],
                         where: str) -> None:
    for key, value in table.items():
        if isinstance(value, dict) and entity is None:
            ent = key.strip().upper()
            if not ENTITY_NAME.match(ent):
                problems.append(f"{where}.{key}: expected an entity type, e.g. [allow.US_SSN]")
                continue
            _check_allow_entries(value, ent, out, problems, f"{where}.{ent}")
            continue
        if key == "values":
            try:
                values = _strings(value, "values")
            except ValueError as e:
                problems.append(f"{where}: {e}")
                continue
            for i, v in enumerate(values, 1):
                if v.lower().startswith(HMAC_PREFIX):
                    hexpart = v[len(HMAC_PREFIX):].strip().lower()
                    if not re.fullmatch(r"[0-9a-f]{64}", hexpart):
                        # Do not quote the entry: it may be a value typed by mistake.
                        problems.append(f"{where}: values entry {i}: hmac: must be followed by 64 hex "
                                        "digits (from `piiscout hash`)")
                        continue
                out.allow_values.append((entity, v))
        elif key == "patterns":
            try:
                pats = _strings(value, "patterns")
            except ValueError as e:
                problems.append(f"{where}: {e}")
                continue
            for i, p in enumerate(pats, 1):
                try:
                    re.compile(p)
                except re.error as e:
                    problems.append(f"{where}: patterns entry {i} is not a valid regular expression: {e}")
                    continue
                out.allow_patterns.append((entity, p))
        else:
            problems.append(f"{where}: unknown key {key} (values, patterns, or an [allow.ENTITY] table)")


def check_sections(data: dict, where: str = "") -> tuple[RawCustomisation, list[str]]:
    """Check the `rules`, `allow` and `context` tables of a parsed TOML
    document; return what they hold and every problem, one line each."""
    out = RawCustomisation()
    problems: list[str] = []
    pre = f"{where}: " if where else ""
    rules = data.get("rules")
    if rules is not None:
        if not isinstance(rules, dict):
            problems.append(f"{pre}[rules]: expected [rules.NAME] tables")
        else:
            for name, table in rules.items():
                try:
                    rule = parse_rule(str(name), table, origin=where)
                except ValueError as e:
                    problems.append(f"{pre}[rules.{name}]: {e}")
                    continue
                if any(r.entity == rule.entity for r in out.rules):
                    problems.append(f"{pre}[rules.{name}]: defined twice")
                    continue
                out.rules.append(rule)
    allow = data.get("allow")
    if allow is not None:
        if not isinstance(allow, dict):
            problems.append(f"{pre}[allow]: expected a table")
        else:
            _check_allow_entries(allow, None, out, problems, f"{pre}[allow]")
    context = data.get("context")
    if context is not None:
        if not isinstance(context, dict):
            problems.append(f"{pre}[context]: expected [context.ENTITY] tables")
        else:
            for name, table in context.items():
                ent = str(name).strip().upper()
                w = f"{pre}[context.{name}]"
                if not isinstance(table, dict) or not ENTITY_NAME.match(ent):
                    problems.append(f"{w}: expected a table named by entity type, e.g. [context.US_SSN]")
                    continue
                bad = sorted(set(table) - {"extra", "deny"})
                if bad:
                    problems.append(f"{w}: unknown key {bad[0]} (extra, deny)")
                    continue
                try:
                    extra = list(_strings(table.get("extra", []), "extra"))
                    deny = list(_strings(table.get("deny", []), "deny"))
                except ValueError as e:
                    problems.append(f"{w}: {e}")
                    continue
                mine = out.context.setdefault(ent, ([], []))
                mine[0].extend(extra)
                mine[1].extend(deny)
    return out, problems


def load_rules_file(path: str | Path) -> tuple[RawCustomisation, list[str]]:
    path = Path(path)
    where = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return RawCustomisation(), [f"{where}: no such rules file"]
    except OSError as e:
        return RawCustomisation(), [f"{where}: cannot read: {e.strerror}"]
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return RawCustomisation(), [f"{where}: not UTF-8 text"]
    except tomllib.TOMLDecodeError as e:
        return RawCustomisation(), [f"{where}: invalid TOML: {e}"]
    unknown = sorted(set(data) - set(SECTIONS))
    out, problems = check_sections(data, where)
    for k in unknown:
        problems.append(f"{where}: unknown table or key {k} (a rules file holds [rules.NAME], [allow] "
                        "and [context.ENTITY] tables)")
    return out, problems


def rule_names(files, base: Path | None = None) -> tuple[str, ...]:
    """The entity types of the rules in `files`, read leniently (problems are
    reported when the files are loaded for real)."""
    out: list[str] = []
    for f in files:
        path = Path(f).expanduser()
        if base is not None and not path.is_absolute() and not path.exists():
            path = base / path
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        if isinstance(data.get("rules"), dict):
            out += [str(k).strip().upper() for k in data["rules"]]
    return tuple(out)


class RulesError(UsageError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def build(raw: RawCustomisation, key: bytes | None = None, styles: dict | None = None) -> Customisation:
    """Hash plain allow-list values (every normalisation an entity type can
    use, unless the entry names its entity type) and freeze. An entry for a
    custom rule's entity type is hashed as the rule normalises; `styles`:
    (kind, mask) of other entity types that are not built in (plugins')."""
    from scanner import privacy

    styles = dict(styles or {})
    for r in raw.rules:
        if r.entity not in privacy.BUILTIN_KINDS:  # a built-in entity keeps its hashing and masking
            styles[r.entity] = (r.normalise, r.mask)
    hashes: set[str] = set()
    entity_hashes: set[tuple[str, str]] = set()
    k = key or (privacy.hash_key() if raw.allow_values else b"")
    for entity, value in raw.allow_values:
        if value.lower().startswith(HMAC_PREFIX):
            h = value[len(HMAC_PREFIX):].strip().lower()
            if entity:
                entity_hashes.add((entity, h))
            else:
                hashes.add(h)
            continue
        if entity:
            style = styles.get(entity)
            if privacy.normalise(entity, value, style):
                entity_hashes.add((entity, privacy.value_hash(entity, value, k, style)))
        else:
            for kind in privacy.KINDS:
                # Not under a normalisation that leaves nothing (an e-mail
                # address as a phone number): that would allow every empty value.
                if privacy.normalise_as(kind, value):
                    hashes.add(privacy.hash_as(kind, value, k))
    pats = tuple(p for e, p in raw.allow_patterns if e is None)
    epats = tuple((e, p) for e, p in raw.allow_patterns if e is not None)
    context = tuple((e, tuple(dict.fromkeys(x)), tuple(dict.fromkeys(d))) for e, (x, d) in raw.context.items())
    return Customisation(rules=tuple(raw.rules),
                         allow=AllowList(tuple(sorted(hashes)), tuple(sorted(entity_hashes)), pats, epats,
                                         entries=len(raw.allow_values) + len(raw.allow_patterns)),
                         context=context)


def load(files: tuple[str, ...] | list[str] = (), sections: dict | None = None,
         where: str = "") -> Customisation:
    """Rules from config-file sections and `--rules` files; RulesError (exit
    2) listing every problem."""
    raw, problems = check_sections(sections or {}, where) if sections else (RawCustomisation(), [])
    for f in files:
        more, p = load_rules_file(f)
        problems += p
        have = {r.entity for r in raw.rules}
        for r in more.rules:
            if r.entity in have:
                problems.append(f"{f}: [rules.{r.entity}]: defined twice")
        raw.merge(more)
    if problems:
        raise RulesError(problems)
    return build(raw)


def section_validator(name: str):
    """For scanner.config.register_section: check one top-level table.
    Problems start with the table they are about ("[rules.EMPLOYEE_ID]: ...")."""

    def validate(table: dict) -> list[str]:
        return check_sections({name: table})[1]

    return validate
