import pytest
from tests.detectors.recognizers.table import Case, table_tests

ENTITY = "US_PASSPORT"

MUST_MATCH = [
    ("Passport No: 912345678", "912345678"),
    ("passport A12345678 issued", "A12345678"),
    ("Passport number 561203948", "561203948"),
    ("US passport #: 488120339", "488120339"),
    ('{"passport": "C03005988"}', "C03005988"),
    ("passport_no=731948205", "731948205"),
    ("Travel document 520193847, expires 2031", "520193847"),
    Case("Traveller,Passport Number\nJo Lee,476201938\n", "476201938", name="travel.csv"),
    ("Passport: Z98765432 (USA)", "Z98765432"),
    ("Copy of passport 603918274 attached.", "603918274"),
    # another country's number, under its own passport label
    ("Passport: P8E101798\nFecha de nacimiento / Date of birth", "P8E101798"),
    ("identity confirmed via passport P5J101595. Attorney Lee", "P5J101595"),
    ("Traveler Omar Aziz, passport X1234567, phone on file", "X1234567"),
    ("Passport No.: 12AB34567", "12AB34567"),
    ('{"passport_number": "C01X00T47"}', "C01X00T47"),
    Case("Traveller,Passport\nJo Lee,AB123456\n", "AB123456", name="travel.csv"),
]
MUST_NOT_MATCH = [
    "A12345678",  # no context
    "ticket 912345678",
    "passport 1234",  # too short
    "passport 1234567890",  # too long
    "passport_issue_date: 20190312",  # a date under a passport key
    "order 561203948 shipped",
    "Passport-ready? Reference AB12345678",  # two letters
    Case("Traveller,Booking Ref\nJo Lee,476201938\n", name="travel.csv"),  # not a passport column
    "passport_expiry=20310105",  # an expiry date
    "tracking 1Z999AA10123456784",  # a UPS tracking number
    # a non-US shape needs the passport label as its own
    "passport photo attached, ticket AB123456",
    "passport checked, booking REF12345 confirmed",
    "Passport: 123456",  # six digits alone
    "Passport: ABCD12345",  # four letters: a code
    "passport_issue_date: 2019AB12",
    Case("Traveller,Booking Ref\nJo Lee,P8E101798\n", name="travel.csv"),
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)
