"""Executors run work units (Items) in workers and stream results back:
`local` (a process pool that survives crashing and hanging items), `dask`
(a Dask cluster), picked by `factory`; `base` has the interface and the
per-process WorkerRuntime.

May import the pipeline (scanner.pipeline, scanner.job) and everything
below it (connectors.registry for worker-side checks, the foundation); not
scanner.scan, scanner.request or the CLI.
"""
