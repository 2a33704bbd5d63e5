"""US passport numbers (9 digits, or a letter and 8 digits): only with context."""

from __future__ import annotations

from detectors.base import PiiRecognizer, Rule, Trigger


class PassportRecognizer(PiiRecognizer):
    ENTITY = "US_PASSPORT"
    RULES = (Rule("passport", r"(?<![\w-])([A-Za-z]?\d{8,9})(?!\w|-\d)", 0.0, 0.6),)
    CONTEXT = ("passport", "passports", "passport no", "passport number", "passport#",
               "travel document")
    TRIGGERS = (Trigger(r"(?:^|[^0-9A-Za-z_])[A-Za-z]?\d{8,9}(?:[^0-9]|$)", bare=True),)
    MAX_LEN = 10
