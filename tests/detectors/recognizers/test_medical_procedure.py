import pytest
from tests.detectors.recognizers.table import table_tests

ENTITY = E = "MEDICAL_PROCEDURE"

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
    ("Post-op day 2 after hysterectomy", "hysterectomy"),
    ("Procedure: hip replacement", "hip replacement"),
]

MUST_NOT_MATCH = [
    "Mapping the compression settings before the relocation.",
    "Packing list and casting schedule",
    "the database isolation level",
    "Geography and photography classes",
    "bypass the proxy",
    "a shot in the arm for the team",
    "The surgery team shipped release 4.2.",
    "Apply the patch and restart the service.",
    "Run a scan of the network before the audit.",
    "The transplant of the data centre to Dublin went well.",
    "We need an injection of cash this quarter.",
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)
