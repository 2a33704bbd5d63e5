"""Two releases' findings on the same tree, compared row by row.

    .venv/bin/python bench/compare_inventories.py --old /tmp/base/.venv/bin/piiscout fixtures/
    .venv/bin/python bench/compare_inventories.py --old OLD_PIISCOUT --new NEW_PIISCOUT TREE \\
        [--entities US_SSN,CREDIT_CARD,...] [--json OUT] [--keep DIR]
    .venv/bin/python bench/compare_inventories.py --inventories OLD_INV NEW_INV

Scans TREE with each `piiscout` (the default new one is this checkout's),
one worker each and the same hash key, so a value hashes alike in both, then
pairs the findings rows:

1. `same`: the same (location, part, entity type, start, end) in both, with
   the same value hash and score;
2. `rescored` / `rehashed`: that key in both, another score or value hash;
3. `moved`: the same (location, entity type, value hash) at another offset
   or part (extraction changed the text around it, or a part was renamed),
   paired in order of position;
4. `old only` / `new only`: what is left (a value no longer reported, a
   value found now).

Items rows are compared by (location, part): status and content type. Rows
print masked values only (as the inventory holds them) and paths relative
to TREE. Exit status 0; the differences are for a person to explain
(docs/architecture.md, *Findings against be6bffa*).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
KEY = "piiscout-compare-key"
FINDING_COLUMNS = ["location", "part", "entity_type", "start", "end", "score", "value_hash", "masked_value",
                   "detector"]
ITEM_COLUMNS = ["location", "part", "status", "content_type", "reason"]


def scan(piiscout: str, tree: Path, inv: Path, entities: str | None) -> None:
    """One scan of `tree` into `inv` (the exit code says findings, not failure)."""
    env = {**os.environ, "PIISCOUT_HASH_KEY": KEY}
    args = [piiscout, "scan", str(tree), "-i", str(inv), "-q", "--workers", "1"]
    if entities:
        args += ["--entities", entities]
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    if proc.returncode not in (0, 1) or not (inv / "scans").is_dir():
        sys.exit(f"{piiscout} scan failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")


def read(inv: Path, table: str, columns: list[str]) -> list[dict]:
    files = sorted((inv / table).glob("*.parquet"))
    if not files:
        return []
    parts = []
    for f in files:
        t = pq.read_table(f)
        if t.num_rows:
            parts.append(t.select([c for c in columns if c in t.column_names]))
    return pa.concat_tables(parts, promote_options="default").to_pylist() if parts else []


def relative(rows: list[dict], root: str) -> list[dict]:
    prefix = root.rstrip("/") + "/"
    for r in rows:
        if r["location"].startswith(prefix):
            r["location"] = r["location"][len(prefix):]
    return rows


def _root(inv: Path) -> str:
    scans = read(inv, "scans", ["targets"])
    targets = scans[0]["targets"] if scans else []
    return targets[0] if targets else ""


def pair_findings(old: list[dict], new: list[dict]) -> dict[str, list]:
    """Each old and new row in one class (module docstring)."""
    def key(r):
        return (r["location"], r["part"], r["entity_type"], r["start"], r["end"])

    out: dict[str, list] = defaultdict(list)
    new_by_key = {}
    for r in new:
        new_by_key.setdefault(key(r), []).append(r)
    rest_old = []
    for r in old:
        cands = new_by_key.get(key(r))
        if not cands:
            rest_old.append(r)
            continue
        n = cands.pop(0)
        if n["value_hash"] != r["value_hash"]:
            out["rehashed"].append((r, n))
        elif abs((n["score"] or 0) - (r["score"] or 0)) > 1e-9:
            out["rescored"].append((r, n))
        else:
            out["same"].append((r, n))
    rest_new = [r for rows in new_by_key.values() for r in rows]
    by_value = defaultdict(list)
    for r in sorted(rest_new, key=lambda r: (r["part"], r["start"])):
        by_value[(r["location"], r["entity_type"], r["value_hash"])].append(r)
    for r in sorted(rest_old, key=lambda r: (r["part"], r["start"])):
        cands = by_value.get((r["location"], r["entity_type"], r["value_hash"]))
        if cands:
            out["moved"].append((r, cands.pop(0)))
        else:
            out["old only"].append((r, None))
    for rows in by_value.values():
        out["new only"] += [(None, r) for r in rows]
    return out


def compare_items(old: list[dict], new: list[dict]) -> dict[str, list]:
    o = {(r["location"], r["part"]): r for r in old}
    n = {(r["location"], r["part"]): r for r in new}
    out: dict[str, list] = defaultdict(list)
    for k in sorted(set(o) | set(n)):
        a, b = o.get(k), n.get(k)
        if a is None:
            out["new only"].append((None, b))
        elif b is None:
            out["old only"].append((a, None))
        elif (a["status"], a["content_type"]) != (b["status"], b["content_type"]):
            out["changed"].append((a, b))
    return out


def _where(r: dict) -> str:
    return r["location"] + (f" [{r['part']}]" if r["part"] else "")


def describe(classes: dict[str, list], items: dict[str, list]) -> list[str]:
    lines = []
    counts = {c: len(v) for c, v in classes.items()}
    lines.append("findings: " + ", ".join(f"{c} {counts.get(c, 0)}" for c in
                                            ("same", "rescored", "rehashed", "moved", "old only", "new only")))
    per_entity: dict[str, Counter] = defaultdict(Counter)
    for c, pairs in classes.items():
        for a, b in pairs:
            per_entity[(a or b)["entity_type"]][c] += 1
    lines.append("")
    lines.append(f"{'entity':<26}{'same':>6}{'resc':>6}{'rehash':>7}{'moved':>6}{'old':>6}{'new':>6}")
    for ent in sorted(per_entity):
        c = per_entity[ent]
        lines.append(f"{ent:<26}{c['same']:>6}{c['rescored']:>6}{c['rehashed']:>7}{c['moved']:>6}"
                     f"{c['old only']:>6}{c['new only']:>6}")
    for c in ("rescored", "rehashed", "moved", "old only", "new only"):
        if not classes.get(c):
            continue
        lines += ["", f"-- {c} ({len(classes[c])})"]
        for a, b in sorted(classes[c], key=lambda p: (_where(p[0] or p[1]), (p[0] or p[1])["start"])):
            r = a or b
            s = f"{r['entity_type']:<22} {_where(r)} @{r['start']}-{r['end']} {r['masked_value']}"
            if a and b:
                if c == "rescored":
                    s += f" score {a['score']:.2f} -> {b['score']:.2f}"
                elif c == "moved":
                    s += f" -> {_where(b)} @{b['start']}-{b['end']}"
                elif c == "rehashed":
                    s += f" {a['masked_value']} -> {b['masked_value']}"
            else:
                s += f" score {r['score']:.2f} ({r['detector']})"
            lines.append("  " + s)
    lines += ["", "items: " + ", ".join(f"{c} {len(v)}" for c, v in sorted(items.items())) if items
              else "items: all alike (status, content type)"]
    for c, pairs in sorted(items.items()):
        for a, b in pairs:
            r = a or b
            was = f"{a['status']} {a['content_type']}" if a else "-"
            now = f"{b['status']} {b['content_type']}" if b else "-"
            why = (b or a).get("reason") or ""
            lines.append(f"  {c:<9} {_where(r)}: {was} -> {now}" + (f" ({why})" if why else ""))
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tree", nargs="?", type=Path)
    ap.add_argument("--old", help="the older release's piiscout executable")
    ap.add_argument("--new", default=str(HERE.parent / ".venv" / "bin" / "piiscout"))
    ap.add_argument("--entities", default=None, help="--entities for both scans (default: each release's own)")
    ap.add_argument("--inventories", nargs=2, type=Path, metavar=("OLD", "NEW"),
                    help="compare two existing inventories instead of scanning")
    ap.add_argument("--keep", type=Path, default=None, help="write the two inventories here (old/, new/)")
    ap.add_argument("--json", type=Path, default=None, help="also write the counts per class and entity")
    a = ap.parse_args(argv)
    if a.inventories:
        old_inv, new_inv = a.inventories
    else:
        if not (a.tree and a.old):
            ap.error("give TREE and --old, or --inventories OLD NEW")
        work = a.keep or Path(tempfile.mkdtemp(prefix="piiscout-compare-"))
        old_inv, new_inv = work / "old", work / "new"
        tree = a.tree.resolve()
        for exe, inv in ((a.old, old_inv), (a.new, new_inv)):
            if inv.exists():
                sys.exit(f"{inv} exists: give an empty --keep")
            scan(exe, tree, inv, a.entities)
    old_root, new_root = _root(old_inv), _root(new_inv)
    old_f = relative(read(old_inv, "findings", FINDING_COLUMNS), old_root)
    new_f = relative(read(new_inv, "findings", FINDING_COLUMNS), new_root)
    classes = pair_findings(old_f, new_f)
    items = compare_items(relative(read(old_inv, "items", ITEM_COLUMNS), old_root),
                          relative(read(new_inv, "items", ITEM_COLUMNS), new_root))
    print(f"old: {old_inv} ({len(old_f)} findings)  new: {new_inv} ({len(new_f)} findings)")
    print("\n".join(describe(classes, items)))
    if a.json:
        per = defaultdict(Counter)
        for c, pairs in classes.items():
            for x, y in pairs:
                per[(x or y)["entity_type"]][c] += 1
        a.json.write_text(json.dumps({"classes": {c: len(v) for c, v in classes.items()},
                                      "entities": {e: dict(c) for e, c in sorted(per.items())},
                                      "items": {c: len(v) for c, v in items.items()}}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
