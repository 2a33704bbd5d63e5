"""Render ReportData into one self-contained HTML file (Jinja2).

Autoescaping is on: every folder, file and table name comes from the
client's systems. The CSS is inlined, the charts are inline SVG, there is
no script, and a Content-Security-Policy forbids fetching anything, so the
file shows the same offline, from a USB stick or an e-mail attachment.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from scanner import entity_labels
from scanner.reporting import charts
from scanner.reporting.model import ReportData

TEMPLATES = Path(__file__).resolve().parent / "templates"
BAND_LABELS = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low", "none": "None"}


def css_string(value: str) -> str:
    """A CSS string literal's content: quotes, backslashes, line breaks and
    `<` escaped, so a name cannot end the string or the style element."""
    out = []
    for ch in str(value):
        if ch in '\\"<>' or ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return "".join(out)


def path_breaks(value: str) -> Markup:
    """A path or name, escaped, that may wrap after each / \\ › or _ (a <wbr> each)."""
    text = str(escape(value))
    return Markup(re.sub(r"([/\\_›])", r"\1<wbr>", text))


def _names(entities: dict) -> str:
    return ", ".join(entity_labels.plural(e) for e in entities)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda n: f"{n:,}"
    env.filters["css_string"] = css_string
    env.filters["names"] = _names
    env.filters["path"] = path_breaks
    return env


def _charts(d: ReportData) -> dict[str, Markup]:
    colours = [charts.SENSITIVITY_COLOURS[entity_labels.sensitivity(row.code)] for row in
               sorted(d.entities, key=lambda r: -r.findings)[: len(d.by_entity)]]
    out = {
        "entity": charts.bar_chart(d.by_entity, "Findings by type of data", colours),
        "area": charts.bar_chart(d.by_area, "Findings by top-level folder or source", width=420, label_width=170),
        "type": charts.bar_chart(d.by_type, "Findings by file type", width=420, label_width=170),
        "exposure": charts.bar_chart(d.by_exposure, "Items with highly sensitive data, by who can read them"),
        "trend": charts.line_chart(d.trend_labels, [(s.name, s.points) for s in d.trend], "Findings per scan"),
    }
    return out


def render_html(d: ReportData) -> str:
    env = _environment()
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    start = (d.files + d.tables + d.mailboxes)
    start.sort(key=lambda r: -r.score)
    rankings = [
        ("Riskiest files", d.files, d.counts_of_kind.get("file", 0), "File"),
        ("Database tables", d.tables, d.counts_of_kind.get("table", 0), "Table"),
        ("Mailboxes", d.mailboxes, d.counts_of_kind.get("mailbox", 0), "Mailbox"),
    ]
    return env.get_template("report.html.j2").render(
        d=d, css=Markup(css), charts=_charts(d), band_label=BAND_LABELS, start=start[:5], rankings=rankings,
        several_sources=len(d.targets) > 1 or bool(d.tables or d.mailboxes),
        footer=f"{d.client} · {d.title} · {d.as_of}",
    )
