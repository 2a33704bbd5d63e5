"""The executor interface, and the worker side shared by every executor.

An executor takes a Job and an iterator of Items (the listing, consumed
lazily) and calls `sink` with what the workers produce: findings as Arrow
record batches (scanner/findings_batch.py) and ItemRecords. For each unit
the last ItemRecord is the unit's own.
Executors own fault handling: a unit whose worker dies or overruns its time
limit gets an `error` record, and the scan goes on.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Callable, Iterable, Iterator

from scanner.model import ERROR, Item, ItemRecord
from scanner.job import Job

log = logging.getLogger(__name__)

Sink = Callable[[object], None]  # receives pyarrow.RecordBatch (findings) | ItemRecord


class Executor(ABC):
    name: str

    @abstractmethod
    def run(self, job: Job, units: Iterable[Item], sink: Sink, should_stop: Callable[[], bool]) -> bool:
        """Run every unit; return False if stopped early (should_stop)."""

    def check(self, job: Job) -> None:
        """Raise PiiscoutError if this executor cannot run the job (a cluster
        that is unreachable or misconfigured). Called before the inventory is
        touched; the default has nothing to check."""

    def close(self) -> None:
        """Release what check() or run() acquired; safe to call twice."""


def failed_record(item: Item, reason: str, status: str = ERROR) -> ItemRecord:
    return ItemRecord.of(item, status, reason)


class WorkerRuntime:
    """Per-process state: built once per worker (the analyzer, connectors)."""

    _current: "WorkerRuntime | None" = None

    def __init__(self, job: Job, engine=None):
        from scanner.pipeline import ItemProcessor

        self.job = job
        self.processor = ItemProcessor(job, engine)  # engine: reuse one built for the same detectors

    @classmethod
    def get(cls, job: Job) -> "WorkerRuntime":
        rt = cls._current
        if rt is None or rt.job != job:
            if rt is not None:
                rt.close()
            rt = cls._current = cls(job)
        return rt

    def process(self, item: Item) -> Iterator["pa.RecordBatch | ItemRecord"]:
        return self.processor.process(item)

    def close(self) -> None:
        self.processor.close()
