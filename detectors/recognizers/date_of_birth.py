"""Dates of birth: a date that a birth label or a birth column names.

Every document is full of dates; only a birth date is PII. A date counts
when:

* a birth word stands right before it on its line, with no other number in
  between (`DOB: 03/12/1985`, `Date of birth (MM/DD/YYYY): 3/12/1985`,
  `born on 12 March 1985`, `geb. 12.03.1985`, `né le 12 mars 1985`,
  `"birthDate": "1985-03-12"`), or right after it (`03/12/1985 (DOB)`);
  "DOB 01/02/1980, visit 03/04/2023" gives the first date only;
* or the column it sits in is named for births (a CSV/spreadsheet header or
  SQL column `dob`, `birth_date`, `BirthDate`, `Geburtsdatum`).

Formats: ISO (1985-03-12, 1985/03/12), numeric day-month-year and
month-day-year with `/`, `-` or `.` and 2- or 4-digit years, written months
(English, German, French, Spanish, Italian) either way round, `12-Mar-1985`,
and YYYYMMDD under a birth column. The date must exist and give an age of
0-120 years. For hashing a date is normalised to ISO (`iso_date`), so one
birth date written two ways is one value: a slashed or dashed date is read
month first (US) unless its first number exceeds 12, a dotted one day first.
"""

from __future__ import annotations

import datetime as _dt
import re

from detectors.recognizers.columns import INSERT_BARE_TRIGGER, INSERT_TRIGGER
from detectors.recognizers.sql_insert import column_at
from detectors.base import PiiRecognizer, Rule, SegmentContext, Trigger, context_tokens, context_window
from detectors.dates import _MONTH_OF, iso_date, parse_date  # noqa: F401 - iso_date: this module's API

_MONTH_RX = "|".join(sorted(_MONTH_OF, key=len, reverse=True))
_D = r"(?:0?[1-9]|[12]\d|3[01])"
_M = r"(?:0?[1-9]|1[0-2])"
_Y4 = r"(?:1[89]|20)\d\d"

_ISO = rf"({_Y4}(?<![\w.\-/]\d\d\d\d)([-/.]){_M}\2{_D})(?![\w/]|[.-]\d)"
_NUMERIC = rf"(?<![\w.\-/])({_D}([-/.]){_D}\2(?:{_Y4}|\d\d))(?![\w/]|[.-]\d)"
_WRITTEN_DMY = (rf"(\d(?<![\w.]\d)\d?(?:st|nd|rd|th|er)?\.?[ \t]+(?:of[ \t]+|de[ \t]+)?(?:{_MONTH_RX})\.?,?"
                rf"[ \t]+(?:de[ \t]+)?{_Y4})(?!\w)")
_WRITTEN_MDY = rf"(?<![^\W\d_])((?:{_MONTH_RX})\.?[ \t]+\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]+{_Y4})(?!\w)"
_ABBREV = rf"(\d(?<![\w.-]\d)\d?-(?:{_MONTH_RX})-(?:{_Y4}|\d\d))(?!\w)"
_COMPACT = rf"({_Y4}(?<![\w.-]\d\d\d\d)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?!\w)"

CONTEXT = (
    # Headers are matched as words ("D.O.B." is " d o b "), hence "d o b".
    "dob", "d.o.b", "d.o.b.", "d o b", "date of birth", "birth date", "birthdate", "date birth", "birthday",
    "born", "born on", "birth", "b. date", "geb.", "geboren", "geburtsdatum", "geburtstag", "né le", "née le",
    "né", "née", "date de naissance", "naissance", "fecha de nacimiento", "nacimiento", "nacido", "nacida",
    "data di nascita", "nato il", "nata il", "geboortedatum", "fødselsdato", "födelsedatum", "syntymäaika",
)
# A birth word counts only this close before the date (or after it).
_BEFORE = 40
_AFTER = 14
_DIGIT = re.compile(r"\d")


def plausible_birth_date(value: str, today: _dt.date | None = None) -> bool:
    d = parse_date(value)
    if d is None:
        return False
    today = today or _dt.date.today()
    return d <= today and today.year - d.year <= 120


class DateOfBirthRecognizer(PiiRecognizer):
    ENTITY = "DATE_OF_BIRTH"
    RULES = (
        Rule("dob_iso", _ISO, 0.0, 0.9, group=1),
        Rule("dob_numeric", _NUMERIC, 0.0, 0.85, group=1),
        Rule("dob_written_dmy", _WRITTEN_DMY, 0.0, 0.9, flags=re.IGNORECASE),
        Rule("dob_written_mdy", _WRITTEN_MDY, 0.0, 0.9, flags=re.IGNORECASE),
        Rule("dob_abbrev", _ABBREV, 0.0, 0.85, flags=re.IGNORECASE),
    )
    CONTEXT = CONTEXT
    TRIGGERS = (
        Trigger(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}", bare=True),
        Trigger(rf"\d(?:st|nd|rd|th|er)?\.?[ \t]+(?:of[ \t]+|de[ \t]+)?(?:{_MONTH_RX})", caseless=True, bare=True),
        Trigger(rf"(?:{_MONTH_RX})\.?[ \t]+\d", caseless=True, bare=True),
        Trigger(rf"\d-(?:{_MONTH_RX})-\d", caseless=True, bare=True),
    )
    MAX_LEN = 30
    NOTES = ("a real date (age 0-120) right after a birth word (DOB, born, geb., né le...) or in a birth column; "
             "ISO, m/d/y, d.m.y, written months")
    NORMALISE = "date"
    MASK = "date"

    def validate(self, value: str) -> bool:
        return plausible_birth_date(value)

    def has_context(self, text: str, start: int, end: int, context) -> bool:
        """A birth word right before the date with no number in between, or
        right after it; or a birth column (external context)."""
        if self._context_re is None:
            return False
        window = context_window(text, start, end, _BEFORE, _AFTER)
        head, _, tail = window.partition(" \x00 ")
        last = None
        for m in self._context_re.finditer(head):
            last = m
        if last is not None and not _DIGIT.search(head[last.end():]):
            return True
        m = self._context_re.search(tail)
        if m is not None and not _DIGIT.search(tail[: m.start()]):
            return True
        return self._external(start, context, text)

    def triggers(self) -> list[Trigger]:
        return super().triggers() + [Trigger(t.regex, caseless=True, context=True)
                                     for t in (INSERT_TRIGGER, INSERT_BARE_TRIGGER)]

    def trigger_radius(self, trigger: Trigger) -> int:
        # Context words and INSERT statements: the values may lie anywhere
        # on the statement's lines.
        return 1 << 40 if trigger.context else self.MAX_LEN + 8

    def _external(self, start: int, context, text: str = "") -> bool:
        words = context.words_at(start) if isinstance(context, SegmentContext) else tuple(context or ())
        column = column_at(text, start) if text else None  # a value of a SQL INSERT statement
        if column is not None:
            words = words + (column,)
        return bool(words) and bool(self._context_re.search(context_tokens(words)))


class BirthDateColumnRecognizer(DateOfBirthRecognizer):
    """YYYYMMDD only under a birth column: as a bare number it is anything."""

    ENTITY = "DATE_OF_BIRTH"
    RULES = (Rule("dob_compact", _COMPACT, 0.0, 0.85),)
    CONTEXT = ("dob", "d o b", "birth date", "birthdate", "date of birth", "geburtsdatum", "date de naissance")
    TRIGGERS = (Trigger(r"(?:^|[^0-9])(?:1[89]|20)\d{6}(?:[^0-9]|$)", bare=True),)
    CONTEXT_TRIGGERS = False
    MAX_LEN = 8
    NOTES = "YYYYMMDD only in a birth column (dob, birth_date)"
    NORMALISE = "date"
    MASK = "date"

    def has_context(self, text: str, start: int, end: int, context) -> bool:
        return self._external(start, context, text)
