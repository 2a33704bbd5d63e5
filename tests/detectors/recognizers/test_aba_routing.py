"""ABA routing numbers (issue 21): their own entity, checksum-validated,
context-scored; never US_BANK_NUMBER, and the account beside them never a
phone number."""

import pytest
from tests.detectors.recognizers.table import table_tests

ENTITY = "ABA_ROUTING_NUMBER"

MUST_MATCH = [
    ("routing 021000021", "021000021"),
    ("ABA: 121000358", "121000358"),
    ("Routing number 121042882", "121042882"),
    ("RTN 011000015", "011000015"),
    ("routing_number=026009593", "026009593"),
    ('{"aba_routing": "322271627"}', "322271627"),
    ("Bank routing #: 071101307", "071101307"),
    ("transit number 111000025", "111000025"),
    ("3222-7162-7", "3222-7162-7"),
    ("wire to 0711-0130-7 today", "0711-0130-7"),
    ("Routing: 021000021 Account: 987654321012", "021000021"),
]

MUST_NOT_MATCH = [
    "routing 421042111",  # fails the checksum
    "routing 021000022",  # fails the checksum
    "121000358",  # a bare nine-digit number: context needed
    "order 021000021",
    "routing 1234-0000-0",  # dashed, fails the checksum
    "routing 991000023",  # no Federal Reserve prefix (99)
    "routing 000000000",
    "routing 0210000210",  # ten digits
    "routing 02100002",  # eight digits
    '{"order_id": "021000021", "routing": 5}',  # its own key is not routing context
    "SSN 021-00-0021",
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)


@pytest.mark.parametrize("text,value", MUST_MATCH)
def test_routing_is_never_a_bank_account(found, text, value):
    assert value not in found(text, "US_BANK_NUMBER")


def test_routing_column_context(found):
    assert found("021000021", "ABA_ROUTING_NUMBER", context=("Routing Number",)) == ["021000021"]
    assert found("021000021", "US_BANK_NUMBER", context=("Routing Number",)) == []


def test_account_number_is_never_a_phone(found):
    for text in ("Account number: 12345678901", "Account number 2125550147", "acct 12125550147",
                 "Routing: 021000021 Account: 2125550147"):
        assert found(text, "PHONE_NUMBER") == [], text
    assert found("Account number: 12345678901", "US_BANK_NUMBER") == ["12345678901"]
