"""E-mail addresses, with a top-level domain from the (offline, bundled)
public suffix list, so `logo@2x.png` is not an address. In `key=value`
logs the key is not part of the address."""

from __future__ import annotations

from detectors.base import PiiRecognizer, Rule, Trigger
from detectors.validators import is_valid_email_domain


class EmailAddressRecognizer(PiiRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    RULES = (
        Rule(
            "email",
            r"([A-Za-z0-9_](?<![\w.%+'-].)(?:[A-Za-z0-9._%+'-]{0,63})@"
            r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})(?![\w-]|\.[A-Za-z0-9])",
            0.85,
            1.0,
        ),
    )
    CONTEXT = ("email", "e-mail", "mail", "address", "contact", "from", "to", "cc")
    TRIGGERS = (Trigger(r"@[A-Za-z0-9-]+\.[A-Za-z0-9]"),)
    MAX_LEN = 254
    NORMALISE = "email"
    MASK = "email"

    def validate(self, value: str) -> bool:
        local, _, domain = value.rpartition("@")
        if local.endswith(".") or ".." in local:
            return False
        return is_valid_email_domain(domain)
