"""Masking, keyed hashing and scrubbing: how a raw value becomes safe to store.

The inventory is a map to a client's most sensitive data, so nothing in it,
in exports, logs or error messages may hold a raw value. Workers turn each
Detection into a Finding here, before anything leaves the process.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from bisect import bisect_left
from functools import lru_cache
from types import MappingProxyType
from typing import Mapping
from pathlib import Path

from scanner.errors import UsageError
from scanner.scrub import _DIGITS, _EMAILISH, VALUE_DIGITS, mask_email, scrub  # noqa: F401 (scrub: privacy.scrub)

HASH_KEY_ENV = "PIISCOUT_HASH_KEY"

# How a value is normalised before hashing, per entity type. Changing any of
# this changes every value_hash: old inventories and hashed allow lists would
# no longer line up. Treat as a versioned contract (HASH_SCHEME below).
HASH_SCHEME = "hmac-sha256:v1"
IDENTIFIER = "identifier"  # keep [0-9A-Za-z], uppercase
PHONE = "phone"  # E.164
EMAIL = "email"  # lowercase
TEXT = "text"  # NFKC, casefold, collapse whitespace
SECRET = "secret"  # exact, less whitespace and JSON "\n" escapes (a PEM key in a .pem and in JSON)
NAME = "name"  # as TEXT, "Last, First M." read as "first m last", no periods
ADDRESS = "address"  # as TEXT without punctuation: "1 Main St., Springfield, IL" = "1 main st springfield il"
DATE = "date"  # ISO 8601 YYYY-MM-DD when the date parses (03/12/1985 = 1985-03-12), else as TEXT

_KINDS: dict[str, str] = {
    "US_SSN": IDENTIFIER,
    "US_ITIN": IDENTIFIER,
    "CREDIT_CARD": IDENTIFIER,
    "US_BANK_NUMBER": IDENTIFIER,
    "ABA_ROUTING_NUMBER": IDENTIFIER,
    "US_PASSPORT": IDENTIFIER,
    "US_DRIVER_LICENSE": IDENTIFIER,
    "IBAN_CODE": IDENTIFIER,
    "ICD10_CODE": IDENTIFIER,
    "PHONE_NUMBER": PHONE,
    "EMAIL_ADDRESS": EMAIL,
    "IP_ADDRESS": TEXT,
    "MEDICAL_CONDITION": TEXT,
    "MEDICATION": TEXT,
    "MEDICAL_PROCEDURE": TEXT,
}

# Masking style per entity type: "tail" keeps at most the last 4 characters
# of an identifier, "email" a hint of the local part, "initials" the first
# letter of each word.
_MASKS: dict[str, str] = {
    "US_SSN": "tail",
    "US_ITIN": "tail",
    "CREDIT_CARD": "tail",
    "US_BANK_NUMBER": "tail",
    "ABA_ROUTING_NUMBER": "tail",
    "US_PASSPORT": "tail",
    "US_DRIVER_LICENSE": "tail",
    "IBAN_CODE": "tail",
    "PHONE_NUMBER": "tail",
    "IP_ADDRESS": "tail",
    "EMAIL_ADDRESS": "email",
    "ICD10_CODE": "full",
}


# Issue 22's entities, declared here too (their recognizers register the same
# on import) so the parent process, the allow list and bench scorers hash
# them alike without importing the detectors.
_NATIONAL_IDS = ("UK_NINO", "CA_SIN", "DE_TAX_ID", "FR_NIR", "ES_NIF", "ES_NIE", "IT_FISCAL_CODE", "NL_BSN",
                 "BE_NN", "PL_PESEL", "SE_PERSONNUMMER", "DK_CPR", "FI_PERSONAL_IDENTITY_CODE",
                 "NO_FODSELSNUMMER", "PT_CC", "IE_PPS", "AT_SVNR", "CH_AHV", "RO_CNP", "CZ_RC")
_KINDS.update({e: IDENTIFIER for e in _NATIONAL_IDS})
_KINDS.update({"PERSON": NAME, "US_ADDRESS": ADDRESS, "DATE_OF_BIRTH": DATE, "CREDENTIAL": SECRET})
_MASKS.update({e: "tail" for e in _NATIONAL_IDS})
_MASKS.update({"PERSON": "initials", "US_ADDRESS": "initials", "DATE_OF_BIRTH": "date", "CREDENTIAL": "secret"})


KINDS = (IDENTIFIER, PHONE, EMAIL, TEXT, SECRET, DATE, NAME, ADDRESS)
MASK_STYLES = ("tail", "email", "initials", "full", "secret", "date")

# The built-in entity types' normalisation and masking, fixed here: nothing
# registers into them (tests/scanner/test_privacy.py checks every built-in
# recognizer's NORMALISE/MASK agrees). Entity types that are not built in (plugins, custom
# rules) carry a style (kind, mask) that callers pass explicitly
# (detectors.catalog.entity_styles; the pipeline does).
BUILTIN_KINDS: Mapping[str, str] = MappingProxyType(_KINDS)
BUILTIN_MASKS: Mapping[str, str] = MappingProxyType(_MASKS)
Style = tuple  # (kind, mask style)


def check_style(kind: str, mask: str) -> None:
    """Raise ValueError unless `kind` and `mask` are ones this module knows."""
    if kind not in KINDS:
        raise ValueError(f"unknown normalisation kind {kind!r}")
    if mask not in MASK_STYLES:
        raise ValueError(f"unknown masking style {mask!r}")


def kind_of(entity_type: str, style: "Style | None" = None) -> str:
    return style[0] if style else BUILTIN_KINDS.get(entity_type, TEXT)


def mask_of(entity_type: str, style: "Style | None" = None) -> str:
    return style[1] if style else BUILTIN_MASKS.get(entity_type, "initials")


_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_PUNCT = re.compile(r"[.,;#]+")
_NAME_JOINS = re.compile(r"[,;|\t]+")
# Between the two cells of one name in a SQL tuple: "Rita','Guerrero",
# T-SQL "Rita', N'Guerrero".
_SQL_JOIN = re.compile(r"'\s*,\s*[ne]?'")


def _name(value: str) -> str:
    v = unicodedata.normalize("NFKC", value).casefold().replace(".", " ")
    v = _SQL_JOIN.sub(" ", v)
    if v.count(", ") == 1:  # "Smith, John": a comma without a blank joins table cells ("John,Smith")
        last, first = v.split(", ")
        v = first + " " + last
    return _SPACES.sub(" ", _NAME_JOINS.sub(" ", v)).strip()


_SECRET_NOISE = re.compile(r"\s+|\\n")
_SPACES = re.compile(r"\s+")


def normalise(entity_type: str, value: str, style: "Style | None" = None) -> str:
    return normalise_as(kind_of(entity_type, style), value)


def normalise_as(kind: str, value: str) -> str:
    """`value` normalised the way entity types of this kind are hashed."""
    if kind == IDENTIFIER:
        return _NON_ALNUM.sub("", value).upper()
    if kind == PHONE:
        return _e164(value)
    if kind == EMAIL:
        return _URL_AT.sub("@", value.strip().lower())
    if kind == SECRET:
        return _SECRET_NOISE.sub("", value)
    if kind == NAME:
        return _name(value)
    if kind == ADDRESS:
        return _SPACES.sub(" ", _PUNCT.sub(" ", unicodedata.normalize("NFKC", value).casefold())).strip()
    if kind == DATE:
        from detectors.dates import iso_date

        iso = iso_date(value)
        if iso is not None:
            return iso
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value).casefold()).strip()


def _e164(value: str) -> str:
    from detectors.validators import e164

    out = e164(value)
    if out is None:
        digits = re.sub(r"\D", "", value)
        return "+" + digits if value.strip().startswith("+") else digits
    return out


class HashKeyError(UsageError):
    """The key file cannot be read or created: one line, exit 2."""


def _key_file() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("piiscout")) / "hash.key"


_KEY_HINT = f"(or set ${HASH_KEY_ENV})"


def _read_key(path: Path, wait: float = 2.0) -> bytes | None:
    import time

    deadline = time.monotonic() + wait
    while True:
        text = _read_key_text(path)
        # Empty: another piiscout may have just created it (O_EXCL) and be
        # writing it: give it a moment.
        if text != "" or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if text is None:
        return None
    if not text:
        raise HashKeyError(f"the hash key file {path} is empty: restore it from a backup, or delete it to "
                           f"start a new key (hashes of earlier scans will not compare) {_KEY_HINT}")
    return text.encode("utf-8")


def _read_key_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise HashKeyError(f"the hash key file {path} is a directory: remove it {_KEY_HINT}") from None
    except UnicodeDecodeError:
        raise HashKeyError(f"the hash key file {path} is not text: restore it from a backup {_KEY_HINT}") from None
    except OSError as e:
        raise HashKeyError(f"cannot read the hash key file {path}: {_why(e)} {_KEY_HINT}") from None


def _why(e: OSError) -> str:
    return (e.strerror or type(e).__name__).lower()


@lru_cache(maxsize=1)
def hash_key() -> bytes:
    """The HMAC key: env PIISCOUT_HASH_KEY, else a random key kept (0600) in the
    user's config directory, created on first use. The file holds text; its
    UTF-8 bytes are the key, so `export PIISCOUT_HASH_KEY=$(cat FILE)`
    reproduces the same hashes on another machine. A key file that cannot be
    read or created (a folder, denied, a HOME that cannot be written) is a
    HashKeyError naming the file, never a fresh key in its place."""
    env = os.environ.get(HASH_KEY_ENV)
    if env:
        return env.encode("utf-8")
    path = _key_file()
    key = _read_key(path)
    if key is not None:
        return key
    text = secrets.token_hex(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # O_EXCL: two scans starting at once must not each write a different key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = _read_key(path)
        if key is None:
            raise HashKeyError(f"cannot read the hash key file {path} {_KEY_HINT}") from None
        return key
    except OSError as e:
        raise HashKeyError(f"cannot create the hash key file {path}: {_why(e)} {_KEY_HINT}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as e:
        try:
            path.unlink()
        except OSError:
            pass
        raise HashKeyError(f"cannot create the hash key file {path}: {_why(e)} {_KEY_HINT}") from None
    return text.encode("utf-8")


def value_hash(entity_type: str, value: str, key: bytes | None = None, style: "Style | None" = None) -> str:
    """The keyed hash of a value as its entity type normalises it; `style`:
    (kind, mask) of an entity type that is not built in."""
    return _hash(kind_of(entity_type, style), value, key or hash_key())


@lru_cache(maxsize=65536)
def _hash(kind: str, value: str, key: bytes) -> str:
    # Cached: the same address or number recurs across a share (and phone
    # normalisation parses the number).
    return _keyed(key)(normalise_as(kind, value).encode("utf-8"))


@lru_cache(maxsize=4)
def _keyed(key: bytes):
    """HMAC-SHA256 under `key` as a function of the message, its inner and
    outer hash states set up once (RFC 2104): copying two hashlib states is
    twice as fast as copying an `hmac.HMAC`, the same digest (a test
    compares them)."""
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(message: bytes) -> str:
        i = inner.copy()
        i.update(message)
        o = outer.copy()
        o.update(i.digest())
        return o.hexdigest()

    return digest


def value_hasher(entity_type: str, key: bytes, style: "Style | None" = None):
    """`value_hash(entity_type, value, key, style)` as a function of the
    value, without its cache: for the values of a dense export, which do
    not recur (the same digests; a test compares them)."""
    kind, digest, norm = kind_of(entity_type, style), _keyed(key), normalise_as

    def hasher(value: str) -> str:
        return digest(norm(kind, value).encode("utf-8"))

    return hasher


def hash_as(kind: str, value: str, key: bytes | None = None) -> str:
    """The value_hash `value` would get as an entity type normalised by
    `kind` (allow lists hash a value once per kind when no type is given)."""
    norm = normalise_as(kind, value)
    return hmac.new(key or hash_key(), norm.encode("utf-8"), hashlib.sha256).hexdigest()


def mask(entity_type: str, value: str, entity_style: "Style | None" = None) -> str:
    style = mask_of(entity_type, entity_style)
    if style == "tail":
        return _mask_tail(value)
    if style == "email":
        return _mask_email(value)
    if style == "full":
        return "*" * len(value)
    if style == "secret":
        return _mask_secret(value)
    if style == "date":
        return _mask_date(value)
    return _mask_initials(value)


# Secrets show what kind of thing was found, never enough to try it: two
# characters (one for short ones) and a length class, or a PEM key's BEGIN line.
_LENGTH_CLASSES = ((8, "<8"), (12, "8-11"), (20, "12-19"), (40, "20-39"), (100, "40-99"))
_PEM_BEGIN = re.compile(r"-----BEGIN [A-Z ]+-----")


def _mask_secret(value: str) -> str:
    v = value.strip()
    m = _PEM_BEGIN.match(v)
    if m:
        return f"{m.group(0)}…({len(v) // 100 * 100}+ chars)"
    size = next((label for limit, label in _LENGTH_CLASSES if len(v) < limit), "100+")
    return f"{v[:1] if len(v) < 8 else v[:2]}…({size} chars)"


_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")


def _mask_date(value: str) -> str:
    """A date of birth keeps its year (what HIPAA's safe harbour keeps): day,
    month and any month name are masked."""
    m = _YEAR.search(value)
    keep = range(m.start(), m.end()) if m else range(0)
    return "".join(c if i in keep or not c.isalnum() else "*" for i, c in enumerate(value))


_ASCII_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ALNUM_TO_STAR = str.maketrans(_ASCII_ALNUM, "*" * len(_ASCII_ALNUM))
_DROP_NON_ALNUM = str.maketrans("", "", "".join(chr(i) for i in range(128) if chr(i) not in _ASCII_ALNUM))


def _mask_tail(value: str) -> str:
    if value.isascii():
        # str.translate, ~5x faster than the loop below (same output: a test
        # compares them); a dense export masks every one of its values.
        alnum = len(value.translate(_DROP_NON_ALNUM))
        keep = min(4, alnum // 2)
        if not keep:
            return value.translate(_ALNUM_TO_STAR)
        cut, seen = len(value), 0
        while seen < keep:
            cut -= 1
            if value[cut].isalnum():
                seen += 1
        return value[:cut].translate(_ALNUM_TO_STAR) + value[cut:]
    return _mask_tail_slow(value)


def _mask_tail_slow(value: str) -> str:
    alnum = sum(c.isalnum() for c in value)
    keep = min(4, alnum // 2)
    out, seen = [], 0
    for c in value:
        if c.isalnum():
            seen += 1
            out.append(c if seen > alnum - keep else "*")
        else:
            out.append(c)
    return "".join(out)


_URL_AT = re.compile("%40", re.IGNORECASE)


def _mask_email(value: str) -> str:
    value = _URL_AT.sub("@", value)  # jane%40example.com, as in query strings
    if "@" not in value:
        return _mask_initials(value)
    return mask_email(value)


def _mask_initials(value: str) -> str:
    out, start = [], True
    for c in value:
        if c.isalnum():
            out.append(c if start and not c.isdigit() else "*")
            start = False
        else:
            out.append(c)
            start = True
    return "".join(out)


# --- scrubbing free text (error messages, context snippets) -----------------

_SAFE: frozenset[str] | None = None


def _safe_words() -> frozenset[str]:
    global _SAFE
    if _SAFE is None:
        from scanner.safewords import SAFE_WORDS

        _SAFE = SAFE_WORDS
    return _SAFE


def snippet(
    text: str,
    start: int,
    end: int,
    masked_value: str,
    others: list[tuple[int, int, str]] = (),
    radius: int = 32,
) -> str:
    """A short masked window around a finding, e.g. `SSN: ***-**-6789 issued`.

    Only structure survives: the finding and any other detection in the window
    are replaced by their masks, every other digit by '#', e-mail-like tokens
    by a mask, and capitalised words that are not common English or context
    words (possible names) by their initial. `others` must be sorted by start.
    """
    lo = max(0, start - radius)
    hi = min(len(text), end + radius)
    # Drop the words cut by the window's edges: half a name is still a clue.
    while lo < start and lo > 0 and not text[lo - 1].isspace():
        lo += 1
    while hi > end and hi < len(text) and not text[hi].isspace():
        hi -= 1
    spans = [(start, end, masked_value)]
    if others:
        # Detections are short: anything overlapping [lo, hi) starts after lo - 1024.
        i = bisect_left(others, (lo - 1024,))
        while i < len(others) and others[i][0] < hi:
            s, e, m = others[i]
            if e > lo and (s, e) != (start, end):
                spans.append((s, e, m))
            i += 1
        spans.sort()
    pieces, pos = [], lo
    for s, e, m in spans:
        s, e = max(s, lo), min(e, hi)
        if s < pos:
            continue  # overlapping detections: the first one's mask covers it
        pieces.append(_mask_free_text(text[pos:s]))
        pieces.append(m)
        pos = e
    pieces.append(_mask_free_text(text[pos:hi]))
    out = " ".join("".join(pieces).split())
    return out[: 4 * radius + len(masked_value)]


# Capitalised words (ASCII and Latin-1 capitals): possible names.
# (The look-behind follows the first letter so that `re` can skip ahead to
# capitals instead of trying it at every position.)
_CAPWORD = re.compile(r"[A-ZÀ-ÖØ-Þ](?<![^\W_].)[^\W\d_]*(?:['’][^\W\d_]+)?")
# ASCII digits by str.translate: several times faster than a regex
# substitution on short chunks; other scripts' digits by the regex.
_DIGIT_TO_HASH = str.maketrans("0123456789", "##########")


def _mask_free_text(chunk: str) -> str:
    if "@" in chunk:
        chunk = _EMAILISH.sub(lambda m: _mask_email(m.group(0)), chunk)
    chunk = chunk.translate(_DIGIT_TO_HASH) if chunk.isascii() else _DIGITS.sub("#", chunk)
    safe = _safe_words()
    return _CAPWORD.sub(lambda m: m.group(0) if m.group(0).casefold() in safe else m.group(0)[0] + "…", chunk)
