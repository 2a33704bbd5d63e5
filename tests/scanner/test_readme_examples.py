"""The README's examples, run as written (paths aside), give what it says.

be6bffa's DuckDB example counted every scan ever made, not the current
state; its export example (`--min-score 0.8`) dropped the 0.75-score SSNs of
an `SSN` column; its cron lines are run here too.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, TEST_KEY, run_piiscout

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(after: str, lang: str) -> str:
    """The first ```lang block after the heading or text `after`."""
    start = README.index(after)
    m = re.compile(rf"```{lang}\n(.*?)```", re.S).search(README, start)
    assert m, f"no ```{lang} block after {after!r}"
    return m.group(1)


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> dict:
    """Two clients' shares, scanned nightly (three scans), as in the README."""
    base = tmp_path_factory.mktemp("readme")
    acme, globex = base / "acme", base / "globex"
    (acme / "hr").mkdir(parents=True)
    globex.mkdir()
    (acme / "hr" / "staff.csv").write_text("name,ssn\nA. Example,234567890\nB. Example,345678901\n")  # bare: 0.75
    (acme / "notes.txt").write_text("call 456-78-9012 back\n")  # dashed, no context: 0.65
    (globex / "card.txt").write_text("visa 4539 1488 0343 6467\n")
    return {"base": base, "acme": acme, "globex": globex}


def _cli_wrapper(base: Path) -> Path:
    """/opt/piiscout/.venv/bin/piiscout, for this checkout."""
    exe = base / "bin" / "piiscout"
    exe.parent.mkdir(parents=True, exist_ok=True)
    exe.write_text(f"#!/bin/sh\ncd {shlex.quote(str(ROOT))} && exec {shlex.quote(sys.executable)} -m scanner.cli \"$@\"\n")
    exe.chmod(0o755)
    return exe


@pytest.fixture(scope="module")
def cron_inventory(client) -> Path:
    """The README's cron lines run as written: three nightly scans, the
    monthly export and the weekly prune (checked here); acme's inventory.
    A fixture, not a test's side effect, so the tests that read the
    inventory pass in any order (they were skipped when run first)."""
    base = client["base"]
    cron = _block("## Cron", "cron")
    exe = _cli_wrapper(base)
    etc, var_lib, var_log, srv = base / "etc", base / "var-lib", base / "var-log", base / "srv-reports"
    for d in (etc, var_log, srv):
        d.mkdir(exist_ok=True)
    (etc / "credentials.env").write_text("export GLOBEX_UNUSED=1\n")
    (etc / "scans.toml").write_text(textwrap.dedent(f"""
        incremental = true
        [targets.acme]
        url = "{client['acme']}"
        inventory = "{var_lib / 'acme'}"
        [targets.globex]
        url = "{client['globex']}"
        inventory = "{var_lib / 'globex'}"
    """))
    commands = []
    for entry in re.sub(r"\\\n\s*", " ", cron).splitlines():
        if not entry.strip() or entry.startswith(("#", "PATH=")):
            continue
        command = entry.split(None, 6)[6]  # minute hour dom month dow user command
        command = command.replace("\\%", "%")  # cron's escape
        for old, new in (("/opt/piiscout/.venv/bin/piiscout", str(exe)), ("/etc/piiscout", str(etc)),
                         ("/var/lib/piiscout", str(var_lib)), ("/var/log/piiscout", str(var_log)),
                         ("/srv/reports", str(srv))):
            command = command.replace(old, new)
        commands.append(command)
    assert len(commands) == 3  # scan, monthly export, weekly prune
    env = {"PATH": "/usr/bin:/bin", "PIISCOUT_HASH_KEY": TEST_KEY, "HOME": str(base)}
    for night in range(3):
        run = subprocess.run(["sh", "-c", commands[0]], capture_output=True, text=True, env=env, timeout=600)
        assert run.returncode == 0 and run.stderr == "", run.stdout + run.stderr
        ends = [json.loads(line) for line in run.stdout.splitlines()]
        assert [(e["target"], e["status"]) for e in ends] == [("acme", "complete"), ("globex", "complete")]
        assert "exited" not in run.stdout
    log_lines = [json.loads(x) for x in (var_log / "scan.log").read_text().splitlines()]
    assert sum(1 for r in log_lines if r.get("event") == "scan_end") == 6
    export = subprocess.run(["sh", "-c", commands[1]], capture_output=True, text=True, env=env, timeout=600)
    assert export.returncode == 0 and export.stderr == "", export.stderr
    assert len(list(srv.glob("acme-*.xlsx"))) == 1
    prune = subprocess.run(["sh", "-c", commands[2]], capture_output=True, text=True, env=env, timeout=600)
    assert prune.returncode == 0 and prune.stdout.startswith("removed 0 scan(s)"), prune.stdout + prune.stderr
    return var_lib / "acme"


def test_the_cron_example_runs_as_documented(cron_inventory):
    assert {"findings", "items", "scans"} <= {p.name for p in cron_inventory.iterdir() if p.is_dir()}


def test_the_duckdb_example_gives_the_current_state(cron_inventory):
    inv = cron_inventory
    sql = _block("The current state (each target's latest", "sh")
    query = re.search(r'duckdb -c "(.*)"', sql, re.S).group(1).replace("inv/", f"{inv}/")
    rows = dict(duckdb.sql(query).fetchall())
    rep = json.loads(run_piiscout("report", str(inv), "--format", "json").stdout)
    assert rows == {r["entity_type"]: r["findings"] for r in rep["by_entity"]} == {"US_SSN": 3}
    # be6bffa's example summed over every scan: three times the truth here.
    old = dict(duckdb.sql(f"SELECT entity_type, count(*) FROM read_parquet('{inv}/findings/*.parquet') "
                          "GROUP BY 1").fetchall())
    assert old == {"US_SSN": 9}


def test_the_export_threshold_example_keeps_every_ssn(cron_inventory, tmp_path):
    inv = cron_inventory
    line = next(x for x in README.splitlines() if x.startswith("piiscout export ") and "--min-score" in x)
    args = shlex.split(line)[1:]
    args = [str(inv) if a == "/var/lib/piiscout/acme" else a for a in args]
    args[args.index("-o") + 1] = "-"
    proc = run_piiscout(*args)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert sorted(r["masked_value"] for r in rows) == ["*****7890", "*****8901", "***-**-9012"]
    scores = sorted(float(r["score"]) for r in rows)
    assert scores[0] >= 0.6 and 0.75 in scores
