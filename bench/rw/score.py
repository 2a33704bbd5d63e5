"""Scores a piiscout scan of the corpus against its truth file.

Item level (the issue's measure): an item is one file of the share; for
each entity it is a true positive when the file holds planted values of
that entity and the scan reported the entity in it (with a value that is
not merely incidental), a false positive when it reported the entity in a
file that holds none. Value level: distinct planted values found (matched
by value_hash over every written form), and reported values that are
neither planted nor incidental. A decoy counts as reported when any scored
entity was reported in its file with the decoy's own value.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

KEY = "piiscout-realworld-bench"


def piiscout_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("piiscout")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "scanner.cli"]


def run_scan(share: Path, inventory: Path, workers: int, extra: list[str]) -> str:
    env = dict(os.environ, PIISCOUT_HASH_KEY=KEY)
    proc = subprocess.run(piiscout_cmd() + ["scan", str(share), "-i", str(inventory), "-j", str(workers), "-q", *extra],
                          capture_output=True, text=True, env=env)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"piiscout scan failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return proc.stdout.strip()


def detected_entities() -> set[str]:
    proc = subprocess.run(piiscout_cmd() + ["detectors", "--format", "json"], capture_output=True, text=True)
    try:
        return {row["entity_type"] for row in json.loads(proc.stdout)}
    except (ValueError, KeyError):
        return set()


@dataclass
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp=0, fp=0, fn=0):
        self.tp += tp
        self.fp += fp
        self.fn += fn

    @property
    def p(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def r(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def as_json(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": _round(self.p), "recall": _round(self.r)}


def _round(x):
    return None if x is None else round(x, 4)


def read_inventory(inventory: Path, share: Path):
    """({relative path: {entity: {value_hash}}}, {relative path: (status, reason)})."""
    from scanner.inventory.reader import Inventory

    inv = Inventory(inventory)
    sid = inv.resolve_scan(None)
    cols = ["location", "part", "entity_type", "value_hash", "masked_value", "context"]
    t = inv.findings(sid, columns=cols)
    found: dict = defaultdict(lambda: defaultdict(set))
    shown: dict = {}  # (path, entity, hash) -> (part, masked value, masked context): for --show
    root = str(share.resolve())

    def rel(loc: str) -> str:
        loc = loc[7:] if loc.startswith("file://") else loc
        return os.path.relpath(loc, root).replace(os.sep, "/")

    for loc, part, ent, h, masked, context in zip(*(t.column(c).to_pylist() for c in cols)):
        found[rel(loc)][ent].add(h)
        shown.setdefault((rel(loc), ent, h), (part, masked, context))
    found = {k: dict(v) for k, v in found.items()}
    found["__shown__"] = shown
    items = inv.items(sid, columns=["location", "part", "status", "reason"])
    problems: dict = defaultdict(list)
    for loc, part, status, reason in zip(*(items.column(c).to_pylist() for c in ("location", "part", "status", "reason"))):
        if status in ("error", "skipped"):
            problems[rel(loc)].append((part or "", status, reason or ""))
    return found, problems


def score(truth: dict, found: dict, entities: list[str]) -> dict:
    from scanner import privacy

    import detectors.catalog  # noqa: F401  - recognizers register how their entities are hashed

    key = KEY.encode()
    h = lambda ent, v: privacy.value_hash(ent, v, key)  # noqa: E731
    item = defaultdict(Count)  # (kind, entity) -> Count
    value = defaultdict(Count)
    decoys = defaultdict(lambda: [0, 0])  # (kind, decoy kind) -> [planted, reported]
    decoy_findings = defaultdict(int)  # entity -> reported decoy values
    misses, false = defaultdict(list), defaultdict(list)  # (kind, entity) -> examples
    shown = found.get("__shown__", {})
    for path, ft in truth["files"].items():
        kind = ft["kind"]
        got = found.get(path, {})
        for ent in entities:
            planted = [{h(ent, f) for f in forms} for forms in ft["entities"].get(ent, [])]
            allowed = {h(ent, v) for v in ft["incidental"].get(ent, [])}
            hashes = got.get(ent, set())
            matched = set().union(*planted) if planted else set()
            tp = sum(1 for forms in planted if forms & hashes)
            fp = len(hashes - matched - allowed)
            value[(kind, ent)].add(tp=tp, fn=len(planted) - tp, fp=fp)
            for forms, hs in zip(ft["entities"].get(ent, []), planted):
                if not hs & hashes:
                    misses[(kind, ent)].append((path, forms[0]))
            for x in hashes - matched - allowed:
                false[(kind, ent)].append((path,) + shown.get((path, ent, x), ("", "", "")))
            reported = bool(hashes - allowed)
            item[(kind, ent)].add(tp=int(bool(planted) and reported), fn=int(bool(planted) and not reported),
                                  fp=int(not planted and reported))
        for dkind, values in ft["decoys"].items():
            for v in set(values):
                hit = [ent for ent in entities if h(ent, v) in got.get(ent, ())]
                decoys[(kind, dkind)][0] += 1
                if hit:
                    decoys[(kind, dkind)][1] += 1
                    for ent in hit:
                        decoy_findings[ent] += 1
    return {"item": item, "value": value, "decoys": decoys, "decoy_findings": decoy_findings,
            "misses": misses, "false": false}


def examples(res: dict, n: int) -> str:
    """Up to n missed values and n false positives per file kind and entity
    (the corpus is synthetic: printing its values is harmless)."""
    lines = ["", f"Examples (up to {n} per file kind and entity)"]
    for (kind, ent), rows in sorted(res["misses"].items()):
        for path, v in rows[:n]:
            lines.append(f"  MISS {kind:<11} {ent:<14} {v!r:<40} {path}")
    for (kind, ent), rows in sorted(res["false"].items()):
        for path, part, masked, context in rows[:n]:
            lines.append(f"  FP   {kind:<11} {ent:<14} {masked!r:<24} {path} {part} | {context[:80]!r}")
    return "\n".join(lines)


def summarise(res: dict, entities: list[str], kinds: list[str]) -> dict:
    def total(table, ent=None, kind=None):
        c = Count()
        for (k, e), x in table.items():
            if (ent is None or e == ent) and (kind is None or k == kind):
                c.add(x.tp, x.fp, x.fn)
        return c
    out = {"entities": {}, "kinds": {}, "decoys": {}}
    for ent in entities:
        out["entities"][ent] = {"item": total(res["item"], ent).as_json(), "value": total(res["value"], ent).as_json(),
                                "decoy_values_reported": res["decoy_findings"].get(ent, 0)}
    for kind in kinds:
        out["kinds"][kind] = {ent: {"item": res["item"][(kind, ent)].as_json(), "value": res["value"][(kind, ent)].as_json()}
                              for ent in entities if (kind, ent) in res["item"]}
    by_decoy = defaultdict(lambda: [0, 0])
    for (kind, dkind), (n, rep) in sorted(res["decoys"].items()):
        by_decoy[dkind][0] += n
        by_decoy[dkind][1] += rep
        out["decoys"].setdefault("by_file_kind", {}).setdefault(kind, {})[dkind] = {"planted": n, "reported": rep}
    out["decoys"]["by_decoy_kind"] = {d: {"planted": n, "reported": rep, "share": round(rep / n, 4) if n else None}
                                      for d, (n, rep) in sorted(by_decoy.items())}
    return out


def _f(x) -> str:
    return "   -" if x is None else f"{x:.2f}"


def render(summary: dict, entities: list[str], known: set[str], problems: dict, truth: dict) -> str:
    lines = ["Overall, per entity (item = a file; value = a distinct planted value)",
             f"{'entity':<15} {'item P':>6} {'item R':>6} {'tp/fp/fn':>14}   {'val P':>6} {'val R':>6} {'tp/fp/fn':>17}  decoys"]
    for ent in entities:
        s = summary["entities"][ent]
        i, v = s["item"], s["value"]
        note = "" if ent in known else "  (no recognizer)"
        lines.append(f"{ent:<15} {_f(i['precision']):>6} {_f(i['recall']):>6} {i['tp']:>4}/{i['fp']}/{i['fn']:<6}"
                     f"   {_f(v['precision']):>6} {_f(v['recall']):>6} {v['tp']:>5}/{v['fp']}/{v['fn']:<7} {s['decoy_values_reported']:>5}{note}")
    lines += ["", "Item recall per file kind (value recall in brackets); '-' = none planted"]
    shown = [e for e in entities if e in known] + [e for e in entities if e not in known]
    lines.append(f"{'kind':<12} " + " ".join(f"{e[:11]:>14}" for e in shown))
    for kind, per in summary["kinds"].items():
        cells = []
        for e in shown:
            x = per.get(e)
            cells.append(f"{_f(x['item']['recall'])} ({_f(x['value']['recall'])})" if x and x["item"]["recall"] is not None else "-")
        lines.append(f"{kind:<12} " + " ".join(f"{c:>14}" for c in cells))
    lines += ["", "Item precision per file kind (files reported with an entity they do not hold count against it)"]
    lines.append(f"{'kind':<12} " + " ".join(f"{e[:11]:>11}" for e in shown))
    for kind, per in summary["kinds"].items():
        lines.append(f"{kind:<12} " + " ".join(f"{_f(per[e]['item']['precision']) if e in per else '-':>11}" for e in shown))
    lines += ["", "Decoys reported as PII (share of distinct decoy values)"]
    for d, x in summary["decoys"]["by_decoy_kind"].items():
        lines.append(f"  {d:<12} {x['reported']:>5} of {x['planted']:<6} {100 * (x['share'] or 0):6.1f}%")
    if problems:
        kinds = {p: truth["files"].get(p, {}).get("kind", "?") for p in problems}
        lines += ["", f"Items not scanned (error/skipped): {sum(len(v) for v in problems.values())} in {len(problems)} files"]
        reasons = defaultdict(int)
        for p, rows in problems.items():
            for part, status, reason in rows:
                reasons[(kinds[p], status, reason[:70])] += 1
        for (k, st, r), n in sorted(reasons.items(), key=lambda kv: -kv[1])[:15]:
            lines.append(f"  {n:>4}  {k:<12} {st:<8} {r}")
    return "\n".join(lines)


def score_corpus(out: Path, workers: int, inventory: Path | None, extra: list[str], entities: list[str] | None,
                 show: int = 0, scan_into: Path | None = None):
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    share = out / "share"
    tmp = None
    if scan_into is not None:
        shutil.rmtree(scan_into, ignore_errors=True)
        run_scan(share, scan_into, workers, extra)
        inventory = scan_into
    elif inventory is None:
        tmp = Path(tempfile.mkdtemp(prefix="piiscout-rw-"))
        inventory = tmp / "inventory"
        run_scan(share, inventory, workers, extra)
    try:
        found, problems = read_inventory(inventory, share)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    if entities is None:
        entities = sorted({e for ft in truth["files"].values() for e in ft["entities"]},
                          key=lambda e: (e not in ("US_SSN", "CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER"), e))
    kinds = sorted({ft["kind"] for ft in truth["files"].values()})
    res = score(truth, found, entities)
    summary = summarise(res, entities, kinds)
    summary["problems"] = {p: rows for p, rows in problems.items()}
    text = render(summary, entities, detected_entities(), problems, truth)
    if show:
        text += "\n" + examples(res, show)
    return summary, text
