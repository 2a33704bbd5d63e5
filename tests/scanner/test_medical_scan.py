"""End to end: the real CLI scans the clinic fixtures (visit notes, referral
letters, an appointments table) and IT/finance decoys full of medical-sounding
idioms, version strings and ICD-lookalike part numbers."""

from __future__ import annotations

import json

import pytest

from scanner.evaluation import evaluate, found_hashes, worst_files
from tests.conftest import all_strings, run_piiscout

MEDICAL = ("MEDICAL_CONDITION", "MEDICATION", "MEDICAL_PROCEDURE", "ICD10_CODE")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, fixtures_dir):
    inv = tmp_path_factory.mktemp("inv")
    proc = run_piiscout("scan", str(fixtures_dir / "clinic"), "--inventory", str(inv), "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    return inv, proc


@pytest.fixture(scope="module")
def clinic_truth(truth):
    return {k: v for k, v in truth.items() if k.startswith("clinic/")}


def test_clinic_files_are_found_and_decoys_are_not(scanned, fixtures_dir, clinic_truth):
    inv, _ = scanned
    found = found_hashes(inv, None, fixtures_dir)
    for path, planted in clinic_truth.items():
        got = {e for e, hashes in found.get(path, {}).items() if e in MEDICAL and hashes}
        assert got == {e for e in planted if e in MEDICAL}, path
    decoys = [p for p in clinic_truth if "/decoys/" in p]
    assert len(decoys) == 3
    assert all(not set(found.get(p, {})) & set(MEDICAL) for p in decoys)


def test_planted_terms_precision_and_recall(scanned, fixtures_dir, clinic_truth):
    inv, _ = scanned
    result = evaluate(found_hashes(inv, None, fixtures_dir), clinic_truth, entities=MEDICAL)
    assert worst_files(result, 0.95) == []
    assert sum(s.tp for per in result.values() for s in per.values()) >= 100


def test_no_planted_term_in_clear_in_the_inventory(scanned, clinic_truth):
    inv, proc = scanned
    blob = "\n".join(all_strings(inv)) + proc.stdout + proc.stderr
    leaks = {v for f in clinic_truth.values() for vals in f.values() for v in vals
             if len(v) >= 6 and v.lower() in blob.lower()}
    assert leaks == set()


def test_report_and_detectors_list_medical_entities(scanned):
    inv, _ = scanned
    rep = json.loads(run_piiscout("report", str(inv), "--format", "json").stdout)
    assert {r["entity_type"] for r in rep["by_entity"]} >= set(MEDICAL)
    rows = json.loads(run_piiscout("detectors", "--format", "json").stdout)
    notes = {r["entity_type"]: r for r in rows}
    for entity in MEDICAL:
        assert notes[entity]["default"] is True
    assert "terms" in notes["MEDICATION"]["notes"] and "ICD-10-CM codes" in notes["ICD10_CODE"]["notes"]
