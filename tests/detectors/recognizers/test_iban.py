import pytest

MUST_MATCH = [
    ("IBAN DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"),
    ("GB29NWBK60161331926819", "GB29NWBK60161331926819"),
    ("to FR1420041010050500013M02606 today", "FR1420041010050500013M02606"),
    ("NL91 ABNA 0417 1643 00 ABCD", "NL91 ABNA 0417 1643 00"),
]
MUST_NOT_MATCH = ["DE89 3704 0044 0532 0130 01", "GB00NWBK60161331926819", "AB12 3456 7890"]


@pytest.mark.parametrize("text,value", MUST_MATCH)
def test_iban_found(found, text, value):
    assert found(text, "IBAN_CODE") == [value]


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_iban_not_found(found, text):
    assert found(text, "IBAN_CODE") == []
