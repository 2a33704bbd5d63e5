"""NER (--ner) on prose: piiscout against plain Presidio, side by side.

    .venv/bin/python bench/ner_speed.py [--size 2MB] [--presidio-sample 150KB] [--seed 5]

The README's earlier NER figure (304x plain Presidio) was measured on the
benchmark share, mostly logs and exports where few NER windows open. Prose
is the hard case: letters, memos and tickets, where every sentence holds
capitalised words (companies, places, months, products) and names are
everywhere. This generates such prose (Faker, seeded; names planted in the
sentence shapes letters use), then runs, on the same text:

* piiscout's engine with PERSON by NER (`DetectorSettings(ner=True)`):
  only spaCy's NER component, on windows around possible names, batched
  through `nlp.pipe`, skipping names the structured recognizers decided;
* the same with every window of the text fed to spaCy (`--everywhere`
  equivalent: the cost of NER without the candidate windows);
* plain Presidio (AnalyzerEngine, default recognizers, the same spaCy model,
  PERSON only) on a sample of the same documents.

It prints MB/s and PERSON precision/recall/F1 against the planted names
(a finding matches a planted name when it overlaps it). Figures depend on
the machine; run it when nothing else is busy.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_OPENERS = ("Dear {name},", "Hi {first},", "Hello {name},", "To {name}:")
_SENTENCES = (
    "Thank you for meeting with us in {city} on {month} {day}.",
    "{name} from {company} will send the revised proposal by {weekday}.",
    "As discussed with {name}, the {product} rollout moves to {month}.",
    "Our {department} team in {city} reviewed the {company} contract last week.",
    "Please call {name} if the {product} invoice for {month} is not correct.",
    "The meeting at the {city} office was moved to {weekday} at {hour}.",
    "{company} asked for a copy of the {month} statement and the signed agreement.",
    "I spoke with {name} and {name2} about the renewal; both agreed to the new terms.",
    "The shipment from {city} arrived on {weekday}, two days later than {company} promised.",
    "{name} will replace {name2} as our contact at {company} starting {month} {day}.",
    "We reviewed the quarterly numbers for {company} and the {department} budget.",
    "Mr. {last} confirmed the order; Ms. {last2} will handle the billing questions.",
    "The {product} license covers the {city} and {city2} sites until {month}.",
    "If you have questions, contact the {department} desk or write to us at the {city} address.",
)
_CLOSERS = ("Best regards,\n{name}", "Sincerely,\n{name}\n{company}", "Thanks,\n{first}", "Kind regards,\n{name}")


def generate(size: int, seed: int) -> tuple[list[str], list[list[tuple[int, int]]]]:
    """Letters of prose, and the spans of the names planted in each."""
    from faker import Faker

    fake = Faker("en_US")
    Faker.seed(seed)
    rng = random.Random(seed)
    docs, spans, total = [], [], 0
    while total < size:
        text, names = _letter(fake, rng)
        docs.append(text)
        spans.append(names)
        total += len(text.encode())
    return docs, spans


def _letter(fake, rng) -> tuple[str, list[tuple[int, int]]]:
    text = ""
    names: list[tuple[int, int]] = []

    def add(template: str, sep: str) -> None:
        nonlocal text
        i = 0
        while i < len(template):
            j = template.find("{", i)
            if j < 0:
                text += template[i:]
                break
            text += template[i:j]
            k = template.index("}", j)
            key = template[j + 1:k]
            value = _value(fake, rng, key)
            if key in ("name", "name2", "first", "last", "last2"):
                names.append((len(text), len(text) + len(value)))
            text += value
            i = k + 1
        text += sep

    add(rng.choice(_OPENERS), "\n")
    body = rng.sample(_SENTENCES, rng.randint(5, 9))
    for n, template in enumerate(body):
        add(template, "\n" if n == len(body) - 1 else " ")
    add(rng.choice(_CLOSERS), "\n\n")
    return text, names


def _value(fake, rng, key: str) -> str:
    if key in ("name", "name2"):
        return f"{fake.first_name()} {fake.last_name()}"
    if key == "first":
        return fake.first_name()
    if key in ("last", "last2"):
        return fake.last_name()
    return {
        "city": fake.city, "city2": fake.city, "company": fake.company, "month": fake.month_name,
        "day": lambda: str(rng.randint(1, 28)), "weekday": fake.day_of_week,
        "product": lambda: rng.choice(["Office 365", "Salesforce", "QuickBooks", "Dynamics", "SharePoint",
                                       "Windows Server", "Azure AD", "Zoom Rooms"]),
        "department": lambda: rng.choice(["Finance", "HR", "IT", "Operations", "Legal", "Sales"]),
        "hour": lambda: f"{rng.randint(8, 17)}:{rng.choice(['00', '30'])}",
    }[key]()


def score(found: list[list[tuple[int, int]]], truth: list[list[tuple[int, int]]]) -> dict:
    tp = fp = fn = 0
    for f, t in zip(found, truth):
        used = set()
        for s, e in f:
            hit = next((i for i, (ts, te) in enumerate(t) if i not in used and s < te and ts < e), None)
            if hit is None:
                fp += 1
            else:
                used.add(hit)
                tp += 1
        fn += len(t) - len(used)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def run_piiscout(docs, everywhere: bool = False) -> tuple[list, float]:
    from detectors.catalog import DetectorSettings
    from detectors.engine import DetectionEngine
    from scanner.model import Segment

    eng = DetectionEngine(DetectorSettings(entities=("PERSON",), ner=True))
    if everywhere:
        eng._ner.everywhere = True
    eng.detect(Segment("Warm up with Jane Doe."))
    t0 = time.perf_counter()
    out = []
    segs = [Segment(d) for d in docs]
    for i in range(0, len(segs), 64):  # as the pipeline batches a file's segments
        for res in eng.detect_many(segs[i:i + 64]):
            out.append([(r.start, r.end) for r in res if r.entity_type == "PERSON"])
    return out, time.perf_counter() - t0


def run_presidio(docs) -> tuple[list, float]:
    import logging

    from detectors.presidio_engine import plain_presidio

    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    analyzer = plain_presidio()
    analyzer.analyze(text="Warm up with Jane Doe.", language="en", entities=["PERSON"])
    t0 = time.perf_counter()
    out = [[(r.start, r.end) for r in analyzer.analyze(text=d, language="en", entities=["PERSON"])] for d in docs]
    return out, time.perf_counter() - t0


def main(argv=None) -> int:
    from scanner.streams import parse_size

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="2MB", help="prose to generate [2MB]")
    ap.add_argument("--presidio-sample", default="150KB", help="of which plain Presidio analyses [150KB]")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--no-everywhere", action="store_true", help="skip the run without candidate windows")
    a = ap.parse_args(argv)
    docs, truth = generate(parse_size(a.size), a.seed)
    mb = sum(len(d.encode()) for d in docs) / 1e6
    print(f"prose: {len(docs)} letters, {mb:.2f} MB, {sum(map(len, truth))} planted names")
    found, secs = run_piiscout(docs)
    ours = mb / secs
    print(f"piiscout --ner:            {ours:7.3f} MB/s  PERSON {score(found, truth)}")
    if not a.no_everywhere:
        found, secs = run_piiscout(docs, everywhere=True)
        print(f"piiscout, NER everywhere:  {mb / secs:7.3f} MB/s  PERSON {score(found, truth)}")
    n, size = 0, 0
    limit = parse_size(a.presidio_sample)
    while n < len(docs) and size < limit:
        size += len(docs[n].encode())
        n += 1
    found, secs = run_presidio(docs[:n])
    theirs = size / 1e6 / secs
    print(f"plain Presidio (sample):   {theirs:7.3f} MB/s  PERSON {score(found, truth[:n])}")
    print(f"ratio: {ours / theirs:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
