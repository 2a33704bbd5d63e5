"""Checksums and structural rules that turn a regex match into a finding.

Well-kept libraries do the arithmetic (python-stdnum, phonenumbers); this
module holds the rules that are not checksums: which SSN areas are never
issued, which card prefixes belong to which issuer and length.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from stdnum import iban as _iban
from stdnum.exceptions import ValidationError

_NON_DIGIT = re.compile(r"\D")


def digits(value: str) -> str:
    if value.isascii() and value.isdigit():  # most values of a dense export: no regex pass
        return value
    return _NON_DIGIT.sub("", value)


# --- US Social Security Number ------------------------------------------------

# Numbers the SSA has voided or that are printed as samples everywhere
# (the Woolworth wallet card, the Social Security card sample, adverts).
INVALID_SSNS = frozenset(
    {
        "078051120",
        "219099999",
        "123456789",
        "111111111",
        "222222222",
        "333333333",
        "444444444",
        "555555555",
        "777777777",
        "888888888",
        "457555462",
    }
)


def is_valid_ssn(value: str) -> bool:
    d = digits(value)
    if len(d) != 9 or d in INVALID_SSNS:
        return False
    area, group, serial = d[:3], d[3:5], d[5:]
    if area in ("000", "666") or area[0] == "9":
        return False
    return group != "00" and serial != "0000"


def is_valid_itin(value: str) -> bool:
    """ITINs: area 9xx, group 50-65, 70-88, 90-92 or 94-99."""
    d = digits(value)
    if len(d) != 9 or d[0] != "9":
        return False
    g = int(d[3:5])
    return 50 <= g <= 65 or 70 <= g <= 88 or 90 <= g <= 92 or 94 <= g <= 99


# --- Payment cards ------------------------------------------------------------

# (issuer, prefix ranges as (low, high) on the first N digits, valid lengths)
_CARD_RULES: tuple[tuple[str, tuple[tuple[str, str], ...], tuple[int, ...]], ...] = (
    ("visa", (("4", "4"),), (13, 16, 19)),
    ("mastercard", (("51", "55"), ("2221", "2720")), (16,)),
    ("amex", (("34", "34"), ("37", "37")), (15,)),
    ("discover", (("6011", "6011"), ("644", "649"), ("65", "65"), ("622126", "622925")), (16, 17, 18, 19)),
    ("diners", (("300", "305"), ("3095", "3095"), ("36", "36"), ("38", "39")), (14, 15, 16, 17, 18, 19)),
    # JCB proper is 3528-3589; the whole 35 block is accepted because test
    # generators (Faker's "jcb16") draw from all of it.
    ("jcb", (("35", "35"),), (16, 17, 18, 19)),
    ("jcb", (("2131", "2131"), ("1800", "1800")), (15,)),
    ("unionpay", (("62", "62"), ("81", "81")), (16, 17, 18, 19)),
    ("maestro", (("5018", "5018"), ("5020", "5020"), ("5038", "5038"), ("56", "58"),
                 ("6304", "6304"), ("6759", "6759"), ("6761", "6763"), ("0604", "0604"),
                 ("6390", "6390")), (12, 13, 14, 15, 16, 17, 18, 19)),
    ("mir", (("2200", "2204"),), (16, 17, 18, 19)),
    ("dankort", (("5019", "5019"),), (16,)),
)


def card_issuer(number: str) -> str | None:
    """The issuer whose prefix and length fit a digit string, if any."""
    n = len(number)
    for issuer, ranges, lengths in _CARD_RULES:
        if n not in lengths:
            continue
        for low, high in ranges:
            head = number[: len(low)]
            if len(head) == len(low) and low <= head <= high:
                return issuer
    return None


# Each digit doubled, its digits summed (the Luhn step for every second digit).
_LUHN_DOUBLE = str.maketrans("0123456789", "0246813579")


def luhn_ok(number: str) -> bool:
    """python-stdnum's luhn.validate() as a yes/no, by str.translate: ~6x
    faster, and a dense export checks every card number (a test compares the
    two)."""
    if not number or not (number.isascii() and number.isdigit()):
        return False
    # The sum of the ASCII codes less 48 a digit: no int() per digit.
    total = sum(number[-1::-2].encode()) + sum(number[-2::-2].translate(_LUHN_DOUBLE).encode()) - 48 * len(number)
    return total % 10 == 0


def is_valid_card(value: str) -> bool:
    d = digits(value)
    if not 12 <= len(d) <= 19 or len(set(d)) == 1:
        return False
    return card_issuer(d) is not None and luhn_ok(d)


# --- IBAN ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def iban_countries() -> tuple[str, ...]:
    """Country codes python-stdnum knows IBAN formats for."""
    return tuple(sorted({p[1] for p in _iban._ibandb.prefixes if len(p[1]) == 2}))


@lru_cache(maxsize=4096)
def is_valid_iban(value: str) -> bool:
    """Country length, BBAN format and mod 97; not stdnum's per-country bank
    registries (they reject valid IBANs of banks they do not list)."""
    compact = re.sub(r"[\s-]", "", value).upper()
    try:
        _iban.validate(compact, check_country=False)
        return True
    except ValidationError:
        return False


# --- IP addresses ---------------------------------------------------------------


# Ranges that no network uses: documentation (RFC 5737, 3849, 9637) and
# never allocated (IPv4 class E, IPv6 outside 2000::/3 and its special
# blocks). An address there is not infrastructure: it is what examples, test
# data and synthetic records write for somebody's public address.
_DOCUMENTATION = tuple(ipaddress.ip_network(n) for n in (
    "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20"))
_V6_IN_USE = tuple(ipaddress.ip_network(n) for n in (
    "2000::/3", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", "::/96", "::ffff:0:0/96", "64:ff9b::/96",
    "100::/64"))
_CLASS_E = ipaddress.ip_network("240.0.0.0/4")
_BROADCAST = ipaddress.ip_address("255.255.255.255")


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@lru_cache(maxsize=8192)
def ip_kind(value: str) -> str | None:
    """'public', 'internal' (private, loopback, link-local, multicast,
    broadcast, unspecified: addresses a network uses for itself) or None.
    Documentation and unallocated addresses count as public (_DOCUMENTATION)."""
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:192.0.2.1 is that IPv4 address
    elif ip.version == 6 and ip in _NAT64:
        # The NAT64 well-known prefix (RFC 6052): 64:ff9b::192.0.2.1 is the
        # IPv4 host it translates to.
        ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if any(ip in net for net in _DOCUMENTATION if net.version == ip.version):
        return "public"
    if ip.version == 4 and ip in _CLASS_E and ip != _BROADCAST:
        return "public"
    if ip.version == 6 and not any(ip in net for net in _V6_IN_USE) and value.count(":") >= 4:
        # Unallocated; written short (`a::b`, `dead::beef`) it is a C++ or
        # Rust path more often than an address.
        return "public"
    if ip.is_unspecified or ip.is_multicast:
        return "internal"
    if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
        return "internal"
    return "public"


# --- Phone numbers --------------------------------------------------------------


# A North American number in one of the shapes the recognizer matches:
# phonenumbers.parse() would return country code 1 and these ten digits.
_NANP_SHAPE = re.compile(r"(?:\+1|001|1)?[-. ]?(?:\(([2-9]\d{2})\) ?|([2-9]\d{2})[-. ]?)([2-9]\d{2})[-. ]?(\d{4})")


@lru_cache(maxsize=65536)
def _parse_phone(value: str, region: str = "US"):
    """phonenumbers' parse, cached: validation, scoring and hashing all
    need it for the same string."""
    import phonenumbers

    text = value.strip()
    m = _NANP_SHAPE.fullmatch(text) if region == "US" else None
    if m:
        # parse() costs ~70 us, most of a phone's validation; for these
        # shapes its result is known (tests compare the two).
        area = m.group(1) or m.group(2)
        return phonenumbers.PhoneNumber(country_code=1, national_number=int(area + m.group(3) + m.group(4)))
    if text.startswith("001"):
        # North American numbers written with the international prefix 00.
        text = "+1" + text[3:]
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


@lru_cache(maxsize=65536)
def phone_quality(value: str, region: str = "US") -> str | None:
    """'valid' (phonenumbers knows the number range), 'possible' (right shape
    for its country, e.g. a NANP number in an unassigned area code),
    'shape' (a North American number whose exchange starts with 0 or 1:
    never dialled, but printed in forms and fictional data) or None."""
    import phonenumbers

    num = _parse_phone(value, region)
    if num is None:
        return None
    if num.country_code == 1:
        if _nanp_valid(str(num.national_number)):
            return "valid"
    elif phonenumbers.is_valid_number(num):
        return "valid"
    national = str(num.national_number)
    if num.country_code == 1 and _nanp_shape(national):
        return "possible"
    if num.country_code == 1 and len(national) == 10 and national[0] in "23456789":
        return "shape"
    if num.country_code != 1 and phonenumbers.is_possible_number(num):
        return "possible"
    return None


class _Region:
    """One region's validity patterns, compiled once (phonenumbers compiles
    them on every call through its own cache: ~50 us a number, most of a
    dense export's phone validation)."""

    _TYPES = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
              "voicemail", "fixed_line", "mobile")

    def __init__(self, metadata):
        self.leading = re.compile(metadata.leading_digits) if metadata.leading_digits is not None else None
        self.general = self._desc(metadata.general_desc)
        self.types = [d for d in (self._desc(getattr(metadata, t)) for t in self._TYPES) if d is not None]

    @staticmethod
    def _desc(desc):
        if desc is None or not desc.national_number_pattern:
            return None
        return frozenset(desc.possible_length or ()), re.compile(desc.national_number_pattern)

    def valid(self, national: str) -> bool:
        """phonenumbers' _number_type_helper(...) != UNKNOWN."""
        if self.general is None or not _matches(self.general, national):
            return False
        return any(_matches(d, national) for d in self.types)


def _matches(desc, national: str) -> bool:
    lengths, rx = desc
    return (not lengths or len(national) in lengths) and rx.fullmatch(national) is not None


@lru_cache(maxsize=1)
def _nanp_regions() -> tuple[tuple[_Region, ...], int]:
    """The +1 regions in phonenumbers' order, and how many leading digits
    decide which of them a number is tried against (0: no shortcut)."""
    import phonenumbers
    from re import _parser

    regions, widest = [], 0
    for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1]:
        md = phonenumbers.PhoneMetadata.metadata_for_region(code, None)
        if md is not None:
            regions.append(_Region(md))
            if md.leading_digits is not None:
                widest = max(widest, _parser.parse(md.leading_digits).getwidth()[1])
    return tuple(regions), (widest if widest <= 6 else 0)


@lru_cache(maxsize=65536)
def _nanp_candidates(prefix: str) -> tuple[_Region, ...]:
    """The regions a number starting with `prefix` is tried against: those
    without leading digits, up to the first whose leading digits match."""
    out = []
    for region in _nanp_regions()[0]:
        if region.leading is None:
            out.append(region)
        elif region.leading.match(prefix):
            out.append(region)
            break
    return tuple(out)


def _nanp_valid(national: str) -> bool:
    """phonenumbers.is_valid_number() for a +1 number, with patterns compiled
    once: the region is the first (in phonenumbers' order) whose leading
    digits match or, without leading digits, for which the number is valid;
    the number must be valid there (tests compare the two)."""
    regions, width = _nanp_regions()
    for region in (_nanp_candidates(national[:width]) if width else regions):
        if region.leading is not None:
            if region.leading.match(national):
                return region.valid(national)
        elif region.valid(national):
            return True
    return False


def _nanp_shape(national: str) -> bool:
    # NXX-NXX-XXXX. Unassigned area codes (and the 555 exchange) are kept:
    # synthetic data uses them, and a directory of real numbers may too.
    return len(national) == 10 and national[0] in "23456789" and national[3] in "23456789"


def e164(value: str, region: str = "US") -> str | None:
    import phonenumbers

    num = _parse_phone(value, region)
    if num is None:
        return None
    if num.country_code == 1 and not num.italian_leading_zero:
        # format_number's E.164 of a North American number, without its
        # ~10 us of formatting machinery (a test compares the two).
        return f"+1{num.national_number}"
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


# --- E-mail ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _suffixes() -> frozenset[str]:
    """Top-level domains from the public suffix list bundled with tldextract,
    read offline (tldextract would otherwise try to download a fresh copy)."""
    try:
        from importlib.resources import files

        text = files("tldextract").joinpath(".tld_set_snapshot").read_text(encoding="utf-8")
        tlds = set()
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("//"):
                tlds.add(line.rsplit(".", 1)[-1].lstrip("*!").lower())
        if tlds:
            return frozenset(tlds)
    except Exception:  # noqa: BLE001 - fall back to the shape check below
        pass
    return frozenset()


def is_valid_email_domain(domain: str) -> bool:
    tld = domain.rsplit(".", 1)[-1].lower()
    if tld.startswith("xn--"):
        # Punycode: the list holds internationalised TLDs as Unicode.
        try:
            tld = tld.encode("ascii").decode("idna")
        except (UnicodeError, ValueError):
            return False
    known = _suffixes()
    if known:
        return tld in known
    return tld.isalpha() and 2 <= len(tld) <= 24
