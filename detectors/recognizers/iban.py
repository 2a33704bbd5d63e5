"""International Bank Account Numbers: the country's length and BBAN format
and the mod-97 check digits (python-stdnum), with or without the usual
spaces (or dashes) every four characters, in upper or lower case.

stdnum's country-specific checks are not applied: they also require the
bank code to be in stdnum's own registry, which rejects valid IBANs of
banks it does not list (BE68539007547034 passes mod 97 and the Belgian
BBAN check).
"""

from __future__ import annotations

import re

from detectors.base import PiiRecognizer, Rule, Trigger
from detectors.validators import iban_countries, is_valid_iban

_GROUP_TAIL = re.compile(r"[ -]?[A-Za-z0-9]{1,4}$")


class IbanCodeRecognizer(PiiRecognizer):
    ENTITY = "IBAN_CODE"
    RULES = (
        Rule(
            "iban",
            r"(?<![\w-])([A-Za-z]{2}\d{2}(?:([ -]?)[A-Za-z0-9]{4}(?:\2[A-Za-z0-9]{4}){1,6}(?:\2[A-Za-z0-9]{1,3})?))"
            r"(?![\w]|-\w)",
            0.8,
            1.0,
            group=1,
        ),
    )
    CONTEXT = ("iban", "bank", "account", "acct", "swift", "bic", "transfer", "beneficiary")
    MAX_LEN = 42

    def triggers(self) -> list[Trigger]:
        # Upper case as IBANs are printed. Lower case only for a country
        # that has IBANs, at the start of a token, and with a first BBAN
        # group of digits or of letters: hex ids and hashes (de05b9c1...)
        # are everywhere in logs and would otherwise all wake Python.
        countries = "|".join(c.lower() for c in iban_countries())
        return [Trigger(r"[A-Z]{2}\d{2}[ -]?[A-Z0-9]{4}"),
                Trigger(rf"(?:^|[^a-z0-9])(?:{countries})\d{{2}}[ -]?(?:\d{{4}}|[a-z]{{4}})")]

    def validate(self, value: str) -> bool:
        return is_valid_iban(value)

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        # A greedy match may have swallowed the next word ("... 00 ABCD"):
        # drop trailing groups until the checksum holds.
        value = text[start:end]
        while len(value) >= 15:
            if is_valid_iban(value):
                return start, start + len(value)
            shorter = _GROUP_TAIL.sub("", value)
            if shorter == value:
                return None
            value = shorter
        return None
