import pytest

MUST_MATCH = [
    ("Checking account 12345678901", "12345678901"),
    ("acct# 00012345678", "00012345678"),
    ("routing 021000021 account 987654321012", "987654321012"),
]
MUST_NOT_MATCH = [
    "order 12345678901",  # no context
    "account card 4111111111111111",  # a card number is reported as a card
    "account 1234567",  # too short
    "account 11111111",  # one repeated digit
]


@pytest.mark.parametrize("text,value", MUST_MATCH)
def test_bank_found(found, text, value):
    assert value in found(text, "US_BANK_NUMBER")


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_bank_not_found(found, text):
    assert found(text, "US_BANK_NUMBER") == []


def test_bank_with_column_context(found):
    assert found("12345678901", "US_BANK_NUMBER", context=("account_number",)) == ["12345678901"]
