import datetime as dt

import pytest

from detectors.recognizers.date_of_birth import iso_date, plausible_birth_date
from scanner import privacy
from tests.detectors.recognizers.table import Case, table_tests

ENTITY = "DATE_OF_BIRTH"
RECOGNIZER = "DateOfBirthRecognizer"  # dates under a birth label or column
COMPACT = "BirthDateColumnRecognizer"  # YYYYMMDD, only under a birth column


def _csv(text: str, value=None, why: str = "", recognizer: str = RECOGNIZER) -> Case:
    return Case(text, value, recognizer=recognizer, name="people.tsv" if "\t" in text else "people.csv", why=why)


def _compact(header: str, cell: str, value=None, why: str = "") -> Case:
    return _csv(f"name,{header},plan\nA,{cell},gold\n", value, why, COMPACT)


MUST_MATCH = [
    ("DOB: 03/12/1985", "03/12/1985"),
    ("Date of birth (MM/DD/YYYY): 3/12/1985", "3/12/1985"),
    ("born on 12 March 1985 in Leeds", "12 March 1985"),
    ("Geb. 12.03.1985, Berlin", "12.03.1985"),
    ("né le 12 mars 1985 à Lyon", "12 mars 1985"),
    ('{"id": 7, "birthDate": "1985-03-12", "created": "2023-01-04"}', "1985-03-12"),
    ("Patient DOB 01/02/1980, visit 03/04/2023", "01/02/1980"),
    ("Patient DOB 01/02/1980, visit 03/04/2023 follow-up 05/06/2023", "01/02/1980"),  # only the first
    ("12/03/1985 (DOB)", "12/03/1985"),
    ("Birthday: March 12, 1985", "March 12, 1985"),
    ("D.O.B. 12-Mar-1985", "12-Mar-1985"),
    ("dob=1971/11/30 plan=gold", "1971/11/30"),
    ("Fecha de nacimiento: 30/11/71", "30/11/71"),
    ("Employee was born 4th July 1969.", "4th July 1969"),
    # birth columns
    _csv("name,BirthDate,hired\nA,1985-03-12,2020-05-01\n", "1985-03-12"),
    _csv("Name|D.O.B.|Visit\nA|08/20/1981|09/01/2024\n", "08/20/1981"),
    _csv("Patient;Geburtsdatum;Station\nA;12.03.1985;4B\n", "12.03.1985"),
    _csv("Employee,Date of Birth,Dept\nJo Lee,7/4/1969,HR\n", "7/4/1969"),
    _csv("id,birthday\n7,March 12 1985\n", "March 12 1985"),
    _csv("member,born\nA,1971-11-30\n", "1971-11-30"),
    _csv("nom,date de naissance\nDupont,30/11/1971\n", "30/11/1971"),
    _csv("id,DOB,created\n1,1990-01-31,2024-05-06\n", "1990-01-31"),
    _csv("Student,Birth Date\nA,2010-09-01\n", "2010-09-01"),
    _csv("emp,fecha_nacimiento\n9,1962-02-28\n", "1962-02-28"),
    # YYYYMMDD under a birth column
    _compact("dob", "19850312", "19850312"),
    _compact("DOB", "19710101", "19710101"),
    _compact("birth_date", "20010911", "20010911"),
    _compact("BirthDate", "19621224", "19621224"),
    _compact("Date of Birth", "19990228", "19990228"),
    _compact("Geburtsdatum", "19770615", "19770615"),
    _compact("date de naissance", "19880704", "19880704"),
    _compact("D.O.B.", "19500317", "19500317"),
    _compact("patient_dob", "20150530", "20150530"),
    _compact("dob_yyyymmdd", "19930812", "19930812"),
    _csv("id\tBirthdate (YYYYMMDD)\n4\t19801010\n", "19801010", recognizer=COMPACT),
]

MUST_NOT_MATCH = [
    "Invoice date 03/12/1985",  # a date, but no birth label
    "DOB: 03/12/2085",  # in the future
    "DOB: 13/13/1985",  # no such date
    "DOB: 02/30/1985",  # no 30 February
    "DOB: 01/01/1880",  # older than 120 years
    "born 2019 in the cloud, version 1.2.1985",  # a version number
    "Order 2023-01-04 shipped; birthday promo",  # birth word after other numbers
    "last login 1985-03-12T10:00:00",  # no label
    "DOB: 19850312",  # compact form needs a birth column
    "dob field 12345678",
    _csv("name,hired\nA,1985-03-12\n", why="a date column, not a birth column"),
    _csv("name,BirthDate\nA,2099-01-01\n", why="in the future"),
    _csv("name,DOB\nA,1985-02-30\n", why="no such date"),
    _csv("name,DOB\nA,N/A\n", why="a placeholder"),
    _csv("name,dob_verified\nA,TRUE\n", why="a flag"),
    _csv("name,Birth Place\nA,Leeds\n", why="a place"),
    _csv("order,created\n19850312,2024-01-01\n", why="an order number shaped like a compact date"),
    _csv("name,DOB\nA,1855-06-01\n", why="older than 120 years"),
    _csv("name,last_login\nA,1985-03-12T10:00:00\n", why="a timestamp"),
    _csv("name,birth_year\nA,1985\n", why="a year alone is no date"),
    _csv("name,DOB\nA,12345678\n", why="not a date"),
    _compact("hired", "19850312", why="a compact date, not under a birth column"),
    _compact("DOB", "19851332", why="no 32nd day of month 13"),
    _compact("DOB", "20991231", why="in the future"),
    _compact("DOB", "18550101", why="older than 120 years"),
    _compact("DOB", "198503121", why="nine digits"),
    _compact("DOB", "00000000", why="zeros"),
    _compact("invoice_date", "20240105", why="an invoice date"),
    _compact("build", "20240105", why="a build number"),
    _compact("order_no", "19850312", why="an order number"),
    _compact("birth_year", "19851985", why="not a date"),
    _csv("ts,value\n19850312,4\n", why="a bare compact number", recognizer=COMPACT),
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY, RECOGNIZER)


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
