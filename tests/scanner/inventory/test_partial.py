"""Completeness is a fact: a scan that could not reach a subtree is `partial`,
the current state keeps what the previous scans found there, and diff never
calls it resolved (scanner/inventory/completeness.py, scanner/inventory/state.py)."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from scanner.inventory.reader import Inventory
from tests.conftest import run_piiscout


def _unprivileged() -> list[str]:
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("setpriv is needed to deny access as root")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"]


def _report(inv) -> dict:
    proc = run_piiscout("report", str(inv), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _diff(inv, *args) -> dict:
    proc = run_piiscout("diff", str(inv), "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture
def share(tmp_path):
    root = tmp_path / "share"
    for folder, ssn in (("hr", "234-56-7890"), ("finance", "345-67-8901"), ("it", "456-78-9012")):
        (root / folder).mkdir(parents=True)
        (root / folder / "staff.txt").write_text(f"SSN {ssn}\n")
    yield root
    for d in root.iterdir():
        os.chmod(d, 0o755)


def test_an_unreachable_folder_makes_the_scan_partial_and_keeps_its_findings(share, tmp_path):
    inv = tmp_path / "inv"
    prefix = _unprivileged()
    first = run_piiscout("scan", str(share), "-i", str(inv), "-q", prefix=prefix)
    assert first.returncode == 0, first.stderr
    os.chmod(share / "hr", 0)  # the folder cannot be listed any more
    (share / "finance" / "staff.txt").unlink()  # really gone
    second = run_piiscout("scan", str(share), "-i", str(inv), "-q", prefix=prefix)
    assert second.returncode == 1, second.stdout + second.stderr
    assert " partial: " in second.stdout and "1 not reached" in second.stdout
    i = Inventory(inv)
    rows = i.scans().to_pylist()
    assert [r["status"] for r in rows] == ["complete", "partial"]  # be6bffa: "complete"
    rep = _report(inv)
    assert rep["unreached"] == {rows[1]["scan_id"]: 1}
    assert rep["findings"] == 2  # it (read now) and hr (as the complete scan found it); finance is gone
    diff = _diff(inv)
    assert diff["resolved"] == 1 and diff["new"] == 0
    assert [c["location"] for c in diff["changes"]] == [str(share / "finance" / "staff.txt")]
    # Once the folder reads again, a complete scan is the whole state.
    os.chmod(share / "hr", 0o755)
    third = run_piiscout("scan", str(share), "-i", str(inv), "-q", "--incremental", prefix=prefix)
    assert third.returncode == 0 and " complete: " in third.stdout
    rep = _report(inv)
    assert rep["findings"] == 2 and rep["unreached"] == {} and rep["status"] == "complete"


def test_a_file_that_cannot_be_read_is_not_resolved(share, tmp_path):
    inv = tmp_path / "inv"
    prefix = _unprivileged()
    assert run_piiscout("scan", str(share), "-i", str(inv), "-q", prefix=prefix).returncode == 0
    os.chmod(share / "it" / "staff.txt", 0)
    try:
        second = run_piiscout("scan", str(share), "-i", str(inv), "-q", prefix=prefix)
    finally:
        os.chmod(share / "it" / "staff.txt", 0o644)
    assert second.returncode == 1 and " complete: " in second.stdout  # one file, not a subtree
    diff = _diff(inv)
    assert diff["resolved"] == 0 and diff["unverified"] == 1
    text = run_piiscout("diff", str(inv)).stdout
    assert "Not verified: 1 finding(s)" in text


def test_prune_keeps_the_chain_of_the_current_state(share, tmp_path):
    inv = tmp_path / "inv"
    prefix = _unprivileged()
    assert run_piiscout("scan", str(share), "-i", str(inv), "-q", prefix=prefix).returncode == 0
    os.chmod(share / "hr", 0)
    assert run_piiscout("scan", str(share), "-i", str(inv), "-q", prefix=prefix).returncode == 1
    assert run_piiscout("prune", str(inv), "--keep", "1").returncode == 0
    assert len(Inventory(inv).scans()) == 2  # the partial scan stands on the complete one
    assert _report(inv)["findings"] == 3
