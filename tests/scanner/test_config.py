"""`piiscout scan --config FILE`: the file is checked as a whole before any
scan, every problem is one line naming the file and key, and keys come from
the same option declarations as the scan command (scanner/options.py)."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import click
import pytest

from scanner import cli as cli_mod
from scanner import config
from scanner.config import ConfigError, load_config
from scanner.errors import UsageError
from scanner.options import config_keys, declared
from scanner.request import OPTION_GROUPS
from scanner.inventory.reader import Inventory
from tests.conftest import run_piiscout
from tests.scanner.trees import make_tree


OPTION_FIELDS = {f.name for _, f, _ in declared(*OPTION_GROUPS)}


def write(tmp_path: Path, text: str, name: str = "scans.toml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return p


def load(path: Path, *cli_args: str, **kw):
    ctx = cli_mod.scan.make_context("scan", ["--config", str(path), *cli_args])
    given = cli_mod.given_options(ctx, {k: v for k, v in ctx.params.items() if k in OPTION_FIELDS})
    return load_config(path, given, progress=False, **kw)


def problems(path: Path, *cli_args: str, **kw) -> list[str]:
    with pytest.raises(ConfigError) as e:
        load(path, *cli_args, **kw)
    return e.value.problems


@pytest.fixture
def dirs(tmp_path):
    a, b = tmp_path / "client-a", tmp_path / "client-b"
    a.mkdir()
    b.mkdir()
    return a, b


def test_defaults_targets_and_command_line_precedence(tmp_path, dirs):
    a, b = dirs
    path = write(tmp_path, f"""
        inventory = "inv"                 # relative to this file
        incremental = true
        min_score = 0.6
        exclude = ["*.iso", "~$*"]
        max_file_size = "2GB"

        [targets.a]
        url = "{a}"
        entities = ["US_SSN", "credit_card"]

        [targets.b]
        url = "client-b"                  # relative to this file too
        min_score = 0.9
        inventory = "/var/tmp/piiscout-b"
        workers = 2
        follow_symlinks = true
    """)
    cfg = load(path)
    ta, tb = cfg.targets
    ra, rb = ta.request, tb.request
    assert ta.inventory == tmp_path / "inv" and tb.inventory == Path("/var/tmp/piiscout-b")
    assert ra.incremental and rb.incremental
    assert ra.detectors.entities == ("US_SSN", "CREDIT_CARD") and ra.detectors.min_score == 0.6
    assert rb.detectors.min_score == 0.9 and rb.workers == 2 and rb.settings.follow_symlinks
    assert ra.settings.excludes == ("*.iso", "~$*") and ra.settings.max_file_size == 2 * 1024**3
    assert ra.targets[0].url == str(a) and rb.targets[0].url == str(b)
    assert ra.targets[0].name == "a"
    # What is given on the command line wins over the file, for every target.
    cfg = load(path, "--min-score", "0.7", "--no-incremental", "-i", str(tmp_path / "elsewhere"))
    for t in cfg.targets:
        assert t.request.detectors.min_score == 0.7 and not t.request.incremental
        assert t.inventory == tmp_path / "elsewhere"


@pytest.mark.parametrize("body,needle", [
    ('min_scor = 0.5', "[targets.a] min_scor: unknown key (did you mean min_score?)"),
    ('min_score = 7', "[targets.a] min_score: 7.0 is not in the range 0<=x<=1"),
    ('min_score = "high"', "[targets.a] min_score: 'high' is not a valid float"),
    ('workers = 0', "[targets.a] workers: 0 is not in the range 1<=x<=256"),
    ('entities = ["US_SSN", "BOGUS"]', "[targets.a] entities: unknown entity type BOGUS"),
    ('max_file_size = "lots"', "[targets.a] max_file_size: "),
    ('incremental = "yes"', "[targets.a] incremental: expected true or false"),
    ('exclude = [["*.iso"]]', "[targets.a] exclude: expected a list of plain values"),
    ('min_score = [0.5]', "[targets.a] min_score: expected a single value, not a list"),
    ('password = "hunter2"', "[targets.a] password: literal passwords are refused"),
    ('password_env = "not a name"', "[targets.a] password_env: expected the name of an environment variable"),
    ('quiet = true', "[targets.a] quiet: unknown key"),
])
def test_one_clear_line_per_problem(tmp_path, dirs, body, needle):
    path = write(tmp_path, f"""
        [targets.a]
        url = "{dirs[0]}"
        {body}
    """)
    found = problems(path)
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}: ") and needle in found[0], found


@pytest.mark.parametrize("text,needle", [
    ("inventory = \n", "invalid TOML"),
    ("[target.a]\nurl = '/x'\n", "[target]: unknown table (did you mean [targets]?)"),
    ("min_score = 0.5\n", "no targets"),
    ("[targets.a]\nexclude = ['x']\n", "[targets.a] url: missing"),
    ("url = '/srv'\n[targets.a]\nurl = '/x'\n", "(top level) url: belongs in a [targets.NAME] table"),
    ("[targets.a]\nurl = 'ftp://host/share'\n", "[targets.a] url: unsupported target scheme ftp://"),
    ("[targets.a]\nurl = 'smb://alice:s3cret@fs01/share'\n", "[targets.a] url: holds a password"),
    ("[targets.'a b']\nurl = '/x'\n", "target names may hold"),
    ("[targets.a]\npath = '/srv/share'\n", "[targets.a] path: unknown key (a target's path or URL goes in `url`)"),
    ("[[targets]]\nurl = '/x'\n", "[[targets]] #1 name: missing"),
])
def test_file_level_problems(tmp_path, text, needle):
    path = write(tmp_path, text)
    with pytest.raises(UsageError) as e:
        load(path)
    assert needle in str(e.value)
    assert "Traceback" not in str(e.value)


def test_targets_as_an_array_of_tables(tmp_path, dirs):
    path = write(tmp_path, f"""
        [[targets]]
        name = "a"
        url = "{dirs[0]}"
        [[targets]]
        name = "b"
        url = "{dirs[1]}"
        min_score = 0.7
    """)
    cfg = load(path)
    assert [t.name for t in cfg.targets] == ["a", "b"] and cfg.targets[1].request.detectors.min_score == 0.7


def test_every_problem_is_reported_at_once(tmp_path, dirs):
    path = write(tmp_path, f"""
        min_scroe = 0.5
        [targets.a]
        url = "{dirs[0]}"
        worker = 2
        [targets.b]
        url = "{dirs[1]}"
        entities = ["NOPE"]
    """)
    found = problems(path)
    assert len(found) == 3
    assert any("(top level) min_scroe" in p for p in found)
    assert any("[targets.a] worker: unknown key (did you mean workers?)" in p for p in found)
    assert any("[targets.b] entities" in p for p in found)
    # A bad default is reported once, at the top level, not for every target.
    path = write(tmp_path, f"""
        entities = ["US_SSN", "SNN"]
        [targets.a]
        url = "{dirs[0]}"
        [targets.b]
        url = "{dirs[1]}"
    """)
    assert problems(path) == [f"{path}: (top level) entities: unknown entity type SNN (see `piiscout detectors`)"]


def test_inline_secrets_only_when_allowed(tmp_path, dirs, monkeypatch):
    path = write(tmp_path, f"""
        [targets.a]
        url = "{dirs[0]}"
        password = "correct horse"
    """)
    assert problems(path)
    cfg = load(path, allow_inline_secrets=True)
    req = cfg.targets[0].request
    env = cfg.targets[0].password_env
    # The password travels by environment variable, never inside a spec.
    assert env and os.environ[env] == "correct horse"
    assert "correct horse" not in repr(req.targets) and dict(req.targets[0].options)["password_env"] == env
    monkeypatch.delenv(env)


def test_password_env_reaches_the_connector(tmp_path, dirs, monkeypatch):
    monkeypatch.setenv("CLIENT_A_SMB_PASSWORD", "x")
    path = write(tmp_path, f"""
        [targets.a]
        url = "{dirs[0]}"
        password_env = "CLIENT_A_SMB_PASSWORD"
    """)
    spec = load(path).targets[0].request.targets[0]
    assert dict(spec.options)["password_env"] == "CLIENT_A_SMB_PASSWORD"


def test_every_scan_option_is_a_key_checked_by_its_own_type(tmp_path, dirs):
    """The command line and the file read one declaration per option: every
    `piiscout scan` option but those about the invocation is a key."""
    invocation = {"config", "target_names", "allow_inline_secrets", "verbose", "quiet", "log_file", "log_format"}
    options = {p.name for p in cli_mod.scan.params if isinstance(p, click.Option)} - invocation
    assert {k.name for k in config_keys(*OPTION_GROUPS).values()} == options == OPTION_FIELDS
    path = write(tmp_path, f"""
        [targets.db]
        url = "{dirs[0]}"
        sample_rows = 500
        views = true
        include = ["customers", "sales.*"]
    """)
    req = load(path).targets[0].request
    opts = dict(req.targets[0].options)
    assert opts["sample_rows"] == 500 and opts["views"] is True
    assert opts["include"] == ("customers", "sales.*")
    assert req.options["sample_rows"] == 500 and req.options["max_depth"] == 5  # the scans row's record
    bad = write(tmp_path, f"""
        [targets.db]
        url = "{dirs[0]}"
        sample_rows = 0
        sample_row = 5
        max_archive_size = "lots"
    """, "bad.toml")
    found = problems(bad)
    assert any("sample_rows: 0 is not in the range" in p for p in found)
    assert any("sample_row: unknown key (did you mean sample_rows?)" in p for p in found)
    assert any("max_archive_size: " in p and "size" in p for p in found), found


def test_custom_rule_tables_are_checked(tmp_path, dirs):
    path = write(tmp_path, f"""
        [rules.ACME_ID]
        pattern = 'ACME-\\d{{6}}'
        [allow]
        values = ["536-22-1934"]
        [targets.a]
        url = "{dirs[0]}"
    """)
    cfg = load(path)
    assert cfg.sections["rules"]["ACME_ID"]["pattern"] == "ACME-\\d{6}"
    custom = cfg.targets[0].request.detectors.custom
    assert [r.entity for r in custom.rules] == ["ACME_ID"] and custom.allow.size == 1
    bad = write(tmp_path, f"""
        rules = "rules.toml"
        [targets.a]
        url = "{dirs[0]}"
    """, "bad.toml")
    found = problems(bad)
    assert any("[rules]: expected a table (a rules file is named with rules_file" in p for p in found), found


def test_cli_runs_each_target_and_refuses_a_bad_file_before_scanning(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    make_tree(a, files=3, seed=1)
    make_tree(b, files=3, seed=2)
    inv = tmp_path / "inv"
    path = write(tmp_path, f"""
        inventory = "{inv}"
        incremental = true
        [targets.client-a]
        url = "{a}"
        [targets.client-b]
        url = "{b}"
        min_score = 0.6
    """)
    bad = write(tmp_path, path.read_text() + "\n[targets.client-c]\nurl = '/x'\nexlude = ['*.iso']\n", "bad.toml")
    proc = run_piiscout("scan", "--config", str(bad), "-q")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (f"piiscout: error: {bad}: [targets.client-c] exlude: unknown key "
                                   "(did you mean exclude?)")
    assert not inv.exists()  # nothing scanned, not even the valid targets
    proc = run_piiscout("scan", "--config", str(path), "-q")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" and len(proc.stdout.strip().splitlines()) == 2  # one summary line per target
    scans = Inventory(inv).scans().to_pylist()
    assert [s["targets"] for s in scans] == [[str(a)], [str(b)]]
    assert json.loads(scans[1]["options"])["min_score"] == 0.6
    proc = run_piiscout("scan", "--config", str(path), "--target", "client-b", "-q")
    assert proc.returncode == 0 and "3 unchanged" in proc.stdout
    assert len(Inventory(inv).scan_ids()) == 3
    with pytest.raises(ConfigError, match=r"no target client-z \(targets: client-a, client-b\)"):
        load(path, selected=("client-z",))
    # The report shows both targets' current state, from their latest scans.
    from scanner.report import build_report

    rep = build_report(inv)
    assert sorted(rep["targets"]) == sorted([str(a), str(b)]) and len(rep["scans"]) == 2
    assert rep["findings"] == 2 * 3 * 3 * 2  # 2 targets x 3 files x 3 people x (SSN + e-mail)


def test_one_target_down_does_not_stop_the_others(tmp_path):
    a = tmp_path / "a"
    make_tree(a, files=2)
    inv = tmp_path / "inv"
    path = write(tmp_path, f"""
        inventory = "{inv}"
        [targets.gone]
        url = "{tmp_path / 'missing'}"
        [targets.a]
        url = "{a}"
    """)
    proc = run_piiscout("scan", "--config", str(path), "-q")
    assert proc.returncode == 2
    assert "target gone: no such file or directory" in proc.stderr
    assert "complete" in proc.stdout
    assert len(Inventory(inv).scan_ids()) == 1


def test_an_unset_password_variable_fails_only_its_target(tmp_path, dirs):
    """be6bffa: one unset password_env stopped every target of the file."""
    from tests.conftest import run_piiscout

    (dirs[0] / "a.txt").write_text("SSN 234-56-7890\n")
    path = write(tmp_path, f"""
        inventory = "{tmp_path / 'inv'}"
        [targets.first]
        url = "{dirs[0]}"
        [targets.rotated]
        url = "smb://svc@fs01.example.invalid/Finance"
        password_env = "PIISCOUT_TEST_ROTATED_PASSWORD"
        [targets.db]
        url = "postgresql://scanner@db.example.invalid/erp"
        password_env = "PIISCOUT_TEST_ROTATED_DB_PASSWORD"
        [targets.last]
        url = "{dirs[1]}"
    """)
    proc = run_piiscout("scan", "--config", str(path), "-q")
    assert proc.returncode == 2, proc.stdout + proc.stderr  # the worst: a target could not run
    err = proc.stderr.strip().splitlines()
    assert err == [
        "piiscout: error: target rotated: no password for svc on fs01.example.invalid: "
        "set $PIISCOUT_TEST_ROTATED_PASSWORD (or use --guest, or --kerberos with a ticket)",
        "piiscout: error: target db: no password for postgresql://scanner@db.example.invalid/erp: "
        "$PIISCOUT_TEST_ROTATED_DB_PASSWORD is not set",
    ], err
    assert proc.stdout.count(" complete: ") == 2  # first and last were scanned
    # A syntax or key error still stops the whole run before anything is scanned.
    bad = write(tmp_path, path.read_text() + "\n[targets.typo]\nurl = '/x'\nmin_scor = 1\n", "bad.toml")
    proc = run_piiscout("scan", "--config", str(bad), "-q")
    assert proc.returncode == 2 and " complete: " not in proc.stdout
