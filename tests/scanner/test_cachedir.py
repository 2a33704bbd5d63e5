"""The user and machine-wide caches (scanner/cachedir.py), and `piiscout
warm-cache` filling the machine-wide one so that a scan with an empty user
cache compiles nothing."""

from __future__ import annotations

import os
import stat

import pytest

from scanner import cachedir
from tests.conftest import run_piiscout

ENTITIES = "US_SSN,EMAIL_ADDRESS"


@pytest.fixture
def caches(tmp_path, monkeypatch):
    """A private user cache (through XDG, as platformdirs finds it) and a
    machine-wide cache directory owned by the test's user."""
    user = tmp_path / "xdg-cache"
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    monkeypatch.delenv(cachedir.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(user))
    monkeypatch.setenv(cachedir.SHARED_ENV, str(shared))
    return user / "piiscout", shared


def test_entries_go_to_the_shared_cache_when_it_is_writable(caches):
    user, shared = caches
    path = cachedir.store("thing-1.marshal", b"data")
    assert path == shared / "thing-1.marshal"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # readable by every user of the machine
    assert cachedir.find("thing-1.marshal") == path
    assert not (user / "thing-1.marshal").exists()


def test_explicit_user_cache_takes_new_entries_and_still_reads_shared(caches, monkeypatch, tmp_path):
    user, shared = caches
    (shared / "old.marshal").write_bytes(b"x")
    os.chmod(shared / "old.marshal", 0o644)
    own = tmp_path / "own"
    monkeypatch.setenv(cachedir.CACHE_ENV, str(own))
    path = cachedir.store("new.marshal", b"y")
    assert path == own / "new.marshal" and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cachedir.find("old.marshal") == shared / "old.marshal"


@pytest.mark.parametrize("mode", [0o666, 0o646, 0o664])
def test_a_shared_entry_others_can_write_is_ignored(caches, mode):
    user, shared = caches
    (shared / "planted.hsdb").write_bytes(b"x")
    os.chmod(shared / "planted.hsdb", mode)
    assert cachedir.find("planted.hsdb") is None


def test_a_shared_directory_others_can_write_is_ignored(caches):
    user, shared = caches
    (shared / "planted.hsdb").write_bytes(b"x")
    os.chmod(shared / "planted.hsdb", 0o644)
    os.chmod(shared, 0o777)
    assert cachedir.find("planted.hsdb") is None
    assert cachedir.write_dir() == (user, False)


def test_marshalled_rebuilds_a_corrupt_entry(caches):
    calls = []

    def build():
        calls.append(1)
        return {"a": (1, 2)}

    assert cachedir.marshalled("vocab", "k", build) == {"a": (1, 2)}
    assert cachedir.marshalled("vocab", "k", build) == {"a": (1, 2)} and len(calls) == 1
    (entry,) = caches[1].glob("vocab-*.marshal")
    entry.write_bytes(b"\x00garbage")
    assert cachedir.marshalled("vocab", "k", build) == {"a": (1, 2)} and len(calls) == 2


def test_warm_cache_fills_the_shared_cache_and_a_scan_uses_it(caches, tmp_path):
    pytest.importorskip("hyperscan")
    user, shared = caches
    env = {"XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"], cachedir.SHARED_ENV: str(shared)}
    proc = run_piiscout("warm-cache", "-e", ENTITIES, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "machine-wide cache" in proc.stdout and str(shared) in proc.stdout
    dbs = sorted(shared.glob("prefilter-*.hsdb"))
    assert dbs, list(shared.iterdir())
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in dbs)
    assert not list(user.glob("prefilter-*")) if user.exists() else True

    # A scan whose own cache is empty (and takes any new entry) finds every
    # database in the shared cache: it compiles nothing.
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.txt").write_text("SSN 234-56-7890, mail jane.roe@example.org\n")
    own = tmp_path / "empty-user-cache"
    scan = run_piiscout("scan", str(tree), "-i", str(tmp_path / "inv"), "-q", "-j", "1", "-e", ENTITIES,
                        env={**env, cachedir.CACHE_ENV: str(own)})
    assert scan.returncode == 0, scan.stderr
    assert "2 findings" in scan.stdout
    assert not list(own.glob("prefilter-*.hsdb")) if own.exists() else True
    assert sorted(shared.glob("prefilter-*.hsdb")) == dbs

    # Without the shared cache the same scan compiles into its own cache:
    # the check above can fail.
    scan = run_piiscout("scan", str(tree), "-i", str(tmp_path / "inv2"), "-q", "-j", "1", "-e", ENTITIES,
                        env={**env, cachedir.CACHE_ENV: str(own), cachedir.SHARED_ENV: ""})
    assert scan.returncode == 0, scan.stderr
    assert list(own.glob("prefilter-*.hsdb"))
