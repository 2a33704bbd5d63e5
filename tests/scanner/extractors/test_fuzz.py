"""Fuzz every extractor with truncated and bit-flipped fixtures.

Whatever the bytes, the pipeline must record the object (scanned, skipped
or error, with a one-line reason) and return: no exception may escape the
extractor boundary (a Rust panic or a C library's error included) and no
parse may run past the item's time limit.

The default run is short (CI); a longer campaign:
    PIISCOUT_FUZZ_EXAMPLES=500 .venv/bin/python -m pytest tests/scanner/extractors/test_fuzz.py
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.model import ItemRecord, STATUSES

ROOT = Path(__file__).resolve().parents[3] / "fixtures" / "documents"
SAMPLES = [
    "office/letter.docx", "office/roster.xlsx", "office/deck.pptx", "office/letter.odt", "office/roster.ods",
    "office/deck.odp", "legacy/letter.doc", "legacy/roster.xls", "legacy/deck.ppt", "legacy/letter.rtf",
    "pdf/claims.pdf", "web/directory.html", "web/employees.xml", "archives/old_records.zip",
    "archives/backup.tar.gz", "archives/backup.tar.bz2", "archives/backup.tar.xz", "archives/bundle.7z",
    "archives/plain.tar", "ocr/intake.png",
]
EXAMPLES = int(os.environ.get("PIISCOUT_FUZZ_EXAMPLES", "6"))


@pytest.fixture(scope="module")
def processor():
    from scanner.model import TargetSpec
    from scanner.pipeline import ItemProcessor
    from scanner.job import Job
    from scanner.settings import ScanSettings

    spec = TargetSpec(name="fuzz", url="/fuzz", scheme="file")
    return ItemProcessor(Job((spec,), ScanSettings(item_timeout=30)))


def mutate(data: bytes, how: str, cut: float, flips: list[tuple[float, int]]) -> bytes:
    if how == "truncate":
        return data[: int(len(data) * cut)]
    buf = bytearray(data)
    for pos, bit in flips:
        i = int(pos * (len(buf) - 1))
        buf[i] ^= 1 << bit
    return bytes(buf)


def scan(processor, data: bytes, name: str) -> ItemRecord:
    import time

    from scanner.pipeline import ObjectInfo

    info = ObjectInfo("fuzz", f"/fuzz/{name}", size=len(data))
    out = list(processor.scan_stream(io.BytesIO(data), info, name, time.monotonic() + 30))
    records = [o for o in out if isinstance(o, ItemRecord)]
    assert records, "no items row"
    return records[-1]


@pytest.mark.parametrize("sample", SAMPLES)
def test_fuzzed_files_are_recorded_never_raised(processor, sample):
    data = (ROOT / sample).read_bytes()
    name = Path(sample).name

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(how=st.sampled_from(["truncate", "flip"]), cut=st.floats(0.0, 1.0),
           flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 7)), min_size=1, max_size=16))
    def run(how, cut, flips):
        rec = scan(processor, mutate(data, how, cut, flips), name)
        assert rec.status in STATUSES
        assert rec.status == "scanned" or rec.reason
        assert rec.reason is None or "\n" not in rec.reason

    run()

