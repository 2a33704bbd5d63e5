"""Context gates: where a recognizer's context-word windows are worth
examining (`PiiRecognizer.CONTEXT_GATE`).

A context word (`phone`, `patient`) opens a wide prefilter window, and
number-dense logs and prose are full of them. A recognizer whose
context-only matches all have a shape of their own names a gate, and the
engine (detectors/engine.py) examines a context word's window only where
the gate lets it:

* `NearHit(reach)`: within `reach` characters of one of the recognizer's
  value or gate trigger hits (every match contains, or ends that close to,
  such a hit);
* `InWindow(regex)`: where `regex` (Python `re`, searched in the window
  only) matches; cheaper than gate triggers when the gate's shape is common
  (seven digits: dates, ids), since it is searched only where a context
  word hit.

Plain values: imports nothing of piiscout's.
"""

from __future__ import annotations

import re
from bisect import bisect_left

Span = tuple[int, int]


class ContextGate:
    def keep(self, text: str, windows: list[Span], ends: list[int]) -> list[Span]:
        """The context-word `windows` to examine in `text`; `ends` (sorted)
        are where the recognizer's value and gate trigger hits end."""
        raise NotImplementedError


class NearHit(ContextGate):
    def __init__(self, reach: int):
        self.reach = reach

    def keep(self, text: str, windows: list[Span], ends: list[int]) -> list[Span]:
        if not ends:
            return []
        pad = self.reach
        return [(lo, hi) for lo, hi in windows if any_within(ends, lo - pad, hi + pad)]


class InWindow(ContextGate):
    def __init__(self, regex: str):
        self.regex = re.compile(regex)

    def keep(self, text: str, windows: list[Span], ends: list[int]) -> list[Span]:
        return [(lo, hi) for lo, hi in merge_spans(windows) if self.regex.search(text, lo, hi)]


def any_within(ends: list[int], lo: int, hi: int) -> bool:
    """Is any of the sorted `ends` in [lo, hi]?"""
    i = bisect_left(ends, lo)
    return i < len(ends) and ends[i] <= hi


def merge_spans(spans: list[Span]) -> list[Span]:
    """Overlapping spans joined, in order (sorts `spans` in place)."""
    spans.sort()
    out = [spans[0]]
    for lo, hi in spans[1:]:
        plo, phi = out[-1]
        if lo <= phi:
            if hi > phi:
                out[-1] = (plo, hi)
        else:
            out.append((lo, hi))
    return out
