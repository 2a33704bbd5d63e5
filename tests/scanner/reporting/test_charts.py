"""Server-side SVG charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from scanner.reporting import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_bars_scale_to_the_largest():
    svg = parse(charts.bar_chart([("Social Security number", 400), ("E-mail address", 100), ("IP address", 1)],
                                 "by entity"))
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(4 * widths[1]) and widths[2] >= 2  # a tiny value still shows
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts[:2] == ["Social Security number", "400"]
    assert svg.get("viewBox") == "0 0 680 88"


def test_hostile_labels_are_escaped():
    evil = '<script>alert(1)</script>&"'
    markup = str(charts.bar_chart([(evil, 3)], "t"))
    assert "<script>" not in markup
    assert parse(markup).find(f"{SVG}g/{SVG}title").text == f"{evil}: 3"


def test_long_labels_keep_both_ends():
    label = "HR/Payroll/2019/very_long_folder_name_for_quarterly_exports/Q4"
    text = [t.text for t in parse(charts.bar_chart([(label, 1)], "t", width=420, label_width=170)).iter(f"{SVG}text")]
    assert text[0].startswith("HR/Payroll") and text[0].endswith("Q4") and "…" in text[0]
    assert len(text[0]) <= 26


@pytest.mark.parametrize("value, expected", [(0, 1), (1, 1), (7, 10), (1234, 2000), (2400, 2500), (4100, 5000)])
def test_nice_axis_end(value, expected):
    assert charts.nice_max(value) == expected


def test_line_chart_has_a_point_per_scan():
    svg = parse(charts.line_chart(["Jan 1", "Feb 1", "Mar 1"], [("All", [(0, 10), (1, 30), (2, 20)]),
                                                                 ("High", [(0, 5), (2, 8)])], "trend"))
    assert len(list(svg.iter(f"{SVG}circle"))) == 5
    assert len(list(svg.iter(f"{SVG}polyline"))) == 2
    ys = [float(c.get("cy")) for c in list(svg.iter(f"{SVG}circle"))[:3]]
    assert ys[1] < ys[2] < ys[0]  # higher values sit higher


def test_nothing_to_draw():
    assert charts.bar_chart([], "t") == "" and charts.line_chart([], [], "t") == ""
