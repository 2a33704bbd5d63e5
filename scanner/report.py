"""`piiscout report`: what a scan found, at a glance."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from scanner import report_exposure
from scanner.inventory.state import iter_batches, read_table, resolve_view

MAX_FAILED = 200  # failed items named one by one (the rest are counted; --format json has the same cap)
EXAMPLES = 3  # skipped items named per reason


def build_report(inventory: Path, scan_id: str | None = None, top: int = 10) -> dict:
    """A scan (`scan_id`), or by default the current state: each target's
    latest complete scan (scanner/inventory/state.py)."""
    inv, view = resolve_view(inventory, scan_id)
    scan = view.latest
    sid = scan["scan_id"]
    f = read_table(inv, view, "findings", ["location", "entity_type", "value_hash"])
    it = read_table(inv, view, "items", ["status", "reason", "suppressed"])

    by_entity = []
    if f.num_rows:
        g = f.group_by("entity_type").aggregate(
            [("value_hash", "count"), ("value_hash", "count_distinct"), ("location", "count_distinct")]
        )
        for row in sorted(g.to_pylist(), key=lambda r: -r["value_hash_count"]):
            by_entity.append({"entity_type": row["entity_type"], "findings": row["value_hash_count"],
                              "distinct_values": row["value_hash_count_distinct"],
                              "locations": row["location_count_distinct"]})
    top_locations = []
    if f.num_rows:
        g = f.group_by("location").aggregate([("entity_type", "count")])
        rows = sorted(g.to_pylist(), key=lambda r: (-r["entity_type_count"], r["location"]))[:top]
        for row in rows:
            loc = row["location"]
            mask = pc.equal(f.column("location"), loc)
            kinds = Counter(f.filter(mask).column("entity_type").to_pylist())
            top_locations.append({"location": loc, "findings": row["entity_type_count"],
                                  "entities": dict(kinds.most_common())})
        access = report_exposure.access_by_location(inv, view, {r["location"] for r in top_locations})
        for r in top_locations:
            r["exposure"] = access.get(r["location"], (None, None))[0]
    statuses = Counter(it.column("status").to_pylist())
    reasons = Counter(
        (s, r) for s, r in zip(it.column("status").to_pylist(), it.column("reason").to_pylist())
        if s in ("error", "skipped") and r
    )
    return {
        "scan_id": sid,
        "status": scan["status"],
        "started_at": scan["started_at"].isoformat(),
        "finished_at": scan["finished_at"].isoformat(),
        "duration_s": scan["duration_s"],
        "targets": view.targets,
        "view": "current" if view.current else "scan",
        "scans": [{"scan_id": s["scan_id"], "status": s["status"], "finished_at": s["finished_at"].isoformat(),
                   "targets": list(p.only or p.targets), "target": s.get("target")}
                  for s, p in zip(view.scans, view.parts)],
        # The target's name (a config file's table name, or as given); null for older scans.
        "target": scan.get("target"),
        "newer_interrupted": [s["scan_id"] for s in view.superseded],
        # Partial scans of the state: locations each could not reach (shown
        # as the scans before it found them).
        "unreached": dict(getattr(view, "unreached", {}) or {}),
        "findings": f.num_rows,
        # Detections not reported because their value is allow-listed.
        "suppressed": int(pc.sum(it.column("suppressed")).as_py() or 0) if it.num_rows else 0,
        "items": dict(statuses),
        "by_entity": by_entity,
        "top_locations": top_locations,
        "problems": [{"status": s, "reason": r, "items": n} for (s, r), n in reasons.most_common(top)],
        "columns": sql_columns(inv, view, top),
        # Who may read it (items per exposure, entity types per exposure) and
        # the headline (scanner/risk.py: the client report's cover sentence).
        **report_exposure.summary(inv, view, f, {r["entity_type"]: r["distinct_values"] for r in by_entity}),
        **not_examined(inv, view),
        # Inventory files left out because they could not be read.
        "unreadable_files": [{"file": str(p), "reason": why} for p, why in inv.unreadable.items()],
    }


def not_examined(inv, view, limit: int = MAX_FAILED) -> dict:
    """The items that failed, by name with their reason, and those skipped,
    by reason with a few names: what a client must be told was not read."""
    failed: list[dict] = []
    failed_total = 0
    skipped: dict[str, dict] = {}
    wanted = pa.array(["error", "skipped"])
    for b in iter_batches(inv, view, "items", ["location", "part", "status", "reason"]):
        b = b.filter(pc.is_in(b.column(2), value_set=wanted))
        for loc, part, status, reason in zip(*(b.column(i).to_pylist() for i in range(4))):
            reason = reason or "(no reason given)"
            if status == "error":
                failed_total += 1
                if len(failed) < limit:
                    failed.append({"location": loc, "part": part, "reason": reason})
            else:
                g = skipped.setdefault(reason, {"reason": reason, "items": 0, "examples": []})
                g["items"] += 1
                if len(g["examples"]) < EXAMPLES:
                    g["examples"].append(loc + (f" [{part}]" if part else ""))
    failed.sort(key=lambda r: (r["location"], r["part"]))
    return {"failed": failed, "failed_total": failed_total,
            "skipped": sorted(skipped.values(), key=lambda g: (-g["items"], g["reason"]))}


def sql_columns(inv, view, top: int) -> list[dict]:
    """Database columns with findings, by the share of sampled rows that
    matched: "customers.tax_id: 98% of 10,000 sampled rows (US_SSN)"."""
    it = read_table(inv, view, "items", ["source", "location", "part", "rows_scanned", "rows_matched"])
    if not it.num_rows:
        return []
    keep = pc.and_(pc.and_(pc.equal(it.column("source"), "sql"), pc.not_equal(it.column("part"), "")),
                   pc.greater(pc.fill_null(it.column("rows_matched"), 0), 0))
    rows = it.filter(keep).to_pylist()
    if not rows:
        return []
    f = read_table(inv, view, "findings", ["source", "location", "part", "entity_type"])
    f = f.filter(pc.equal(f.column("source"), "sql"))
    kinds: dict[tuple[str, str], Counter] = {}
    for loc, part, ent in zip(*(f.column(c).to_pylist() for c in ("location", "part", "entity_type"))):
        kinds.setdefault((loc, part), Counter())[ent] += 1
    out = []
    for r in rows:
        scanned = r["rows_scanned"] or 0
        ratio = r["rows_matched"] / scanned if scanned else 0.0
        ents = kinds.get((r["location"], r["part"]), Counter())
        out.append({"column": r["location"].rsplit("/", 1)[-1] + "." + r["part"], "location": r["location"],
                    "part": r["part"], "rows_scanned": scanned, "rows_matched": r["rows_matched"],
                    "ratio": round(ratio, 4), "entities": dict(ents.most_common())})
    out.sort(key=lambda r: (-r["ratio"], -r["rows_matched"], r["location"], r["part"]))
    return out[:top]


def render_text(rep: dict) -> str:
    from scanner.names import one_line

    if len(rep.get("scans", ())) > 1:
        lines = [f"Current state of {len(rep['targets'])} targets, from {len(rep['scans'])} scans:"]
        for s in rep["scans"]:
            name = f"target {s['target']}: " if s.get("target") else ""
            lines.append(f"  {s['scan_id']} ({s['status']}, finished {s['finished_at']}): {name}"
                         f"{', '.join(s['targets'])}")
    else:
        lines = [
            f"Scan {rep['scan_id']} ({rep['status']}), {rep['started_at']} – {rep['finished_at']}"
            f" ({rep['duration_s']:.1f}s)",
            "Targets: " + ", ".join(rep["targets"]),
        ]
        if rep.get("target"):
            lines.insert(1, f"Target: {rep['target']}")
    for sid, n in rep.get("unreached", {}).items():
        lines.append(f"Scan {sid} was partial: {n:,} folder(s), share(s), table(s) or object(s) it could not "
                     "reach are shown as the scans before it found them.")
    for sid in rep.get("newer_interrupted", ()):
        lines.append(f"Not shown: the newer scan {sid} was interrupted (see it with --scan {sid}).")
    lines += [
        "",
        "Items: " + ", ".join(f"{k} {v}" for k, v in sorted(rep["items"].items())) if rep["items"] else "Items: none",
        f"Findings: {rep['findings']}"
        + (f" (suppressed by allow list: {rep['suppressed']})" if rep.get("suppressed") else ""),
        *([rep["headline"]] if rep.get("headline") else []),
    ]
    if rep["by_entity"]:
        lines += ["", f"{'Entity type':<22}{'Findings':>10}{'Distinct':>10}{'Locations':>11}"]
        for r in rep["by_entity"]:
            lines.append(f"{r['entity_type']:<22}{r['findings']:>10}{r['distinct_values']:>10}{r['locations']:>11}")
    if rep["top_locations"]:
        lines += ["", "Top locations:"]
        for r in rep["top_locations"]:
            kinds = ", ".join(f"{k} {v}" for k, v in r["entities"].items())
            who = f", readable by {report_exposure.WHO[r['exposure']]}" if r.get("exposure") else ""
            lines.append(f"  {r['findings']:>6}  {one_line(r['location'])}  ({kinds}{who})")
    if rep.get("columns"):
        lines += ["", "Database columns (share of sampled rows with findings):"]
        for r in rep["columns"]:
            kinds = ", ".join(rep_k for rep_k in r["entities"])
            lines.append(f"  {r['column']}: {r['ratio']:.0%} of {r['rows_scanned']:,} sampled rows hold "
                         f"{kinds or 'matches'}")
    lines += report_exposure.lines(rep)
    lines += _not_examined_lines(rep)
    if rep.get("unreadable_files"):
        lines += ["", "Inventory files that could not be read (their rows are left out):"]
        lines += [f"  {u['file']}: {u['reason']}" for u in rep["unreadable_files"]]
    return "\n".join(lines)


def _not_examined_lines(rep: dict) -> list[str]:
    from scanner.names import one_line

    lines = []
    if rep.get("failed_total"):
        lines += ["", f"Could not be read ({rep['failed_total']:,} items):"]
        for r in rep["failed"]:
            where = one_line(r["location"]) + (f" [{one_line(r['part'])}]" if r["part"] else "")
            lines.append(f"  {where}: {r['reason']}")
        if rep["failed_total"] > len(rep["failed"]):
            lines.append(f"  ... and {rep['failed_total'] - len(rep['failed']):,} more "
                         "(the inventory's items table has them all: status = 'error')")
    if rep.get("skipped"):
        lines += ["", "Not examined (skipped), by reason:"]
        for g in rep["skipped"]:
            examples = ", ".join(one_line(e) for e in g["examples"])
            more = ", ..." if g["items"] > len(g["examples"]) else ""
            lines.append(f"  {g['items']:>6}  {g['reason']}: {examples}{more}")
    return lines


def render_json(rep: dict) -> str:
    return json.dumps(rep, indent=2, default=str)
