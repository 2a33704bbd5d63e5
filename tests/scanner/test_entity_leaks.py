"""No raw value of any entity leaves a scan: one planted value of every
recognizer class (the first MUST_MATCH case of its table,
tests/detectors/recognizers/table.py), each in a file of its own, is
scanned by the CLI; the scan finds every entity, and no value, in any form
it could leak in, is in the inventory, the JSON log (verbose), the text and
JSON reports, or the CSV, XLSX and JSONL exports."""

from __future__ import annotations

import importlib
import zipfile

import pyarrow.dataset as ds
import pytest

from tests.conftest import all_strings, raw_variants, run_piiscout


def _planted() -> list:
    from detectors.catalog import recognizer_classes
    from tests.detectors.recognizers.table import module_cases

    out, seen = [], set()
    for cls in recognizer_classes():
        mod = importlib.import_module("tests." + cls.__module__.rsplit(".", 1)[0] + ".test_"
                                      + cls.__module__.rsplit(".", 1)[1])
        if cls.__name__ in seen:
            continue
        seen.add(cls.__name__)
        pos, _ = module_cases(mod)
        case = next(c for c in pos if c.recognizer == cls.__name__ and not c.xfail)
        out.append(case)
    return out


@pytest.fixture(scope="module")
def leak_scan(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("leaks")
    share = tmp / "share"
    share.mkdir()
    cases = _planted()
    for i, case in enumerate(cases):
        ext = case.name.rsplit(".", 1)[-1]
        (share / f"item{i:03d}.{ext}").write_text(case.text, encoding="utf-8")
    inv, log = tmp / "inv", tmp / "scan.log"
    proc = run_piiscout("scan", str(share), "-i", str(inv), "-v", "--log-format", "json", "--log-file", str(log))
    assert proc.returncode == 0, proc.stderr
    outputs = [proc.stdout, proc.stderr, log.read_text(encoding="utf-8"), "\n".join(all_strings(inv))]
    for fmt in ("text", "json"):
        rep = run_piiscout("report", str(inv), "--format", fmt)
        assert rep.returncode == 0, rep.stderr
        outputs += [rep.stdout, rep.stderr]
    for name in ("out.csv", "out.xlsx", "out.jsonl"):
        exp = run_piiscout("export", str(inv), "-o", str(tmp / name))
        assert exp.returncode == 0, exp.stderr
        outputs.append(exp.stdout + exp.stderr)
    outputs += [(tmp / "out.csv").read_text(encoding="utf-8"), (tmp / "out.jsonl").read_text(encoding="utf-8")]
    with zipfile.ZipFile(tmp / "out.xlsx") as z:
        outputs += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    return cases, inv, "\n".join(outputs)


def _raws(case) -> set[str]:
    values = case.value if isinstance(case.value, tuple) else (case.value,)
    out = set()
    for v in values:
        out |= raw_variants(v) | ({v} if len(v) >= 5 else set())  # ICD-10 codes are short: E11.9
        # A PEM body leaks line by line, not whole.
        out |= {line for line in v.splitlines() if len(line) >= 16 and "PRIVATE KEY" not in line}
    return out


def test_every_entity_is_planted_and_found(leak_scan):
    from detectors.catalog import recognizer_classes

    cases, inv, _ = leak_scan
    assert {c.recognizer for c in cases} == {c.__name__ for c in recognizer_classes()}
    found = {(r["entity_type"], r["detector"]) for r in ds.dataset(inv / "findings", format="parquet").to_table()
             .to_pylist()}
    assert sorted({(c.entity, c.recognizer) for c in cases} - found) == []


def test_no_raw_value_of_any_entity_leaves_the_scan(leak_scan):
    cases, _, blob = leak_scan
    from detectors.catalog import builtin_entities

    raws = {(c.entity, v) for c in cases for v in _raws(c)}
    assert {e for e, _ in raws} == builtin_entities()
    assert sorted((e, v) for e, v in raws if v in blob) == []
