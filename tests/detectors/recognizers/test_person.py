"""PERSON without NER: fields and columns named for people (person.py)."""

from detectors.recognizers.person import looks_like_name
from scanner import privacy
from scanner.extractors.delimited import DelimitedLayout
from scanner.model import Segment
from tests.detectors.recognizers.table import Case, table_tests

ENTITY = "PERSON"
RECOGNIZER = "PersonFieldRecognizer"  # "Name: ..." fields; the column cases name PersonColumnRecognizer
COLUMN = "PersonColumnRecognizer"


def _csv(text: str, value=None, why: str = "") -> Case:
    """A table file: the header row, then cells."""
    return Case(text, value, recognizer=COLUMN, name="people.tsv" if "\t" in text else "people.csv", why=why)


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
    # columns named for people, in CSV/TSV files
    _csv("Employee,Dept\nMaria Gonzalez,Sales\n", "Maria Gonzalez"),
    _csv("Patient Name;Ward\nSMITH, JOHN;4B\n", "SMITH, JOHN"),
    _csv("first_name,last_name,email\nLi,Wei,lwei@example.org\n", "Li,Wei", why="first and last cells: one name"),
    _csv("Full Name\tCity\nAna de la Cruz\tMadrid\n", "Ana de la Cruz"),
    _csv("Customer,Amount\nJane Doe,3.50\n", "Jane Doe"),
    _csv("Contact Name|Ext\nTom McAllister|4471\n", "Tom McAllister"),
    _csv('"Name","Notes"\n"Chen, Robert","called back"\n', "Chen, Robert"),
    _csv("Manager,Shift\nDr. Aisha Khan,night\n", "Dr. Aisha Khan"),
    _csv("Surname,Order\nNguyen,77\n", "Nguyen", why="a single word under a last-name column"),
    _csv("Employee Name,Hours\nJosé Álvarez,40\n", "José Álvarez"),
    _csv("Beneficiary,Share\nMary-Jane O'Brien,50%\n", "Mary-Jane O'Brien"),
    # det-real (issue 22): titles, the next key, surnames that are words or particles
    Case("Dear Ms. Lee,\n\nThank you for your letter", "Ms. Lee", why="the title is kept"),
    ("Dear Dr. Okafor:\n", "Dr. Okafor"),
    Case("Attending: none\nName: Dr. Khan\n", "Dr. Khan", why="one word after a title"),
    Case("March 3, 2026\n\nMr. Eric D. Branch\n14 Elm St\nDover, DE 19901\n", "Mr. Eric D. Branch",
         why="a title line above an address"),
    Case("Ms. Priya Raman\nAccounts Payable\n", "Ms. Priya Raman", why="a title line"),
    Case("Name: Eric D. Branch  Phone: 302-555-0147", "Eric D. Branch", why="two blanks, then the next key"),
    Case("Name: Eric D. Branch Phone: 302-555-0147", "Eric D. Branch", why="one blank, then the next key"),
    Case("Name: Eric Branch Home Phone: 302-555-0147", "Eric Branch", why="a two-word next key"),
    Case("Name: Megan Church", "Megan Church", why="a surname that is a word"),
    ("Employee: Paul Guest", "Paul Guest"),
    ("Patient: Church, Megan", "Church, Megan"),
    Case("Employee: Minh Du", "Minh Du", why="a particle as the surname"),
    _csv("Name,Dept\nTuan Le,Sales\n", "Tuan Le", why="a particle as the surname"),
    _csv("Employee,Branch\nEric D. Branch,North\n", "Eric D. Branch", why="Branch in the surname's place"),
    _csv("Cardholder,Amount\nShirley Temple,12.00\n", "Shirley Temple"),
    # det-real (issue 22): names in letters and notes, found without NER.
    ("February 12, 2026\nDear Lori Morrison,\nThank you for", "Lori Morrison"),
    ("Dear Ms. Anderson:\n\nWe write", "Ms. Anderson"),
    ("Dear John,\r\nThanks for", "John"),
    ("Dear José Núñez,\n", "José Núñez"),
    ("Sincerely,\nLynn Johnson\n", "Lynn Johnson"),
    ("Kind regards,\n\n  Mary-Jane O'Brien\r\n", "Mary-Jane O'Brien"),
    ("Susan Lane (patient Alison Fernandez) called about the invoice.", "Alison Fernandez"),
    ("Shelly Hughes (name John Andrews) called", "John Andrews"),
    ("Patient: Alexandria Wright Each effect area several whether", "Alexandria Wright"),
    ("Employee: Brandy V. Edwards Marriage strong everybody", "Brandy V. Edwards"),
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
    _csv("Company Name\tCity\nBennett Cain\tLeeds\n", why="a company column"),
    _csv("Server Name,IP\nMain Hall,10.0.0.1\n", why="a server column"),
    _csv("Customer,Amount\nMadonna,12.00\n", why="one word, no first/last column"),
    _csv("Employee,Dept\nN/A,Sales\n", why="a placeholder"),
    _csv("Customer,Amount\nAcme Corp,5.00\n", why="a company"),
    _csv("Product Name,Price\nWidget Pro,9.99\n", why="a product column"),
    _csv("Employee,Hours\n000123,40\n", why="an employee number"),
    _csv("Name,Value\nTest User,1\n", why="a test account"),
    _csv("File Name,Size\nQuarterly Report,12\n", why="a file column"),
    _csv("Notes,Ticket\nCalled Robert Chen,4\n", why="a name inside a notes cell: NER's job"),
    _csv("Username,Dept\nmgonzalez,Sales\n", why="a user name"),
    Case("Name,Status\nPending Review,open\n", recognizer=COLUMN, name="people.csv", why="status words, not a name"),
    _csv("Customer,Amount\nAwaiting Approval,3.00\n", why="a workflow state"),
    "Assigned to: Awaiting Approval",
    "Name: Pending Review",
    "Employee: Under Review",
    _csv("Name,Qty\nMain Branch,4\nCity Hall,2\nFirst Church,1\n", why="places, not surnames"),
    "Name: Guest User",
    "Name: North Branch",
    "Name: Ludwig van",  # a particle alone after one word: no surname
    "Mr. Clean Services\n",  # a title line of a company
    "Dr. Check Required\n",
    # det-real (issue 22): salutations and sign-offs that name nobody.
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


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY, RECOGNIZER)


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
