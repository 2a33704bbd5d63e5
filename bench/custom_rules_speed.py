#!/usr/bin/env python3
"""What custom rules cost: detection throughput with and without 20 of them.

    .venv/bin/python bench/custom_rules_speed.py [--mb 8] [--repeat 3]

Builds one plain-text corpus in memory (the "general" corpus of
bench/medical_speed.py: prose, logs, contact lines, text fixtures; nothing is
written to disk) and runs the fast engine over 64 KiB segments with the
default entities, then with the default entities plus 20 custom regex rules
(`[rules.NAME]` tables, as a user would write them: prefixed reference
numbers, national identifiers with stdnum validators, context-only numbers),
all compiled into the Hyperscan prefilter; and, for comparison, with the
same 20 rules forced onto the Python re fallback (whole segments, as for a
pattern Hyperscan cannot compile). Process CPU time, best of --repeat.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SEGMENT = 65536

RULES = r"""
[rules.EMPLOYEE_ID]
pattern = '\bEMP-\d{6}\b'
context = ["employee", "staff"]
[rules.CUSTOMER_REF]
pattern = '\bCUST-[A-Z]{2}\d{7}\b'
[rules.ACCOUNT_REF]
pattern = '\bACC-\d{8}\b'
validator = "luhn"
[rules.POLICY_NO]
pattern = '\bPOL[0-9]{9}\b'
[rules.CLAIM_NO]
pattern = '\bCLM-\d{4}-\d{6}\b'
[rules.MEMBER_ID]
pattern = '\b[A-Z]{3}\d{9}\b'
score = 0.4
context = ["member", "subscriber"]
[rules.PATIENT_NO]
pattern = '\bPT\d{7}\b'
[rules.INVOICE_CUSTOMER]
pattern = '\bIC/\d{5}/\d{2}\b'
[rules.DE_TAX_ID]
pattern = '\b\d{11}\b'
score = 0.3
context = ["steuer", "idnr", "tax id"]
validator = "stdnum:de.idnr"
[rules.NL_BSN]
pattern = '\b\d{9}\b'
score = 0
context_score = 0.85
context = ["bsn", "burgerservicenummer"]
validator = "stdnum:nl.bsn"
[rules.FR_NIR]
pattern = '\b[12]\d{12}(?:\d{2})?\b'
score = 0.3
context = ["securite sociale", "nir"]
validator = "stdnum:fr.nir"
[rules.ES_DNI]
pattern = '\b\d{8}-?[A-Z]\b'
validator = "stdnum:es.dni"
score = 0.5
[rules.IT_CODICE_FISCALE]
pattern = '\b[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]\b'
validator = "stdnum:it.codicefiscale"
[rules.BE_NN]
pattern = '\b\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}\b'
validator = "stdnum:be.nn"
[rules.GB_NHS]
pattern = '\b\d{3} ?\d{3} ?\d{4}\b'
score = 0
context_score = 0.8
context = ["nhs"]
validator = "stdnum:gb.nhs"
[rules.LICENSE_KEY]
pattern = '\b[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}\b'
score = 0.5
[rules.BADGE_NO]
pattern = '\bBDG\d{5}\b'
[rules.VENDOR_ID]
pattern = '\bV-\d{6}-[A-Z]\b'
[rules.TICKET_REF]
pattern = '\bINC\d{7}\b'
score = 0.5
[rules.CASE_REF]
pattern = '\bCASE-\d{4}/\d{4}\b'
"""


def cpu_rate(engine, segments, repeat: int) -> float:
    from scanner.model import Segment

    segs = [Segment(s) for s in segments]
    nbytes = sum(len(s.encode("utf-8")) for s in segments)
    best = None
    for _ in range(repeat):
        t0 = time.process_time()
        for s in segs:
            engine.detect(s)
        dt = time.process_time() - t0
        best = dt if best is None else min(best, dt)
    return nbytes / best / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import logging
    import tomllib

    from medical_speed import general_corpus

    from detectors import rules
    from detectors.catalog import DetectorSettings, default_entities
    from detectors.engine import DetectionEngine

    logging.getLogger("piiscout.rules").setLevel(logging.ERROR)
    text = general_corpus(args.mb)
    segments = [text[i:i + SEGMENT] for i in range(0, len(text), SEGMENT)]
    raw, problems = rules.check_sections(tomllib.loads(RULES))
    assert not problems, problems
    assert len(raw.rules) == 20
    custom = rules.build(raw, key=b"bench")
    slow = replace(custom, rules=tuple(replace(r, slow_reason="forced for the benchmark") for r in custom.rules))
    base = DetectorSettings(entities=default_entities())
    runs = [
        ("default entities", DetectionEngine(base)),
        ("+ 20 custom rules (Hyperscan prefilter)",
         DetectionEngine(replace(base, entities=base.entities + custom.entities, custom=custom))),
        ("+ 20 custom rules (Python re, whole segments)",
         DetectionEngine(replace(base, entities=base.entities + custom.entities, custom=slow))),
    ]
    print(f"corpus: {len(text.encode('utf-8')) / 1e6:.1f} MB in {len(segments)} segments of 64 KiB; "
          f"CPU time, best of {args.repeat}")
    first = None
    for name, engine in runs:
        rate = cpu_rate(engine, segments, args.repeat)
        first = first or rate
        print(f"{name:<48} {rate:7.2f} MB/s  ({rate / first:.2f}x)")


if __name__ == "__main__":
    main()
