"""contrib/systemd units and the Dockerfile: checked with the real tools where they exist."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, TEST_KEY

UNITS = ROOT / "contrib" / "systemd"
PIISCOUT_IN_UNIT = "/opt/piiscout/.venv/bin/piiscout"


def _unit(name: str) -> str:
    return (UNITS / name).read_text(encoding="utf-8")


def _with_local_paths(text: str, tmp: Path) -> str:
    """The unit as installed on this machine: piiscout where it is here."""
    exe = shutil.which("piiscout", path=str(Path(sys.executable).parent)) or sys.executable
    return text.replace(PIISCOUT_IN_UNIT, exe)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_units_pass_systemd_analyze_verify(tmp_path):
    for name in ("piiscout-scan.service", "piiscout-scan.timer"):
        (tmp_path / name).write_text(_with_local_paths(_unit(name), tmp_path))
    proc = subprocess.run(["systemd-analyze", "verify", "piiscout-scan.service", "piiscout-scan.timer"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    # verify prints warnings (an unknown key, a bad value) without always failing: none allowed.
    assert proc.returncode == 0 and proc.stderr.strip() == "", proc.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_verify_catches_a_broken_unit(tmp_path):
    """The check above can fail: a misspelt key and a bad calendar are reported."""
    bad = _with_local_paths(_unit("piiscout-scan.timer"), tmp_path).replace("OnCalendar=*-*-* 01:15:00",
                                                                             "OnCalendar=nightly-ish")
    (tmp_path / "piiscout-scan.timer").write_text(bad)
    (tmp_path / "piiscout-scan.service").write_text(
        _with_local_paths(_unit("piiscout-scan.service"), tmp_path).replace("Nice=10", "Nicee=10"))
    proc = subprocess.run(["systemd-analyze", "verify", "piiscout-scan.service", "piiscout-scan.timer"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "Nicee" in proc.stderr and "calendar" in proc.stderr


def _exec_start() -> list[str]:
    text = _unit("piiscout-scan.service").replace("\\\n", " ")
    line = next(x for x in text.splitlines() if x.startswith("ExecStart="))
    return shlex.split(line.split("=", 1)[1])


def test_the_service_command_line_runs_a_config_scan(tmp_path):
    """ExecStart as written (paths moved into a temporary folder): a real
    config run, quiet, with the JSON log; credentials from an environment
    file like the example's."""
    argv = _exec_start()
    assert argv[0] == PIISCOUT_IN_UNIT and argv[1] == "scan"
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text("SSN 536-22-8471\n")
    cfg = tmp_path / "scans.toml"
    cfg.write_text(f'inventory = "{tmp_path / "inv"}"\nworkers = 1\n[targets.acme]\nurl = "{share}"\n')
    args = [a.replace("/etc/piiscout/scans.toml", str(cfg)).replace("/var/log/piiscout", str(tmp_path))
            for a in argv[2:]]
    env = {**os.environ, "PIISCOUT_HASH_KEY": TEST_KEY}
    for line in (UNITS / "credentials.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            assert re.fullmatch(r"[A-Z_][A-Z0-9_]*", key) and value and " " not in value, line
            env[key] = value
    proc = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", *args], capture_output=True, text=True,
                          env=env, cwd=str(ROOT), timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "1 findings" in proc.stdout and (tmp_path / "scan.log").read_text().startswith("{")


def test_the_service_counts_alerts_and_item_errors_as_success():
    unit = _unit("piiscout-scan.service")
    assert re.search(r"^SuccessExitStatus=1 6$", unit, re.M)
    assert re.search(r"^EnvironmentFile=/etc/piiscout/credentials\.env$", unit, re.M)
    assert "Persistent=true" in _unit("piiscout-scan.timer")


# -- the Dockerfile -----------------------------------------------------------------------------

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def _engine() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    try:
        return subprocess.run([docker, "info"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def test_dockerfile_packages_exist_in_the_base_images_release():
    if shutil.which("apt-cache") is None:
        pytest.skip("apt-cache is not installed here (the image is Debian 12)")
    assert DOCKERFILE.splitlines()[[i for i, x in enumerate(DOCKERFILE.splitlines())
                                     if x.startswith("FROM")][0]] == "FROM debian:bookworm-slim"
    run = DOCKERFILE.split("apt-get install", 1)[1].split("&& rm", 1)[0]
    names = [w for w in re.findall(r"[a-z0-9][a-z0-9.+-]+", run)
             if w not in ("y", "no-install-recommends", "echo", "with_chromium", "with_ocr")]
    assert {"python3", "python3-venv", "libmagic1", "libarchive13", "chromium", "tesseract-ocr"} <= set(names)
    out = subprocess.run(["apt-cache", "policy", *names], capture_output=True, text=True, timeout=120).stdout
    missing = [n for n in names if not re.search(rf"^{re.escape(n)}:\n\s+Installed: .*\n\s+Candidate: (?!\(none\))",
                                                 out, re.M)]
    if missing and "Candidate" not in out:
        pytest.skip("apt lists are empty here (run apt-get update)")
    assert missing == []


def test_dockerfile_runs_unprivileged_and_keeps_state_in_a_volume():
    assert re.search(r"^USER piiscout$", DOCKERFILE, re.M)
    assert 'VOLUME ["/var/lib/piiscout"]' in DOCKERFILE
    assert "pip install /opt/piiscout/src" in DOCKERFILE
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored


def test_a_plain_install_of_the_repository_works(tmp_path):
    """What the Dockerfile does, `pip install <repo>` (not editable, so data
    files must really be in the package), run against the wheel alone."""
    src = tmp_path / "src"
    ignored = set((ROOT / ".dockerignore").read_text().split())
    shutil.copytree(ROOT, src, ignore=lambda d, names: [n for n in names if n in ignored
                                                        or n in (".venv", ".git", "__pycache__")])
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "w"),
                           str(src)], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        pytest.skip(f"cannot build a wheel here (setuptools>=77 from the package index): {proc.stderr[-300:]}")
    [wheel] = (tmp_path / "w").glob("piiscout-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith("/licenses/LICENSE") for n in names)
    assert any(n.startswith("detectors/data/") for n in names)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=600)
    (tmp_path / "share").mkdir()
    (tmp_path / "share" / "a.txt").write_text("SSN 536-22-8471, mail ann@example.org\n")
    env = {**os.environ, "PIISCOUT_HASH_KEY": TEST_KEY, "PYTHONPATH": str(target)}
    run = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", str(tmp_path / "share"), "-i",
                          str(tmp_path / "inv"), "-j", "1"], capture_output=True, text=True, env=env,
                         cwd=str(tmp_path), timeout=600)
    assert run.returncode == 0 and "2 findings" in run.stdout, run.stderr
    where = subprocess.run([sys.executable, "-c", "import scanner; print(scanner.__file__)"], capture_output=True,
                           text=True, env=env, cwd=str(tmp_path)).stdout
    assert where.startswith(str(target))  # the wheel's code ran, not the repository's


@pytest.mark.skipif(not _engine(), reason="no container engine here (the docker client exists, but `docker info` "
                                          "reaches no daemon): the image is built only where one runs")
def test_the_image_builds_and_scans_standard_input(tmp_path):
    tag = "piiscout-test:latest"
    subprocess.run(["docker", "build", "-t", tag, "--build-arg", "WITH_CHROMIUM=0", str(ROOT)], check=True,
                   timeout=3000)
    proc = subprocess.run(["docker", "run", "-i", "--rm", "-e", f"PIISCOUT_HASH_KEY={TEST_KEY}", tag, "scan", "-"],
                          input="SSN 536-22-8471\n", capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and "1 findings" in proc.stdout, proc.stderr
