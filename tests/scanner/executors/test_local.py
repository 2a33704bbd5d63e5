"""The process pool survives crashing and hanging items."""

from __future__ import annotations

import os
import signal
import time

import pytest

from connectors.local import LocalConnector
from scanner.executors import local as local_mod
from scanner.executors.local import LocalExecutor
from scanner.extractors import registry
from scanner.extractors.base import Extractor
from scanner.job import Job
from scanner.settings import ScanSettings


class CrashExtractor(Extractor):
    """Test-only: kills its own worker, as a segfault in a C parser would."""

    name = "crash"
    content_types = ("application/x-test-crash",)

    def extract(self, blob, ctx):
        os.kill(os.getpid(), signal.SIGKILL)
        yield from ()


class HangExtractor(Extractor):
    name = "hang"
    content_types = ("application/x-test-hang",)

    def extract(self, blob, ctx):
        time.sleep(3600)  # ignores ctx.check(): only the watchdog can stop it
        yield from ()


@pytest.fixture
def tree(tmp_path, monkeypatch):
    from scanner import sniff

    registry.register(CrashExtractor)
    registry.register(HangExtractor)
    orig = sniff.sniff

    def fake_sniff(head, name="", plugins=None):
        if name.endswith(".crash"):
            return "application/x-test-crash"
        if name.endswith(".hang"):
            return "application/x-test-hang"
        return orig(head, name, plugins)

    monkeypatch.setattr("scanner.pipeline.sniff", fake_sniff)
    for i in range(6):
        (tmp_path / f"f{i}.txt").write_text(f"SSN 234-56-78{i:02d}\n")
    (tmp_path / "boom.crash").write_text("x")
    (tmp_path / "slow.hang").write_text("x")
    return tmp_path


def _run(tree, settings):
    spec = LocalConnector.parse(str(tree))
    job = Job((spec,), settings)
    conn = LocalConnector(spec, settings)
    records, done = [], []

    def sink(kind, payload):
        if kind == "record":
            records.append(payload)
        elif kind == "done":
            done.append(payload)

    ok = LocalExecutor(workers=2).run(job, conn.list_items(), sink, lambda: False)
    return ok, {os.path.basename(r.location): r for r in records}, done


def test_crash_and_hang_are_recorded(tree, monkeypatch):
    monkeypatch.setattr(local_mod, "KILL_GRACE", 0.5)
    t0 = time.monotonic()
    ok, recs, done = _run(tree, ScanSettings(item_timeout=2))
    assert ok
    assert time.monotonic() - t0 < 60
    assert recs["boom.crash"].status == "error" and "worker process died" in recs["boom.crash"].reason
    assert recs["slow.hang"].status == "error" and "time limit" in recs["slow.hang"].reason
    for i in range(6):
        assert recs[f"f{i}.txt"].status == "scanned" and recs[f"f{i}.txt"].findings == 1
    assert len(done) == 8


def test_stop_request_ends_early(tree):
    spec = LocalConnector.parse(str(tree))
    settings = ScanSettings()
    job = Job((spec,), settings)
    conn = LocalConnector(spec, settings)
    ok = LocalExecutor(workers=1).run(job, conn.list_items(), lambda k, p: None, lambda: True)
    assert ok is False
