"""The Dask worker preload warms piiscout's caches and never stops a worker
from starting."""

from __future__ import annotations

import logging

from scanner import warmcache
from scanner.executors import dask_preload


def test_preload_warms_the_cache(monkeypatch):
    calls = []
    monkeypatch.setattr(warmcache, "warm", lambda *a: calls.append(a) or warmcache.WarmResult(
        directory=__import__("pathlib").Path("/x"), shared=True, entities=1, seconds=0.1, entries=()))
    dask_preload.dask_setup(object())
    assert calls == [()]


def test_a_failing_warm_up_is_a_warning_not_an_error(monkeypatch, caplog):
    def broken(*a):
        raise OSError("disk full 4111111111111111")

    monkeypatch.setattr(warmcache, "warm", broken)
    with caplog.at_level(logging.WARNING):
        dask_preload.dask_setup(object())
    assert "could not warm the cache" in caplog.text
    assert "4111111111111111" not in caplog.text  # library text is scrubbed
