"""Test-only Dask worker preload (`dask worker --preload THIS_FILE`).

Worker processes are separate interpreters, so monkeypatching in the test
process cannot reach them; this module registers misbehaving extractors in
each worker instead, chosen by file suffix:

* `.slow`: plain text, after sleeping PIISCOUT_TEST_SLOW_SECONDS; while it
  scans, a marker file named after the worker's PID sits in
  PIISCOUT_TEST_MARKERS, so a test can kill a worker that is mid-item.
* `.crash`: kills its own worker process, as a segfault in a C parser would.
* `.hang`: sleeps for an hour, ignoring the item deadline.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from scanner import pipeline, sniff
from scanner.extractors import registry
from scanner.extractors.base import Extractor
from scanner.extractors.plaintext import PlainTextExtractor


class SlowTextExtractor(PlainTextExtractor):
    name = "slow-text"
    content_types = ("application/x-test-slow",)

    def extract(self, blob, ctx):
        markers = os.environ.get("PIISCOUT_TEST_MARKERS")
        marker = Path(markers) / str(os.getpid()) if markers else None
        if marker is not None:
            marker.write_text(blob.name)
        try:
            time.sleep(float(os.environ.get("PIISCOUT_TEST_SLOW_SECONDS", "0.3")))
            yield from super().extract(blob, ctx)
        finally:
            if marker is not None:
                marker.unlink(missing_ok=True)


class CrashExtractor(Extractor):
    name = "crash"
    content_types = ("application/x-test-crash",)

    def extract(self, blob, ctx):
        os.kill(os.getpid(), signal.SIGKILL)
        yield from ()


class HangExtractor(Extractor):
    name = "hang"
    content_types = ("application/x-test-hang",)

    def extract(self, blob, ctx):
        time.sleep(3600)
        yield from ()


_SUFFIXES = {".slow": "application/x-test-slow", ".crash": "application/x-test-crash",
             ".hang": "application/x-test-hang"}
_real_sniff = sniff.sniff


def _sniff(head, name="", plugins=None):
    for suffix, ctype in _SUFFIXES.items():
        if name.endswith(suffix):
            return ctype
    return _real_sniff(head, name, plugins)


for _cls in (SlowTextExtractor, CrashExtractor, HangExtractor):
    registry.register(_cls)
pipeline.sniff = _sniff
