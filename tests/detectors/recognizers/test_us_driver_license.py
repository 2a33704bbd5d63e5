import pytest
from tests.detectors.recognizers.table import Case, table_tests

ENTITY = "US_DRIVER_LICENSE"

MUST_MATCH = [
    ("Driver's License: D1234567", "D1234567"),
    ("DL# 123456789", "123456789"),
    ("driver license number AB123456", "AB123456"),
    ("DLN 123-456-789", "123-456-789"),
    ("Driving licence: S12345678901", "S12345678901"),
    ('{"drivers_license": "W4271983"}', "W4271983"),
    ("driver's license # 99887766", "99887766"),
    ("DMV record Y5512093", "Y5512093"),
    Case("Name,DL Number\nJo Lee,K2039481\n", "K2039481", name="staff.csv"),
    ("License number: 1234567", "1234567"),
    ("Driver’s License B7623019 (CA)", "B7623019"),
]
MUST_NOT_MATCH = [
    "D1234567",  # no context
    "invoice 123456789",
    "download 12345678",
    "handle 123456",
    "DL-T34615-15 part number",  # "DL" as the prefix of a part number
    "software license key AB12-CD34",  # a licence key, not a driver's licence
    "license count: 250",  # too short, a count
    "dl=2024-01-05",  # a date
    Case("Name,Order Number\nJo Lee,K2039481\n", name="staff.csv"),  # not a licence column
    "licensed 1234567890123456 users",  # too long
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)
