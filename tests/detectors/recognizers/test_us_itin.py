import pytest

MUST_MATCH = [("ITIN 912-70-1234", "912-70-1234"), ("itin: 912701234", "912701234"), ("900-50-1234", "900-50-1234")]
MUST_NOT_MATCH = ["912-34-5678", "ITIN 812-70-1234", "order 912701234", "912-93-1234"]


@pytest.mark.parametrize("text,value", MUST_MATCH)
def test_itin_found(found, text, value):
    assert found(text, "US_ITIN") == [value]


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_itin_not_found(found, text):
    assert found(text, "US_ITIN") == []
