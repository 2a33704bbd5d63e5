"""Shared by the mail extractor tests: one real scan of fixtures/mail per session."""

from __future__ import annotations

from pathlib import Path

from scanner.inventory.reader import Inventory
from tests.conftest import FIXTURES, run_piiscout


def scan(target: str, inv: Path, *args: str) -> tuple[object, list[dict], list[dict]]:
    proc = run_piiscout("scan", target, "-i", str(inv), "-q", *args)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    i = Inventory(inv)
    sid = i.latest_scan_id()
    return proc, i.items(sid).to_pylist(), i.findings(sid).to_pylist()


def rel(location: str) -> str:
    return str(Path(location).relative_to(FIXTURES))
