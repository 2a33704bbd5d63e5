"""The compiled Hyperscan database is cached by pattern hash, and a bad cache
file only means compiling again."""

from __future__ import annotations

import pytest

hyperscan = pytest.importorskip("hyperscan")

from detectors.prefilter import HyperscanPrefilter  # noqa: E402

TRIGGERS = [(0, r"diabetes", True, False), (0, r"\d{3}-\d{2}-\d{4}", False, False), (1, r"metformin", True, True)]


def test_cache_is_written_reused_and_survives_corruption(tmp_path, monkeypatch):
    monkeypatch.setenv("PIISCOUT_CACHE_DIR", str(tmp_path))
    first = HyperscanPrefilter(TRIGGERS)
    assert len(list(tmp_path.glob("prefilter-*.hsdb"))) == 1  # the always-armed database
    first.scan("metformin", frozenset({1}))  # the bare database of the armed owners, when first armed
    files = sorted(tmp_path.glob("prefilter-*.hsdb"))
    assert len(files) == 2
    assert all(f.stat().st_mode & 0o077 == 0 for f in files)
    text = "Type 2 DIABETES, SSN 234-56-7890, metformin"
    assert first.scan(text, frozenset({1})) == HyperscanPrefilter(TRIGGERS).scan(text, frozenset({1}))
    for f in files:
        f.write_bytes(b"not a database")
    again = HyperscanPrefilter(TRIGGERS)
    assert [owner for owner, _ in again.scan(text, frozenset({1}))] == [0, 0, 1]
    assert all(f.read_bytes() != b"not a database" for f in files)


def test_other_patterns_get_their_own_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("PIISCOUT_CACHE_DIR", str(tmp_path))
    HyperscanPrefilter(TRIGGERS[:1])
    HyperscanPrefilter([(0, r"asthma", True, False)])
    assert len(list(tmp_path.glob("prefilter-*.hsdb"))) == 2


def test_unusable_cache_directory_still_compiles(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("PIISCOUT_CACHE_DIR", str(blocker))  # a file, not a directory
    pf = HyperscanPrefilter(TRIGGERS[:1])
    assert [end for _, end in pf.scan("has diabetes", frozenset())] == [len("has diabetes")]
