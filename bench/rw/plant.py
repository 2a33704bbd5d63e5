"""What the corpus plants: entities in the forms people write them, and decoys.

An entity is an `EntitySpec`: `draw` makes a canonical value (an SSN's nine
digits, a card's digits, a date), `render` writes it in one of its `styles`
(weighted: the common forms most often), `headers` are column names people
give it, `cues` are lead-ins used in prose. Add an entity by adding a spec
to `ENTITIES`; the writers pick it up wherever they take "any entity".

A decoy is a number or string that looks like PII and is not: counters,
order numbers, versions, tracking numbers, public test card numbers. The
truth file lists them so the scorer can tell how many were reported.

`Planter` is the one place values are made: every value written into the
corpus goes through it, so the truth file holds every planted value (and
every incidental one, such as a company's switchboard number, which a
scanner may report or not without penalty).
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import re
import string
from dataclasses import dataclass, field
from typing import Callable

import phonenumbers
from faker import Faker

# ---------------------------------------------------------------- helpers


def luhn_complete(prefix: str) -> str:
    """`prefix` plus the Luhn check digit."""
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return prefix + str((10 - total % 10) % 10)


def luhn_ok(digits: str) -> bool:
    return luhn_complete(digits[:-1]) == digits


def weighted(rng: random.Random, options: dict[str, float]) -> str:
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys])[0]


def digits(rng: random.Random, n: int, first_nonzero: bool = False) -> str:
    out = "".join(rng.choice(string.digits) for _ in range(n))
    if first_nonzero and out[0] == "0":
        out = rng.choice("123456789") + out[1:]
    return out


def group(s: str, sizes: tuple[int, ...], sep: str) -> str:
    out, pos = [], 0
    for n in sizes:
        out.append(s[pos:pos + n])
        pos += n
    if pos < len(s):
        out.append(s[pos:])
    return sep.join(p for p in out if p)


# ---------------------------------------------------------------- entities


@dataclass(frozen=True)
class Value:
    entity: str
    written: str  # as it appears in the text
    forms: tuple[str, ...]  # other spellings a scanner may normalise to
    canonical: object = None  # what `draw` made (digits, a date...)


@dataclass
class EntitySpec:
    name: str
    styles: dict[str, float]
    headers: tuple[str, ...]
    cues: tuple[str, ...]
    draw: Callable[[random.Random, Faker], object]
    render: Callable[[object, str, random.Random], str]
    forms: Callable[[object], tuple[str, ...]] = lambda c: ()
    # styles that need context (a header, a key, a cue) to be PII at all
    bare_styles: tuple[str, ...] = ()
    # other forms read off the written value (the secret of a connection string)
    written_forms: Callable[[str], tuple[str, ...]] = lambda w: ()


def _draw_ssn(rng, fake) -> str:
    while True:
        # Areas 001-099 are common in the north-east and lose their leading
        # zero in spreadsheets that store SSNs as numbers.
        area = rng.choice([rng.randint(1, 99), rng.randint(100, 665), rng.randint(667, 899)])
        g, s = rng.randint(1, 99), rng.randint(1, 9999)
        v = f"{area:03d}{g:02d}{s:04d}"
        if v not in ("078051120", "219099999", "123456789"):
            return v


def _render_ssn(c: str, style: str, rng) -> str:
    sep = {"dashed": "-", "spaced": " ", "dotted": ".", "bare": ""}[style]
    return group(c, (3, 2, 4), sep)


_CARD_BRANDS = {
    # prefix generator, length, weight
    "visa": (lambda r: "4" + digits(r, 5), 16, 5),
    "mastercard": (lambda r: str(r.randint(51, 55)) + digits(r, 4), 16, 3),
    "mastercard2": (lambda r: str(r.randint(2221, 2720)) + digits(r, 2), 16, 1),
    "amex": (lambda r: r.choice(["34", "37"]) + digits(r, 4), 15, 2),
    "discover": (lambda r: r.choice(["6011", "65" + digits(r, 2), "64" + str(r.randint(4, 9)) + digits(r, 1)]), 16, 1),
    "jcb": (lambda r: str(r.randint(3528, 3589)) + digits(r, 2), 16, 0.5),
    "diners": (lambda r: "36" + digits(r, 4), 14, 0.3),
}
TEST_PANS = ("4111111111111111", "4242424242424242", "4012888888881881", "5555555555554444",
             "5105105105105100", "378282246310005", "371449635398431", "6011111111111117",
             "6011000990139424", "3530111333300000", "4000056655665556", "2223003122003222")


def _draw_card(rng, fake) -> str:
    brand = rng.choices(list(_CARD_BRANDS), weights=[b[2] for b in _CARD_BRANDS.values()])[0]
    gen, length, _ = _CARD_BRANDS[brand]
    while True:
        prefix = gen(rng)
        v = luhn_complete(prefix + digits(rng, length - len(prefix) - 1))
        if v not in TEST_PANS and len(set(v[1:])) > 3:
            return v


def _render_card(c: str, style: str, rng) -> str:
    sizes = (4, 6, 5) if len(c) == 15 else (4, 6, 4) if len(c) == 14 else (4, 4, 4, 4)
    sep = {"plain": "", "spaced": " ", "dashed": "-", "dotted": "."}[style]
    return c if not sep else group(c, sizes, sep)


_FREEMAIL = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com", "att.net",
             "comcast.net", "verizon.net", "protonmail.com", "msn.com", "live.com", "me.com", "sbcglobal.net")


def _draw_email(rng, fake) -> str:
    first, last = fake.first_name().lower(), fake.last_name().lower().replace(" ", "").replace("'", "")
    local = weighted(rng, {f"{first}.{last}": 4, f"{first[0]}{last}": 3, f"{first}{last[0]}": 1,
                           f"{first}_{last}": 1, f"{first}.{last}{rng.randint(1, 99)}": 2,
                           f"{last}.{first}": 1, f"{first}+{rng.choice(['news', 'work', 'bills'])}": 0.3,
                           f"{first}{rng.randint(1960, 2005)}": 1})
    domain = rng.choice(_FREEMAIL) if rng.random() < 0.55 else fake.domain_name()
    if rng.random() < 0.1:
        domain = rng.choice(["mail", "corp", "us", "hq"]) + "." + fake.domain_name()
    return f"{local}@{domain}"


def _render_email(c: str, style: str, rng) -> str:
    if style == "capitalised":
        local, _, domain = c.partition("@")
        return ".".join(p.capitalize() for p in local.split(".")) + "@" + domain
    return c


_PHONE_REGIONS = {"US": 80, "GB": 5, "CA": 4, "DE": 3, "FR": 2, "AU": 2, "IN": 2, "MX": 1, "IE": 1}


def _draw_phone(rng, fake) -> tuple[str, str]:
    region = weighted(rng, _PHONE_REGIONS)
    for _ in range(200):
        if region in ("US", "CA"):
            n = str(rng.randint(2, 9)) + digits(rng, 2) + str(rng.randint(2, 9)) + digits(rng, 6)
            if n[3:6] == "555" or n[1:3] == "11":
                continue
        else:
            example = phonenumbers.example_number_for_type(region, rng.choice(
                [phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE]))
            nat = str(example.national_number)
            n = nat[:2] + digits(rng, len(nat) - 2)
        num = phonenumbers.parse(n, region)
        if phonenumbers.is_valid_number(num):
            return region, n
    return region, str(example.national_number)


def _render_phone(c, style: str, rng) -> str:
    region, n = c
    num = phonenumbers.parse(n, region)
    if region not in ("US", "CA"):
        fmt = phonenumbers.PhoneNumberFormat.NATIONAL if style == "national" else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        return phonenumbers.format_number(num, fmt)
    a, e, s = n[:3], n[3:6], n[6:]
    return {"paren": f"({a}) {e}-{s}", "dashed": f"{a}-{e}-{s}", "dotted": f"{a}.{e}.{s}",
            "plus1": f"+1 {a}-{e}-{s}", "plus1space": f"+1 {a} {e} {s}", "one": f"1-{a}-{e}-{s}",
            "e164": f"+1{n}", "bare": n, "national": f"({a}) {e}-{s}", "parennospace": f"({a}){e}-{s}"}[style]


def _phone_forms(c) -> tuple[str, ...]:
    region, n = c
    return (phonenumbers.format_number(phonenumbers.parse(n, region), phonenumbers.PhoneNumberFormat.E164),)


def _draw_dob(rng, fake) -> dt.date:
    return fake.date_of_birth(minimum_age=18, maximum_age=90)


def _render_date(c: dt.date, style: str, rng) -> str:
    return {"us": c.strftime("%m/%d/%Y"), "iso": c.isoformat(), "dmy_text": f"{c.day} {c.strftime('%b %Y')}",
            "long": f"{c.strftime('%B')} {c.day}, {c.year}", "us_dash": c.strftime("%m-%d-%Y"),
            "us_short": f"{c.month}/{c.day}/{c.year}"}[style]


def _draw_address(rng, fake) -> tuple[str, str, str, str]:
    street = fake.street_address()
    return street, fake.city(), fake.state_abbr(include_territories=False), fake.zipcode()


def _render_address(c, style: str, rng) -> str:
    street, city, state, zipc = c
    if style == "two_lines":
        return f"{street}\n{city}, {state} {zipc}"
    if style == "no_comma":
        return f"{street} {city} {state} {zipc}"
    return f"{street}, {city}, {state} {zipc}"


def _draw_person(rng, fake) -> tuple[str, str, str]:
    middle = rng.choice(string.ascii_uppercase) + "." if rng.random() < 0.15 else ""
    return fake.first_name(), middle, fake.last_name()


def _render_person(c, style: str, rng) -> str:
    first, middle, last = c
    if style == "last_first":
        return f"{last}, {first}" + (f" {middle}" if middle else "")
    return " ".join(p for p in (first, middle, last) if p)


_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"


def _draw_nino(rng, fake) -> str:
    while True:
        prefix = rng.choice(_NINO_FIRST) + rng.choice(_NINO_SECOND)
        if prefix not in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            return prefix + digits(rng, 6) + rng.choice("ABCD")


def _render_nino(c: str, style: str, rng) -> str:
    return group(c, (2, 2, 2, 2, 1), " ") if style == "spaced" else c


def _draw_sin(rng, fake) -> str:
    while True:
        v = luhn_complete(rng.choice("1234567") + digits(rng, 7))
        if v[0] not in "08":
            return v


def _render_sin(c: str, style: str, rng) -> str:
    return group(c, (3, 3, 3), {"spaced": " ", "dashed": "-", "bare": ""}[style])


_IBAN_BBAN = {  # country: (bban generator, weight)
    "DE": (lambda r: digits(r, 8, True) + digits(r, 10), 4),
    "GB": (lambda r: "".join(r.choice(string.ascii_uppercase) for _ in range(4)) + digits(r, 14), 3),
    "FR": (lambda r: digits(r, 10) + digits(r, 11) + digits(r, 2), 2),
    "NL": (lambda r: "".join(r.choice(string.ascii_uppercase) for _ in range(4)) + digits(r, 10), 2),
    "ES": (lambda r: digits(r, 20), 1),
    "IT": (lambda r: r.choice(string.ascii_uppercase) + digits(r, 10) + digits(r, 12), 1),
    "BE": (lambda r: digits(r, 12), 1),
    "CH": (lambda r: digits(r, 17), 1),
    "AT": (lambda r: digits(r, 16), 1),
}


def _iban_check(country: str, bban: str) -> str:
    s = bban + country + "00"
    num = int("".join(str(int(ch, 36)) for ch in s))
    return f"{98 - num % 97:02d}"


def _draw_iban(rng, fake) -> str:
    from stdnum import iban

    for _ in range(500):
        country = rng.choices(list(_IBAN_BBAN), weights=[v[1] for v in _IBAN_BBAN.values()])[0]
        bban = _IBAN_BBAN[country][0](rng)
        v = country + _iban_check(country, bban) + bban
        if iban.is_valid(v):
            return v
    raise RuntimeError("no valid IBAN drawn")


def _render_iban(c: str, style: str, rng) -> str:
    grouped = " ".join(c[i:i + 4] for i in range(0, len(c), 4))
    return {"grouped": grouped, "compact": c, "lower": grouped.lower()}[style]


def _draw_credential(rng, fake) -> tuple[str, str]:
    return weighted(rng, {"password": 5, "aws": 2, "pem": 1, "connstr": 2}), ""


def _render_credential(c, style: str, rng) -> str:
    kind = style
    if kind == "password":
        word = rng.choice(["Winter", "Summer", "Spring", "Autumn", "Welcome", "Passw0rd", "Company", "Admin", "Dragon"])
        return weighted(rng, {f"{word}{rng.randint(2015, 2026)}{rng.choice('!@#$')}": 3,
                              "".join(rng.choice(string.ascii_letters + string.digits + "!#%&*") for _ in range(rng.randint(10, 20))): 3,
                              f"{word.lower()}{rng.randint(1, 999)}": 1})
    if kind == "aws":
        return "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))
    if kind == "aws_secret":
        return "".join(rng.choice(string.ascii_letters + string.digits + "/+") for _ in range(40))
    if kind == "pem":
        body = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(rng.choice([608, 1190])))).decode()
        lines = [body[i:i + 64] for i in range(0, len(body), 64)]
        label = rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])
        return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"
    if kind == "connstr":
        pw = _render_credential(c, "password", rng)
        user = rng.choice(["sa", "app_user", "svc_sql", "postgres", "root", "reporting"])
        host = rng.choice(["db01", "sql02.corp.local", "10.20.1.15", "pg-prod", "mysql.internal"])
        return weighted(rng, {
            f"Server={host};Database={rng.choice(['HR', 'Payroll', 'CRM'])};User Id={user};Password={pw};": 3,
            f"postgresql://{user}:{pw}@{host}:5432/{rng.choice(['crm', 'billing'])}": 2,
            f"mysql://{user}:{pw}@{host}/{rng.choice(['shop', 'wp'])}": 1,
            f"Data Source={host};Initial Catalog=Sales;User ID={user};Password={pw}": 2})
    raise ValueError(kind)


def _credential_forms(c) -> tuple[str, ...]:
    return ()


_CONN_SECRET = re.compile(r"(?:Password|Pwd)=([^;]+)|^[a-z]+://[^:/@]+:(.+)@[^@]+$")


def _credential_written_forms(written: str) -> tuple[str, ...]:
    """A connection string's credential is its password (what a scanner
    reports as the secret), as well as the whole string."""
    m = _CONN_SECRET.search(written)
    return (m.group(1) or m.group(2),) if m else ()


ENTITIES: dict[str, EntitySpec] = {s.name: s for s in [
    EntitySpec("US_SSN", {"dashed": 6, "spaced": 1, "dotted": 0.5, "bare": 2},
               ("SSN", "Social Security Number", "Soc Sec #", "SS#", "SSN/TIN", "Employee SSN", "Social Security No.",
                "ssn", "SocialSecurity"),
               ("SSN:", "SSN", "Social Security Number:", "social security number", "SS#", "SSN #", "Soc. Sec. No."),
               _draw_ssn, _render_ssn, bare_styles=("bare",)),
    EntitySpec("CREDIT_CARD", {"plain": 3, "spaced": 4, "dashed": 2, "dotted": 0.3},
               ("Card Number", "CC#", "Credit Card", "Card No", "PAN", "Payment Card", "CardNumber", "Card #"),
               ("card number", "Card:", "credit card", "CC#", "Visa", "charged to card"),
               _draw_card, _render_card),
    EntitySpec("EMAIL_ADDRESS", {"plain": 9, "capitalised": 1},
               ("Email", "E-mail", "Email Address", "Work Email", "Personal Email", "Contact Email", "email"),
               ("email", "e-mail:", "Email:", "reach me at", "contact", "mail to"),
               _draw_email, _render_email),
    EntitySpec("PHONE_NUMBER", {"paren": 4, "dashed": 3, "dotted": 1, "plus1": 1, "plus1space": 0.5, "one": 0.5,
                                "e164": 0.5, "bare": 1, "national": 0.5, "parennospace": 0.3},
               ("Phone", "Home Phone", "Cell", "Mobile", "Phone Number", "Tel", "Contact No", "Work Phone"),
               ("phone", "Tel:", "call", "cell", "mobile:", "Phone:", "ph."),
               _draw_phone, _render_phone, _phone_forms, bare_styles=("bare",)),
    EntitySpec("DATE_OF_BIRTH", {"us": 5, "iso": 2, "dmy_text": 1, "long": 1, "us_dash": 1, "us_short": 1},
               ("DOB", "Date of Birth", "Birth Date", "Birthdate", "D.O.B.", "BirthDate", "date_of_birth"),
               ("DOB:", "date of birth", "born", "Date of Birth:", "D.O.B."),
               _draw_dob, _render_date, lambda c: (c.isoformat(),), bare_styles=tuple(
                   ("us", "iso", "dmy_text", "long", "us_dash", "us_short"))),
    EntitySpec("US_ADDRESS", {"one_line": 6, "no_comma": 1, "two_lines": 2},
               ("Address", "Home Address", "Mailing Address", "Street Address", "Residence"),
               ("lives at", "Address:", "mailing address", "home address", "resides at"),
               _draw_address, _render_address, lambda c: (f"{c[0]}, {c[1]}, {c[2]} {c[3]}", c[0])),
    EntitySpec("PERSON", {"first_last": 8, "last_first": 2},
               ("Name", "Employee Name", "Full Name", "Patient", "Employee", "Customer Name", "Cardholder", "Contact"),
               ("Name:", "Patient:", "Employee:"),
               _draw_person, _render_person,
               lambda c: (" ".join(p for p in c if p), f"{c[0]} {c[2]}")),
    EntitySpec("UK_NINO", {"spaced": 1, "compact": 2},
               ("NI Number", "NINO", "National Insurance No", "NI No."),
               ("NI number", "National Insurance number", "NINO:"),
               _draw_nino, _render_nino, lambda c: (c,)),
    EntitySpec("CA_SIN", {"spaced": 3, "dashed": 1, "bare": 1},
               ("SIN", "Social Insurance Number", "SIN #", "NAS/SIN"),
               ("SIN:", "Social Insurance Number", "SIN"),
               _draw_sin, _render_sin, lambda c: (c,), bare_styles=("bare",)),
    EntitySpec("IBAN_CODE", {"grouped": 5, "compact": 3, "lower": 0.5},
               ("IBAN", "Bank Account (IBAN)", "IBAN No"),
               ("IBAN", "IBAN:", "account", "bank details"),
               _draw_iban, _render_iban, lambda c: (c,)),
    EntitySpec("CREDENTIAL", {"password": 5, "aws": 2, "aws_secret": 1, "pem": 1, "connstr": 2},
               ("Password", "Pwd", "pass", "Temp Password", "password"),
               ("password", "pw:", "Password:", "passwd"),
               _draw_credential, _render_credential, _credential_forms,
               written_forms=_credential_written_forms),
]}

CORE = ("US_SSN", "CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER")
NEW = ("DATE_OF_BIRTH", "US_ADDRESS", "PERSON", "UK_NINO", "CA_SIN", "IBAN_CODE", "CREDENTIAL")


# ---------------------------------------------------------------- decoys


def _tracking(rng) -> str:
    kind = rng.choice(["ups", "fedex", "usps"])
    if kind == "ups":
        return "1Z" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(6)) + digits(rng, 10)
    if kind == "fedex":
        return digits(rng, 12, True)
    return "9400" + digits(rng, 18)


def _isbn(rng) -> str:
    body = "978" + digits(rng, 9)
    check = (10 - sum((3 if i % 2 else 1) * int(d) for i, d in enumerate(body)) % 10) % 10
    s = body + str(check)
    return rng.choice([f"{s[:3]}-{s[3]}-{s[4:7]}-{s[7:12]}-{s[12]}", s, f"ISBN {s[:3]}-{s[3:5]}-{s[5:9]}-{s[9:12]}-{s[12]}"])


DECOYS: dict[str, Callable[[random.Random], str]] = {
    # ten-digit measurement counters: the phone-number trap
    "counter10": lambda r: str(r.randint(2, 9)) + digits(r, 9),
    # nine-digit order / invoice / claim numbers: the SSN trap
    "order9": lambda r: str(r.randint(1, 8)) + digits(r, 8),
    "zero_padded": lambda r: "0" * r.randint(2, 5) + digits(r, r.randint(5, 9), True),
    # 12-digit sequence numbers, half of which pass Luhn: the card trap
    "seq12": lambda r: (lambda s: luhn_complete(s[:-1]) if r.random() < 0.5 else s)(digits(r, 12, True)),
    "epoch": lambda r: str(r.randint(1_500_000_000, 1_800_000_000)) + (digits(r, 3) if r.random() < 0.4 else ""),
    "version": lambda r: r.choice([f"{r.randint(1, 20)}.{r.randint(0, 30)}.{r.randint(0, 99)}.{r.randint(1000, 99999)}",
                                   f"{r.randint(2, 6)}.{r.randint(0, 19)}.{r.randint(0, 9)}-{r.randint(100, 999)}.el{r.randint(7, 9)}",
                                   f"build {r.randint(2019, 2026)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}.{r.randint(1, 9)}"]),
    "zip4": lambda r: f"{r.randint(1000, 99950):05d}-{r.randint(1, 9999):04d}",
    "isbn": _isbn,
    "imei": lambda r: luhn_complete(r.choice(["35", "86", "01", "99"]) + digits(r, 12)),
    "tracking": _tracking,
    "hex_id": lambda r: r.choice(["%08x-%04x-4%03x-%04x-%012x" % (r.getrandbits(32), r.getrandbits(16), r.getrandbits(12),
                                                                   r.getrandbits(16) | 0x8000 & 0xBFFF, r.getrandbits(48)),
                                  "%040x" % r.getrandbits(160), "0x%016x" % r.getrandbits(64)]),
    "test_pan": lambda r: r.choice(TEST_PANS),
    "npi": lambda r: (lambda b: b + luhn_complete("80840" + b)[-1])(r.choice("12") + digits(r, 8)),
}


# ---------------------------------------------------------------- truth


@dataclass
class FileTruth:
    kind: str
    entities: dict[str, list[list[str]]] = field(default_factory=dict)  # entity -> [[written, *forms]]
    decoys: dict[str, list[str]] = field(default_factory=dict)
    incidental: dict[str, list[str]] = field(default_factory=dict)  # present, not required

    def as_json(self) -> dict:
        return {"kind": self.kind, "entities": self.entities, "decoys": self.decoys, "incidental": self.incidental}


class Planter:
    """Makes every value the corpus writes and remembers where it went."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.truth: dict[str, FileTruth] = {}
        self._cur: FileTruth | None = None

    def begin(self, path: str, kind: str) -> None:
        self._cur = self.truth.setdefault(path, FileTruth(kind))

    def draw(self, entity: str, style: str | None = None) -> Value:
        """A value, not yet recorded (a writer records what it displays)."""
        spec = ENTITIES[entity]
        c = spec.draw(self.rng, self.fake)
        style = style or weighted(self.rng, spec.styles)
        written = spec.render(c, style, self.rng)
        return Value(entity, written, spec.forms(c) + spec.written_forms(written), c)

    def pii(self, entity: str, style: str | None = None) -> str:
        """A value of `entity`, recorded as planted; returns it as written."""
        v = self.draw(entity, style)
        self.record(entity, v.written, *v.forms)
        return v.written

    def record(self, entity: str, written: str, *forms: str) -> str:
        assert self._cur is not None
        vals = [written] + [f for f in forms if f and f != written]
        self._cur.entities.setdefault(entity, []).append(vals)
        return written

    def decoy(self, kind: str) -> str:
        assert self._cur is not None
        v = DECOYS[kind](self.rng)
        self._cur.decoys.setdefault(kind, []).append(v)
        return v

    def decoy_written(self, kind: str, write: Callable[[str], str]) -> str:
        """A decoy recorded as `write` spells it (a test PAN in groups)."""
        assert self._cur is not None
        v = write(DECOYS[kind](self.rng))
        self._cur.decoys.setdefault(kind, []).append(v)
        return v

    def incidental(self, entity: str, value: str) -> str:
        assert self._cur is not None
        self._cur.incidental.setdefault(entity, []).append(value)
        return value

    def style(self, entity: str, allow_bare: bool = True) -> str:
        spec = ENTITIES[entity]
        styles = {k: w for k, w in spec.styles.items() if allow_bare or k not in spec.bare_styles}
        return weighted(self.rng, styles or spec.styles)

    def cue(self, entity: str) -> str:
        return self.rng.choice(ENTITIES[entity].cues)

    def header(self, entity: str) -> str:
        return self.rng.choice(ENTITIES[entity].headers)
