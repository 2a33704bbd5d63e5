"""Run a scan on a Dask cluster, for when one machine is not enough.

The client (the `piiscout scan` process) streams the listing, packs Items
into batches and submits them to the scheduler with a bounded number in
flight, so a share of a million files never sits in the scheduler at once.
Each worker process builds its scanner (detection engine, connectors) once
and keeps it between batches; workers open their own connections from the
job's TargetSpecs. A batch's masked findings and item records come back in
its result and the client hands them to the same sink as the local
executor, so the inventory is written in one place and holds the same rows.

Faults:
* A worker that dies: the scheduler reruns its tasks on another worker (up
  to `distributed.scheduler.allowed-failures` deaths). A batch that still
  fails is split into one-item tasks, and a single item that fails is run
  once more with nothing else in flight, so a file that kills every worker
  it touches costs itself only; it is recorded as `error`.
* A hung item: the task watches each item; past the time limit plus a grace
  period it returns what it has, the hung item as `error` and the rest for
  resubmission, and the client restarts that worker (through its nanny) to
  get rid of the stuck thread.

Secrets: a Job holds none (a TargetSpec names the environment variable that
holds a password). Workers need those variables and the same HMAC key as
the client (PIISCOUT_HASH_KEY, or the same key file); the client compares a
fingerprint of each worker's key before the scan, and every task checks it
again, so a worker with another key never produces findings. Task keys are
`piiscout-<random>-<n>`: no paths, no secrets.
"""

from __future__ import annotations

import hmac
import logging
import os
import queue
import re
import secrets as _secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from scanner import __version__, privacy
from scanner.errors import EXIT_USAGE, PiiscoutError, UsageError, one_line
from scanner.executors.base import Executor, WorkerRuntime, failed_record
from scanner.model import Item, ItemRecord
from scanner.job import Job

log = logging.getLogger(__name__)

BATCH_ITEMS = 64  # items per task at most: amortises ~1-2 ms of task overhead
BATCH_BYTES = 32 * 1024 * 1024  # and at most this much content (~1 s of scanning)
IN_FLIGHT_PER_THREAD = 2  # batches queued per worker thread: one running, one waiting
KILL_GRACE = 30.0  # seconds past the item time limit before a task gives up on an item
STOP_GRACE = 10.0  # seconds in-flight batches get to finish after a stop request
CONNECT_TIMEOUT = 30.0  # seconds to reach the scheduler
WORKERS_TIMEOUT = 120.0  # seconds to wait for workers to join
PREFLIGHT_TIMEOUT = 600.0  # seconds for every worker to build its scanner and check the targets
CANCELLED_RETRIES = 2  # a batch the scheduler lost is resubmitted this often

_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
_ADDRESS = re.compile(r"^(?:(?P<scheme>[a-z]+)://)?(?P<host>\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+)(?::(?P<port>\d{1,5}))?$")


class ClusterError(PiiscoutError):
    """The cluster cannot run this scan (unreachable, misconfigured workers):
    nothing was scanned."""

    exit_code = EXIT_USAGE


def parse_scheduler(address: str) -> str:
    """`host:port`, `tcp://host:port` or `tls://host:port` -> a Dask address.
    The port defaults to 8786, Dask's."""
    m = _ADDRESS.match(address.strip())
    if not m or "@" in address:
        raise UsageError(f"bad scheduler address {address!r}: expected tcp://HOST:PORT or tls://HOST:PORT")
    scheme = (m.group("scheme") or "tcp").lower()
    if scheme not in _SCHEMES:
        raise UsageError(f"bad scheduler address {address!r}: scheme must be one of {', '.join(_SCHEMES)}")
    port = int(m.group("port") or 8786)
    if not 0 < port < 65536:
        raise UsageError(f"bad scheduler address {address!r}: port out of range")
    return f"{scheme}://{m.group('host')}:{port}"


# -- worker side ---------------------------------------------------------------------------------


def key_fingerprint(key: bytes) -> str:
    """Same fingerprint as the scans table's `hash_key_id`: names the key, does not reveal it."""
    return hmac.new(key, b"piiscout:key-id", "sha256").hexdigest()[:16]


def _worker_key_id() -> str | None:
    """This process's key fingerprint, or None when it has no key. Unlike
    privacy.hash_key() this never creates a key file: a worker without a key
    must say so, not invent one."""
    env = os.environ.get(privacy.HASH_KEY_ENV)
    if env:
        return key_fingerprint(env.encode("utf-8"))
    try:
        text = privacy._key_file().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return key_fingerprint(text.encode("utf-8")) if text else None


_POOL_LOCK = threading.Lock()
_IDLE: list[WorkerRuntime] = []


def _acquire(job: Job) -> WorkerRuntime:
    """A runtime for this job: built once per worker thread and kept between
    batches. A long-lived cluster runs scan after scan: a previous scan's
    runtime gives its detection engine (seconds to build) to the next scan
    with the same detector settings; its connections are closed."""
    with _POOL_LOCK:
        for i, rt in enumerate(_IDLE):
            if rt.job == job:
                return _IDLE.pop(i)
        stale = [rt for rt in _IDLE if rt.job != job]
        _IDLE[:] = [rt for rt in _IDLE if rt.job == job]
    engine = next((rt.processor.engine for rt in stale if rt.job.detectors == job.detectors), None)
    for rt in stale:
        rt.close()
    return WorkerRuntime(job, engine)


def _release(rt: WorkerRuntime) -> None:
    with _POOL_LOCK:
        _IDLE.append(rt)


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except Exception:  # noqa: BLE001 - not inside a worker (tests calling directly)
        return f"pid {os.getpid()}"


@dataclass
class BatchResult:
    """What a task sends back: per item (by index in the batch) its outputs
    in order, findings batches and records, its own record last."""

    outputs: list[tuple[int, list]] = field(default_factory=list)
    unfinished: list[int] = field(default_factory=list)  # not started: an earlier item hung
    stuck: bool = False  # a thread on this worker is stuck in a hung item
    error: str | None = None  # the whole batch could not run here (reason, one line)
    worker: str = ""


def _missing_key_reason(expected: str) -> str | None:
    own = _worker_key_id()
    if own is None:
        return (f"worker has no hash key: set {privacy.HASH_KEY_ENV} on every worker "
                "to the client's key")
    if own != expected:
        return (f"worker's hash key differs from the client's (fingerprint {own}, client {expected}): "
                f"set {privacy.HASH_KEY_ENV} on every worker to the client's key")
    return None


def scan_batch(job: Job, items: list[Item], key_id: str, limit: float | None, grace: float) -> BatchResult:
    """The task: scan items one after another in a helper thread, watching
    each against the item time limit (`limit` + `grace` seconds)."""
    res = BatchResult(worker=_worker_address())
    res.error = _missing_key_reason(key_id)
    if res.error:
        return res
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # tesseract: one thread per worker thread
    try:
        rt = _acquire(job)
    except Exception as exc:  # noqa: BLE001
        res.error = f"worker could not start the scanner: {one_line(exc)}"
        return res
    events: queue.SimpleQueue = queue.SimpleQueue()
    abandoned = threading.Event()

    def run() -> None:
        for i, item in enumerate(items):
            if abandoned.is_set():  # the hung item came back after all: the rest went elsewhere
                return
            events.put(("start", i))
            try:
                outs = list(rt.process(item))
            except Exception as exc:  # noqa: BLE001 - process() records item failures; this is a bug
                outs = [failed_record(item, one_line(exc))]
            events.put(("done", i, outs))
        events.put(("end",))

    threading.Thread(target=run, name="piiscout-batch", daemon=True).start()
    current, started = None, 0.0
    while True:
        timeout = None
        if limit and current is not None:
            timeout = max(0.0, started + limit + grace - time.monotonic())
        try:
            ev = events.get(timeout=timeout)
        except queue.Empty:
            # The thread is stuck in this item (C code that ignores the deadline):
            # give up on it; the runtime stays with the thread, the client restarts us.
            res.outputs.append((current, [failed_record(items[current],
                                                       f"time limit of {limit:g}s exceeded (worker restarted)")]))
            res.unfinished = list(range(current + 1, len(items)))
            res.stuck = True
            abandoned.set()
            return res
        if ev[0] == "start":
            current, started = ev[1], time.monotonic()
        elif ev[0] == "done":
            res.outputs.append((ev[1], ev[2]))
            current = None
        else:
            break
    _release(rt)
    return res


def preflight(job: Job) -> dict[str, Any]:
    """Run once on every worker before the scan: can this worker run the job?"""
    out: dict[str, Any] = {"version": __version__, "key_id": _worker_key_id(), "pid": os.getpid(),
                           "missing_env": [], "targets": {}, "runtime": None}
    for spec in job.targets:
        if spec.password_env and not os.environ.get(spec.password_env):
            out["missing_env"].append(spec.password_env)
    if out["key_id"] is None or out["missing_env"]:
        return out
    from connectors.registry import connector_for

    for spec in job.targets:
        try:
            conn = connector_for(spec, job.detectors.prefer_plugins)(spec, job.settings)
            try:
                conn.check()
            finally:
                conn.close()
        except Exception as exc:  # noqa: BLE001
            out["targets"][spec.name] = one_line(exc)
    try:
        _release(_acquire(job))  # warm up: the first batch should not pay for it
    except Exception as exc:  # noqa: BLE001
        out["runtime"] = one_line(exc)
    return out


# -- client side ---------------------------------------------------------------------------------


@dataclass
class _Batch:
    items: list[Item]
    cancelled: int = 0  # times the scheduler lost it
    alone: bool = False  # run with nothing else of this scan in flight


class DaskExecutor(Executor):
    """Scan on a Dask cluster: an existing one (`scheduler`) or a LocalCluster
    started on this machine (loopback only, no dashboard)."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None,
                 on_progress: Callable[[], None] | None = None, batch_items: int = BATCH_ITEMS,
                 batch_bytes: int = BATCH_BYTES, local_cluster_options: dict | None = None):
        self.scheduler = parse_scheduler(scheduler) if scheduler else None
        self.requested_workers = workers
        self.workers: int | None = workers  # the cluster's size once connected (scans table)
        self.on_progress = on_progress
        self.batch_items = max(1, batch_items)
        self.batch_bytes = max(1, batch_bytes)
        self.local_cluster_options = local_cluster_options or {}
        self._client = None
        self._cluster = None
        self._checked: Job | None = None
        self._key_id: str | None = None
        self._threads = 1
        self._threads_at = 0.0

    # -- connection ----------------------------------------------------------------------------
    def check(self, job: Job) -> None:
        """Connect (or start the LocalCluster) and make sure every worker can
        run this job. Raises ClusterError (exit 2) before anything is scanned."""
        if self._client is None:
            self._connect()
        if self._checked != job:
            try:
                self._preflight(job)
            except BaseException:
                self.close()
                raise
            self._checked = job

    def _connect(self) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise UsageError("--executor dask needs Dask: pip install 'piiscout[dask]'") from None
        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
            except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, comm errors
                raise ClusterError(f"cannot reach the Dask scheduler at {self.scheduler}: {one_line(exc)}") from None
            want = self.requested_workers or 1
            try:
                self._client.wait_for_workers(want, timeout=WORKERS_TIMEOUT)
            except Exception:  # noqa: BLE001 - TimeoutError
                have = len(self._client.scheduler_info().get("workers", {}))
                self.close()
                raise ClusterError(f"the Dask scheduler at {self.scheduler} has {have} worker(s); waited "
                                   f"{WORKERS_TIMEOUT:g}s for {want}") from None
        else:
            import dask

            n = self.requested_workers or os.cpu_count() or 1
            # Loopback only, one thread per worker process (the scanner is CPU-bound
            # Python), no dashboard: the scheduler's HTTP server (always started)
            # gets a random loopback port and serves a health check only. Dask's
            # own log lines are silenced up to CRITICAL: on a loaded machine a
            # worker whose heartbeat meets the scheduler closing at the end logs
            # an ERROR with a traceback, and cron mails what is printed. What
            # matters reaches the scan anyway: a failed or lost task is recorded
            # against its item.
            opts = dict(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                        scheduler_port=0, dashboard_address=None, silence_logs=logging.CRITICAL,
                        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
            opts.update(self.local_cluster_options)
            try:
                with dask.config.set({"distributed.scheduler.http.routes": ["distributed.http.health"]}):
                    self._cluster = LocalCluster(**opts)
                self._client = Client(self._cluster, set_as_default=False)
            except Exception as exc:  # noqa: BLE001
                self.close()
                raise ClusterError(f"could not start a local Dask cluster: {one_line(exc)}") from None
        self._refresh_threads(force=True)
        log.info("dask: %s, %d worker(s), %d thread(s)", self.scheduler or "local cluster",
                 self.workers or 0, self._threads)
        if self._threads > (self.workers or 0):
            # Scanning is CPU-bound Python: threads of one process share one core.
            log.warning("the Dask workers run %d threads in %d process(es): start one single-threaded worker "
                        "process per core (dask worker --nworkers N --nthreads 1)", self._threads, self.workers)

    def _refresh_threads(self, force: bool = False) -> int:
        now = time.monotonic()
        if force or now - self._threads_at > 5.0:
            try:
                nthreads = self._client.nthreads()
                self.workers = len(nthreads)
                self._threads = max(1, sum(nthreads.values()))
            except Exception:  # noqa: BLE001 - keep the last known size
                pass
            self._threads_at = now
        return self._threads

    def _preflight(self, job: Job) -> None:
        """Check every worker (in parallel, as a task pinned to it). A worker
        that leaves meanwhile (restarted, scaled down) is not a problem;
        workers that join later are checked by each task (hash key)."""
        client = self._client
        self._key_id = key_fingerprint(privacy.hash_key())
        token = _secrets.token_hex(4)
        deadline = time.monotonic() + PREFLIGHT_TIMEOUT
        passed = 0
        while not passed:
            workers = list(client.nthreads())
            futs = {addr: client.submit(preflight, job, key=f"piiscout-preflight-{token}-{i}", workers=[addr],
                                        allow_other_workers=False, pure=False)
                    for i, addr in enumerate(workers)}
            problems: list[str] = []
            while futs:
                if time.monotonic() > deadline:
                    client.cancel(list(futs.values()), force=True)
                    raise ClusterError(f"{len(futs)} worker(s) did not finish the pre-flight check in "
                                       f"{PREFLIGHT_TIMEOUT:g}s: {', '.join(futs)}")
                present = set(client.nthreads())
                for addr, fut in list(futs.items()):
                    if fut.done():
                        problem = self._judge(addr, fut)
                        problems += [problem] if problem else []
                        passed += not problem
                    elif addr in present:
                        continue
                    else:  # gone; its replacement is checked in the next round or by its tasks
                        fut.cancel()
                    fut.release()
                    del futs[addr]
                if futs:
                    time.sleep(0.2)
            if problems:
                more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
                raise ClusterError(problems[0] + more)
            if not passed:
                try:
                    client.wait_for_workers(1, timeout=max(1.0, min(WORKERS_TIMEOUT, deadline - time.monotonic())))
                except Exception:  # noqa: BLE001
                    raise ClusterError("no Dask worker stayed up for the pre-flight check") from None

    def _judge(self, addr: str, fut) -> str | None:
        try:
            r = fut.result()
        except Exception as exc:  # noqa: BLE001 - cannot unpickle the task: piiscout missing there
            return f"worker {addr} cannot run piiscout tasks: {one_line(exc)}"
        if r["version"] != __version__:
            return (f"worker {addr} runs piiscout {r['version']}, this machine {__version__}: "
                    "install the same version everywhere")
        if r["key_id"] is None:
            return (f"worker {addr} has no hash key: set {privacy.HASH_KEY_ENV} there to this "
                    "machine's key (see README: Distributed scans)")
        if r["key_id"] != self._key_id:
            return (f"worker {addr} has a different hash key (fingerprint {r['key_id']}, here "
                    f"{self._key_id}): set {privacy.HASH_KEY_ENV} there to this machine's key")
        if r["missing_env"]:
            return (f"worker {addr} lacks environment variable(s) {', '.join(r['missing_env'])}: set them "
                    "there (a password typed at a prompt is not sent to workers)")
        if r["targets"]:
            name, why = next(iter(r["targets"].items()))
            return f"worker {addr} cannot scan {name}: {why}"
        if r["runtime"]:
            return f"worker {addr} cannot start the scanner: {r['runtime']}"
        return None

    def close(self) -> None:
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        self._checked = None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001
                pass
        if cluster is not None:
            # Workers of our own cluster that take over 4 s to exit (a loaded
            # machine) are killed with a warning; every result is in by now.
            nanny_log = logging.getLogger("distributed.nanny")
            level = nanny_log.level
            nanny_log.setLevel(logging.ERROR)
            try:
                cluster.close()
            except Exception:  # noqa: BLE001
                pass
            finally:
                nanny_log.setLevel(level)

    # -- the scan ------------------------------------------------------------------------------
    def _batches(self, units: Iterator[Item]) -> Iterator[list[Item]]:
        """Batches of up to batch_items items and batch_bytes bytes; an item
        of unknown size (a table) goes alone. Sizes ramp up 1, 2, 4...: the
        first results come fast and a small scan still spreads over workers."""
        n = 0
        batch: list[Item] = []
        size = 0
        for item in units:
            batch.append(item)
            size += item.size if item.size is not None else self.batch_bytes
            if len(batch) >= min(self.batch_items, 1 << min(n, 20)) or size >= self.batch_bytes:
                yield batch
                n += 1
                batch, size = [], 0
        if batch:
            yield batch

    def run(self, job: Job, units: Iterable[Item], sink, should_stop) -> bool:
        self.check(job)
        try:
            return _Scan(self, job, sink).run(self._batches(iter(units)), should_stop)
        finally:
            self.close()

    def _restart(self, worker: str) -> None:
        log.warning("an item hung on %s; restarting that worker", worker)
        client = self._client
        try:
            status = client.restart_workers([worker], raise_for_error=False)
        except Exception as exc:  # noqa: BLE001 - the scan ended meanwhile
            status = {worker: one_line(exc)}
        if status.get(worker) != "OK" and self._client is client:
            log.warning("could not restart %s (%s; restarts need a nanny): a stuck thread keeps running "
                        "there", worker, status.get(worker))


class _Scan:
    """One run of a DaskExecutor: batches in flight, and what to retry.

    Worker deaths: the scheduler reruns the tasks a dead worker held, and
    after `allowed-failures` deaths fails them with KilledWorker. It counts a
    death against every task the worker held, also those only queued there,
    so a failed task is not proof of guilt: a failed batch is split into
    single items, and a single item that fails is run once more *alone*
    (nothing else of this scan in flight, at the end) before it is recorded
    as the item that kills workers.
    """

    def __init__(self, ex: DaskExecutor, job: Job, sink):
        from distributed.scheduler import KilledWorker

        self.ex = ex
        self.client = ex._client
        self.job = job
        self.sink = sink
        self.killed_worker = KilledWorker
        self.limit = job.settings.item_timeout or None
        self.token = _secrets.token_hex(4)
        self.seq = 0
        self.pending: dict[Any, _Batch] = {}
        self.retry: deque[_Batch] = deque()
        self.suspects: deque[_Batch] = deque()  # single items that failed with KilledWorker
        self.completed: queue.SimpleQueue = queue.SimpleQueue()  # futures, put by their done-callbacks

    def run(self, batches: Iterator[list[Item]], should_stop) -> bool:
        exhausted = False
        stopping_since: float | None = None
        try:
            while True:
                stop = should_stop()
                if stop and stopping_since is None:
                    stopping_since = time.monotonic()
                    log.info("stopping: no new batches; waiting up to %.0fs for batches in progress", STOP_GRACE)
                    self.retry.clear()
                if not stop:
                    cap = IN_FLIGHT_PER_THREAD * self.ex._refresh_threads()
                    while len(self.pending) < cap:
                        if self.retry:
                            self.submit(self.retry.popleft())
                        elif not exhausted:
                            try:
                                self.submit(_Batch(next(batches)))
                            except StopIteration:
                                exhausted = True
                        else:
                            break
                    if exhausted and not self.pending and not self.retry and self.suspects:
                        batch = self.suspects.popleft()
                        batch.alone = True
                        self.submit(batch)
                if not self.pending and (stop or (exhausted and not self.retry and not self.suspects)):
                    break
                if stop and time.monotonic() - stopping_since > STOP_GRACE:
                    self.abandon()
                    return False
                if self.client.status not in ("running", "connecting"):
                    raise PiiscoutError(f"lost the Dask scheduler ({self.client.status})")
                try:
                    done = [self.completed.get(timeout=0.5)]
                    while not self.completed.empty():
                        done.append(self.completed.get_nowait())
                except queue.Empty:
                    continue
                for fut in done:
                    batch = self.pending.pop(fut, None)
                    if batch is not None:
                        self.collect(fut, batch)
            if stop:
                self.abandon()
            return not stop
        finally:
            if self.pending:
                try:
                    self.client.cancel(list(self.pending), force=True)
                except Exception:  # noqa: BLE001
                    pass

    def submit(self, batch: _Batch) -> None:
        self.seq += 1
        fut = self.client.submit(scan_batch, self.job, batch.items, self.ex._key_id, self.limit, KILL_GRACE,
                                 key=f"piiscout-{self.token}-{self.seq}", pure=False)
        self.pending[fut] = batch
        fut.add_done_callback(self.completed.put)

    def finish(self, item: Item, outs: list) -> None:
        for out in outs:
            self.sink("record" if isinstance(out, ItemRecord) else "findings", out)
        self.sink("done", item)
        if self.ex.on_progress:
            self.ex.on_progress()

    def fail(self, batch: _Batch, reason: str) -> None:
        for item in batch.items:
            self.finish(item, [failed_record(item, reason)])

    def abandon(self) -> None:
        """Stopped: account for every item handed out and not finished."""
        for fut, batch in list(self.pending.items()):
            if fut.status == "finished":
                self.pending.pop(fut)
                self.collect(fut, batch)
        for batch in self.pending.values():
            self.fail(batch, "scan interrupted before this item finished")
        for batch in self.suspects:
            self.fail(batch, "worker process died while scanning this item (scan interrupted before a retry)")
        self.suspects.clear()

    def collect(self, fut, batch: _Batch) -> None:
        status = fut.status
        if status == "finished":
            try:
                res: BatchResult = fut.result()
            except Exception as exc:  # noqa: BLE001 - its worker died before we fetched it
                log.warning("could not fetch a batch result (%s); resubmitting", one_line(exc))
                self.retry.appendleft(batch)
                return
            finally:
                fut.release()
            if res.error:
                log.warning("%s: %s", res.worker, res.error)
                self.fail(batch, res.error)
                return
            for i, outs in res.outputs:
                self.finish(batch.items[i], outs)
            if res.unfinished:
                self.retry.appendleft(_Batch([batch.items[i] for i in res.unfinished]))
            if res.stuck:  # in the background: the scan goes on meanwhile
                threading.Thread(target=self.ex._restart, args=(res.worker,), daemon=True).start()
            return
        exc = None
        if status == "error":
            try:
                exc = fut.exception()
            except Exception as e:  # noqa: BLE001
                exc = e
        fut.release()
        if isinstance(exc, self.killed_worker):
            if len(batch.items) > 1:
                log.warning("workers died running a batch of %d items; retrying them one by one",
                            len(batch.items))
                self.retry.extendleft(_Batch([item]) for item in reversed(batch.items))
            elif not batch.alone:
                self.suspects.append(batch)
            else:
                item = batch.items[0]
                log.warning("worker processes died while scanning an item: %s", item.location)
                self.fail(batch, "worker process died while scanning this item (retried on other workers)")
            return
        if status == "cancelled" and batch.cancelled < CANCELLED_RETRIES:
            batch.cancelled += 1
            self.retry.append(batch)
            return
        why = one_line(exc) if exc is not None else f"task {status} on the cluster"
        self.fail(batch, f"distributed task failed: {why}")
