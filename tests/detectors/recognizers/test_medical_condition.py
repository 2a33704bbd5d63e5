import pytest
from tests.detectors.recognizers.table import table_tests

ENTITY = E = "MEDICAL_CONDITION"

MUST_MATCH = [
    # strong terms, any casing, plural forms
    ("Diagnosed with type 2 diabetes mellitus in 2019.", "type 2 diabetes mellitus"),
    ("HYPERTENSION", "HYPERTENSION"),
    ("He gets migraines twice a month.", "migraines"),
    ("Atrial Fibrillation, on anticoagulation", "Atrial Fibrillation"),
    ("rheumatoid arthritis", "rheumatoid arthritis"),
    ("Chronic Obstructive Pulmonary Disease", "Chronic Obstructive Pulmonary Disease"),
    ("known Crohn's disease", "Crohn's disease"),
    ("non-Hodgkin lymphoma", "non-Hodgkin lymphoma"),
    ("Osteoarthritis of the knee", "Osteoarthritis of the knee"),
    ("asthma/COPD overlap", ["asthma", "COPD"]),
    ("COVID-19 positive", "COVID-19"),
    ("generalized anxiety disorder", "generalized anxiety disorder"),
    # a multi-word term across a line break (wrapped text)
    ("history of congestive heart\nfailure and gout", ["congestive heart\nfailure", "gout"]),
    ("noted chronic kidney\n    disease stage 3", "chronic kidney\n    disease"),
    # ambiguous words, with clinical context
    ("Patient reports depression and poor sleep.", "depression"),
    ("History of stroke in 2021.", "stroke"),
    ("Chief complaint: cold and cough for 3 days", ["cold", "cough"]),
    ("h/o headaches", "headaches"),
    ("Patient reports chills and a cough.", ["chills", "cough"]),
    ("Dx: seizures, on levetiracetam", "seizures"),
]

MUST_NOT_MATCH = [
    "The market entered a depression in 2009.",
    "It was a stroke of luck that the backup finished.",
    "Cold start takes 30 seconds after the reboot.",
    "Run the virus scan nightly.",
    "The lead engineer will discharge the capacitor.",
    "This migration is a real headache.",
    "Shock absorbers were replaced on the forklift.",
    "a constant fever pitch of activity",
    "The seizure of assets was ordered by the court.",
    "scolding the diabetesx team",  # no word boundary
    "Heart attack! The invoice total doubled.",
    "Cancer is the zodiac sign of people born in July.",
    "Graph the fracture toughness of the alloy.",
    "deletions, compression, conversion and relocation of records",
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)


def test_ambiguous_word_counts_under_a_clinical_header(found):
    assert found("Depression", E, context=("visit_reason",)) == ["Depression"]
    assert found("Depression", E, context=("Diagnosis",)) == ["Depression"]
    assert found("Depression", E, context=("economic_period",)) == []


def test_ambiguous_word_near_a_strong_term(found):
    text = "Problem list:\n1. Hypertension\n2. Gout\n3. Depression"
    assert found(text, E) == ["Hypertension", "Gout", "Depression"]


def test_term_inside_a_longer_term_is_reported_once(found):
    assert found("Type 2 diabetes mellitus", E) == ["Type 2 diabetes mellitus"]


def test_paragraph_break_splits_terms(found):
    # "heart" ends one paragraph and "failure" starts the next: not a term.
    assert found("congestive heart\n\nfailure to launch", E) == []
