import pytest

MUST_MATCH = [
    ("Driver's License: D1234567", "D1234567"),
    ("DL# 123456789", "123456789"),
    ("driver license number AB123456", "AB123456"),
    ("DLN 123-456-789", "123-456-789"),
]
MUST_NOT_MATCH = ["D1234567", "invoice 123456789", "download 12345678", "handle 123456"]


@pytest.mark.parametrize("text,value", MUST_MATCH)
def test_dl_found(found, text, value):
    assert found(text, "US_DRIVER_LICENSE") == [value]


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_dl_not_found(found, text):
    assert found(text, "US_DRIVER_LICENSE") == []
