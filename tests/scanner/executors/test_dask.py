"""Distributed scans on real Dask clusters: a LocalCluster started by the
CLI, and a multi-process cluster (`dask scheduler` and two `dask worker`
processes on loopback) started here. Both must find exactly what the local
process pool finds, and survive workers that die or hang mid-scan."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import astuple, replace
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("distributed")

from connectors.local import LocalConnector  # noqa: E402
from scanner import privacy  # noqa: E402
from scanner.executors import dask as dask_mod  # noqa: E402
from scanner.executors.dask import ClusterError, DaskExecutor, parse_scheduler  # noqa: E402
from scanner.executors.local import LocalExecutor  # noqa: E402
from scanner.inventory.reader import Inventory  # noqa: E402
from scanner.model import TargetSpec  # noqa: E402
from scanner.job import Job  # noqa: E402
from scanner.settings import ScanSettings  # noqa: E402
from tests.conftest import ROOT, TEST_KEY, run_piiscout  # noqa: E402
from tests.connectors import samba  # noqa: E402

PRELOAD = Path(__file__).with_name("dask_worker_preload.py")
PORTS = range(8786, 8790)  # this module's loopback ports: the scheduler's...
SMB_PORT = 8790  # ...and a Samba server's


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the scheduler will
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@contextlib.contextmanager
def _running_cluster(base: Path):
    """A scheduler and two workers (each under a nanny that restarts it), as
    separate processes, the way an MSP would run them on several machines."""
    from distributed import Client

    markers = base / "markers"
    markers.mkdir()
    # The workers hold the secrets in their environment: the hash key and the
    # SMB password (the client sends only the variable's name).
    env = dict(os.environ, PIISCOUT_HASH_KEY=TEST_KEY, PIISCOUT_TEST_MARKERS=str(markers),
               PIISCOUT_SMB_PASSWORD=samba.PASSWORD,
               XDG_CONFIG_HOME=str(base / "xdg"), PYTHONPATH=str(ROOT),
               # Give up on a task after its second worker death (the default, 3, only makes the test slower).
               DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="1")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = []
    logs = []

    def start(name, *args):
        log = open(base / f"{name}.log", "wb")
        logs.append(log)
        procs.append(subprocess.Popen([sys.executable, "-m", "dask", *args], env=env, stdout=log,
                                      stderr=subprocess.STDOUT, cwd=str(base)))

    try:
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard",
              "--dashboard-address", "127.0.0.1:0")  # its HTTP server (health) starts anyway
        for i in range(2):
            start(f"worker{i}", "worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard",
                  "--nanny", "--name", f"w{i}", "--preload", str(PRELOAD))
        ns = SimpleNamespace(address=address, markers=markers, logs=base, scheduler=procs[0])
        _wait_for_workers(ns)
        yield ns
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            _stop(p)
        for log in logs:
            log.close()


def _wait_for_workers(cluster, n: int = 2, limit: float = 180) -> None:
    """Both workers connected (after a test killed one, its nanny's
    replacement), or the test fails here, not somewhere less clear."""
    from distributed import Client

    deadline = time.monotonic() + limit
    while True:  # the scheduler takes a moment to listen
        try:
            with Client(cluster.address, timeout=10, set_as_default=False) as c:
                c.wait_for_workers(n, timeout=max(1, deadline - time.monotonic()))
            return
        except OSError:
            if time.monotonic() > deadline or cluster.scheduler.poll() is not None:
                raise
            time.sleep(1)


@pytest.fixture(scope="module")
def _shared_cluster(tmp_path_factory):
    with _running_cluster(tmp_path_factory.mktemp("dask-cluster")) as c:
        yield c


@pytest.fixture
def cluster(_shared_cluster):
    """The module's cluster, for tests that leave its workers as they found
    them; each starts only when both workers are connected."""
    _wait_for_workers(_shared_cluster)
    return _shared_cluster


@pytest.fixture
def own_cluster(tmp_path_factory):
    """A cluster of its own, for a test that kills or restarts workers: no
    other test's outcome depends on what it leaves behind, in any order."""
    with _running_cluster(tmp_path_factory.mktemp("dask-own-cluster")) as c:
        yield c


def _tree(root: Path, n: int, suffix: str = ".txt") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"f{i:03d}{suffix}").write_text(f"employee {i}\nSSN 234-56-{7000 + i}\ncontact j{i}@example.com\n")
    return root


def _scan(executor, target, settings: ScanSettings | None = None, on_done=None, should_stop=None,
          last: str | None = None):
    """Scan with `executor`, collecting what reaches the sink. `last`: list
    the item of that name last (the listing's own order is the file system's)."""
    from connectors.registry import connector_for

    settings = settings or ScanSettings()
    spec = target if isinstance(target, TargetSpec) else LocalConnector.parse(str(target))
    job = Job((spec,), settings)
    conn = connector_for(spec)(spec, settings)
    units = conn.list_items()
    if last:
        units = sorted(units, key=lambda i: os.path.basename(i.location) == last)
    out = SimpleNamespace(findings=[], records=[], done=[])

    def sink(kind, payload):
        if kind == "findings":  # an Arrow record batch: one dict a row
            out.findings.extend(payload.to_pylist())
        elif kind == "record":
            out.records.append(payload)
        elif kind == "done":
            out.done.append(payload)
            if on_done:
                on_done(out)

    try:
        out.ok = executor.run(job, units, sink, should_stop or (lambda: False))
    finally:
        conn.close()
    return out


def _same(a, b) -> None:
    """Findings identical; item records identical except timings."""
    assert sorted(map(_row, a.findings)) == sorted(map(_row, b.findings))
    assert (sorted(astuple(replace(r, duration_s=0.0)) for r in a.records)
            == sorted(astuple(replace(r, duration_s=0.0)) for r in b.records))
    assert len(a.done) == len(b.done)


def _row(finding: dict) -> tuple:
    return tuple(repr(v) for v in finding.values())


def _by_name(records):
    return {os.path.basename(r.location): r for r in records}


# -- a LocalCluster, started by the CLI --------------------------------------------------------


def _table(inv: Path, table: str, drop: set[str]) -> list:
    inventory = Inventory(inv)
    rows = getattr(inventory, table)(inventory.latest_scan_id()).to_pylist()
    return sorted(tuple(sorted((k, repr(v)) for k, v in r.items() if k not in drop)) for r in rows)


def test_cli_local_cluster_matches_the_process_pool(tmp_path, fixtures_dir):
    target = str(fixtures_dir)  # every fixture set: documents, archives, mail, broken files
    local = run_piiscout("scan", target, "-i", str(tmp_path / "local"), "--workers", "2", "-q")
    dask = run_piiscout("scan", target, "-i", str(tmp_path / "dask"), "--executor", "dask", "--workers", "1",
                        "-q")
    assert local.returncode in (0, 1), local.stderr  # 1 would be unreadable fixtures: the same for both
    assert dask.returncode == local.returncode, dask.stderr
    assert dask.stderr == ""  # nothing from Dask on a clean run (cron mails what is printed)
    f_local = _table(tmp_path / "local", "findings", {"scan_id", "found_at"})
    assert len(f_local) > 1000
    assert _table(tmp_path / "dask", "findings", {"scan_id", "found_at"}) == f_local
    assert (_table(tmp_path / "dask", "items", {"scan_id", "duration_s"})
            == _table(tmp_path / "local", "items", {"scan_id", "duration_s"}))
    inventory = Inventory(tmp_path / "dask")
    row = inventory.scan_row(inventory.latest_scan_id())
    assert '"executor": "dask"' in row["options"] and row["status"] == "complete"


def test_cli_rejects_bad_executor_options(tmp_path, fixtures_dir, capsys):
    from scanner.cli import main

    target = str(fixtures_dir / "files" / "hr")
    for args, words in (
        (["--scheduler", "tcp://127.0.0.1:notaport"], "bad scheduler address"),
        (["--scheduler", "http://127.0.0.1:8786"], "scheme must be one of"),
        (["--executor", "local", "--scheduler", "tcp://127.0.0.1:8786"], "--scheduler needs --executor dask"),
        (["--executor", "ray"], "Invalid value for '--executor'"),
    ):
        with pytest.raises(SystemExit) as exit_:
            main(["scan", target, "-i", str(tmp_path / "inv"), *args])
        err = capsys.readouterr().err
        assert exit_.value.code == 2, (args, err)
        assert words in err and "Traceback" not in err
        assert len([x for x in err.splitlines() if x.strip()]) <= 3  # click's usage hint, the error
    assert not (tmp_path / "inv").exists()  # nothing was touched


def test_parse_scheduler():
    assert parse_scheduler("10.0.0.5") == "tcp://10.0.0.5:8786"
    assert parse_scheduler("sched.example.org:9000") == "tcp://sched.example.org:9000"
    assert parse_scheduler("tls://[::1]:8786") == "tls://[::1]:8786"
    for bad in ("", "tcp://", "user:pw@host:8786", "tcp://host:99999", "file:///tmp/x"):
        with pytest.raises(Exception):
            parse_scheduler(bad)


def test_unreachable_scheduler_is_a_usage_error(monkeypatch, tmp_path):
    monkeypatch.setattr(dask_mod, "CONNECT_TIMEOUT", 1)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ex = DaskExecutor(f"tcp://127.0.0.1:{port}")
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler") as err:
        ex.check(Job((LocalConnector.parse(str(tmp_path)),)))
    assert err.value.exit_code == 2


def test_a_task_checks_the_key_itself(tmp_path, monkeypatch):
    """A worker that joins after the pre-flight check with another key gets
    its batches recorded as errors, never findings hashed with its key."""
    items = [i for i in LocalConnector(LocalConnector.parse(str(_tree(tmp_path / "t", 2))), ScanSettings())
             .list_items()]
    job = Job((LocalConnector.parse(str(tmp_path / "t")),))
    res = dask_mod.scan_batch(job, items, "0" * 16, None, 0)
    assert res.error and "hash key differs" in res.error and not res.outputs
    ok = dask_mod.scan_batch(job, items, dask_mod.key_fingerprint(TEST_KEY.encode()), None, 0)
    assert ok.error is None and sorted(i for i, _ in ok.outputs) == [0, 1]
    assert all(outs[-1].status == "scanned" and outs[-1].findings == 2 for _, outs in ok.outputs)
    monkeypatch.delenv("PIISCOUT_HASH_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "empty-config"))
    res = dask_mod.scan_batch(job, items, dask_mod.key_fingerprint(TEST_KEY.encode()), None, 0)
    assert res.error and "no hash key" in res.error and not res.outputs
    assert not (tmp_path / "empty-config").exists()  # no key file invented on a worker


# -- a multi-process cluster -------------------------------------------------------------------


def test_cluster_matches_the_process_pool(cluster, fixtures_dir):
    target = fixtures_dir
    local = _scan(LocalExecutor(workers=2), target)
    ex = DaskExecutor(cluster.address, workers=2, batch_items=8)
    dist = _scan(ex, target)
    assert dist.ok and local.ok
    assert len(local.findings) > 1000 and any(r.part for r in local.records)  # archive members, attachments
    _same(dist, local)
    assert ex.workers == 2


@pytest.mark.skipif(samba.unavailable() is not None, reason=samba.unavailable() or "")
def test_workers_open_their_own_smb_sessions(cluster, fixtures_dir, monkeypatch):
    """An SMB share scanned on the cluster: workers log in with the password
    from their own environment; the client sends only the variable's name,
    which no log, task key or result of the cluster contains."""
    import shutil

    from connectors.registry import resolve

    server = samba.SambaServer(SMB_PORT)
    try:
        shutil.copytree(fixtures_dir / "files", server.base / "data")
        subprocess.run(["chmod", "-R", "a+rX", str(server.base / "data")], check=True)
        server.add_share("data", server.base / "data", **{"valid users": samba.USER})
        server.start()
        monkeypatch.setenv("PIISCOUT_SMB_PASSWORD", samba.PASSWORD)  # the client lists the share
        spec = resolve(f"smb://{samba.USER}@127.0.0.1:{SMB_PORT}/data")
        assert spec.password_env == "PIISCOUT_SMB_PASSWORD" and samba.PASSWORD not in repr(spec)
        local = _scan(LocalExecutor(workers=2), spec)
        dist = _scan(DaskExecutor(cluster.address, workers=2, batch_items=4), spec)
    finally:
        server.cleanup()
    assert dist.ok and len(local.findings) > 300
    _same(dist, local)
    for log in cluster.logs.glob("*.log"):
        assert samba.PASSWORD not in log.read_text(errors="replace"), log.name


def test_worker_killed_mid_scan(own_cluster, tmp_path):
    """A worker process killed (SIGKILL, by PID) while it scans: its batch
    runs again on another worker and every item is accounted for once."""
    for m in own_cluster.markers.iterdir():
        m.unlink()
    n = 24
    tree = _tree(tmp_path / "slow", n, ".slow")
    killed = []

    def kill_a_busy_worker(out):
        if killed:
            return
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # a worker that is inside a slow item right now
            busy = [int(p.name) for p in own_cluster.markers.iterdir()]
            if busy:
                os.kill(busy[0], signal.SIGKILL)
                killed.append(busy[0])
                return
            time.sleep(0.05)
        raise AssertionError("no worker was busy")

    out = _scan(DaskExecutor(own_cluster.address, workers=2, batch_items=4), tree, on_done=kill_a_busy_worker)
    assert out.ok and killed
    recs = _by_name(out.records)
    assert Counter(os.path.basename(r.location) for r in out.records) == {f"f{i:03d}.slow": 1 for i in range(n)}
    assert all(r.status == "scanned" and r.findings == 2 for r in recs.values()), recs
    assert len(out.done) == n and len(out.findings) == 2 * n


def test_stop_request_stops_submitting(cluster, tmp_path):
    for m in cluster.markers.iterdir():
        m.unlink()
    n = 40
    tree = _tree(tmp_path / "stop", n, ".slow")
    stop = []
    out = _scan(DaskExecutor(cluster.address), tree, on_done=lambda o: stop.append(1),
                should_stop=lambda: bool(stop))
    assert out.ok is False
    assert 0 < len(out.done) < n
    # Every item handed out is accounted for: its own record, then done.
    assert {r.location for r in out.records} == {i.location for i in out.done}


def test_workers_need_the_clients_hash_key(cluster, tmp_path, monkeypatch):
    monkeypatch.setenv("PIISCOUT_HASH_KEY", "another-key")
    privacy.hash_key.cache_clear()
    ex = DaskExecutor(cluster.address)
    with pytest.raises(ClusterError, match="different hash key") as err:
        ex.check(Job((LocalConnector.parse(str(_tree(tmp_path / "k", 1))),)))
    assert "another-key" not in str(err.value) and TEST_KEY not in str(err.value)
    assert ex._client is None  # closed on failure


def test_workers_need_the_password_variables(cluster, tmp_path, monkeypatch):
    monkeypatch.setenv("PIISCOUT_TEST_ONLY_ON_CLIENT", "secret")
    spec = replace(LocalConnector.parse(str(_tree(tmp_path / "p", 1))), password_env="PIISCOUT_TEST_ONLY_ON_CLIENT")
    with pytest.raises(ClusterError, match="lacks environment variable.*PIISCOUT_TEST_ONLY_ON_CLIENT"):
        DaskExecutor(cluster.address).check(Job((spec,)))


# Tests that kill or restart workers run on a cluster of their own (own_cluster).


def _set_allowed_failures(n, dask_scheduler=None):
    old, dask_scheduler.allowed_failures = dask_scheduler.allowed_failures, n
    return old


def test_item_that_kills_every_worker_is_recorded_as_error(own_cluster, tmp_path, caplog):
    tree = _tree(tmp_path / "crash", 6)
    (tree / "boom.crash").write_text("x")
    # Listed last, it shares a batch (sizes ramp up 1, 2, 4) with three good
    # files: the batch fails, then its items run one by one, and those that
    # fail (a good file queued on the worker it killed fails too) once more
    # alone. Each death costs a worker restart, so here the scheduler gives
    # up on a task at the first.
    from distributed import Client

    def allowed_failures(n):
        with Client(own_cluster.address, timeout=30, set_as_default=False) as c:
            return c.run_on_scheduler(_set_allowed_failures, n)

    old = allowed_failures(0)
    try:
        out = _scan(DaskExecutor(own_cluster.address, batch_items=8), tree, last="boom.crash")
    finally:
        allowed_failures(old)
    assert out.ok
    recs = _by_name(out.records)
    assert recs["boom.crash"].status == "error"
    assert "worker process died" in recs["boom.crash"].reason
    for i in range(6):
        assert recs[f"f{i:03d}.txt"].status == "scanned" and recs[f"f{i:03d}.txt"].findings == 2
    assert len(out.done) == 7 and len(out.records) == 7
    assert "retrying them one by one" in caplog.text


def test_hung_item_is_given_up_and_its_worker_restarted(own_cluster, tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(dask_mod, "KILL_GRACE", 0.5)
    tree = _tree(tmp_path / "hang", 5)
    (tree / "a.hang").write_text("x")
    out = _scan(DaskExecutor(own_cluster.address, batch_items=8), tree, ScanSettings(item_timeout=1))
    assert out.ok
    recs = _by_name(out.records)
    assert recs["a.hang"].status == "error" and "time limit of 1s exceeded" in recs["a.hang"].reason
    for i in range(5):
        assert recs[f"f{i:03d}.txt"].status == "scanned", recs[f"f{i:03d}.txt"]
    assert len(out.done) == 6 and len(out.records) == 6
    assert "restarting that worker" in caplog.text
