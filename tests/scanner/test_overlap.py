"""Overlapping targets are read and counted once; the scans row names the target."""

from __future__ import annotations

import os

from scanner.inventory.reader import Inventory
from tests.conftest import run_piiscout


def test_overlapping_targets_are_scanned_once(tmp_path):
    """be6bffa: `scan share share/sub` read and counted the files of sub twice."""
    share = tmp_path / "share"
    (share / "sub").mkdir(parents=True)
    (share / "top.txt").write_text("SSN 234-56-7890\n")
    (share / "sub" / "inner.txt").write_text("SSN 345-67-8901\n")
    os.symlink(share / "sub", tmp_path / "alias")
    inv = tmp_path / "inv"
    proc = run_piiscout("scan", str(share), str(share / "sub"), str(tmp_path / "alias"), str(share), "-i", str(inv))
    assert proc.returncode == 0, proc.stderr
    assert "scan" in proc.stdout and " 2 items (2 scanned)" in proc.stdout and "2 findings" in proc.stdout
    i = Inventory(inv)
    row = i.scan_row(i.latest_scan_id())
    assert row["items_total"] == 2 and row["findings"] == 2
    locations = i.items(row["scan_id"]).column("location").to_pylist()
    assert sorted(locations) == sorted({str(share / "top.txt"), str(share / "sub" / "inner.txt")})
    # Each target's current state reads from this one scan.
    rep = run_piiscout("report", str(inv), "--format", "json")
    assert '"findings": 2' in rep.stdout


def test_the_scans_row_names_the_target(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text("nothing\n")
    cfg = tmp_path / "scans.toml"
    cfg.write_text(f'inventory = "{tmp_path / "inv"}"\n[targets.acme-finance]\nurl = "{share}"\n')
    assert run_piiscout("scan", "--config", str(cfg), "-q").returncode == 0
    assert run_piiscout("scan", str(share), "-i", str(tmp_path / "inv2"), "-q").returncode == 0
    for inv, name in ((tmp_path / "inv", "acme-finance"), (tmp_path / "inv2", str(share))):
        i = Inventory(inv)
        assert i.scan_row(i.latest_scan_id())["target"] == name
        rep = run_piiscout("report", str(inv))
        assert f"Target: {name}" in rep.stdout or f"({name})" in rep.stdout, rep.stdout
