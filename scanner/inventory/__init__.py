"""The Parquet inventory: findings/, items/ and scans/ under one directory
(schema, writer, reader, state, lock, prune, upgrade; what a partial scan
did not reach, `completeness`).

The inventory knows rows, not detectors: it may import the foundation
(scanner.model, scanner.errors, scanner.names, scanner.atomic) only.
"""

from __future__ import annotations

import os
from pathlib import Path


def default_inventory() -> str:
    """Where results go when no --inventory is given: $PIISCOUT_INVENTORY,
    else the user data dir."""
    env = os.environ.get("PIISCOUT_INVENTORY")
    if env:
        return env
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("piiscout")) / "inventory")
