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
