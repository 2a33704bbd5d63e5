import datetime as dt

import pytest

from detectors.recognizers.date_of_birth import iso_date, plausible_birth_date
from scanner import privacy

MUST_MATCH = [
    ("DOB: 03/12/1985", "03/12/1985"),
    ("Date of birth (MM/DD/YYYY): 3/12/1985", "3/12/1985"),
    ("born on 12 March 1985 in Leeds", "12 March 1985"),
    ("Geb. 12.03.1985, Berlin", "12.03.1985"),
    ("né le 12 mars 1985 à Lyon", "12 mars 1985"),
    ('{"id": 7, "birthDate": "1985-03-12", "created": "2023-01-04"}', "1985-03-12"),
    ("Patient DOB 01/02/1980, visit 03/04/2023", "01/02/1980"),
    ("12/03/1985 (DOB)", "12/03/1985"),
    ("Birthday: March 12, 1985", "March 12, 1985"),
    ("D.O.B. 12-Mar-1985", "12-Mar-1985"),
    ("dob=1971/11/30 plan=gold", "1971/11/30"),
    ("Fecha de nacimiento: 30/11/71", "30/11/71"),
    ("Employee was born 4th July 1969.", "4th July 1969"),
]

MUST_NOT_MATCH = [
    "Invoice date 03/12/1985",  # a date, but no birth label
    "DOB: 03/12/2085",  # in the future
    "DOB: 13/13/1985",  # no such date
    "DOB: 02/30/1985",  # no 30 February
    "DOB: 01/01/1880",  # older than 120 years
    "Patient DOB 01/02/1980, visit 03/04/2023 follow-up 05/06/2023",  # only the first is the DOB (asserted below)
    "born 2019 in the cloud, version 1.2.1985",  # a version number
    "Order 2023-01-04 shipped; birthday promo",  # birth word after other numbers
    "last login 1985-03-12T10:00:00",  # no label
    "DOB: 19850312",  # compact form needs a birth column
    "dob field 12345678",
]


@pytest.mark.parametrize("text,value", MUST_MATCH)
def test_dob_found(found, text, value):
    assert found(text, "DATE_OF_BIRTH") == [value]


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_dob_not_found(found, text):
    got = found(text, "DATE_OF_BIRTH")
    assert got == [] or (text.startswith("Patient") and got == ["01/02/1980"])


def test_birth_columns(engine):
    from scanner.extractors.delimited import DelimitedLayout
    from scanner.model import Segment

    text = "name,BirthDate,hired,dob_compact\nA,1985-03-12,2020-05-01,19850312\nB,7/4/1969,2021-02-03,x\n"
    layout = DelimitedLayout(("name", "BirthDate", "hired", "dob_compact"), ",")
    got = [text[r.start:r.end] for r in engine.detect(Segment(text, layout=layout))
           if r.entity_type == "DATE_OF_BIRTH"]
    assert got == ["1985-03-12", "19850312", "7/4/1969"]
    # A SQL column named dob: the segment's context.
    text = "Name|D.O.B.|Visit\nA|08/20/1981|09/01/2024\n"  # a dotted header is the words "d o b"
    got = [text[r.start:r.end] for r in engine.detect(Segment(text, layout=DelimitedLayout(("Name", "D.O.B.", "Visit"), "|")))
           if r.entity_type == "DATE_OF_BIRTH"]
    assert got == ["08/20/1981"]
    got = [r.entity_type for r in engine.detect(Segment("1985-03-12\n1990-01-31\n", context=("dob",)))]
    assert got == ["DATE_OF_BIRTH", "DATE_OF_BIRTH"]


def test_one_date_written_two_ways_is_one_hash():
    assert iso_date("03/12/1985") == iso_date("1985-03-12") == iso_date("March 12, 1985") == "1985-03-12"
    assert iso_date("12.03.1985") == "1985-03-12"  # dotted: day first
    assert iso_date("25/12/1985") == "1985-12-25"  # first number over 12: day first
    assert privacy.value_hash("DATE_OF_BIRTH", "3/12/1985") == privacy.value_hash("DATE_OF_BIRTH", "1985-03-12")


def test_mask_keeps_only_the_year():
    assert privacy.mask("DATE_OF_BIRTH", "03/12/1985") == "**/**/1985"
    assert privacy.mask("DATE_OF_BIRTH", "March 12, 1985") == "***** **, 1985"
    assert privacy.mask("DATE_OF_BIRTH", "30/11/71") == "**/**/**"


def test_plausible_age():
    today = dt.date(2026, 1, 1)
    assert plausible_birth_date("2025-12-31", today) and plausible_birth_date("1906-01-01", today)
    assert not plausible_birth_date("2026-01-02", today) and not plausible_birth_date("1905-12-31", today)
