"""Canadian Social Insurance Numbers: nine digits, Luhn-valid, validated
with python-stdnum (`stdnum.ca.sin`: first digit 1-7 or 9). `046 454 286`,
the number printed on every sample card, starts with 0 and is rejected.

One 9-digit number in ten passes the Luhn check, so a SIN counts only with
context ("SIN", "social insurance", "NAS", a `sin` column): the grouped
form `123 456 782` without it scores 0.45, below the default threshold."""

from __future__ import annotations

from stdnum.ca import sin as _sin

from detectors.base import PiiRecognizer, Rule, Trigger


def is_valid_sin(value: str) -> bool:
    return bool(_sin.is_valid(value))


class SocialInsuranceNumberRecognizer(PiiRecognizer):
    ENTITY = "CA_SIN"
    RULES = (
        Rule("sin_grouped", r"(\d(?<![\w.-]\d)\d{2}(?P<s>[ -])\d{3}(?P=s)\d{3})(?!\w|[ .-]\d)", 0.45, 0.95),
        Rule("sin_bare", r"(\d(?<![\w.-]\d)\d{8})(?!\w|\.\d)", 0.0, 0.85),
    )
    CONTEXT = (
        "sin", "sin#", "sin no", "sin number", "s.i.n.", "s i n", "social insurance", "social ins",
        "social insurance number", "assurance sociale", "numéro d'assurance sociale",
        "numero d'assurance sociale", "n.a.s.", "nas",
    )
    TRIGGERS = (
        Trigger(r"\d{3}[ -]\d{3}[ -]\d{3}"),
        Trigger(r"(?:^|[^0-9.])\d{9}(?:[^0-9]|$)", bare=True),
    )
    MAX_LEN = 11
    NOTES = "9 digits, Luhn and prefix (python-stdnum ca.sin); only with context (SIN, social insurance, a SIN column)"

    def validate(self, value: str) -> bool:
        return is_valid_sin(value)
