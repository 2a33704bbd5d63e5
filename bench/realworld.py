"""A corpus shaped like a client's file share, and piiscout's score on it.

    .venv/bin/python bench/realworld.py generate OUT [--files 300] [--seed 1]
    .venv/bin/python bench/realworld.py score OUT [--workers 2] [--json FILE] [--inventory DIR]
    .venv/bin/python bench/realworld.py run OUT [--files 300] [--seed 1] ...   (both)

`generate` writes OUT/share/ (spreadsheets with numbers stored as numbers and
shown through number formats, headers below row 1 and second tables; XLSX,
XLS, ODS, CSV; PDFs whose table cells and lines wrap values; DOCX with text
boxes, footnotes, endnotes, comments, headers and footers; ODT; PPTX with
notes; text in cp1252, latin-1, cp932, UTF-16...; SQL dumps of three
dialects; fixed-width print reports; NDJSON; number-dense logs with and
without PII; code and QA fixtures with public test card numbers; config
files with credentials; mail whose body and attachments are in winmail.dat)
and OUT/truth.json:

    {"version": 1, "seed": S, "files": {"HR/Employee Roster 2019.xlsx": {
        "kind": "xlsx",
        "entities": {"US_SSN": [["012-34-5678"], ...], "PHONE_NUMBER": [["(212) 555-0123", "+12125550123"]]},
        "decoys": {"order9": ["482930182"], ...},
        "incidental": {"PERSON": ["Prepared by Jane D."]}}}}

Each planted value is a list: as written first, then other spellings a
scanner may normalise it to (ISO dates, E.164 phones). Incidental values are
present but not required (names in prose, a company switchboard number):
reporting them is neither a hit nor a false positive.

`score` runs `piiscout scan` on OUT/share into a temporary inventory (with a
fixed hash key) and prints item-level precision/recall per entity and per
file kind, value-level figures beside them, the share of decoys reported
per decoy kind, and the items that could not be scanned. Entities without
a recognizer yet are scored too (and marked), so new recognizers show up
as soon as they exist. Values are synthetic (Faker and random digits);
nothing is tuned to piiscout: the forms are those people type.

Generator dependencies (not piiscout's): Faker, openpyxl, xlwt, odfpy,
python-pptx, reportlab, compressed-rtf (`pip install -e '.[bench]'`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("generate", "score", "run"):
        sp = sub.add_parser(name)
        sp.add_argument("out", type=Path)
        if name in ("generate", "run"):
            sp.add_argument("--files", type=int, default=300)
            sp.add_argument("--seed", type=int, default=1)
            sp.add_argument("--log-lines", type=int, default=2000, help="lines per log file")
            sp.add_argument("--kinds", default=None, help="comma-separated file kinds (default: all)")
        if name in ("score", "run"):
            sp.add_argument("--workers", "-j", type=int, default=2)
            sp.add_argument("--inventory", type=Path, default=None, help="score this inventory's latest scan instead of scanning")
            sp.add_argument("--scan-into", type=Path, default=None, help="scan into this inventory (replaced) and keep it")
            sp.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
            sp.add_argument("--entities", default=None, help="comma-separated entities to score (default: all planted)")
            sp.add_argument("--show", type=int, default=0, metavar="N",
                            help="print N missed values and N false positives per file kind and entity")
            sp.add_argument("scan_args", nargs="*", help="extra piiscout scan arguments, after --")
    args = ap.parse_args(argv)
    if args.cmd in ("generate", "run"):
        from rw.generate import KINDS, generate

        kinds = args.kinds.split(",") if args.kinds else None
        unknown = set(kinds or ()) - set(KINDS)
        if unknown:
            ap.error(f"unknown kinds: {', '.join(sorted(unknown))} (known: {', '.join(KINDS)})")
        if args.out.exists() and any(args.out.iterdir()):
            ap.error(f"{args.out} is not empty")
        t0 = time.perf_counter()
        truth = generate(args.out, args.files, args.seed, args.log_lines, kinds)
        size = sum(f.stat().st_size for f in (args.out / "share").rglob("*") if f.is_file())
        print(f"wrote {len(truth['files'])} files, {size / 1e6:.1f} MB, to {args.out / 'share'} "
              f"in {time.perf_counter() - t0:.0f} s; truth in {args.out / 'truth.json'}", file=sys.stderr)
    if args.cmd in ("score", "run"):
        from rw.score import score_corpus

        entities = args.entities.split(",") if args.entities else None
        t0 = time.perf_counter()
        summary, text = score_corpus(args.out, args.workers, args.inventory, args.scan_args, entities,
                                     args.show, args.scan_into)
        print(text)
        print(f"\n(scored in {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
        if args.json:
            args.json.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
