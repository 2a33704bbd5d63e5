"""The SMB connector against a real Samba server on 127.0.0.1:4450.

The session fixture starts smbd once with a private smb.conf, serving a copy
of the fixture tree (`data`), a share with a folder and a file the user may
not read (`mixed`), a guest share (`public`) and a share that requires
encryption (`enc`). Tests that must stop a server start their own on 4451.
"""

from __future__ import annotations

import multiprocessing as mp
import json
import os
import pty
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from connectors.registry import resolve
from scanner.errors import TargetError, UsageError
from scanner.evaluation import evaluate, found_hashes, worst_files
from scanner.inventory.reader import Inventory
from scanner.settings import ScanSettings
from tests.conftest import ROOT, TEST_KEY, all_strings, raw_variants, run_piiscout
from tests.connectors import samba
from tests.connectors.samba import PASSWORD, USER, SambaServer

PORT = samba.free_port(4450)
SPARE_PORT = samba.free_port(4451, avoid=(PORT,))  # servers a test stops; closed the rest of the time
HOST = f"127.0.0.1:{PORT}"
ENV = {"PIISCOUT_SMB_PASSWORD": PASSWORD}

pytestmark = pytest.mark.skipif(samba.unavailable() is not None, reason=samba.unavailable() or "")


def _copy_fixtures(dest: Path) -> None:
    def ignore(folder, names):
        return [n for n in names if n in ("expected", "__pycache__") or n.endswith(".py")]

    shutil.copytree(ROOT / "fixtures", dest, ignore=ignore)


def _readable(path: Path) -> None:
    subprocess.run(["chmod", "-R", "a+rX", str(path)], check=True)


@pytest.fixture(scope="session")
def smb_server():
    server = SambaServer(PORT)
    shares = server.base / "shares"
    data = shares / "data"
    _copy_fixtures(data)
    mixed = shares / "mixed"
    (mixed / "open").mkdir(parents=True)
    (mixed / "open" / "staff.txt").write_text("Employee SSN: 234-56-7801, mail anna.smith@example.com\n")
    (mixed / "private").mkdir()
    (mixed / "private" / "payroll.txt").write_text("SSN 345-67-8902\n")
    (mixed / "locked.txt").write_text("SSN 456-78-9013\n")
    public = shares / "public"
    shutil.copytree(ROOT / "fixtures" / "files" / "hr", public)
    enc = shares / "enc"
    enc.mkdir()
    (enc / "note.txt").write_text("Contact: bob.jones@example.org\n")
    _readable(shares)
    # Owned by root, closed to everyone else: the share user is refused.
    (mixed / "private").chmod(0o700)
    (mixed / "locked.txt").chmod(0o600)
    server.add_share("data", data, **{"valid users": USER})
    server.add_share("mixed", mixed, **{"valid users": USER})
    server.add_share("public", public, **{"guest ok": "yes"})
    server.add_share("enc", enc, **{"valid users": USER, "smb encrypt": "required"})
    server.start()
    try:
        yield server
    finally:
        server.cleanup()


def smb_relative(location: str, share: str) -> str:
    prefix = f"smb://{HOST}/{share}/"
    assert location.startswith(prefix), location
    return location[len(prefix):]


def findings_set(inv: Path, rel) -> set[tuple]:
    t = ds.dataset(inv / "findings", format="parquet").to_table(
        columns=["entity_type", "value_hash", "location", "part"])
    return {(e, h, rel(loc), p) for e, h, loc, p in zip(*(t.column(c).to_pylist() for c in t.column_names))}


def items_set(inv: Path, rel) -> Counter:
    t = ds.dataset(inv / "items", format="parquet").to_table(columns=["location", "part", "status"])
    return Counter((rel(loc), p, s) for loc, p, s in zip(*(t.column(c).to_pylist() for c in t.column_names)))


@pytest.fixture(scope="module")
def scans(smb_server, tmp_path_factory):
    """The fixture copy scanned over SMB (with two workers) and locally."""
    out = tmp_path_factory.mktemp("smbscan")
    log = out / "scan.log"
    smb = run_piiscout("scan", f"smb://{USER}@{HOST}/data", "-i", str(out / "smb"), "-j", "2", "-vv",
                       "--log-file", str(log), env=ENV)
    local_root = smb_server.base / "shares" / "data"
    local = run_piiscout("scan", str(local_root), "-i", str(out / "local"), "-j", "2")
    return {"smb": smb, "local": local, "smb_inv": out / "smb", "local_inv": out / "local",
            "local_root": local_root, "log": log}


# -- the scan itself --------------------------------------------------------------------
def test_smb_scan_finds_what_the_local_scan_finds(scans):
    # The fixtures include deliberately corrupt documents: both scans complete
    # with "some items failed" (1), and must agree on that too.
    assert scans["smb"].returncode in (0, 1), scans["smb"].stderr
    assert scans["smb"].returncode == scans["local"].returncode, scans["local"].stderr
    root = str(scans["local_root"])

    def local_rel(loc):
        return os.path.relpath(loc, root)

    smb = findings_set(scans["smb_inv"], lambda loc: smb_relative(loc, "data"))
    local = findings_set(scans["local_inv"], local_rel)
    # Names with characters Windows forbids (Maildir's "1234.host:2,S")
    # cannot exist on a share: Samba serves them under mangled 8.3 names
    # (1RMTH1~Y), so those files are compared by count, not by name.
    def split(rows, mangled):
        keep = {r for r in rows if not mangled(r[2])}
        return keep, len(rows) - len(keep)

    smb, smb_mangled = split(smb, lambda path: "~" in path.rsplit("/", 1)[-1])
    local, local_mangled = split(local, lambda path: any(c in path for c in ':*?"<>|'))
    assert len(local) > 300
    assert smb == local
    assert smb_mangled == local_mangled
    # Every object (files, archive members) gets the same items row.
    smb_items = items_set(scans["smb_inv"], lambda loc: smb_relative(loc, "data"))
    local_items = items_set(scans["local_inv"], local_rel)
    assert +Counter({k: v for k, v in smb_items.items() if "~" not in k[0].rsplit("/", 1)[-1]}) == \
        +Counter({k: v for k, v in local_items.items() if not any(c in k[0] for c in ':*?"<>|')})
    assert sum(smb_items.values()) == sum(local_items.values())


def test_smb_scan_precision_and_recall_per_file(scans, truth):
    files = {k: v for k, v in truth.items() if k.startswith("files/")}
    found = found_hashes(scans["smb_inv"], None, Path("."), relative=lambda loc: smb_relative(loc, "data"))
    assert worst_files(evaluate(found, files), 0.95) == []


def test_locations_and_scan_row_hold_no_credentials(scans):
    inv = Inventory(scans["smb_inv"])
    sid = inv.latest_scan_id()
    locations = inv.items(sid).column("location").to_pylist()
    assert locations and all(loc.startswith(f"smb://{HOST}/data/") for loc in locations)
    assert USER not in "\n".join(all_strings(scans["smb_inv"]))


def test_password_appears_nowhere(scans, truth):
    proc = scans["smb"]
    blob = "\n".join(all_strings(scans["smb_inv"])) + proc.stdout + proc.stderr + scans["log"].read_text()
    assert PASSWORD not in blob
    leaks = [v for f in truth.values() for vals in f.values() for raw in vals for v in raw_variants(raw)
             if v in scans["log"].read_text()]
    assert leaks == []
    # Nor in any file the scan left behind.
    for p in scans["smb_inv"].rglob("*"):
        if p.is_file():
            assert PASSWORD.encode() not in p.read_bytes()


# -- credentials and reachability: one line, exit 2, nothing scanned ----------------------
def run_main(*args: str, env: dict | None = None, monkeypatch=None, capsys=None) -> tuple[int, str, str]:
    """The real CLI entry point, in process (fast: no interpreter start)."""
    from scanner.cli import main

    for k, v in (env or {}).items():
        monkeypatch.setenv(k, v)
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.mark.parametrize("target,env,needle", [
    (f"smb://{USER}@{HOST}/data", {"PIISCOUT_SMB_PASSWORD": "not-the-password"}, "wrong user name or password"),
    (f"smb://{USER}@127.0.0.1:{SPARE_PORT}/data", ENV, "connection refused"),
    (f"smb://{USER}@{HOST}/nosuchshare", ENV, "no share named 'nosuchshare'"),
    (f"smb://{USER}@{HOST}/data/no/such/folder", ENV, "no such file or directory"),
    (f"smb://{USER}@{HOST}/data", {"PIISCOUT_SMB_PASSWORD": ""}, "wrong user name or password"),
    (f"smb://{USER}:{PASSWORD}@{HOST}/data", {}, "do not put the password in the SMB URL"),
    (f"smb://{HOST}/data", ENV, "no user"),
])
def test_bad_login_or_target_is_one_line_exit_2(smb_server, tmp_path, monkeypatch, capsys, target, env, needle):
    inv = tmp_path / "inv"
    code, out, err = run_main("scan", target, "-i", str(inv), env=env, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2, err
    assert needle in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert PASSWORD not in err + out
    assert not inv.exists()


def test_no_password_and_no_terminal_exit_2(smb_server, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PIISCOUT_SMB_PASSWORD"}
    proc = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", f"smb://{USER}@{HOST}/data",
                           "-i", str(tmp_path / "inv")], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, env={**env, "PIISCOUT_HASH_KEY": TEST_KEY}, cwd=str(ROOT), timeout=120)
    assert proc.returncode == 2
    assert "no password" in proc.stderr and "PIISCOUT_SMB_PASSWORD" in proc.stderr


def test_password_prompt_on_a_terminal_reaches_the_workers(smb_server, tmp_path):
    """On a TTY piiscout asks; the forked workers log in with the answer."""
    env = {k: v for k, v in os.environ.items() if k != "PIISCOUT_SMB_PASSWORD"}
    env["PIISCOUT_HASH_KEY"] = TEST_KEY
    inv = tmp_path / "inv"
    pid, fd = pty.fork()
    if pid == 0:  # child: the pty is its controlling terminal
        os.chdir(str(ROOT))
        os.execve(sys.executable, [sys.executable, "-m", "scanner.cli", "scan", f"smb://{USER}@{HOST}/public",
                                   "-i", str(inv), "-j", "2", "-q"], env)
    output = b""
    sent = False
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if not sent and b"Password for" in output:
            os.write(fd, (PASSWORD + "\n").encode())
            sent = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    text = output.decode(errors="replace")
    assert sent, text
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert PASSWORD not in text  # not echoed
    inventory = Inventory(inv)
    items = inventory.items(inventory.latest_scan_id())
    assert set(items.column("status").to_pylist()) == {"scanned"}
    assert inventory.findings(inventory.latest_scan_id()).num_rows > 0
    assert PASSWORD not in "\n".join(all_strings(inv))


def test_password_env_option_names_the_variable(smb_server, monkeypatch):
    monkeypatch.delenv("PIISCOUT_SMB_PASSWORD", raising=False)
    monkeypatch.setenv("CLIENT_A_SMB_PASSWORD", PASSWORD)
    spec = resolve(f"smb://WORKGROUP;{USER}@{HOST}/data", options={"password_env": "CLIENT_A_SMB_PASSWORD",
                                                                   "prompt": False})
    assert spec.password_env == "CLIENT_A_SMB_PASSWORD"
    assert PASSWORD not in repr(spec)
    assert spec.url == f"smb://{HOST}/data"
    monkeypatch.delenv("CLIENT_A_SMB_PASSWORD")
    with pytest.raises(UsageError, match=r"\$CLIENT_A_SMB_PASSWORD"):
        resolve(f"smb://{USER}@{HOST}/data", options={"password_env": "CLIENT_A_SMB_PASSWORD", "prompt": False})


# -- what the server allows and refuses -------------------------------------------------------
def test_denied_folder_and_file_are_recorded_and_the_scan_goes_on(smb_server, tmp_path, monkeypatch, capsys):
    code, _, err = run_main("scan", f"smb://{USER}@{HOST}/mixed", "-i", str(tmp_path / "inv"), "-j", "1", "-q",
                            env=ENV, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1, err
    inv = Inventory(tmp_path / "inv")
    items = inv.items(inv.latest_scan_id()).to_pylist()
    rows = {smb_relative(r["location"], "mixed"): r for r in items}
    assert rows["private"]["status"] == "error" and rows["private"]["reason"] == "access denied"
    assert rows["private"]["content_type"] == "inode/directory"
    assert rows["locked.txt"]["status"] == "error" and rows["locked.txt"]["reason"] == "access denied"
    assert rows["open/staff.txt"]["status"] == "scanned" and rows["open/staff.txt"]["findings"] >= 2
    assert not any("payroll" in loc for loc in rows)


def test_guest_share(smb_server, tmp_path, monkeypatch, capsys):
    code, _, err = run_main("scan", f"smb://{HOST}/public", "--guest", "-i", str(tmp_path / "inv"), "-j", "1", "-q",
                            monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    inv = Inventory(tmp_path / "inv")
    assert inv.findings(inv.latest_scan_id()).num_rows > 50
    # A share for named users only refuses guests before anything is scanned.
    code, _, err = run_main("scan", f"smb://{HOST}/data", "--guest", "-i", str(tmp_path / "inv2"),
                            monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "denied for guests" in err


def _connector(url: str, **options):
    from connectors.registry import connector_for

    spec = resolve(url, options={"prompt": False, **options})
    return connector_for(spec)(spec, ScanSettings())


def test_every_non_administrative_share_of_a_host(smb_server, monkeypatch):
    from connectors.smb_shares import list_shares
    from scanner.model import Item

    monkeypatch.setenv("PIISCOUT_SMB_PASSWORD", PASSWORD)
    conn = _connector(f"smb://{USER}@{HOST}/")
    try:
        conn.check()
        names = {s.name: s for s in list_shares(conn.session.session, "127.0.0.1")}
        assert {"data", "mixed", "public", "enc", "IPC$"} <= set(names)
        assert names["IPC$"].administrative and not names["data"].administrative
        units = list(conn.list_items())
    finally:
        conn.close()
    shares = {u.location.split("/")[3] for u in units}
    assert shares == {"data", "mixed", "public", "enc"}
    assert any(isinstance(u, Item) and u.location == f"smb://{HOST}/enc/note.txt" for u in units)
    assert conn.relative(f"smb://{HOST}/enc/note.txt") == "enc/note.txt"


def test_encryption_follows_the_server_and_can_be_required(smb_server, monkeypatch):
    monkeypatch.setenv("PIISCOUT_SMB_PASSWORD", PASSWORD)
    conn = _connector(f"smb://{USER}@{HOST}/data")
    try:
        conn.check()
        assert conn.session.signed  # authenticated sessions always sign
        assert not conn.session.tree("data").encrypt_data
        assert conn.session.tree("enc").encrypt_data  # the share demands it
        with conn.open(_item(conn, "enc/note.txt")) as f:
            assert b"bob.jones" in f.read()
    finally:
        conn.close()
    conn = _connector(f"smb://{USER}@{HOST}/data", require_encryption=True)
    try:
        conn.check()
        assert conn.session.encrypted
    finally:
        conn.close()


def _item(conn, ref: str):
    from scanner.model import Item

    return Item(target=conn.spec.name, source="smb", location=f"smb://{HOST}/{ref}", ref=ref)


@pytest.fixture
def spare_server():
    """A second smbd on the spare port, for tests that stop it."""
    server = SambaServer(SPARE_PORT)
    yield server
    server.cleanup()


def test_require_encryption_against_an_smb2_server(spare_server, monkeypatch, capsys, tmp_path):
    share = spare_server.base / "share"
    share.mkdir()
    (share / "a.txt").write_text("nothing here\n")
    _readable(share)
    spare_server.add_share("old", share, **{"valid users": USER})
    spare_server.global_options["server max protocol"] = "SMB2_10"
    spare_server.start()
    target = f"smb://{USER}@127.0.0.1:{SPARE_PORT}/old"
    code, _, err = run_main("scan", target, "-i", str(tmp_path / "inv"), "--require-encryption", env=ENV,
                            monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "cannot encrypt" in err and "SMB 2.1" in err
    code, _, err = run_main("scan", target, "-i", str(tmp_path / "inv"), "-q", env=ENV, monkeypatch=monkeypatch,
                            capsys=capsys)
    assert code == 0, err
    conn = _connector(target)
    try:
        conn.check()
        assert conn.session.signed and not conn.session.encrypted
    finally:
        conn.close()


def test_smbd_killed_mid_scan(spare_server, tmp_path):
    """be6bffa recorded a scan that lost its server as `complete`: it became
    the current state and `report`/`diff` presented the findings it never
    reached as gone. Now it is `partial`, the current state keeps what the
    last complete scan found where this one could not look, and a rescan
    with the server back completes."""
    share = spare_server.base / "share"
    text = "".join(f"Contact jane.doe{i}@example.com, SSN 234-56-{7000 + i}\n" for i in range(1000))
    for d in range(6):
        (share / f"d{d}").mkdir(parents=True)
        for i in range(40):
            (share / f"d{d}" / f"f{i:02d}.txt").write_text(text)
    _readable(share)
    spare_server.add_share("big", share, **{"valid users": USER})
    spare_server.start()
    inv = tmp_path / "inv"
    env = {**os.environ, **ENV, "PIISCOUT_HASH_KEY": TEST_KEY}
    target = f"smb://{USER}@127.0.0.1:{SPARE_PORT}/big"
    cmd = [sys.executable, "-m", "scanner.cli", "scan", target, "-i", str(inv), "-j", "2", "--incremental"]
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(ROOT), timeout=900)
    assert first.returncode == 0 and " complete: " in first.stdout, first.stdout + first.stderr
    inventory = Inventory(inv)
    full = inventory.scan_row(inventory.latest_scan_id())["findings"]
    assert full == 240 * 2000
    for f in share.rglob("*.txt"):  # every file changed: the next scan reads them all again
        os.utime(f, (f.stat().st_atime, f.stat().st_mtime + 10))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=str(ROOT))
    try:
        # The parent's listing session and both workers' sessions are open:
        # the scan is under way.
        deadline = time.monotonic() + 120
        while spare_server.client_processes() < 3 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, proc.communicate()
        spare_server.stop()
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    assert " partial: " in out and " not reached" in out
    sid = inventory.latest_scan_id()
    scan = inventory.scan_row(sid)
    assert scan["status"] == "partial" and scan["exit_code"] == 1
    items = inventory.items(sid).to_pylist()
    errors = [r for r in items if r["status"] == "error"]
    assert errors and all(f"connection to 127.0.0.1:{SPARE_PORT} lost" in r["reason"] for r in errors)
    # Whatever was read before the kill is in the inventory, readable.
    assert inventory.findings(sid).num_rows == sum(r["findings"] for r in items)
    # The current state: what was read now, and the last complete scan's
    # findings where this one could not look. Nothing is "resolved".
    rep = subprocess.run([sys.executable, "-m", "scanner.cli", "report", str(inv), "--format", "json"],
                         capture_output=True, text=True, env=env, cwd=str(ROOT), timeout=300)
    assert rep.returncode == 0, rep.stderr
    state = json.loads(rep.stdout)
    assert state["status"] == "partial" and sid in state["unreached"]
    assert state["findings"] == full
    diff = subprocess.run([sys.executable, "-m", "scanner.cli", "diff", str(inv), "--format", "json"],
                          capture_output=True, text=True, env=env, cwd=str(ROOT), timeout=300)
    assert json.loads(diff.stdout)["resolved"] == 0
    # The server is back: a rescan completes and is the whole state again.
    spare_server.start()
    again = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(ROOT), timeout=900)
    assert again.returncode == 0 and " complete: " in again.stdout, again.stdout + again.stderr
    assert inventory.scan_row(inventory.latest_scan_id())["findings"] == full


# -- sessions: per process, and they survive a dropped connection --------------------------------
def _session_child(spec, q):
    from connectors.registry import connector_for

    try:
        conn = connector_for(spec)(spec, ScanSettings())
        with conn.open(_item(conn, "public/employees.csv")) as f:
            q.put(len(f.read()))
        conn.close()
    except Exception as e:  # noqa: BLE001
        q.put(repr(e))


def test_forked_worker_opens_its_own_session(smb_server, monkeypatch):
    monkeypatch.setenv("PIISCOUT_SMB_PASSWORD", PASSWORD)
    conn = _connector(f"smb://{USER}@{HOST}/")
    try:
        conn.check()
        before = smb_server.client_processes()
        ctx = mp.get_context("fork")
        q = ctx.Queue()
        # The child inherits this connector's live session; it must not use it.
        p = ctx.Process(target=_session_child, args=(conn.spec, q))
        p.start()
        size = q.get(timeout=60)
        p.join(30)
        assert size == (smb_server.base / "shares/public/employees.csv").stat().st_size
        assert before >= 1
        # The parent's session still works after the child has gone.
        with conn.open(_item(conn, "data/files/hr/employees.csv")) as f:
            assert f.read(10)
    finally:
        conn.close()


def test_read_resumes_after_a_dropped_connection(smb_server, monkeypatch):
    """The server process of our connection dies mid-file: the session
    reconnects and the read goes on from the same offset."""
    from connectors import smb_session

    monkeypatch.setenv("PIISCOUT_SMB_PASSWORD", PASSWORD)
    monkeypatch.setattr(smb_session, "RETRY_DELAYS", (0.1, 0.2, 0.5))
    big = smb_server.base / "shares" / "data" / "resume.bin"
    big.write_bytes(os.urandom(3 << 20))
    big.chmod(0o644)
    conn = _connector(f"smb://{USER}@{HOST}/data")
    try:
        before = set(samba._children(smb_server.pid))
        conn.check()
        ours = [p for p in set(samba._children(smb_server.pid)) - before
                if Path(f"/proc/{p}/comm").read_text().strip() == "smbd"]
        assert len(ours) == 1
        with conn.open(_item(conn, "data/resume.bin")) as f:
            first = f.read(1 << 20)
            os.kill(ours[0], 9)
            rest = f.read()
        assert first + rest == big.read_bytes()
    finally:
        conn.close()
        big.unlink()


# -- target parsing ------------------------------------------------------------------------------
@pytest.mark.parametrize("url,expect", [
    ("smb://alice@FileServer/Finance", ("fileserver", 445, "Finance", "", "alice", None, "smb://fileserver/Finance")),
    ("smb://ACME;alice@fs.acme.local:4450/Finance/2024/Q1",
     ("fs.acme.local", 4450, "Finance", "2024/Q1", "alice", "ACME", "smb://fs.acme.local:4450/Finance/2024/Q1")),
    ("smb://alice@fs/Team%20Share/a%23b", ("fs", 445, "Team Share", "a#b", "alice", None,
                                           "smb://fs/Team Share/a#b")),
    ("smb://alice@[fe80::1]:4450/s", ("fe80::1", 4450, "s", "", "alice", None, "smb://[fe80::1]:4450/s")),
    ("smb://alice@fs/", ("fs", 445, None, "", "alice", None, "smb://fs/")),
    ("smb://ACME%5Calice@fs/s", ("fs", 445, "s", "", "alice", "ACME", "smb://fs/s")),
])
def test_url_parsing(url, expect, monkeypatch):
    monkeypatch.setenv("PIISCOUT_SMB_PASSWORD", "x")
    spec = resolve(url)
    o = spec.options_dict
    assert (o["host"], o["port"], o["share"], o["path"], o["user"], o["domain"], spec.url) == expect
    assert spec.password_env == "PIISCOUT_SMB_PASSWORD" and spec.scheme == "smb"


@pytest.mark.parametrize("url,options,needle", [
    ("smb://alice:secret@fs/s", {}, "do not put the password"),
    ("smb://alice@fs/s?x=1", {}, "no ?query"),
    ("smb://alice@fs:99999/s", {}, "malformed SMB URL"),
    ("smb://fs/s", {}, "no user"),
    ("smb://alice@fs/s", {"guest": True}, "--guest logs in without a user"),
    ("smb://alice@fs/s/../x", {}, "'..' are not allowed"),
    ("smb://alice@fs/s", {"password": "x"}, "cannot be given as an option"),
])
def test_bad_urls(url, options, needle, monkeypatch):
    monkeypatch.setenv("PIISCOUT_SMB_PASSWORD", "x")
    with pytest.raises(UsageError) as exc:
        resolve(url, options=options)
    assert needle in str(exc.value)
    assert "secret" not in str(exc.value)


def test_kerberos_without_gssapi_says_what_is_missing(smb_server, monkeypatch):
    try:
        import gssapi  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("gssapi is installed: no KDC here to test against")
    conn = _connector(f"smb://{USER}@{HOST}/data", kerberos=True)
    with pytest.raises(TargetError, match="Kerberos is not available"):
        conn.check()
