import pytest

MUST_MATCH = [("Passport No: 912345678", "912345678"), ("passport A12345678 issued", "A12345678")]
MUST_NOT_MATCH = ["A12345678", "ticket 912345678", "passport 1234"]


@pytest.mark.parametrize("text,value", MUST_MATCH)
def test_passport_found(found, text, value):
    assert found(text, "US_PASSPORT") == [value]


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_passport_not_found(found, text):
    assert found(text, "US_PASSPORT") == []
