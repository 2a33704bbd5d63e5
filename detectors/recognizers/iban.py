"""International Bank Account Numbers, validated (country length and mod 97)
with python-stdnum; with or without the usual spaces every four characters."""

from __future__ import annotations

import re

from detectors.base import PiiRecognizer, Rule, Trigger
from detectors.validators import is_valid_iban

_GROUP_TAIL = re.compile(r"\s?[A-Za-z0-9]{1,4}$")


class IbanCodeRecognizer(PiiRecognizer):
    ENTITY = "IBAN_CODE"
    RULES = (
        Rule(
            "iban",
            r"(?<![\w])([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)(?!\w)",
            0.8,
            1.0,
        ),
    )
    CONTEXT = ("iban", "bank", "account", "acct", "swift", "bic", "transfer", "beneficiary")
    TRIGGERS = (Trigger(r"[A-Z]{2}\d{2} ?[A-Z0-9]{4}"),)
    MAX_LEN = 42

    def validate(self, value: str) -> bool:
        return is_valid_iban(value)

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        # A greedy match may have swallowed the next word ("... 00 ABCD"):
        # drop trailing groups until the checksum holds.
        value = text[start:end]
        while len(value) >= 15:
            if is_valid_iban(value):
                return start, start + len(value)
            shorter = _GROUP_TAIL.sub("", value)
            if shorter == value:
                return None
            value = shorter
        return None
