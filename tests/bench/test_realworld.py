"""bench/realworld.py, run tiny: the generator writes what its truth says and
the scorer scores a real scan of it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "realworld.py"
TEXT_KINDS = {"csv", "sql", "fixed-width", "ndjson", "log", "code"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rw") / "corpus"
    subprocess.run([sys.executable, str(SCRIPT), "generate", str(out), "--files", "18", "--seed", "5",
                    "--log-lines", "60"], check=True, capture_output=True)
    return out


def test_every_kind_is_written_with_its_truth(corpus):
    sys.path.insert(0, str(ROOT / "bench"))
    from rw.generate import KINDS

    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    assert truth["version"] == 1
    files = truth["files"]
    assert {ft["kind"] for ft in files.values()} == set(KINDS)
    for rel in files:
        assert (corpus / "share" / rel).is_file(), rel
    planted = sum(len(v) for ft in files.values() for v in ft["entities"].values())
    decoys = sum(len(v) for ft in files.values() for v in ft["decoys"].values())
    assert planted > 300 and decoys > 100


def test_planted_values_are_in_the_text_files(corpus):
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    checked = 0
    for rel, ft in truth["files"].items():
        if ft["kind"] not in TEXT_KINDS:
            continue
        raw = (corpus / "share" / rel).read_bytes()
        text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8", "replace")
        for entity, values in ft["entities"].items():
            for forms in values:
                if entity == "PERSON":  # first and last name may sit in two columns
                    assert all(w in text for w in forms[0].replace(",", " ").split()), (rel, entity)
                else:
                    assert forms[0] in text, (rel, entity)
                checked += 1
        for kind, values in ft["decoys"].items():
            for v in values:
                assert v in text, (rel, kind)
    assert checked > 50


def test_score_runs_a_real_scan(corpus, tmp_path):
    out = tmp_path / "score.json"
    proc = subprocess.run([sys.executable, str(SCRIPT), "score", str(corpus), "-j", "1", "--json", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Decoys reported as PII" in proc.stdout
    summary = json.loads(out.read_text())
    email = summary["entities"]["EMAIL_ADDRESS"]["item"]
    # e-mail addresses in plain text files are found by any version: the
    # scorer must see them (an all-zero scorer fails here)
    assert email["tp"] > 0 and email["recall"] > 0.5
    assert set(summary["decoys"]["by_decoy_kind"]) >= {"counter10", "order9", "zero_padded"}
