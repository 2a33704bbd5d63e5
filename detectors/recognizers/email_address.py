"""E-mail addresses, with a top-level domain from the (offline, bundled)
public suffix list, so `logo@2x.png` is not an address.

* Internationalised addresses (`müller@bücher.de`, `用户@例子.中国`) and
  punycode domains (`a@xn--d1acufc.xn--p1ai`) count like ASCII ones.
* In `key=value` logs the key is not part of the address; in SQL dumps the
  quotes around a string are not (`'a.b@icloud.com'`), nor is the `N` of a
  T-SQL national string (`N'a.b@att.net'`).
* URL-encoded addresses in query strings and web logs
  (`?email=jane.doe%40example.com`) are found as written.
"""

from __future__ import annotations

import re

from detectors.base import PiiRecognizer, Rule, Trigger
from detectors.validators import is_valid_email_domain

# A letter or digit of any script; the rest of what a local part or domain
# label may hold.
_ALNUM = r"[^\W_]"
_LOCAL = r"[\w.%+'-]{0,63}"
_DOMAIN = rf"(?:{_ALNUM}(?:[\w-]{{0,61}}{_ALNUM})?\.)+(?:xn--[a-z0-9-]{{1,59}}|[^\W\d_]{{2,24}})"
# T-SQL N'...' and PostgreSQL E'...' string prefixes swallowed by a match.
_SQL_PREFIX = re.compile(r"[NnEe]'")


class EmailAddressRecognizer(PiiRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    RULES = (
        # The local part is at most 64 characters: the "@" (or "%40") is
        # that close to the match's start (Rule.anchor).
        Rule("email", rf"({_ALNUM}(?<![\w.%+-].){_LOCAL}@{_DOMAIN})(?![\w-]|\.\w)", 0.85, 1.0,
             anchor="@", anchor_reach=64),
        Rule("email_urlencoded", rf"({_ALNUM}(?<![\w.%+-].)[\w.+-]{{0,63}}%40{_DOMAIN})(?![\w-]|\.\w)", 0.85, 1.0,
             flags=re.IGNORECASE, anchor="%40", anchor_reach=64),
    )
    CONTEXT = ("email", "e-mail", "mail", "address", "contact", "from", "to", "cc")
    # Non-ASCII letters are UTF-8 bytes >= 0x80 to Hyperscan.
    TRIGGERS = (
        Trigger(r"@(?:[A-Za-z0-9-]|[\x80-\xff])+\.(?:[A-Za-z0-9]|[\x80-\xff])"),
        Trigger(r"%40(?:[A-Za-z0-9-]|[\x80-\xff])+\.(?:[A-Za-z0-9]|[\x80-\xff])", caseless=True),
    )
    MAX_LEN = 254
    NORMALISE = "email"
    MASK = "email"

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        if _SQL_PREFIX.match(text, start) and (start == 0 or not text[start - 1].isalnum()):
            start += 2
        value = text[start:end]
        at = value.rfind("@")
        if at < 0:
            at = value.lower().rfind("%40")
            local, domain = value[:at], value[at + 3:]
        else:
            local, domain = value[:at], value[at + 1:]
        if not local or local.endswith(".") or local.startswith(".") or ".." in local or local.endswith("'"):
            return None
        return (start, end) if is_valid_email_domain(domain) else None
