import pytest
from tests.detectors.recognizers.table import Case, table_tests

ENTITY = "US_BANK_NUMBER"

MUST_MATCH = [
    ("Checking account 12345678901", "12345678901"),
    ("acct# 00012345678", "00012345678"),
    ("routing 021000021 account 987654321012", "987654321012"),
    ("Account number: 4471829930", "4471829930"),
    ("savings acct 000123456789", "000123456789"),
    ("Direct deposit to account 55512398 at First Bank", "55512398"),
    ('{"account_number": "73019284561"}', "73019284561"),
    ("ACH beneficiary account 88120034571", "88120034571"),
    ("Acct No. 20391847", "20391847"),
    Case("Employee,Bank Account\nJo Lee,3849201746\n", "3849201746", name="payroll.csv"),
    ("checking: 1209384756123", "1209384756123"),
]
MUST_NOT_MATCH = [
    "order 12345678901",  # no context
    "account card 4111111111111111",  # a card number is reported as a card
    "account 1234567",  # too short
    "account 11111111",  # one repeated digit
    "account 123456789012345678",  # 18 digits: too long
    "account 021000021 routing",  # the routing number beside it is routing, not an account
    "order_id=12345678901 account=ok",  # labelled as an order id
    "account balance 1234.56",  # an amount
    "invoice_no: 98765432 (account services)",  # its own label says invoice
    Case("Employee,Order Number\nJo Lee,3849201746\n", name="orders.csv"),  # not an account column
    "phone 2125550147",  # a phone number
    "account 12345.67890",  # a decimal
    "account v1234567890",  # glued to a letter
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)


def test_bank_with_column_context(found):
    assert found("12345678901", "US_BANK_NUMBER", context=("account_number",)) == ["12345678901"]
