"""US Social Security numbers: 123-45-6789, 123 45 6789, 123.45.6789, and a
bare 123456789 only with context (a nearby "SSN", `SSN#123456789`, or a
header such as `tax_id`).

"Social" alone is not context: a Canadian Social Insurance Number is not a
US SSN, and its context ("SIN", "social insurance") makes an SSN-shaped
number near it weak. A number in area 9xx was never issued as an SSN; one
in the ITIN groups is an ITIN (US_ITIN), any other is reported only where
it is labelled an SSN (what the field holds, whatever the SSA says).
"""

from __future__ import annotations

from detectors.base import PiiRecognizer, Rule, SegmentContext, Trigger, value_key
from detectors.validators import digits, is_valid_itin, is_valid_ssn

CONTEXT = (
    "ssn", "ssns", "ssn#", "ss#", "ss #", "ss no", "ssn no", "social security", "social sec", "soc sec",
    "socsec", "soc. sec.", "tax id", "taxid", "taxpayer id", "tin", "sozialversicherung",
)


class SsnRecognizer(PiiRecognizer):
    ENTITY = "US_SSN"
    RULES = (
        Rule("ssn_dashed", r"(\d(?<![\w-]\d)\d{2}-\d{2}-\d{4})(?!\w|-\d)", 0.65, 0.95),
        Rule("ssn_spaced", r"(\d(?<![\w-]\d)\d{2} \d{2} \d{4})(?!\w| \d)", 0.5, 0.9),
        Rule("ssn_dotted", r"(\d(?<![\w.-]\d)\d{2}\.\d{2}\.\d{4})(?!\w|\.\d)", 0.5, 0.9),
        Rule("ssn_bare", r"(\d(?<![\w.-]\d)\d{8})(?!\w|\.\d)", 0.0, 0.75),
    )
    CONTEXT = CONTEXT
    NEGATIVE_CONTEXT = ("social insurance", "insurance number", "sin", "nas", "isbn", "routing", "aba", "version",
                        "build", "release")
    ID_LABELS_NEGATIVE = True
    TRIGGERS = (
        Trigger(r"\d{3}[- .]\d{2}[- .]\d{4}"),
        Trigger(r"(?:^|[^0-9.])\d{9}(?:[^0-9]|$)", bare=True),
    )
    MAX_LEN = 11

    def validate(self, value: str) -> bool:
        return is_valid_ssn(value) or _labelled_only(value)

    def adjust(self, value: str, score: float, has_context: bool) -> float:
        if _labelled_only(value):
            return score - 0.15 if has_context else 0.0
        return score

    def enhance_using_context(self, text, raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts,
                              context=None):
        out = super().enhance_using_context(text, raw_recognizer_results, other_raw_recognizer_results,
                                            nlp_artifacts, context)
        # A number no SSN can be counts only under its own SSN label (its
        # key, `SSN:` right before it, its column), not because "SSN" is
        # somewhere on the line ("Invalid SSNs: 000-12-3456, 912-34-5678").
        return [r for r in out if not _labelled_only(text[r.start:r.end]) or self._own_label(text, r.start, context)]

    def _own_label(self, text: str, start: int, context) -> bool:
        labels = tuple(context.words_at(start)) if isinstance(context, SegmentContext) else tuple(context or ())
        key = value_key(text, start)
        if key is not None:
            labels += (key,)
        return bool(labels) and self.context_matches(labels)


def _labelled_only(value: str) -> bool:
    """Area 9xx outside the ITIN groups: not an SSN the SSA issues, but what
    a field labelled SSN may hold."""
    d = digits(value)
    return (len(d) == 9 and d[0] == "9" and not is_valid_itin(d)
            and d[3:5] != "00" and d[5:] != "0000" and len(set(d)) > 1)
