"""Stream wrappers close what they wrap when told to, never from a finalizer
(which may run on another thread, e.g. smbprotocol's receiver, and deadlock
on the wrapped stream's lock while its owner is closing it)."""

from __future__ import annotations

import gc
import io
import threading

from scanner.streams import CountingReader


class Tracked(io.BytesIO):
    def __init__(self, data: bytes):
        super().__init__(data)
        self.closed_by: list[str] = []

    def close(self) -> None:
        self.closed_by.append(threading.current_thread().name)
        super().close()


def test_close_closes_the_wrapped_stream():
    raw = Tracked(b"abc")
    r = CountingReader(raw)
    assert r.read() == b"abc" and r.count == 3
    r.close()
    assert raw.closed_by == ["MainThread"]


def test_garbage_collection_leaves_the_wrapped_stream_alone():
    raw = Tracked(b"abc")
    r = CountingReader(raw)
    r.read(1)
    cycle = [r]
    cycle.append(cycle)  # collected by the cyclic collector, like a generator's frame
    del r, cycle

    t = threading.Thread(target=gc.collect, name="other")
    t.start()
    t.join()
    assert raw.closed_by == [] and not raw.closed
    raw.close()
