"""US Social Security numbers: 123-45-6789, 123 45 6789, and a bare
123456789 only with context (a nearby "SSN" or a header such as `tax_id`)."""

from __future__ import annotations

from detectors.base import PiiRecognizer, Rule, Trigger
from detectors.validators import is_valid_ssn

CONTEXT = (
    "ssn", "ssns", "ssn#", "ss#", "ss #", "ss no", "social security", "social sec", "soc sec",
    "socsec", "social", "tax id", "taxid", "taxpayer id", "tin", "sozialversicherung",
)


class SsnRecognizer(PiiRecognizer):
    ENTITY = "US_SSN"
    RULES = (
        Rule("ssn_dashed", r"(\d(?<![\w-]\d)\d{2}-\d{2}-\d{4})(?!\w|-\d)", 0.65, 0.95),
        Rule("ssn_spaced", r"(\d(?<![\w-]\d)\d{2} \d{2} \d{4})(?!\w| \d)", 0.5, 0.9),
        Rule("ssn_bare", r"(\d(?<![\w.-]\d)\d{8})(?!\w|\.\d)", 0.0, 0.75),
    )
    CONTEXT = CONTEXT
    TRIGGERS = (
        Trigger(r"\d{3}[- ]\d{2}[- ]\d{4}"),
        Trigger(r"(?:^|[^0-9.])\d{9}(?:[^0-9]|$)", bare=True),
    )
    MAX_LEN = 11

    def validate(self, value: str) -> bool:
        return is_valid_ssn(value)
