"""Delimited text at array speed: cells whose shape settles every result.

A customer export holds an SSN, a card, an e-mail address and a phone
number on every row: tens of thousands of values per MB. The general path
(one Hyperscan callback per trigger hit, a Python regex window per hit, a
RecognizerResult per value) costs ~50 us a value there. For the cells of a
CSV (comma, semicolon or pipe; not tab: a tab before a value is skipped
over when its key is looked for) this module decides, without a regex
window, what the four recognizers that fill such exports (US_SSN,
CREDIT_CARD, EMAIL_ADDRESS, PHONE_NUMBER: the "cell recognizers") report
in a cell, when the cell's shape settles it:

* a *certified* cell is one of a row with no quote character, under a
  non-empty header, whose whole text matches one of the SHAPES below. For
  each shape the rule that matches the whole cell is known (and no rule of
  the four matches any other part of it: the shapes are chosen so, and
  tests/detectors/test_tabular.py checks it against the recognizers on
  generated cells); the recognizer's own `refine`/validators decide whether
  it is a value, its own context scoring (the column header, the only
  context a cell under a header has) and `adjust_rule` give the score;
* values the rules treat specially are not certified and go the general
  way: SSNs in area 9xx (labelled-only), published test card numbers
  (suppressed and counted), anything else the shapes do not cover;
* no rule of the four consumes a `,`, `;` or `|`, so no match of theirs
  spans two cells: what they find in a certified cell is exactly the cell's
  own result.

The engine (detectors/engine.py) then blanks certified cells for the cell
recognizers' value triggers only (their own Hyperscan database): every
other recognizer, and the cell recognizers' context words, still see the
whole text, so their results are the general path's; the cell recognizers'
results in uncertified cells come from the general path too, and any they
find starting in a certified cell is dropped (the cell's own result stands
for it). The results are the general path's; only the work is not.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Sequence

from detectors.base import PiiRecognizer, Rule, SegmentContext
from detectors.test_cards import is_test_card
from detectors.validators import digits, phone_quality

DELIMITERS = (",", ";", "|")

# Shapes per recognizer class name: (rule name, full-match regex). Each is
# matched by exactly that rule, from the cell's first to its last character.
_EMAIL_LOCAL = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
_EMAIL_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
SHAPES = {
    "SsnRecognizer": (("ssn_dashed", r"\d{3}-\d{2}-\d{4}"), ("ssn_bare", r"\d{9}")),
    "PaymentCardRecognizer": (("card_grouped", r"\d{4} \d{4} \d{4} \d{4}"), ("card", r"\d{13,19}")),
    "PhoneNumberRecognizer": (("nanp", r"\([2-9]\d{2}\) \d{3}-\d{4}"), ("nanp", r"[2-9]\d{2}-\d{3}-\d{4}"),
                              ("nanp", r"[2-9]\d{2}\.\d{3}\.\d{4}"), ("nanp", r"\+1 [2-9]\d{2} \d{3} \d{4}")),
    # At most four digits in the whole address (checked apart): no run of
    # them is an SSN, card or phone number to the other rules.
    "EmailAddressRecognizer": (("email", _EMAIL_LOCAL + "@" + _EMAIL_DOMAIN),),
}
_MAX_EMAIL_DIGITS = 4
_DIGITS = str.maketrans("", "", "0123456789")


class _Kind:
    """One shape: its recognizer, rule and checks."""

    __slots__ = ("rec", "rule", "entity", "check")

    def __init__(self, rec: PiiRecognizer, rule: Rule):
        self.rec, self.rule, self.entity = rec, rule, rec.ENTITY
        self.check = getattr(self, "_" + type(rec).__name__)

    # Each returns None (not certified: the general path decides), False
    # (none of the four reports anything in this cell) or the value's class:
    # the score depends on the value only through it (the phone number's
    # quality; True for the others), so it is computed once per column and
    # class.
    def _SsnRecognizer(self, text: str, s: int, e: int, value: str):
        d = digits(value)
        if len(d) == 9 and d[0] == "9":
            return None  # labelled-only or ITIN: the general path decides
        return self.rec.refine_rule(self.rule, text, s, e) is not None

    def _PaymentCardRecognizer(self, text: str, s: int, e: int, value: str):
        if not self.rec.is_card(value):
            return False
        return None if is_test_card(digits(value)) else True

    def _PhoneNumberRecognizer(self, text: str, s: int, e: int, value: str):
        return phone_quality(value) or False

    def _EmailAddressRecognizer(self, text: str, s: int, e: int, value: str):
        if len(value) - len(value.translate(_DIGITS)) > _MAX_EMAIL_DIGITS:
            return None
        return self.rec.refine(text, s, e) == (s, e)


class CellPlan:
    """The cell recognizers of an engine and their shapes."""

    def __init__(self, recognizers: Sequence, indexes: Sequence[int]):
        self.indexes = tuple(indexes)  # the engine's _fast indexes of the cell recognizers
        self.entities = frozenset(recognizers[i].ENTITY for i in indexes)
        kinds: list[tuple[re.Pattern, _Kind]] = []
        for i in indexes:
            rec = recognizers[i]
            rules = {r.name: r for r in rec.RULES}
            for rule_name, shape in SHAPES[type(rec).__name__]:
                kinds.append((re.compile(shape, re.ASCII), _Kind(rec, rules[rule_name])))
        self.kinds = kinds
        self._regexes: dict[str, re.Pattern] = {}

    @classmethod
    def build(cls, fast: Sequence, everything: Sequence) -> "CellPlan | None":
        """The plan for an engine's trigger recognizers (`fast`), or None
        unless all four cell recognizers are among them, as built in, and no
        other recognizer (of `everything`) reports their entity types."""
        found: dict[str, int] = {}
        for i, rec in enumerate(fast):
            name = type(rec).__name__
            if name in SHAPES and type(rec).__module__.startswith("detectors.recognizers.") \
                    and getattr(rec, "_piiscout_plugin", None) is None:
                found[name] = i
        if len(found) != len(SHAPES):
            return None
        mine = {id(fast[i]) for i in found.values()}
        entities = {fast[i].ENTITY for i in found.values()}
        for rec in everything:
            if id(rec) not in mine and entities & set(getattr(rec, "supported_entities", ())):
                return None
        return cls(fast, sorted(found.values()))

    # ------------------------------------------------------------------
    def cells(self, text: str, core: tuple[int, int], delimiter: str,
              sections: Sequence[tuple[int, tuple[str, ...]]], ctx: SegmentContext, min_score: float) -> "Cells":
        """Certified cells of the complete lines in `core`, and their results.
        `sections` are (start, headers) of the tables of `text`, in order, the
        first at 0 (DelimitedLayout.sections): each line's cells are scored
        under the headers of the table it is in."""
        out = Cells()
        lo, hi = core
        if lo > 0 and text[lo - 1] != "\n":  # the first complete line of the core
            lo = text.find("\n", lo, hi) + 1
            if lo == 0:
                return out
        end = text.rfind("\n", lo, hi)
        if end < 0:
            return out
        rx = self._cell_regex(delimiter)
        quotes = _quote_positions(text, lo, end)
        scores: dict[tuple, float | None] = {}
        for i, (start, headers) in enumerate(sections):
            # A section starts at a line start; its last line ends at the
            # newline before the next one.
            a = max(lo, start)
            b = min(end, sections[i + 1][0] - 1) if i + 1 < len(sections) else end
            if a < b and any(headers):
                self._section_cells(out, text, a, b, rx, delimiter, headers, quotes, scores, ctx, min_score)
        return out

    def _section_cells(self, out: "Cells", text: str, lo: int, end: int, rx: re.Pattern, delimiter: str,
                       headers: tuple[str, ...], quotes: list[int], scores: dict, ctx: SegmentContext,
                       min_score: float) -> None:
        """Cells of the lines from `lo` (a line start) to `end` (the newline
        ending the last of them), all under `headers`. `scores` is shared by
        the sections: its key holds the column's header, not its number."""
        ncols = len(headers)
        kinds = self.kinds
        spans_s, spans_e, ents, starts, ends, vals, dets = (out.spans_s, out.spans_e, out.entity, out.start,
                                                             out.end, out.score, out.detector)
        line_start, line_end = -1, -1
        for m in rx.finditer(text, lo, end):
            s, e = m.span()
            if s > line_end:  # a new line (`lo` is a line start: no newline before `s` means that one)
                line_start = max(lo, text.rfind("\n", lo, s) + 1)
                line_end = text.find("\n", s, end + 1)
                if quotes and _has_quote(quotes, line_start, line_end):
                    continue
            elif quotes and _has_quote(quotes, line_start, line_end):
                continue
            col = text.count(delimiter, line_start, s)
            if col >= ncols or not headers[col]:
                continue
            k = m.lastindex - 1
            kind = kinds[k][1]
            value = m.group()
            cls = kind.check(text, s, e, value)
            if cls is None:
                continue
            spans_s.append(s)
            spans_e.append(e)
            if cls is False:
                continue
            key = (headers[col], k, cls)
            score = scores.get(key, 0)
            if score == 0:
                score = scores[key] = self._score(kind, text, s, e, value, ctx, min_score)
            if score is not None:
                ents.append(kind.entity)
                starts.append(s)
                ends.append(e)
                vals.append(score)
                dets.append(kind.rec.name)

    @staticmethod
    def _score(kind: "_Kind", text: str, s: int, e: int, value: str, ctx: SegmentContext, min_score: float):
        """The recognizer's own score for this value (None: not reported)."""
        base, has_ctx = kind.rec.context_score(kind.rule, text, s, e, ctx)
        score = round(kind.rec.adjust_rule(kind.rule, value, base, has_ctx), 4)
        return score if score > 0 and score >= min_score else None

    def _cell_regex(self, delimiter: str) -> re.Pattern:
        """A whole cell of one of the shapes (group k + 1: shape k)."""
        rx = self._regexes.get(delimiter)
        if rx is None:
            d = re.escape(delimiter)
            rx = self._regexes[delimiter] = re.compile(
                rf"(?:^|(?<={d}))(?:" + "|".join(f"({k.pattern})" for k, _ in self.kinds) + rf")(?={d}|$)",
                re.ASCII | re.MULTILINE)
        return rx


def _quote_positions(text: str, lo: int, hi: int) -> list[int]:
    """Positions of the quote characters in text[lo:hi] (rows with one are
    not certified: a quoted cell may hold the delimiter)."""
    out, i = [], text.find('"', lo, hi)
    while i >= 0:
        out.append(i)
        i = text.find('"', i + 1, hi)
    return out


def _has_quote(quotes: list[int], lo: int, hi: int) -> bool:
    i = bisect_right(quotes, lo - 1)
    return i < len(quotes) and quotes[i] < hi


class Cells:
    """Certified cells (`spans_*`, in text order) and the results in them,
    as columns (in text order)."""

    __slots__ = ("spans_s", "spans_e", "entity", "start", "end", "score", "detector")

    def __init__(self) -> None:
        self.spans_s: list[int] = []
        self.spans_e: list[int] = []
        self.entity: list[str] = []
        self.start: list[int] = []
        self.end: list[int] = []
        self.score: list[float] = []
        self.detector: list[str] = []

    def __len__(self) -> int:
        return len(self.start)

    def blanked(self, text: str) -> str:
        """`text` with every certified cell's characters as spaces."""
        parts, pos = [], 0
        for s, e in zip(self.spans_s, self.spans_e):
            parts.append(text[pos:s])
            parts.append(" " * (e - s))
            pos = e
        parts.append(text[pos:])
        return "".join(parts)

    def covers(self, pos: int) -> bool:
        """Does a certified cell hold position `pos`?"""
        i = bisect_right(self.spans_s, pos) - 1
        return i >= 0 and pos < self.spans_e[i]
