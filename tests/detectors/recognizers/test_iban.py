import pytest
from tests.detectors.recognizers.table import table_tests

ENTITY = "IBAN_CODE"

MUST_MATCH = [
    ("IBAN DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"),
    ("GB29NWBK60161331926819", "GB29NWBK60161331926819"),
    ("to FR1420041010050500013M02606 today", "FR1420041010050500013M02606"),
    ("NL91 ABNA 0417 1643 00 ABCD", "NL91 ABNA 0417 1643 00"),
    # issue 22: valid, though stdnum's registry does not list the bank
    ("BE68539007547034", "BE68539007547034"),
    ("iban: be68 5390 0754 7034", "be68 5390 0754 7034"),
    ("BE68-5390-0754-7034", "BE68-5390-0754-7034"),
    ("de89370400440532013000", "de89370400440532013000"),
    ("AL47-2121-1009-0000-0002-3569-8741", "AL47-2121-1009-0000-0002-3569-8741"),
    ("CH93 0076 2011 6238 5295 7.", "CH93 0076 2011 6238 5295 7"),
]
MUST_NOT_MATCH = [
    "DE89 3704 0044 0532 0130 01",  # check digits
    "GB00NWBK60161331926819",
    "AB12 3456 7890",
    "DE89 3704-0044 0532 0130 00",  # mixed separators
    "BE68 5390 0754 703",  # too short for BE
    "GB29 NWBK 6016 1331 9268 1",  # too short for GB
    "XX89370400440532013000",  # no such country
    "DE8937040044053201300",  # one digit short
    "GB29NWBK6016133192681A",  # BBAN format: digits expected
    "ref-DE89370400440532013000",  # part of a longer token
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)
