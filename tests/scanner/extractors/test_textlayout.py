"""Column headers inside plain text (issue 22): a PostgreSQL COPY header or a
fixed-width report's header line is context for the values under it."""

from __future__ import annotations

import io

import pytest

from detectors.catalog import DetectorSettings, default_entities
from detectors.engine import DetectionEngine
from scanner.extractors.base import Blob, ExtractContext
from scanner.extractors.plaintext import PlainTextExtractor
from scanner.extractors.textlayout import find_tables
from scanner.model import Segment
from scanner.settings import ScanSettings
from scanner.textdecode import segments

DUMP = """\
--
-- PostgreSQL database dump
--
SET client_encoding = 'UTF8';

COPY public.patients (id, first_name, email, phone, ssn, order_no, created) FROM stdin;
1\tValerie\tvt@example.com\t2125550147\t546481209\t635131844\t2020-10-01 17:49:30
2\tPhillip\tpb@example.org\t3125550148\t010613295\t860520258\t2020-01-29 00:35:50
\\.

COPY public.orders (id, order_no, amount) FROM stdin;
1\t546481208\t12.50
\\.
"""

REPORT = """\
HARRINGTON INC                          PAYROLL REGISTER   PAGE    1
RUN DATE 05/31/26   JOB 799840592

EMP NO         EMPLOYEE NAME                     SOC SEC NO   PHONE           DEPT  GROSS PAY
-------------- --------------------------------- ------------ --------------- ----- -----------
00005448313    Gonzalez, Amanda                  823161556    6202512331      693       1997.52
00005431371    Murphy, Tammy                     831630543    780-863-4936    352       6090.56
00161817       Cowan, Robert                     002-25-5348  4583223778      156       7427.92

TOTAL 3 EMPLOYEES   BATCH 446218828
"""

PSQL = """\
 id |  name   |    ssn    |   phone
----+---------+-----------+------------
  1 | Jo Lee  | 823161556 | 6202512331
  2 | Al Roe  | 831630543 | 4583223778
(2 rows)
"""


@pytest.fixture(scope="module")
def engine():
    return DetectionEngine(DetectorSettings(entities=default_entities()))


def _found(engine, text: str, size: int | None = None) -> set[tuple[str, str]]:
    blob = Blob(io.BytesIO(text.encode()), text.encode()[:4096], "x.txt", len(text.encode()), "text/plain")
    ex = PlainTextExtractor()
    if size is None:
        segs = list(ex.extract(blob, ExtractContext(ScanSettings())))
    else:  # small overlapping segments: a table carried from one to the next
        from scanner.extractors.textlayout import TextTables

        segs = list(TextTables().segments(segments([text], size=size, overlap=size // 2)))
    out = set()
    for seg in segs:
        for r in engine.detect(seg):
            out.add((r.entity_type, seg.text[r.start:r.end]))
    return out


def test_copy_header_is_context_for_its_columns(engine):
    got = _found(engine, DUMP)
    assert {("US_SSN", "546481209"), ("US_SSN", "010613295"), ("PHONE_NUMBER", "2125550147"),
            ("PHONE_NUMBER", "3125550148")} <= got
    # order_no is not an SSN column, in this table or the next
    assert ("US_SSN", "635131844") not in got and ("US_SSN", "546481208") not in got


def test_fixed_width_header_is_context_for_its_columns(engine):
    got = _found(engine, REPORT)
    assert {("US_SSN", "823161556"), ("US_SSN", "831630543"), ("US_SSN", "002-25-5348"),
            ("PHONE_NUMBER", "6202512331"), ("PHONE_NUMBER", "4583223778")} <= got
    assert not any(v in ("799840592", "446218828") for _, v in got)  # job and batch numbers
    assert not any(e == "US_SSN" and v.startswith("000") for e, v in got)  # EMP NO


def test_crlf_report_and_dump(engine):
    assert ("US_SSN", "823161556") in _found(engine, REPORT.replace("\n", "\r\n"))
    assert ("US_SSN", "546481209") in _found(engine, DUMP.replace("\n", "\r\n"))


def test_psql_output_is_a_fixed_width_table(engine):
    got = _found(engine, PSQL)
    assert {("US_SSN", "823161556"), ("US_SSN", "831630543"), ("PHONE_NUMBER", "6202512331")} <= got


@pytest.mark.parametrize("size", [300, 333, 500])
def test_a_table_carries_across_segments(engine, size):
    text = REPORT.replace("\nTOTAL", "\n".join(
        f"{i:011d}    Someone, Else                     {700100100 + i * 7919:09d}    2125550{i:03d}      1  1.00"
        for i in range(1, 30)) + "\n\nTOTAL", 1)
    whole = _found(engine, text)
    assert _found(engine, text, size=size) == whole
    assert sum(1 for e, _ in whole if e == "US_SSN") >= 30


def test_find_tables_names_and_ends():
    tables = find_tables(DUMP)
    assert [t.names[:2] for t in tables] == [("id", "first_name"), ("id", "order_no")]
    assert all(t.end is not None for t in tables)
    (fw,) = find_tables(REPORT)
    assert fw.names == ("EMP NO", "EMPLOYEE NAME", "SOC SEC NO", "PHONE", "DEPT", "GROSS PAY")
    assert REPORT[fw.end:].lstrip().startswith("TOTAL")


def test_prose_with_dashes_is_not_a_table():
    text = "Notes\n-- --\nSSN? call 823161556 later\n"
    assert find_tables(text) == []


def test_csv_header_below_a_title_is_context():
    from scanner.extractors.delimited import sniff_dialect

    sample = ("\tAppointments as of October 17, 2026\t\t\t\n\tReport date: 10/10/2026\t\t\t\n\t\t\t\t\n"
              "\tFull Name\tEmployee SSN\tHome Phone\tChart #\n\tHolden, Tracy\t388941585\t6605649313\t000697849\n")
    assert sniff_dialect(sample) == ("\t", ("", "Full Name", "Employee SSN", "Home Phone", "Chart #"))
    title_without_tabs = "Leads export\n" + sample.split("\n", 3)[3]
    assert sniff_dialect(title_without_tabs)[1][1:3] == ("Full Name", "Employee SSN")
    # a file without a header keeps none
    assert sniff_dialect("Jo Lee,234567890,jo@example.com\nAl Roe,345678901,al@example.com\n")[1] == ()


@pytest.mark.parametrize("text", [
    DUMP, "no table here -- just a dash\nand == signs\n", "a\n--- ---\n", "a\n  |----+----|\n", "x --- ---\n",
    "héllo\r\n=== ===\r\nü", "COPY x (a) FROM stdin;\n", " COPY x\n", "\n-=- =-=\n", "---\n", "-- --\n--- -- ---",
    "\ud800 lone surrogate\n--- ---", "",
])
def test_table_check_by_hyperscan_equals_the_regex(text):
    from scanner.extractors import textlayout

    assert textlayout._any_table() is not None  # Hyperscan is a dependency: the fast path is what runs here
    assert textlayout._may_hold_table(text) == (textlayout._ANY.search(text) is not None), repr(text)


# det-real (issue 22): names and first names are found by their columns in
# plain-text tables, as in a CSV.
def test_names_in_text_table_columns(engine):
    got = _found(engine, REPORT)
    assert {("PERSON", "Gonzalez, Amanda"), ("PERSON", "Murphy, Tammy"), ("PERSON", "Cowan, Robert")} <= got
    assert ("PERSON", "Valerie") in _found(engine, DUMP)  # a COPY first_name column
    assert ("PERSON", "Jo Lee") in _found(engine, PSQL)
    # the header, title and total lines are no names
    assert not any(e == "PERSON" and ("EMPLOYEE" in v or "TOTAL" in v or "HARRINGTON" in v)
                   for e, v in _found(engine, REPORT))


@pytest.mark.parametrize("size", [300, 500])
def test_names_in_a_report_carried_across_segments(engine, size):
    assert ("PERSON", "Cowan, Robert") in _found(engine, REPORT, size)


CSV_TWO_TABLES = ("Prepared by Jo L.,,,\nCompany,Email,Zip,\nAcme,a@example.com,12345,\n,,,\n,,,\nArchive,,,\n"
                  "First,Last,SS#,Phone\nJonathan,Moore,823161556,6202512331\nMichelle,Fisher,831630543,\n")


def _csv_found(engine, text: str) -> set[tuple[str, str]]:
    from scanner.extractors.delimited import DelimitedExtractor

    data = text.encode()
    blob = Blob(io.BytesIO(data), data[:4096], "x.csv", len(data), "text/csv")
    out = set()
    for seg in DelimitedExtractor().extract(blob, ExtractContext(ScanSettings())):
        out |= {(r.entity_type, seg.text[r.start:r.end]) for r in engine.detect(seg)}
    return out


def test_csv_second_table_has_its_own_header(engine):
    from scanner.extractors.delimited import DelimitedLayout

    layout = DelimitedLayout(("Company", "Email", "Zip", ""), ",", sectioned=True)
    t = CSV_TWO_TABLES
    assert layout.context_at(t, t.index("Acme")) == ("Company",)
    assert layout.context_at(t, t.index("Archive")) == ()  # the title: neither table's
    assert layout.context_at(t, t.index("823161556")) == ("SS#",)
    got = _csv_found(engine, t)
    assert {("PERSON", "Jonathan,Moore"), ("PERSON", "Michelle,Fisher"), ("US_SSN", "823161556"),
            ("US_SSN", "831630543"), ("PHONE_NUMBER", "6202512331")} <= got
    assert not any(e == "PERSON" and v in ("Archive", "Acme") for e, v in got)
    # a one-table file is one section
    assert layout.sections("Company,Email\nAcme,a@example.com\n") == ((0, layout.headers),)


def test_a_label_value_table_keeps_its_labels_as_context(engine):
    """Rows of (label, value) cells have no header row: "Phone" beside a
    number is its context, as on a line of text (be6bffa scored it so; a
    first row taken for a header made the number its own column's header)."""
    from scanner.extractors.htmltext import html_segments, parse_html
    from scanner.extractors.textbuilder import SegmentWriter, looks_like_header

    assert not looks_like_header(["Phone", "(212) 555-0147"])
    assert not looks_like_header(["Card", "5425 2334 3010 9903"])
    assert looks_like_header(["Name", "SSN", "Phone 2"])
    root = parse_html("<table><tr><td>Phone</td><td>(212) 555-0147</td></tr>"
                      "<tr><td>Card</td><td>5425 2334 3010 9903</td></tr></table>")
    writer = SegmentWriter()
    segs = [*html_segments(root, writer), *writer.close()]
    scores = {r.entity_type: r.score for seg in segs for r in engine.detect(seg)}
    plain = {r.entity_type: r.score for seg in segs for r in engine.detect(Segment(text=seg.text))}
    assert scores == plain and scores["PHONE_NUMBER"] >= 0.9 and scores["CREDIT_CARD"] >= 0.9
