"""The webhook document: what happened in one scan, for a ticketing system.

Schema: docs/webhook.schema.json (`schema` names its version). Everything
in it comes from the inventory, which holds masked values and keyed
hashes only; locations are as the inventory stores them (names that could
be personal data are already masked there). A raw value cannot get in:
the payload is built from inventory columns, never from scanned content.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime
from typing import Any

from scanner import __version__, entity_labels
from scanner.changes import Changes, by_entity, top_locations

SCHEMA = "piiscout.webhook/1"
TOP = 10


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else value


def _side(table, count: int | None, top: int) -> dict[str, Any]:
    return {"count": count, "by_entity": by_entity(table), "top_locations": top_locations(table, top)}


def changes_section(ch: Changes | None, top: int = TOP) -> dict[str, Any] | None:
    if ch is None:
        return None
    previous = sorted({s for s in ch.previous.values() if s})
    return {
        "previous_scan_ids": previous,
        "first_scan": not previous,
        "comparable": ch.comparable,
        "new": _side(ch.new, ch.new_count, top),
        "resolved": _side(ch.resolved, ch.resolved_count, top),
        "unverified": ch.unverified,
        "notes": list(ch.notes),
    }


def summary_line(doc: dict[str, Any]) -> str:
    """One sentence for chat messages and ticket titles."""
    target = doc.get("target") or ", ".join(doc.get("targets") or []) or "?"
    if doc["status"] == "failed":
        return f"piiscout: scan of {target} failed (exit {doc['exit_code']}): {doc.get('error') or 'see the log'}"
    ch = doc.get("changes") or {}
    new = (ch.get("new") or {}).get("count")
    resolved = (ch.get("resolved") or {}).get("count")
    parts = [f"piiscout: {target}: scan {doc['status']}, {doc['findings']} findings"]
    if new is not None:
        kinds = ", ".join(entity_labels.info(e).count(n) for e, n in ((ch["new"]["by_entity"]) or {}).items())
        parts.append(f"{new} new" + (f" ({kinds})" if kinds else "")
                     + (" (first scan)" if ch.get("first_scan") else ""))
    if resolved is not None:
        parts.append(f"{resolved} resolved")
    return ", ".join(parts) + f" (exit {doc['exit_code']})"


def build(row: dict, inventory, exit_code: int, changes: Changes | None, headline: str | None,
          top: int = TOP) -> dict[str, Any]:
    """The document for a scan whose scans `row` is written."""
    counts = by_entity_counts(inventory, row["scan_id"])
    doc = {
        "schema": SCHEMA,
        "event": "scan.finished",
        "scan_id": row["scan_id"],
        "target": row.get("target"),
        "targets": list(row["targets"]),
        "status": row["status"],
        "exit_code": exit_code,
        "started_at": _iso(row["started_at"]),
        "finished_at": _iso(row["finished_at"]),
        "duration_s": row["duration_s"],
        "items": {"total": row["items_total"], "scanned": row["items_scanned"], "skipped": row["items_skipped"],
                  "error": row["items_error"], "unchanged": row["items_unchanged"]},
        "findings": row["findings"],
        "by_entity": counts,
        "entity_names": {e: entity_labels.name(e) for e in counts},
        "changes": changes_section(changes, top),
        "risk_headline": headline,
        "inventory": os.fspath(inventory),
        "host": socket.gethostname(),
        "piiscout_version": __version__,
    }
    doc["summary"] = summary_line(doc)
    return doc


def failure(target: str | None, urls: list[str], inventory, exit_code: int, error: str,
            scan_id: str | None = None) -> dict[str, Any]:
    """The document for a scan that could not run or finish (target
    unreachable, inventory locked or full): `error` is the one-line message
    the user sees, already scrubbed of anything like a value."""
    from datetime import timezone

    now = _iso(datetime.now(timezone.utc))
    doc = {
        "schema": SCHEMA, "event": "scan.failed", "scan_id": scan_id, "target": target, "targets": list(urls),
        "status": "failed", "exit_code": exit_code, "error": error, "started_at": None, "finished_at": now,
        "duration_s": None, "items": None, "findings": None, "by_entity": {}, "entity_names": {},
        "changes": None, "risk_headline": None, "inventory": os.fspath(inventory), "host": socket.gethostname(),
        "piiscout_version": __version__,
    }
    doc["summary"] = summary_line(doc)
    return doc


def by_entity_counts(inventory, scan_id: str) -> dict[str, int]:
    """Findings of the scan by entity type, most first (one column read)."""
    from collections import Counter

    from scanner.inventory.reader import Inventory
    from scanner.inventory.state import ScanPart, View, iter_batches

    inv = Inventory(inventory)
    view = View([ScanPart(scan_id, ())], [], current=False)
    counts: Counter = Counter()
    for b in iter_batches(inv, view, "findings", ["entity_type"]):
        vc = b.column(0).value_counts()
        counts.update({d["values"]: d["counts"] for d in vc.to_pylist()})
    return dict(counts.most_common())
