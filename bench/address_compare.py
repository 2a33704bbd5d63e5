"""US street addresses: piiscout's recognizer against pyap and usaddress.

    .venv/bin/python bench/address_compare.py [--records 2000] [--seed 7]

Text no one here tuned to: Faker's en_US addresses (the generator the
realworld corpus uses too, plus Faker's military and PO-box forms), written
one-line with commas, without commas, over two lines, in prose, in CSV rows
and as street lines under an "Address:" label, between lines of decoys that
look like addresses to a careless matcher (version strings, "3 Court cases",
part numbers, a number and a capitalised phrase ending in a suffix word).

Scored per record: a hit when the tool reports a span that covers the
planted street number and ZIP (or the whole street line when no city/ZIP
is planted); a false positive when it reports anything on a decoy line.
Speed is MB/s over the whole text, one process. pyap and usaddress are not
piiscout dependencies: `pip install pyap usaddress` to run this.
"""

from __future__ import annotations

import argparse
import random
import time

from faker import Faker

DECOYS = (
    "3 Court cases were filed against the vendor in 2019.",
    "Released 12 Drive images to QA; 4 Park rangers attended.",
    "Build 4.2 Way Forward plan approved by 7 Board members.",
    "Order 55 Blue Widgets Ave pricing sheet v2, see tab 3.",
    "We opened 2 Main Street offices and 1 Harbor View cafe.",
    "Part 1290 Oak Finish Trim Kit, box of 24, SKU 88-1290.",
    "Room 12 Suite 3 is booked for the 10 Mile Run debrief.",
    "Exit 42 Highway closure expected until 5 PM Friday.",
    "Chapter 7 Mill Valley case study, pages 12-19.",
    "Set 20 Point Grid spacing to 4 px in the Style guide.",
)


def records(n: int, seed: int):
    fake = Faker("en_US")
    Faker.seed(seed)
    rnd = random.Random(seed)
    for i in range(n):
        street = fake.street_address()
        city, state, zipc = fake.city(), fake.state_abbr(include_territories=False), fake.zipcode()
        style = rnd.choice(["one_line", "one_line", "no_comma", "two_lines", "prose", "csv", "street_label"])
        full = f"{street}, {city}, {state} {zipc}"
        if style == "no_comma":
            full = f"{street} {city} {state} {zipc}"
        elif style == "two_lines":
            full = f"{street}\n{city}, {state} {zipc}"
        if style == "prose":
            text = f"{fake.name()} moved to {full} last month."
        elif style == "csv":
            text = f"{i},{fake.name()},\"{full}\",{fake.phone_number()}"
        elif style == "street_label":
            full = street
            text = f"Address: {street}"
        else:
            text = f"Mailing address: {full}" if rnd.random() < 0.5 else full
        yield text, full, street.split()[0], (zipc if style != "street_label" else street.split()[-1])
        yield rnd.choice(DECOYS), None, None, None


def score(name: str, find, lines) -> dict:
    text = "\n".join(t for t, *_ in lines)
    t0 = time.perf_counter()
    found = find(text)
    secs = time.perf_counter() - t0
    tp = fn = fp = 0
    pos = 0
    for line, full, first, last in lines:
        lo, hi = pos, pos + len(line)
        pos = hi + 1
        got = [(s, e) for s, e in found if s < hi and e > lo]
        if full is None:
            fp += bool(got)
            continue
        want_lo = lo + line.index(full)
        want_hi = want_lo + len(full)
        hit = any(s <= want_lo + len(first) and e >= want_hi - len(last) for s, e in got)
        tp += hit
        fn += not hit
    mb = len(text.encode()) / 1e6
    return {"tool": name, "recall": round(tp / (tp + fn), 3), "decoy_fp_share": round(fp / max(1, len(lines) // 2), 3),
            "precision": round(tp / max(1, tp + fp), 3), "mb_per_s": round(mb / secs, 3)}


def piiscout_finder():
    from detectors.catalog import DetectorSettings
    from detectors.engine import DetectionEngine
    from scanner.model import Segment

    engine = DetectionEngine(DetectorSettings(entities=("US_ADDRESS",)))
    return lambda text: [(r.start, r.end) for r in engine.detect(Segment(text))]


def pyap_finder(text: str):
    import pyap

    out = []
    for a in pyap.parse(text, country="US"):
        s = text.find(a.full_address)
        if s >= 0:
            out.append((s, s + len(a.full_address)))
    return out


def usaddress_finder(text: str):
    """usaddress parses a string known to be an address; as a finder, each
    line is tagged and kept when it parses as a street address with a
    number, a street name and a ZIP or a suffix."""
    import usaddress

    out, pos = [], 0
    for line in text.split("\n"):
        try:
            tags, kind = usaddress.tag(line)
        except usaddress.RepeatedLabelError:
            tags, kind = {}, None
        if kind == "Street Address" and "AddressNumber" in tags and "StreetName" in tags and (
                "ZipCode" in tags or "StreetNamePostType" in tags):
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    lines = list(records(args.records, args.seed))
    # Two-line addresses span lines: score them on the joined text.
    lines = [(t, f, a, b) for t, f, a, b in lines]
    for name, find in (("piiscout", piiscout_finder()), ("pyap", pyap_finder), ("usaddress", usaddress_finder)):
        try:
            print(score(name, find, lines))
        except ImportError as exc:
            print({"tool": name, "error": f"not installed ({exc.name})"})


if __name__ == "__main__":
    main()
