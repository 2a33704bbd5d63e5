"""`piiscout locate INV HASH`: the real path of an object whose name is masked.

An inventory stores `Smith_***-**-2190.pdf`, never the SSN in the name; its
`location_hash` (HMAC of the real location under the inventory's key,
scanner/namescan.py) is what finds the file again. `locate` looks the hash
up in the inventory (any unique prefix of 8 or more hex digits, as exports
show it), walks the target of the scan that recorded it, with the same
connector and key, where the share is readable, and prints the real
location of each object (or folder) whose hash matches, in the escaped form
of scanner/names.py. The real name is printed on the terminal only; it is
written nowhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow.compute as pc

from scanner import privacy
from scanner.errors import TargetError, UsageError
from scanner.inventory.reader import Inventory
from scanner.inventory.state import _batches, scan_rows
from scanner.namescan import location_hash

HASH = re.compile(r"^[0-9a-f]{8,32}$")


@dataclass(frozen=True)
class Wanted:
    location_hash: str
    location: str  # as stored (masked)
    source: str
    targets: tuple[str, ...]  # of the scan that recorded it


def lookup(inv: Inventory, prefix: str) -> list[Wanted]:
    """Every object the inventory records under a location_hash starting with `prefix`."""
    prefix = prefix.strip().lower()
    if not HASH.match(prefix):
        raise UsageError(f"{prefix!r} is not a location hash (8 to 32 hex digits, the `location_hash` column)")
    targets = {r["scan_id"]: tuple(r["targets"]) for r in scan_rows(inv)}
    found: dict[str, Wanted] = {}
    for table in ("items", "findings"):
        for path in inv._files(table):
            for b in _batches(path, table, ["location_hash", "location", "source", "scan_id"], 65_536, inv):
                b = b.filter(pc.fill_null(pc.starts_with(b.column(0), prefix), False))
                for lh, loc, src, sid in zip(*(b.column(i).to_pylist() for i in range(4))):
                    if lh not in found and sid in targets:
                        found[lh] = Wanted(lh, loc, src, targets[sid])
    if len(found) > 1:
        shown = ", ".join(sorted(found)[:5])
        raise UsageError(f"location hash {prefix} is ambiguous ({shown}...): give more digits")
    return list(found.values())


def candidates(location: str, targets: tuple[str, ...]) -> list[str]:
    """The targets the object was found under (their URLs are never masked)."""
    return [t for t in targets if location == t or location.startswith(t.rstrip("/") + "/")] or list(targets)


def walk(target: str, wanted: str, options: dict, key: bytes) -> str | None:
    """The real location under `target` whose hash is `wanted`, walking the
    target with its own connector (its folders included)."""
    from connectors.registry import connector_for, resolve
    from scanner.settings import ScanSettings

    spec = resolve(target, name=target, options=options)
    conn = connector_for(spec)(spec, ScanSettings())
    conn.check()
    seen: set[str] = set()
    try:
        for x in conn.list_items():
            loc = x.location
            if location_hash(loc, key) == wanted:
                return loc
            folder = loc.rsplit("/", 1)[0]
            while folder.startswith(spec.url) and folder not in seen:
                seen.add(folder)
                if location_hash(folder, key) == wanted:
                    return folder
                folder = folder.rsplit("/", 1)[0]
    finally:
        conn.close()
    return None


def locate(inventory: Path | str, prefix: str, password_env: str | None = None) -> list[tuple[Wanted, str | None]]:
    inv = Inventory(inventory).require()
    wanted = lookup(inv, prefix)
    if not wanted:
        raise UsageError(f"no object with location hash {prefix} in {inv.root}")
    key = privacy.hash_key()
    options = {"password_env": password_env} if password_env else {}
    out = []
    for w in wanted:
        real = None
        for target in candidates(w.location, w.targets):
            try:
                real = walk(target, w.location_hash, options, key)
            except TargetError as e:
                raise TargetError(f"cannot walk {target} to find it: {e}") from None
            if real:
                break
        out.append((w, real))
    return out
