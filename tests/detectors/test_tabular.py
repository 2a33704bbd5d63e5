"""The CSV cell path (detectors/tabular.py) gives the general path's results:
the same engine with the cell plan off is the reference."""

from __future__ import annotations

import random

import pytest

from detectors.catalog import DetectorSettings
from detectors.engine import DetectionEngine
from scanner.extractors.delimited import DelimitedLayout, sniff_dialect
from scanner.model import Segment

pytest.importorskip("hyperscan")

CELLS = ["123-45-6789", "912-34-5678", "234567890", "987654321", "4111 1111 1111 1111", "4485275742308327",
         "4485275742308328", "(212) 555-0147", "212-555-0147", "212.555.0147", "+1 212 555 0147", "(112) 555-0147",
         "jane.doe12@example.com", "a1234567890@example.com", "x..y@example.com", "bob@logo.png", "plain",
         "000-12-3456", "378282246310005", "5555555555554444", "12.5", "02134", ""]


def _key(results):
    return sorted((r.entity_type, r.start, r.end, r.score) for r in results)


@pytest.mark.parametrize("header", ["id,email,phone,ssn,card", "id,contact,tel,tax_id,cc", "a,b,c,d,e"])
def test_cells_equal_the_general_path(header):
    rnd = random.Random(7)
    rows = [header] + [",".join(rnd.choice(CELLS) for _ in range(5)) for _ in range(400)]
    rows.insert(50, '"quoted, cell",123-45-6789,x,y,z')
    text = "\n".join(rows) + "\n"
    delimiter, headers = sniff_dialect(text)
    seg = Segment(text=text, layout=DelimitedLayout(headers, delimiter))
    engine = DetectionEngine(DetectorSettings())
    assert engine._cells is not None
    with_cells = engine.detect(seg)
    plan, engine._cells = engine._cells, None
    try:
        general = engine.detect(seg)
    finally:
        engine._cells = plan
    assert _key(with_cells) == _key(general)
    assert with_cells


def _general(engine, seg):
    plan, engine._cells = engine._cells, None
    try:
        return engine.detect(seg)
    finally:
        engine._cells = plan


def _csv_segments(text: str, size: int | None = None, overlap: int = 200):
    """The segments the CSV extractor makes of `text` (with `size`: cut into
    segments of that size, so most cores start inside a line)."""
    import io

    from scanner.extractors.base import Blob, ExtractContext
    from scanner.extractors.delimited import DelimitedExtractor
    from scanner.settings import ScanSettings
    from scanner.textdecode import segments

    data = text.encode()
    blob = Blob(io.BytesIO(data), data[:8192], "export.csv", len(data), "text/csv")
    segs = list(DelimitedExtractor().extract(blob, ExtractContext(ScanSettings())))
    if size is None:
        return segs
    return list(segments([text], size=size, overlap=overlap, layout=segs[0].layout))


def test_a_whole_csv_file_takes_the_cell_path(monkeypatch):
    """The CSV extractor's layout says it is delimited (it did not: a
    misplaced `delimited()` turned the cell path off for every CSV file)."""
    from detectors.tabular import CellPlan

    rnd = random.Random(3)
    text = "\n".join(["id,email,phone,ssn,card"] + [",".join(rnd.choice(CELLS) for _ in range(5))
                                                    for _ in range(200)]) + "\n"
    calls = []
    real = CellPlan.cells

    def spy(self, *args, **kw):
        out = real(self, *args, **kw)
        calls.append(len(out))
        return out

    monkeypatch.setattr(CellPlan, "cells", spy)
    engine = DetectionEngine(DetectorSettings())
    (seg,) = _csv_segments(text)
    assert seg.layout.delimited() == (",", ("id", "email", "phone", "ssn", "card"))
    results, cells = engine.detect_cells(seg)
    assert calls and cells is not None and len(cells) > 100
    assert _key(engine.detect(seg)) == _key(_general(engine, seg))


TABLE_A = "id,order_no,name,email,tel"
TABLE_B = "id,ssn,phone,card,"
NINE = ["234567890", "345678912", "456789123"]


def _two_table_csv(rnd: random.Random, title: bool) -> str:
    def row(i):
        cells = [str(i)] + [rnd.choice(CELLS + NINE) for _ in range(4)]
        if rnd.random() < 0.08:  # a quoted cell holding the delimiter
            cells[rnd.randrange(1, 5)] = '"Doe, Jane"'
        return ",".join(cells)

    head = ["Customer export 2026-12-01,,,,", ",,,,"] if title else []
    first = [TABLE_A] + [row(i) for i in range(120)]
    second = [",,,,", "Contractors,,,,", TABLE_B] + [row(i) for i in range(120)]
    return "\n".join(head + first + second) + "\n"


@pytest.mark.parametrize("title", [False, True])
@pytest.mark.parametrize("size", [None, 1500, 4093])
def test_csv_files_with_a_second_table_cells_equal_the_general_path(title, size):
    """A second table's cells are scored under its own headers (the first
    table's `order_no` and `email` columns hold the second's `ssn` and
    `card`), quoted rows go the general way, and a segment whose core starts
    inside a line counts its columns from its first complete line."""
    engine = DetectionEngine(DetectorSettings())
    rnd = random.Random(11 + (size or 0) + title)
    text = _two_table_csv(rnd, title)
    (whole,) = _csv_segments(text)
    assert whole.layout.sections(whole.text)[-1][1] == tuple(TABLE_B.split(","))
    segs = _csv_segments(text, size) if size else [whole]
    total = 0
    for seg in segs:
        results, cells = engine.detect_cells(seg)
        total += len(cells or ())
        assert _key(engine.detect(seg)) == _key(_general(engine, seg)), seg.core
    assert total > 100
    # The second table's bare nine digits are SSNs; the first's are order numbers.
    found = {whole.text[r.start:r.end] for r in engine.detect(whole) if r.entity_type == "US_SSN"}
    second = text.index(TABLE_B)
    assert any(n in found and text.find(n, second) > 0 for n in NINE)


def test_the_first_line_of_a_core_counts_its_columns_from_its_own_start():
    """A core starting at a line start after other lines (a later segment):
    the cells of its first line are certified in their own columns."""
    engine = DetectionEngine(DetectorSettings())
    text = "id,ssn,phone\n1,123-45-6789,(212) 555-0147\n2,234-56-7890,212-555-0147\n3,345-67-8901,x\n"
    lo = text.index("2,")
    seg = Segment(text=text, core=(lo, len(text)), layout=DelimitedLayout(("id", "ssn", "phone"), ","))
    results, cells = engine.detect_cells(seg)
    certified = {text[s:e] for s, e in zip(cells.spans_s, cells.spans_e)}
    assert certified == {"234-56-7890", "212-555-0147", "345-67-8901"}
    assert _key(engine.detect(seg)) == _key(_general(engine, seg))
