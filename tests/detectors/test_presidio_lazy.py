"""Presidio's package body runs only when something needs more than the
base classes, and then it is the ordinary package (fresh interpreters: the
test process has long imported everything)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_fast_engine_imports_neither_spacy_nor_predefined_recognizers():
    out = _run("""
        import sys
        from detectors.catalog import DetectorSettings, default_entities
        from detectors.engine import DetectionEngine
        from scanner.model import Segment
        eng = DetectionEngine(DetectorSettings(entities=default_entities()))
        found = eng.detect(Segment("SSN: 536-22-1234"))
        print(len(found), "spacy" in sys.modules, "presidio_analyzer.predefined_recognizers" in sys.modules)
    """)
    assert out == "1 False False"


def test_first_use_loads_the_real_package_with_the_same_classes():
    out = _run("""
        import detectors
        from presidio_analyzer.recognizer_result import RecognizerResult as Light
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer  # a submodule first
        import presidio_analyzer
        from presidio_analyzer import AnalyzerEngine, PatternRecognizer, RecognizerResult, EntityRecognizer
        from presidio_analyzer.nlp_engine import NlpArtifacts
        import sys
        same = sys.modules["presidio_analyzer.predefined_recognizers"] is presidio_analyzer.predefined_recognizers
        print(RecognizerResult is Light, issubclass(PatternRecognizer, EntityRecognizer), same,
              AnalyzerEngine.__module__)
    """)
    assert out == "True True True presidio_analyzer.analyzer_engine"


def test_attribute_first_also_loads_it():
    out = _run("""
        import detectors, presidio_analyzer
        print(presidio_analyzer.AnalyzerEngine.__name__, hasattr(presidio_analyzer, "no_such_thing"))
    """)
    assert out == "AnalyzerEngine False"
