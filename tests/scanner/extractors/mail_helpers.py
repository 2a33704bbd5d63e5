"""Shared by the mail tests: real scans, in this process (the engine is
built once per test session; workers are forked) or through the CLI."""

from __future__ import annotations

from pathlib import Path

from scanner.inventory.reader import Inventory
from tests.conftest import FIXTURES, run_piiscout


def scan(target: str, inv: Path, *, cli: bool = False, **settings) -> tuple[int, list[dict], list[dict]]:
    """Scan one target; (exit code, items rows, findings rows)."""
    if cli:
        args = [a for k, v in settings.items() for a in (f"--{k.replace('_', '-')}", str(v))]
        proc = run_piiscout("scan", target, "-i", str(inv), "-q", *args)
        assert proc.returncode in (0, 1), proc.stderr
        assert "Traceback" not in proc.stderr
        code = proc.returncode
    else:
        from connectors.registry import resolve
        from scanner.scan import ScanRequest, run_scan
        from scanner.settings import ScanSettings

        spec = resolve(target, name=target, options={"skip_paths": (str(inv),)})
        code = run_scan(ScanRequest(targets=[spec], inventory=Path(inv), settings=ScanSettings(**settings),
                                    workers=2, progress=False)).exit_code
    i = Inventory(inv)
    sid = i.latest_scan_id()
    return code, i.items(sid).to_pylist(), i.findings(sid).to_pylist()


def rel(location: str) -> str:
    return str(Path(location).relative_to(FIXTURES))
