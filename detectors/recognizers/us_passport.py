"""Passport numbers: a US one (9 digits, or a letter and 8 digits) only with
context; another country's (6 to 9 capital letters and digits, at least 5 of
them digits: P8E101798, 12AB34567, AB123456) only under its own passport
label (`Passport: ...`, "passport" right before it, a passport column),
since that shape alone is any reference code. They are reported as
US_PASSPORT: a passport number is a passport number, whoever issued it.
"""

from __future__ import annotations

import re

from detectors.base import PiiRecognizer, Rule, Trigger, own_label, rule_name, value_key

# A key naming a date ("passport_expiry", "passport issue date"): its value
# is that date, written YYYYMMDD, not the passport number.
_DATE_KEY = re.compile(r"(?<![a-z])(?:exp|expiry|expiration|expires|issued|issue|date|dob|valid)(?![a-z])")
_US_SHAPE = re.compile(r"[A-Za-z]?\d{8,9}")
_PASSPORT_WORD = re.compile(r"(?<![a-z])passports?(?![a-z])")
# "passport", "Passport No.:", "passport #" right before the value.
_PASSPORT_BEFORE = re.compile(r"(?<![a-z])passport(?:[\s_-]*(?:no\.?|number|nbr|num|#))?[\s:#=(\"'-]*$")


class PassportRecognizer(PiiRecognizer):
    ENTITY = "US_PASSPORT"
    RULES = (
        Rule("passport", r"(?<![\w-])([A-Za-z]?\d{8,9})(?!\w|-\d)", 0.0, 0.6),
        Rule("passport_intl", r"([A-Z0-9](?<![\w-].)[A-Z0-9]{5,8})(?![\w-])", 0.0, 0.6),
    )
    CONTEXT = ("passport", "passports", "passport no", "passport number", "passport#",
               "travel document")
    TRIGGERS = (Trigger(r"(?:^|[^0-9A-Za-z_])[A-Za-z]?\d{8,9}(?:[^0-9]|$)", bare=True),)
    MAX_LEN = 10

    def refine_rule(self, rule: Rule, text: str, start: int, end: int) -> tuple[int, int] | None:
        if rule.name != "passport_intl":
            return self.refine(text, start, end)
        value = text[start:end]
        ndigits = sum(c.isdigit() for c in value)
        # A US shape is the first rule's; fewer than 5 digits, more than 3
        # letters or 6 digits alone is a word, a code or a count.
        if _US_SHAPE.fullmatch(value) or ndigits < 5 or len(value) - ndigits > 3 \
                or (ndigits == len(value) and ndigits < 7):
            return None
        return start, end

    def enhance_using_context(self, text, raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts,
                              context=None):
        out = super().enhance_using_context(text, raw_recognizer_results, other_raw_recognizer_results,
                                            nlp_artifacts, context)
        return [r for r in out if not _DATE_KEY.search((value_key(text, r.start) or "").lower())
                and (rule_name(r) != "passport_intl" or passport_labelled(text, r.start, context))]


def passport_labelled(text: str, start: int, context) -> bool:
    """Is the value at `start` labelled a passport number by its own key,
    its column, or "passport" right before it?"""
    label = own_label(text, start, context)
    if label is not None:
        return bool(_PASSPORT_WORD.search(label))
    return bool(_PASSPORT_BEFORE.search(text[max(0, start - 24):start].lower()))
