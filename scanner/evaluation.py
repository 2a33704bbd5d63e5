"""Precision and recall of a scan against planted values.

Used by the tests, the benchmark and anyone who plants canary values on a
share to check a scan: truth is {relative path: {entity_type: [values]}};
findings are matched by value_hash (the same key must be in use), per file
and entity type.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from scanner import privacy
from scanner.inventory.reader import Inventory

CORE_ENTITIES = ("US_SSN", "CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def __iadd__(self, other: "Score") -> "Score":
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self


def found_hashes(inventory: Path, scan_id: str | None, root: Path, relative=None) -> dict[str, dict[str, set[str]]]:
    """{relative location: {entity: {value_hash}}} for a scan."""
    inv = Inventory(inventory)
    sid = inv.resolve_scan(scan_id)
    t = inv.findings(sid, columns=["location", "entity_type", "value_hash"])
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    rel = relative or (lambda loc: os.path.relpath(loc, root).replace(os.sep, "/"))
    for loc, ent, h in zip(*(t.column(c).to_pylist() for c in ("location", "entity_type", "value_hash"))):
        out[rel(loc)][ent].add(h)
    return out


def evaluate(found: dict[str, dict[str, set[str]]], truth: dict[str, dict[str, list[str]]],
             entities=CORE_ENTITIES, files=None) -> dict[str, dict[str, Score]]:
    """Per file, per entity: TP/FP/FN over distinct values."""
    key = privacy.hash_key()
    result: dict[str, dict[str, Score]] = {}
    for path in sorted(files if files is not None else truth):
        per = {}
        for ent in entities:
            want = {privacy.value_hash(ent, v, key) for v in truth.get(path, {}).get(ent, [])}
            got = found.get(path, {}).get(ent, set())
            per[ent] = Score(tp=len(want & got), fp=len(got - want), fn=len(want - got))
        result[path] = per
    return result


def totals(result: dict[str, dict[str, Score]]) -> dict[str, Score]:
    out: dict[str, Score] = defaultdict(Score)
    for per in result.values():
        for ent, s in per.items():
            out[ent] += s
    return dict(out)


def worst_files(result: dict[str, dict[str, Score]], threshold: float = 0.95) -> list[str]:
    bad = []
    for path, per in result.items():
        for ent, s in per.items():
            if s.precision < threshold or s.recall < threshold:
                bad.append(f"{path} {ent}: P={s.precision:.2f} R={s.recall:.2f} (tp={s.tp} fp={s.fp} fn={s.fn})")
    return bad
