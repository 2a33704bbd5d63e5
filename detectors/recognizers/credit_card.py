"""Payment card numbers: 12-19 digits (13-19 for all but Maestro), with
spaces, dashes or nothing between groups, Luhn-valid and with a prefix and
length that belong to a real issuer."""

from __future__ import annotations

import re

from detectors.base import PiiRecognizer, Rule, Trigger
from detectors.validators import digits, is_valid_card

# Groupings people and systems actually print; anything else (a phone-like
# 3-3-4 split, random spacing) is not a card number.
_GROUPINGS = {(4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 6, 5), (4, 6, 4), (4, 4, 4, 1), (4, 4, 4, 3),
              (4, 4, 4, 4, 1), (4, 4, 4, 4, 2), (6, 13), (4, 4, 4, 2), (4, 4, 4), (4, 4, 5)}
_SEP = re.compile(r"[ -]")


class PaymentCardRecognizer(PiiRecognizer):
    ENTITY = "CREDIT_CARD"
    RULES = (
        Rule("card", r"(\d(?<![\w.+-]\d)(?:[ -]?\d){11,18})(?!\w|\.[0-9]|[ -]\d)", 0.75, 1.0),
    )
    CONTEXT = (
        "card", "cards", "credit", "debit", "visa", "mastercard", "master card", "amex",
        "american express", "discover", "diners", "jcb", "unionpay", "maestro", "cc", "cc#",
        "ccn", "pan", "payment", "cardholder", "card number", "card no", "expiry", "exp", "cvv",
        "cvc",
    )
    # Anchored on a non-digit each side (no lookarounds in Hyperscan): one
    # hit per number instead of one per possible end, and none inside long
    # decimals (0.8903275579889898).
    TRIGGERS = (Trigger(r"(?:^|[^0-9.])\d(?:[ -]?\d){11,18}(?:[^0-9]|$)"),)
    MAX_LEN = 23

    def validate(self, value: str) -> bool:
        if not is_valid_card(value):
            return False
        seps = set(_SEP.findall(value))
        if not seps:
            return True
        if len(seps) > 1:
            return False
        groups = tuple(len(g) for g in _SEP.split(value))
        return groups in _GROUPINGS

    def adjust(self, value: str, score: float, has_context: bool) -> float:
        if len(digits(value)) == 12 and not has_context:
            return min(score, 0.5)  # 12-digit Maestro: weak without context
        return score
