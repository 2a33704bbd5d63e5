import pytest
from tests.detectors.recognizers.table import table_tests

ENTITY = "EMAIL_ADDRESS"

MUST_MATCH = [
    ("mail jane.doe@example.com today", "jane.doe@example.com"),
    ("user=jane@example.org status=ok", "jane@example.org"),
    ("<J.Smith+billing@Mail.Example.co.uk>", "J.Smith+billing@Mail.Example.co.uk"),
    ("o'connor@example.ie", "o'connor@example.ie"),
    ("Contact: first_last@sub.domain.museum.", "first_last@sub.domain.museum"),
    ('"email": "amandasosa@yahoo.com",', "amandasosa@yahoo.com"),
    # issue 22: SQL dumps quote their strings
    ("INSERT INTO c VALUES (1, 'a.b@icloud.com', 'x');", "a.b@icloud.com"),
    ("INSERT INTO c VALUES (N'a.b@att.net', N'Jo');", "a.b@att.net"),
    ("COPY ... E'jo.lee@example.org'", "jo.lee@example.org"),
    # internationalised addresses and punycode domains
    ("user müller@bücher.de wrote", "müller@bücher.de"),
    ("a@xn--d1acufc.xn--p1ai", "a@xn--d1acufc.xn--p1ai"),
    ("mail user@xn--80ak6aa92e.com today", "user@xn--80ak6aa92e.com"),
    ("用户@例子.中国", "用户@例子.中国"),
    # URL-encoded in a query string
    ("GET /api/user?email=jessica.smith19%40gmail.com&id=4", "jessica.smith19%40gmail.com"),
]

MUST_NOT_MATCH = [
    "logo@2x.png",
    "admin@localhost",
    "user@host.invalidtld",
    "not an email: foo@bar",
    "a..b@example.com",
    "@example.com",
    "a@xn--zz.xn--zz",  # punycode that is not a TLD
    "@media screen and (max-width: 600px)",
    "git@github.com:owner/repo.git".replace("github.com", "github.invalidtld"),
    "x%40y",
    ".dot@example.com".replace(".dot", "."),
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)


def test_url_encoded_address_hashes_and_masks_like_the_plain_one():
    from scanner import privacy

    key = b"k"
    assert privacy.value_hash("EMAIL_ADDRESS", "Jane.Doe%40Example.com", key) == \
        privacy.value_hash("EMAIL_ADDRESS", "jane.doe@example.com", key)
    assert privacy.mask("EMAIL_ADDRESS", "jane.doe%40example.com") == "j***@example.com"
