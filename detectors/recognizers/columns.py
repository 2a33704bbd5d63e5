"""Values found by the column they sit in, not by their shape.

A password, a name or a date of birth in a spreadsheet has no shape of its
own: `Summer2024!`, `Maria Gonzalez` and `03/12/1985` are only PII because
the column above them says `Password`, `Employee` or `DOB`. A column
recognizer matches whole cells and counts a cell only when the header of
its own column (a CSV/TSV or spreadsheet header, `DelimitedLayout`; a SQL
column name, the segment's context) names such a column. Words elsewhere on
the line never count: "reset password" next to an order number says
nothing about it.

Cells are split by every delimiter piiscout's layouts use (comma, tab,
semicolon, pipe, and newline for SQL columns, whose cells are joined one a
line); a rule per delimiter, and only the rule of the segment's own
delimiter keeps its matches.
"""

from __future__ import annotations

import re
from typing import ClassVar, Sequence

from presidio_analyzer import RecognizerResult

from bisect import bisect_left

from detectors.recognizers.sql_insert import column_at, insert_cells
from detectors.base import RULE_NAME_KEY, PiiRecognizer, Rule, SegmentContext, Trigger, context_tokens, rule_name

# A cell: no delimiter of its own kind, no line break; surrounding blanks and
# quotes are trimmed by `refine`.
_CELL = {
    ",": r"(?:^|(?<=,))([^,\n]{1,200})(?=,|\r?$)",
    "\t": r"(?:^|(?<=\t))([^\t\n]{1,200})(?=\t|\r?$)",
    ";": r"(?:^|(?<=;))([^;\n]{1,200})(?=;|\r?$)",
    "|": r"(?:^|(?<=\|))([^|\n]{1,200})(?=\||\r?$)",
    "\n": r"^([^\n]{1,200})(?=\r?$)",
}
_RULE_DELIMITER = {f"cell_{i}": d for i, d in enumerate(_CELL)}
_DELIMITER_RULE = {d: name for name, d in _RULE_DELIMITER.items()}
_QUOTES = "\"'"


# The values of SQL INSERT statements (sql_insert.py) are cells too; this
# rule only names them (its regex never matches).
INSERT_RULE = "sql_insert_value"
INSERT_TRIGGER = Trigger(r"INSERT\s+(?:IGNORE\s+)?(?:INTO\s+)?[^\s(]+\s*\(", caseless=True)
INSERT_BARE_TRIGGER = Trigger(r"INSERT\s+(?:IGNORE\s+)?(?:INTO\s+)?[^\s(]+\s+VALUES\s*\(", caseless=True)


def cell_rules(context_score: float) -> tuple[Rule, ...]:
    return tuple(Rule(name, _CELL[d], 0.0, context_score, flags=re.MULTILINE)
                 for name, d in _RULE_DELIMITER.items()) + (Rule(INSERT_RULE, r"(?!x)x", 0.0, context_score),)


def segment_delimiter(context: Sequence[str] | None, pos: int) -> str | None:
    """The delimiter of the cells at `pos`: the layout's (CSV/TSV, a table in
    a document), newline for a segment whose own context names a column (a
    SQL column's cells, one a line), "" when the text is no table, and None
    for a layout of another kind (every split is tried)."""
    layout = getattr(context, "layout", None)
    if layout is not None:
        table = getattr(layout, "_table", None)
        if table is not None:  # a document's tables (TableLayout)
            inner = table(pos)
            return inner.delimiter if inner is not None else ""
        delimiter = getattr(layout, "delimiter", None)
        if delimiter is not None:
            return delimiter
    if context:
        return "\n"
    return None if layout is not None else ""


class ColumnRecognizer(PiiRecognizer):
    """Subclasses set ENTITY, HEADER (a regex over a header's tokens, as
    `context_tokens` spells them: ' date of birth '), optionally
    HEADER_DENY, CONTEXT (the header words: they arm the trigger) and
    `cell_ok(value)`.

    The prefilter wakes a column recognizer once per segment (one hit at
    its start, armed only when a header of the segment names its column),
    and with the segment's context it reads only the cells of the matching
    columns. Presidio's path (no context at matching time) reads every cell
    and context scoring keeps the same ones.
    """

    HEADER: ClassVar[str]
    HEADER_DENY: ClassVar[str | None] = None
    CONTEXT_SCORE: ClassVar[float] = 0.8
    CONTEXT_TRIGGERS = False
    USES_LAYOUT = True
    MAX_LEN = 200

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "RULES" not in cls.__dict__:
            cls.RULES = cell_rules(cls.CONTEXT_SCORE)

    def __init__(self, name: str | None = None):
        super().__init__(name)
        self._header_re = re.compile(self.HEADER)
        self._header_deny = re.compile(self.HEADER_DENY) if self.HEADER_DENY else None

    def triggers(self) -> list[Trigger]:
        return [Trigger(r"\A[\s\S]", bare=True), INSERT_TRIGGER, INSERT_BARE_TRIGGER]

    def trigger_radius(self, trigger: Trigger) -> int:
        return 1 << 40  # the whole segment

    def context_matches(self, words: Sequence[str]) -> bool:
        return self.header_matches(words)

    # -- matching ------------------------------------------------------------
    def analyze_range(self, text: str, lo: int, hi: int, entities: Sequence[str] | None = None,
                      context: SegmentContext | None = None) -> list[RecognizerResult]:
        if entities is not None and self.ENTITY not in entities:
            return []
        if context is None:
            return super().analyze_range(text, lo, hi, entities) + self._insert_results(text, lo, hi)
        results = self._insert_results(text, lo, hi)
        for start, end, rule in self._column_cells(text, lo, hi, context):
            span = self.refine(text, start, end)
            if span is not None:
                results.append(self._result(span, rule))
        return results

    def _insert_results(self, text: str, lo: int, hi: int) -> list[RecognizerResult]:
        """Values of SQL INSERT statements whose column this recognizer's
        header rule names (the same in both paths: it needs only the text)."""
        starts, cells = insert_cells(text)
        if not cells:
            return []
        rule = self._rule_by_name(INSERT_RULE)
        out = []
        for i in range(bisect_left(starts, lo), len(cells)):
            start, end, column = cells[i]
            if start >= hi:
                break
            if self.header_matches((column,)):
                span = self.refine(text, start, end)
                if span is not None:
                    out.append(self._result(span, rule))
        return out

    def _column_cells(self, text: str, lo: int, hi: int, context: SegmentContext):
        """(start, end, rule) of the cells in matching columns."""
        layout = context.layout
        if self.header_matches(tuple(context)):  # one SQL column: every line is a cell
            yield from _lines(text, lo, hi, self._rule_by_name(_DELIMITER_RULE["\n"]))
            return
        if layout is None:
            return
        cells = getattr(layout, "column_cells", None)
        if cells is not None:  # tables in plain text (COPY, fixed width): the layout knows the cells
            rule = self._rule_by_name(_DELIMITER_RULE["\n"])
            for start, end, name in cells(text, lo, hi):
                if self.header_matches((name,)):
                    yield start, end, rule
            return
        if not hasattr(layout, "headers") and not hasattr(layout, "tables"):
            # A layout of another kind (it knows a header per position, not
            # its columns): every cell, and context scoring decides.
            for res in super().analyze_range(text, lo, hi):
                yield res.start, res.end, self._rule_by_name(rule_name(res))
            return
        tables = getattr(layout, "tables", None)
        if tables is None:
            yield from self._table_cells(text, lo, hi, layout)
            return
        base = layout.base
        for t_start, t_end, inner in tables:
            a, b = max(lo, t_start - base), min(hi, t_end - base)
            if a < b:
                yield from self._table_cells(text, a, b, inner)

    def _table_cells(self, text: str, lo: int, hi: int, layout):
        sections = getattr(layout, "sections", None)
        if sections is None:
            yield from self._section_cells(text, lo, hi, layout.headers, layout.delimiter)
            return
        secs = sections(text)  # a second table below the first has its own headers
        for i, (start, headers) in enumerate(secs):
            end = secs[i + 1][0] if i + 1 < len(secs) else len(text)
            a, b = max(lo, start), min(hi, end)
            if a < b:
                yield from self._section_cells(text, a, b, headers, layout.delimiter)

    def _section_cells(self, text: str, lo: int, hi: int, headers, delimiter: str):
        wanted = [i for i, h in enumerate(headers) if h and self.header_matches((h,))]
        if not wanted:
            return
        rule = self._rule_by_name(_DELIMITER_RULE.get(delimiter))
        if rule is None:
            return
        pos = text.rfind("\n", 0, lo) + 1
        while pos < hi:
            nl = text.find("\n", pos)
            end = len(text) if nl < 0 else nl
            line = text[pos:end]
            if '"' in line:
                cells = _quoted_cells(line, delimiter)
            else:
                cells, at = [], 0
                for cell in line.split(delimiter):
                    cells.append((at, at + len(cell)))
                    at += len(cell) + 1
            for i in wanted:
                if i < len(cells):
                    a, b = cells[i]
                    if b > a and pos + a >= lo:
                        yield pos + a, pos + b, rule
            pos = end + 1

    def _result(self, span: tuple[int, int], rule: Rule) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self.ENTITY, start=span[0], end=span[1], score=rule.context_score,
            analysis_explanation=None,
            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                  RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                                  RULE_NAME_KEY: rule.name})

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        while start < end and (text[start].isspace() or text[start] in _QUOTES):
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in _QUOTES):
            end -= 1
        if start >= end or end - start > self.MAX_LEN or not self.cell_ok(text[start:end]):
            return None
        return start, end

    def cell_ok(self, value: str) -> bool:
        return True

    # -- context: the cell's own column only ---------------------------------
    def header_matches(self, words: Sequence[str]) -> bool:
        for w in words:
            tokens = context_tokens((w,))
            if self._header_re.search(tokens) and not (self._header_deny and self._header_deny.search(tokens)):
                return True
        return False

    def header_words(self, text: str, start: int, context) -> tuple[str, ...]:
        """The header of the cell at `start`: its column in the layout or
        the segment's context, or its SQL INSERT column."""
        words = context.words_at(start) if isinstance(context, SegmentContext) else tuple(context or ())
        column = column_at(text, start)
        return words + (column,) if column is not None else words

    def has_context(self, text: str, start: int, end: int, context) -> bool:
        words = self.header_words(text, start, context)
        if not self.header_matches(words):
            return False
        value = text[start:end].strip().casefold()
        return not any(value == str(w).strip().casefold() for w in words)  # the header row itself

    def enhance_using_context(self, text, raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts,
                              context=None) -> list[RecognizerResult]:
        kept = []
        for res in raw_recognizer_results:
            rule = rule_name(res)
            if rule in _RULE_DELIMITER and column_at(text, res.start) is None:
                delimiter = segment_delimiter(context, res.start)
                if delimiter is not None and delimiter != _RULE_DELIMITER[rule]:
                    continue
            kept.append(res)
        return super().enhance_using_context(text, kept, other_raw_recognizer_results, nlp_artifacts, context)


def _lines(text: str, lo: int, hi: int, rule: Rule):
    pos = text.rfind("\n", 0, lo) + 1
    while pos < hi:
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        if end > pos:
            yield pos, end, rule
        pos = end + 1


def _quoted_cells(line: str, delimiter: str) -> list[tuple[int, int]]:
    """Cell spans of a CSV line with quoted cells (a delimiter inside quotes
    does not split)."""
    cells, start, quoted = [], 0, False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            cells.append((start, i))
            start = i + 1
    cells.append((start, len(line)))
    return cells
