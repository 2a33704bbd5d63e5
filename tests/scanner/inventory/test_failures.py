"""Every way the inventory (or the key next to it) can fail: one line, a documented exit code.

be6bffa answered most of these with `internal error: ...` and exit 5, or
"File exists" for a dangling symbolic link.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_piiscout
from tests.mounts import fill, read_only, small_tmpfs


@pytest.fixture
def share(tmp_path) -> Path:
    root = tmp_path / "share"
    root.mkdir()
    (root / "a.txt").write_text("SSN 234-56-7890\n")
    return root


def _one_line(proc, code: int, text: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    err = proc.stderr.strip()
    assert err.count("\n") == 0, err
    assert "internal error" not in err and "Traceback" not in err
    assert err.startswith("piiscout: error: ") and text in err, err


def test_read_only_inventory(share, tmp_path):
    inv = tmp_path / "ro" / "inv"
    assert run_piiscout("scan", str(share), "-i", str(inv), "-q").returncode == 0
    with read_only(tmp_path / "ro"):
        _one_line(run_piiscout("scan", str(share), "-i", str(inv), "-q"), 5,
                  f"cannot write the inventory at {inv}: read-only file system")
        _one_line(run_piiscout("scan", str(share), "-i", str(tmp_path / "ro" / "new"), "-q"), 5,
                  "read-only file system")
        _one_line(run_piiscout("prune", str(inv), "--keep", "1"), 5,
                  f"cannot write the inventory at {inv}: read-only file system")
        dry = run_piiscout("prune", str(inv), "--keep", "1", "--dry-run")
        assert dry.returncode == 0 and "would remove 0 scan(s)" in dry.stdout, dry.stderr
        rep = run_piiscout("report", str(inv))
        assert rep.returncode == 0 and "US_SSN" in rep.stdout
    # Writable again: the next scan completes.
    again = run_piiscout("scan", str(share), "-i", str(inv), "-q")
    assert again.returncode == 0 and " complete: " in again.stdout, again.stdout + again.stderr


def test_dangling_symlink_as_inventory(share, tmp_path):
    link = tmp_path / "inv"
    os.symlink(tmp_path / "elsewhere", link)
    _one_line(run_piiscout("scan", str(share), "-i", str(link), "-q"), 2,
              f"the inventory {link} is a symbolic link to {tmp_path / 'elsewhere'}, which does not exist")
    _one_line(run_piiscout("report", str(link)), 2, "which does not exist")
    assert not (tmp_path / "elsewhere").exists()


def test_a_folder_that_is_not_an_inventory(share, tmp_path):
    docs = tmp_path / "Documents"
    docs.mkdir()
    (docs / "letter.docx").write_text("x")
    _one_line(run_piiscout("scan", str(share), "-i", str(docs), "-q"), 2,
              f"{docs} is not a piiscout inventory (it holds letter.docx)")
    assert sorted(os.listdir(docs)) == ["letter.docx"]
    _one_line(run_piiscout("report", str(docs)), 2, f"no inventory at {docs}")
    (docs / "letter.docx").unlink()  # an empty folder is fine
    assert run_piiscout("scan", str(share), "-i", str(docs), "-q").returncode == 0


def test_full_disk_during_a_scan(share, tmp_path):
    """The scan stops with one line and exit 5; the earlier scan still reads,
    nothing half-written is visible, and a scan after space is freed completes."""
    big = tmp_path / "big"
    big.mkdir()
    for i in range(30):
        (big / f"f{i}.txt").write_text("".join(f"SSN {100 + j % 500:03d}-{10 + j % 89:02d}-{1000 + j:04d}\n"
                                               for j in range(i * 300, i * 300 + 300)))
    with small_tmpfs(tmp_path / "disk", "512k") as disk:
        inv = disk / "inv"
        assert run_piiscout("scan", str(share), "-i", str(inv), "-q").returncode == 0
        fill(disk, leave=48 << 10)
        _one_line(run_piiscout("scan", str(big), "-i", str(inv), "-q"), 5,
                  f"cannot write the inventory at {inv}: no space left on device")
        assert not list(inv.rglob("*.tmp"))
        rep = run_piiscout("report", str(inv), "--format", "json")
        assert rep.returncode == 0 and '"status": "complete"' in rep.stdout
        (disk / ".filler").unlink()
        again = run_piiscout("scan", str(big), "-i", str(inv), "-q")
        assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("case", ["folder", "unreadable", "empty"])
def test_hash_key_file_problems(share, tmp_path, case, monkeypatch):
    conf = tmp_path / "xdg"
    key = conf / "piiscout" / "hash.key"
    key.parent.mkdir(parents=True)
    prefix = []
    if case == "folder":
        key.mkdir()
        expected = f"the hash key file {key} is a directory"
    elif case == "unreadable":
        key.write_text("abc\n")
        key.chmod(0)
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                pytest.skip("setpriv is needed to test a denied file as root")
            caps = "-dac_override,-dac_read_search"
            prefix = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"]
        expected = f"cannot read the hash key file {key}: permission denied"
    else:
        key.write_text("")
        expected = f"the hash key file {key} is empty"
    env = {"PIISCOUT_HASH_KEY": "", "XDG_CONFIG_HOME": str(conf)}
    proc = run_piiscout("scan", str(share), "-i", str(tmp_path / "inv"), "-q", env=env, prefix=prefix)
    _one_line(proc, 2, expected)
    assert "$PIISCOUT_HASH_KEY" in proc.stderr
    assert not (tmp_path / "inv").exists()


def test_home_that_cannot_be_written(share, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    with read_only(home):
        env = {"PIISCOUT_HASH_KEY": "", "HOME": str(home), "XDG_CONFIG_HOME": "", "XDG_DATA_HOME": "",
               "PIISCOUT_INVENTORY": ""}
        _one_line(run_piiscout("scan", str(share), "-q", env=env), 2,
                  f"cannot create the hash key file {home}/.config/piiscout/hash.key: read-only file system")
        env["PIISCOUT_HASH_KEY"] = "k"
        _one_line(run_piiscout("scan", str(share), "-q", env=env), 5,
                  f"cannot write the inventory at {home}/.local/share/piiscout/inventory: read-only file system "
                  "(give --inventory DIR or set PIISCOUT_INVENTORY)")
