"""PERSON without NER: fields and columns named for people (person.py)."""

import pytest

from detectors.recognizers.person import looks_like_name
from scanner import privacy
from scanner.extractors.delimited import DelimitedLayout
from scanner.model import Segment

MUST_MATCH = [
    ("Name: Maria Gonzalez", "Maria Gonzalez"),
    ('{"id": 4, "name": "Chen, Robert", "email": "r@x.org"}', "Chen, Robert"),
    ("<PatientName>SMITH, JOHN</PatientName>", "SMITH, JOHN"),
    ("first_name=Maria", "Maria"),
    ("Employee: John A. Smith   Department: Sales", "John A. Smith"),
    ("Patient: Mary-Jane O'Brien", "Mary-Jane O'Brien"),
    ("full_name: 'Lucas van der Berg'", "Lucas van der Berg"),
    ("Cardholder: Dr. Aisha Khan", "Dr. Aisha Khan"),
    ("emergency_contact = Tom McAllister", "Tom McAllister"),
    ("  surname: Nguyen", "Nguyen"),
    ("Customer Name: José Álvarez", "José Álvarez"),
]

MUST_NOT_MATCH = [
    '"name": "Production Server"',  # things, not people
    "name: nginx",
    "Customer Name: Acme Corp",  # a company
    "Client Name: Bennett Holdings LLC",
    "Name: N/A",
    "Name: Unknown",
    "name: John2 Smith",  # digits
    "The name of the game is Rocket League",  # prose: that is NER's job
    "Employee: 000123",
    "Patient: see chart",
    "first_name=",
    "Name: SMITH John",  # mixed capitals: a code, not a name
]


@pytest.mark.parametrize("text,value", MUST_MATCH)
def test_person_field_found(found, text, value):
    assert found(text, "PERSON") == [value]


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_person_field_not_found(found, text):
    assert found(text, "PERSON") == []


def _cells(engine, text, headers, delimiter=","):
    seg = Segment(text, layout=DelimitedLayout(headers, delimiter))
    return [text[r.start:r.end] for r in engine.detect(seg) if r.entity_type == "PERSON"]


def test_person_columns(engine):
    headers = ("Employee", "Company", "First Name", "Last Name", "Username", "Notes")
    text = ("Employee,Company,First Name,Last Name,Username,Notes\n"
            "Maria Gonzalez,Acme Corp,Maria,Gonzalez,mgonzalez,Called Robert Chen\n"
            "N/A,Globex,Li,Wei,lwei,\n"
            '"Chen, Robert",Initech,Robert,Chen,rchen,\n')
    # A first-name cell and the last-name cell after it are one name.
    assert _cells(engine, text, headers) == ["Maria Gonzalez", "Maria,Gonzalez", "Li,Wei", "Chen, Robert",
                                             "Robert,Chen"]
    assert privacy.value_hash("PERSON", "Maria,Gonzalez") == privacy.value_hash("PERSON", "Maria Gonzalez")


def test_single_words_need_a_first_or_last_name_column(engine):
    text = "Customer,Amount\nMadonna,12.00\nJane Doe,3.50\n"
    assert _cells(engine, text, ("Customer", "Amount")) == ["Jane Doe"]


def test_denied_headers_and_sql_columns(engine):
    assert _cells(engine, "Company Name\nBennett Cain\n", ("Company Name",), "\t") == []
    assert _cells(engine, "Server Name\nMain Hall\n", ("Server Name",), "\t") == []
    got = engine.detect(Segment("Maria Gonzalez\nRobert Chen\nN/A\n", context=("patient_name",)))
    assert [r.entity_type for r in got] == ["PERSON", "PERSON"]


def test_name_normalisation_reads_last_first():
    assert privacy.value_hash("PERSON", "Smith, John A.") == privacy.value_hash("PERSON", "John A Smith")
    assert privacy.mask("PERSON", "Maria Gonzalez") == "M**** G*******"


def test_looks_like_name():
    assert looks_like_name("Ana de la Cruz") and looks_like_name("O'Neil, Pat")
    assert not looks_like_name("Maria") and looks_like_name("Maria", single_ok=True)
    assert not looks_like_name("Main Office") and not looks_like_name("Test User")


# det-real (issue 22): names in letters and notes, found without NER.
LETTER_MATCH = [
    ("February 12, 2026\nDear Lori Morrison,\nThank you for", "Lori Morrison"),
    ("Dear Ms. Anderson:\n\nWe write", "Anderson"),
    ("Dear John,\r\nThanks for", "John"),
    ("Dear José Núñez,\n", "José Núñez"),
    ("Sincerely,\nLynn Johnson\n", "Lynn Johnson"),
    ("Kind regards,\n\n  Mary-Jane O'Brien\r\n", "Mary-Jane O'Brien"),
    ("Susan Lane (patient Alison Fernandez) called about the invoice.", "Alison Fernandez"),
    ("Shelly Hughes (name John Andrews) called", "John Andrews"),
    ("Patient: Alexandria Wright Each effect area several whether", "Alexandria Wright"),
    ("Employee: Brandy V. Edwards Marriage strong everybody", "Brandy V. Edwards"),
]
LETTER_NOT_MATCH = [
    "Dear Customer,\n",
    "Dear Hiring Manager,\n",
    "Dear Sir or Madam,\n",
    "Dear Valued Member,\n",
    "Dear All,\n",
    "my dear John Smith said hello",  # not a salutation
    "Regards,\n\nThe Payroll Team\n",
    "Best,\nMarketing\n",  # one word: not a signature
    "Thanks,\nAcme Corp\n",
    "(see attached Form W2)",
    "Sincerely,\nLynn Johnson and the team at Acme\n",  # not a name line
]


@pytest.mark.parametrize("text,value", LETTER_MATCH)
def test_person_in_letters_found(found, text, value):
    assert found(text, "PERSON") == [value]


@pytest.mark.parametrize("text", LETTER_NOT_MATCH)
def test_person_in_letters_not_found(found, text):
    assert found(text, "PERSON") == []
