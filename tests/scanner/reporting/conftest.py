"""A real headless Chromium for the report tests (Debian package `chromium`,
installed by scripts/services.sh; playwright drives it, its own browser
download is never used)."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium():
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not path:
        if os.geteuid() == 0:
            pytest.fail("Chromium is missing: run scripts/services.sh (it installs the Debian package chromium)")
        pytest.skip("Chromium is not installed and installing it needs root (scripts/services.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=ARGS)
        yield browser
        browser.close()
