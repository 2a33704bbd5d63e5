"""US passport numbers (9 digits, or a letter and 8 digits): only with context."""

from __future__ import annotations

import re

from detectors.base import PiiRecognizer, Rule, Trigger, value_key

# A key naming a date ("passport_expiry", "passport issue date"): its value
# is that date, written YYYYMMDD, not the passport number.
_DATE_KEY = re.compile(r"(?<![a-z])(?:exp|expiry|expiration|expires|issued|issue|date|dob|valid)(?![a-z])")


class PassportRecognizer(PiiRecognizer):
    ENTITY = "US_PASSPORT"
    RULES = (Rule("passport", r"(?<![\w-])([A-Za-z]?\d{8,9})(?!\w|-\d)", 0.0, 0.6),)
    CONTEXT = ("passport", "passports", "passport no", "passport number", "passport#",
               "travel document")
    TRIGGERS = (Trigger(r"(?:^|[^0-9A-Za-z_])[A-Za-z]?\d{8,9}(?:[^0-9]|$)", bare=True),)
    MAX_LEN = 10

    def enhance_using_context(self, text, raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts,
                              context=None):
        out = super().enhance_using_context(text, raw_recognizer_results, other_raw_recognizer_results,
                                            nlp_artifacts, context)
        return [r for r in out if not _DATE_KEY.search((value_key(text, r.start) or "").lower())]
