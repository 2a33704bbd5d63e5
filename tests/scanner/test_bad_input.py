"""Bad input is recorded against its item and the scan goes on."""

from __future__ import annotations

import os
import shutil

import pytest

from scanner.inventory.reader import Inventory
from tests.conftest import run_piiscout


def _items(inv) -> dict[str, tuple[str, str]]:
    i = Inventory(inv)
    t = i.items(i.latest_scan_id())
    return {loc: (st, reason) for loc, st, reason in
            zip(t.column("location").to_pylist(), t.column("status").to_pylist(), t.column("reason").to_pylist())}


def _as_unprivileged() -> list[str]:
    """As root, file permissions do not apply: drop the capabilities that
    bypass them (the scan still runs as uid 0, owner of the files)."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("setpriv (util-linux) is needed to test denied access as root")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"]


@pytest.fixture
def messy_tree(tmp_path):
    root = tmp_path / "share"
    (root / "ok").mkdir(parents=True)
    (root / "ok" / "a.txt").write_text("SSN 234-56-7890\n")
    (root / "denied").mkdir()
    (root / "denied" / "secret.txt").write_text("SSN 345-67-8901\n")
    (root / "locked.txt").write_text("SSN 456-78-9012\n")
    os.chmod(root / "denied", 0o000)
    os.chmod(root / "locked.txt", 0o000)
    os.symlink(root / "nowhere", root / "broken-link")
    os.symlink(root, root / "ok" / "loop")
    os.mkfifo(root / "pipe")
    (root / "bin.dat").write_bytes(bytes(range(256)) * 40)
    (root / "bad-bytes.txt").write_bytes(b"caf\xe9 \xff\xfe\x80 SSN 567-89-0123 end\x81\n")
    yield root
    os.chmod(root / "denied", 0o755)
    os.chmod(root / "locked.txt", 0o644)


def test_messy_tree_is_recorded_and_scan_goes_on(messy_tree, tmp_path):
    inv = tmp_path / "inv"
    proc = run_piiscout("scan", str(messy_tree), "-i", str(inv), prefix=_as_unprivileged())
    assert proc.returncode == 1, proc.stderr  # complete, some items failed
    assert "Traceback" not in proc.stderr
    items = _items(inv)
    r = str(messy_tree)
    assert items[f"{r}/ok/a.txt"][0] == "scanned"
    assert items[f"{r}/denied"] == ("error", "permission denied")
    assert items[f"{r}/locked.txt"] == ("error", "permission denied")
    assert items[f"{r}/broken-link"] == ("skipped", "broken symbolic link (its target does not exist)")
    assert items[f"{r}/ok/loop"][0] == "skipped" and "not followed" in items[f"{r}/ok/loop"][1]
    assert items[f"{r}/pipe"] == ("skipped", "not a regular file (fifo)")
    assert items[f"{r}/bin.dat"][0] == "skipped"
    st, reason = items[f"{r}/bad-bytes.txt"]
    assert st == "scanned"
    i = Inventory(inv)
    hashes = i.findings(i.latest_scan_id()).column("location").to_pylist()
    assert hashes.count(f"{r}/ok/a.txt") == 1 and hashes.count(f"{r}/bad-bytes.txt") == 1


def test_symlink_loop_with_follow(messy_tree, tmp_path):
    inv = tmp_path / "inv"
    proc = run_piiscout("scan", str(messy_tree / "ok"), "-i", str(inv), "--follow-symlinks")
    items = _items(inv)
    assert proc.returncode in (0, 1), proc.stderr
    # The link leads to the parent: entered once, then recognised as a loop.
    assert any("loop" in (reason or "") for _, reason in items.values())
    assert sum(1 for loc in items if loc.endswith("/a.txt")) <= 2


def test_file_vanishing_before_it_is_read(tmp_path):
    from connectors.local import LocalConnector
    from scanner.executors.base import WorkerRuntime
    from scanner.job import Job

    f = tmp_path / "gone.txt"
    f.write_text("x")
    spec = LocalConnector.parse(str(tmp_path))
    conn = LocalConnector(spec, Job((spec,)).settings)
    items = [x for x in conn.list_items()]
    f.unlink()
    out = list(WorkerRuntime(Job((spec,))).process(items[0]))
    assert out[-1].status == "error" and out[-1].reason == "file vanished before it was read"


def test_max_file_size(tmp_path):
    (tmp_path / "big.txt").write_text("x" * 5000)
    (tmp_path / "small.txt").write_text("SSN 234-56-7890")
    proc = run_piiscout("scan", str(tmp_path), "-i", str(tmp_path / "inv"), "--max-file-size", "1KB")
    assert proc.returncode == 0
    items = _items(tmp_path / "inv")
    assert items[str(tmp_path / "big.txt")][0] == "skipped"
    assert "max-file-size" in items[str(tmp_path / "big.txt")][1]


def test_what_every_share_holds_is_skipped_not_an_error(tmp_path):
    """be6bffa recorded Office owner files and dangling links as `error`: a
    clean nightly run exited 1 every night. Sockets and devices are skips too."""
    import socket
    import stat

    root = tmp_path / "share"
    root.mkdir()
    (root / "budget.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (root / "~$budget.xlsx").write_bytes(b"\x0bJane Smith" + b"\x00" * 151)  # 162 bytes, as Office writes
    (root / ".~lock.budget.xlsx#").write_text("Jane Smith,host,jane,07.12.2026 09:00,file:///home/jane;\n")
    (root / "~$real_document.txt").write_text("SSN 234-56-7890\n" * 100)  # a document, whatever its name
    os.symlink(root / "gone", root / "dangling")
    os.mkfifo(root / "fifo")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "app.sock"))
    devices = os.geteuid() == 0
    if devices:
        os.mknod(root / "null-dev", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    try:
        inv = tmp_path / "inv"
        proc = run_piiscout("scan", str(root), "-i", str(inv))
    finally:
        sock.close()
    items = _items(inv)
    r = str(root)
    assert items[f"{r}/~$budget.xlsx"] == ("skipped", "Office owner file (lock file of an open document)")
    assert items[f"{r}/.~lock.budget.xlsx#"] == ("skipped", "LibreOffice lock file")
    assert items[f"{r}/dangling"] == ("skipped", "broken symbolic link (its target does not exist)")
    assert items[f"{r}/fifo"] == ("skipped", "not a regular file (fifo)")
    assert items[f"{r}/app.sock"] == ("skipped", "not a regular file (socket)")
    if devices:
        assert items[f"{r}/null-dev"] == ("skipped", "not a regular file (device)")
    assert items[f"{r}/~$real_document.txt"][0] == "scanned"
    errors = {k: v for k, v in items.items() if v[0] == "error"}
    # The fake workbook is the one real problem: nothing else is an error.
    assert set(errors) <= {f"{r}/budget.xlsx"}
    proc_ok = run_piiscout("scan", str(root), "-i", str(tmp_path / "inv2"), "-x", "budget.xlsx")
    assert proc_ok.returncode == 0, proc_ok.stdout + proc_ok.stderr
