"""Payment card numbers: 12-19 digits, ungrouped or in the groupings card
numbers are printed in (4-4-4-4, Amex 4-6-5, 4-4-4-4-3...) with spaces,
dashes or dots, Luhn-valid and with a prefix and length that belong to a
real issuer.

What follows a card is often another number: `5258638099924933 12/27`
(expiry), `4485 2757 4230 8327 123` (CVV). A card is found in front of
it; a number that merely continues the card's grouping (`... 8327 1234`)
or the tail of a grouped IBAN (`DE89 3704 0044 0532 0130 00`) is not a
card. A 12-digit number (some Maestro cards, but mostly sequence numbers)
counts only with context. Published test card numbers (detectors/
test_cards.py) are matched and suppressed, never reported.
"""

from __future__ import annotations

import re

from detectors.base import SUPPRESSED_KEY, PiiRecognizer, Rule, Trigger, context_word_regex
from detectors.test_cards import is_test_card
from detectors.validators import digits, is_valid_card

# Groupings people and systems actually print; anything else (a phone-like
# 3-3-4 split, random spacing) is not a card number.
_GROUPINGS = {(4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 6, 5), (4, 6, 4), (4, 4, 4, 1), (4, 4, 4, 3),
              (4, 4, 4, 4, 1), (4, 4, 4, 4, 2), (6, 13), (4, 4, 4, 2), (4, 4, 4), (4, 4, 5)}
_SEP = re.compile(r"[ .-]")
_TAIL = re.compile(r"[ .-]\d{1,3}$")
# An IBAN's country code, check digits and groups, up to where a card-like
# run of digit groups would start.
_IBAN_HEAD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -][A-Za-z0-9]{4})*[ -]$")

# The first digit, and a lookbehind after it (see Rule): not inside a word,
# a decimal or a longer number.
_FIRST = r"\d(?<![\w.+-]\d)"


class PaymentCardRecognizer(PiiRecognizer):
    ENTITY = "CREDIT_CARD"
    RULES = (
        Rule("card", rf"({_FIRST}\d{{11,18}})(?!\w|\.\d)", 0.75, 1.0),
        # 4-4-4-4 and the lengths around it, one separator throughout; not
        # right after another digit group, not followed by a fifth group.
        Rule("card_grouped",
             rf"({_FIRST}(?<!\d[ .-]\d)\d{{3}}([ .-])\d{{4}}\2\d{{4}}(?:\2\d{{4}}(?:\2\d{{1,3}})?|\2\d{{1,3}})?)"
             r"(?!\w|\.\d|\2\d{4})", 0.75, 1.0, group=1),
        # Any spacing at all (a PDF that split a group: "4646 3408 82 19 6811")
        # only with card context.
        Rule("card_spaced_oddly", rf"({_FIRST}(?<!\d[ .-]\d)\d(?: ?\d){{11,18}})(?!\w|\.\d| \d)", 0.0, 0.85),
        # Amex and Diners 4-6-5 / 4-6-4, Maestro 6-13.
        Rule("card_amex", rf"({_FIRST}(?<!\d[ .-]\d)(?:\d{{3}}([ .-])\d{{6}}\2\d{{4,5}}|\d{{5}}([ -])\d{{13}}))"
             r"(?!\w|\.\d|[ -]\d)", 0.75, 1.0, group=1),
    )
    CONTEXT = (
        "card", "cards", "credit", "debit", "visa", "mastercard", "master card", "amex",
        "american express", "discover", "diners", "jcb", "unionpay", "maestro", "cc", "cc#",
        "ccn", "pan", "payment", "cardholder", "card number", "card no", "expiry", "exp", "cvv",
        "cvc",
    )
    ID_LABELS_NEGATIVE = True
    # Anchored on a non-digit each side (no lookarounds in Hyperscan), and
    # like the rules never after an ASCII word character, ".", "+" or "-"
    # nor before a word character (a non-ASCII byte passes): one
    # hit per number instead of one per possible end, and none inside long
    # decimals (0.8903275579889898). Only issuer prefixes open a window:
    # epoch milliseconds (17...), zero-padded keys (000...) and most
    # counters never wake Python.
    TRIGGERS = (
        # 13-19 digits in a row, from an issuer's first digits.
        Trigger(r"(?:^|[^0-9A-Za-z_.+\-])(?:[2-6]\d{12,18}|(?:18|06|81)\d{11,17})(?:[^0-9A-Za-z_]|$)"),
        # The groupings the rules accept: 4-4-4(-4..), 4-6-5, 6-13; dots only in 4-4-4-4 and 4-6-5.
        Trigger(r"(?:^|[^0-9A-Za-z_.+\-])[0-68]\d{3}[ -]\d{4,6}[ -]\d{4,5}"),
        Trigger(r"(?:^|[^0-9A-Za-z_.+\-])[0-68]\d{3}\.\d{4,6}\.\d{4,5}"),
        Trigger(r"(?:^|[^0-9A-Za-z_.+\-])[0-68]\d{5}[ -]\d{13}(?:[^0-9A-Za-z_]|$)"),
        # 12 digits count only with context: under a card header...
        Trigger(r"(?:^|[^0-9.])(?:[2-6]|06|81)\d{10,11}(?:[^0-9]|$)", bare=True),
    )
    # ... or near a card word (`triggers` adds them).
    STRONG_CONTEXT = ("card", "cards", "credit", "debit", "maestro", "cc", "ccn", "pan", "card number", "card no")
    MAX_LEN = 23

    def triggers(self) -> list[Trigger]:
        return list(self.TRIGGERS) + [Trigger(context_word_regex(w, prefilter=True), caseless=True, context=True)
                                      for w in self.STRONG_CONTEXT]

    def analyze_range(self, text, lo, hi, entities=None):
        results = super().analyze_range(text, lo, hi, entities)
        for res in results:
            if is_test_card(digits(text[res.start : res.end])):
                res.recognition_metadata[SUPPRESSED_KEY] = "public test card number"
        return results

    def refine_rule(self, rule: Rule, text: str, start: int, end: int) -> tuple[int, int] | None:
        if rule.name != "card" and _IBAN_HEAD.search(text, max(0, start - 40), start):
            return None  # the rest of a grouped IBAN (GB29 NWBK 6016 1331 9268 19)
        if rule.name == "card_spaced_oddly":
            value = text[start:end]
            return (start, end) if " " in value and is_valid_card(value) and not self.is_card(value) else None
        return self.refine(text, start, end)

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        value = text[start:end]
        if self.is_card(value):
            return start, end
        # 4-4-4-4 then a CVV-like short group: the card without it.
        m = _TAIL.search(value)
        if m and self.is_card(value[: m.start()]):
            return start, start + m.start()
        return None

    def is_card(self, value: str) -> bool:
        """Is `value` a card number written as cards are: a valid number
        (Luhn, issuer ranges) with no separator, or one kind of separator in
        a grouping cards are printed with (4-4-4-4, Amex 4-6-5...)?"""
        if not is_valid_card(value):
            return False
        seps = set(_SEP.findall(value))
        if not seps:
            return True
        if len(seps) > 1:
            return False
        groups = tuple(len(g) for g in _SEP.split(value))
        if "." in seps:
            return groups in ((4, 4, 4, 4), (4, 6, 5), (4, 6, 4))
        return groups in _GROUPINGS

    def adjust(self, value: str, score: float, has_context: bool) -> float:
        if len(digits(value)) == 12 and not has_context:
            return 0.0  # 12 digits: a sequence number far more often than a Maestro card
        return score
