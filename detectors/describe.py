"""What `piiscout detectors` prints: every entity type and how it is found."""

from __future__ import annotations

from detectors.catalog import NER_ENTITIES, _presidio_predefined, default_entities, recognizer_classes
from detectors.ner import SCORE as NER_SCORE


def describe(custom=None) -> list[dict]:
    """`custom`: a detectors.rules.Customisation whose rules are listed too."""
    defaults = set(default_entities())
    rows = []
    classes = list(recognizer_classes())
    if custom:
        from detectors.custom import rule_class

        classes += [rule_class(r, *custom.context_for(r.entity)) for r in custom.rules]
        defaults |= set(custom.entities)
    for cls in classes:
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
        source = "custom" if getattr(cls, "CUSTOM_RULE", None) is not None else "piiscout"
        rows.append({"entity_type": cls.ENTITY, "recognizer": cls.__name__, "source": source,
                     "default": cls.ENTITY in defaults, "needs_context": needs, "notes": notes})
    from detectors.base import PiiRecognizer
    from detectors.catalog import _active_plugins, plugin_recognizers
    from scanner import plugins

    active = {id(r) for r in _active_plugins()}
    for rec in plugin_recognizers():
        info = rec._piiscout_plugin
        fast = isinstance(rec, PiiRecognizer) and bool(rec.triggers())
        how = ("its own Hyperscan triggers" if fast else
               "whole segments (no prefilter); context boost approximated without spaCy")
        state = "" if id(rec) in active else "; not used: a built-in covers it (--prefer-plugin " + info.name + ")"
        for entity in rec.supported_entities:
            rows.append({"entity_type": entity, "recognizer": rec.name, "source": f"plugin:{info.name}",
                         "default": id(rec) in active, "needs_context": "-",
                         "notes": f"plugin {info.module} ({info.dist or 'unknown package'}); runs on {how}{state}"})
    for info in plugins.loaded_plugins():
        if info.group == "piiscout.recognizers" and info.status == plugins.FAILED:
            rows.append({"entity_type": "-", "recognizer": info.name, "source": f"plugin:{info.name}",
                         "default": False, "needs_context": "-", "notes": f"FAILED: {info.error}"})
    for entity in NER_ENTITIES:
        rows.append({"entity_type": entity, "recognizer": "SpacyRecognizer (NER)", "source": "presidio",
                     "default": False, "needs_context": "no",
                     "notes": f"spaCy en_core_web_sm NER, score {NER_SCORE}; " + (
                         "with --ner (PERSON in columns and fields is found without it)" if entity == "PERSON"
                         else "with --ner or --entities")})
    own = {r["entity_type"] for r in rows}
    for rec in _presidio_predefined():
        for entity in rec.supported_entities:
            if entity in own:
                continue
            rows.append({"entity_type": entity, "recognizer": rec.name, "source": "presidio",
                         "default": False, "needs_context": "-",
                         "notes": "Presidio predefined recognizer; with --entities"})
    return rows
