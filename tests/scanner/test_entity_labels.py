"""Plain-English entity names: one table, a readable guess for the rest."""

from __future__ import annotations

import pytest

from scanner import entity_labels as el


@pytest.mark.parametrize("code, name, plural, sensitivity", [
    ("US_SSN", "Social Security number", "Social Security numbers", "high"),
    ("CREDIT_CARD", "Payment card number", "payment card numbers", "high"),
    ("MEDICAL_CONDITION", "Medical condition term", "medical condition terms", "high"),
    ("EMAIL_ADDRESS", "E-mail address", "e-mail addresses", "low"),
    ("ABA_ROUTING_NUMBER", "Bank routing number", "bank routing numbers", "low"),
    ("DATE_OF_BIRTH", "Date of birth", "dates of birth", "medium"),
    ("US_ADDRESS", "Street address", "street addresses", "medium"),
    ("PERSON", "Person's name", "people's names", "medium"),
    ("UK_NINO", "UK National Insurance number", "UK National Insurance numbers", "high"),
    ("CA_SIN", "Canadian Social Insurance Number", "Canadian Social Insurance Numbers", "high"),
    ("NL_BSN", "Dutch citizen service number (BSN)", "Dutch citizen service numbers (BSN)", "high"),
    ("CREDENTIAL", "Password or access key", "passwords and access keys", "high"),
    ("TEST_CARD", "Published test card number", "published test card numbers", "none"),
])
def test_known_codes(code, name, plural, sensitivity):
    assert el.name(code) == name
    assert el.plural(code) == plural
    assert el.sensitivity(code) == sensitivity
    assert el.info(code).known


@pytest.mark.parametrize("code, name, sensitivity, kind", [
    ("EMPLOYEE_ID", "Employee ID", "medium", "other"),  # a custom rule
    ("HR_PERSONAL_ID", "Croatian personal ID", "high", "government_id"),  # a country we have no row for
    ("SK_RC", "Slovak RC", "high", "government_id"),
    ("ACME_CUSTOMER_NUMBER", "Acme customer number", "medium", "other"),
    ("", "Unnamed entity type", "medium", "other"),
])
def test_unknown_codes_get_a_readable_name(code, name, sensitivity, kind):
    info = el.info(code)
    assert el.name(code) == name
    assert (info.sensitivity, info.kind, info.known) == (sensitivity, kind, False)


def test_counts_read_as_english():
    assert el.info("US_SSN").count(1) == "1 Social Security number"
    assert el.info("US_SSN").count(4120) == "4,120 Social Security numbers"
    assert el.info("EMAIL_ADDRESS").count(2) == "2 e-mail addresses"


def test_every_entity_piiscout_detects_has_a_name():
    from scanner.entity_names import own_entities

    missing = [c for c in own_entities() if not el.info(c).known]
    assert not missing, f"add these to scanner/entity_labels.py: {missing}"
