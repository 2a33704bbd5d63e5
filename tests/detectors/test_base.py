"""detectors/base.py: rules anchored on a literal give finditer's matches."""

import random
import re

import pytest

from detectors.base import anchored_finditer
from detectors.catalog import build_recognizers, known_entities


def _strings(seed: int, pieces: list[str], n: int = 4000) -> list[str]:
    r = random.Random(seed)
    return ["".join(r.choice(pieces) for _ in range(r.randint(0, 30))) for _ in range(n)]


def _anchored_rules():
    out = []
    for rec in build_recognizers(list(known_entities())):
        for rule, rx in getattr(rec, "_compiled", ()):
            if rule.anchor:
                out.append(pytest.param(rule, rx, id=f"{type(rec).__name__}.{rule.name}"))
    return out


ANCHORED = _anchored_rules()


def test_some_rules_are_anchored():
    assert {p.id for p in ANCHORED} >= {"EmailAddressRecognizer.email", "PhoneNumberRecognizer.nanp_e164"}


@pytest.mark.parametrize("rule,rx", ANCHORED)
def test_anchored_rule_finds_what_finditer_finds(rule, rx):
    assert not re.search(r"[A-Za-z]", rule.anchor)  # found case-sensitively
    pieces = [rule.anchor, rule.anchor, "a", "B", "x.y", "é", "_", "-", ".", " ", "'", "+", "%", "1", "212",
              "555", "0147", "example", ".com", "co.uk", "jane.doe", "(", ")", "\n"]
    r = random.Random(3)
    for s in _strings(hash(rule.name) & 0xFFFF, pieces):
        lo = r.randint(0, len(s))
        hi = r.randint(lo, len(s))
        want = [m.span() for m in rx.finditer(s, lo, hi)]
        assert [m.span() for m in anchored_finditer(rx, s, lo, hi, rule.anchor, rule.anchor_reach)] == want, s


def test_anchored_finditer_needs_the_reach():
    """A reach shorter than the regex allows misses matches (the test above
    would catch a rule declaring one)."""
    rx = re.compile(r"\w{1,10}@\w+")
    s = "abcdefgh@x and ab@y"
    assert [m.group() for m in anchored_finditer(rx, s, 0, len(s), "@", 10)] == ["abcdefgh@x", "ab@y"]
    assert [m.group() for m in anchored_finditer(rx, s, 0, len(s), "@", 2)] == ["gh@x", "ab@y"]
