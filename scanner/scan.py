"""Run one scan: plan, run, record, summarise.

This runs in the parent process. `run_scan` is four named stages:

* plan (`plan_scan`): check every target (exists, reachable, login works)
  and the executor before the inventory is touched, so a typo costs nothing;
* run (`ScanRun`): lock the inventory, stream the listing straight into the
  executor (the first items are scanned while the tree is still being
  walked) and the results straight into the Parquet writers;
* record (`record_scan`): the scans row, with the options record;
* summarise: the ScanSummary and its exit code.
"""

from __future__ import annotations

import hmac
from collections import Counter
import importlib
import itertools
import json
import logging
import os
import re
import secrets
import signal
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from connectors.registry import connector_for
from scanner import __version__, privacy
from scanner.inventory.completeness import record_unreached
from scanner.errors import EXIT_INTERRUPTED, EXIT_ITEM_ERRORS, EXIT_OK, PiiscoutError
from scanner.findings_batch import entity_counts
from scanner.incremental import LOOKUP_BATCH, Baseline, result_fingerprint
from scanner.inventory.lock import InventoryLock
from scanner.inventory.writer import InventoryWriter, prepare
from scanner.model import (ERROR, SCANNED, SKIPPED, STATUSES, UNCHANGED, Item, ItemRecord, ScanSummary,
                           listing_record)
from scanner.request import ScanRequest
from scanner.job import Job
from scanner.ui import Progress

log = logging.getLogger("piiscout.scan")


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
        self.by_entity: Counter = Counter()
        self.bytes = 0
        self.suppressed = 0


@dataclass
class ScanPlan:
    """What a scan will run: checked connectors, the job, the executor."""

    req: ScanRequest
    connectors: list
    job: Job
    executor: object


@dataclass
class ScanOutcome:
    """What the run stage saw, for the record and the summary."""

    scan_id: str
    started: datetime
    t0: float
    key_id: str
    fingerprints: dict[str, str]
    baseline: Baseline | None
    counts: _Counts = field(default_factory=_Counts)
    finished: bool = False
    unreached: int = 0  # containers (or objects) not listed or read: the scan is partial
    row: dict | None = None  # the scans row as written (record_scan)


def run_scan(req: ScanRequest, executor=None) -> ScanSummary:
    plan = plan_scan(req, executor)
    root = Path(req.inventory)
    from scanner.inventory.writer import ensure_inventory

    try:
        ensure_inventory(root)
        lock = InventoryLock(root).acquire()
    except BaseException:
        plan.executor.close()
        raise
    stop = _StopFlag()
    old_handlers = _install_handlers(stop)
    run = None
    try:
        prepare(root)
        run = ScanRun(plan, root, stop)
        outcome = run.run()
        code = record_scan(plan, run.writer, outcome)
        if req.notify is not None:  # --fail-on, --webhook: the scan is recorded first (scanner/followup.py)
            from scanner.followup import follow_up

            code = follow_up(req.notify, root, run.writer, outcome.row, code, stop)
        return summarise(plan, outcome, code)
    except PiiscoutError as e:
        if run is not None:
            e.scan_id = run.outcome.scan_id  # for the end-of-scan record
            record_failure(plan, run, e)
        raise
    finally:
        for sig, h in old_handlers.items():
            signal.signal(sig, h)
        plan.executor.close()
        lock.release()


# -- plan -------------------------------------------------------------------------------------

def plan_scan(req: ScanRequest, executor=None) -> ScanPlan:
    """Check every target and the executor; nothing is written yet."""
    # Resolve the key first: a broken config dir is a usage problem, and the
    # workers must not race to create it.
    privacy.hash_key()
    from scanner.overlap import covered_by

    covered = covered_by(req.targets)  # overlapping targets are listed once
    connectors = [_checked_connector(spec, req) for i, spec in enumerate(req.targets) if i not in covered]
    job = Job(targets=tuple(req.targets), settings=req.settings, detectors=req.detectors)
    if executor is None:
        from scanner.executors.factory import create_executor

        executor = create_executor(req.settings, req.workers)
    executor.check(job)  # a cluster is reachable and its workers can run the job
    return ScanPlan(req=req, connectors=connectors, job=job, executor=executor)


def _checked_connector(spec, req: ScanRequest):
    from connectors.registry import plugin_of
    from scanner import plugins
    from scanner.errors import TargetError

    cls = connector_for(spec, req.detectors.prefer_plugins)
    try:
        conn = cls(spec, req.settings)
        conn.check()
    except PiiscoutError:
        raise
    except Exception as exc:  # noqa: BLE001 - a plugin connector's own bug
        if plugin_of(cls) is None:
            raise
        raise TargetError(f"{spec.url}: {plugins.plugin_failed(plugin_of(cls), 'connector raised', exc)}") from None
    return conn


def _install_handlers(stop: _StopFlag) -> dict:
    old_handlers = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            old_handlers[sig] = signal.signal(sig, stop.handler)
        except ValueError:  # not the main thread (tests): no handlers
            pass
    return old_handlers


# -- run ---------------------------------------------------------------------------------------

class ScanRun:
    """The run stage: listing -> executor -> inventory writer."""

    def __init__(self, plan: ScanPlan, root: Path, stop: _StopFlag):
        req = plan.req
        self.plan = plan
        self.stop = stop
        fingerprints = {t.url: result_fingerprint(t, req.settings, req.detectors) for t in req.targets}
        self.outcome = ScanOutcome(scan_id=new_scan_id(), started=datetime.now(timezone.utc), t0=time.monotonic(),
                                   key_id=hash_key_id(), fingerprints=fingerprints, baseline=None)
        if req.incremental:
            self.outcome.baseline = Baseline.build(root, req.targets, fingerprints, self.outcome.key_id)
        self.writer = InventoryWriter(root, self.outcome.scan_id)
        # Item.fingerprint of items in flight, for their own items row.
        self.pending: dict[tuple[str, str], str] = {}
        self.progress: Progress | None = None
        self.target_urls = tuple(t.url for t in req.targets)
        self._names = None
        self._folders: set[str] = set()
        self._member_seen: set[tuple[str, str]] = set()

    def run(self) -> ScanOutcome:
        out, plan = self.outcome, self.plan
        log.info("scan %s started: %d target(s), executor %s", out.scan_id, len(plan.req.targets),
                 plan.executor.name)
        with Progress(plan.req.progress) as progress:
            self.progress = progress
            try:
                finished = self._execute()
                # Whether every item was seen is decided now: a signal during
                # the copying below does not make a finished scan partial.
                out.finished = finished and not self.stop()
                if out.baseline is not None:
                    carried = out.baseline.carry_over(self.writer)
                    out.counts.status.update({k: out.counts.status.get(k, 0) + v
                                              for k, v in carried.statuses.items()})
                    out.counts.findings += carried.findings
                    out.counts.by_entity.update(carried.by_entity)
                    out.counts.suppressed += carried.suppressed
            except BaseException:
                self.writer.abort()
                raise
            finally:
                for conn in plan.connectors:
                    try:
                        conn.close()
                    except Exception:  # noqa: BLE001
                        pass
        try:
            self.writer.close()
        except BaseException:
            self.writer.abort()  # a full disk at the last flush: no half file left behind
            raise
        return out

    def _execute(self) -> bool:
        from scanner.installed import report_failures

        # Workers start only when there is something to read: an
        # unchanged rescan never pays for them.
        listing = self.units()
        first = next(listing, None)
        if first is None:
            return not self.stop()
        # Import the detectors once here, so forked workers share them.
        importlib.import_module("scanner.pipeline")
        # Load every plugin here too (forked workers inherit them) and
        # say once which failed: the scan goes on without them.
        report_failures(self.plan.req.detectors.prefer_plugins)
        return self.plan.executor.run(self.plan.job, itertools.chain((first,), listing), self.sink, self.stop)

    def sink(self, kind: str, payload) -> None:
        counts, progress = self.outcome.counts, self.progress
        if kind == "findings":
            n = self.writer.add_findings(payload, names=self.names)
            counts.findings += n
            counts.by_entity.update(entity_counts(payload))
            progress.update(findings=n)
        elif kind == "record":
            rec: ItemRecord = payload
            if self.pending and rec.fingerprint is None and (rec.location, rec.part) in self.pending:
                rec = replace(rec, fingerprint=self.pending[(rec.location, rec.part)])
            if rec.part:
                self._member_names(rec)
            rec = self._masked(rec)
            self.writer.add_item(rec)
            counts.suppressed += rec.suppressed
            counts.status[rec.status] = counts.status.get(rec.status, 0) + 1
            counts.bytes += rec.bytes_scanned if not rec.part else 0
            progress.update(items=1, nbytes=rec.bytes_scanned if not rec.part else 0,
                            errors=int(rec.status == ERROR))
            if rec.status == ERROR:
                log.info("item error: %s%s: %s", rec.location, "#" + rec.part if rec.part else "", rec.reason)
                if record_unreached(rec, self.target_urls):
                    self.outcome.unreached += 1
        elif kind == "done" and payload is not None and self.pending:
            self.pending.pop((payload.location, payload.part), None)

    # -- PII in names (scanner/namescan.py) ------------------------------------------------
    @property
    def names(self):
        """The name scanner, built on first use with the scan's own detection
        engine (the one forked workers inherit)."""
        if self._names is None:
            from scanner.executors.base import WorkerRuntime
            from scanner.namescan import NameScanner

            engine = WorkerRuntime.get(self.plan.job).processor.engine
            self._names = NameScanner(engine, self.target_urls, self.plan.req.detectors.min_score)
        return self._names

    def _masked(self, rec: ItemRecord) -> ItemRecord:
        location, lh = self.names.location(rec.location, rec.source)
        return replace(rec, location=location, part=self.names.part(rec.part), location_hash=lh)

    def _write_name_findings(self, found: list) -> None:
        if found:
            n = self.writer.add_findings(found, names=self.names)
            self.outcome.counts.findings += n
            self.outcome.counts.by_entity.update(f.entity_type for f in found)

    def _listed_names(self, source: str, location: str) -> None:
        """Findings in the names of a listed object and of folders not seen
        yet (every scan lists every object, so these are never carried over)."""
        base, rel = self.names.split(location)
        if not rel:
            return
        pieces = rel.split("/")
        path = base
        for piece in pieces[:-1]:
            path = f"{path}/{piece}"
            if path not in self._folders:
                self._folders.add(path)
                self._write_name_findings(self.names.name_findings(source, path))
        self._write_name_findings(self.names.name_findings(source, location))

    def _member_names(self, rec: ItemRecord) -> None:
        """Findings in the path of an archive member (each folder inside the
        archive once)."""
        pieces = rec.part.split("#", 1)[0].split("/")
        for k in range(1, len(pieces) + 1):
            member = "/".join(pieces[:k])
            key = (rec.location, member)
            if key in self._member_seen:
                continue
            if len(self._member_seen) < 1_000_000:
                self._member_seen.add(key)
            self._write_name_findings(self.names.name_findings(rec.source, rec.location, member))

    def changed(self, batch: list[Item], conn) -> Iterator[Item]:
        baseline = self.outcome.baseline
        # Unchanged items keep their rows, with the permissions found now (scanner/incremental.py).
        same = (baseline.unchanged_many(batch, conn.spec.url, getattr(conn, "refresh_access", None))
                if baseline is not None else [False] * len(batch))
        for x, unchanged in zip(batch, same):
            if unchanged:
                self.progress.update(items=1)
                continue
            if x.fingerprint is not None:
                self.pending[(x.location, x.part)] = x.fingerprint
            yield x

    def units(self) -> Iterator[Item]:
        for conn in self.plan.connectors:
            yield from self._listing(conn)
            if self.stop():
                return

    def _listing(self, conn) -> Iterator[Item]:
        """One target's items, less the unchanged ones; records of what the
        listing found broken go straight to the inventory."""
        from connectors.registry import plugin_of
        from scanner import plugins

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
                self.sink("record", listing_record(conn.name, conn.spec.url, ERROR,
                                                   plugins.plugin_failed(plugin, "listing raised", exc)))
                break
            if x is None:
                break
            if self.stop():
                return
            self._listed_names(x.source, x.location)
            if isinstance(x, ItemRecord):
                self.sink("record", x)
                continue
            batch.append(x)
            # Without a baseline, items go out one by one, as listed.
            if self.outcome.baseline is None or len(batch) >= LOOKUP_BATCH:
                yield from self.changed(batch, conn)
                batch = []
        yield from self.changed(batch, conn)


# -- record ------------------------------------------------------------------------------------

def options_record(plan: ScanPlan, outcome: ScanOutcome) -> dict:
    """The scans row's `options`: every declared scan option as resolved,
    and what the results depend on. Names and sizes of custom rules and allow
    lists only: the lists themselves stay in the user's files."""
    from scanner import plugins

    req, executor = plan.req, plan.executor
    options = {
        **asdict(req.settings),
        **req.options,  # every declared option (a request built by build_request)
        "entities": list(req.detectors.entities),
        "min_score": req.detectors.min_score,
        "workers": getattr(executor, "workers", None),
        "executor": executor.name,
        "incremental": req.incremental,
        # Per target: what its results depend on (scanner/incremental.py).
        "fingerprints": outcome.fingerprints,
        "carried_from": outcome.baseline.scan_ids if outcome.baseline is not None else [],
    }
    custom = req.detectors.custom
    if custom:
        options["custom_rules"] = [r.entity for r in custom.rules]
        options["allow_list_entries"] = custom.allow.size
        options["context_words"] = {e: {"extra": len(x), "deny": len(d)} for e, x, d in custom.context}
    if req.detectors.prefer_plugins:
        options["prefer_plugins"] = list(req.detectors.prefer_plugins)
    prefer = req.detectors.prefer_plugins
    loaded = [f"{p.group.split('.', 1)[1]}:{p.name}:{plugins.status_of(p, prefer)}" for p in plugins.loaded_plugins()]
    if loaded:
        options["plugins"] = loaded
    return options


def scan_status(outcome: ScanOutcome) -> str:
    """interrupted: stopped before every item was seen; partial: finished,
    but a folder, share or table could not be listed or read
    (scanner/inventory/completeness.py); else complete."""
    if not outcome.finished:
        return "interrupted"
    return "partial" if outcome.unreached else "complete"


def exit_code(outcome: ScanOutcome) -> int:
    if not outcome.finished:
        return EXIT_INTERRUPTED
    return EXIT_ITEM_ERRORS if outcome.counts.status.get(ERROR, 0) or outcome.unreached else EXIT_OK


def scan_row(plan: ScanPlan, outcome: ScanOutcome, code: int) -> dict:
    counts = outcome.counts
    return {
        "scan_id": outcome.scan_id,
        "started_at": outcome.started,
        "finished_at": datetime.now(timezone.utc),
        "status": scan_status(outcome),
        "targets": [t.url for t in plan.req.targets],
        "options": json.dumps(options_record(plan, outcome), default=str, sort_keys=True),
        "version": __version__,
        "hash_scheme": privacy.HASH_SCHEME,
        "hash_key_id": outcome.key_id,
        "items_total": sum(counts.status.values()),
        "items_scanned": counts.status.get(SCANNED, 0),
        "items_skipped": counts.status.get(SKIPPED, 0),
        "items_error": counts.status.get(ERROR, 0),
        "items_unchanged": counts.status.get(UNCHANGED, 0),
        "findings": counts.findings,
        "suppressed": counts.suppressed,
        "bytes_scanned": counts.bytes,
        "duration_s": round(time.monotonic() - outcome.t0, 3),
        "exit_code": code,
        "target": target_name(plan.req),
    }


def record_scan(plan: ScanPlan, writer: InventoryWriter, outcome: ScanOutcome) -> int:
    """Write the scans row (kept in `outcome.row`); returns the scan's exit code."""
    code = exit_code(outcome)
    outcome.row = scan_row(plan, outcome, code)
    writer.write_scan(outcome.row)
    return code


def record_failure(plan: ScanPlan, run: "ScanRun", exc: PiiscoutError) -> None:
    """Best effort: a `failed` scans row for a scan that could not finish (a
    full disk may refuse this too). Readers never take a failed scan for the
    current state; prune removes it."""
    out = run.outcome
    try:
        run.writer.abort()
        row = scan_row(plan, out, exc.exit_code)
        run.writer.write_scan({**row, "status": "failed"})
    except Exception:  # noqa: BLE001 - the real error is what the user is told
        log.debug("could not record the failed scan %s", out.scan_id, exc_info=True)


# -- summarise ---------------------------------------------------------------------------------

_CONFIG_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def target_name(req: ScanRequest) -> str:
    """The config file's table name; for a target given on the command line,
    its URL as stored (no user name, no password), not as typed."""
    return ", ".join(dict.fromkeys(t.name if _CONFIG_NAME.match(t.name) else t.url for t in req.targets))


def summarise(plan: ScanPlan, outcome: ScanOutcome, code: int) -> ScanSummary:
    counts = outcome.counts
    if counts.suppressed:
        log.info("scan %s: suppressed by allow list: %d", outcome.scan_id, counts.suppressed)
    return ScanSummary(scan_id=outcome.scan_id, status=scan_status(outcome),
                       items=dict(counts.status), findings=counts.findings, suppressed=counts.suppressed,
                       exit_code=code, findings_by_entity=dict(counts.by_entity.most_common()),
                       target=target_name(plan.req), targets=tuple(t.url for t in plan.req.targets),
                       duration_s=round(time.monotonic() - outcome.t0, 3), unreached=outcome.unreached)


def describe_summary(s: ScanSummary, inventory: Path, seconds: float | None = None) -> str:
    """The end-of-scan line: scan id, status, target, items by status,
    findings by entity, duration, exit code, inventory."""
    it = s.items
    total = sum(it.values())
    parts = [f"{it.get(SCANNED, 0)} scanned"]
    for key in (UNCHANGED, SKIPPED, ERROR):
        if it.get(key):
            parts.append(f"{it[key]} {'errors' if key == ERROR else key}")
    seconds = s.duration_s if seconds is None else seconds
    suppressed = f", suppressed by allow list: {s.suppressed}" if s.suppressed else ""
    kinds = ", ".join(f"{e} {n}" for e, n in s.findings_by_entity.items())
    kinds = f" ({kinds})" if kinds else ""
    unreached = f", {s.unreached} not reached" if s.unreached else ""
    return (f"scan {s.scan_id} {s.status}: {describe_target(s.target, s.targets)}{total} items ({', '.join(parts)}"
            f"{unreached}), {s.findings} findings{kinds}{suppressed} in {seconds:.1f}s, exit {s.exit_code} "
            f"-> {os.fspath(inventory)}")


def describe_target(name: str | None, urls) -> str:
    urls = list(urls)
    if not name and not urls:
        return ""
    if name and urls and name in (", ".join(urls), urls[0]) :
        return f"target {name}: " if len(urls) == 1 else f"targets {name}: "
    where = f" ({', '.join(urls)})" if urls else ""
    return f"target {name}{where}: " if name else f"targets {', '.join(urls)}: "


def end_record(s: ScanSummary, inventory: Path) -> dict:
    """The end-of-scan record's fields (JSON logs)."""
    return {"scan_id": s.scan_id, "target": s.target, "targets": list(s.targets), "inventory": os.fspath(inventory),
            "status": s.status, "items": dict(s.items), "items_total": sum(s.items.values()),
            "findings": s.findings, "findings_by_entity": dict(s.findings_by_entity), "suppressed": s.suppressed,
            "unreached": s.unreached, "duration_s": s.duration_s, "exit_code": s.exit_code}


__all__ = ["ScanRequest", "run_scan", "describe_summary", "PiiscoutError"]
