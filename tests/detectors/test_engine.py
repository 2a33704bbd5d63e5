"""The fast engine must find exactly what Presidio's AnalyzerEngine finds with
the same recognizers (issue: no finding is lost for speed)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from detectors.catalog import DetectorSettings, default_entities
from detectors.engine import DetectionEngine
from detectors.presidio_engine import full_analyzer, full_detect
from scanner.extractors import registry
from scanner.extractors.base import Blob, ExtractContext
from scanner.model import Segment
from scanner.settings import ScanSettings
from scanner.sniff import HEAD, sniff
from scanner.textdecode import segments


def fixture_segments(root: Path, size: int | None = None):
    """Every segment the extractors produce from the fixture tree."""
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        ctype = sniff(data[:HEAD], path.name)
        cls = registry.for_type(ctype)
        if cls is None:
            continue
        blob = Blob(io.BytesIO(data), data[:HEAD], path.name, len(data), ctype)
        try:
            for ev in cls().extract(blob, ExtractContext(ScanSettings())):
                if isinstance(ev, Segment):
                    yield path, ev
        except Exception:  # noqa: BLE001 - corrupt fixtures are tested elsewhere
            continue


def key(results):
    return [(r.entity_type, r.start, r.end, round(r.score, 4)) for r in results]


@pytest.fixture(scope="module")
def settings():
    return DetectorSettings(entities=default_entities())


@pytest.fixture(scope="module")
def engines(settings):
    fast = DetectionEngine(settings)
    return fast, full_analyzer(settings, fast.recognizers)


def test_fast_path_equals_presidio_on_fixtures(fixtures_dir, settings, engines):
    fast, full = engines
    n = 0
    for path, seg in fixture_segments(fixtures_dir):
        assert key(fast.detect(seg)) == key(full_detect(full, settings, seg)), path
        n += 1
    assert n >= 10


def test_fast_path_equals_presidio_across_small_segments(fixtures_dir, settings, engines):
    """Cut texts into small overlapping segments: values on the edges must be
    found once, by the segment that owns their start, in both paths."""
    fast, full = engines
    text = (fixtures_dir / "files/it/app.log").read_text()
    total_fast, total_full = [], []
    for seg in segments([text[i : i + 777] for i in range(0, len(text), 777)], size=1500, overlap=300):
        total_fast += [(r.entity_type, seg.offset + r.start) for r in fast.detect(seg)]
        total_full += [(r.entity_type, seg.offset + r.start) for r in full_detect(full, settings, seg)]
    whole = [(r.entity_type, r.start) for r in fast.detect(Segment(text))]
    assert sorted(total_fast) == sorted(total_full) == sorted(whole)
    assert len(whole) > 50


def test_fast_path_equals_presidio_with_ner():
    settings = DetectorSettings(entities=("PERSON", "US_SSN", "EMAIL_ADDRESS"), ner=True)
    fast = DetectionEngine(settings)
    full = full_analyzer(settings, fast.recognizers)
    text = ("Dear Maria Gonzalez,\nyour SSN 234-56-7890 was received. Please forward it to "
            "Robert Chen (robert.chen@example.com) by Friday.\nRegards, Alice Walker")
    seg = Segment(text)
    got = key(fast.detect(seg))
    assert got == key(full_detect(full, settings, seg))
    assert ("PERSON", text.index("Maria"), text.index("Maria") + len("Maria Gonzalez"), 0.85) in got


def test_no_prefilter_gives_the_same_results(fixtures_dir, settings):
    from detectors.prefilter import NullPrefilter

    fast = DetectionEngine(settings)
    slow = DetectionEngine(settings, fast.recognizers)
    slow.prefilter = NullPrefilter(len(slow._fast))
    for path, seg in fixture_segments(fixtures_dir / "files"):
        assert key(fast.detect(seg)) == key(slow.detect(seg)), path


def test_non_ascii_offsets(engine):
    text = "Zoë’s café — naïve résumé 😀 SSN: 234-56-7890 e-mail zoë@example.com jane@example.com"
    got = {(r.entity_type, text[r.start : r.end]) for r in engine.detect(Segment(text))}
    assert ("US_SSN", "234-56-7890") in got
    assert ("EMAIL_ADDRESS", "jane@example.com") in got


def test_remove_duplicates_equals_presidios():
    import random

    from presidio_analyzer import EntityRecognizer, RecognizerResult

    from detectors.engine import remove_duplicates

    rnd = random.Random(3)
    for _ in range(300):
        results = []
        for _ in range(rnd.randint(0, 25)):
            start = rnd.randint(0, 40)
            results.append(RecognizerResult(rnd.choice(["A", "B", "C"]), start, start + rnd.randint(1, 12),
                                            rnd.choice([0.0, 0.3, 0.5, 0.85, 1.0]),
                                            recognition_metadata={"n": rnd.random()}))
        key = lambda r: (r.start, r.end, r.entity_type)  # noqa: E731 - the engine's own order
        want = sorted(EntityRecognizer.remove_duplicates(list(results)), key=key)
        got = sorted(remove_duplicates(list(results)), key=key)
        assert [(r.entity_type, r.start, r.end, r.score) for r in got] == \
            [(r.entity_type, r.start, r.end, r.score) for r in want]
