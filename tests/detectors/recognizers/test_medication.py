import pytest
from tests.detectors.recognizers.table import table_tests

ENTITY = E = "MEDICATION"

MUST_MATCH = [
    ("Metformin 500 mg twice daily", "Metformin"),
    ("started LISINOPRIL 10mg", "LISINOPRIL"),
    ("Lipitor 20 mg", "Lipitor"),
    ("takes atorvastatin at night", "atorvastatin"),
    ("insulin glargine 20 units", "insulin glargine"),
    ("Rx: amoxicillin 875 mg BID", "amoxicillin"),
    ("on warfarin since March", "warfarin"),
    ("sertraline (Zoloft) 50 mg", ["sertraline", "Zoloft"]),
    ("albuterol inhaler PRN", "albuterol"),
    ("Levothyroxine", "Levothyroxine"),
    ("prescribed ibuprofen for the pain", "ibuprofen"),
    # ambiguous names need clinical context
    ("Prescribed: Alli 60 mg with meals", "Alli"),
]

MUST_NOT_MATCH = [
    "Alli will send the slides tomorrow.",
    "We need more cold storage.",
    "Ensure the backup ran; focus on the prime server.",
    "Lithium batteries must be recycled.",
    "Iron and copper prices rose.",
    "Total: 420.00",
    "Ensure the pipeline is green before merging.",
    "Carbon and Lithium prices are up.",
    "Penny booked the Oxygen festival.",
    "Order 40 mg of copper wire.",
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)


def test_brand_and_generic_both_found(found):
    assert found("sertraline (Zoloft) 50 mg", E) == ["sertraline", "Zoloft"]
