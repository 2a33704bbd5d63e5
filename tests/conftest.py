"""Shared test fixtures.

Tests run against real files, real processes and (in their own modules) real
servers. Every test gets a fixed HMAC key, so value hashes are comparable
with the truth files, and a private config dir, so no test touches the
user's real key file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
TEST_KEY = "piiscout-test-key"


@pytest.fixture(autouse=True)
def _hash_key(monkeypatch, tmp_path_factory):
    from scanner import privacy

    monkeypatch.setenv("PIISCOUT_HASH_KEY", TEST_KEY)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.getbasetemp() / "xdg-config"))
    privacy.hash_key.cache_clear()
    yield
    privacy.hash_key.cache_clear()


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def truth() -> dict:
    """Planted values of every fixture set, keyed by path relative to fixtures/."""
    out: dict = {}
    for p in sorted((FIXTURES / "expected").glob("*.json")):
        out.update(json.loads(p.read_text()))
    return out


def run_piiscout(*args: str, env: dict | None = None, check: bool = False, timeout: float = 600,
                 prefix: list[str] | None = None, input_text: str | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess (the way cron does); `input_text`:
    its standard input."""
    e = dict(os.environ)
    e.setdefault("PIISCOUT_HASH_KEY", TEST_KEY)
    if env:
        e.update(env)
    # PIISCOUT_UNDER_TEST=/path/to/piiscout runs another build (e.g. an older
    # release) through the same tests: how the defect tests are shown to fail
    # on the release they fix.
    under_test = os.environ.get("PIISCOUT_UNDER_TEST")
    exe = [under_test] if under_test else [sys.executable, "-m", "scanner.cli"]
    cmd = (prefix or []) + exe + list(args)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=e, timeout=timeout, cwd=str(ROOT),
                          input=input_text)
    if check and proc.returncode not in (0, 1):
        raise AssertionError(f"piiscout {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc



def scan_ids(inventory: Path) -> list[str]:
    """The inventory's finished scans, oldest first, as piiscout orders them
    (started_at). Not by file name: two scans started in the same second
    have scan ids that sort by their random tail."""
    from scanner.inventory.reader import Inventory

    return Inventory(inventory).scan_ids()


def scan_table(inventory: Path, table: str = "items", scan_index: int = -1, columns=None) -> pa.Table:
    """The `table` ("items" or "findings") rows of the inventory's
    `scan_index`-th scan (see scan_ids)."""
    from scanner.inventory.reader import Inventory

    return getattr(Inventory(inventory), table)(scan_ids(inventory)[scan_index], columns=columns)


def all_strings(inventory: Path) -> list[str]:
    """Every string value in every Parquet file under an inventory (values are
    read decompressed; a byte grep would not see inside)."""
    out: list[str] = []
    for p in sorted(Path(inventory).rglob("*.parquet")):
        table = pq.read_table(p)
        for col in table.columns:
            if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
                out += [v for v in col.to_pylist() if v]
            elif pa.types.is_list(col.type):
                for v in col.to_pylist():
                    out += [x for x in (v or []) if isinstance(x, str)]
        out += [v.decode("utf-8", "ignore") for v in (table.schema.metadata or {}).values()]
    return out


def raw_variants(value: str) -> set[str]:
    """A planted value and the forms it could leak in (digits only, no spaces)."""
    out = {value}
    digits = "".join(c for c in value if c.isdigit())
    if len(digits) >= 7:
        out.add(digits)
    out.add(value.replace(" ", ""))
    return {v for v in out if len(v) >= 6}


# -- plugins: the example packages of tests/plugins/, pip-installed once per session into a
# folder of their own (pip install --target), which only the piiscout processes tests start see
# (PYTHONPATH): the test venv itself is left as it was, so no other test's results depend on them.

PLUGIN_SOURCES = Path(__file__).resolve().parent / "plugins"
PLUGIN_PACKAGES = ("piiscout_example_plugin", "piiscout_broken_plugin")


@pytest.fixture(scope="session")
def plugin_env(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("plugins")
    target = base / "site"
    srcs = []
    for name in PLUGIN_PACKAGES:
        # Build from a copy: setuptools leaves build/ and *.egg-info behind.
        src = base / "src" / name
        shutil.copytree(PLUGIN_SOURCES / name, src,
                        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
        srcs.append(str(src))
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
           "--no-deps", "--target", str(target), *srcs]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        # No index to fetch setuptools from for an isolated build: build with
        # what the environment has.
        proc = subprocess.run(cmd + ["--no-build-isolation"], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        pytest.fail(f"pip install of the example plugins failed:\n{proc.stdout}\n{proc.stderr}")
    return {"PYTHONPATH": os.pathsep.join([str(target), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "PIISCOUT_CACHE_DIR": str(base / "cache")}
