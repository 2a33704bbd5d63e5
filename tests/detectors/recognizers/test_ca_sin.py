import pytest
from tests.detectors.recognizers.table import table_tests

ENTITY = "CA_SIN"

MUST_MATCH = [
    ("SIN: 130 692 544", "130 692 544"),
    ("Social Insurance Number 626-018-154", "626-018-154"),
    ("sin=183016617", "183016617"),
    ("Employee SIN #418 609 137 on file", "418 609 137"),
    ("Numéro d'assurance sociale : 199 603 085", "199 603 085"),
    ("S.I.N. 346281942", "346281942"),
    ("SIN\n319-935-185", "319-935-185"),
    ('{"name": "x", "sin": "290937861"}', "290937861"),
    ("T4 slip, social insurance no. 679 754 325, box 14", "679 754 325"),
    ("temporary resident SIN 943 215 608", "943 215 608"),  # 9xx: temporary residents
    ("SIN 591186259.", "591186259"),
    ("mon NAS: 258 933 688", "258 933 688"),
]

MUST_NOT_MATCH = [
    "SIN: 046 454 286",  # the sample card number: starts with 0
    "SIN: 846 454 280",  # 8 is not a SIN prefix
    "SIN 130 692 545",  # Luhn fails
    "order 130 692 544 shipped",  # no context: 0.45, under the threshold
    "130692544",  # bare, no context
    "SIN 130 692 5440",  # too long
    "SIN 130-692 544",  # mixed separators
    "sin(0.5) = 479425538",  # a sine, Luhn fails anyway
    "SIN 13 069 2544",  # not 3-3-3
    "ticket #130692544 closed",  # a Luhn-valid ticket number
    "SIN 1306925441",  # ten digits
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)


def test_sin_column_header(found):
    assert found("130692544", "CA_SIN", context=("Employee_SIN",)) == ["130692544"]
    assert found("130692544", "CA_SIN", context=("order_no",)) == []
