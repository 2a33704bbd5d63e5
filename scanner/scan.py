"""Run one scan: check targets, lock the inventory, list, scan, record.

This runs in the parent process. Listing is streamed straight into the
executor, so the first items are scanned while the tree is still being
walked; results come back in batches and go straight into the Parquet
writers. Targets are checked (exists, reachable, login works) before the
inventory is touched, so a typo costs nothing.
"""

from __future__ import annotations

import hmac
import importlib
import itertools
import json
import logging
import os
import secrets
import signal
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from connectors.registry import connector_for
from detectors.catalog import DetectorSettings
from scanner import __version__, privacy
from scanner.errors import EXIT_INTERRUPTED, EXIT_ITEM_ERRORS, EXIT_OK, PiiscoutError
from scanner.incremental import LOOKUP_BATCH, Baseline, result_fingerprint
from scanner.inventory.lock import InventoryLock
from scanner.inventory.writer import InventoryWriter, prepare
from scanner.model import (ERROR, SCANNED, SKIPPED, STATUSES, UNCHANGED, Item, ItemRecord, ScanSummary,
                           TargetSpec, listing_record)
from scanner.settings import Job, ScanSettings
from scanner.ui import Progress

log = logging.getLogger("piiscout.scan")


@dataclass
class ScanRequest:
    targets: list[TargetSpec]
    inventory: Path
    settings: ScanSettings = field(default_factory=ScanSettings)
    detectors: DetectorSettings = field(default_factory=DetectorSettings)
    workers: int | None = None
    progress: bool = True
    # Reuse the results of items unchanged since the last scans of the same
    # targets (scanner/incremental.py).
    incremental: bool = False


def new_scan_id() -> str:
    now = datetime.now(timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def hash_key_id() -> str:
    """A fingerprint of the HMAC key (not the key): scans whose hashes can be
    compared share it."""
    return hmac.new(privacy.hash_key(), b"piiscout:key-id", "sha256").hexdigest()[:16]


class _StopFlag:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.signal: int | None = None

    def __call__(self) -> bool:
        return self.event.is_set()

    def handler(self, signum, frame) -> None:
        if self.event.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt  # a second Ctrl-C: stop now
        self.signal = signum
        self.event.set()


class _Counts:
    def __init__(self) -> None:
        self.status = {s: 0 for s in STATUSES}
        self.findings = 0
        self.bytes = 0
        self.suppressed = 0


def run_scan(req: ScanRequest, executor=None) -> ScanSummary:
    # Resolve the key first: a broken config dir is a usage problem, and the
    # workers must not race to create it.
    privacy.hash_key()
    from connectors.registry import plugin_of
    from scanner import plugins
    from scanner.errors import TargetError

    plugins.set_preferred(req.detectors.prefer_plugins)
    connectors = []
    for spec in req.targets:
        cls = connector_for(spec)
        try:
            conn = cls(spec, req.settings)
            conn.check()
        except PiiscoutError:
            raise
        except Exception as exc:  # noqa: BLE001 - a plugin connector's own bug
            if plugin_of(cls) is None:
                raise
            raise TargetError(f"{spec.url}: {plugins.plugin_failed(plugin_of(cls), 'connector raised', exc)}") from None
        connectors.append(conn)
    job = Job(targets=tuple(req.targets), settings=req.settings, detectors=req.detectors)
    if executor is None:
        from scanner.executors.factory import create_executor

        executor = create_executor(req.settings, req.workers)
    executor.check(job)  # a cluster is reachable and its workers can run the job

    root = Path(req.inventory)
    from scanner.inventory.writer import ensure_inventory

    try:
        ensure_inventory(root)
        lock = InventoryLock(root).acquire()
    except BaseException:
        executor.close()
        raise
    stop = _StopFlag()
    old_handlers = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            old_handlers[sig] = signal.signal(sig, stop.handler)
        except ValueError:  # not the main thread (tests): no handlers
            pass
    try:
        prepare(root)
        scan_id = new_scan_id()
        started = datetime.now(timezone.utc)
        t0 = time.monotonic()
        key_id = hash_key_id()
        fingerprints = {t.url: result_fingerprint(t, req.settings, req.detectors) for t in req.targets}
        baseline = Baseline.build(root, req.targets, fingerprints, key_id) if req.incremental else None
        writer = InventoryWriter(root, scan_id)
        counts = _Counts()
        log.info("scan %s started: %d target(s), executor %s", scan_id, len(req.targets), executor.name)
        # Item.fingerprint of items in flight, for their own items row.
        pending: dict[tuple[str, str], str] = {}

        with Progress(req.progress) as progress:

            def sink(kind: str, payload) -> None:
                if kind == "findings":
                    n = writer.add_findings(payload)
                    counts.findings += n
                    progress.update(findings=n)
                elif kind == "record":
                    rec: ItemRecord = payload
                    if pending and rec.fingerprint is None and (rec.location, rec.part) in pending:
                        rec = replace(rec, fingerprint=pending[(rec.location, rec.part)])
                    writer.add_item(rec)
                    counts.suppressed += rec.suppressed
                    counts.status[rec.status] = counts.status.get(rec.status, 0) + 1
                    counts.bytes += rec.bytes_scanned if not rec.part else 0
                    progress.update(items=1, nbytes=rec.bytes_scanned if not rec.part else 0,
                                    errors=int(rec.status == ERROR))
                    if rec.status == ERROR:
                        log.info("item error: %s%s: %s", rec.location, "#" + rec.part if rec.part else "", rec.reason)
                elif kind == "done" and payload is not None and pending:
                    pending.pop((payload.location, payload.part), None)

            def changed(batch: list[Item], conn) -> Iterator[Item]:
                url = conn.spec.url
                # Unchanged items keep their rows, with the permissions found now (scanner/incremental.py).
                same = (baseline.unchanged_many(batch, url, getattr(conn, "refresh_access", None))
                        if baseline is not None else [False] * len(batch))
                for x, unchanged in zip(batch, same):
                    if unchanged:
                        progress.update(items=1)
                        continue
                    if x.fingerprint is not None:
                        pending[(x.location, x.part)] = x.fingerprint
                    yield x

            def units() -> Iterator[Item]:
                for conn in connectors:
                    batch: list[Item] = []
                    listing = conn.list_items()
                    plugin = plugin_of(type(conn))
                    while True:
                        try:
                            x = next(listing, None)
                        except Exception as exc:  # noqa: BLE001
                            if plugin is None:
                                raise
                            # A plugin connector's listing broke: recorded, the scan goes on.
                            sink("record", listing_record(conn.name, conn.spec.url, ERROR,
                                                          plugins.plugin_failed(plugin, "listing raised", exc)))
                            break
                        if x is None:
                            break
                        if stop():
                            return
                        if isinstance(x, ItemRecord):
                            sink("record", x)
                            continue
                        batch.append(x)
                        # Without a baseline, items go out one by one, as listed.
                        if baseline is None or len(batch) >= LOOKUP_BATCH:
                            yield from changed(batch, conn)
                            batch = []
                    yield from changed(batch, conn)

            try:
                # Workers start only when there is something to read: an
                # unchanged rescan never pays for them.
                listing = units()
                first = next(listing, None)
                if first is None:
                    finished = not stop()
                else:
                    # Import the detectors once here, so forked workers share them.
                    importlib.import_module("scanner.pipeline")
                    # Load every plugin here too (forked workers inherit them) and
                    # say once which failed: the scan goes on without them.
                    plugins.report_failures()

                    finished = executor.run(job, itertools.chain((first,), listing), sink, stop)
                # Whether every item was seen is decided now: a signal during
                # the copying below does not make a finished scan partial.
                finished = finished and not stop()
                if baseline is not None:
                    carried = baseline.carry_over(writer)
                    counts.status.update({k: counts.status.get(k, 0) + v for k, v in carried.statuses.items()})
                    counts.findings += carried.findings
                    counts.suppressed += carried.suppressed
            except BaseException:
                writer.abort()
                raise
            finally:
                for conn in connectors:
                    try:
                        conn.close()
                    except Exception:  # noqa: BLE001
                        pass
        try:
            writer.close()
        except BaseException:
            writer.abort()  # a full disk at the last flush: no half file left behind
            raise
        status = "complete" if finished else "interrupted"
        errors = counts.status.get(ERROR, 0)
        if status == "interrupted":
            code = EXIT_INTERRUPTED
        else:
            code = EXIT_ITEM_ERRORS if errors else EXIT_OK
        options = {
            "entities": list(req.detectors.entities),
            "min_score": req.detectors.min_score,
            "workers": getattr(executor, "workers", None),
            "executor": executor.name,
            **{k: v for k, v in asdict(req.settings).items()},
            "incremental": req.incremental,
            # Per target: what its results depend on (scanner/incremental.py).
            "fingerprints": fingerprints,
            "carried_from": baseline.scan_ids if baseline is not None else [],
        }
        custom = req.detectors.custom
        if custom:
            # Names and sizes only: the allow list itself stays in the user's file.
            options["custom_rules"] = [r.entity for r in custom.rules]
            options["allow_list_entries"] = custom.allow.size
            options["context_words"] = {e: {"extra": len(x), "deny": len(d)} for e, x, d in custom.context}
        if req.detectors.prefer_plugins:
            options["prefer_plugins"] = list(req.detectors.prefer_plugins)
        loaded = [f"{p.group.split('.', 1)[1]}:{p.name}:{p.status}" for p in plugins.loaded_plugins()]
        if loaded:
            options["plugins"] = loaded
        writer.write_scan(
            {
                "scan_id": scan_id,
                "started_at": started,
                "finished_at": datetime.now(timezone.utc),
                "status": status,
                "targets": [t.url for t in req.targets],
                "options": json.dumps(options, default=str, sort_keys=True),
                "version": __version__,
                "hash_scheme": privacy.HASH_SCHEME,
                "hash_key_id": key_id,
                "items_total": sum(counts.status.values()),
                "items_scanned": counts.status.get(SCANNED, 0),
                "items_skipped": counts.status.get(SKIPPED, 0),
                "items_error": errors,
                "items_unchanged": counts.status.get(UNCHANGED, 0),
                "findings": counts.findings,
                "suppressed": counts.suppressed,
                "bytes_scanned": counts.bytes,
                "duration_s": round(time.monotonic() - t0, 3),
                "exit_code": code,
            }
        )
        if counts.suppressed:
            log.info("scan %s: suppressed by allow list: %d", scan_id, counts.suppressed)
        return ScanSummary(scan_id=scan_id, status=status, items=dict(counts.status), findings=counts.findings,
                           suppressed=counts.suppressed, exit_code=code)
    finally:
        for sig, h in old_handlers.items():
            signal.signal(sig, h)
        executor.close()
        lock.release()


def describe_summary(s: ScanSummary, inventory: Path, seconds: float | None = None) -> str:
    it = s.items
    total = sum(it.values())
    parts = [f"{it.get(SCANNED, 0)} scanned"]
    for key in (UNCHANGED, SKIPPED, ERROR):
        if it.get(key):
            parts.append(f"{it[key]} {'errors' if key == ERROR else key}")
    took = f" in {seconds:.1f}s" if seconds is not None else ""
    suppressed = f", suppressed by allow list: {s.suppressed}" if s.suppressed else ""
    return (f"scan {s.scan_id} {s.status}: {total} items ({', '.join(parts)}), "
            f"{s.findings} findings{suppressed}{took} -> {os.fspath(inventory)}")


__all__ = ["ScanRequest", "run_scan", "describe_summary", "PiiscoutError"]
