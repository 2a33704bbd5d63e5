"""Phone numbers, validated with phonenumbers.

North American numbers in the forms people write them, (212) 555-0147,
212-555-0147, 212.555.0147, +1 212 555 0147, 001-212-555-0147; a bare
2125550147 only with context; and international numbers written with a
leading +country code, which phonenumbers must know as valid.
"""

from __future__ import annotations

from detectors.base import PiiRecognizer, Rule, Trigger
from detectors.validators import phone_quality

# After the number: not a digit, letter or a separator+digit, but an
# extension ("x123", "ext. 4") may follow.
_END = r"(?![0-9A-WYZa-wyz_]|[-.]\d)"


class PhoneNumberRecognizer(PiiRecognizer):
    ENTITY = "PHONE_NUMBER"
    RULES = (
        Rule(
            "nanp",
            r"(?<![\w+.-])((?:(?:\+1|001|1)[-. ]?)?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[-. ])[2-9]\d{2}[-. ]\d{4})"
            + _END,
            0.7,
            0.95,
        ),
        Rule("nanp_bare", r"(?<![\w+.-])((?:\+?1)?[2-9]\d{2}[2-9]\d{6})" + _END, 0.0, 0.7),
        Rule(
            "international",
            r"(?<![\w+])(\+(?!1\D?[2-9(])[1-9]\d{0,2}(?:[-. ]?\(?\d{1,5}\)?){2,6})(?!\w|[-.]\d)",
            0.7,
            0.95,
        ),
    )
    CONTEXT = (
        "phone", "phones", "telephone", "tel", "tel.", "mobile", "cell", "cellphone", "fax", "call",
        "contact", "ph", "ph#", "phone#", "whatsapp", "sms", "text", "home", "work", "called",
        "calling", "dial", "reach", "cell#", "mobile#", "tel#", "telefon", "landline",
    )
    TRIGGERS = (
        Trigger(r"[2-9]\d{2}\)? ?[-. ]?[2-9]\d{2}[-. ]\d{4}"),
        Trigger(r"\+[1-9]\d{0,2}[-. ]?\(?\d"),
        # Not "bare": an assigned-range 10-digit number counts without context.
        Trigger(r"(?:^|[^0-9A-Za-z_.])\+?1?[2-9]\d{2}[2-9]\d{6}(?:[^0-9]|$)"),
    )
    MAX_LEN = 32
    NORMALISE = "phone"
    # The bare-number trigger above covers the context-only rule.
    CONTEXT_TRIGGERS = False

    def validate(self, value: str) -> bool:
        return phone_quality(value) is not None

    def adjust(self, value: str, score: float, has_context: bool) -> float:
        if score == 0 and phone_quality(value) == "valid":
            # A bare 10-digit number in an assigned US range: weak, but kept.
            return 0.5
        if value.startswith("+") and not value.startswith(("+1", "+ 1")):
            # International numbers must be in an allocated range.
            return score if phone_quality(value) == "valid" else 0.0
        if phone_quality(value) == "possible":
            return score - 0.1  # right shape, unassigned area code: still reported
        return score
