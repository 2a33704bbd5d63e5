import pytest

MUST_MATCH = [
    ("mail jane.doe@example.com today", "jane.doe@example.com"),
    ("user=jane@example.org status=ok", "jane@example.org"),
    ("<J.Smith+billing@Mail.Example.co.uk>", "J.Smith+billing@Mail.Example.co.uk"),
    ("o'connor@example.ie", "o'connor@example.ie"),
    ("Contact: first_last@sub.domain.museum.", "first_last@sub.domain.museum"),
    ('"email": "amandasosa@yahoo.com",', "amandasosa@yahoo.com"),
]

MUST_NOT_MATCH = [
    "logo@2x.png",
    "admin@localhost",
    "user@host.invalidtld",
    "not an email: foo@bar",
    "a..b@example.com",
    "@example.com",
]


@pytest.mark.parametrize("text,value", MUST_MATCH)
def test_email_found(found, text, value):
    assert found(text, "EMAIL_ADDRESS") == [value]


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_email_not_found(found, text):
    assert found(text, "EMAIL_ADDRESS") == []
