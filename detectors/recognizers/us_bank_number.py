"""US bank account numbers (8-17 digits): only with context such as
"account", "checking" or a column named so; a bare number of that length is
anything at all. A nine-digit number with routing context ("routing",
"ABA") that passes the routing checksum is an ABA_ROUTING_NUMBER, never an
account number."""

from __future__ import annotations

from detectors.base import PiiRecognizer, Rule, Trigger, _word_alternation
from detectors.recognizers.aba_routing import CONTEXT as ROUTING_CONTEXT
from detectors.recognizers.aba_routing import is_valid_routing
from detectors.validators import digits, is_valid_card


class BankAccountRecognizer(PiiRecognizer):
    ENTITY = "US_BANK_NUMBER"
    RULES = (Rule("bank_account", r"(\d(?<![\w.-]\d)\d{7,16})(?!\w|\.\d)", 0.0, 0.6),)
    CONTEXT = (
        "account", "accounts", "account number", "account no", "acct", "acct#", "acc no", "bank",
        "banking", "checking", "savings", "deposit", "direct deposit", "beneficiary", "ach",
    )
    ID_LABELS_NEGATIVE = True
    TRIGGERS = (Trigger(r"(?:^|[^0-9.])\d{8,17}(?:[^0-9]|$)", bare=True),)
    MAX_LEN = 17

    def __init__(self, name: str | None = None):
        super().__init__(name)
        self._routing_re = _word_alternation(sorted(ROUTING_CONTEXT, key=len, reverse=True))

    def validate(self, value: str) -> bool:
        d = digits(value)
        # A number that is a valid payment card is reported as a card.
        return len(set(d)) > 1 and not (len(d) >= 13 and is_valid_card(d))

    def enhance_using_context(self, text, raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts,
                              context=None):
        out = super().enhance_using_context(text, raw_recognizer_results, other_raw_recognizer_results,
                                            nlp_artifacts, context)
        return [r for r in out if not self._is_routing(text, r.start, r.end)]

    def _is_routing(self, text: str, start: int, end: int) -> bool:
        return is_valid_routing(text[start:end]) and self._near_scoped(self._routing_re, text, start, end)
