from __future__ import annotations

import pytest

from detectors.catalog import DetectorSettings, default_entities
from detectors.engine import DetectionEngine
from scanner.model import Segment


@pytest.fixture(scope="session")
def engine() -> DetectionEngine:
    return DetectionEngine(DetectorSettings(entities=default_entities()))


@pytest.fixture(scope="session")
def found(engine):
    """found(text, entity, context=()) -> the matched substrings of that entity."""

    def _found(text: str, entity: str, context: tuple[str, ...] = ()) -> list[str]:
        return [text[r.start : r.end] for r in engine.detect(Segment(text, context=context)) if r.entity_type == entity]

    return _found
