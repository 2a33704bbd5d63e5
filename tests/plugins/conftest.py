"""The example plugins, pip-installed once per session into a folder of
their own (pip install --target), which only the piiscout processes these
tests start see (PYTHONPATH): the test venv itself is left as it was, so no
other test's results depend on them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PACKAGES = ("piiscout_example_plugin", "piiscout_broken_plugin")


@pytest.fixture(scope="session")
def plugin_env(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("plugins")
    target = base / "site"
    srcs = []
    for name in PACKAGES:
        # Build from a copy: setuptools leaves build/ and *.egg-info behind.
        src = base / "src" / name
        shutil.copytree(HERE / name, src, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
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
