"""Joining the lines of a wrapped PDF cell or paragraph."""

from __future__ import annotations

import pytest

from scanner.extractors.pdflayout import _join, _Run


def run(text: str, right: float, left: float = 100.0, top: float = 700.0) -> _Run:
    return _Run(left, top - 7, right, top, text, 8.0)


@pytest.mark.parametrize("upper,lower,joined", [
    # cut inside an e-mail address
    ("brandon1986@robinso", "n.com", "brandon1986@robinson.com"),
    ("dana.whitfield.p", "ayroll@example-mail.com", "dana.whitfield.payroll@example-mail.com"),
    ("joe.public@example.co", "m", "joe.public@example.com"),
    ("ayroll@example", "-mail.com", "ayroll@example-mail.com"),
    ("brian_heath@us.lawr", "ence-malone.com", "brian_heath@us.lawrence-malone.com"),
    # cut inside a group of digits
    ("4350.3566.690", "2.0608", "4350.3566.6902.0608"),
    ("4511-6453-4122-4", "968", "4511-6453-4122-4968"),
    ("682-18-3", "636", "682-18-3636"),
    ("15-Apr-196", "5", "15-Apr-196 5"),  # letters between: no digit group to complete
    # cut at a hyphen, a dot, a slash
    ("123-45-", "6789", "123-45-6789"),
    ("(312) 826-", "3048", "(312) 826-3048"),
    # a long number without separators
    ("402400710", "3939509", "4024007103939509"),
    ("NL30OEFC867792571", "8", "NL30OEFC8677925718"),
    # ordinary wraps keep their space
    ("4556 7375", "8689 9855", "4556 7375 8689 9855"),
    ("confirmed that her number is", "009-87-4563 and", "confirmed that her number is 009-87-4563 and"),
    ("Jackson, Brown and", "Parker", "Jackson, Brown and Parker"),
    # consecutive rows of complete values are not glued together
    ("a.b@example.com", "c.d@example.org", "a.b@example.com c.d@example.org"),
    ("4556737586899855", "5425233430109903", "4556737586899855 5425233430109903"),
])
def test_join(upper, lower, joined):
    # the upper line fills its column (right edge 160 of 160)
    assert _join(run(upper, 160.0), run(lower, 130.0, top=690.5), 160.0) == joined


def test_justified_prose_keeps_its_spaces():
    # a 400-point column: every justified line fills it
    assert _join(_Run(100, 693, 500, 700, "the employee gave her", 8.0), _Run(100, 683, 500, 690, "number 009-87-4563", 8.0),
                 500.0) == "the employee gave her number 009-87-4563"


def test_a_line_short_of_its_column_keeps_its_space():
    # "Contact" wrapped at a space, well before the column's edge
    assert _join(run("please contact", 120.0), run("jane.roe@example.com today", 150.0, top=690.5), 200.0) \
        == "please contact jane.roe@example.com today"
    assert _join(run("ref 4024007103", 120.0), run("939509", 150.0, top=690.5), 200.0) == "ref 4024007103 939509"
