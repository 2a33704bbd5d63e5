"""The real `piiscout` CLI with one test-only file type that is slow to scan.

    python -m tests.scanner.slow_cli scan TREE -i INV ...

Files named `*.slow` are "extracted" by an extractor that waits
$PIISCOUT_TEST_SLOW seconds (default 30; it calls ctx.check() like a real
extractor), after touching `$PIISCOUT_TEST_MARKER.<pid>` so a test knows a
slow item is in progress without guessing with sleeps. Everything else is
the real program: the parent process, its signal handling, the worker pool
and the inventory writer. Optional knobs:

* PIISCOUT_TEST_STOP_GRACE: seconds in-flight items get after a stop request;
* PIISCOUT_TEST_ROWS_PER_FILE: roll inventory files over every N rows, so a
  kill lands between many complete files and a partial one.
"""

from __future__ import annotations

import os
import time

from scanner.extractors import registry
from scanner.extractors.base import Extractor
from scanner.model import Segment

SLOW_TYPE = "application/x-piiscout-test-slow"


class SlowExtractor(Extractor):
    name = "slow"
    content_types = (SLOW_TYPE,)

    def extract(self, blob, ctx):
        marker = os.environ.get("PIISCOUT_TEST_MARKER")
        if marker:
            open(f"{marker}.{os.getpid()}", "w").close()
        end = time.monotonic() + float(os.environ.get("PIISCOUT_TEST_SLOW", "30"))
        while time.monotonic() < end:
            ctx.check()
            time.sleep(0.05)
        yield Segment(blob.read_all().decode("utf-8", "replace"))


def _install() -> None:
    import scanner.pipeline as pipeline
    from scanner.executors import local
    from scanner.inventory import writer

    registry.register(SlowExtractor)
    real_sniff = pipeline.sniff

    def sniff(head: bytes, name: str = "", plugins=None) -> str:
        return SLOW_TYPE if name.endswith(".slow") else real_sniff(head, name, plugins)

    pipeline.sniff = sniff
    if os.environ.get("PIISCOUT_TEST_STOP_GRACE"):
        local.STOP_GRACE = float(os.environ["PIISCOUT_TEST_STOP_GRACE"])
    if os.environ.get("PIISCOUT_TEST_ROWS_PER_FILE"):
        n = int(os.environ["PIISCOUT_TEST_ROWS_PER_FILE"])
        defaults = list(writer.TableWriter.__init__.__defaults__)
        defaults[:2] = [max(1, n // 2), n]  # rows_per_group, rows_per_file
        writer.TableWriter.__init__.__defaults__ = tuple(defaults)


if __name__ == "__main__":
    _install()
    from scanner.cli import main

    main()
