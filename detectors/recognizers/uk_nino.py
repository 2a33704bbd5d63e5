"""UK National Insurance numbers: two prefix letters, six digits and a
suffix A-D (`QQ 12 34 56 C`, `QQ123456C`), checked against HMRC's
allocation rules (python-stdnum has no NINO module): the first letter is
never D, F, I, Q, U or V, the second never D, F, I, O, Q, U or V, and the
prefixes BG, GB, KN, NK, NT, TN and ZZ are never issued. The letter-digit
shape is distinctive enough to count alone; lower-case forms and old
numbers without the suffix count only with context ("NI number", "NINO")."""

from __future__ import annotations

import re

from detectors.base import PiiRecognizer, Rule, Trigger

_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NEVER_ISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_COMPACT = re.compile(r"[\s-]+")
# Six digits as 2-2-2 or 6, separated alike; the suffix may stand apart.
_BODY = r"\d{2}(?P<s>[ -]?)\d{2}(?P=s)\d{2}"
_START = r"([A-Za-z](?<![A-Za-z0-9]\w)[A-Za-z][ -]?"


def is_valid_nino(value: str) -> bool:
    v = _COMPACT.sub("", value).upper()
    if len(v) not in (8, 9) or not v[2:8].isdigit():
        return False
    if v[0] not in _FIRST or v[1] not in _SECOND or v[:2] in _NEVER_ISSUED:
        return False
    return len(v) == 8 or v[8] in "ABCD"


class NationalInsuranceNumberRecognizer(PiiRecognizer):
    ENTITY = "UK_NINO"
    RULES = (
        Rule("nino", r"([A-Z](?<![A-Za-z0-9]\w)[A-Z][ -]?" + _BODY + r"[ -]?[A-D])(?![A-Za-z0-9])", 0.7, 0.95),
        # Lower case: grouped as printed ("ab 12 34 56 c") it is still a NINO;
        # compact ("ab123456c") it could be any code, so only with context.
        Rule("nino_lower_spaced", r"([a-z](?<![A-Za-z0-9]\w)[a-z] \d{2} \d{2} \d{2} [a-dA-D])(?![A-Za-z0-9])", 0.5, 0.85),
        Rule("nino_lower", r"([a-z](?<![A-Za-z0-9]\w)[a-z][ -]?" + _BODY + r"[ -]?[a-dA-D])(?![A-Za-z0-9])",
             0.0, 0.85),
        Rule("nino_no_suffix", _START + _BODY + r")(?![A-Za-z0-9]|[ -]?[A-Za-z](?![A-Za-z0-9]))", 0.0, 0.75),
    )
    CONTEXT = (
        "national insurance", "national insurance number", "nat ins", "nat. ins", "ni number", "ni no",
        "ni no.", "ni#", "nino", "nin", "ni", "insurance number", "nic number",
    )
    TRIGGERS = (
        Trigger(r"[A-Z]{2}[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}[ -]?[A-D]"),
        Trigger(r"[a-z]{2} \d{2} \d{2} \d{2} [a-dA-D]"),
        Trigger(r"[A-Za-z]{2}[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}", caseless=True, bare=True),
    )
    MAX_LEN = 13
    NOTES = ("HMRC prefix/suffix rules; AB 12 34 56 C alone (0.7), ab 12 34 56 c alone (0.5), compact lower case "
             "and no suffix only with context (NI number, NINO)")

    def validate(self, value: str) -> bool:
        return is_valid_nino(value)
