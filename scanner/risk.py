"""Risk score per location, folder rollups, and the one-sentence headline.

Shared by the client report (scanner/reporting/), the text and JSON
report (scanner/report.py), the XLSX export and webhooks: `assess(inv,
view)` reads an inventory view once and returns an `Assessment`;
`headline()` is the one-sentence headline all of them print (from totals
per entity type, `entity_totals()`), `risk_headline(inventory)` the
sentence alone.

The score (README "Risk score") of a location (a file, a table, a mailbox):

    points = sum over kinds k of data found there of  W(k) * (1 + log10(n_k))
             * exposure factor * age factor
    score  = round(100 * (1 - exp(-points / 40)))            (0-100)

  kinds     entity types grouped by what they are (scanner/entity_labels.py):
            government identifiers, payment cards, bank details, health,
            credentials, personal details, contact, network, other. A clinic
            note with a condition, a medication and a diagnosis code is one
            kind of data (health), not three
  W(k)      sensitivity weight, the highest of the kind's entity types:
            high 10 (SSN, card, bank account, medical, credential, national
            id), medium 4 (name, date of birth, address), low 1 (e-mail,
            phone, IP address), none 0 (published test card numbers)
  n_k       findings of that kind in the location: volume counts, but each
            tenfold adds one weight, so 10,000 e-mail addresses never
            outrank one file of SSNs
  exposure  who may read it (items.exposure): everyone 2.0, any signed-in
            user 1.6, a group 1.2, owner only 1.0; unknown (not recorded, or
            a scan from before exposure was recorded) 1.2, as a group
  age       last modified over 3 years before the scan 1.3, over 1 year 1.15,
            else (or unknown) 1.0: forgotten copies are the ones nobody guards
            and the ones retention rules say should be gone

Bands: critical >= 80, high >= 60, medium >= 25, low > 0.

A folder (subfolders included) scores like its riskiest file plus a tenth
of the points of everything else below it: never less than its worst file,
and higher the more sensitive files it gathers:

    folder points = max(points) + 0.1 * (sum(points) - max(points))
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from scanner import entity_labels
from scanner.inventory.reader import Inventory
from scanner.inventory.schema import ITEMS
from scanner.inventory.state import View, iter_batches, owning_target, resolve_view

SENSITIVITY_WEIGHT = {entity_labels.HIGH: 10.0, entity_labels.MEDIUM: 4.0, entity_labels.LOW: 1.0,
                      entity_labels.NONE: 0.0}
EXPOSURE_FACTOR = {"everyone": 2.0, "authenticated": 1.6, "group": 1.2, "owner": 1.0}
UNKNOWN_EXPOSURE_FACTOR = 1.2
# For sentences: "readable by everyone", "readable by any signed-in user".
EXPOSURE_PHRASE = {"everyone": "everyone", "authenticated": "any signed-in user", "group": "a group",
                   "owner": "its owner only"}
EXPOSURE_LABEL = {"everyone": "Everyone", "authenticated": "All signed-in users", "group": "A group",
                  "owner": "Owner only", None: "Not recorded"}
AGE_STEPS = ((3 * 365, 1.3), (365, 1.15))  # (days since last modified, factor), oldest first
SCALE = 40.0
BANDS = ((80, "critical"), (60, "high"), (25, "medium"), (1, "low"))
FOLDER_REST_SHARE = 0.1  # a folder's points: its worst file plus this share of the rest
FILE_SOURCES = ("file", "smb")
MAILBOX_TYPES = ("application/mbox", "application/vnd.ms-outlook-pst")
KIND_NOUNS = {"file": ("file", "files"), "table": ("table", "tables"), "mailbox": ("mailbox", "mailboxes")}


# -- the formula ------------------------------------------------------------------------

def age_factor(modified_at: datetime | None, as_of: datetime) -> float:
    if modified_at is None:
        return 1.0
    days = (as_of - modified_at).total_seconds() / 86400
    for limit, factor in AGE_STEPS:
        if days > limit:
            return factor
    return 1.0


def exposure_factor(exposure: str | None) -> float:
    return EXPOSURE_FACTOR.get(exposure or "", UNKNOWN_EXPOSURE_FACTOR)


def content_points(counts: Mapping[str, int]) -> float:
    """Sensitivity and volume: sum over kinds of W(k) * (1 + log10(n_k))."""
    weight: dict[str, float] = {}
    volume: Counter = Counter()
    for e, n in counts.items():
        if n <= 0:
            continue
        info = entity_labels.info(e)
        weight[info.kind] = max(weight.get(info.kind, 0.0), SENSITIVITY_WEIGHT[info.sensitivity])
        volume[info.kind] += n
    return sum(w * (1 + math.log10(volume[k])) for k, w in weight.items())


def location_points(counts: Mapping[str, int], exposure: str | None, modified_at: datetime | None,
                    as_of: datetime) -> float:
    return content_points(counts) * exposure_factor(exposure) * age_factor(modified_at, as_of)


def to_score(points: float) -> int:
    return int(round(100 * (1 - math.exp(-points / SCALE)))) if points > 0 else 0


def band(score: int) -> str:
    for floor, name in BANDS:
        if score >= floor:
            return name
    return "none"


# -- values -------------------------------------------------------------------------------

@dataclass(frozen=True)
class LocationRisk:
    location: str
    source: str
    kind: str  # file | table | mailbox
    target: str | None
    counts: tuple[tuple[str, int], ...]  # (entity type, findings), most first
    exposure: str | None
    modified_at: datetime | None
    content_type: str | None
    points: float
    score: int
    band: str
    readers: tuple[str, ...] = ()  # items.readers: who may read it, as recorded

    @property
    def findings(self) -> int:
        return sum(n for _, n in self.counts)

    def has(self, sensitivity: str) -> bool:
        return any(entity_labels.sensitivity(e) == sensitivity for e, _ in self.counts)


@dataclass(frozen=True)
class FolderRisk:
    folder: str
    target: str | None
    files: int  # files with findings below it, subfolders included
    counts: tuple[tuple[str, int], ...]
    exposed: int  # of those files, readable by everyone
    points: float
    score: int
    band: str


@dataclass(frozen=True)
class EntityTotal:
    entity: str
    findings: int
    distinct: int  # distinct values (by keyed hash)
    locations: Mapping[str, int]  # kind -> locations holding it
    exposed: Mapping[str, int]  # exposure -> locations holding it


@dataclass
class Assessment:
    as_of: datetime
    targets: list[str]
    locations: list[LocationRisk]  # every location with findings, riskiest first
    entities: list[EntityTotal]  # most widespread first
    statuses: Counter = field(default_factory=Counter)  # top-level objects by status
    exposure_known: bool = False  # any examined object has a recorded exposure

    def headline(self) -> str:
        return headline(self.entities, self.statuses, self.exposure_known)

    def folders(self, limit: int | None = None) -> list[FolderRisk]:
        return folder_rollups(self.locations, self.targets)[:limit]


# -- reading an inventory -------------------------------------------------------------------

class _Distinct:
    """Distinct values per entity type, kept as 8-byte prefixes of their hashes."""

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {}

    def add(self, entities: list[str], hashes: list[str | None]) -> None:
        per: dict[str, list[int]] = {}
        for e, h in zip(entities, hashes):
            per.setdefault(e, []).append(int(h[:16], 16) - (1 << 63) if h else 0)
        for e, values in per.items():
            lst = self.parts.setdefault(e, [])
            lst.append(np.unique(np.array(values, dtype=np.int64)))
            if len(lst) > 64:
                self.parts[e] = [np.unique(np.concatenate(lst))]

    def count(self, entity: str) -> int:
        parts = self.parts.get(entity)
        return int(len(np.unique(np.concatenate(parts)))) if parts else 0


def _finding_counts(inv: Inventory, view: View, distinct: _Distinct, entities: tuple[str, ...] = (),
                    min_score: float | None = None) -> pa.Table:
    """(source, location, entity_type, n) over the view, aggregated batch by batch;
    only the `entities` asked for and findings scoring at least `min_score`."""
    keys = ["source", "location", "entity_type"]
    partial: list[pa.Table] = []
    rows = 0
    wanted = pa.array(list(entities), pa.string()) if entities else None
    for b in iter_batches(inv, view, "findings", keys + ["value_hash", "score"]):
        t = pa.Table.from_batches([b])
        if wanted is not None:
            t = t.filter(pc.is_in(t.column("entity_type"), value_set=wanted))
        if min_score is not None:
            t = t.filter(pc.greater_equal(t.column("score"), min_score))
        if not t.num_rows:
            continue
        distinct.add(t.column("entity_type").to_pylist(), t.column("value_hash").to_pylist())
        g = t.group_by(keys).aggregate([("value_hash", "count")]).rename_columns(keys + ["n"])
        partial.append(g)
        rows += g.num_rows
        if rows > 500_000:  # keep the partial tallies small
            partial = [_regroup(partial, keys)]
            rows = partial[0].num_rows
    if not partial:
        return pa.table({"source": pa.array([], pa.string()), "location": pa.array([], pa.string()),
                         "entity_type": pa.array([], pa.string()), "n": pa.array([], pa.int64())})
    return _regroup(partial, keys)


def _regroup(parts: list[pa.Table], keys: list[str]) -> pa.Table:
    t = pa.concat_tables(parts)
    return t.group_by(keys).aggregate([("n", "sum")]).rename_columns(keys + ["n"])


def _item_columns() -> list[str]:
    cols = ["source", "location", "part", "modified_at", "content_type", "status"]
    # items.exposure/readers (issue 19): null in rows of older inventories.
    return cols + [c for c in ("exposure", "readers") if c in ITEMS.names]


def _top_level_items(inv: Inventory, view: View, wanted: set[str]) -> tuple[dict[str, dict], Counter, bool]:
    """Top-level rows (part "") of the locations in `wanted`, status counts
    over every top-level object, and whether any exposure is recorded."""
    cols = _item_columns()
    found: dict[str, dict] = {}
    statuses: Counter = Counter()
    exposure_known = False
    value_set = pa.array(sorted(wanted), pa.string())
    for b in iter_batches(inv, view, "items", cols):
        b = b.filter(pc.equal(b.column(cols.index("part")), ""))
        if not b.num_rows:
            continue
        statuses.update(b.column(cols.index("status")).to_pylist())
        if "exposure" in cols and b.column(cols.index("exposure")).null_count < b.num_rows:
            exposure_known = True
        if not wanted:
            continue
        for row in b.filter(pc.is_in(b.column(cols.index("location")), value_set=value_set)).to_pylist():
            found[row["location"]] = row
    return found, statuses, exposure_known


def location_kind(source: str, content_type: str | None) -> str:
    if source == "sql":
        return "table"
    if source == "mail" or (content_type or "") in MAILBOX_TYPES:
        return "mailbox"
    return "file"


def as_of_time(view: View) -> datetime:
    t = view.latest.get("finished_at") or view.latest.get("started_at")
    return t if isinstance(t, datetime) else datetime.now(timezone.utc)


def assess(inv: Inventory, view: View, entities: tuple[str, ...] = (), min_score: float | None = None) -> Assessment:
    """Risk of every location with findings in a view, and totals per entity
    (of the `entities` asked for and findings scoring `min_score` or more)."""
    as_of = as_of_time(view)
    distinct = _Distinct()
    counts = _finding_counts(inv, view, distinct, entities, min_score)
    per_loc: dict[str, dict[str, int]] = {}
    source_of: dict[str, str] = {}
    for src, loc, ent, n in zip(*(counts.column(c).to_pylist() for c in ("source", "location", "entity_type", "n"))):
        per_loc.setdefault(loc, {})[ent] = per_loc.get(loc, {}).get(ent, 0) + n
        source_of[loc] = src
    items, statuses, exposure_known = _top_level_items(inv, view, set(per_loc))
    targets = view.targets
    locations = []
    for loc, ents in per_loc.items():
        row = items.get(loc, {})
        exposure = row.get("exposure")
        modified = row.get("modified_at")
        pts = location_points(ents, exposure, modified, as_of)
        score = to_score(pts)
        locations.append(LocationRisk(
            location=loc, source=source_of[loc], kind=location_kind(source_of[loc], row.get("content_type")),
            target=owning_target(loc, targets), counts=tuple(sorted(ents.items(), key=lambda kv: (-kv[1], kv[0]))),
            exposure=exposure, modified_at=modified, content_type=row.get("content_type"),
            points=pts, score=score, band=band(score), readers=tuple(row.get("readers") or ())))
    locations.sort(key=lambda r: (-r.points, r.location))
    totals = entity_totals(((r.kind, r.exposure, r.counts) for r in locations), distinct.count)
    return Assessment(as_of, targets, locations, totals, statuses, exposure_known)


def entity_totals(locations: Iterable[tuple[str, str | None, Iterable[tuple[str, int]]]],
                  distinct: Callable[[str], int]) -> list[EntityTotal]:
    """Totals per entity type from (kind, exposure, (entity type, findings)
    pairs) per location and distinct values per entity type: most sensitive
    first, then the most widespread."""
    findings: Counter = Counter()
    kinds: dict[str, Counter] = {}
    exposed: dict[str, Counter] = {}
    for kind, exposure, counts in locations:
        for e, n in counts:
            findings[e] += n
            kinds.setdefault(e, Counter())[kind] += 1
            exposed.setdefault(e, Counter())[exposure or "unknown"] += 1
    out = [EntityTotal(e, n, distinct(e), dict(kinds[e]), dict(exposed[e])) for e, n in findings.items()]
    # Most sensitive first, then the most widespread.
    out.sort(key=lambda t: (-SENSITIVITY_WEIGHT[entity_labels.sensitivity(t.entity)], -sum(t.locations.values()),
                            -t.findings, t.entity))
    return out


# -- folders ----------------------------------------------------------------------------------

def parent_folders(location: str, target: str | None) -> Iterable[str]:
    """Every folder between a file and its target (the target itself excluded)."""
    root = (target or "").rstrip("/")
    folder = location.rsplit("/", 1)[0] if "/" in location else ""
    while folder and len(folder) > len(root) and folder.startswith(root):
        yield folder
        if "/" not in folder:
            break
        folder = folder.rsplit("/", 1)[0]


def folder_rollups(locations: list[LocationRisk], targets: list[str]) -> list[FolderRisk]:
    """Folders of file shares, riskiest first; each one's totals include its subfolders."""
    points: Counter = Counter()
    worst: Counter = Counter()
    files: Counter = Counter()
    exposed: Counter = Counter()
    counts: dict[str, Counter] = {}
    target_of: dict[str, str | None] = {}
    for r in locations:
        if r.source not in FILE_SOURCES or r.kind != "file":
            continue
        for folder in parent_folders(r.location, r.target):
            points[folder] += r.points
            worst[folder] = max(worst[folder], r.points)
            files[folder] += 1
            exposed[folder] += r.exposure == "everyone"
            c = counts.setdefault(folder, Counter())
            for e, n in r.counts:
                c[e] += n
            target_of[folder] = r.target
    out = []
    for folder, total in points.items():
        pts = worst[folder] + FOLDER_REST_SHARE * (total - worst[folder])
        s = to_score(pts)
        out.append(FolderRisk(folder, target_of[folder], files[folder], tuple(counts[folder].most_common()),
                              exposed[folder], pts, s, band(s)))
    out.sort(key=lambda f: (-f.points, f.folder))
    return out


def shown_count(t: EntityTotal) -> int:
    """How many to tell people: distinct values for identifiers (one person's
    SSN in ten files is one SSN), every mention for health terms (five
    distinct diagnoses in 200 notes is 200 notes' worth)."""
    return t.findings if entity_labels.info(t.entity).kind == entity_labels.HEALTH else t.distinct


# -- the headline -----------------------------------------------------------------------------

def places(per_kind: Mapping[str, int]) -> str:
    """{"file": 37, "table": 2} -> "37 files and 2 tables"."""
    parts = []
    for kind in ("file", "table", "mailbox"):
        n = per_kind.get(kind, 0)
        if n:
            one, many = KIND_NOUNS[kind]
            parts.append(f"{n:,} {one if n == 1 else many}")
    if not parts:
        return "no location"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def headline(entities: list[EntityTotal], statuses: Mapping[str, int], exposure_known: bool) -> str:
    """One plain sentence: the most serious thing the inventory shows (the
    report cover, the text report, the XLSX export and webhooks all print
    this one). `statuses` counts top-level objects by status;
    `exposure_known`: any of them has a recorded exposure."""
    examined = sum(n for s, n in statuses.items() if s in ("scanned", "unchanged"))
    if not entities:
        return f"No personal data was found in the {examined:,} items examined."
    high = [t for t in entities if entity_labels.sensitivity(t.entity) == entity_labels.HIGH]
    if not high:
        top = max(entities, key=lambda t: (sum(t.locations.values()), t.findings))
        info = entity_labels.info(top.entity)
        return (f"{info.count(shown_count(top))} in {places(top.locations)}; "
                "no highly sensitive data (such as Social Security or card numbers) was found.")
    # The most exposed: open to everyone first, else to any signed-in user.
    open_to = next((e for e in ("everyone", "authenticated") if any(t.exposed.get(e) for t in high)), None) \
        if exposure_known else None
    if open_to:
        top = max(high, key=lambda t: (t.exposed.get(open_to, 0), sum(t.locations.values()), t.findings))
    else:
        top = max(high, key=lambda t: (sum(t.locations.values()), t.findings))
    info = entity_labels.info(top.entity)
    sentence = f"{info.count(shown_count(top))} in {places(top.locations)}"
    if open_to:
        sentence += f", {top.exposed[open_to]:,} of them readable by {EXPOSURE_PHRASE[open_to]}"
    others = len(high) - 1
    if others:
        sentence += f", and {others} other kind{'s' if others > 1 else ''} of highly sensitive data"
    return sentence + "."


def risk_headline(inventory: Path | str, scan_id: str | None = None) -> str:
    """The headline of an inventory's current state (or of one scan), for webhooks."""
    inv, view = resolve_view(inventory, scan_id)
    return assess(inv, view).headline()
