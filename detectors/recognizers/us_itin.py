"""US Individual Taxpayer Identification Numbers: 9XX-[50-65,70-88,90-92,94-99]-XXXX."""

from __future__ import annotations

from detectors.base import PiiRecognizer, Rule, Trigger
from detectors.validators import is_valid_itin


class ItinRecognizer(PiiRecognizer):
    ENTITY = "US_ITIN"
    RULES = (
        Rule("itin_dashed", r"(9(?<![\w-]9)\d{2}-\d{2}-\d{4})(?!\w|-\d)", 0.6, 0.95),
        Rule("itin_spaced", r"(9(?<![\w-]9)\d{2} \d{2} \d{4})(?!\w| \d)", 0.4, 0.9),
        Rule("itin_bare", r"(9(?<![\w.-]9)\d{8})(?!\w|\.\d)", 0.0, 0.75),
    )
    CONTEXT = ("itin", "itins", "individual taxpayer", "taxpayer identification", "tax id", "taxid", "tin")
    TRIGGERS = (
        Trigger(r"9\d{2}[- ]\d{2}[- ]\d{4}"),
        Trigger(r"(?:^|[^0-9.])9\d{8}(?:[^0-9]|$)", bare=True),
    )
    MAX_LEN = 11

    def validate(self, value: str) -> bool:
        return is_valid_itin(value)
