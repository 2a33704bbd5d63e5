"""Issue 22's entities on presidio-research's synth_dataset_v2 (labelled text
nobody here wrote), side by side with plain Presidio.

    .venv/bin/python bench/eval_entities_public.py PATH/TO/synth_dataset_v2.json

Get the file from the public repository microsoft/presidio-research
(`data/synth_dataset_v2.json`; not vendored). Its labels map to ours as
LABELS below: STREET_ADDRESS spans are scored for US_ADDRESS (the dataset's
addresses are mostly non-US, so only records whose address ends in a US
state code and ZIP are counted: `--us-only`, the default), PERSON for
PERSON (piiscout without NER finds names only in fields and columns, which
this prose dataset rarely has; with `--ner` spaCy runs too).

Span level: a labelled span is found when a detection of the mapped entity
overlaps it; a detection overlapping no labelled span of that entity is a
false positive. Record level: a record is a hit when any of its labelled
spans of the entity is found. Figures per entity for piiscout and for plain
Presidio (its default recognizers and the same spaCy model).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LABELS = {"STREET_ADDRESS": "US_ADDRESS", "PERSON": "PERSON"}
_US_TAIL = re.compile(r"\b[A-Z]{2}\s*,?\s*\d{5}(?:-\d{4})?\s*$")


def load(path: Path, us_only: bool) -> list[dict]:
    records = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for r in records:
        spans = [(LABELS[s["entity_type"]], s["start_position"], s["end_position"]) for s in r["spans"]
                 if s["entity_type"] in LABELS]
        ignore = []
        if us_only:
            # Non-US addresses are neither required nor, when reported, false.
            ignore = [s for s in spans if s[0] == "US_ADDRESS" and not _US_TAIL.search(r["full_text"][s[1]:s[2]])]
            spans = [s for s in spans if s not in ignore]
        out.append({"text": r["full_text"], "spans": spans, "ignore": ignore})
    return out


def score(records: list[dict], detect, entity: str) -> dict:
    tp = fn = fp = rec_hit = rec_n = 0
    for r in records:
        want = [(s, e) for ent, s, e in r["spans"] if ent == entity]
        got = [(s, e) for ent, s, e in detect(r["text"]) if ent == entity]
        hits = [w for w in want if any(s < w[1] and e > w[0] for s, e in got)]
        tp += len(hits)
        fn += len(want) - len(hits)
        other = [(s, e) for ent, s, e in r["ignore"] if ent == entity]
        fp += sum(1 for s, e in got if not any(s < w[1] and e > w[0] for w in want + other))
        if want:
            rec_n += 1
            rec_hit += bool(hits)
    return {"spans": tp + fn, "recall": round(tp / max(1, tp + fn), 3), "precision": round(tp / max(1, tp + fp), 3),
            "record_recall": round(rec_hit / max(1, rec_n), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--all-addresses", action="store_true", help="score non-US addresses too")
    ap.add_argument("--ner", action="store_true", help="piiscout with spaCy NER for PERSON")
    args = ap.parse_args()
    records = load(args.dataset, not args.all_addresses)

    from detectors.catalog import DetectorSettings
    from detectors.engine import DetectionEngine
    from scanner.model import Segment

    engine = DetectionEngine(DetectorSettings(entities=tuple(LABELS.values()), ner=args.ner))

    def ours(text):
        return [(r.entity_type, r.start, r.end) for r in engine.detect(Segment(text))]

    from detectors.presidio_engine import plain_presidio

    presidio = plain_presidio()

    def theirs(text):
        return [("US_ADDRESS" if r.entity_type == "LOCATION" else r.entity_type, r.start, r.end)
                for r in presidio.analyze(text=text, language="en", entities=["PERSON", "LOCATION"])]

    for entity in dict.fromkeys(LABELS.values()):
        print(entity, {"piiscout": score(records, ours, entity), "presidio": score(records, theirs, entity)})


if __name__ == "__main__":
    main()
