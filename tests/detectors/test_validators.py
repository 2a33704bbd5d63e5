"""Validators: the fast paths give what the libraries they shortcut give."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from detectors import validators


def _nanp_samples(n: int = 3000) -> list[str]:
    rnd = random.Random(7)
    shapes = ("({a}) {e}-{s}", "{a}-{e}-{s}", "{a}.{e}.{s}", "{a} {e} {s}", "+1 {a} {e} {s}", "+1-{a}-{e}-{s}",
              "1-{a}-{e}-{s}", "001-{a}-{e}-{s}", "{a}{e}{s}", "1{a}{e}{s}", "+1{a}{e}{s}", "({a}){e}-{s}",
              "+1 ({a}) {e}-{s}")
    out = []
    for _ in range(n):
        a, e, s = rnd.randint(200, 999), rnd.randint(200, 999), rnd.randint(0, 9999)
        out.append(rnd.choice(shapes).format(a=a, e=e, s=f"{s:04d}"))
    return out


def test_nanp_fast_parse_equals_phonenumbers():
    for value in _nanp_samples():
        fast = validators._parse_phone.__wrapped__(value)
        text = "+1" + value[3:] if value.startswith("001") else value
        slow = phonenumbers.parse(text, "US")
        assert (fast.country_code, fast.national_number) == (slow.country_code, slow.national_number), value
        assert phonenumbers.is_valid_number(fast) == phonenumbers.is_valid_number(slow), value


@pytest.mark.parametrize("value", ["+44 20 7946 0958", "+49 30 901820", "(212) 555-0147 x12", "555-0147"])
def test_other_shapes_still_go_through_phonenumbers(value):
    fast = validators._parse_phone.__wrapped__(value)
    try:
        slow = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        slow = None
    assert (fast is None) == (slow is None)
    if fast is not None:
        assert (fast.country_code, fast.national_number) == (slow.country_code, slow.national_number)


def test_phone_quality_matches_phonenumbers_validity():
    for value in _nanp_samples(2000) + ["+44 20 7946 0958", "+33 1 42 68 53 00", "+1 684 633 1234", "+1 876 927 1234"]:
        validators.phone_quality.cache_clear()
        text = "+1" + value[3:] if value.startswith("001") else value
        num = phonenumbers.parse(text, "US")
        expected = phonenumbers.is_valid_number(num)
        assert (validators.phone_quality(value) == "valid") == expected, value


def test_nanp_validity_equals_phonenumbers_for_every_area_code():
    # Every area code (US, Canada, the Caribbean, the territories: regions
    # told apart by leading digits), with exchanges of every first digit.
    rnd = random.Random(11)
    for area in range(200, 1000):
        for first in "0123456789":
            national = f"{area}{first}{rnd.randint(0, 99):02d}{rnd.randint(0, 9999):04d}"
            num = phonenumbers.PhoneNumber(country_code=1, national_number=int(national))
            assert validators._nanp_valid(national) == phonenumbers.is_valid_number(num), national


def test_luhn_equals_python_stdnum():
    from stdnum import luhn
    from stdnum.exceptions import ValidationError

    def stdnum_ok(v):
        try:
            luhn.validate(v)
            return True
        except ValidationError:
            return False

    rnd = random.Random(9)
    samples = ["", "0", "00", "79927398713", "4111111111111111", "4111111111111112", "12a4", "١٢٣", "²3"]
    samples += ["".join(rnd.choice("0123456789") for _ in range(rnd.randint(1, 20))) for _ in range(5000)]
    for v in samples:
        assert validators.luhn_ok(v) == stdnum_ok(v), v


def test_e164_equals_phonenumbers_format():
    for value in _nanp_samples(2000) + ["+44 20 7946 0958", "+39 06 6982 1234", "+1 684 633 1234"]:
        num = validators._parse_phone(value)
        if num is None:
            continue
        expected = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
        assert validators.e164(value) == expected, value
