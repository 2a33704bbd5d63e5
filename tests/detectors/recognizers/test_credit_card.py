import pytest

MUST_MATCH = [
    ("card 4111 1111 1111 1111", "4111 1111 1111 1111"),
    ("4111-1111-1111-1111", "4111-1111-1111-1111"),
    ("cc=4111111111111111;", "4111111111111111"),
    ("Mastercard 5555555555554444", "5555555555554444"),
    ("MC 2-series 2223003122003222", "2223003122003222"),
    ("2720 9900 0000 0007 expires 12/28", "2720 9900 0000 0007"),
    ("Amex 3782 822463 10005", "3782 822463 10005"),
    ("amex 378282246310005", "378282246310005"),
    ("Discover 6011111111111117", "6011111111111117"),
    ("Diners 30569309025904", "30569309025904"),
    ("JCB 3530111333300000", "3530111333300000"),
    ("UnionPay 6200000000000005", "6200000000000005"),
    ("Visa 13: 4222222222222", "4222222222222"),
    ("visa19 4000000000000000006", "4000000000000000006"),
]

MUST_NOT_MATCH = [
    "tracking 4111111111111112",  # fails Luhn
    "1Z999AA10123456784",  # UPS tracking
    "barcode 4006381333931",  # EAN-13, not an issuer prefix/Luhn card
    "0000000000000000",
    "4111 1111 1111 1111 2222",  # 20 digits
    "ref 9111111111111111",  # no issuer starts with 9
    "41111 11111 11111 1",  # odd grouping
    "v1.4111111111111111",  # part of a version-like token
    "timestamp 1700000000123",
]


@pytest.mark.parametrize("text,value", MUST_MATCH)
def test_card_found(found, text, value):
    assert found(text, "CREDIT_CARD") == [value]


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_card_not_found(found, text):
    assert found(text, "CREDIT_CARD") == []
