import pytest

E = "MEDICAL_PROCEDURE"

MUST_MATCH = [
    ("Colonoscopy in 2022 was normal.", "Colonoscopy"),
    ("s/p appendectomy", "appendectomy"),
    ("scheduled for a total knee replacement", "total knee replacement"),
    ("laparoscopic cholecystectomy", "laparoscopic cholecystectomy"),
    ("two BIOPSIES were taken", "BIOPSIES"),
    ("echocardiogram showed EF 55%", "echocardiogram"),
    ("physical therapy twice weekly", "physical therapy"),
    ("underwent cardiac\ncatheterization", "cardiac\ncatheterization"),
    ("tonsillectomies in children", "tonsillectomies"),
    ("flu shot given", "flu shot"),
]

MUST_NOT_MATCH = [
    "Mapping the compression settings before the relocation.",
    "Packing list and casting schedule",
    "the database isolation level",
    "Geography and photography classes",
    "bypass the proxy",
    "a shot in the arm for the team",
]


@pytest.mark.parametrize("text,value", MUST_MATCH)
def test_procedure_found(found, text, value):
    assert found(text, E) == [value]


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_procedure_not_found(found, text):
    assert found(text, E) == []
