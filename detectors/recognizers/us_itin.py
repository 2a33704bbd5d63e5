"""US Individual Taxpayer Identification Numbers: 9XX-[50-65,70-88,90-92,94-99]-XXXX.
Under its own SSN label (`SSN: 912-70-1234`, an `ssn` column) the number is
reported as US_SSN instead (detectors/recognizers/us_ssn.py)."""

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

    def enhance_using_context(self, text, raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts,
                              context=None):
        from detectors.recognizers.us_ssn import ssn_labelled

        out = super().enhance_using_context(text, raw_recognizer_results, other_raw_recognizer_results,
                                            nlp_artifacts, context)
        # Under its own SSN label (an ITIN entered in an SSN field), it is
        # reported as the SSN the field holds, once.
        return [r for r in out if not ssn_labelled(text, r.start, context, strict=True)]
