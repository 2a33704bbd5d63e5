"""Fixtures shared by the report and export tests: a scanned client share."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import run_piiscout
from tests.scanner.share import Builder, Share, lock_denied, make_customer_db, set_permissions, unlock_denied


@dataclass
class ClientInventory:
    inventory: Path
    share: Share
    db_values: list[str]
    targets: list[str]

    def raw_values(self) -> set[str]:
        return self.share.values() | set(self.db_values)


def _unprivileged() -> list[str]:
    """As root, permissions do not apply: drop the capabilities that bypass them."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return []
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"]


@pytest.fixture(scope="session")
def client_inventory(tmp_path_factory) -> ClientInventory:
    """A ~200-file share scanned three times (it grows, then card batches are
    deleted) plus a customer database: a trend, errors, skips, four kinds of
    location."""
    base = tmp_path_factory.mktemp("client")
    root = base / "fileserver" / "Company"
    b = Builder(root, seed=18)
    for part in ("hr", "finance", "clinic", "it", "public", "scans_and_archives", "broken"):
        getattr(b, part)()
    set_permissions(b.share)
    db = base / "crm.db"
    db_values = make_customer_db(db)
    inv = base / "inv"
    lock_denied(b.share)
    try:
        def scan(*targets):
            proc = run_piiscout("scan", *targets, "-i", str(inv), "-q", "--workers", "2", prefix=_unprivileged())
            assert proc.returncode in (0, 1), proc.stderr
        scan(str(root))
        b.sales()
        b.mail()
        set_permissions(b.share)
        lock_denied(b.share)
        scan(str(root))
        for p in sorted((root / "Finance" / "Cards").glob("card_batch_[12].csv")):
            p.unlink()  # remediated between scans; their values stay in the leak check
        scan(str(root))
        scan(f"sqlite:///{db}")
    finally:
        unlock_denied(b.share)
    return ClientInventory(inv, b.share, db_values, [str(root), f"sqlite:///{db}"])
