"""Exposure in reports and exports: who may read what was found.

`summary()` feeds `piiscout report` (text and JSON): top-level items per
exposure, the locations holding each entity type per exposure, and the
report's headline, the sentence of scanner/risk.py (`risk.headline`) that
the client report's cover and webhooks print too: "27 Social Security
numbers in 9 files, 6 of them readable by everyone."
`access_by_location()` gives exports each finding's exposure and readers
(a finding sits in one object; every row of an object carries its access).

Unknown exposure (an inventory from before exposure was recorded, a
source with no notion of access, permissions that could not be read) is
counted as "unknown", never as any class.
"""

from __future__ import annotations

from collections import Counter

import pyarrow as pa
import pyarrow.compute as pc

from scanner import risk
from scanner.inventory.state import iter_batches
from scanner.model import EXPOSURES

UNKNOWN = "unknown"
ORDER = (*EXPOSURES, UNKNOWN)
WHO = risk.EXPOSURE_PHRASE  # "readable by ..." in the text report


def _top_level(inv, view, columns: list[str]):
    """Batches of top-level items rows (part ""), with `columns`."""
    cols = ["part", *columns]
    for b in iter_batches(inv, view, "items", cols):
        b = b.filter(pc.equal(b.column(0), ""))
        if b.num_rows:
            yield b


def access_by_location(inv, view, locations: set[str]) -> dict[str, tuple[str | None, list[str] | None]]:
    """{location: (exposure, readers)} for `locations` (those with findings)."""
    out: dict[str, tuple[str | None, list[str] | None]] = {}
    if not locations:
        return out
    wanted = pa.array(sorted(locations), pa.string())
    for b in _top_level(inv, view, ["location", "exposure", "readers"]):
        b = b.filter(pc.is_in(b.column(1), value_set=wanted))
        for loc, exp, readers in zip(*(b.column(i).to_pylist() for i in (1, 2, 3))):
            out[loc] = (exp, readers)
    return out


def summary(inv, view, findings: pa.Table, distinct: dict[str, int]) -> dict:
    """`by_exposure`, `exposure_by_entity` and `headline` of a report;
    `findings` has at least location and entity_type, `distinct` counts
    distinct values per entity type."""
    items: Counter = Counter()
    statuses: Counter = Counter()
    known = False
    where: dict[str, tuple[str, str]] = {}  # location -> (exposure, kind)
    located = pa.array(sorted(set(findings.column("location").unique().to_pylist())), pa.string()) \
        if findings.num_rows else None
    for b in _top_level(inv, view, ["location", "exposure", "source", "content_type", "status"]):
        exps = pc.fill_null(b.column(2), UNKNOWN)
        for value, n in zip(*(pc.value_counts(exps).field(f).to_pylist() for f in ("values", "counts"))):
            items[value] += n
        statuses.update(b.column(5).to_pylist())
        known = known or b.column(2).null_count < b.num_rows
        if located is not None:
            keep = b.filter(pc.is_in(b.column(1), value_set=located))
            for loc, exp, src, ctype in zip(*(keep.column(i).to_pylist() for i in (1, 2, 3, 4))):
                where[loc] = (exp or UNKNOWN, risk.location_kind(src, ctype))
    per_loc: dict[str, list[tuple[str, int]]] = {}
    if findings.num_rows:
        pairs = findings.select(["location", "entity_type"]).group_by(["location", "entity_type"]).aggregate(
            [("entity_type", "count")])
        for loc, ent, n in zip(*(pairs.column(c).to_pylist() for c in ("location", "entity_type", "entity_type_count"))):
            per_loc.setdefault(loc, []).append((ent, n))
    by_entity: dict[str, Counter] = {}
    rows = []  # (kind, exposure, counts) per location, for the headline
    for loc, counts in per_loc.items():
        exposure, kind = where.get(loc, (UNKNOWN, "file"))
        rows.append((kind, exposure, counts))
        for ent, _ in counts:
            by_entity.setdefault(ent, Counter())[exposure] += 1
    with_findings: Counter = Counter(e for e, _ in where.values())
    totals = risk.entity_totals(rows, lambda e: distinct.get(e, 0))
    return {
        "by_exposure": {e: {"items": items[e], "with_findings": with_findings[e]} for e in ORDER
                        if items[e] or with_findings[e]},
        "exposure_by_entity": {ent: {e: c[e] for e in ORDER if c[e]} for ent, c in sorted(by_entity.items())},
        "headline": risk.headline(totals, statuses, known),
    }


def lines(rep: dict) -> list[str]:
    """The report's table of items per exposure."""
    by = rep.get("by_exposure") or {}
    if not by or set(by) == {UNKNOWN}:
        return []
    out = ["", f"{'Who can read it':<22}{'Items':>10}{'With findings':>15}"]
    for e in ORDER:
        if e in by:
            out.append(f"{e:<22}{by[e]['items']:>10,}{by[e]['with_findings']:>15,}")
    return out
