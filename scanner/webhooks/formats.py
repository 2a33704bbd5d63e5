"""The webhook document as each receiver wants it.

* `json`: piiscout's own document (docs/webhook.schema.json), for PSA
  inbound webhooks, automation platforms (Rewst, n8n, Power Automate,
  Zapier) and SIEMs, which map its fields to tickets or alerts.
* `slack`: a Slack incoming-webhook message (`text` for notifications,
  Block Kit `blocks` for the message); Slack rejects anything else.
* `teams`: a message with one Adaptive Card (1.4) attachment, what a Teams
  Workflows "When a Teams webhook request is received" flow posts as a
  card (and what the older Office 365 incoming-webhook connectors accept).

Chat formats carry the summary, the headline, counts and the top new
locations with masked values; the JSON carries everything.
"""

from __future__ import annotations

import json
from typing import Any

from scanner import entity_labels

MAX_LINES = 5  # top locations shown in a chat message


def render(fmt: str, doc: dict[str, Any]) -> bytes:
    body = {"json": lambda d: d, "slack": slack, "teams": teams}[fmt](doc)
    return json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")


def _counts(counts: dict[str, int] | None) -> str:
    if not counts:
        return "none"
    return ", ".join(entity_labels.info(e).count(n) for e, n in counts.items())


def _location_lines(doc: dict[str, Any]) -> list[str]:
    ch = doc.get("changes") or {}
    top = ((ch.get("new") or {}).get("top_locations")) or []
    lines = []
    for loc in top[:MAX_LINES]:
        samples = ", ".join(s["masked_value"] for s in loc["samples"])
        lines.append(f"{loc['location']}: {_counts(loc['by_entity'])} ({samples})")
    more = len(top) - MAX_LINES
    if more > 0:
        lines.append(f"... and {more} more locations")
    return lines


def _facts(doc: dict[str, Any]) -> list[tuple[str, str]]:
    ch = doc.get("changes") or {}
    facts = [("Target", str(doc.get("target") or ", ".join(doc.get("targets") or []))),
             ("Status", f"{doc['status']} (exit {doc['exit_code']})")]
    if doc["status"] == "failed":
        facts.append(("Error", str(doc.get("error") or "")))
    else:
        facts.append(("Findings", f"{doc['findings']}: {_counts(doc.get('by_entity'))}"))
        if ch:
            facts.append(("New", f"{ch['new']['count']}: {_counts(ch['new']['by_entity'])}"))
            resolved = ch["resolved"]["count"]
            facts.append(("Resolved", "not known (scan interrupted)" if resolved is None else str(resolved)))
        items = doc.get("items") or {}
        if items.get("error"):
            facts.append(("Items not read", str(items["error"])))
    facts += [("Scan", str(doc.get("scan_id") or "(not started)")), ("Host", str(doc.get("host")))]
    return facts


def slack(doc: dict[str, Any]) -> dict[str, Any]:
    fields = [{"type": "mrkdwn", "text": f"*{k}*\n{_esc(v)}"} for k, v in _facts(doc)]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _title(doc)[:150]}},
    ]
    if doc.get("risk_headline"):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _esc(doc["risk_headline"])[:3000]}})
    for i in range(0, len(fields), 10):  # Slack: at most 10 fields per section
        blocks.append({"type": "section", "fields": fields[i:i + 10]})
    lines = _location_lines(doc)
    if lines:
        text = "*New findings*\n" + "\n".join(f"• `{_esc(x)}`" for x in lines)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
    blocks.append({"type": "context", "elements": [
        {"type": "mrkdwn", "text": _esc(f"piiscout {doc.get('piiscout_version')} · {doc.get('inventory')}")}]})
    return {"text": _esc(doc["summary"]), "blocks": blocks}


def teams(doc: dict[str, Any]) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": _title(doc), "weight": "Bolder", "size": "Medium", "wrap": True},
    ]
    if doc.get("risk_headline"):
        body.append({"type": "TextBlock", "text": doc["risk_headline"], "wrap": True})
    body.append({"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in _facts(doc)]})
    lines = _location_lines(doc)
    if lines:
        body.append({"type": "TextBlock", "text": "New findings", "weight": "Bolder", "wrap": True})
        body += [{"type": "TextBlock", "text": x, "wrap": True, "fontType": "Monospace", "spacing": "None"}
                 for x in lines]
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "body": body, "msteams": {"width": "Full"}}
    return {"type": "message", "summary": doc["summary"][:250],
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
                             "content": card}]}


def _title(doc: dict[str, Any]) -> str:
    target = doc.get("target") or ", ".join(doc.get("targets") or [])
    if doc["status"] == "failed":
        return f"piiscout: scan of {target} failed"
    new = ((doc.get("changes") or {}).get("new") or {}).get("count")
    if new:
        return f"piiscout: {new} new finding{'s' if new != 1 else ''} in {target}"
    return f"piiscout: scan of {target} {doc['status']}"


def _esc(text: str) -> str:
    """Slack mrkdwn: &, < and > are control characters."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
