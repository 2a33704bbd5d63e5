"""Exposure in reports and exports: who may read what was found.

`summary()` feeds `piiscout report` (text and JSON): top-level items per
exposure, the locations holding each entity type per exposure, and the
headline "12 files with Social Security numbers readable by everyone".
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

from scanner import entity_labels
from scanner.inventory.state import iter_batches
from scanner.model import AUTHENTICATED, EVERYONE, EXPOSURES

UNKNOWN = "unknown"
ORDER = (*EXPOSURES, UNKNOWN)
HEADLINE_WHO = {EVERYONE: "everyone", AUTHENTICATED: "any signed-in user"}
# "readable by ..." in the text report
WHO = {EVERYONE: "everyone", AUTHENTICATED: "any signed-in user", "group": "a group", "owner": "its owner only"}


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


def _kind(source: str | None) -> str:
    return "tables" if source == "sql" else "files"


def summary(inv, view, findings: pa.Table) -> dict:
    """`by_exposure`, `exposure_by_entity` and `exposure_headline` of a
    report; `findings` has at least location and entity_type."""
    items: Counter = Counter()
    exposure_of: dict[str, tuple[str, str]] = {}
    located = pa.array(sorted(set(findings.column("location").unique().to_pylist())), pa.string()) \
        if findings.num_rows else None
    for b in _top_level(inv, view, ["location", "exposure", "source"]):
        exps = pc.fill_null(b.column(2), UNKNOWN)
        for value, n in zip(*(pc.value_counts(exps).field(f).to_pylist() for f in ("values", "counts"))):
            items[value] += n
        if located is not None:
            keep = b.filter(pc.is_in(b.column(1), value_set=located))
            for loc, exp, src in zip(*(keep.column(i).to_pylist() for i in (1, 2, 3))):
                exposure_of[loc] = (exp or UNKNOWN, src)
    with_findings: Counter = Counter(e for e, _ in exposure_of.values())
    by_entity: dict[str, Counter] = {}
    kinds: dict[tuple[str, str], Counter] = {}
    if findings.num_rows:
        pairs = findings.select(["location", "entity_type"]).group_by(["location", "entity_type"]).aggregate([])
        for loc, ent in zip(*(pairs.column(c).to_pylist() for c in ("location", "entity_type"))):
            exp, src = exposure_of.get(loc, (UNKNOWN, None))
            by_entity.setdefault(ent, Counter())[exp] += 1
            kinds.setdefault((ent, exp), Counter())[_kind(src)] += 1
    return {
        "by_exposure": {e: {"items": items[e], "with_findings": with_findings[e]} for e in ORDER
                        if items[e] or with_findings[e]},
        "exposure_by_entity": {ent: {e: c[e] for e in ORDER if c[e]} for ent, c in sorted(by_entity.items())},
        "exposure_headline": headline(by_entity, kinds),
    }


def headline(by_entity: dict[str, Counter], kinds: dict[tuple[str, str], Counter]) -> dict | None:
    """The most exposed highly sensitive data: "12 files with Social
    Security numbers readable by everyone" (any signed-in user when nothing
    sensitive is open to everyone); None when nothing sensitive is exposed."""
    for exposure in (EVERYONE, AUTHENTICATED):
        best = None
        for ent, c in by_entity.items():
            if c[exposure] and entity_labels.sensitivity(ent) == entity_labels.HIGH:
                if best is None or (c[exposure], ent) > (by_entity[best][exposure], best):
                    best = ent
        if best is None:
            continue
        n = by_entity[best][exposure]
        places = kinds[(best, exposure)]
        where = " and ".join(f"{k:,} {noun if k != 1 else noun[:-1]}" for noun, k in sorted(places.items()) if k)
        return {"entity_type": best, "exposure": exposure, "locations": n,
                "text": f"{where} with {entity_labels.plural(best)} readable by {HEADLINE_WHO[exposure]}"}
    return None


def headline_lines(rep: dict) -> list[str]:
    head = rep.get("exposure_headline")
    return [head["text"][0].upper() + head["text"][1:] + "."] if head else []


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
