import pytest

from detectors.recognizers.uk_nino import is_valid_nino
from tests.detectors.recognizers.table import table_tests

ENTITY = "UK_NINO"

MUST_MATCH = [
    ("NI number: AB 12 34 56 C", "AB 12 34 56 C"),
    ("National Insurance No AB123456C", "AB123456C"),
    ("Employee NINO JT 48 21 90 A joined payroll", "JT 48 21 90 A"),
    ("P45 issued, NI No. WL 09 87 65 D", "WL 09 87 65 D"),
    ("ni: ab123456c", "ab123456c"),  # lower case only with context
    ("nino=SC-47-82-19-B", "SC-47-82-19-B"),
    ("Your National Insurance number is PX 338817 B.", "PX 338817 B"),
    ("Nat Ins: HR 55 10 23", "HR 55 10 23"),  # old record without suffix, with context
    ('{"employee": 4711, "nino": "ZW 30 12 44 C"}', "ZW 30 12 44 C"),
    ("MA 42 77 18 A", "MA 42 77 18 A"),  # the distinctive shape counts alone
    ("Ref: NE981234D (HMRC)", "NE981234D"),
    ("hh 01 02 03 d", "hh 01 02 03 d"),  # lower case, grouped as printed
]

MUST_NOT_MATCH = [
    "QQ 12 34 56 C",  # Q is never a first letter (HMRC's own example number)
    "NI number GB 12 34 56 A",  # GB is never issued
    "NI number TN 12 34 56 A",  # TN: temporary numbers
    "NI number BG123456A",  # BG
    "NI number DA 12 34 56 A",  # D is never a first letter
    "NI number AO 12 34 56 A",  # O is never a second letter
    "NI number AB 12 34 56 E",  # suffix E
    "VAT GB123456789",  # a VAT number
    "SKU AB1234567C",  # seven digits
    "part XAB123456C",  # inside a longer code
    "ab123456c",  # lower case without context
    "HR 55 10 23",  # no suffix, no context
    "AB 12 34 56 Cardiff",  # the next word is no suffix, and no context
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)


def test_nino_column_header(found):
    assert found("ab123456c", "UK_NINO", context=("NI Number",)) == ["ab123456c"]
    assert found("ab123456c", "UK_NINO", context=("part_no",)) == []


def test_allocation_rules():
    assert is_valid_nino("AB123456C") and is_valid_nino("ab 12 34 56")
    assert not is_valid_nino("ZZ123456C") and not is_valid_nino("AB12345C")
