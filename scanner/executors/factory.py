"""Pick the executor a scan runs on from its settings (CLI or config file)."""

from __future__ import annotations

from scanner.errors import UsageError
from scanner.executors.base import Executor
from scanner.settings import ScanSettings

EXECUTORS = ("local", "dask")


def create_executor(settings: ScanSettings, workers: int | None = None) -> Executor:
    """`local` (default): a process pool on this machine. `dask`: the cluster
    at `settings.scheduler`, or a LocalCluster of `workers` processes when no
    scheduler is given. A scheduler alone implies dask."""
    kind = (settings.executor or ("dask" if settings.scheduler else "local")).strip().lower()
    if kind == "local":
        if settings.scheduler:
            raise UsageError("--scheduler needs --executor dask")
        from scanner.executors.local import LocalExecutor

        return LocalExecutor(workers)
    if kind == "dask":
        from scanner.executors.dask import DaskExecutor

        return DaskExecutor(settings.scheduler, workers)
    raise UsageError(f"unknown executor {settings.executor!r}: choose one of {', '.join(EXECUTORS)}")
