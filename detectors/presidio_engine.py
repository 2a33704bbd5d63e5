"""Presidio's own AnalyzerEngine, configured offline.

Two uses: the "full path" that the fast engine must agree with (same
recognizers, analysed by Presidio over the whole segment), and "plain
Presidio" (its default recognizers) that the benchmark compares against.
A bare `AnalyzerEngine()` would try to download en_core_web_lg; here it
gets the spaCy model that ships as a pip dependency.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpEngineProvider

from detectors.base import SUPPRESSED_KEY, SegmentContext
from detectors.catalog import SPACY_MODEL, DetectorSettings, build_recognizers
from scanner.model import Segment


@lru_cache(maxsize=2)
def nlp_engine(model: str = SPACY_MODEL):
    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]}
    return NlpEngineProvider(nlp_configuration=conf).create_engine()


def _quiet():
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)


def full_analyzer(settings: DetectorSettings, recognizers=None) -> AnalyzerEngine:
    """AnalyzerEngine running exactly piiscout's recognizers (plus spaCy's
    NER recognizer when NER entities are requested)."""
    _quiet()
    nlp = nlp_engine(settings.model)
    registry = RecognizerRegistry(supported_languages=["en"])
    for rec in (recognizers if recognizers is not None
                else build_recognizers(settings.entities, settings.custom, settings.prefer_plugins)):
        registry.add_recognizer(rec)
    if settings.ner_entities:
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer

        registry.add_recognizer(SpacyRecognizer(supported_entities=list(settings.ner_entities)))
    return AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])


def plain_presidio(model: str = SPACY_MODEL) -> AnalyzerEngine:
    """Presidio as a user would run it: default recognizers, the same model."""
    _quiet()
    nlp = nlp_engine(model)
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])


def full_detect(analyzer: AnalyzerEngine, settings: DetectorSettings, seg: Segment):
    """The full Presidio path over one segment, filtered to its core like the
    fast engine's results."""
    ctx = SegmentContext(seg.context, seg.layout, seg.text)
    results = analyzer.analyze(text=seg.text, language="en", entities=list(settings.entities), context=ctx,
                               score_threshold=settings.min_score)
    if seg.core is not None:
        lo, hi = seg.core
        results = [r for r in results if lo <= r.start < hi]
    # Public test values are dropped as the fast engine drops them.
    if not settings.report_test_cards:
        results = [r for r in results if not (r.recognition_metadata or {}).get(SUPPRESSED_KEY)]
    return sorted(results, key=lambda r: (r.start, r.end, r.entity_type))
