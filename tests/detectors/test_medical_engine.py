"""The medical recognizers in the fast engine: the same findings as
Presidio's AnalyzerEngine and as a scan without prefilter, whatever the
segmentation (the equality over whole fixture files is in test_engine.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors.catalog import DetectorSettings, default_entities
from detectors.engine import DetectionEngine
from detectors.prefilter import NullPrefilter
from detectors.presidio_engine import full_analyzer, full_detect
from scanner.model import Segment
from scanner.textdecode import segments
from tests.detectors.test_engine import fixture_segments, key

MEDICAL = ("MEDICAL_CONDITION", "MEDICATION", "MEDICAL_PROCEDURE", "ICD10_CODE")


@pytest.fixture(scope="module")
def settings():
    return DetectorSettings(entities=default_entities())


@pytest.fixture(scope="module")
def engines(settings):
    fast = DetectionEngine(settings)
    return fast, full_analyzer(settings, fast.recognizers)


def clinic_text(fixtures_dir: Path) -> str:
    return "\n".join(p.read_text() for p in sorted((fixtures_dir / "clinic").rglob("*.txt")))


def test_medical_entities_are_defaults():
    assert set(MEDICAL) <= set(default_entities())


def test_small_segments_find_what_the_whole_text_finds(fixtures_dir, settings, engines):
    fast, full = engines
    text = clinic_text(fixtures_dir)
    got_fast, got_full = [], []
    for seg in segments([text[i : i + 500] for i in range(0, len(text), 500)], size=1200, overlap=400):
        got_fast += [(r.entity_type, seg.offset + r.start, r.score) for r in fast.detect(seg)]
        got_full += [(r.entity_type, seg.offset + r.start, r.score) for r in full_detect(full, settings, seg)]
    assert sorted(got_fast) == sorted(got_full)
    whole = [(r.entity_type, r.start, r.score) for r in fast.detect(Segment(text))]
    assert sorted(got_fast) == sorted(whole)
    assert sum(1 for w in whole if w[0] in MEDICAL) > 60


def test_no_prefilter_gives_the_same_results_on_clinic_files(fixtures_dir, settings):
    fast = DetectionEngine(settings)
    slow = DetectionEngine(settings, fast.recognizers)
    slow.prefilter = NullPrefilter(len(slow._fast))
    n = 0
    for path, seg in fixture_segments(fixtures_dir / "clinic"):
        assert key(fast.detect(seg)) == key(slow.detect(seg)), path
        n += 1
    assert n >= 8


def test_tricky_layouts_agree_with_presidio(settings, engines):
    fast, full = engines
    texts = [
        # terms cut by line breaks, plurals, a term inside a longer one,
        # ambiguous words with and without context, codes beside conditions
        "Dx:\nE11.9 Type 2 diabetes\nmellitus; I10 essential hypertension\n1. Depression\n2. Gout",
        "The market entered a depression; a stroke of luck. v10.2 build A01.1 on the I10 motorway.",
        "h/o headaches, seizures\n\n\nHistory of stroke. BIOPSIES x2, appendectomies.",
        "congestive heart\n   failure, COPD/asthma, heparin-induced thrombocytopenia",
        # context only from a dose, or from a possessive
        "Lithium 300 mg at night",
        "x" * 500 + " the patient's cold is better " + "y" * 500,
        "Started: Lithium\r\n300mg",
    ]
    for text in texts:
        seg = Segment(text)
        assert key(fast.detect(seg)) == key(full_detect(full, settings, seg)), text
