#!/usr/bin/env python3
"""What the medical recognizers cost: detection throughput with and without them.

    .venv/bin/python bench/medical_speed.py [--mb 8] [--repeat 3]

Builds two plain-text corpora in memory (nothing is written to disk):

* general: IT and business prose with some PII (Faker, fixed seed) and the
  plain-text fixtures of fixtures/files, the kind of text most of a file
  share holds;
* clinical: the clinic fixtures (visit notes, letters, appointments), where
  medical terms are dense and the matcher runs over nearly every word;

and runs the fast engine (DetectionEngine) over 64 KiB segments of each with
the default entities, with the default entities minus the four medical ones,
and with the medical entities alone. Throughput is measured in process CPU
time (a shared, busy machine inflates wall-clock time, not CPU time). Also
reports worker start-up: loading the vocabulary and building the engine (the
Hyperscan database comes from the user cache after the first build; --cold
removes the cache first).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEDICAL = ("MEDICAL_CONDITION", "MEDICATION", "MEDICAL_PROCEDURE", "ICD10_CODE")
SEGMENT = 65536


def general_corpus(mb: float) -> str:
    from faker import Faker

    fake = Faker("en_US")
    Faker.seed(42)
    rnd = random.Random(42)
    fixtures = [p.read_text("utf-8", "ignore") for p in sorted((ROOT / "fixtures/files").rglob("*"))
                if p.is_file() and p.suffix in (".txt", ".log", ".csv", ".tsv", ".json", ".ndjson")]
    parts, size = [], 0
    while size < mb * 1e6:
        kind = rnd.random()
        if kind < 0.5:
            s = fake.paragraph(nb_sentences=8) + "\n"
        elif kind < 0.8:
            s = (f"{fake.date_time_this_year().isoformat()} INFO {fake.domain_word()}[{rnd.randint(100, 9999)}]: "
                 f"request from {fake.ipv4_public()} user={fake.user_name()} status={rnd.choice([200, 404, 500])} "
                 f"took {rnd.randint(1, 900)}ms version v{rnd.randint(1, 12)}.{rnd.randint(0, 9)}\n")
        elif kind < 0.95:
            s = f"{fake.name()}, {fake.email()}, {fake.phone_number()}, {fake.address().replace(chr(10), ', ')}\n"
        else:
            s = rnd.choice(fixtures)
        parts.append(s)
        size += len(s)
    return "".join(parts)


def clinical_corpus(mb: float) -> str:
    files = [p.read_text("utf-8") for p in sorted((ROOT / "fixtures/clinic").rglob("*"))
             if p.is_file() and "decoys" not in p.parts]
    one = "\n".join(files)
    return (one * int(mb * 1e6 / len(one) + 1))[: int(mb * 1e6)]


def throughput(engine, text: str, repeat: int) -> tuple[float, int]:
    from scanner.model import Segment

    segs = [Segment(text[i : i + SEGMENT]) for i in range(0, len(text), SEGMENT)]
    times, found = [], 0
    for _ in range(repeat):
        t = time.process_time()
        found = sum(len(engine.detect(s)) for s in segs)
        times.append(time.process_time() - t)
    return len(text.encode("utf-8")) / 1e6 / statistics.median(times), found


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=8.0, help="size of the general corpus (the clinical one is a quarter)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cold", action="store_true", help="start without the cached prefilter database")
    args = ap.parse_args(argv)

    from detectors.catalog import DetectorSettings, default_entities
    from detectors.engine import DetectionEngine
    from detectors.recognizers.medical_vocabulary import vocabulary

    if args.cold:  # an empty user cache, and no machine-wide one
        import tempfile

        os.environ["PIISCOUT_CACHE_DIR"] = tempfile.mkdtemp(prefix="piiscout-cold-")
        os.environ["PIISCOUT_SHARED_CACHE_DIR"] = ""
    t = time.perf_counter()
    vocab = vocabulary()
    t_vocab = time.perf_counter() - t
    everything = default_entities()
    t = time.perf_counter()
    with_med = DetectionEngine(DetectorSettings(entities=everything))
    t_engine = time.perf_counter() - t
    without = DetectionEngine(DetectorSettings(entities=tuple(e for e in everything if e not in MEDICAL)))
    alone = DetectionEngine(DetectorSettings(entities=MEDICAL))

    print(f"vocabulary: {len(vocab.terms):,} terms, loaded in {t_vocab:.2f} s; "
          f"engine with medical triggers built in {t_engine:.2f} s ({'cold' if args.cold else 'warm cache'})")
    general, clinical = general_corpus(args.mb), clinical_corpus(args.mb / 4)
    print(f"{'corpus':<9} {'MB':>5} {'without medical':>16} {'with medical':>13} {'medical only':>13} "
          f"{'medical findings':>17}")
    for name, text in (("general", general), ("clinical", clinical)):
        a, _ = throughput(without, text, args.repeat)
        b, _ = throughput(with_med, text, args.repeat)
        c, n_c = throughput(alone, text, args.repeat)
        print(f"{name:<9} {len(text) / 1e6:>5.1f} {a:>11.1f} MB/s {b:>8.1f} MB/s {c:>8.1f} MB/s {n_c:>17,}")
    print(f"(cpu count {os.cpu_count()}, load {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
