import pytest
from tests.detectors.recognizers.table import table_tests

ENTITY = E = "ICD10_CODE"

MUST_MATCH = [
    ("ICD-10: E11.9", "E11.9"),
    ("Dx: I10", "I10"),
    ("diagnosis code F32.9", "F32.9"),
    ("dx E119", "E119"),
    ("ICD10 S72.001A", "S72.001A"),
    ("I10 Essential hypertension", "I10"),  # a condition beside it
    ("E78.5 - Hyperlipidemia", "E78.5"),
    ("Diagnoses:\nJ45.909", "J45.909"),  # a label alone on the line above
    ("U07.1 COVID-19", "U07.1"),
    ("ICD-10-CM code M54.5 (low back pain)", "M54.5"),
    ("Diagnosis: Z00.00", "Z00.00"),
]

MUST_NOT_MATCH = [
    "E11.9",  # bare: no context
    "I10 motorway closed at junction 4",
    "Upgrade to v10.2 tonight",
    "A01.1 build failed",
    "diagnosis: version V10.2",  # external-cause chapter, and a version
    "ICD: E11.99",  # not a code
    "ICD: Q99.99",  # not a code
    "dx: 1E11.9",  # glued to a digit
    "paper size A4, ICD forms",
    "ICD-10 E11.9.3",  # part of a longer dotted string
    "route I10 then exit 12",
    "Room C12 is on floor 2",  # a room number
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)


def test_icd10_code_under_a_header(found):
    assert found("E11.9", E, context=("dx_code",)) == ["E11.9"]
    assert found("I10", E, context=("ICD10",)) == ["I10"]
    assert found("E11.9", E, context=("part_no",)) == []


def test_icd10_masked_completely():
    from scanner import privacy

    from detectors.catalog import recognizer_classes

    recognizer_classes()
    assert privacy.mask("ICD10_CODE", "E11.9") == "*****"
    assert privacy.normalise("ICD10_CODE", "e11.9") == "E119"
