import pytest

MUST_MATCH = [
    ("call (212) 555-0147", "(212) 555-0147"),
    ("212-555-0147", "212-555-0147"),
    ("212.555.0147", "212.555.0147"),
    ("+1 212 555 0147", "+1 212 555 0147"),
    ("+1-212-555-0147x123", "+1-212-555-0147"),
    ("(753)919-3873", "(753)919-3873"),
    ("001-415-555-2671", "001-415-555-2671"),
    ("1-800-555-0199", "1-800-555-0199"),
    ("Phone: 2125550147", "2125550147"),
    ("London +44 20 7946 0958", "+44 20 7946 0958"),
    ("Berlin +49 30 901820", "+49 30 901820"),
    ("Paris +33 1 42 68 53 00", "+33 1 42 68 53 00"),
    ("tel 415-555-2671 ext. 12", "415-555-2671"),
]

MUST_NOT_MATCH = [
    "123-456-7890",  # area code cannot start with 1
    "555-0147",  # seven digits
    "SSN 234-56-7890",
    "card 4111 1111 1111 1111",
    "2026-03-15 10:22:31",
    "version 10.0.19045.3803",
    "+99 12345",  # no such country
    "id 1700000000",
    "ip 192.168.100.200",
]


@pytest.mark.parametrize("text,value", MUST_MATCH)
def test_phone_found(found, text, value):
    assert found(text, "PHONE_NUMBER") == [value]


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_phone_not_found(found, text):
    assert found(text, "PHONE_NUMBER") == []


def test_phone_hash_is_e164():
    from scanner.privacy import normalise

    for v in ("(212) 555-0147", "212.555.0147", "+1 212 555 0147", "001-212-555-0147"):
        assert normalise("PHONE_NUMBER", v) == "+12125550147"
