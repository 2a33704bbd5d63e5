"""Exposure over SMB, against a real Samba server and the DACLs it builds.

Samba maps the served directory's POSIX permissions to NT security
descriptors (chmod 644: an Everyone ACE; chgrp hr + chmod 640: a
"Unix Group\\hr" ACE; setfacl -m u:NAME:r: a named-user ACE), so chmod,
chgrp and setfacl here give real DACLs there. The server runs with
`smbd profiling level = count`, so `smbstatus -P` counts the requests it
served: the request-count test reads the server's own counters.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time

import pytest

from tests import accounts
from tests.connectors import samba
from tests.connectors.samba import PASSWORD, USER, SambaServer
from tests.conftest import run_piiscout, scan_table

PORT = samba.free_port(4453, avoid=(4450, 4451))
HOST = f"127.0.0.1:{PORT}"
ENV = {"PIISCOUT_SMB_PASSWORD": PASSWORD}
SMBSTATUS = shutil.which("smbstatus") or "/usr/bin/smbstatus"
BULK_FOLDERS, BULK_FILES = 100, 100  # 10,000 files

pytestmark = pytest.mark.skipif(samba.unavailable() is not None or accounts.unavailable() is not None,
                                reason=samba.unavailable() or accounts.unavailable() or "")


def _bulk_tree(root, source) -> int:
    """100 folders of 100 files, as hard links to one small 0644 file: a
    link is one syscall (0.2 s for all 10,000 here, against ~12 s for
    creating and writing them), and to the server each is a file of its own."""
    with open(source, "w") as fh:
        fh.write("quarterly figures, nothing personal\n")
    os.chmod(source, 0o644)
    n = 0
    for d in range(BULK_FOLDERS):
        folder = os.path.join(root, f"dept-{d:03d}")
        os.mkdir(folder)
        for f in range(BULK_FILES):
            os.link(source, os.path.join(folder, f"note-{f:03d}.txt"))
            n += 1
    return n


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    samba.ensure_user(USER)
    accounts.ensure_group()
    accounts.add_to_group(USER, accounts.HR_GROUP)  # so the share user can read the group file
    srv = SambaServer(PORT)
    srv.global_options["smbd profiling level"] = "count"
    shares = srv.base / "shares"
    expected = {}
    for name in ("perm", "changes", "open"):
        (shares / name).mkdir(parents=True)
        expected = accounts.permission_tree(str(shares / name), reader=USER)
    os.mkdir(shares / "bulk")
    srv.bulk_files = _bulk_tree(str(shares / "bulk"), str(srv.base / "bulk-source.txt"))
    for d in ("perm", "changes", "open", "bulk"):
        os.chmod(shares / d, 0o755)
    os.chmod(shares, 0o755)
    srv.add_share("perm", shares / "perm", **{"valid users": USER})
    srv.add_share("changes", shares / "changes", **{"valid users": USER})
    srv.add_share("open", shares / "open", **{"guest ok": "yes"})
    srv.add_share("bulk", shares / "bulk", **{"valid users": USER})
    srv.expected = expected
    srv.start()
    try:
        yield srv
    finally:
        srv.cleanup()


def scan(tmp_path, share: str, *args: str, inv=None):
    inv = inv or tmp_path / f"inv-{share}"
    proc = run_piiscout("scan", f"smb://{USER}@{HOST}/{share}", "-i", str(inv), "-q", *args, env=ENV)
    return proc, inv


def rows(inv, scan_index: int = -1) -> dict[str, dict]:
    t = scan_table(inv, "items", scan_index, columns=["location", "part", "status", "reason", "exposure", "readers"])
    out = {}
    for r in t.to_pylist():
        rel = r["location"].split(f"{HOST}/", 1)[1].split("/", 1)[1]
        out[rel + ("#" + r["part"] if r["part"] else "")] = r
    return out


def profile(server, settle: float = 60.0) -> dict[str, int]:
    """smbd's own request counters (since it started), read once every
    connection of the scans before has ended. smbd serves each connection
    in a process of its own, which adds its counts to the shared table a
    second after it counted them and when it exits: read while the last
    scan's processes are still going down (a loaded machine), the table
    lacks their last requests, and the difference between two reads is off
    by them."""
    deadline = time.monotonic() + settle
    while server.client_processes() and time.monotonic() < deadline:
        time.sleep(0.1)
    out = subprocess.run([SMBSTATUS, "-s", str(server.conf), "-P"], capture_output=True, text=True,
                         check=True).stdout
    return {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+)$", out, re.M)}


# -- the four checks -----------------------------------------------------------------------
def test_posix_permissions_become_exposure_over_smb(server, tmp_path):
    proc, inv = scan(tmp_path, "perm")
    assert proc.returncode == 1, proc.stderr  # owner-only.txt: the share user may not read it
    got = rows(inv)
    for name, exposure in server.expected.items():
        if name == "owner-only.txt":
            continue  # the share user may not open it: an error row, see below
        assert got[name]["status"] == "scanned", got[name]
        assert got[name]["exposure"] == exposure, (name, got[name])
    # Names come from the server's LSA (Samba's "Unix User\" / "Unix Group\").
    assert got["world.txt"]["readers"] == ["Everyone", "Unix Group\\root", "Unix User\\root"]
    assert f"Unix Group\\{accounts.HR_GROUP}" in got["hr.txt"]["readers"]
    assert "Everyone" not in got["hr.txt"]["readers"]
    assert "Unix User\\root" in got["private.txt"]["readers"]
    assert any(r.endswith("\\" + USER) for r in got["private.txt"]["readers"]), got["private.txt"]
    assert not any(r.startswith("S-1-") for r in got["hr.txt"]["readers"] + got["private.txt"]["readers"])


def test_a_file_the_scanner_may_not_read_is_an_error_without_exposure(server, tmp_path):
    _, inv = scan(tmp_path, "perm")
    row = rows(inv)["owner-only.txt"]
    assert row["status"] == "error" and row["reason"] == "access denied"
    assert row["exposure"] is None  # unknown, not "owner": nothing was read


def test_everything_on_a_guest_share_is_everyone(server, tmp_path):
    for args in ((), ("--guest",)):
        if args:
            proc = run_piiscout("scan", f"smb://{HOST}/open", "--guest", "-i", str(tmp_path / "guest"), "-q")
            inv = tmp_path / "guest"
        else:
            proc, inv = scan(tmp_path, "open")
        assert proc.returncode in (0, 1), proc.stderr
        got = rows(inv)
        assert set(got) >= set(server.expected)
        assert {r["exposure"] for r in got.values()} == {"everyone"}, got
        assert all("Everyone" in r["readers"] for r in got.values())
    # The same files on a share for named users keep their own permissions.
    _, inv = scan(tmp_path, "perm")
    assert rows(inv)["hr.txt"]["exposure"] == "group"


def test_smb_and_local_scans_agree(server, tmp_path):
    _, smb_inv = scan(tmp_path, "perm")
    local_inv = tmp_path / "local"
    assert run_piiscout("scan", str(server.base / "shares" / "perm"), "-i", str(local_inv), "-q").returncode == 0
    local = {os.path.basename(r["location"]): r for r in
             scan_table(local_inv, columns=["location", "exposure", "readers"]).to_pylist()}
    smb = rows(smb_inv)
    for name in ("world.txt", "hr.txt", "private.txt"):
        assert smb[name]["exposure"] == local[name]["exposure"], name
    assert smb["world.txt"]["readers"] == local["world.txt"]["readers"]
    assert smb["hr.txt"]["readers"] == local["hr.txt"]["readers"]


def test_incremental_rescan_records_new_permissions_as_unchanged(server, tmp_path):
    root = server.base / "shares" / "changes"
    proc, inv = scan(tmp_path, "changes")
    assert rows(inv)["world.txt"]["exposure"] == "everyone"
    os.chmod(root / "owner-only.txt", 0o644)  # now everyone (and readable)
    accounts.setfacl(root / "world.txt", "-m", f"u:{USER}:r")
    os.chmod(root / "world.txt", 0o640)  # root's group and the share user only
    before = profile(server)
    proc, inv = scan(tmp_path, "changes", "--incremental", inv=inv)
    after = profile(server)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    got = rows(inv)
    assert got["world.txt"]["status"] == "unchanged"
    assert got["world.txt"]["exposure"] == "group"
    assert "Everyone" not in got["world.txt"]["readers"]
    assert got["hr.txt"]["status"] == "unchanged" and got["hr.txt"]["exposure"] == "group"
    # owner-only.txt failed last time (access denied): errors are retried, now it is read.
    assert got["owner-only.txt"]["status"] == "scanned" and got["owner-only.txt"]["exposure"] == "everyone"
    # The three unchanged files' descriptors, and the one file read.
    assert after["smb2_getinfo_count"] - before["smb2_getinfo_count"] == 4


# -- requests ------------------------------------------------------------------------------------
def test_descriptor_requests_on_10000_files_in_100_folders(server, tmp_path):
    """A full scan asks for each file's descriptor once, in the same compound
    request as the open that reads the file: no request of its own, none per
    folder. On this share every file's DACL is its own (Samba maps each
    file's mode; none is inherited), so the bound of one descriptor request
    per folder plus one per file with an explicit ACE is 10,100."""
    n = server.bulk_files
    before = profile(server)
    proc, inv = scan(tmp_path, "bulk", "-j", "2")
    after = profile(server)
    assert proc.returncode == 0, proc.stderr
    got = rows(inv)
    assert len(got) == n and {r["exposure"] for r in got.values()} == {"everyone"}
    getinfo = after["smb2_getinfo_count"] - before["smb2_getinfo_count"]
    creates = after["smb2_create_count"] - before["smb2_create_count"]
    explicit = n  # every file: see the docstring (checked on a sample below)
    assert getinfo <= BULK_FOLDERS + explicit
    assert getinfo == n  # exactly one per file: none twice, none for folders
    # Opens: one per folder listed (and the share root), one per file read,
    # an LSA pipe per process: the descriptors brought none of their own.
    assert creates <= n + BULK_FOLDERS + 1 + 4
    # The sample: descriptors as the server gives them have no inherited ACE.
    from connectors.smb_session import Endpoint, SmbSession
    from scanner.exposure import ntsd

    s = SmbSession(Endpoint("127.0.0.1", PORT, USER, password_env="PIISCOUT_SMB_PASSWORD"), lambda: PASSWORD)
    try:
        sds = s.query_security("bulk", [f"dept-{d:03d}\\note-000.txt" for d in range(0, BULK_FOLDERS, 10)])
    finally:
        s.close()
    assert all(ntsd.parse(sd).explicit and not any(a.inherited for a in ntsd.parse(sd).dacl) for sd in sds)

    # An incremental rescan reads no file, and each unchanged file's
    # descriptor once: 16 compounds per round trip.
    before = profile(server)
    proc, inv = scan(tmp_path, "bulk", "--incremental", inv=inv)
    after = profile(server)
    assert proc.returncode == 0, proc.stderr
    assert {r["status"] for r in rows(inv).values()} == {"unchanged"}
    assert after["smb2_getinfo_count"] - before["smb2_getinfo_count"] == n
    assert after["smb2_read_count"] - before["smb2_read_count"] < 50  # LSA pipe answers, no file
