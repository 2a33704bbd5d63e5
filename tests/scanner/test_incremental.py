"""Incremental rescans: unchanged items are not read again, yet every scan
describes the whole current state (findings and nested rows carried over).

The strongest check here: after edits, deletions and additions, an
incremental rescan's findings equal a full scan's of the same tree.
"""

from __future__ import annotations

import io
import itertools
import os
from collections import Counter
from pathlib import Path

import pytest

from scanner import privacy
from scanner.request import build_request
from scanner.errors import ItemError
from scanner.executors.base import Executor
from scanner.executors.local import LocalExecutor
from scanner.extractors import registry
from scanner.extractors.base import Extractor
from scanner.inventory.reader import Inventory
from scanner.inventory.state import current_view, read_table
from scanner.model import Child, Segment
from scanner.scan import run_scan
from tests.scanner.trees import Planter, make_tree, touch_later, write_file

BUNDLE = "application/x-piiscout-test-bundle"
BROKEN = "application/x-piiscout-test-broken"


class BundleExtractor(Extractor):
    """Test-only container: `=== name` lines start members (like an archive)."""

    name = "bundle"
    content_types = (BUNDLE,)

    def extract(self, blob, ctx):
        text = blob.read_all().decode()
        for chunk in text.split("=== ")[1:]:
            name, _, body = chunk.partition("\n")
            data = body.encode()
            yield Child(name=name.strip(), open=lambda d=data: io.BytesIO(d), size=len(data))
        yield Segment(text.split("=== ")[0])


class BrokenExtractor(Extractor):
    name = "broken"
    content_types = (BROKEN,)

    def extract(self, blob, ctx):
        raise ItemError("cannot parse this file")
        yield  # pragma: no cover


@pytest.fixture(autouse=True)
def _test_types(monkeypatch):
    from scanner import sniff

    registry.register(BundleExtractor)
    registry.register(BrokenExtractor)
    real = sniff.sniff

    def fake_sniff(head, name="", plugins=None):
        if name.endswith(".bundle"):
            return BUNDLE
        if name.endswith(".broken"):
            return BROKEN
        return real(head, name, plugins)

    monkeypatch.setattr("scanner.pipeline.sniff", fake_sniff)


VALUES = {"entities": (), "min_score": None, "ner": False, "workers": 1, "excludes": (), "max_file_size": None,
          "item_timeout": None, "follow_symlinks": False}


def scan(tree: Path, inv: Path, incremental: bool = True, executor=None, **values):
    req = build_request([(str(tree), str(tree))], inv, {**VALUES, "incremental": incremental, **values},
                        progress=False)
    return run_scan(req, executor=executor)


def findings_of(inv: Path, scan_id: str) -> Counter:
    t = Inventory(inv).findings(scan_id)
    cols = ["location", "part", "entity_type", "value_hash", "start", "end", "line", "masked_value", "score",
            "context", "detector"]
    return Counter(zip(*(t.column(c).to_pylist() for c in cols)))


def items_of(inv: Path, scan_id: str) -> dict:
    t = Inventory(inv).items(scan_id)
    return {(loc, part): st for loc, part, st in zip(t.column("location").to_pylist(), t.column("part").to_pylist(),
                                                     t.column("status").to_pylist())}


class NoWorkers(Executor):
    """Fails the test if the scan wants to read anything."""

    name = "none"

    def run(self, job, units, sink, should_stop):
        first = next(iter(units), None)
        raise AssertionError(f"an unchanged rescan started workers for {first}")


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "share"
    truth = make_tree(root, files=9)
    planter = Planter(seed=99)
    # A container whose members get their own items rows (like a zip).
    members = []
    for name in ("a.txt", "b.txt"):
        p = tmp_path / name
        members.append((name, write_file(p, planter, people=2), p.read_text()))
    (root / "hr" / "pack.bundle").write_text(
        "Bundle header\n" + "".join(f"=== {n}\n{body}" for n, _, body in members))
    (root / "finance" / "ledger.broken").write_text("SSN 234-56-7891\n")
    return root, truth


def test_unchanged_rescan_reads_nothing_and_carries_everything(tree, tmp_path):
    root, _ = tree
    inv = tmp_path / "inv"
    first = scan(root, inv, incremental=False)
    # Errors are retried: only the broken file is read again.
    (root / "finance" / "ledger.broken").unlink()
    second = scan(root, inv, executor=NoWorkers())
    assert second.status == "complete" and second.exit_code == 0
    assert second.scan_id != first.scan_id
    f1, f2 = findings_of(inv, first.scan_id), findings_of(inv, second.scan_id)
    assert f1 == f2 and sum(f2.values()) > 30
    i1, i2 = items_of(inv, first.scan_id), items_of(inv, second.scan_id)
    broken = (str(root / "finance" / "ledger.broken"), "")
    assert i1.pop(broken) == "error"
    assert i2.keys() == i1.keys()
    for key, status in i2.items():
        # What was read before is `unchanged` at every level (be6bffa counted
        # carried archive members and messages as `scanned`); skips and errors keep theirs.
        assert status == ("unchanged" if i1[key] == "scanned" else i1[key]), key
    bundle = str(root / "hr" / "pack.bundle")
    assert i2[(bundle, "a.txt")] == "unchanged" and i2[(bundle, "b.txt")] == "unchanged"
    assert second.items.get("scanned", 0) == 0
    rows = Inventory(inv).items(second.scan_id).to_pylist()
    assert all(r["bytes_scanned"] == 0 and r["scan_id"] == second.scan_id for r in rows)
    scans = Inventory(inv).scans().to_pylist()
    assert scans[-1]["items_unchanged"] == sum(1 for st in i2.values() if st == "unchanged")
    assert scans[-1]["items_scanned"] == 0
    assert scans[-1]["findings"] == sum(f2.values())


def test_changes_deletions_and_additions_match_a_full_scan(tree, tmp_path):
    root, truth = tree
    inv = tmp_path / "inv"
    scan(root, inv, incremental=False)
    planter = Planter(seed=123)
    changed = root / "hr" / "note_000.txt"
    new_ssn = planter.ssn()
    with changed.open("a") as fh:  # an edit that adds an SSN
        fh.write(f"Late addition: SSN {new_ssn}\n")
    same_size = root / "finance" / "note_001.txt"  # same size, newer time: read again
    touch_later(same_size)
    deleted = root / "it" / "logs" / "note_002.txt"
    deleted.unlink()
    added = root / "hr" / "new" / "fresh.txt"
    write_file(added, planter)
    inc = scan(root, inv)
    full = scan(root, tmp_path / "inv-full", incremental=False)
    assert findings_of(inv, inc.scan_id) == findings_of(tmp_path / "inv-full", full.scan_id)
    items = items_of(inv, inc.scan_id)
    assert items[(str(changed), "")] == "scanned"
    assert items[(str(same_size), "")] == "scanned"
    assert items[(str(added), "")] == "scanned"
    assert items[(str(root / "hr" / "note_003.txt"), "")] == "unchanged"
    assert not [k for k in items if k[0] == str(deleted)]
    f = Inventory(inv).findings(inc.scan_id)
    assert str(deleted) not in set(f.column("location").to_pylist())
    assert privacy.value_hash("US_SSN", new_ssn) in set(f.column("value_hash").to_pylist())
    # six notes neither edited, touched nor deleted, and the bundle with its two members
    assert inc.items["unchanged"] == 9
    # The current state is the latest scan.
    view = current_view(Inventory(inv))
    assert view.scan_ids == [inc.scan_id]
    assert read_table(Inventory(inv), view, "findings").num_rows == sum(findings_of(inv, inc.scan_id).values())


def test_a_full_rescan_when_results_could_differ(tree, tmp_path, monkeypatch):
    root, _ = tree
    inv = tmp_path / "inv"
    scan(root, inv, incremental=False)
    # Other detector settings: nothing carried.
    s = scan(root, inv, min_score=0.9)
    assert s.items.get("unchanged", 0) == 0
    # Same settings as the last scan again: carried from it.
    s = scan(root, inv, min_score=0.9)
    assert s.items["unchanged"] > 5
    # Another HMAC key: hashes would not compare, so nothing is carried.
    monkeypatch.setenv("PIISCOUT_HASH_KEY", "another-key")
    privacy.hash_key.cache_clear()
    s = scan(root, inv, min_score=0.9)
    assert s.items.get("unchanged", 0) == 0
    # Excludes only change what is listed: still carried.
    s = scan(root, inv, min_score=0.9, excludes=("*.bundle",))
    assert s.items["unchanged"] > 5
    assert not [k for k in items_of(inv, s.scan_id) if k[0].endswith(".bundle")]


class StopsAfter(LocalExecutor):
    """Scans the first n items, then reports an interruption (as SIGTERM would)."""

    def __init__(self, n: int):
        super().__init__(1)
        self.n = n

    def run(self, job, units, sink, should_stop):
        super().run(job, list(itertools.islice(iter(units), self.n)), sink, should_stop)
        return False


def test_an_interrupted_scan_is_resumed(tree, tmp_path):
    root, _ = tree
    inv = tmp_path / "inv"
    part = scan(root, inv, incremental=False, executor=StopsAfter(4))
    assert part.status == "interrupted" and part.exit_code == 4
    tops = {k: st for k, st in items_of(inv, part.scan_id).items() if k[1] == ""}
    assert len(tops) == 4  # the first four listed; the rest never reached
    scanned_before = {k for k, st in tops.items() if st == "scanned"}
    assert len(scanned_before) == 3  # and finance/ledger.broken failed
    rest = scan(root, inv)
    items = items_of(inv, rest.scan_id)
    assert {k for k, st in items.items() if st == "unchanged"} == scanned_before
    full = scan(root, tmp_path / "inv-full", incremental=False)
    assert findings_of(inv, rest.scan_id) == findings_of(tmp_path / "inv-full", full.scan_id)


def test_fingerprints_decide_for_sources_without_file_times(tmp_path, monkeypatch):
    """A connector that knows table statistics sets Item.fingerprint."""
    from connectors import registry as connectors
    from connectors.local import LocalConnector

    class StatsConnector(LocalConnector):
        name = "stats"
        schemes = ("statstest",)

        @classmethod
        def parse(cls, raw, name=None, options=None):
            spec = LocalConnector.parse(raw.split("://", 1)[1], name, options)
            return type(spec)(name=spec.name, url=spec.url, scheme="statstest", options=spec.options)

        def list_items(self):
            from dataclasses import replace

            version = (Path(self.root) / "VERSION").read_text().strip()
            for item in super().list_items():
                if getattr(item, "ref", "").endswith(".txt"):
                    # No useful size/time, only the "statistics".
                    yield replace(item, size=None, modified_at=None, fingerprint=f"v{version}")

    connectors.register(StatsConnector)
    root = tmp_path / "db"
    make_tree(root, files=3)
    (root / "VERSION").write_text("1")
    inv = tmp_path / "inv"
    target = f"statstest://{root}"

    def go():
        req = build_request([(target, target)], inv, {**VALUES, "incremental": True}, progress=False)
        return run_scan(req)

    first = go()
    rows = Inventory(inv).items(first.scan_id).to_pylist()
    assert {r["fingerprint"] for r in rows if r["part"] == ""} == {"v1"}
    assert go().items["unchanged"] == 3
    (root / "VERSION").write_text("2")
    again = go()
    assert again.items.get("unchanged", 0) == 0 and again.items["scanned"] == 3


def test_index_handles_many_items_without_python_rows(tmp_path):
    """The baseline index is numpy arrays, not a dict of rows."""
    import numpy as np

    from scanner.incremental import Baseline
    from scanner.inventory.writer import InventoryWriter, prepare
    from scanner.model import ItemRecord
    from scanner.scan import hash_key_id

    inv = tmp_path / "inv"
    prepare(inv)
    w = InventoryWriter(inv, "20240101T000000Z-aaaaaa")
    n = 50_000
    for i in range(n):
        w.add_item(ItemRecord("file", f"/srv/x/{i}.txt", "", 10 + i, 1_700_000_000.25 + i, "text/plain", "scanned"))
    w.close()
    from connectors.local import LocalConnector

    spec = LocalConnector.parse("/srv/x")
    w.write_scan({"scan_id": "20240101T000000Z-aaaaaa", "started_at": _now(), "finished_at": _now(),
                  "status": "complete", "targets": [spec.url], "options": '{"fingerprints": {"/srv/x": "fp"}}',
                  "version": "0", "hash_scheme": "x", "hash_key_id": hash_key_id(), "items_total": n,
                  "items_scanned": n, "items_skipped": 0, "items_error": 0, "items_unchanged": 0, "findings": 0,
                  "suppressed": 0, "bytes_scanned": 0, "duration_s": 0.0, "exit_code": 0})
    b = Baseline.build(inv, [spec], {spec.url: "fp"}, hash_key_id())
    assert b.n == n and isinstance(b.keys, np.ndarray) and b.keys.dtype == np.int64
    from scanner.model import Item

    hit = Item(spec.name, "file", "/srv/x/77.txt", "/srv/x/77.txt", size=87, modified_at=1_700_000_077.25)
    miss = Item(spec.name, "file", "/srv/x/78.txt", "/srv/x/78.txt", size=88, modified_at=1_700_000_079.25)
    gone = Item(spec.name, "file", "/srv/x/new.txt", "/srv/x/new.txt", size=1, modified_at=1.0)
    assert b.unchanged(hit, spec.url) and not b.unchanged(miss, spec.url) and not b.unchanged(gone, spec.url)
    assert not b.unchanged(hit, "/elsewhere")
    assert Baseline.build(inv, [spec], {spec.url: "other"}, hash_key_id()) is None


def _now():
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def test_fast_mtime_conversion_agrees_with_the_writers():
    import random

    from scanner.incremental import _mtime_us, _mtime_us_exact

    rnd = random.Random(5)
    values = [0.0, -1.5, 1.0000005, 1.0000015, 1_700_000_000.9999995, 1_700_000_000.0000005, 2.5e-7,
              -62_135_596_800.0, 253_402_300_800.0, float("nan"), float("inf")]
    values += [rnd.uniform(-2e9, 4e9) for _ in range(20_000)]
    values += [rnd.randint(0, 2_000_000_000) + rnd.randint(0, 999_999) / 1e6 + 5e-7 for _ in range(20_000)]
    assert [v for v in values if _mtime_us(v) != _mtime_us_exact(v)] == []
