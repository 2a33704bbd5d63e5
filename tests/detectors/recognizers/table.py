"""MUST_MATCH / MUST_NOT_MATCH tables, run as a scan runs them.

Every test module of a recognizer module (tests/detectors/recognizers/
test_<module>.py) declares, at module level:

* `MUST_MATCH`: cases whose `value` must be reported, as the case's entity,
  by the recognizer class the case names, and nothing else of that entity;
* `MUST_NOT_MATCH`: cases where nothing of the case's entity is reported.

A case is a `Case`, or the short forms the tables were first written in:
`(text, value)` and `text` (the module's `ENTITY` and `RECOGNIZER`), or
`(entity, text, value)` and `(entity, text)` (the recognizer of that entity
when there is one). The module then binds the two tests with

    test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH)

Each case's text is written to a file (`name`: a .txt unless the case says
otherwise; a .csv for a table with a header row) and scanned by the real
pipeline (sniffing, the extractor, the detection engine with the default
entities, allow list and masking), and the findings are read back from the
record batches a worker would send. tests/test_architecture.py requires
every recognizer class the catalog registers to have at least
`MIN_CASES` positive and `MIN_CASES` negative cases of its own (known
failures, `xfail=`, do not count).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import pytest

MIN_CASES = 10


@dataclass(frozen=True)
class Case:
    text: str
    # What must be reported (several values: a tuple, in order); None for a
    # MUST_NOT_MATCH case.
    value: str | tuple[str, ...] | None = None
    entity: str | None = None
    recognizer: str | None = None  # class name; default: the only class of the entity
    name: str = "case.txt"  # the file's name (its extension picks the extractor)
    why: str = ""
    # A known failure, temporarily (the reason names who fixes it): run as a
    # strict xfail, and not counted towards MIN_CASES.
    xfail: str = ""

    def __str__(self) -> str:
        return (self.why or self.text)[:60]


@dataclass(frozen=True)
class Finding:
    entity: str
    value: str
    detector: str
    value_hash: str


def normalise(raw, positive: bool, entity: str | None = None, recognizer: str | None = None) -> Case:
    """A table entry in any of its forms as a Case with entity and recognizer."""
    if isinstance(raw, Case):
        case = raw
    elif isinstance(raw, tuple) and positive and len(raw) == 2 and isinstance(raw[1], list):
        case = Case(raw[0], tuple(raw[1]))
    elif isinstance(raw, str):
        case = Case(raw)
    elif positive and len(raw) == 2:
        case = Case(raw[0], raw[1])
    elif positive and len(raw) == 3:
        case = Case(raw[1], raw[2], entity=raw[0])
    elif not positive and len(raw) == 2:
        case = Case(raw[1], entity=raw[0])
    else:
        raise TypeError(f"not a table case: {raw!r}")
    ent = case.entity or entity
    if ent is None:
        raise TypeError(f"{raw!r}: no entity (set ENTITY in the module or entity= in the Case)")
    rec = case.recognizer or (recognizer if ent == entity else None) or _only_class(ent)
    return Case(case.text, case.value, ent, rec, case.name, case.why, case.xfail)


def _only_class(entity: str) -> str:
    from detectors.catalog import recognizer_classes

    names = [c.__name__ for c in recognizer_classes() if c.ENTITY == entity]
    if len(names) != 1:
        raise TypeError(f"{entity} has recognizers {names}: name the case's recognizer")
    return names[0]


def module_cases(module) -> tuple[list[Case], list[Case]]:
    """The (MUST_MATCH, MUST_NOT_MATCH) cases a test module declares."""
    entity = getattr(module, "ENTITY", None)
    recognizer = getattr(module, "RECOGNIZER", None)
    pos = [normalise(c, True, entity, recognizer) for c in getattr(module, "MUST_MATCH", ())]
    neg = [normalise(c, False, entity, recognizer) for c in getattr(module, "MUST_NOT_MATCH", ())]
    for c in pos:
        if not c.value:
            raise TypeError(f"MUST_MATCH case without a value: {c.text!r}")
    return pos, neg


@lru_cache(maxsize=1)
def _processor():
    from scanner.job import Job
    from scanner.model import TargetSpec
    from scanner.pipeline import ItemProcessor
    from scanner.settings import ScanSettings

    return ItemProcessor(Job((TargetSpec(name="t", url="/t", scheme="file"),), ScanSettings(item_timeout=60)))


def scan(text: str, name: str = "case.txt") -> list[Finding]:
    """The findings a scan reports for a file `name` holding `text` (UTF-8)."""
    from scanner.model import ItemRecord
    from scanner.pipeline import ObjectInfo

    proc = _processor()
    out = []
    records = proc.scan_stream(io.BytesIO(text.encode()), ObjectInfo("file", "/t/" + name), name,
                               time.monotonic() + 60)
    for batch in records:
        if isinstance(batch, ItemRecord):
            assert batch.status == "scanned", (batch.status, batch.reason)
            continue
        rows = batch.to_pylist()
        for row in rows:
            # Offsets are characters of the decoded text (one segment here).
            out.append(Finding(row["entity_type"], text[row["start"]:row["end"]], row["detector"],
                               row["value_hash"]))
    return out


def check_match(case: Case) -> None:
    from scanner import privacy

    want = list(case.value) if isinstance(case.value, tuple) else [case.value]
    got = [f for f in scan(case.text, case.name) if f.entity == case.entity]
    assert [f.value for f in got] == want, f"{case.text!r}: {[(f.value, f.detector) for f in got]}"
    for f, value in zip(got, want):
        assert f.detector == case.recognizer, f"{value!r} found by {f.detector}, not {case.recognizer}"
        assert f.value_hash == privacy.value_hash(case.entity, value, _processor().key)


def check_no_match(case: Case) -> None:
    got = [f for f in scan(case.text, case.name) if f.entity == case.entity]
    assert got == [], f"{case.text!r}: {[(f.value, f.detector) for f in got]}"


def _params(cases: Iterable[Case]) -> list:
    return [pytest.param(c, id=f"{c.entity}:{c}",
                         marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else [])
            for c in cases]


def table_tests(must_match, must_not_match, entity: str | None = None, recognizer: str | None = None):
    """The two tests of a module's tables (bind them to test_* names)."""
    pos = [normalise(c, True, entity, recognizer) for c in must_match]
    neg = [normalise(c, False, entity, recognizer) for c in must_not_match]

    @pytest.mark.parametrize("case", _params(pos))
    def test_must_match(case):
        check_match(case)

    @pytest.mark.parametrize("case", _params(neg))
    def test_must_not_match(case):
        check_no_match(case)

    # What tests/test_architecture.py counts, and checks is what runs.
    test_must_match.cases, test_must_not_match.cases = pos, neg
    return test_must_match, test_must_not_match
