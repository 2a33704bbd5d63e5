"""scanner/atomic.py: all or nothing, owner-only, one line on failure."""

from __future__ import annotations

import os
import stat

import pytest

from scanner.atomic import OutputError, atomic_output, atomic_path
from scanner.errors import UsageError
from tests.mounts import fill, small_tmpfs


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_written_whole_and_owner_only(tmp_path):
    dest = tmp_path / "out.csv"
    with atomic_output(dest, "w", newline="") as fh:
        fh.write("a,b\r\n")
        assert not dest.exists()  # nothing visible until complete
    assert dest.read_bytes() == b"a,b\r\n"
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


def test_an_exception_keeps_the_previous_file(tmp_path):
    dest = tmp_path / "out.txt"
    dest.write_text("previous")
    with pytest.raises(RuntimeError):
        with atomic_output(dest) as fh:
            fh.write("half")
            raise RuntimeError("boom")
    assert dest.read_text() == "previous"
    assert _leftovers(tmp_path) == []


def test_atomic_path_for_libraries(tmp_path):
    dest = tmp_path / "book.bin"
    with atomic_path(dest) as tmp:
        tmp.write_bytes(b"data")
    assert dest.read_bytes() == b"data" and stat.S_IMODE(dest.stat().st_mode) == 0o600


def test_bad_destinations_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="no such directory"):
        with atomic_output(tmp_path / "nope" / "x.csv"):
            pass
    with pytest.raises(UsageError, match="is a directory"):
        with atomic_output(tmp_path):
            pass


def test_full_disk_is_one_line_and_leaves_nothing(tmp_path):
    with small_tmpfs(tmp_path / "small", "64k") as disk:
        fill(disk, leave=4096)
        dest = disk / "big.txt"
        with pytest.raises(OutputError) as e:
            with atomic_output(dest) as fh:
                for _ in range(100):
                    fh.write("x" * 4096)
        assert str(e.value) == f"cannot write {dest}: no space left on device"
        assert not dest.exists()
        assert [p for p in _leftovers(disk) if p != ".filler"] == []
