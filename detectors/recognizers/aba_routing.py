"""ABA routing transit numbers (US bank routing numbers): nine digits with
the ABA checksum (python-stdnum's `us.rtn`) and a Federal Reserve prefix
(00-12, 21-32, 61-72, 80), written 021000021 or 0210-0002-1.

A routing number identifies a bank, not a person, but next to an account
number it is what a payroll or ACH file is made of, so it is reported as its
own entity, never as a bank account number (US_BANK_NUMBER leaves numbers
with routing context to this recognizer). One nine-digit number in ten
passes the checksum, so a bare one counts only with context ("routing",
"ABA", "RTN", a `routing_number` column); the dashed 4-4-1 form, which is
only ever a routing number, counts alone at a lower score.
"""

from __future__ import annotations

from stdnum.us import rtn

from detectors.base import PiiRecognizer, Rule, Trigger
from detectors.validators import digits

CONTEXT = (
    "routing", "routing number", "routing no", "routing#", "routing #", "aba", "aba#", "aba number",
    "aba routing", "rtn", "transit", "transit number", "bank routing", "rt#", "routing transit",
)
# First two digits the Federal Reserve assigns (00 is the US government,
# 80 traveller's cheques); anything else is not a routing number.
_PREFIXES = frozenset([f"{i:02d}" for i in (*range(0, 13), *range(21, 33), *range(61, 73), 80)])


def is_valid_routing(value: str) -> bool:
    d = digits(value)
    return len(d) == 9 and d[:2] in _PREFIXES and len(set(d)) > 1 and rtn.is_valid(d)


class RoutingNumberRecognizer(PiiRecognizer):
    ENTITY = "ABA_ROUTING_NUMBER"
    RULES = (
        Rule("aba", r"(\d(?<![\w.-]\d)\d{8})(?!\w|\.\d|-\d)", 0.0, 0.85),
        Rule("aba_dashed", r"(\d(?<![\w.-]\d)\d{3}-\d{4}-\d)(?!\w|-\d)", 0.5, 0.9),
    )
    CONTEXT = CONTEXT
    ID_LABELS_NEGATIVE = True
    TRIGGERS = (
        Trigger(r"(?:^|[^0-9.])[0-8]\d{8}(?:[^0-9]|$)", bare=True),
        Trigger(r"(?:^|[^0-9A-Za-z_.\-])\d{4}-\d{4}-\d(?:[^0-9A-Za-z_]|$)"),  # bounded like the rule
    )
    MAX_LEN = 11

    def validate(self, value: str) -> bool:
        return is_valid_routing(value)
