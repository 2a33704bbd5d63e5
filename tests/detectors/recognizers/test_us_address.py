import pytest

from scanner import privacy
from scanner.extractors.delimited import DelimitedLayout
from scanner.model import Segment
from tests.detectors.recognizers.table import table_tests

ENTITY = "US_ADDRESS"

MUST_MATCH = [
    ("Please mail the W-2 to 8337 Sanders Wall Apt. 328, Figueroaland, GA 99883.",
     "8337 Sanders Wall Apt. 328, Figueroaland, GA 99883"),
    ("8337 Sanders Wall Apt. 328 Figueroaland GA 99883", "8337 Sanders Wall Apt. 328 Figueroaland GA 99883"),
    ("8705 James Place\nEast Johnview, NY 17341", "8705 James Place\nEast Johnview, NY 17341"),
    ("1600 Pennsylvania Avenue NW, Washington, DC 20500", "1600 Pennsylvania Avenue NW, Washington, DC 20500"),
    ("123A N Main St #4, Springfield, IL 62704-1234", "123A N Main St #4, Springfield, IL 62704-1234"),
    ("P.O. Box 1234, Austin, TX 78701", "P.O. Box 1234, Austin, TX 78701"),
    ("Ship to: 944 Bryan Walk", "944 Bryan Walk"),  # a street line with context
    ("Address: 51027 Jonathan Spring Suite 468", "51027 Jonathan Spring Suite 468"),
    ("Jane moved to 42 W 5th Ave, New York, New York 10011 last month.", "42 W 5th Ave, New York, New York 10011"),
    ("Mailing address: 77 Old Mill Rd., Bldg 2, Stowe, VT 05672", "77 Old Mill Rd., Bldg 2, Stowe, VT 05672"),
    ('17,"Maria Gonzalez","4410 Oak Hill Dr, Round Rock, TX 78681",512-555-0100',
     "4410 Oak Hill Dr, Round Rock, TX 78681"),
    ("Meet me at PSC 0413, Box 8144\nAPO AA 42323", "PSC 0413, Box 8144\nAPO AA 42323"),  # military mail
    ("here: 4410 Oak Hill Dr\nColorado Springs\n, CO\n 70079, and", "4410 Oak Hill Dr\nColorado Springs\n, CO\n 70079"),
]

MUST_NOT_MATCH = [
    "3 Court cases were filed against the vendor in 2019.",
    "Released 12 Drive images to QA; 4 Park rangers attended.",
    "We opened 2 Main Street offices and 1 Harbor View cafe.",  # no label for a street alone
    "Part 1290 Oak Finish Trim Kit, box of 24, SKU 88-1290.",
    "Room 12 Suite 3 is booked for the 10 Mile Run debrief.",
    "Exit 42 Highway closure expected until 5 PM Friday.",
    "944 Bryan Walk",  # a street line without context
    "Build 4.2 Way Forward plan approved by 7 Board members.",
    "Order 55 Blue Widgets Ave pricing sheet v2, see tab 3.",
    "Chapter 7 Mill Valley case study, pages 12-19.",
    "Ship to: Springfield, IL 62704",  # no street
    "Unit 4 Box 12 shipped via FedEx",  # no APO/FPO/DPO line
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)


def test_address_column(engine):
    text = "Name\tHome Address\nJ. Doe\t944 Bryan Walk\n"
    got = [text[r.start:r.end] for r in engine.detect(Segment(text, layout=DelimitedLayout(("Name", "Home Address"), "\t")))
           if r.entity_type == "US_ADDRESS"]
    assert got == ["944 Bryan Walk"]


def test_one_address_with_or_without_commas_is_one_hash():
    assert privacy.value_hash("US_ADDRESS", "1 Main St., Springfield, IL 62704") == \
        privacy.value_hash("US_ADDRESS", "1 Main St\nSpringfield IL 62704")
    assert privacy.mask("US_ADDRESS", "944 Bryan Walk") == "*** B**** W***"
