import pytest
from tests.detectors.recognizers.table import table_tests

ENTITY = "US_ITIN"

MUST_MATCH = [
    ("ITIN 912-70-1234", "912-70-1234"),
    ("itin: 912701234", "912701234"),
    ("900-50-1234", "900-50-1234"),
    ("Tax ID: 988-85-8983", "988-85-8983"),
    ("TIN 999-99-1234", "999-99-1234"),
    ("individual taxpayer number 931 65 4321", "931 65 4321"),
    ('{"itin": "912-78-1234"}', "912-78-1234"),
    ("W-7 approved, ITIN 970-88-0001.", "970-88-0001"),
    ("filer 991-94-2222 (ITIN)", "991-94-2222"),
    ("taxid=912901234", "912901234"),
]
MUST_NOT_MATCH = [
    "912-34-5678",  # group 34 is no ITIN group
    "ITIN 812-70-1234",  # area must be 9xx
    "order 912701234",  # bare without context
    "912-93-1234",  # group 93
    "ITIN 912-70-12345",
    "ITIN 912-69-1234",  # group 69
    # under its own SSN label the number is the SSN the field holds
    "SSN: 982-85-8983",
    "ssn=934-50-6326",
    "Patient X, SSN 993-99-8608, phone",
    '{"ssn": "912-70-1234"}',
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)


@pytest.mark.parametrize("text,value", [("SSN: 982-85-8983", "982-85-8983"), ("ssn=934-50-6326", "934-50-6326"),
                                        ('{"ssn": "912-70-1234"}', "912-70-1234")])
def test_itin_under_an_ssn_label_is_reported_as_ssn(found, text, value):
    assert found(text, "US_SSN") == [value]
