"""Exposure of local files: mode bits, owner, group and POSIX ACLs.

The table checks the evaluation on synthetic modes and raw ACL attributes;
the scans check real files (chmod, chgrp, setfacl as root) through the CLI,
full and incremental.
"""

from __future__ import annotations

import os
import struct

import pytest

from scanner.exposure import posix
from scanner.exposure.posix import ACL_GROUP, ACL_GROUP_OBJ, ACL_MASK, ACL_OTHER, ACL_USER, ACL_USER_OBJ
from tests import accounts
from tests.conftest import run_piiscout, scan_table


def acl(*entries: tuple[int, int, int]) -> bytes:
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", t, p, i) for t, p, i in entries)


ROOT, NOBODY_GID = "Unix User\\root", 65534

CASES = [
    # (what, mode, uid, gid, acl, exposure, readers)
    ("0644", 0o644, 0, 0, b"", "everyone", ("Everyone", "Unix Group\\root", ROOT)),
    ("0640", 0o640, 0, 0, b"", "group", ("Unix Group\\root", ROOT)),
    ("0600", 0o600, 0, 0, b"", "owner", (ROOT,)),
    ("0004 (others only)", 0o004, 0, 0, b"", "everyone", ("Everyone",)),
    ("0000", 0o000, 0, 0, b"", "owner", ()),
    ("0200 write only", 0o200, 0, 0, b"", "owner", ()),
    ("unknown ids", 0o640, 4000123, 4000123, b"", "group", ("S-1-22-2-4000123", "S-1-22-1-4000123")),
    ("named user through the mask",
     0o640, 0, 0, acl((ACL_USER_OBJ, 6, 0), (ACL_USER, 4, 4000001), (ACL_GROUP_OBJ, 0, 0), (ACL_MASK, 4, 0),
                      (ACL_OTHER, 0, 0)), "owner", ("S-1-22-1-4000001", ROOT)),
    ("named user masked out",
     0o600, 0, 0, acl((ACL_USER_OBJ, 6, 0), (ACL_USER, 4, 4000001), (ACL_GROUP_OBJ, 0, 0), (ACL_MASK, 0, 0),
                      (ACL_OTHER, 0, 0)), "owner", (ROOT,)),
    ("named group",
     0o640, 0, 0, acl((ACL_USER_OBJ, 6, 0), (ACL_GROUP_OBJ, 0, 0), (ACL_GROUP, 4, 4000002), (ACL_MASK, 4, 0),
                      (ACL_OTHER, 0, 0)), "group", ("S-1-22-2-4000002", ROOT)),
    ("owning group read, masked out",
     0o600, 0, 0, acl((ACL_USER_OBJ, 6, 0), (ACL_GROUP_OBJ, 4, 0), (ACL_MASK, 0, 0), (ACL_OTHER, 0, 0)),
     "owner", (ROOT,)),
    ("others through an ACL", 0o604, 0, 0,
     acl((ACL_USER_OBJ, 6, 0), (ACL_GROUP_OBJ, 0, 0), (ACL_MASK, 0, 0), (ACL_OTHER, 4, 0)), "everyone",
     ("Everyone", ROOT)),
]


@pytest.mark.parametrize("what,mode,uid,gid,raw,exposure,readers", CASES, ids=[c[0] for c in CASES])
def test_mode_access(what, mode, uid, gid, raw, exposure, readers):
    got = posix.mode_access(mode, uid, gid, raw)
    assert (got.exposure, got.readers) == (exposure, readers)


def test_users_group_is_any_account():
    """A file readable by the `users` group is readable by any signed-in user."""
    import grp

    try:
        gid = grp.getgrnam("users").gr_gid
    except KeyError:
        pytest.skip("no `users` group on this machine")
    assert posix.mode_access(0o640, 0, gid).exposure == "authenticated"


@pytest.mark.parametrize("raw", [b"\x02\x00", acl((1, 6, 0))[:-1], struct.pack("<I", 3) + b"\0" * 8])
def test_malformed_acl_attribute(raw):
    with pytest.raises(posix.PosixAclError):
        posix.parse_acl(raw)


# -- real files ---------------------------------------------------------------------------
needs_root = pytest.mark.skipif(accounts.unavailable() is not None, reason=accounts.unavailable() or "")


def items(inv, scan_index: int = -1) -> dict[str, dict]:
    t = scan_table(inv, "items", scan_index, columns=["location", "part", "status", "exposure", "readers"])
    return {os.path.basename(r["location"]) + ("#" + r["part"] if r["part"] else ""): r for r in t.to_pylist()}


@needs_root
def test_file_access_reads_the_real_acl(tmp_path):
    expected = accounts.permission_tree(str(tmp_path))
    for name, exposure in expected.items():
        p = tmp_path / name
        assert posix.file_access(str(p), os.stat(p)).exposure == exposure, name
    got = posix.file_access(str(tmp_path / "private.txt"), os.stat(tmp_path / "private.txt"))
    assert f"Unix User\\{accounts.NAMED_USER}" in got.readers


@needs_root
def test_local_scan_records_exposure(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    expected = accounts.permission_tree(str(tree))
    # An archive's members and a mailbox's messages take the file's permissions.
    import zipfile

    with zipfile.ZipFile(tree / "hr.zip", "w") as z:
        z.writestr("inner.txt", "SSN 345-67-8901\n")
    os.chown(tree / "hr.zip", 0, accounts.ensure_group())
    os.chmod(tree / "hr.zip", 0o640)
    inv = tmp_path / "inv"
    proc = run_piiscout("scan", str(tree), "-i", str(inv), "-q")
    assert proc.returncode == 0, proc.stderr
    rows = items(inv)
    for name, exposure in expected.items():
        assert rows[name]["exposure"] == exposure, (name, rows[name])
    assert rows["world.txt"]["readers"][0] == "Everyone"
    assert f"Unix Group\\{accounts.HR_GROUP}" in rows["hr.txt"]["readers"]
    assert "Everyone" not in rows["hr.txt"]["readers"]
    assert f"Unix User\\{accounts.NAMED_USER}" in rows["private.txt"]["readers"]
    assert rows["owner-only.txt"]["readers"] == ["Unix User\\root"]
    assert rows["hr.zip#inner.txt"]["exposure"] == "group"
    assert rows["hr.zip#inner.txt"]["readers"] == rows["hr.zip"]["readers"]


@needs_root
def test_incremental_rescan_notices_a_permission_change(tmp_path):
    """chmod/setfacl with no content change: `unchanged`, with the new exposure
    (and the findings carried over)."""
    tree = tmp_path / "tree"
    tree.mkdir()
    accounts.permission_tree(str(tree))
    inv = tmp_path / "inv"
    assert run_piiscout("scan", str(tree), "-i", str(inv), "-q").returncode == 0
    os.chmod(tree / "world.txt", 0o600)
    os.chmod(tree / "owner-only.txt", 0o644)
    accounts.setfacl(tree / "hr.txt", "-m", f"u:{accounts.NAMED_USER}:r")
    proc = run_piiscout("scan", str(tree), "-i", str(inv), "-q", "--incremental")
    assert proc.returncode == 0, proc.stderr
    rows = items(inv)
    assert {r["status"] for r in rows.values()} == {"unchanged"}
    assert rows["world.txt"]["exposure"] == "owner"
    assert rows["owner-only.txt"]["exposure"] == "everyone"
    assert rows["hr.txt"]["exposure"] == "group"
    assert f"Unix User\\{accounts.NAMED_USER}" in rows["hr.txt"]["readers"]
    assert rows["private.txt"] == items(inv, 0)["private.txt"] | {"status": "unchanged"}
    assert scan_table(inv, "findings").num_rows == 4
