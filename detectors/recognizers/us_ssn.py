"""US Social Security numbers: 123-45-6789, 123 45 6789, 123.45.6789, and a
bare 123456789 only with context (a nearby "SSN", `SSN#123456789`, or a
header such as `tax_id`).

"Social" alone is not context: a Canadian Social Insurance Number is not a
US SSN, and its context ("SIN", "social insurance") makes an SSN-shaped
number near it weak. A number in area 9xx or 666 was never issued as an SSN: it is
reported only where it is labelled an SSN (its key, `SSN:` or `SSN` right
before it, its column), as what the field holds; a 9xx number in the ITIN
groups is otherwise an ITIN (US_ITIN), which yields to an SSN label.
"""

from __future__ import annotations

import re

from detectors.base import PiiRecognizer, Rule, Trigger, _word_alternation, context_tokens, value_key, \
    value_labels
from detectors.recognizers.sql_insert import column_at
from detectors.validators import digits, is_valid_itin, is_valid_ssn

CONTEXT = (
    "ssn", "ssns", "ssn#", "ss#", "ss #", "ss no", "ssn no", "ss number", "ss num", "ssn number", "social security",
    "social sec", "soc sec", "socsec", "soc. sec.", "tax id", "taxid", "taxpayer id", "tin", "sozialversicherung",
    "s.s.n", "s s n", "ssnum", "ssno", "ss nbr", "ssn nbr",
    "seguro social",  # "número de Seguro Social": the SSA's own Spanish name for the SSN
)


class SsnRecognizer(PiiRecognizer):
    ENTITY = "US_SSN"
    RULES = (
        Rule("ssn_dashed", r"(\d(?<![\w-]\d)\d{2}-\d{2}-\d{4})(?!\w|-\d)", 0.65, 0.95),
        Rule("ssn_spaced", r"(\d(?<![\w-]\d)\d{2} \d{2} \d{4})(?!\w| \d)", 0.5, 0.9),
        Rule("ssn_dotted", r"(\d(?<![\w.-]\d)\d{2}\.\d{2}\.\d{4})(?!\w|\.\d)", 0.5, 0.9),
        Rule("ssn_bare", r"(\d(?<![\w.-]\d)\d{8})(?!\w|\.\d)", 0.0, 0.75),
        # A scanned form read by OCR: a letter or two for the digits they
        # look like (`8Sl-27-4668`); only under its own SSN label.
        Rule("ssn_ocr", r"([\dOoIlSB](?<![\w-].)[\dOoIlSB]{2}-[\dOoIlSB]{2}-[\dOoIlSB]{4})(?!\w|-\d)", 0.0, 0.8),
    )
    CONTEXT = CONTEXT
    NEGATIVE_CONTEXT = ("social insurance", "insurance number", "sin", "nas", "isbn", "routing", "aba", "version",
                        "build", "release")
    ID_LABELS_NEGATIVE = True
    TRIGGERS = (
        Trigger(r"\d{3}[- .]\d{2}[- .]\d{4}"),
        Trigger(r"(?:^|[^0-9.])\d{9}(?:[^0-9]|$)", bare=True),
    )
    MAX_LEN = 11

    def validate(self, value: str) -> bool:
        return is_valid_ssn(value) or _labelled_only(value)

    def refine_rule(self, rule: Rule, text: str, start: int, end: int) -> tuple[int, int] | None:
        if rule.name != "ssn_ocr":
            return self.refine(text, start, end)
        value = text[start:end]
        letters = sum(c.isalpha() for c in value)
        if not 1 <= letters <= 2:  # no letter: the dashed rule's; more: not a misread number
            return None
        read = value.translate(_OCR_DIGITS)
        return (start, end) if is_valid_ssn(read) or _labelled_only(read) else None

    def adjust(self, value: str, score: float, has_context: bool) -> float:
        if _labelled_only(value):
            return score - 0.15 if has_context else 0.0
        return score

    def enhance_using_context(self, text, raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts,
                              context=None):
        out = super().enhance_using_context(text, raw_recognizer_results, other_raw_recognizer_results,
                                            nlp_artifacts, context)
        # A number no SSN can be counts only under its own SSN label, not
        # because "SSN" is somewhere on the line ("Invalid SSNs: 000-12-3456,
        # 912-34-5678"); one in the ITIN groups only under a label that says
        # SSN, not merely "tax id".
        return [r for r in out if not (_labelled_only(text[r.start:r.end]) or _misread(text[r.start:r.end]))
                or (ssn_labelled(text, r.start, context, strict=is_valid_itin(text[r.start:r.end])
                                 or _misread(text[r.start:r.end])) and not _disowned(text, r.start))]


# Letters OCR reads for digits: O/o for 0, I/l for 1, S for 5, B for 8.
_OCR_DIGITS = str.maketrans("OoIlSB", "001158")


def _misread(value: str) -> bool:
    return any(c.isalpha() for c in value)


_SSN_WORDS = ("ssn", "ssns", "ssn#", "ss#", "ss #", "ss no", "ssn no", "ss number", "ss num", "ssn number",
              "social security", "social sec", "soc sec", "socsec", "soc. sec.", "s.s.n", "s s n", "ssnum", "ssno",
              "ss nbr", "ssn nbr", "seguro social")
_SSN_WORDS_RE = _word_alternation(sorted(_SSN_WORDS, key=len, reverse=True))
_ANY_SSN_RE = _word_alternation(sorted(CONTEXT, key=len, reverse=True))
# SSN words right before the value ("SSN 941-14-6005", "their SSN# 942..."),
# with nothing but separators between.
_BEFORE_SSN = re.compile(r"(?:ssns?|ss ?#|ssn#|ss no|ssn no|ss num(?:ber)?|social security(?: number| no\.?)?|soc\.? ?sec\.?|socsec)"
                         r"[\s#:=(-]*$")
_BEFORE_TAX = re.compile(r"(?:tax ?id|taxpayer id|tin)[\s#:=(-]*$")


def ssn_labelled(text: str, start: int, context, strict: bool = False) -> bool:
    """Is the value at `start` labelled an SSN by its own label: its key,
    its column, or SSN words right before it? `strict`: the label must say
    SSN (not "tax id" or "TIN", which an ITIN has too)."""
    rx = _SSN_WORDS_RE if strict else _ANY_SSN_RE
    labels = value_labels(text, start, context)
    column = column_at(text, start)  # a value of a SQL INSERT statement
    if column is not None:
        labels += (column,)
    if labels and rx.search(context_tokens(labels)):
        return True
    before = text[max(0, start - 28):start].lower()
    return bool(_BEFORE_SSN.search(before) or (not strict and _BEFORE_TAX.search(before)))


# A label that says its SSN is not one ("Invalid SSN 666-12-9999", "fake
# SSN:", "sample_ssn="): it vouches for nothing, and a number no SSN can be
# counts only by its label's word.
_DISOWNED = re.compile(r"(?:invalid|fake|bogus|dummy|sample|example|placeholder|not a valid|not a real)"
                       r"[\s_-]+(?:us[\s_-]+)?(?:ssns?|ss ?#|social security(?:[\s_-]+(?:numbers?|no\.?))?)"
                       r"[\s#:=(\"'-]*$")


def _disowned(text: str, start: int) -> bool:
    key = value_key(text, start)
    if key is not None and _DISOWNED.search(context_tokens((key,)).rstrip()):
        return True
    return bool(_DISOWNED.search(text[max(0, start - 48):start].lower()))


def _labelled_only(value: str) -> bool:
    """Areas 9xx and 666: never issued by the SSA, but what a field labelled
    SSN may hold."""
    d = digits(value)
    return len(d) == 9 and (d[0] == "9" or d[:3] == "666") and d[3:5] != "00" and d[5:] != "0000" \
        and len(set(d)) > 1
