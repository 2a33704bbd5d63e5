"""Custom rules and per-entity context as recognizers; the allow-list check.

A custom rule (detectors/rules.py) becomes a `PiiRecognizer` subclass like
the built-ins: its patterns are its prefilter triggers, so it runs in the
fast engine's Hyperscan pass and only in windows around hits. A pattern
Hyperscan cannot compile (lookarounds, backreferences) makes the rule run
with Python `re` over whole segments instead (slower; said at load time and
in `piiscout detectors`).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Sequence

from detectors.base import PiiRecognizer, Rule, Trigger
from detectors.rules import RE_FLAGS, AllowList, CustomRule, Customisation, trigger_regex
from detectors import validators

log = logging.getLogger("piiscout.rules")
_warned: set[str] = set()


def _validator(name: str | None):
    if not name:
        return None
    if name == "luhn":
        return lambda v: len(validators.digits(v)) >= 2 and validators.luhn_ok(validators.digits(v))
    if name == "mod97":
        from stdnum.iso7064 import mod_97_10

        return lambda v: _alnum(v) != "" and mod_97_10.is_valid(_alnum(v))
    if name == "verhoeff":
        from stdnum import verhoeff

        return lambda v: validators.digits(v) != "" and verhoeff.is_valid(validators.digits(v))
    if name == "damm":
        from stdnum import damm

        return lambda v: validators.digits(v) != "" and damm.is_valid(validators.digits(v))
    if name.startswith("stdnum:"):
        import importlib

        mod = importlib.import_module("stdnum." + name[len("stdnum:"):].strip())

        def check(v: str, _m=mod) -> bool:
            try:
                return bool(_m.is_valid(v))
            except Exception:  # noqa: BLE001 - a validator that raises rejects
                return False

        return check
    raise ValueError(f"unknown validator {name!r}")


def _alnum(v: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", v).upper()


def _class_name(entity: str) -> str:
    return "CustomRule_" + "".join(p.capitalize() for p in entity.lower().split("_"))


def rule_class(rule: CustomRule, extra: Sequence[str] = (), deny: Sequence[str] = ()) -> type[PiiRecognizer]:
    """A PiiRecognizer subclass for one custom rule."""
    # A rule for a built-in entity type adds patterns; its values keep the
    # built-in's hashing and masking (catalog.entity_styles leaves those out).
    flags = RE_FLAGS | (re.IGNORECASE if rule.ignore_case else 0)
    rules = tuple(Rule(f"{rule.entity.lower()}_{i}", p, rule.score, rule.context_score, flags)
                  for i, p in enumerate(rule.patterns, 1))
    check = _validator(rule.validator)
    fast = rule.slow_reason is None
    if not fast and rule.entity not in _warned:
        _warned.add(rule.entity)
        log.warning("custom rule %s: Hyperscan cannot compile it (%s); it runs with Python re over whole "
                    "texts (slower)", rule.entity, rule.slow_reason)

    ns = {
        "ENTITY": rule.entity,
        "RULES": rules,
        "CONTEXT": tuple(dict.fromkeys(tuple(rule.context) + tuple(extra))),
        "NEGATIVE_CONTEXT": tuple(dict.fromkeys(tuple(rule.negative_context) + tuple(deny))),
        "TRIGGERS": tuple(Trigger(trigger_regex(p), caseless=rule.ignore_case) for p in rule.patterns) if fast else (),
        "CONTEXT_TRIGGERS": fast,
        "MAX_LEN": rule.max_length,
        "NORMALISE": rule.normalise,
        "MASK": rule.mask,
        "CUSTOM_RULE": rule,
        "NOTES": (f"custom rule{' from ' + rule.origin if rule.origin else ''}; score {rule.score:g}-"
                  f"{rule.context_score:g}"
                  + (f"; validator {rule.validator}" if rule.validator else "")
                  + ("; Hyperscan prefilter" if fast else f"; Python re over whole texts ({rule.slow_reason})")),
        "__module__": __name__,
    }
    if check is not None:
        ns["validate"] = lambda self, value, _c=check: _c(value)
    if not fast:
        # No trigger covers the patterns: run on whole segments.
        ns["triggers"] = lambda self: []
    return type(_class_name(rule.entity), (PiiRecognizer,), ns)


def with_context(cls: type[PiiRecognizer], extra: Sequence[str], deny: Sequence[str]) -> type[PiiRecognizer]:
    """A built-in recognizer with extra context words (raise its scores) and
    deny words (near a match, they cap its score at 0.2)."""
    if not extra and not deny:
        return cls
    ns = {
        "CONTEXT": tuple(dict.fromkeys(tuple(cls.CONTEXT) + tuple(extra))),
        "NEGATIVE_CONTEXT": tuple(dict.fromkeys(tuple(cls.NEGATIVE_CONTEXT) + tuple(deny))),
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
    }
    sub = type(cls.__name__, (cls,), ns)
    return sub


# -- the allow list -----------------------------------------------------------------------

class AllowMatcher:
    """Decides, in the worker, whether a finding's value is allow-listed:
    by its value_hash (already computed for the finding) or by a regex over
    the value as found and as normalised."""

    def __init__(self, allow: AllowList):
        self.allow = allow
        self.hashes = frozenset(allow.hashes)
        self.entity_hashes = frozenset(allow.entity_hashes)
        self._any = [re.compile(p) for p in allow.patterns]
        self._by_entity: dict[str, list[re.Pattern]] = {}
        for e, p in allow.entity_patterns:
            self._by_entity.setdefault(e, []).append(re.compile(p))

    def __bool__(self) -> bool:
        return bool(self.allow)

    def allowed(self, entity: str, value: str, value_hash: str, style=None) -> bool:
        if value_hash in self.hashes or (entity, value_hash) in self.entity_hashes:
            return True
        pats = self._any + self._by_entity.get(entity, [])
        if not pats:
            return False
        from scanner import privacy

        norm = privacy.normalise(entity, value, style)
        return any(p.fullmatch(value) or p.fullmatch(norm) for p in pats)


@lru_cache(maxsize=8)
def matcher(allow: AllowList) -> AllowMatcher:
    return AllowMatcher(allow)


def custom_recognizers(custom: Customisation | None, entities: Sequence[str]) -> list[PiiRecognizer]:
    if not custom:
        return []
    wanted = set(entities)
    out = []
    for rule in custom.rules:
        if rule.entity in wanted:
            extra, deny = custom.context_for(rule.entity)
            out.append(rule_class(rule, extra, deny)())
    return out
