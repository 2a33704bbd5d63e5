"""Small SVG charts, drawn on the server: they need no script, no font
download and no network, and print exactly as they show.

Two shapes cover the report: horizontal bars (findings by entity, by
folder, by file type, by exposure) and a line chart (the trend across
scans). Every label is escaped: folder names come from the client's share.
Sizes are in SVG user units; the page's CSS scales the chart to the column
width (`width: 100%`, the height follows the viewBox).
"""

from __future__ import annotations

import math
from typing import Sequence

from markupsafe import Markup, escape

INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
NAVY = "#1f4e79"
SENSITIVITY_COLOURS = {"high": "#b42318", "medium": "#c2620a", "low": "#2f6fb3", "none": "#9ca3af"}
SERIES_COLOURS = ("#1f4e79", "#b42318", "#2f855a", "#c2620a", "#6b46c1", "#0e7490")
ROW = 26
BAR = 15


def _fmt(n: float) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M".replace(".0M", "M")
    if n >= 10_000:
        return f"{n / 1000:.0f}k"
    return f"{int(n):,}"


def _clip(label: str, limit: int) -> str:
    """Long labels keep their start and their end (a path's file name)."""
    if len(label) <= limit:
        return label
    head = limit // 2 - 1
    return label[:head] + "…" + label[-(limit - head - 1):]


def nice_max(value: float) -> float:
    """The axis end: 1, 2, 2.5 or 5 times a power of ten, at or above `value`."""
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def bar_chart(rows: Sequence[tuple[str, int]], title: str, colours: Sequence[str] | None = None,
              width: int = 680, label_width: int = 250) -> Markup:
    """Horizontal bars, largest first as given; `colours` per row (default navy)."""
    if not rows:
        return Markup("")
    height = len(rows) * ROW + 10
    top = max(v for _, v in rows) or 1
    span = width - label_width - 70
    parts = [f'<svg class="chart bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for i, (label, value) in enumerate(rows):
        y = 5 + i * ROW
        w = max(2.0, span * value / top)
        colour = colours[i] if colours else NAVY
        parts.append(
            f'<g><title>{escape(label)}: {value:,}</title>'
            f'<text x="{label_width - 10}" y="{y + BAR - 3}" text-anchor="end" fill="{INK}">'
            f"{escape(_clip(label, int(label_width / 6.6)))}</text>"
            f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{BAR}" rx="2" fill="{colour}"/>'
            f'<text x="{label_width + w + 6:.1f}" y="{y + BAR - 3}" fill="{MUTED}">{_fmt(value)}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[tuple[int, int]]]], title: str,
               width: int = 680, height: int = 250) -> Markup:
    """Lines over ordinal x positions (one per scan); a legend above."""
    if not labels or not series:
        return Markup("")
    left, right, top_pad, bottom = 56, 44, 34, 46
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = nice_max(max((v for _, pts in series for _, v in pts), default=0))
    step = plot_w / max(1, len(labels) - 1)

    def x_of(i: int) -> float:
        return left + (i * step if len(labels) > 1 else plot_w / 2)

    def y_of(v: float) -> float:
        return top_pad + plot_h - plot_h * v / top

    parts = [f'<svg class="chart line" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for k in range(5):  # grid and y ticks
        v = top * k / 4
        y = y_of(v)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{_fmt(v)}</text>')
    every = max(1, math.ceil(len(labels) / 8))
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            parts.append(f'<text x="{x_of(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                         f'fill="{MUTED}">{escape(label)}</text>')
    lx = left
    for n, (name, pts) in enumerate(series):
        colour = SERIES_COLOURS[n % len(SERIES_COLOURS)]
        coords = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in pts)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for i, v in pts:
            parts.append(f'<circle cx="{x_of(i):.1f}" cy="{y_of(v):.1f}" r="3.5" fill="{colour}">'
                         f"<title>{escape(name)}, {escape(labels[i])}: {v:,}</title></circle>")
        parts.append(f'<rect x="{lx}" y="8" width="12" height="12" rx="2" fill="{colour}"/>'
                     f'<text x="{lx + 18}" y="18" fill="{INK}">{escape(_clip(name, 30))}</text>')
        lx += 30 + 7 * min(len(name), 30)
    parts.append("</svg>")
    return Markup("".join(parts))
