"""The default executor: a pool of worker processes on this machine.

Not `concurrent.futures`: one crashing item (a segfault in a C parser, an
out-of-memory kill) must cost that item only, and one hung item must be
stoppable. Each worker talks to the parent over its own pipe (no shared
queue lock a dying worker could take with it); the parent hands out units
(at most two per worker), multiplexes the pipes, restarts dead workers,
records their unit as `error`, and kills a worker whose item overruns its
time limit.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import time
from collections import deque
from multiprocessing.connection import wait
from typing import Callable, Iterable

from scanner.errors import PiiscoutError, one_line
from scanner.executors.base import Executor, WorkerRuntime, failed_record
from scanner.model import Item, ItemRecord
from scanner.job import Job

log = logging.getLogger(__name__)

# Units queued per worker: two (one running, one waiting); small files go in
# batches of up to PREFETCH_ITEMS (a pipe round trip per small file costs
# more than scanning it). Anything larger, or of unknown size, keeps the
# queue short so that a slow item never holds many others hostage.
PREFETCH = 2
PREFETCH_ITEMS = 32
SMALL_ITEM = 64 << 10
# A worker sends an item's results in one message, or in parts of about
# this many findings when an item (a huge log) has more.
STREAM_FINDINGS = 5000
KILL_GRACE = 30.0  # seconds past the item time limit before a worker is killed
STOP_GRACE = 10.0  # seconds in-flight items get to finish after a stop request


def _die_with_parent() -> None:
    """Linux: this worker gets SIGKILL when the parent dies, however it dies
    (kill -9 included), instead of scanning on as an orphan."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _worker_main(job: Job, conn, index: int, parent_pid: int | None = None) -> None:
    # The parent decides what a Ctrl-C or a SIGTERM means (cron's timeout and
    # systemd signal the whole process group): it stops handing out work and
    # gives items in progress STOP_GRACE seconds; workers finish their item.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent()
    if parent_pid is not None and os.getppid() != parent_pid:  # it died before prctl took effect
        os._exit(1)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # tesseract: 1 thread per worker
    try:
        rt = WorkerRuntime.get(job)
    except Exception as exc:  # noqa: BLE001
        conn.send(("fatal", one_line(exc)))
        return
    conn.send(("ready",))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            break
        if msg is None:
            break
        for uid, item in msg:  # items run in the order sent: the parent relies on it
            pending, found = [], 0
            for out in rt.process(item):
                pending.append(out)
                if not isinstance(out, ItemRecord):  # a record batch of findings
                    found += out.num_rows
                if found >= STREAM_FINDINGS:
                    conn.send(("out", uid, pending))
                    pending, found = [], 0
            conn.send(("done", uid, pending))
    rt.close()


class _Worker:
    def __init__(self, ctx, job: Job, index: int):
        parent, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(job, child, index, os.getpid()), daemon=True,
                                name=f"piiscout-worker-{index}")
        self.proc.start()
        child.close()
        self.conn = parent
        self.index = index
        self.queue: deque[int] = deque()  # unit ids sent, in order; the first is running
        self.all_small = True  # every unit in the queue is a small file
        self.started_at = 0.0  # when the first unit of the queue started
        self.ready = False
        self.closing = False

    @property
    def running(self) -> int | None:
        return self.queue[0] if self.queue else None

    def kill(self) -> None:
        try:
            self.proc.kill()
        except Exception:  # noqa: BLE001
            pass
        self.proc.join(5)
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001
            pass


class LocalExecutor(Executor):
    name = "local"

    def __init__(self, workers: int | None = None, on_progress: Callable[[], None] | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.on_progress = on_progress

    def run(self, job: Job, units: Iterable[Item], sink, should_stop) -> bool:
        pool = _Pool(self, job, units, sink)
        try:
            pool.start()
            while True:
                stop = pool.check_stop(should_stop())
                if not stop:
                    pool.hand_out()
                if pool.finished(stop):
                    break
                if stop and pool.grace_over():
                    pool.abandon()
                    return False
                dead = pool.wait_for_messages()
                dead += pool.enforce_time_limits()
                pool.replace(dead, stop)
            return not should_stop()
        finally:
            pool.shutdown()

    def _drain(self, w: _Worker, items: dict[int, Item], sink, final: bool = False) -> bool:
        """Handle every message waiting on a worker's pipe. False if the pipe
        is closed (the worker is gone)."""
        try:
            while w.conn.poll(0):
                msg = w.conn.recv()
                kind = msg[0]
                if kind in ("out", "done"):
                    for out in msg[2]:
                        sink("record" if isinstance(out, ItemRecord) else "findings", out)
                if kind == "done":
                    uid = msg[1]
                    if w.queue and w.queue[0] == uid:
                        w.queue.popleft()
                        w.started_at = time.monotonic()  # the next one starts now
                    sink("done", items.pop(uid, None))
                    if self.on_progress:
                        self.on_progress()
                elif kind == "ready":
                    w.ready = True
                elif kind == "fatal":
                    raise PiiscoutError(f"a worker could not start: {msg[1]}")
        except (EOFError, OSError):
            return False
        return not final


class _Pool:
    """One run of the local executor: the workers, the units in flight, and
    the stages of its loop (hand out, wait, enforce limits, replace)."""

    def __init__(self, executor: LocalExecutor, job: Job, units: Iterable[Item], sink):
        self.executor = executor
        self.job = job
        self.sink = sink
        self.method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        self.ctx = mp.get_context(self.method)
        self.limit = job.settings.item_timeout
        self.workers: list[_Worker] = []
        self.next_index = executor.workers
        self.source = iter(units)
        self.exhausted = False
        self.retry: deque[int] = deque()
        self.items: dict[int, Item] = {}
        self.uid_seq = 0
        self.nxt: int | None = None  # a unit taken from the listing, not yet handed out
        self.stopping_since: float | None = None

    def start(self) -> None:
        if self.method == "fork":
            # Build the analyzer once, here, and let every worker inherit it:
            # start-up is paid once instead of per worker (the CPU of a 2-core
            # machine is better spent scanning), a replaced worker is ready at
            # once, and the vocabularies and models share memory pages.
            try:
                WorkerRuntime.get(self.job)
            except Exception as exc:  # noqa: BLE001
                raise PiiscoutError(f"cannot build the detectors: {one_line(exc)}") from None
            import gc

            gc.freeze()  # keep the inherited objects' pages shared after fork
        self.workers = [_Worker(self.ctx, self.job, i) for i in range(self.executor.workers)]

    def check_stop(self, stop: bool) -> bool:
        if stop and self.stopping_since is None:
            self.stopping_since = time.monotonic()
            log.info("stopping: no new items; waiting up to %.0fs for items in progress", STOP_GRACE)
            self.retry.clear()
            self.nxt = None
        return stop

    # -- hand out ------------------------------------------------------------------------
    def _take(self) -> int | None:
        """The next unit to hand out: a retried one, else one from the listing."""
        if self.nxt is None:
            if self.retry:
                self.nxt = self.retry.popleft()
            elif not self.exhausted:
                try:
                    item = next(self.source)
                except StopIteration:
                    self.exhausted = True
                    return None
                self.uid_seq += 1
                self.nxt = self.uid_seq
                self.items[self.nxt] = item
        return self.nxt

    def hand_out(self) -> None:
        for w in self.workers:
            if not w.ready or w.closing:
                continue
            batch = []
            while (uid := self._take()) is not None:
                size = self.items[uid].size
                small = size is not None and size <= SMALL_ITEM
                if len(w.queue) >= PREFETCH and not (small and w.all_small and len(w.queue) < PREFETCH_ITEMS):
                    break
                self.nxt = None
                if not w.queue:
                    w.started_at = time.monotonic()
                    w.all_small = True
                w.queue.append(uid)
                w.all_small = w.all_small and small
                batch.append((uid, self.items[uid]))
            if batch:
                w.conn.send(batch)

    # -- done, or stopped ------------------------------------------------------------------
    def finished(self, stop: bool) -> bool:
        busy = any(w.queue for w in self.workers)
        return not busy and (stop or (self.exhausted and not self.retry and self.nxt is None))

    def grace_over(self) -> bool:
        return time.monotonic() - self.stopping_since > STOP_GRACE

    def abandon(self) -> None:
        """Stop grace over: the items still running are recorded as interrupted."""
        for w in self.workers:
            if w.running is not None and w.running in self.items:
                item = self.items.pop(w.running)
                self.sink("record", failed_record(item, "scan interrupted before this item finished"))
                self.sink("done", item)
            w.kill()

    # -- wait, limits, replace ---------------------------------------------------------------
    def wait_for_messages(self) -> list[_Worker]:
        """Messages from the workers, or a dead one; returns the dead."""
        conns = {w.conn: w for w in self.workers}
        sentinels = {w.proc.sentinel: w for w in self.workers}
        ready = wait(list(conns) + list(sentinels), timeout=0.5)
        dead: list[_Worker] = []
        for r in ready:
            if r in conns:
                w = conns[r]
                if not self.executor._drain(w, self.items, self.sink):
                    dead.append(w)
            else:
                w = sentinels[r]
                # Read whatever it sent before dying.
                self.executor._drain(w, self.items, self.sink, final=True)
                dead.append(w)
        return dead

    def enforce_time_limits(self) -> list[_Worker]:
        """Workers whose item overran its time limit, its item recorded."""
        now = time.monotonic()
        out = []
        for w in self.workers:
            if w.running is not None and self.limit and now - w.started_at > self.limit + KILL_GRACE:
                item = self.items.pop(w.queue.popleft())
                log.warning("item over its time limit, stopping its worker: %s", item.location)
                self.sink("record", failed_record(item, f"time limit of {self.limit:g}s exceeded (worker stopped)"))
                self.sink("done", item)
                w.closing = True  # the rest of its queue never started: retried elsewhere
                out.append(w)
        return out

    def replace(self, dead: list[_Worker], stop: bool) -> None:
        """Record the item a dead worker was on, requeue the rest of its
        units and start a new worker in its place."""
        for w in set(dead):
            self.workers.remove(w)
            code = w.proc.exitcode
            w.kill()
            if w.queue and w.queue[0] in self.items and not w.closing:
                item = self.items.pop(w.queue.popleft())
                why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                log.warning("worker died while scanning an item (%s): %s", why, item.location)
                self.sink("record", failed_record(item, f"worker process died ({why})"))
                self.sink("done", item)
            self.retry.extend(u for u in w.queue if u in self.items)
            if not stop:
                self.workers.append(_Worker(self.ctx, self.job, self.next_index))
                self.next_index += 1
        if not self.workers and not stop:
            raise PiiscoutError("no worker process could be started")

    def shutdown(self) -> None:
        for w in self.workers:
            try:
                w.conn.send(None)
            except Exception:  # noqa: BLE001
                pass
        deadline = time.monotonic() + 5
        for w in self.workers:
            w.proc.join(max(0.0, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.kill()
