import pytest

from detectors.test_cards import TEST_CARD_NUMBERS
from detectors.validators import luhn_ok
from tests.detectors.recognizers.table import table_tests

# Synthetic Luhn-valid numbers with real issuer prefixes (not published test
# cards: those are suppressed, see below).
ENTITY = "CREDIT_CARD"

MUST_MATCH = [
    ("card 4485 2309 7215 1343", "4485 2309 7215 1343"),
    ("4485-2309-7215-1343", "4485-2309-7215-1343"),
    ("cc=4716059286090942;", "4716059286090942"),
    ("Mastercard 5425463219890593", "5425463219890593"),
    ("MC 2-series 2221542648244267", "2221542648244267"),
    ("2221 5426 4824 4267 expires 12/28", "2221 5426 4824 4267"),
    ("Amex 3714 058064 84863", "3714 058064 84863"),
    ("amex 378762495690496", "378762495690496"),
    ("Discover 6011988868611757", "6011988868611757"),
    ("Diners 30561660383600", "30561660383600"),
    ("JCB 3530173208652550", "3530173208652550"),
    ("UnionPay 6212370182310365", "6212370182310365"),
    ("Visa 13: 4532129701783", "4532129701783"),
    ("visa19 4929294771519410283", "4929294771519410283"),
    # issue 22: a card then its expiry; the card is found in front of it
    ("5258638099924933 12/27", "5258638099924933"),
    ("4716059286090942 123 12/27", "4716059286090942"),
    # a grouped card then a CVV-like short group
    ("4485 2309 7215 1343 123 12/27", "4485 2309 7215 1343"),
    # dotted groups, as typed in forms
    ("card 4485.2309.7215.1343", "4485.2309.7215.1343"),
    ("amex 3714.058064.84863 ok", "3714.058064.84863"),
    ("{\"card_number\": \"4716059286090942\"}", "4716059286090942"),
    ("pan=5425463219890593&exp=1227", "5425463219890593"),
    # a PDF split a group: any spacing, with card context
    ("Card Number: 4485 2309 72 15 1343", "4485 2309 72 15 1343"),
    # a CSV row: the next cell starts with a digit
    ("Jo Lee,234567890,4716059286090942,2125550147,jo@example.com", "4716059286090942"),
    ("Jo Lee,4485 2309 7215 1343,212-555-0147", "4485 2309 7215 1343"),
]

MUST_NOT_MATCH = [
    "tracking 4111111111111112",  # fails Luhn
    "1Z999AA10123456784",  # UPS tracking
    "barcode 4006381333931",  # EAN-13, not an issuer prefix/Luhn card
    "0000000000000000",
    "4485 2309 7215 1343 2222",  # the grouping goes on: a 20-digit number
    "ref 9111111111111111",  # no issuer starts with 9
    "41111 11111 11111 1",  # odd grouping
    "v1.4485230972151343",  # part of a version-like token
    "4485230972151343.5",  # a decimal
    "timestamp 1700000000123",
    # issue 22: the tail of a grouped IBAN is not a card
    "DE89 3704 0044 0532 0130 00",
    "FR14 2004 1010 0505 0001 3M02 606",
    "GB29 NWBK 6016 1331 9268 19",
    "gb29 nwbk 6016 1331 9268 19",
    "4485 2309-7215 1343",  # mixed separators
    "4485.2309.721.51343",  # dots, but not 4-4-4-4
    # a 12-digit number without context is a sequence number
    "seq 675951512960",
    "batch 448523097211",
    # labelled as something else
    '{"order_id": 4716059286090942}',
    "trace_id=5425463219890593",
    "12 4485 2309 7215 1343",  # a grouped run that starts earlier
    "10.4485.2309.7215",
    "ref 4485 2309 72 15 1343",  # odd spacing without card context
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)


def test_twelve_digit_card_only_with_context(found):
    assert luhn_ok("675951512960")
    assert found("Maestro card 675951512960", "CREDIT_CARD") == ["675951512960"]
    assert found("seq 675951512960", "CREDIT_CARD") == []


def test_several_cards_on_one_line(found):
    text = "cards: 4716059286090942 5425463219890593, 378762495690496"
    assert found(text, "CREDIT_CARD") == ["4716059286090942", "5425463219890593", "378762495690496"]


@pytest.mark.parametrize("text", [
    "card 4111 1111 1111 1111", "4111-1111-1111-1111", "cc=4111111111111111;", "Mastercard 5555555555554444",
    "amex 378282246310005", "Amex 3782 822463 10005", "Discover 6011111111111117", "4242 4242 4242 4242",
])
def test_public_test_cards_are_suppressed(engine, text):
    from scanner.model import Segment

    assert [r for r in engine.detect(Segment(text)) if r.entity_type == "CREDIT_CARD"] == []
    assert engine.take_suppressed() == 1


def test_test_card_list_is_of_valid_numbers():
    from detectors.validators import is_valid_card

    assert len(TEST_CARD_NUMBERS) >= 50
    assert all(is_valid_card(n) for n in TEST_CARD_NUMBERS)


def test_report_test_cards_setting_keeps_them():
    from detectors.catalog import DetectorSettings, default_entities
    from detectors.engine import DetectionEngine
    from scanner.model import Segment

    eng = DetectionEngine(DetectorSettings(entities=default_entities(), report_test_cards=True))
    text = "card 4111 1111 1111 1111"
    assert [text[r.start:r.end] for r in eng.detect(Segment(text))] == ["4111 1111 1111 1111"]
    assert eng.take_suppressed() == 0


def test_test_cards_are_counted_as_suppressed_and_never_reach_the_inventory(tmp_path):
    from scanner.inventory.reader import Inventory
    from tests.conftest import all_strings, run_piiscout

    share = tmp_path / "src"
    share.mkdir()
    (share / "test_payments.py").write_text(
        'CARDS = ["4111111111111111", "5555 5555 5555 4444", "378282246310005"]\nreal = "4485 2309 7215 1343"\n')
    inv = tmp_path / "inv"
    assert run_piiscout("scan", str(share), "-i", str(inv)).returncode == 0
    i = Inventory(inv)
    sid = i.latest_scan_id()
    assert i.findings(sid).column("masked_value").to_pylist() == ["**** **** **** 1343"]
    assert i.scans().to_pylist()[-1]["suppressed"] == 3
    assert not any("4111111111111111" in s or "378282246310005" in s for s in all_strings(inv))
    inv2 = tmp_path / "inv2"
    assert run_piiscout("scan", str(share), "-i", str(inv2), "--report-test-cards").returncode == 0
    i2 = Inventory(inv2)
    assert len(i2.findings(i2.latest_scan_id())) == 4
