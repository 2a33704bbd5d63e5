"""piiscout against plain Presidio on public labelled data nobody here wrote.

    .venv/bin/python bench/eval_public.py --mirror /work/.mirror
    .venv/bin/python bench/eval_public.py --pii-anon ~/src/pii-anon-eval-data --limit 2000
    .venv/bin/python bench/eval_public.py --mirror /work/.mirror --misses 30 --dataset datafog

Datasets (none is vendored: give a checkout or a bare git directory of each,
or `--mirror DIR` holding `owner+name/repo` git directories):

* presidio-research `data/synth_dataset_v2.json` (github:microsoft/presidio-research)
* DataFog `tests/corpus/*.json` (github:DataFog/datafog-python)
* pii-anon-eval-data splits `src/pii_anon_datasets/splits/*.jsonl.gz`
  (github:subhash-holla/pii-anon-eval-data; splits stored as Git LFS
  pointers are skipped and named)
* Presidio's own recognizer tests `presidio-analyzer/tests/test_*_recognizer.py`
  (github:microsoft/presidio): their parametrized cases are read with `ast`
  (literals only, nothing of theirs is imported or run).

For every record both tools analyse the same text: piiscout's
`DetectionEngine` with its default entities and threshold (plus PERSON with
`--ner`), and plain Presidio (`AnalyzerEngine`, default recognizers, the
same spaCy model, its default threshold 0) as `detectors/presidio_engine.py`
configures it offline. Labels of each dataset are mapped onto piiscout's
entity names (LABELS below); only entities that both tools detect and the
dataset labels are scored.

Scores, per dataset, half and entity:

* span level: a prediction matches a labelled span of the same entity when
  their overlap is at least half of their union (IoU >= 0.5), one to one;
  `exact` counts identical offsets only;
* record level: the record holds the entity (any span) vs. the tool
  reported it (any span).

Every dataset is split by a hash of the record id into a development half
(70 %) and a held-out half (30 %): look at misses (`--misses`, development
half only) to improve the detectors, and report both halves; a gap between
them is overfitting.

Presidio's recognizer tests: a case agrees when piiscout, at its default
threshold, reports every span the test expects with a score of at least 0.5
(or with no score given) and nothing but expected spans; spans the test
expects only as weak matches (expected score below 0.5, e.g. a bare
9-digit SSN) may be reported or not.

Plain Presidio's results are cached (`--cache`, keyed by Presidio's version
and the text), since they do not change while piiscout's detectors do.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

DEV_SHARE = 7  # of 10: the development half; the rest is held out


# -- sources ------------------------------------------------------------------------


class Source:
    """Files of a repository: a checkout (work tree) or a bare git directory."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.git = not (self.path / ".git").exists() and (self.path / "HEAD").exists()

    def list(self, prefix: str) -> list[str]:
        if self.git:
            out = subprocess.run(["git", "--git-dir", str(self.path), "ls-tree", "-r", "--name-only", "HEAD",
                                  prefix], capture_output=True, text=True, check=True).stdout
            return sorted(out.split())
        base = self.path / prefix
        return sorted(str(p.relative_to(self.path)) for p in base.rglob("*") if p.is_file())

    def read(self, rel: str) -> bytes:
        if self.git:
            return subprocess.run(["git", "--git-dir", str(self.path), "show", f"HEAD:{rel}"],
                                  capture_output=True, check=True).stdout
        return (self.path / rel).read_bytes()

    def __str__(self) -> str:
        return str(self.path)


@dataclass
class Record:
    dataset: str
    rid: str
    text: str
    spans: list[tuple[str, int, int]]  # (entity, start, end), mapped labels only
    unmapped: list[tuple[str, int, int]] = field(default_factory=list)  # other labels

    @property
    def half(self) -> str:
        h = int(hashlib.sha1(f"{self.dataset}/{self.rid}".encode()).hexdigest(), 16)
        return "dev" if h % 10 < DEV_SHARE else "held-out"


# Dataset label -> piiscout entity. Labels not listed are not scored (a
# prediction overlapping one is shown as a type confusion, still an FP).
LABELS = {
    "presidio-research": {
        "PERSON": "PERSON", "PHONE_NUMBER": "PHONE_NUMBER", "EMAIL_ADDRESS": "EMAIL_ADDRESS",
        "CREDIT_CARD": "CREDIT_CARD", "IBAN_CODE": "IBAN_CODE", "US_SSN": "US_SSN",
        "IP_ADDRESS": "IP_ADDRESS", "US_DRIVER_LICENSE": "US_DRIVER_LICENSE",
        "STREET_ADDRESS": "US_ADDRESS", "GPE": "LOCATION", "ORGANIZATION": "ORGANIZATION",
        "NRP": "NRP", "DATE_TIME": "DATE_TIME",
    },
    "datafog": {
        "EMAIL": "EMAIL_ADDRESS", "PHONE": "PHONE_NUMBER", "SSN": "US_SSN", "CREDIT_CARD": "CREDIT_CARD",
        "IP_ADDRESS": "IP_ADDRESS", "PERSON": "PERSON", "LOCATION": "LOCATION",
        "ORGANIZATION": "ORGANIZATION", "ADDRESS": "US_ADDRESS", "DE_IBAN": "IBAN_CODE",
        "DATE": "DATE_TIME",
    },
    "pii-anon": {
        "PERSON_NAME": "PERSON", "EMAIL_ADDRESS": "EMAIL_ADDRESS", "PHONE_NUMBER": "PHONE_NUMBER",
        "SOCIAL_SECURITY_NUMBER": "US_SSN", "CREDIT_CARD_NUMBER": "CREDIT_CARD",
        "IP_ADDRESS": "IP_ADDRESS", "IBAN": "IBAN_CODE", "STREET_ADDRESS": "US_ADDRESS",
        "DATE_OF_BIRTH": "DATE_OF_BIRTH", "DRIVER_LICENSE_NUMBER": "US_DRIVER_LICENSE",
        "PASSPORT_NUMBER": "US_PASSPORT", "BANK_ACCOUNT_NUMBER": "US_BANK_NUMBER",
        "BANK_ROUTING_NUMBER": "ABA_ROUTING_NUMBER", "MEDICATION_NAME": "MEDICATION",
        "HEALTH_CONDITION": "MEDICAL_CONDITION", "PROCEDURE_NAME": "MEDICAL_PROCEDURE",
        "ORGANIZATION_NAME": "ORGANIZATION", "NPI_NUMBER": "US_NPI", "MAC_ADDRESS": "MAC_ADDRESS",
        "TIMESTAMP": "DATE_TIME",
    },
}

# Presidio's entity names that differ from piiscout's.
PRESIDIO_NAMES = {"ABA_ROUTING_NUMBER": "ABA_ROUTING_NUMBER", "MEDICAL_LICENSE": "MEDICAL_LICENSE"}


def _add(rec: Record, mapping: dict, label: str, start: int, end: int) -> None:
    ent = mapping.get(label)
    (rec.spans if ent else rec.unmapped).append((ent or label, start, end))


def load_presidio_research(src: Source):
    data = json.loads(src.read("data/synth_dataset_v2.json"))
    mapping = LABELS["presidio-research"]
    for i, r in enumerate(data):
        rec = Record("presidio-research", str(i), r["full_text"], [])
        for s in r["spans"]:
            _add(rec, mapping, s["entity_type"], s["start_position"], s["end_position"])
        yield rec


def load_datafog(src: Source):
    mapping = LABELS["datafog"]
    for rel in src.list("tests/corpus"):
        if not rel.endswith(".json"):
            continue
        for r in json.loads(src.read(rel)):
            rec = Record("datafog", f"{Path(rel).stem}/{r['id']}", r["input"], [])
            for e in r["expected_entities"]:
                _add(rec, mapping, e["type"], e["start"], e["end"])
            yield rec


def load_pii_anon(src: Source, skipped: list[str]):
    mapping = LABELS["pii-anon"]
    for rel in src.list("src/pii_anon_datasets/splits"):
        if not rel.endswith(".jsonl.gz"):
            continue
        try:
            blob = src.read(rel)
        except (OSError, subprocess.CalledProcessError):
            skipped.append(f"{rel} (not in the snapshot)")
            continue
        if not blob.startswith(b"\x1f\x8b"):
            skipped.append(f"{rel} (not gzip: a Git LFS pointer?)")
            continue
        split = Path(rel).name.split(".")[0]
        for line in gzip.decompress(blob).decode("utf-8").splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            rec = Record("pii-anon", f"{split}/{r['record_id']}", r["text"], [])
            rec.split = split  # type: ignore[attr-defined]
            for a in r["annotations"]:
                _add(rec, mapping, a["entity_type"], a["start"], a["end"])
            yield rec


# -- the two tools ------------------------------------------------------------------


def piiscout_engine(ner: bool, **settings):
    from detectors.catalog import DetectorSettings, default_entities
    from detectors.engine import DetectionEngine

    entities = tuple(dict.fromkeys(default_entities() + (("PERSON",) if ner else ())))
    return DetectionEngine(DetectorSettings(entities=entities, ner=ner, **settings))


# Rows shown beside the default one: what piiscout finds with a documented
# option that changes a deliberate default. (entity, label, settings)
VARIANTS = (
    ("CREDIT_CARD", "published test cards reported (--report-test-cards)", {"report_test_cards": True}),
    ("IP_ADDRESS", "internal addresses reported (--min-score 0.3)", {"min_score": 0.3}),
)


def piiscout_detect(engine, text: str) -> list[tuple[str, int, int, float]]:
    from scanner.model import Segment

    return [(r.entity_type, r.start, r.end, r.score) for r in engine.detect(Segment(text))]


class PresidioRunner:
    """Plain Presidio with an on-disk cache of its results."""

    def __init__(self, cache_dir: Path | None):
        import presidio_analyzer

        from detectors.presidio_engine import plain_presidio

        logging.getLogger("tldextract").setLevel(logging.CRITICAL)
        self.analyzer = plain_presidio()
        self.version = getattr(presidio_analyzer, "__version__", "") or _dist_version("presidio-analyzer")
        self.cache: dict[str, list] = {}
        self.path = None
        self.dirty = 0
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            self.path = cache_dir / f"presidio-{self.version}.json"
            if self.path.exists():
                self.cache = json.loads(self.path.read_text())
        self.entities = sorted(self.analyzer.get_supported_entities("en"))

    def detect(self, text: str) -> list[tuple[str, int, int, float]]:
        key = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
        got = self.cache.get(key)
        if got is None:
            got = [(PRESIDIO_NAMES.get(r.entity_type, r.entity_type), r.start, r.end, round(r.score, 4))
                   for r in self.analyzer.analyze(text=text, language="en")]
            self.cache[key] = got
            self.dirty += 1
            if self.dirty >= 500:
                self.save()
        return [tuple(x) for x in got]

    def save(self) -> None:
        if self.path is not None and self.dirty:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.cache))
            os.replace(tmp, self.path)
            self.dirty = 0


def _dist_version(name: str) -> str:
    from importlib.metadata import version

    try:
        return version(name)
    except Exception:  # noqa: BLE001
        return "unknown"


# -- scoring -------------------------------------------------------------------------


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    exact: int = 0
    rec_tp: int = 0
    rec_fp: int = 0
    rec_fn: int = 0

    def p(self, tp, fp):
        return tp / (tp + fp) if tp + fp else None

    def r(self, tp, fn):
        return tp / (tp + fn) if tp + fn else None

    def row(self) -> dict:
        return {
            "span_p": self.p(self.tp, self.fp), "span_r": self.r(self.tp, self.fn),
            "exact_r": self.r(self.exact, self.tp + self.fn - self.exact),
            "rec_p": self.p(self.rec_tp, self.rec_fp), "rec_r": self.r(self.rec_tp, self.rec_fn),
            "support": self.tp + self.fn, "tp": self.tp, "fp": self.fp, "fn": self.fn,
        }


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def match(truth: list[tuple[int, int]], pred: list[tuple[int, int]]) -> tuple[list, list, list, int]:
    """One-to-one matches at IoU >= 0.5 (best first): (pairs, unmatched
    truth, unmatched predictions, exact matches)."""
    cands = sorted(((_iou(t, p), i, j) for i, t in enumerate(truth) for j, p in enumerate(pred)), reverse=True)
    used_t, used_p, pairs = set(), set(), []
    for iou, i, j in cands:
        if iou < 0.5:
            break
        if i in used_t or j in used_p:
            continue
        used_t.add(i)
        used_p.add(j)
        pairs.append((truth[i], pred[j]))
    exact = sum(1 for t, p in pairs if t == p)
    return (pairs, [t for i, t in enumerate(truth) if i not in used_t],
            [p for j, p in enumerate(pred) if j not in used_p], exact)


def score_record(rec: Record, preds: list[tuple[str, int, int, float]], entities: set[str],
                 counts: dict, misses: list | None) -> None:
    for ent in entities:
        truth = sorted({(s, e) for t, s, e in rec.spans if t == ent})
        pred = sorted({(s, e) for t, s, e, _ in preds if t == ent})
        c = counts[ent]
        pairs, fn, fp, exact = match(truth, pred)
        c.tp += len(pairs)
        c.fn += len(fn)
        c.fp += len(fp)
        c.exact += exact
        c.rec_tp += bool(truth) and bool(pred)
        c.rec_fp += (not truth) and bool(pred)
        c.rec_fn += bool(truth) and not pred
        if misses is not None:
            for s, e in fn:
                misses.append(("FN", ent, rec, s, e))
            for s, e in fp:
                misses.append(("FP", ent, rec, s, e))


def _confusion(rec: Record, s: int, e: int) -> str:
    for label, ls, le in rec.unmapped + rec.spans:
        if _iou((s, e), (ls, le)) >= 0.5:
            return f" (labelled {label})"
    return ""


# -- Presidio's recognizer tests ---------------------------------------------------------

# test file -> the entity its cases are about.
PRESIDIO_TESTS = {
    "test_credit_card_recognizer.py": "CREDIT_CARD", "test_email_recognizer.py": "EMAIL_ADDRESS",
    "test_iban_recognizer.py": "IBAN_CODE", "test_ip_recognizer.py": "IP_ADDRESS",
    "test_phone_recognizer.py": "PHONE_NUMBER", "test_us_ssn_recognizer.py": "US_SSN",
    "test_us_bank_recognizer.py": "US_BANK_NUMBER", "test_us_driver_license_recognizer.py": "US_DRIVER_LICENSE",
    "test_us_itin_recognizer.py": "US_ITIN", "test_us_passport_recognizer.py": "US_PASSPORT",
    "test_aba_routing_recognizer.py": "ABA_ROUTING_NUMBER", "test_uk_nino_recognizer.py": "UK_NINO",
    "test_ca_sin_recognizer.py": "CA_SIN", "test_uk_nhs_recognizer.py": "UK_NHS",
    "test_de_tax_id_recognizer.py": "DE_TAX_ID", "test_es_nie_recognizer.py": "ES_NIE",
    "test_es_nif_recognizer.py": "ES_NIF", "test_it_fiscal_code_recognizer.py": "IT_FISCAL_CODE",
    "test_pl_pesel_recognizer.py": "PL_PESEL", "test_fi_personal_identity_code_recognizer.py": "FI_PERSONAL_IDENTITY_CODE",
    "test_us_npi_recognizer.py": "US_NPI",
}
_TEXT_ARGS = ("text", "iban")
_POS_ARGS = ("expected_positions", "expected_res", "expected_position")
_SCORE_ARGS = ("expected_score_ranges", "expected_scores", "expected_score", "score")
# Parameter sets that test Presidio's configuration rather than the data.
_SKIP_ARGS = ("leniency", "expected_textual_explanations", "deny_list")


@dataclass
class TestCase:
    file: str
    entity: str
    text: str
    required: set
    optional: set
    count: int  # expected results when positions are not given

    @property
    def half(self) -> str:
        h = int(hashlib.sha1(f"{self.file}/{self.text}".encode()).hexdigest(), 16)
        return "dev" if h % 10 < DEV_SHARE else "held-out"


def presidio_test_cases(src: Source, entities: set[str]) -> list[TestCase]:
    out = []
    for rel in src.list("presidio-analyzer/tests"):
        name = Path(rel).name
        ent = PRESIDIO_TESTS.get(name)
        if ent is None or ent not in entities:
            continue
        tree = ast.parse(src.read(rel).decode("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize":
                out += _cases_of(name, ent, node)
    return out


def _cases_of(name: str, ent: str, node: ast.Call) -> list[TestCase]:
    try:
        argnames = [a.strip() for a in ast.literal_eval(node.args[0]).split(",")]
    except (ValueError, SyntaxError, IndexError, AttributeError):
        return []
    if any(a in _SKIP_ARGS for a in argnames) or "expected_len" not in argnames:
        return []
    ti = next((argnames.index(a) for a in _TEXT_ARGS if a in argnames), None)
    if ti is None:
        return []
    pi = next((argnames.index(a) for a in _POS_ARGS if a in argnames), None)
    si = next((argnames.index(a) for a in _SCORE_ARGS if a in argnames), None)
    li = argnames.index("expected_len")
    cases = []
    for elt in getattr(node.args[1], "elts", []):
        try:
            vals = ast.literal_eval(elt)
        except ValueError:
            continue
        text, n = vals[ti], vals[li]
        positions = [tuple(p) for p in (vals[pi] if pi is not None else ())]
        scores = vals[si] if si is not None else None
        required, optional = set(), set()
        for k, pos in enumerate(positions):
            top = _score_top(scores, k)
            (optional if top is not None and top < 0.5 else required).add(pos)
        unknown = max(0, n - len(positions)) if not positions else 0
        if unknown and _score_top(scores, 0) is not None and _score_top(scores, 0) < 0.5:
            unknown = 0
        cases.append(TestCase(name, ent, text, required, optional, unknown))
    return cases


def _score_top(scores, k: int) -> float | None:
    """The highest score the test allows for its k-th result, if it says."""
    if scores is None or scores == ():
        return None
    if isinstance(scores, (int, float)):
        return float(scores) if scores >= 0 else None
    if k >= len(scores):
        return None
    s = scores[k]
    if isinstance(s, (tuple, list)):
        return float(max(s))
    return float(s)


def agrees(case: TestCase, preds) -> bool:
    got = {(s, e) for t, s, e, _ in preds if t == case.entity}
    if case.count:
        return len(got) >= case.count
    return case.required <= got <= case.required | case.optional


# -- the run ---------------------------------------------------------------------------


def find_sources(a) -> dict[str, Source]:
    named = {"presidio-research": a.presidio_research, "datafog": a.datafog, "pii-anon": a.pii_anon,
             "presidio-tests": a.presidio}
    repos = {"presidio-research": "microsoft+presidio-research", "datafog": "DataFog+datafog-python",
             "pii-anon": "subhash-holla+pii-anon-eval-data", "presidio-tests": "microsoft+presidio"}
    out = {}
    for key, path in named.items():
        if path is None and a.mirror is not None:
            cand = Path(a.mirror) / repos[key] / "repo"
            path = cand if cand.exists() else None
        if path is not None:
            out[key] = Source(Path(path))
    return out


def subsample(records: list[Record], limit: int | None) -> list[Record]:
    if not limit or len(records) <= limit:
        return records
    keyed = sorted(records, key=lambda r: hashlib.sha1(f"{r.dataset}/{r.rid}".encode()).hexdigest())
    return keyed[:limit]


def fmt(x) -> str:
    return "-" if x is None else f"{x:.2f}"


def run_dataset(name: str, records: list[Record], engine, presidio, ours: set[str], theirs: set[str],
                show_misses: int, variants=()) -> dict:
    labelled = {t for r in records for t, _, _ in r.spans}
    both = sorted(labelled & ours & theirs)
    variants = [(ent, label, eng) for ent, label, eng in variants if ent in both]
    varied = {label: {half: defaultdict(Counts) for half in ("dev", "held-out")} for _, label, _ in variants}
    counts = {tool: {half: defaultdict(Counts) for half in ("dev", "held-out")} for tool in ("piiscout", "presidio")}
    # Plain Presidio at each threshold, for its recall at precision >= 0.95.
    graded = {t: {half: defaultdict(Counts) for half in ("dev", "held-out")} for t in THRESHOLDS}
    misses: list = []
    secs = {"piiscout": 0.0, "presidio": 0.0}
    nbytes = 0
    for rec in records:
        nbytes += len(rec.text.encode("utf-8", "surrogatepass"))
        t0 = time.perf_counter()
        ours_found = piiscout_detect(engine, rec.text)
        secs["piiscout"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        theirs_found = presidio.detect(rec.text)
        secs["presidio"] += time.perf_counter() - t0
        score_record(rec, ours_found, set(both), counts["piiscout"][rec.half],
                     misses if rec.half == "dev" else None)
        score_record(rec, theirs_found, set(both), counts["presidio"][rec.half], None)
        for t in THRESHOLDS:
            score_record(rec, [x for x in theirs_found if x[3] >= t], set(both), graded[t][rec.half], None)
        for ent, label, eng in variants:
            score_record(rec, piiscout_detect(eng, rec.text), {ent}, varied[label][rec.half], None)
    presidio.save()
    out = {"records": len(records), "bytes": nbytes, "entities": both, "halves": {}}
    for half in ("dev", "held-out"):
        out["halves"][half] = {ent: {tool: counts[tool][half][ent].row() for tool in counts} for ent in both}
        for ent in both:
            out["halves"][half][ent]["presidio_at_p95"] = _best_at_p95(graded, half, ent)
        for ent, label, _ in variants:
            out["halves"][half][ent]["variant"] = {"label": label, **varied[label][half][ent].row()}
    if show_misses:
        _print_misses(name, misses, show_misses)
    return out


THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def _best_at_p95(graded, half: str, ent: str) -> dict:
    """Plain Presidio's highest span recall at a score threshold where its
    span precision is at least 0.95 (recall 0 if there is none)."""
    best = {"threshold": None, "span_r": 0.0, "span_p": None}
    for t in THRESHOLDS:
        row = graded[t][half][ent].row()
        if row["span_p"] is not None and row["span_p"] >= 0.95 and (row["span_r"] or 0) > best["span_r"]:
            best = {"threshold": t, "span_r": row["span_r"], "span_p": row["span_p"]}
    return best


def _print_misses(name: str, misses: list, limit: int) -> None:
    by = defaultdict(list)
    for kind, ent, rec, s, e in misses:
        by[(kind, ent)].append((rec, s, e))
    for (kind, ent), items in sorted(by.items()):
        print(f"\n## {name}: piiscout {kind} {ent} ({len(items)}, development half)", file=sys.stderr)
        for rec, s, e in items[:limit]:
            lo, hi = max(0, s - 50), min(len(rec.text), e + 30)
            shown = (rec.text[lo:s] + "[[" + rec.text[s:e] + "]]" + rec.text[e:hi]).replace("\n", "\\n")
            extra = _confusion(rec, s, e) if kind == "FP" else ""
            print(f"  {rec.rid[:40]}: {shown}{extra}", file=sys.stderr)


def print_table(name: str, res: dict) -> None:
    print(f"\n### {name}: {res['records']} records, {res['bytes'] / 1e6:.2f} MB")
    print("| half | entity | support | piiscout span P / R | Presidio span P / R | Presidio R at P>=0.95 "
          "| piiscout record P / R | Presidio record P / R | target |")
    print("|---|---|---|---|---|---|---|---|---|")
    for half, ents in res["halves"].items():
        for ent, tools in ents.items():
            o, t, b = tools["piiscout"], tools["presidio"], tools["presidio_at_p95"]
            at = f"{fmt(b['span_r'])} (>= {b['threshold']})" if b["threshold"] is not None else "0.00 (none)"
            print(f"| {half} | {ent} | {o['support']} | {fmt(o['span_p'])} / {fmt(o['span_r'])} | "
                  f"{fmt(t['span_p'])} / {fmt(t['span_r'])} | {at} | {fmt(o['rec_p'])} / {fmt(o['rec_r'])} | "
                  f"{fmt(t['rec_p'])} / {fmt(t['rec_r'])} | {_target(o, t, b)} |")
            v = tools.get("variant")
            if v:
                print(f"| {half} | {ent}: {v['label']} | {v['support']} | {fmt(v['span_p'])} / {fmt(v['span_r'])} "
                      f"| | | {fmt(v['rec_p'])} / {fmt(v['rec_r'])} | | {_target(v, t, b)} |")


def _target(o: dict, t: dict, b: dict) -> str:
    """Issue 22: piiscout's recall at least Presidio's, at precision >= 0.95.
    'met': at least plain Presidio's default (threshold 0) recall;
    'met at P>=0.95': at least Presidio's recall at any threshold where its
    own precision is 0.95 or more, but below its default recall."""
    if not o["support"]:
        return "-"
    if o["span_p"] is not None and o["span_p"] < 0.95:
        return "not met (P < 0.95)"
    r = o["span_r"] or 0
    if r >= (t["span_r"] or 0) - 1e-9:
        return "met"
    if r >= b["span_r"] - 1e-9:
        return "met at P>=0.95"
    return "not met (R)"


def run_tests(src: Source, engine, ours: set[str], show: int, variants=()) -> dict:
    cases = presidio_test_cases(src, ours)
    res: dict = {}
    bad = []
    alt = {ent: eng for ent, _, eng in variants}
    extra: dict[str, int] = {}
    for case in cases:
        ok = agrees(case, piiscout_detect(engine, case.text))
        if not ok and case.entity in alt and agrees(case, piiscout_detect(alt[case.entity], case.text)):
            extra[case.entity] = extra.get(case.entity, 0) + 1
        row = res.setdefault(case.half, {}).setdefault(case.entity, [0, 0])
        row[0] += ok
        row[1] += 1
        if not ok and case.half == "dev":
            bad.append(case)
    print("\n### Presidio's recognizer tests: cases piiscout agrees with")
    print("| entity | dev | held-out | more with an option (both halves) |")
    print("|---|---|---|---|")
    ents = sorted({e for h in res.values() for e in h})
    tot = {h: [0, 0] for h in ("dev", "held-out")}
    for ent in ents:
        cells = []
        for h in ("dev", "held-out"):
            a, n = res.get(h, {}).get(ent, [0, 0])
            tot[h][0] += a
            tot[h][1] += n
            cells.append(f"{a}/{n}")
        opt = next((f"+{extra[ent]} ({label})" for e, label, _ in variants if e == ent and extra.get(ent)), "")
        print(f"| {ent} | {cells[0]} | {cells[1]} | {opt} |")
    print(f"| all | {tot['dev'][0]}/{tot['dev'][1]} | {tot['held-out'][0]}/{tot['held-out'][1]} "
          f"| +{sum(extra.values())} |")
    if show:
        print("\n## Presidio test cases piiscout disagrees with (development half)", file=sys.stderr)
        for case in bad[:show]:
            got = [(s, e, sc) for t, s, e, sc in piiscout_detect(engine, case.text) if t == case.entity]
            print(f"  {case.file}: {case.text[:100]!r} expected {sorted(case.required)}"
                  f"{' optional ' + str(sorted(case.optional)) if case.optional else ''} got {got}", file=sys.stderr)
    return {"by_half": res, "total": tot, "more_with_options": extra}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mirror", help="directory of owner+name/repo git directories (the search tool's fetch)")
    ap.add_argument("--presidio-research", help="checkout or git dir of microsoft/presidio-research")
    ap.add_argument("--datafog", help="checkout or git dir of DataFog/datafog-python")
    ap.add_argument("--pii-anon", help="checkout or git dir of subhash-holla/pii-anon-eval-data")
    ap.add_argument("--presidio", help="checkout or git dir of microsoft/presidio (recognizer tests)")
    ap.add_argument("--dataset", action="append", help="only these (presidio-research, datafog, pii-anon, "
                                                        "presidio-tests); repeatable")
    ap.add_argument("--limit", type=int, help="at most N records per dataset (a fixed hash-ordered sample)")
    ap.add_argument("--ner", action="store_true", help="piiscout with --ner (PERSON); slower")
    ap.add_argument("--cache", default=str(Path.home() / ".cache" / "piiscout-eval"),
                    help="where plain Presidio's results are cached ('' for none)")
    ap.add_argument("--misses", type=int, default=0, help="print up to N piiscout misses per entity "
                                                           "(development half only)")
    ap.add_argument("--json", help="write the results here")
    a = ap.parse_args(argv)
    sources = find_sources(a)
    if a.dataset:
        sources = {k: v for k, v in sources.items() if k in a.dataset}
    if not sources:
        print("eval_public: no dataset found (give --mirror or a dataset path)", file=sys.stderr)
        return 2
    engine = piiscout_engine(a.ner)
    ours = set(engine.entities)
    variants = [(ent, label, piiscout_engine(a.ner, **kw)) for ent, label, kw in VARIANTS]
    results: dict = {"generated": time.strftime("%Y-%m-%d %H:%M"), "datasets": {}}
    presidio = None
    skipped: list[str] = []
    loaders = {"presidio-research": load_presidio_research, "datafog": load_datafog,
               "pii-anon": lambda s: load_pii_anon(s, skipped)}
    for name, src in sources.items():
        if name == "presidio-tests":
            continue
        if presidio is None:
            presidio = PresidioRunner(Path(a.cache) if a.cache else None)
        records = subsample(list(loaders[name](src)), a.limit)
        res = run_dataset(name, records, engine, presidio, ours, set(presidio.entities), a.misses, variants)
        results["datasets"][name] = res
        print_table(name, res)
    if skipped:
        print("\nskipped: " + "; ".join(skipped))
        results["skipped"] = skipped
    if "presidio-tests" in sources:
        results["presidio_tests"] = run_tests(sources["presidio-tests"], engine, ours, a.misses, variants)
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
