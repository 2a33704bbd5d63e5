"""US bank account numbers (8-17 digits): only with context such as
"account", "routing" or a column named so; a bare number of that length is
anything at all."""

from __future__ import annotations

from detectors.base import PiiRecognizer, Rule, Trigger
from detectors.validators import digits, is_valid_card


class BankAccountRecognizer(PiiRecognizer):
    ENTITY = "US_BANK_NUMBER"
    RULES = (Rule("bank_account", r"(\d(?<![\w.-]\d)\d{7,16})(?!\w|\.\d)", 0.0, 0.6),)
    CONTEXT = (
        "account", "accounts", "account number", "account no", "acct", "acct#", "acc no", "bank",
        "banking", "checking", "savings", "routing", "aba", "deposit", "direct deposit",
        "beneficiary", "ach",
    )
    TRIGGERS = (Trigger(r"(?:^|[^0-9.])\d{8,17}(?:[^0-9]|$)", bare=True),)
    MAX_LEN = 17

    def validate(self, value: str) -> bool:
        d = digits(value)
        # A number that is a valid payment card is reported as a card.
        return len(set(d)) > 1 and not (len(d) >= 13 and is_valid_card(d))
