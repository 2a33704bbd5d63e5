from tests.detectors.recognizers.table import Case, table_tests

ENTITY = "PHONE_NUMBER"

MUST_MATCH = [
    ("call (212) 555-0147", "(212) 555-0147"),
    ("212-555-0147", "212-555-0147"),
    ("212.555.0147", "212.555.0147"),
    ("+1 212 555 0147", "+1 212 555 0147"),
    ("+1-212-555-0147x123", "+1-212-555-0147"),
    ("(753)919-3873", "(753)919-3873"),
    ("001-415-555-2671", "001-415-555-2671"),
    ("1-800-555-0199", "1-800-555-0199"),
    ("Phone: 2125550147", "2125550147"),
    ("London +44 20 7946 0958", "+44 20 7946 0958"),
    ("Berlin +49 30 901820", "+49 30 901820"),
    ("Paris +33 1 42 68 53 00", "+33 1 42 68 53 00"),
    ("tel 415-555-2671 ext. 12", "415-555-2671"),
    # exchanges starting with 0/1: never dialled, but written as phone numbers
    ("Call me at (555) 123-4567 tomorrow.", "(555) 123-4567"),
    ("Fax: 930.167.3943", "930.167.3943"),
    # issue 22: national formats of other countries, with phone context
    ("Phone: 0490 75 40 81", "0490 75 40 81"),
    ("Mobile: 03.93.92.16.85", "03.93.92.16.85"),
    ("tel. (37) 788-063", "(37) 788-063"),
    ("call me on 07700 063 966", "07700 063 966"),
    ("Desk: +41 (0)96 471 07 95", "+41 (0)96 471 07 95"),
    ('{"mobile": "0688 872 49 99"}', "0688 872 49 99"),
    # det-real (issue 22): E.164 North American numbers (SQL dumps, CRM exports)
    # count alone; a counter or id that merely starts with +1 does not.
    ("'+18445806846',", "+18445806846"),
    ("(8,'Matthew','Moore','+15487881618','075-20-2715')", "+15487881618"),
    ("+12125550147", "+12125550147"),
    ("Phone: +12042623088", "+12042623088"),
    # det-real: national formats under a phone column, in comma-separated rows and SQL
    Case("Name,Phone\nBob Lee,0121 644 5974\n", "0121 644 5974", name="people.csv"),
    Case("Name,Mobile,City\nAnn Roy,0415 109 923,Perth\n", "0415 109 923", name="people.csv"),
    Case("Name,Home Phone,SSN\nAnn Roy,06 10 12 70 95,200-92-9138\n", "06 10 12 70 95", name="people.csv"),
    Case("Name,Phone,Zip\nAnn Roy,(02) 1634 9496,02134\n", "(02) 1634 9496", name="people.csv"),
    ("- Phone: 085 510 4031 Century", "085 510 4031"),  # 3-3-4 with the trunk 0: not North American
    ("INSERT [dbo].[p] ([id], [phone], [ssn]) VALUES (18, N'0121 644 5974', N'200-92-9138')\n", "0121 644 5974"),
]

MUST_NOT_MATCH = [
    "123-456-7890",  # area code cannot start with 1
    "555-0147",  # seven digits
    "SSN 234-56-7890",
    "card 4485 2309 7215 1343",
    "2026-03-15 10:22:31",
    "version 10.0.19045.3803",
    "+99 12345",  # no such country
    "id 1700000000",
    "ip 192.168.100.200",
    # issue 22: a bare ten-digit number is a counter without phone context
    "measurement 2125550147 units",
    "NPI: 1234567893",
    "NPI: 2345678903",
    "Account number: 12345678901",
    "Part number: 555-123-4567-A",
    # national shapes without context are just numbers
    "0490 75 40 81",
    "ref 78 651 450",
    # context elsewhere on the line belongs to another field
    "Phone: n/a - SSN: 462-45-5016",
    "Phone: n/a - Order: 0490 75 40 81",
    '{"phone": "x", "order_id": "0490 75 40 81"}',
    "Phone: 12-3456789",  # an EIN shape
    "Phone: 2023-10-12",
    '{"order_id": "212-555-0147"}',
    "seq=2125550147",
    "call about card 4821 8631 2511 5261",  # the tail of a card-shaped number
    "called (visa 5401 9514 1174 7791) today",  # nor its head
    "called, the sin on file is 046 454 585; confirm",
    "Patient (ssn 234-56-0395) called about the invoice",
    # det-real (issue 22): a counter or id that merely starts with +1 is no E.164 number.
    "order_id=+12125550147", "seq=+11234567890", "+10234567890", "+1212555014", "+121255501470",
    Case("Name,Order No\nBob Lee,0415 109 923\n", name="orders.csv"),  # no phone column
    Case("Name,Amount,Phone\nBob Lee,\"1 234,56\",\n", name="orders.csv"),  # an amount
    "INSERT INTO p (id, account, phone) VALUES (18, '0121 644 5974', 'x');",  # its column says account
    "Order 085 510 4031",
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)


def test_phone_hash_is_e164():
    from scanner.privacy import normalise

    for v in ("(212) 555-0147", "212.555.0147", "+1 212 555 0147", "001-212-555-0147"):
        assert normalise("PHONE_NUMBER", v) == "+12125550147"


def test_bare_number_with_phone_header(found):
    assert found("2125550147", "PHONE_NUMBER", context=("Mobile Phone",)) == ["2125550147"]
    assert found("2125550147", "PHONE_NUMBER", context=("duration_ms",)) == []


# The rules' regexes consume the first character before their look-behinds
# (fast); these are the same patterns written plainly, which they must equal.
_END = r"(?![0-9A-WYZa-wyz_]|[-.][0-9A-Za-z])"
PLAIN_RULES = {
    "nanp": r"(?<![\w+.-])((?:(?:\+1|001|1)[-. ]?)?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[-. ])\d{3}[-. ]\d{4})" + _END,
    "nanp_bare": r"(?<![\w+.-])((?:\+?1)?[2-9]\d{9})" + _END,
    "nanp_e164": r"(?<![\w+.-])(\+1[2-9]\d{9})" + _END,
    "international": r"(?<![\w+])(\+(?!1\D?[2-9(])[1-9]\d{0,2}(?:[-. ]?\(?\d{1,5}\)?){2,6})(?!\w|[-.]\d)",
    "national": r"(?<![\w+.:/-])(?<!\d,)(?<!\d[ .-])((?:\(\d{1,5}\)[ -]?)?\d{1,8}(?:[-. ]\d{1,8}){1,5})"
                r"(?![\w)]|[-./: ]\d|,\d{1,2}(?!\d))",
}


def _phone_like_strings(n: int, seed: int) -> list[str]:
    """Random strings dense in phone shapes: digit groups, separators,
    parentheses, plus signs, letters and a non-ASCII digit."""
    import random

    r = random.Random(seed)
    pieces = ["212", "555", "0147", "1", "001", "+1", "+44", "(", ")", "-", ".", " ", "  ", "x", "a", "_", ",",
              ":", "/", "٣", "9", "07700", "12345678", "2125550147"]
    return ["".join(r.choice(pieces) for _ in range(r.randint(1, 14))) for _ in range(n)]


def test_rule_regexes_match_as_written_plainly():
    import random
    import re

    from detectors.recognizers.phone_number import PhoneNumberRecognizer

    rules = {rule.name: rx for rule, rx in PhoneNumberRecognizer()._compiled}
    assert set(rules) == set(PLAIN_RULES)
    r = random.Random(7)
    for name, plain in PLAIN_RULES.items():
        plain_rx = re.compile(plain)
        for s in _phone_like_strings(20000, hash(name) & 0xFFFF):
            pos = r.randint(0, len(s))
            got = [m.span() for m in rules[name].finditer(s, pos)]
            assert got == [m.span() for m in plain_rx.finditer(s, pos)], (name, s, pos)


def test_context_gate_holds_every_context_only_match():
    """A context word's window is examined only where CONTEXT_GATE's regex
    matches: every accepted match of a rule that counts only with context
    must hold a match of it."""
    from detectors.recognizers.phone_number import PhoneNumberRecognizer

    rec = PhoneNumberRecognizer()
    gate = rec.CONTEXT_GATE.regex
    checked = 0
    for rule, rx in rec._compiled:
        if rule.score > 0:
            continue
        for s in _phone_like_strings(30000, 11):
            for m in rx.finditer(s):
                span = rec.refine_rule(rule, s, *m.span(rule.group))
                if span is not None:
                    checked += 1
                    assert gate.search(s, *span), (rule.name, s[span[0]:span[1]])
    assert checked > 100


def test_context_words_away_from_numbers_open_no_window():
    from detectors.catalog import DetectorSettings
    from detectors.engine import DetectionEngine

    engine = DetectionEngine(DetectorSettings(entities=("PHONE_NUMBER",)))
    index = next(i for i, rec in enumerate(engine._fast) if rec.ENTITY == "PHONE_NUMBER")
    text = "the office called; contact the desk. " * 20
    hits = engine.prefilter.scan(text, frozenset())
    assert hits and index not in engine._windows(hits, text)
    text += "Office: 0490 75 40 81"
    assert index in engine._windows(engine.prefilter.scan(text, frozenset()), text)
