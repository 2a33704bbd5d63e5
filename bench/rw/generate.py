"""Lays out the share: which kinds of file, where, under what names."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Callable

from rw import documents, mail, tables, texts
from rw.plant import Planter

TRUTH_VERSION = 1
THEMES = list(tables.THEMES)
PII_THEMES = [t for t in THEMES if t != "inventory"]


def _sheets(p: Planter, pii: bool = True, n: int | None = None) -> list[tables.Sheet]:
    rng = p.rng
    n = n or rng.choice([1, 1, 2, 3])
    themes = [rng.choice(PII_THEMES) for _ in range(n)] if pii else ["inventory"]
    if pii and n > 1 and rng.random() < 0.2:
        themes.append("inventory")
    return tables.build_sheets(p, themes, rng.randint(8, 80))


def _xlsx(p, path):
    tables.write_xlsx(_sheets(p), path)


def _xls(p, path):
    tables.write_xls(_sheets(p), path)


def _ods(p, path):
    tables.write_ods(_sheets(p), path)


def _csv(p, path):
    (sheet,) = _sheets(p, n=1)
    tables.write_csv(sheet, path, p.rng, p.rng.choice(["utf-8", "utf-8", "cp1252", "utf-8-sig"]))


def _docx(p, path):
    documents.write_docx(documents.build_doc(p, p.rng.randint(4, 12)), path, p.rng)


def _odt(p, path):
    documents.write_odt(documents.build_doc(p, p.rng.randint(4, 10)), path, p.rng)


def _attachment(p: Planter) -> tuple[str, bytes]:
    kind = p.rng.choice(["csv", "xlsx", "docx", "txt"])
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / f"a.{kind}"
        if kind == "txt":
            f.write_bytes(texts.legacy_text(p)[0])
        else:
            {"csv": _csv, "xlsx": _xlsx, "docx": _docx}[kind](p, f)
        name = p.rng.choice({"csv": ["export.csv", "Client List.csv"], "xlsx": ["Roster.xlsx", "payroll_changes.xlsx"],
                             "docx": ["Offer Letter.docx", "memo.docx"], "txt": ["notes.txt", "README.txt"]}[kind])
        return name, f.read_bytes()


def _eml(p, path):
    atts = [_attachment(p) for _ in range(p.rng.randint(1, 3))]
    path.write_bytes(mail.tnef_mail(p, atts))


def _bytes(fn: Callable) -> Callable:
    def write(p, path):
        path.write_bytes(fn(p))
    return write


# kind -> (weight, [(folder, name pattern)], extension, writer). Names use
# {n} (a counter) and {y} (a year) so they read like a share's.
KINDS: dict[str, tuple[float, list[str], str, Callable]] = {
    "xlsx": (3, ["HR/Employee Roster {y}", "Finance/payments_{n}", "HR/Benefits/Open Enrollment {n}", "Clinic/patient_census_{n}"], ".xlsx", _xlsx),
    "xls": (2, ["Finance/Archive/Payroll {y}", "HR/Old/staff list {n}"], ".xls", _xls),
    "ods": (1, ["Shared/contacts_{n}", "Volunteers/roster {y}"], ".ods", _ods),
    "csv": (2, ["Exports/customers_{n}", "CRM/leads_{y}_{n}", "Finance/card_batch_{n}"], ".csv", _csv),
    "pdf": (2, ["Scans/Reports/report_{n}", "HR/Forms/form_{n}", "Finance/Statements/statement {n}"], ".pdf", lambda p, f: documents.write_pdf(p, f)),
    "docx": (2, ["HR/Letters/letter_{n}", "Legal/memo {n}", "Clients/notes {y}-{n}"], ".docx", _docx),
    "odt": (1, ["Shared/Docs/minutes_{n}", "Volunteers/letter {n}"], ".odt", _odt),
    "pptx": (1, ["Sales/Decks/review {y}-{n}", "HR/Training/onboarding_{n}"], ".pptx", lambda p, f: documents.write_pptx(p, f)),
    "text-legacy": (2, ["Users/notes_{n}", "Old Server/Letters/LETTER{n}", "Users/Desktop/todo {n}"], ".txt", None),
    "sql": (1, ["IT/Backups/dump_{y}_{n}"], ".sql", _bytes(texts.sql_dump)),
    "fixed-width": (1, ["Finance/Reports/PAYREG{n}"], ".txt", _bytes(texts.fixed_width)),
    "ndjson": (1, ["IT/exports/orders_{n}"], ".ndjson", _bytes(texts.ndjson)),
    "log": (2, ["IT/Logs/app-{y}-{n}", "IT/Logs/sync_{n}"], ".log", None),
    "log-nopii": (2, ["IT/Logs/metrics-{n}", "IT/Logs/worker_{n}"], ".log", None),
    "code": (1, ["Dev/billing/tests/test_gateway_{n}", "Dev/webshop/src/fixtures_{n}", "Dev/config/app_{n}"], "", None),
    "eml-tnef": (1.5, ["Mail/Saved/message_{n}", "Users/Downloads/FW_ {n}"], ".eml", _eml),
}


def _write(kind: str, p: Planter, path: Path, log_lines: int) -> Path:
    """Writes one file of `kind`; returns its path (the extension may be the writer's)."""
    writer = KINDS[kind][3]
    if kind == "text-legacy":
        data, _ = texts.legacy_text(p)
        path.write_bytes(data)
    elif kind in ("log", "log-nopii"):
        path.write_bytes(texts.log_file(p, kind == "log", log_lines))
    elif kind == "code":
        data, ext = texts.code_fixture(p)
        path = path.with_name(path.name + ext)
        path.write_bytes(data)
    else:
        writer(p, path)
    return path


def generate(out: Path, files: int, seed: int, log_lines: int = 2000, kinds: list[str] | None = None) -> dict:
    """Writes `files` files under out/share and out/truth.json; returns the truth."""
    p = Planter(seed)
    share = out / "share"
    share.mkdir(parents=True, exist_ok=True)
    chosen = kinds or list(KINDS)
    weights = [KINDS[k][0] for k in chosen]
    plan = [chosen[i % len(chosen)] for i in range(min(files, len(chosen)))]  # every kind at least once
    plan += p.rng.choices(chosen, weights=weights, k=max(0, files - len(plan)))
    counters: dict[str, int] = {}
    for kind in plan:
        _, names, ext, _ = KINDS[kind]
        counters[kind] = counters.get(kind, 0) + 1
        stem = p.rng.choice(names).format(n=counters[kind], y=p.rng.randint(2015, 2025))
        path = share / (stem + ext)
        while path.exists():
            path = path.with_name(path.stem + "_" + str(p.rng.randint(2, 99)) + path.suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp_rel = path.relative_to(share).as_posix()
        p.begin(tmp_rel, kind)
        final = _write(kind, p, path, log_lines)
        if final != path:  # the writer chose the name: move the truth along
            p.truth[final.relative_to(share).as_posix()] = p.truth.pop(tmp_rel)
    truth = {"version": TRUTH_VERSION, "seed": seed, "files": {k: v.as_json() for k, v in sorted(p.truth.items())}}
    (out / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False), encoding="utf-8")
    return truth
