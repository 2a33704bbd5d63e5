"""Everything the client report shows, read from an inventory view.

`build()` returns a `ReportData`: plain values (strings, numbers, small
lists) that the HTML template lays out, with plain-English entity names
(scanner/entity_labels.py) and the risk ranking (scanner/risk.py). Lists
are capped so the document stays proportionate (a 200-file share prints on
10-20 pages whatever it holds): the export and `piiscout report --format
json` have the rest.

Raw values never get here: findings carry masked values only, and those
appear only in the technical appendix's samples.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from scanner import __version__, entity_labels, risk
from scanner.inventory.reader import Inventory
from scanner.inventory.state import ScanPart, View, describe_view, iter_batches, owning_target, resolve_view, scan_rows
from scanner.model import EXPOSURES
from scanner.reporting import guidance

TOP_FOLDERS = 15
TOP_FILES = 20
TOP_TABLES = 10
TOP_MAILBOXES = 10
TOP_CHART_ROWS = 10
MAX_LISTED_PROBLEMS = 300  # items named one by one under "What was not examined"
MAX_EXAMPLES = 8  # per group of items skipped by design (binaries, formats not read)
SAMPLES_PER_ENTITY = 3
TREND_SCANS = 12
# Kinds that make health terms about someone.
IDENTIFYING = {entity_labels.GOVERNMENT_ID, entity_labels.PERSONAL, entity_labels.FINANCIAL, entity_labels.CARD}
# Scan options that say nothing to a reader of the report.
HIDDEN_OPTIONS = ("fingerprints", "carried_from")
# Skips that are the scan working as intended: summarised, not listed one by one.
BY_DESIGN = ("Program or binary file", "File format that is not read", "Image in a format that is not read")


@dataclass(frozen=True)
class Ranked:
    """One row of a risk ranking: a file, table, mailbox or folder."""

    name: str  # shown relative to its target
    target: str  # the target's short label
    score: int
    band: str
    what: str  # "12 Social Security numbers, 3 payment card numbers"
    findings: int
    exposure: str
    modified: str  # YYYY-MM-DD or ""
    files: int = 0  # folders: files with findings below it


@dataclass(frozen=True)
class EntityRow:
    code: str
    name: str
    sensitivity: str
    distinct: int
    findings: int
    places: str  # "37 files and 2 tables"
    exposed: int  # locations readable by everyone
    sentence: str  # "412 Social Security numbers in 37 files, 12 readable by everyone."


@dataclass(frozen=True)
class Problem:
    name: str
    target: str
    status: str  # error | skipped
    category: str
    reason: str


@dataclass(frozen=True)
class ProblemGroup:
    category: str
    status: str
    count: int
    listed: tuple[Problem, ...]
    reasons: tuple[str, ...]  # distinct technical reasons, a few


@dataclass(frozen=True)
class Recommendation:
    guidance: guidance.Guidance
    entities: tuple[str, ...]  # plain names present
    locations: int
    obligations: tuple[guidance.Obligation, ...]  # those that apply to what was found
    note: str = ""  # a fact about these locations ("9 of them also hold identifiers")


@dataclass(frozen=True)
class ScanInfo:
    scan_id: str
    status: str
    started: str
    finished: str
    duration: str
    targets: tuple[str, ...]
    version: str
    options: tuple[str, ...]  # "min_score = 0.5", ...
    hash_scheme: str
    hash_key_id: str
    items: str  # "200 total: 187 scanned, 9 skipped, 4 errors"


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[int, int], ...]  # (x index, value)


@dataclass
class ReportData:
    title: str
    client: str
    generated: str
    as_of: str
    version: str
    headline: str
    overall_band: str
    figures: dict[str, int]
    targets: list[tuple[str, str]]  # (label, full target)
    entities: list[EntityRow]
    folders: list[Ranked]
    files: list[Ranked]
    tables: list[Ranked]
    mailboxes: list[Ranked]
    counts_of_kind: dict[str, int]  # locations with findings by kind, before capping
    columns: list[dict]
    recommendations: list[Recommendation]
    problems: list[ProblemGroup]
    problems_total: dict[str, int]
    ocr_off: int
    scans: list[ScanInfo]
    view: str
    exposure_known: bool
    by_entity: list[tuple[str, int]] = field(default_factory=list)
    by_area: list[tuple[str, int]] = field(default_factory=list)
    by_type: list[tuple[str, int]] = field(default_factory=list)
    by_exposure: list[tuple[str, int]] = field(default_factory=list)
    trend_labels: list[str] = field(default_factory=list)
    trend: list[Series] = field(default_factory=list)
    trend_of: str = ""  # the target, when the trend follows one target's scans
    samples: list[dict] = field(default_factory=list)
    codes: list[dict] = field(default_factory=list)


# -- names for people --------------------------------------------------------------------

def target_label(target: str) -> str:
    """A short name for a target: the folder's name, \\\\host\\share, the database."""
    t = target.rstrip("/")
    if "://" in t:
        scheme, rest = t.split("://", 1)
        rest = rest.split("@", 1)[-1]
        if scheme == "smb":
            parts = rest.split("/")
            return "\\\\" + "\\".join(parts)
        return rest.rsplit("/", 1)[-1] or rest
    return Path(t).name or t


def display_name(location: str, target: str | None) -> str:
    """A location relative to its target (the target's own name for the target itself)."""
    if target:
        base = target.rstrip("/")
        if location.startswith(base + "/"):
            return location[len(base) + 1:]
        if location == target or location == base:
            return Path(base).name or base
    return location


def what_phrase(counts, limit: int = 3) -> str:
    """"12 Social Security numbers, 40 e-mail addresses and 2 more kinds": most sensitive first."""
    counts = sorted(counts, key=lambda kv: (-risk.SENSITIVITY_WEIGHT[entity_labels.sensitivity(kv[0])], -kv[1]))
    shown = [entity_labels.info(e).count(n) for e, n in counts[:limit]]
    more = len(counts) - limit
    return ", ".join(shown) + (f" and {more} more kind{'s' if more > 1 else ''}" if more > 0 else "")


def _date(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d") if isinstance(t, datetime) else ""


def _ranked(r: risk.LocationRisk) -> Ranked:
    return Ranked(display_name(r.location, r.target), target_label(r.target or r.location), r.score, r.band,
                  what_phrase(r.counts), r.findings, risk.EXPOSURE_LABEL.get(r.exposure, "Not recorded"),
                  _date(r.modified_at))


def _ranked_folder(f: risk.FolderRisk) -> Ranked:
    exposure = f"{f.exposed} readable by everyone" if f.exposed else ""
    return Ranked(display_name(f.folder, f.target), target_label(f.target or f.folder), f.score, f.band,
                  what_phrase(f.counts), sum(n for _, n in f.counts), exposure, "", files=f.files)


# -- sections --------------------------------------------------------------------------

def _entity_rows(a: risk.Assessment) -> list[EntityRow]:
    rows = []
    for t in a.entities:
        info = entity_labels.info(t.entity)
        where = risk.places(t.locations)
        exposed = t.exposed.get("everyone", 0)
        sentence = f"{info.count(risk.shown_count(t))} in {where}"
        if a.exposure_known:
            sentence += f", {exposed:,} readable by everyone" if exposed else ", none readable by everyone"
        rows.append(EntityRow(t.entity, entity_labels.name(t.entity), info.sensitivity, t.distinct, t.findings,
                              where, exposed, sentence + "."))
    return rows


def _recommendations(a: risk.Assessment) -> list[Recommendation]:
    by_kind: dict[str, list[str]] = {}
    codes: dict[str, list[str]] = {}
    locations: Counter = Counter()
    health_with_ids = 0
    for r in a.locations:
        kinds = {entity_labels.info(e).kind for e, _ in r.counts}
        locations.update(kinds)
        health_with_ids += entity_labels.HEALTH in kinds and bool(kinds & IDENTIFYING)
    for t in a.entities:
        kind = entity_labels.info(t.entity).kind
        by_kind.setdefault(kind, []).append(entity_labels.plural(t.entity))
        codes.setdefault(kind, []).append(t.entity)
    out = []
    for kind in guidance.KIND_ORDER:
        if kind not in by_kind:
            continue
        g = guidance.guidance_for(kind)
        note = ""
        if kind == entity_labels.HEALTH:
            note = (f"{health_with_ids:,} of these {locations[kind]:,} also hold names, dates of birth or "
                    "identifiers.")
        out.append(Recommendation(g, tuple(by_kind[kind]), locations[kind],
                                  tuple(o for o in g.obligations if o.applies(codes[kind])), note))
    return out


def _problems(inv: Inventory, view: View) -> tuple[list[ProblemGroup], dict[str, int], int]:
    """Items skipped or failed, grouped by plain reason; errors first."""
    targets = view.targets
    groups: dict[tuple[str, str], list] = {}
    totals: Counter = Counter()
    ocr_off = 0
    listed = 0
    cols = ["location", "part", "status", "reason"]
    for b in iter_batches(inv, view, "items", cols):
        b = b.filter(pc.is_in(b.column(2), value_set=pa.array(["error", "skipped"])))
        for loc, part, status, reason in zip(*(b.column(i).to_pylist() for i in range(4))):
            totals[status] += 1
            category = guidance.explain_reason(status, reason)
            ocr_off += category == guidance.OCR_OFF
            g = groups.setdefault((status, category), [0, [], Counter()])
            g[0] += 1
            g[2][reason or ""] += 1
            cap = MAX_EXAMPLES if category in BY_DESIGN else MAX_LISTED_PROBLEMS
            if len(g[1]) < cap and listed < MAX_LISTED_PROBLEMS:
                t = owning_target(loc, targets)
                name = display_name(loc, t) + (f" › {part}" if part else "")
                g[1].append(Problem(name, target_label(t or loc), status, category, reason or ""))
                listed += 1
    out = [ProblemGroup(cat, st, n, tuple(sorted(lst, key=lambda p: p.name)),
                        tuple(r for r, _ in reasons.most_common(3)))
           for (st, cat), (n, lst, reasons) in groups.items()]
    out.sort(key=lambda g: (g.status != "error", g.category in BY_DESIGN, -g.count, g.category))
    return out, dict(totals), ocr_off


def _scan_info(row: dict) -> ScanInfo:
    def when(t):
        return t.strftime("%Y-%m-%d %H:%M UTC") if isinstance(t, datetime) else ""
    items = (f"{row['items_total']:,} total: {row['items_scanned']:,} scanned, {row['items_unchanged']:,} "
             f"unchanged, {row['items_skipped']:,} skipped, {row['items_error']:,} errors")
    options = []
    for key, value in sorted((row.get("options") or {}).items()):
        if key in HIDDEN_OPTIONS or value in (None, [], {}):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else json.dumps(value, default=str)
        options.append(f"{key} = {shown}")
    return ScanInfo(row["scan_id"], row["status"], when(row["started_at"]), when(row["finished_at"]),
                    f"{row['duration_s']:.0f} s", tuple(row["targets"]), row["version"], tuple(options),
                    row["hash_scheme"], row["hash_key_id"], items)


def _file_family(content_type: str | None, kind: str) -> str:
    ct = (content_type or "").lower()
    if kind == "table":
        return "Database tables"
    if kind == "mailbox" or ct.startswith("message/") or "outlook" in ct:
        return "E-mail"
    families = (
        (("spreadsheet", "ms-excel", "text/csv", "tab-separated"), "Spreadsheets and CSV"),
        (("wordprocessing", "msword", "opendocument.text", "rtf"), "Word processing documents"),
        (("presentation", "powerpoint"), "Presentations"),
        (("application/pdf",), "PDF documents"),
        (("zip", "tar", "gzip", "bzip2", "x-xz", "7z", "rar", "zstd"), "Archives"),
        (("image/",), "Images"),
        (("html", "xhtml"), "Web pages"),
        (("sqlite",), "Database files"),
        (("text/", "json", "xml"), "Text, logs and data files"),
    )
    for needles, name in families:
        if any(n in ct for n in needles):
            return name
    return "Other"


def _area(r: risk.LocationRisk, several_targets: bool) -> str:
    """Top-level folder (file shares) or the source (database, mailbox) of a location."""
    label = target_label(r.target or r.location)
    if r.source in risk.FILE_SOURCES and r.target:
        rel = display_name(r.location, r.target)
        top = rel.split("/", 1)[0] if "/" in rel else "(top level)"
        return f"{label}/{top}" if several_targets else top
    return label


def _charts(data: ReportData, a: risk.Assessment) -> None:
    data.by_entity = [(row.name, row.findings) for row in
                      sorted(data.entities, key=lambda r: -r.findings)[:TOP_CHART_ROWS]]
    several = len(a.targets) > 1
    area: Counter = Counter()
    ftype: Counter = Counter()
    exposure: Counter = Counter()
    for r in a.locations:
        area[_area(r, several)] += r.findings
        ftype[_file_family(r.content_type, r.kind)] += r.findings
        if a.exposure_known and r.has(entity_labels.HIGH):
            exposure[risk.EXPOSURE_LABEL.get(r.exposure, "Not recorded")] += 1
    data.by_area = area.most_common(TOP_CHART_ROWS)
    data.by_type = ftype.most_common(TOP_CHART_ROWS)
    order = [risk.EXPOSURE_LABEL[e] for e in EXPOSURES] + ["Not recorded"]
    data.by_exposure = [(k, exposure[k]) for k in order if exposure.get(k)]


def _labels(times: list[datetime]) -> list[str]:
    """Scan dates, as precise as needed to tell them apart."""
    for fmt in ("%b %d, %Y", "%b %d %H:%M", "%b %d %H:%M:%S"):
        labels = [t.strftime(fmt) for t in times]
        if len(set(labels)) == len(labels):
            return labels
    return labels


def _scan_counts(inv: Inventory, row: dict, target: str) -> tuple[int, int]:
    """(findings, highly sensitive findings) of one target in one scan."""
    part = ScanPart(row["scan_id"], tuple(row["targets"]), None if len(row["targets"]) == 1 else (target,))
    total = high = 0
    for b in iter_batches(inv, View([part], [row], current=False), "findings", ["entity_type"]):
        for value in b.column(0).value_counts().to_pylist():
            total += value["counts"]
            if entity_labels.sensitivity(value["values"]) == entity_labels.HIGH:
                high += value["counts"]
    return total, high


def _trend(inv: Inventory, view: View, trend_of: list[str]) -> tuple[list[str], list[Series]]:
    """Findings per complete scan of each target scanned at least twice, oldest first;
    `trend_of[0]` is set to the target's name when there is only one."""
    targets = view.targets
    rows = [r for r in scan_rows(inv) if r["status"] in ("complete", "partial") and set(r["targets"]) & set(targets)]
    per_target: dict[str, list[dict]] = {}
    for r in rows:
        for t in r["targets"]:
            if t in targets:
                per_target.setdefault(t, []).append(r)
    per_target = {t: rs[-TREND_SCANS:] for t, rs in per_target.items() if len(rs) >= 2}
    if not per_target:
        return [], []
    used = sorted({r["scan_id"]: r for rs in per_target.values() for r in rs}.values(),
                  key=lambda r: (r["finished_at"], r["scan_id"]))
    x_of = {r["scan_id"]: i for i, r in enumerate(used)}
    counts = {t: [(x_of[r["scan_id"]], *_scan_counts(inv, r, t)) for r in rs] for t, rs in per_target.items()}
    if len(counts) == 1:
        (pts,) = counts.values()
        trend_of[0] = target_label(next(iter(counts)))
        series = [Series("All findings", tuple((x, n) for x, n, _ in pts)),
                  Series("Highly sensitive", tuple((x, h) for x, _, h in pts))]
    else:
        ranked = sorted(counts.items(), key=lambda kv: -kv[1][-1][1])[:6]
        series = [Series(target_label(t), tuple((x, n) for x, n, _ in pts)) for t, pts in ranked]
    return _labels([r["finished_at"] for r in used]), series


def _samples(inv: Inventory, view: View) -> tuple[list[dict], dict[str, set[str]]]:
    """A few masked values per entity type, and the detectors that found each.
    Columnar per batch: only rows of entity types still short of samples
    become Python objects."""
    samples: dict[str, list[dict]] = {}
    detectors: dict[str, set[str]] = {}
    cols = ["location", "part", "line", "entity_type", "masked_value", "detector"]
    targets = view.targets
    for b in iter_batches(inv, view, "findings", cols):
        t = pa.Table.from_batches([b])
        for row in t.group_by(["entity_type", "detector"]).aggregate([]).to_pylist():
            detectors.setdefault(row["entity_type"], set()).add(row["detector"])
        short = [e for e in detectors if len(samples.get(e, ())) < SAMPLES_PER_ENTITY]
        if not short:
            continue
        rows = [r for e in short for r in t.filter(pc.equal(t.column("entity_type"), e)).slice(0, 50).to_pylist()]
        for r in rows:
            got = samples.setdefault(r["entity_type"], [])
            if len(got) < SAMPLES_PER_ENTITY and all(s["masked"] != r["masked_value"] for s in got):
                where = display_name(r["location"], owning_target(r["location"], targets))
                where += (f" › {r['part']}" if r["part"] else "") + (f", line {r['line']}" if r["line"] else "")
                got.append({"code": r["entity_type"], "name": entity_labels.name(r["entity_type"]),
                            "masked": r["masked_value"], "where": where})
    return [s for ent in samples for s in samples[ent]], detectors


def _codes(a: risk.Assessment, detectors: dict[str, set[str]]) -> list[dict]:
    out = []
    for t in a.entities:
        info = entity_labels.info(t.entity)
        out.append({"code": t.entity, "name": entity_labels.name(t.entity), "sensitivity": info.sensitivity,
                    "kind": info.kind.replace("_", " "), "detectors": ", ".join(sorted(detectors.get(t.entity, ()))),
                    "findings": t.findings, "distinct": t.distinct})
    return out


def _figures(a: risk.Assessment, totals: dict[str, int]) -> dict[str, int]:
    kinds = Counter(r.kind for r in a.locations)
    return {
        "examined": sum(n for s, n in a.statuses.items() if s in ("scanned", "unchanged")),
        "objects": sum(a.statuses.values()),
        "with_findings": len(a.locations),
        "high_locations": sum(1 for r in a.locations if r.has(entity_labels.HIGH)),
        "critical": sum(1 for r in a.locations if r.band in ("critical", "high")),
        "exposed": sum(1 for r in a.locations if r.exposure == "everyone" and r.has(entity_labels.HIGH)),
        "not_examined": a.statuses.get("skipped", 0) + a.statuses.get("error", 0),
        "not_examined_parts": totals.get("skipped", 0) + totals.get("error", 0),
        "errors": a.statuses.get("error", 0),
        "files": kinds.get("file", 0),
        "tables": kinds.get("table", 0),
        "mailboxes": kinds.get("mailbox", 0),
    }


def build(inventory: Path | str, scan_id: str | None = None, client: str | None = None,
          title: str = "Personal data discovery report") -> ReportData:
    from scanner.report import sql_columns

    inv, view = resolve_view(inventory, scan_id)
    a = risk.assess(inv, view)
    problems, totals, ocr_off = _problems(inv, view)
    kinds = Counter(r.kind for r in a.locations)
    top = {k: [r for r in a.locations if r.kind == k] for k in ("file", "table", "mailbox")}
    samples, detectors = _samples(inv, view)
    data = ReportData(
        title=title, client=client or ", ".join(target_label(t) for t in a.targets[:3]),
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        as_of=f"{a.as_of:%B} {a.as_of.day}, {a.as_of.year}", version=__version__, headline=a.headline(),
        overall_band=a.locations[0].band if a.locations else "none", figures=_figures(a, totals),
        targets=[(target_label(t), t) for t in a.targets], entities=_entity_rows(a),
        folders=[_ranked_folder(f) for f in a.folders(TOP_FOLDERS)],
        files=[_ranked(r) for r in top["file"][:TOP_FILES]],
        tables=[_ranked(r) for r in top["table"][:TOP_TABLES]],
        mailboxes=[_ranked(r) for r in top["mailbox"][:TOP_MAILBOXES]],
        counts_of_kind=dict(kinds), columns=sql_columns(inv, view, TOP_TABLES),
        recommendations=_recommendations(a), problems=problems, problems_total=totals, ocr_off=ocr_off,
        scans=[_scan_info(s) for s in view.scans], view=describe_view(view), exposure_known=a.exposure_known,
        samples=samples,
    )
    data.codes = _codes(a, detectors)
    _charts(data, a)
    trend_of = [""]
    data.trend_labels, data.trend = _trend(inv, view, trend_of)
    data.trend_of = trend_of[0] if len(a.targets) > 1 else ""
    return data
