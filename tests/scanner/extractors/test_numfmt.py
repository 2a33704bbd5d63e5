"""Spreadsheet number formats: values as the spreadsheet shows them."""

from __future__ import annotations

import datetime as dt

import pytest

from scanner.extractors.numfmt import compile_format, display

CASES = [
    # identifiers stored as numbers: what makes them recognisable
    ("000-00-0000", 12345678, "012-34-5678"),
    ("000-00-0000", 123456789, "123-45-6789"),
    ("000-00-0000", -12345678, "-012-34-5678"),
    ("000000000", 12345678, "012345678"),
    ('"SSN "000-00-0000', 12345678, "SSN 012-34-5678"),
    ("000\\-00\\-0000", 12345678, "012-34-5678"),
    ("???-??-????", 12345678, " 12-34-5678"),
    ("[<=9999999]###-####;(###) ###-####", 2125550123, "(212) 555-0123"),
    ("[<=9999999]###-####;(###) ###-####", 5550123, "555-0123"),
    ("(000) 000-0000", 2125550123, "(212) 555-0123"),
    ("0000 0000 0000 0000", 4556737586899855, "4556 7375 8689 9855"),
    ("0000-0000-0000-0000", 5258638099924933, "5258-6380-9992-4933"),
    ("0", 4556737586899855, "4556737586899855"),
    ("00000", 2134, "02134"),
    ("00000-0000", 21341234, "02134-1234"),
    ("000 000 000", 46454193, "046 454 193"),
    ("00-0000000", 123456789, "12-3456789"),
    ("{0}", 5, "{5}"),
    # everyday number formats
    ("#,##0.00", 1234.5, "1,234.50"),
    ("#,##0", -1234567, "-1,234,567"),
    ("0.00%", 0.1234, "12.34%"),
    ("0.0", 2.25, "2.3"),
    ("0.0#", 3.1, "3.1"),
    ("#.##", 3.1, "3.1"),
    ("#", 0, ""),
    ("0;-0;\"zero\"", 0, "zero"),
    ("[Red]0.00", 3.14159, "3.14"),
    ("$#,##0.00_);($#,##0.00)", -5, "($5.00)"),
    ("$#,##0.00_);($#,##0.00)", 5, "$5.00 "),
    ("[$€-407]#,##0.00", 12.5, "€12.50"),
    ("0.00E+00", 123456789, "1.23E+08"),
    ("##0.0E+0", 12345, "12.3E+3"),
    # dates and times (calamine gives them as date objects)
    ("mm/dd/yyyy", dt.date(1985, 3, 4), "03/04/1985"),
    ("m/d/yyyy", dt.date(1985, 3, 4), "3/4/1985"),
    ("d-mmm-yyyy", dt.date(1985, 3, 4), "4-Mar-1985"),
    ("d-mmm-yy", dt.date(1985, 3, 4), "4-Mar-85"),
    ("mmmm d, yyyy", dt.date(1990, 12, 25), "December 25, 1990"),
    ("[$-409]mmmm d, yyyy;@", dt.date(1990, 12, 25), "December 25, 1990"),
    ("dddd, mmmm dd, yyyy", dt.date(1990, 12, 25), "Tuesday, December 25, 1990"),
    ("yyyy-mm-dd", dt.datetime(1990, 12, 25), "1990-12-25"),
    ("m/d/yyyy h:mm", dt.datetime(2020, 1, 2, 13, 5), "1/2/2020 13:05"),
    ("h:mm AM/PM", dt.datetime(2020, 1, 2, 13, 5), "1:05 PM"),
    ("hh:mm:ss", dt.time(9, 5, 3), "09:05:03"),
]


@pytest.mark.parametrize("code,value,shown", CASES)
def test_value_as_displayed(code, value, shown):
    assert display(value, code) == shown


@pytest.mark.parametrize("code,value", [
    ("General", 12345678901), ("@", 5), ("# ?/?", 1.5), (None, 5), ("", 5),
    ("mm/dd/yyyy", 31000.0),  # a date format on a bare number: calamine gives dates as dates
    ("000-00-0000", "012-34-5678"),  # text is shown as typed
    ("000-00-0000", True),
])
def test_general_and_text_keep_the_plain_value(code, value):
    assert display(value, code) is None


@pytest.mark.parametrize("code,shapes", [
    ("000-00-0000", True), ("00000", True), ("(###) ###-####", True), ("0000 0000 0000 0000", True),
    ("mm/dd/yyyy", True), ("0", False), ("#,##0.00", False), ("0.00%", False), ("General", None),
])
def test_which_formats_shape_digits(code, shapes):
    fmt = compile_format(code)
    assert (fmt.shapes_digits if fmt is not None else None) is shapes


def test_unbalanced_codes_do_not_raise():
    for code in ('"open', "[<=", "0.0.0", "\\", "[$", "0;;;;;", "E+", "*"):
        display(1234.5, code)
