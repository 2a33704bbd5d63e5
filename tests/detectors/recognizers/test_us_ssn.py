import pytest
from tests.detectors.recognizers.table import table_tests

ENTITY = "US_SSN"

MUST_MATCH = [
    ("SSN: 234-56-7890", "234-56-7890"),
    ("social security number 234 56 7890 on file", "234 56 7890"),
    ("ssn=345678901", "345678901"),
    ("Social Security: 456789012", "456789012"),
    ("SSN\n567-89-0123", "567-89-0123"),
    ("SSN:\n456789013", "456789013"),
    ("Employee 001-01-0001 started", "001-01-0001"),
    ("tax_id: 665432109", "665432109"),
    ("His SSN (712-34-5678) was on the form.", "712-34-5678"),
    # issue 22: the forms people type
    ("SSN 234 56 7890", "234 56 7890"),
    ("SSN 234.56.7890", "234.56.7890"),
    ("SSN#234567890", "234567890"),
    ("ss# 234-56-7890", "234-56-7890"),
    # each field of a record line is its own context
    ('{"order_id": 77, "ssn": "345678901"}', "345678901"),
    ("Name: Jo Lee - Phone: +1 (212) 555-0147 - SSN: 462-45-5016", "462-45-5016"),
    ("https://x.example/p?name=Jo&ssn=506392048&phone=1", "506392048"),
    # area 9xx outside the ITIN groups: only under its own SSN label
    ("SSN: 912-34-5678", "912-34-5678"),
    ("Patient Carol Miller, SSN 941-14-6005, Phone", "941-14-6005"),
    ("ID: 473-23-4073. Address: 1 Main St", "473-23-4073"),
    # an XML leaf element is the value's own label
    ('<patient name="N C">\n    <ssn>939-39-9039</ssn>', "939-39-9039"),
    # a SQL INSERT column labels its values
    ("INSERT INTO patients (name, ssn, phone) VALUES ('T N', '923-55-2948', '+1 (694) 201-2754');", "923-55-2948"),
    # an answer is labelled by its question
    ("Q: And your Social Security Number, for the record?\nA: 911-68-6129.", "911-68-6129"),
    ("Q: What is your SSN? A: 912-34-5678", "912-34-5678"),
    # area 666, like 9xx, under its own label
    ("Contract between M. Leroy (SSN: 666-16-7787) and Stark Industries.", "666-16-7787"),
    ("Número de Seguro Social: 976-76-4576.", "976-76-4576"),
    # OCR: a letter or two read for digits, under an SSN label
    ("Scanned document: Patient B. Allen, SSN 442-l5-7888, Phone", "442-l5-7888"),
    ("SSN: 8Sl-27-4668", "8Sl-27-4668"),
    # "invalid" about something else does not disown the SSN label
    ("Invalid address; SSN 942-47-5965 on file", "942-47-5965"),
]

MUST_NOT_MATCH = [
    "Order #345678901 shipped",  # bare 9 digits, no context
    "000-12-3456",  # area 000
    "666-12-3456",  # area 666
    "912-34-5678",  # area 9xx
    "Invalid SSNs: 000-12-3456, 912-34-5678",  # 9xx without its own label
    "Tax ID: 988-85-8983",  # an ITIN (its groups), not labelled SSN
    "SSN 123-00-4567",  # group 00
    "SSN 123-45-0000",  # serial 0000
    "SSN 078-05-1120",  # the Woolworth wallet card
    "SSN 123-45-6789",  # the textbook sample
    "SSN 123 45 6789",
    "phone 212-555-0147",  # a phone number
    "ISBN 978-3-16-148410-0",
    "id 1234-56-7890",  # too many digits in the area
    "SSN 234-56-78901",  # too many digits
    "234-56-7890-12",  # part of a longer code
    "ssn 23456789",  # 8 digits
    "ssn 2345678901",  # 10 digits
    "ssn=1\nitems/903146707",  # context on the line above is not context
    # issue 22: an "ssn" key elsewhere on the NDJSON line is not this value's context
    '{"ssn": "234-56-7890x", "order_id": 345678901}',
    '{"order_id": 345678901, "ssn": null}',
    "ssn=null order=345678901",
    # "Social" alone: a Canadian Social Insurance Number is not a US SSN
    "Social: 046454286",
    "Social Insurance Number: 046-454-286",
    "SIN 234-56-7890",
    # labelled as an id
    '{"order_id": "234-56-7890"}',
    "version 234.56.7890",
    "ref 442-l5-7888 ok",  # a misread number needs its SSN label
    "SSN: ABC-DE-FGHI",
    "SSN: 4B8-7l-3S3O",  # more letters than an OCR slip
    "<order_id>345678901</order_id><ssn>234-56-7890x</ssn>",  # each XML element its own label
    "<td>SSN</td><td>912-34-5678</td>",  # an HTML cell is no label
    "Q: Your order number?\nA: 912-34-5678",
    "Plan A: 666-12-3456",
    # a label that disowns its number vouches for nothing
    "Invalid SSN 666-12-9999 should be ignored.",
    "fake_ssn=912-34-5678",
    '{"sample_ssn": "942-47-5965"}',
    "Example SSN: 912-34-5678",
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)


def test_bare_ssn_with_header_context(found):
    assert found("456789012", "US_SSN", context=("Customer_SSN",)) == ["456789012"]
    assert found("456789012", "US_SSN", context=("order_id",)) == []
    assert found("234-56-7890", "US_SSN", context=("order_id",)) == []


# det-real (issue 22): the headers SSN columns go by in client spreadsheets
# and reports; '#' is a word of its own in a header ("SS#" is "SS no").
SSN_HEADERS = ["SS#", "SS #", "Emp SS#", "S.S.N.", "SSNum", "SocialSecurity", "SOC SEC NO", "Soc. Sec. #",
               "SSN/TIN", "SS Nbr"]
NOT_SSN_HEADERS = ["#", "Order #", "Badge", "Invoice No", "SIN #"]


@pytest.mark.parametrize("header", SSN_HEADERS)
def test_bare_ssn_under_ssn_header(found, header):
    assert found("456789012", "US_SSN", context=(header,)) == ["456789012"]


@pytest.mark.parametrize("header", NOT_SSN_HEADERS)
def test_bare_number_under_other_header(found, header):
    assert found("456789012", "US_SSN", context=(header,)) == []


def test_ssn_after_dotted_label(found):
    assert found("S.S.N. 456789012", "US_SSN") == ["456789012"]
