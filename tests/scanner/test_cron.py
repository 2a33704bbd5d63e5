"""Living under cron: the lock, SIGTERM/SIGINT, kill -9, quiet output and
logs, progress only on a terminal, prune.

Scans run as real subprocesses (tests/scanner/slow_cli.py: the real CLI
plus a file type that takes long to scan and says when it started), and are
signalled when a slow item is known to be in progress, never after a
guessed sleep. The waits below are safety limits, not timing assertions.
"""

from __future__ import annotations

import json
import logging
import os
import pty
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from scanner.errors import LockedError
from scanner.inventory.lock import InventoryLock
from scanner.inventory.prune import prune
from scanner.inventory.reader import Inventory
from scanner.report import build_report
from tests.conftest import ROOT, TEST_KEY, raw_variants, run_piiscout
from tests.scanner.trees import make_tree

LIMIT = 120  # seconds: a safety net for a hung test, not an expectation


def start(args: list[str], tmp_path: Path, new_session: bool = False, stderr=subprocess.PIPE,
          **env) -> subprocess.Popen:
    e = dict(os.environ, PIISCOUT_HASH_KEY=TEST_KEY, PIISCOUT_TEST_MARKER=str(tmp_path / "started"),
             PIISCOUT_TEST_STOP_GRACE="1")
    e.update({k: str(v) for k, v in env.items()})
    return subprocess.Popen([sys.executable, "-m", "tests.scanner.slow_cli", *args], cwd=str(ROOT), env=e,
                            stdout=subprocess.PIPE, stderr=stderr, text=True, start_new_session=new_session)


def wait_for(what: str, predicate, limit: float = LIMIT) -> None:
    end = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def slow_items_started(tmp_path: Path) -> int:
    return len(list(tmp_path.glob("started.*")))


def processes_using(inv: Path) -> list[int]:
    """PIDs whose command line names this inventory (a scan and its workers)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if str(inv).encode() in (d / "cmdline").read_bytes():
                    out.append(int(d.name))
            except OSError:
                pass
    return out


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "share"
    truth = make_tree(root, files=6)
    for i in range(4):  # listed after the quick files (depth-first, by name)
        (root / "zz" / f"slow_{i}.slow").parent.mkdir(exist_ok=True)
        # Over the executor's small-file size: handed out one at a time (small
        # files go in batches), so each worker gets a slow item of its own.
        (root / "zz" / f"slow_{i}.slow").write_text(f"SSN 234-56-78{i:02d}\n" + " " * (80 << 10) + "\n")
    return root, truth


def assert_readable(inv: Path) -> None:
    """Every visible file is a complete Parquet file, and the usual readers work."""
    for f in inv.rglob("*.parquet"):
        assert not f.name.startswith(".")
        pq.ParquetFile(f).metadata  # raises on a partial file
    for table in ("findings", "items", "scans"):
        if (inv / table).is_dir():
            ds.dataset(inv / table, format="parquet").to_table()
            if list((inv / table).glob("*.parquet")):
                duckdb.sql(f"SELECT count(*) FROM read_parquet('{inv / table}/*.parquet')").fetchall()
    Inventory(inv).scans()


def test_second_scan_is_refused_and_a_dead_scans_lock_is_taken_over(tree, tmp_path):
    root, _ = tree
    inv = tmp_path / "inv"
    first = start(["scan", str(root), "-i", str(inv), "-j", "1", "-q"], tmp_path)
    try:
        wait_for("a slow item", lambda: slow_items_started(tmp_path) >= 1)
        second = run_piiscout("scan", str(root), "-i", str(inv), "-q", timeout=LIMIT)
        assert second.returncode == 3, second.stderr
        assert f"another scan (pid {first.pid}) is using the inventory {inv}" in second.stderr
        assert "Traceback" not in second.stderr
        # It still ends with its one record: not started, failed, exit 3.
        assert second.stdout.startswith("scan (not started) failed: ") and second.stdout.strip().endswith(f"exit 3 -> {inv}")
        # Refused at once: the first scan (4 slow items of 30 s, one worker) still runs.
        assert first.poll() is None
        # kill -9: the kernel drops the flock; the workers die with their parent.
        os.kill(first.pid, signal.SIGKILL)
        first.wait(LIMIT)
    finally:
        if first.poll() is None:
            first.kill()
    wait_for("the workers to exit", lambda: not processes_using(inv), limit=30)
    assert_readable(inv)
    third = start(["scan", str(root), "-i", str(inv), "-j", "2"], tmp_path, PIISCOUT_TEST_SLOW="0.05")
    out, err = third.communicate(timeout=LIMIT)
    assert third.returncode == 0, err
    assert err == ""  # not a terminal: no progress bar, and nothing went wrong
    assert len(out.strip().splitlines()) == 1 and "complete" in out
    assert not [p for p in inv.rglob(".*.tmp")]  # the killed scan's partial files are gone
    assert_readable(inv)


@pytest.mark.parametrize("how", ["SIGTERM to its process group", "SIGINT (Ctrl-C)"])
def test_a_signal_stops_the_scan_cleanly(tree, tmp_path, how):
    root, truth = tree
    inv = tmp_path / "inv"
    proc = start(["scan", str(root), "-i", str(inv), "-j", "2", "-q"], tmp_path, new_session=True)
    try:
        # Both workers on a slow item: every quick file before them is done.
        wait_for("two slow items", lambda: slow_items_started(tmp_path) >= 2)
        # To the whole group, as `timeout`, systemd and a terminal's Ctrl-C do:
        # the workers must leave the decision to the parent.
        os.killpg(proc.pid, signal.SIGTERM if how.startswith("SIGTERM") else signal.SIGINT)
        out, err = proc.communicate(timeout=LIMIT)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 4, (out, err)
    assert "interrupted" in out and "Traceback" not in err
    scan = Inventory(inv).scans().to_pylist()[-1]
    assert scan["status"] == "interrupted" and scan["exit_code"] == 4
    items = {r["location"]: r for r in Inventory(inv).items(scan["scan_id"]).to_pylist()}
    for rel in truth:
        assert items[str(root / rel)]["status"] == "scanned", rel
    abandoned = [r for loc, r in items.items() if loc.endswith(".slow")]
    assert len(abandoned) == 2
    assert {r["reason"] for r in abandoned} == {"scan interrupted before this item finished"}
    assert not list(inv.rglob(".*.tmp"))
    assert_readable(inv)
    wait_for("the workers to exit", lambda: not processes_using(inv), limit=30)
    rep = build_report(inv)
    assert rep["status"] == "interrupted" and rep["findings"] == 2 * 3 * len(truth)
    # A rescan (the plain CLI reads *.slow files as the text they are) completes.
    done = run_piiscout("scan", str(root), "-i", str(inv), "-j", "2", "-q", "--incremental", timeout=LIMIT)
    assert done.returncode == 0 and " complete: " in done.stdout, done.stdout + done.stderr
    assert build_report(inv)["status"] == "complete"


def test_kill_9_at_any_moment_leaves_a_readable_inventory(tree, tmp_path):
    root, _ = tree
    inv = tmp_path / "inv"
    rng = random.Random(4)
    # Files roll over every 4 rows, so a kill lands among complete files and
    # a partial one; the kills land in start-up, listing, scanning and writing.
    for i in range(2):
        proc = start(["scan", str(root), "-i", str(inv), "-j", "2", "-q", "--incremental"], tmp_path,
                     PIISCOUT_TEST_ROWS_PER_FILE=4, PIISCOUT_TEST_SLOW=rng.choice(["0.2", "1", "5"]))
        try:
            if i == 0:
                wait_for("a slow item", lambda: slow_items_started(tmp_path) >= 1)
            else:
                time.sleep(rng.uniform(0.2, 4.0))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(LIMIT)
        finally:
            if proc.poll() is None:
                proc.kill()
        if inv.exists():
            assert_readable(inv)
        wait_for("the workers to exit", lambda: not processes_using(inv), limit=30)
        for f in tmp_path.glob("started.*"):
            f.unlink()
    # The plain CLI reads *.slow files as the text they are.
    done = run_piiscout("scan", str(root), "-i", str(inv), "-j", "2", "-q", "--incremental", timeout=LIMIT)
    assert done.returncode == 0, done.stderr
    assert_readable(inv)
    assert not list(inv.rglob(".*.tmp"))
    assert build_report(inv)["status"] == "complete"


def test_quiet_prints_one_line_and_json_logs_carry_no_pii(tmp_path, fixtures_dir, truth):
    inv, log_file = tmp_path / "inv", tmp_path / "scan.log"
    proc = run_piiscout("scan", str(fixtures_dir / "files"), "-i", str(inv), "-q", "-vv",
                        "--log-file", str(log_file), "--log-format", "json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    # One line, the end-of-scan record, as JSON too.
    assert len(lines) == 1
    end = json.loads(lines[0])
    assert end["event"] == "scan_end" and end["status"] == "complete" and end["exit_code"] == 0
    assert end["message"].startswith("scan ") and " complete: " in end["message"]
    records = [json.loads(x) for x in log_file.read_text().splitlines()]
    assert records[-1]["event"] == "scan_end" and records[-1]["scan_id"] == end["scan_id"]
    assert records[-1]["findings_by_entity"] == end["findings_by_entity"] and sum(end["findings_by_entity"].values()) == end["findings"]
    assert {"time", "level", "logger", "message"} <= set(records[0])
    assert any("started" in r["message"] for r in records)
    assert any("exception" in r for r in records)  # -vv: debug tracebacks, scrubbed
    text = log_file.read_text()
    leaks = [v for vals in truth.values() for raws in vals.values() for raw in raws for v in raw_variants(raw)
             if v in text]
    assert leaks == []


def test_log_lines_never_quote_content(tmp_path):
    """Library messages and exception texts are scrubbed in every format."""
    from scanner.ui import setup_logging

    for fmt in ("text", "json"):
        path = tmp_path / f"log.{fmt}"
        setup_logging(verbose=2, quiet=True, log_file=str(path), log_format=fmt)
        try:
            ssn, email = "-".join(("234", "56", "7890")), "@".join(("jane.doe", "example.com"))
            try:  # a library error quoting what it choked on
                raise ValueError(f"could not parse {ssn!r} near {email}")
            except ValueError:
                logging.getLogger("scanner.pipeline").debug("object failed", exc_info=True)
            logging.getLogger("pdfminer").warning("bad token 4111 1111 1111 1111 in stream")
        finally:
            for h in list(logging.getLogger().handlers):
                h.close()
                logging.getLogger().removeHandler(h)
        text = path.read_text()
        assert "object failed" in text and "ValueError" in text and "bad token" in text
        for raw in ("234-56-7890", "jane.doe@example.com", "4111", "7890"):
            assert raw not in text, (fmt, text)


def test_progress_is_drawn_only_on_a_terminal(tree, tmp_path):
    root, _ = tree
    master, slave = pty.openpty()
    proc = start(["scan", str(root / "zz" / "slow_0.slow"), "-i", str(tmp_path / "inv"), "-j", "1"], tmp_path,
                 stderr=slave, PIISCOUT_TEST_SLOW="1.5")
    os.close(slave)
    chunks = []
    try:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the other side closed
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(LIMIT)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    drawn = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    assert "scanning" in drawn and "items" in drawn  # the live bar, on the terminal (stderr)
    assert "scanning" not in proc.stdout.read()  # never on stdout


def test_prune_keeps_the_newest_scans_and_the_current_state(tmp_path):
    from scanner.request import build_request
    from scanner.scan import run_scan
    from tests.scanner.test_incremental import VALUES, StopsAfter

    a, b = tmp_path / "a", tmp_path / "b"
    make_tree(a, files=3, seed=1)
    make_tree(b, files=3, seed=2)
    inv = tmp_path / "inv"

    def scan(root, executor=None, incremental=True):
        return run_scan(build_request([(str(root), str(root))], inv, {**VALUES, "incremental": incremental},
                                      progress=False), executor=executor)

    old = [scan(a).scan_id, scan(a).scan_id]
    keep_a = scan(a).scan_id
    keep_b = scan(b).scan_id
    interrupted = scan(a, StopsAfter(1), incremental=False).scan_id
    # A killed scan's leftovers: files without a scans row, and a temp file.
    killed = inv / "findings" / "20200101T000000Z-dead00-00001.parquet"
    killed.write_bytes((inv / "findings").glob(f"{keep_a}-*.parquet").__next__().read_bytes())
    (inv / "items" / ".20200101T000000Z-dead00-00001.parquet.tmp").write_bytes(b"half")
    before = build_report(inv)
    # While a scan holds the lock, prune is refused like a second scan.
    with InventoryLock(inv):
        proc = run_piiscout("prune", str(inv), "--keep", "1")
        assert proc.returncode == 3 and "another scan" in proc.stderr
        with pytest.raises(LockedError):
            prune(inv, keep=1)
    dry = prune(inv, keep=1, dry_run=True)
    assert sorted(dry.remove) == sorted(old) and dry.orphans == ["20200101T000000Z-dead00"]
    assert killed.exists()
    proc = run_piiscout("prune", str(inv), "--keep", "1")
    assert proc.returncode == 0, proc.stderr
    assert "removed 2 scan(s) and 1 killed scan(s)" in proc.stdout
    left = {p.name for p in inv.rglob("*") if p.is_file() and p.name != ".lock"}
    assert not [n for n in left if n.startswith(tuple(old)) or "dead00" in n]
    assert Inventory(inv).scan_ids() == [keep_a, keep_b, interrupted]
    after = build_report(inv)
    assert after["findings"] == before["findings"] and after["scans"] == before["scans"]
