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
    # a field labelled just "License" on a person's record
    ("Jo Lee\nNotary License: NI-240806", "NI-240806"),
    ("ATTENDING PHYSICIAN: Dr. E. Jackson\n  License: DL-V12985-85 | Phone: on file", "DL-V12985-85"),
    ("Prepared by: R. Miller, CPA (License: 1048852)", "1048852"),
    Case("Name,License\nJo Lee,NV-632595\n", "NV-632595", name="staff.csv"),
    # the value's own DL- prefix, in a headerless record
    ("Jo Lee|1980-04-04|P5T124615|DL-T34615-15|MRN-1024615", "DL-T34615-15"),
    ("Passport: on file; DL: DL-A27342-42.", "DL-A27342-42"),
    # dashed state formats
    ("Florida DL D123-4567-8901", "D123-4567-8901"),
    ("driver's license: A123-456-78-901-0", "A123-456-78-901-0"),
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
    # software and product licences, and licence-less shapes
    "License: MIT",
    "License: GPL-3.0",
    "Software License: AB123456",
    "License key: AB12-CD34-EF56",
    "Product License: XK-449120",
    Case("Package,License\nacme-lib,BSD-3\n", name="deps.csv"),
    "Record shows D123-4567-8901.",  # no context
    "DL-380 Gen10 model",  # a server model
    "see DL-2024 for the schedule",  # a short DL- reference: four digits
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)
