"""What `piiscout detectors` prints: every entity type and how it is found."""

from __future__ import annotations

from detectors.catalog import NER_ENTITIES, _presidio_predefined, default_entities, recognizer_classes
from detectors.ner import SCORE as NER_SCORE


def describe() -> list[dict]:
    defaults = set(default_entities())
    rows = []
    for cls in recognizer_classes():
        scores = [r.score for r in cls.RULES]
        ctx_scores = [r.context_score for r in cls.RULES]
        if all(s == 0 for s in scores):
            needs = "yes"
        elif any(s == 0 for s in scores):
            needs = "bare forms"
        else:
            needs = "no"
        notes = getattr(cls, "NOTES", "") or (
            f"score {min(s for s in scores if s) if any(scores) else 0:g}-{max(ctx_scores):g}; "
            f"context: {', '.join(list(cls.CONTEXT)[:4])}{'…' if len(cls.CONTEXT) > 4 else ''}"
        )
        rows.append({"entity_type": cls.ENTITY, "recognizer": cls.__name__, "source": "piiscout",
                     "default": cls.ENTITY in defaults, "needs_context": needs, "notes": notes})
    for entity in NER_ENTITIES:
        rows.append({"entity_type": entity, "recognizer": "SpacyRecognizer (NER)", "source": "presidio",
                     "default": False, "needs_context": "no",
                     "notes": f"spaCy en_core_web_sm NER, score {NER_SCORE}; with --ner or --entities"})
    own = {r["entity_type"] for r in rows}
    for rec in _presidio_predefined():
        for entity in rec.supported_entities:
            if entity in own:
                continue
            rows.append({"entity_type": entity, "recognizer": rec.name, "source": "presidio",
                         "default": False, "needs_context": "-",
                         "notes": "Presidio predefined recognizer; with --entities"})
    return rows
