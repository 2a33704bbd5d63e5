"""Credentials: what lets someone into a client's systems.

* Private keys in PEM form (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted, PGP),
  also inside JSON with `\\n` escapes (a GCP service-account key file).
* Cloud and SaaS keys whose prefix says what they are: AWS access key ids
  (AKIA/ASIA...), GitHub (ghp_, gho_, ghs_, ghu_, ghr_, github_pat_), Slack
  (xoxb-, xoxp-..., webhook URLs), Stripe secret and restricted keys
  (sk_live_, rk_live_, sk_test_), an Azure storage AccountKey or
  SharedAccessKey, and the `sig=` of an Azure SAS URL.
* An AWS secret access key (40 characters) next to its key name
  (`aws_secret_access_key`, `SecretAccessKey`).
* A password in a connection string (`postgres://user:pw@host`,
  `Server=...;Password=pw;`) or after a password key in a config file, an
  .env file, YAML, JSON or XML (`password: ...`, `"pwd": "..."`,
  `<password>...</password>`, `DB_PASSWORD=...`).

The finding's value is the secret itself (the password, not the whole
connection string). Placeholders (`${DB_PASSWORD}`, `<password>`,
`********`, `changeit` in a template, AWS's documented EXAMPLE keys) and
code (`password = get_password()`) are not credentials. Values are masked
to their first two characters and a length class (scanner/privacy.py).

A `password` column of a spreadsheet or CSV file is `PasswordColumnRecognizer`.
"""

from __future__ import annotations

import re

from detectors.base import PiiRecognizer, Rule, Trigger
from detectors.recognizers.columns import ColumnRecognizer

# Key names that hold a password or secret, as they are spelled in config
# files (db_password, DB_PASS, client_secret, "pwd", Password).
# (A prefix such as DB_ or smtp. needs no pattern: "_" and "." are not
# letters, so the key word itself starts the match; a pattern for it made
# `re` try every position.)
_KEY = (r"(?:p(?<![A-Za-z0-9]p)(?:assword|asswd|asswort|ass|wd|rivate[_-]?token)"
        r"|s(?<![A-Za-z0-9]s)(?:ecret[_-]?key|ecret)|c(?<![A-Za-z0-9]c)lient[_-]?secret"
        r"|a(?<![A-Za-z0-9]a)(?:pi[_-]?key|pikey|ccess[_-]?token|uth[_-]?token))")
# key, optional closing quote, separator, optional opening quote, value.
_KV = (_KEY + r"""["']?[ \t]*(?:=|:|=>|:=)[ \t]*(?P<q>["'])?""" +
       r"""(?P<v>(?(q)[^"'\r\n]{1,200}?|[^\s"',;<>]{1,200}))(?(q)(?P=q)|(?=[\s,;<]|$))""")
_XML = r"<(?:[A-Za-z]+:)?" + _KEY + r"[^<>/]*>(?P<v>[^<>\r\n]{1,200})</"
_XML_ATTR = _KEY + r"""=(?P<q>["'])(?P<v>[^"'\r\n]{1,200})(?P=q)"""
# The value ends at the next field (`;`), a quote, a blank, a comma or a tag
# (`...;Password=Pw1 </connectionString>`, `Password=Pw1, then`): as the last
# field of a line it does not take the rest of the line or the XML with it.
_ADO = r"(?i:(?<![\w])(?:password|pwd)[ \t]*=[ \t]*)(?P<v>[^;\"'\s,<]{1,200})(?=[;\"'\s,<]|$)"
# "The temporary password is X", "Wi-Fi password X", "password changed to X".
# The verbs between the word and the value: "is", "was reset to", "has been
# changed to", "(changed the password) to", German "ist" / "lautet".
_VERB = (r"(?:[ \t]+(?:is|was|has been|will be|remains|now|ist|lautet)(?:[ \t]+(?:set|reset|changed)[ \t]+to)?"
         r"|[ \t]+(?:set|reset|changed)[ \t]+to|[ \t]+to)?")
# What the password is of, between the word and the verb: "the password on
# file is X", "the password for the Citrix portal is X", "password for jdoe:
# X" (then a verb or a colon must follow).
_QUAL = r"(?:[ \t]+on[ \t]+file|[ \t]+for[ \t]+[^\s:,.]{1,40}(?:[ \t]+[^\s:,.]{1,40}){0,3}?)"
_VERB_REQ = _VERB[:-1]  # _VERB without its final "?": a verb must be there
_PW_WORD = r"(?:p(?<![\w-]p)(?:assword|asswort|asswd|asscode|wd|w)|k(?<![\w-]k)ennwort)"
_PROSE = (r"(?i:" + _PW_WORD + r"(?:" + _QUAL + r"(?=" + _VERB_REQ + r"|[ \t]*:))?" + _VERB + r"[ \t]*[:=]?[ \t]+)"
          r"([^\s\"'<>()]{4,64}?)(?=[.,;:]?(?:\s|$)|[\"'<)])")
# "Login for the vendor portal: admin / X".
_PAIR = (r"(?i:(?<![\w-])(?:login|log-in|logon|credentials?|creds)\b[^\n:]{0,40}:[ \t]*[^\s/]{1,40}[ \t]*/[ \t]*)"
         r"([^\s\"'<>]{4,64}?)(?=[.,;:]?(?:\s|$))")
# From "://" on (the scheme adds nothing to the match and made `re` try
# every letter).
_URL_PW = r"://[^\s:/@'\"<>]{1,64}:(?P<v>[^\s@/'\"<>]{1,128})@[\w.-]+"

PLACEHOLDER = re.compile(
    r"""^(?:\$\{?.*|%[A-Za-z_].*%?|\{\{.*|\{[A-Za-z_]+\}|<.*>|\[.*\]|\*+|x+|X+|\.+|#+|-+|_+|\?+|"""
    r"""(?:your|my|the|new|old|enter|insert|put|some)[-_ ]?.*|password|passwd|pass|pwd|secret|"""
    r"""changeme[-_]?please|required|optional|none|null|nil|true|false|yes|no|n/?a|tbd|todo|"""
    r"""redacted|hidden|masked|removed|example|sample|dummy|placeholder|string|str|text|value|"""
    r"""env|ENC\(.*\)|!vault.*|vault:.*|op://.*|arn:aws:.*|.*EXAMPLE.*)$""",
    re.IGNORECASE,
)
_CODE = re.compile(r"[()\[\]]|^(?:self|this|os|env|config|settings|request|args|params|options)\.|^\d+$")


def plausible_secret(value: str) -> bool:
    """A value after a password key that is a secret, not a placeholder, a
    reference to one, a number, or code."""
    v = value.strip()
    if len(v) < 4 or PLACEHOLDER.match(v) or _CODE.search(v):
        return False
    return len(set(v)) >= 3


def random_looking(value: str, min_len: int = 16) -> bool:
    """Tokens and keys are random: long, mixed letters and digits."""
    return (len(value) >= min_len and any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
            and "EXAMPLE" not in value.upper() and len(set(value)) >= 8)


# Keys printed in public documentation and emulators (Azurite's account
# key, Stripe's docs key): in a file they are samples, not secrets.
PUBLIC_SAMPLES = frozenset({
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
})
def mixed_secret(value: str) -> bool:
    """A password written in prose: letters with digits or symbols, 6+ long."""
    return (len(value) >= 6 and any(c.isalpha() for c in value)
            and any(c.isdigit() or not c.isalnum() for c in value))


_PEM_BODY = re.compile(r"[A-Za-z0-9+/=]")
# Keys whose value must be random-looking (tokens), not just a password.
_TOKEN_KEY = re.compile(r"(?:api[_-]?key|apikey|token)", re.IGNORECASE)


class PrivateKeyRecognizer(PiiRecognizer):
    """A PEM private key block, BEGIN to END line: its own class because it
    is long (a 4096-bit RSA key is 3 KB), and its window with it."""

    ENTITY = "CREDENTIAL"
    RULES = (
        Rule("pem_private_key",
             r"(-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY(?: BLOCK)?-----"
             r"(?:(?!-----)[\s\S]){64,8000}?-----END (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY"
             r"(?: BLOCK)?-----)", 0.95, 1.0),
    )
    TRIGGERS = (Trigger(r"-----BEGIN [A-Z ]{0,16}PRIVATE KEY"),)
    MAX_LEN = 8100
    NOTES = "PEM private keys (RSA, EC, OpenSSH, PKCS#8, also JSON-escaped as in GCP key files)"
    NORMALISE = "secret"
    MASK = "secret"

    def validate(self, value: str) -> bool:
        body = value[value.index("-----", 10) + 5 : value.rindex("-----END")]
        return len(_PEM_BODY.findall(body)) >= 64 and "..." not in body


class CredentialRecognizer(PiiRecognizer):
    ENTITY = "CREDENTIAL"
    RULES = (
        Rule("aws_access_key_id", r"((?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)(?<![A-Za-z0-9]....)[A-Z2-7]{16})(?![A-Za-z0-9])",
             0.9, 1.0),
        Rule("aws_secret_key",
             r"(?i:aws[_-]?secret[_-]?access[_-]?key|secret[_-]?access[_-]?key|aws[_-]?secret|secretaccesskey)"
             r"""["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])""", 0.9, 1.0, group=1),
        Rule("github_token", r"((?:ghp|gho|ghu|ghs|ghr)(?<![A-Za-z0-9]...)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})"
             r"(?![A-Za-z0-9_])", 0.95, 1.0),
        Rule("slack_token", r"(xox[abposr](?<![A-Za-z0-9]....)-[0-9A-Za-z]{8,}(?:-[0-9A-Za-z]{8,}){1,3})(?![\w-])",
             0.9, 1.0),
        Rule("slack_webhook",
             r"https://hooks\.slack\.com/services/(T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{20,32})",
             0.9, 1.0, group=1),
        Rule("stripe_key", r"((?:sk|rk)(?<![A-Za-z0-9]..)_(?:live|test)_[A-Za-z0-9]{24,99})(?![A-Za-z0-9])", 0.95, 1.0),
        Rule("azure_account_key", r"(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,100}={0,2})(?=;|\s|[\"']|$)",
             0.95, 1.0, group=1),
        Rule("azure_sas_sig", r"[?&]sig=([A-Za-z0-9%+/]{40,120}(?:%3[Dd]|=){0,2})(?=&|\s|[\"'<]|$)",
             0.85, 0.95, group=1),
        Rule("url_password", _URL_PW, 0.85, 0.95, group=1),
        Rule("ado_password", _ADO, 0.85, 0.95, flags=re.MULTILINE, group=1),
        Rule("key_value", _KV, 0.8, 0.9, flags=re.IGNORECASE | re.MULTILINE, group=2),
        Rule("xml_element", _XML, 0.8, 0.9, flags=re.IGNORECASE, group=1),
        Rule("xml_attribute", _XML_ATTR, 0.8, 0.9, flags=re.IGNORECASE, group=2),
    )
    CONTEXT = ("password", "credential", "credentials", "secret", "login", "api key", "token")
    TRIGGERS = (
        Trigger(r"(?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[A-Z2-7]{16}"),
        Trigger(r"secret[_-]?access[_-]?key|aws[_-]?secret", caseless=True),
        Trigger(r"(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_"),
        Trigger(r"xox[abposr]-|hooks\.slack\.com/services/"),
        Trigger(r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24}"),
        Trigger(r"(?:AccountKey|SharedAccessKey)="),
        Trigger(r"[?&]sig="),
        Trigger(r"://[^\s:/@'\"<>]{1,64}:[^\s@/'\"<>]{1,128}@"),
        Trigger(r"(?:password|passwd|passwort|pass|pwd|secret|secret[_-]?key|api[_-]?key|apikey|token)[\"']?[ \t]*"
                r"(?:=|:)",
                caseless=True),
        Trigger(r"(?:password|passwd|passwort|pass|pwd|secret|api[_-]?key|apikey|token)[^<>/]*>", caseless=True),
    )
    MAX_LEN = 260
    NOTES = ("AWS/GitHub/Slack/Stripe/Azure keys and SAS, passwords in URLs, connection strings, config keys and "
             "prose; placeholders, variables and documented sample keys skipped")
    NORMALISE = "secret"
    MASK = "secret"

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        value = text[start:end]
        if value.endswith(".") and (end == len(text) or text[end].isspace()):
            # A sentence's full stop after an unquoted value ("... Password=Pw-2291. Call me").
            value = value.rstrip(".")
            end = start + len(value)
        if "EXAMPLE" in value or value in PUBLIC_SAMPLES:  # documented sample keys
            return None
        if value[:4] in ("AKIA", "ASIA", "ABIA", "ACCA", "AROA", "AIDA") and len(value) == 20:
            return (start, end) if len(set(value[4:])) >= 6 else None
        return (start, end) if self._value_ok(text, start, value) else None

    def _value_ok(self, text: str, start: int, value: str) -> bool:
        if re.fullmatch(r"[A-Za-z0-9/+]{40}", value) or value.startswith(("gh", "github_pat_", "xox", "sk_", "rk_")):
            return random_looking(value, 20) or len(value) >= 30
        if not plausible_secret(value):
            return False
        key = text[max(0, start - 40) : start]
        if not re.search(r"[:=>\"']\s*$", key):  # prose: no separator, so the value must look like a password
            return mixed_secret(value)
        if _TOKEN_KEY.search(key) and not re.search(r"pass|pwd|secret", key, re.IGNORECASE):
            return random_looking(value)
        return True


class PasswordProseRecognizer(CredentialRecognizer):
    """Passwords written in sentences (a help-desk note, an e-mail): "the
    temporary password is X", "login: admin / X". A class of its own so
    that the word "password", frequent in prose, wakes only these two
    patterns."""

    RULES = (
        Rule("prose_password", _PROSE, 0.8, 0.85, group=1),
        Rule("login_pair", _PAIR, 0.8, 0.85, group=1),
    )
    TRIGGERS = (
        # A value in prose must hold a digit or a symbol (mixed_secret): the
        # word "password" alone in a note wakes nothing.
        Trigger(r"(?:password|passwort|passwd|passcode|pwd|pw|kennwort)"
                r"(?:[ \t]+on[ \t]+file|[ \t]+for(?:[ \t]+[^\s:,.]{1,40}){1,4})?" + _VERB +
                r"[ \t]*[:=]?[ \t]+[^\s\"'<>()]{0,63}[^\sA-Za-z\"'<>()]", caseless=True),
        Trigger(r"(?:login|log-in|logon|credential|creds)[^\n:]{0,40}:", caseless=True),
    )
    MAX_LEN = 140
    NOTES = "passwords in sentences: 'the temporary password is X', 'login: admin / X' (password-like values only)"


_PASSWORD_HEADER = (r" (?:password|passwort|passwd|pwd|pass|passcode|pin|secret|pw|kennwort|mot de passe|"
                    r"contrase(?:n|ñ)a) ")
_PASSWORD_DENY = (r" (?:hash|hashed|salt|digest|bcrypt|sha\d*|md5|last|changed|change|expires|expiry|expiration|date|"
                  r"reset|hint|policy|length|age|set|required|never|must|strength|history|question|answer|count) ")


class PasswordColumnRecognizer(ColumnRecognizer):
    """Cells of a column named for passwords (`Password`, `pwd`,
    `admin_password`, `Kennwort`) in a CSV/TSV file, a spreadsheet or a SQL
    table. Columns of hashes or password dates (`password_hash`,
    `PasswordLastSet`) are not passwords."""

    ENTITY = "CREDENTIAL"
    HEADER = _PASSWORD_HEADER
    HEADER_DENY = _PASSWORD_DENY
    CONTEXT = ("password", "passwd", "pwd", "pass", "passcode", "secret", "kennwort", "passwort")
    CONTEXT_SCORE = 0.85
    NOTES = "cells of a password column (not hash/salt/date columns)"
    NORMALISE = "secret"
    MASK = "secret"

    def cell_ok(self, value: str) -> bool:
        # Under a password or PIN header, digits alone are the secret (a PIN,
        # a numeric passcode), not a number.
        if value.isdigit():
            return 4 <= len(value) <= 12 and len(set(value)) >= 2
        return not any(c.isspace() for c in value) and plausible_secret(value)
