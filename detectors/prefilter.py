"""Find candidate regions of a text in C, so Python looks only at those.

Most text on a file share holds no PII. Every recognizer declares triggers:
patterns that match wherever one of its findings could be (a relaxed form of
its regex, or its context words). All triggers are compiled once per worker
into one Hyperscan database and scanned in a single pass; the engine then
runs each recognizer only in windows around its own hits.

Without Hyperscan (a platform with no wheel), `NullPrefilter` reports every
recognizer as hit across the whole text: slower, never less accurate.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from typing import Sequence

from scanner import cachedir

log = logging.getLogger(__name__)


# A hit: (owner, end), `end` the character offset just past the trigger
# match. Plain tuples: dense text has a hit every few bytes, and building an
# object per hit cost more than the Hyperscan scan itself.
Hit = tuple[int, int]


class NullPrefilter:
    available = False

    def __init__(self, n_owners: int):
        self.n_owners = n_owners

    def scan(self, text: str, arm_bare: frozenset[int]) -> list[Hit] | None:
        return None  # None: "everything is a candidate"


def _to_bytes_pattern(regex: str) -> bytes:
    """Hyperscan works on bytes: write non-ASCII characters of a pattern as
    their UTF-8 byte sequence."""
    if regex.isascii():
        return regex.encode("ascii")
    out = []
    i = 0
    while i < len(regex):
        c = regex[i]
        if c == "\\" and i + 1 < len(regex) and ord(regex[i + 1]) > 127:
            i += 1
            c = regex[i]
        if ord(c) > 127:
            out.append("".join(f"\\x{b:02x}" for b in c.encode("utf-8")))
        else:
            out.append(c)
        i += 1
    return "".join(out).encode("ascii")


class HyperscanPrefilter:
    available = True

    def __init__(self, triggers: Sequence[tuple[int, str, bool, bool]]):
        """triggers: (owner, regex, caseless, bare)."""
        import hyperscan

        self._hs = hyperscan
        self._owners: dict[int, list[int]] = {0: [], 1: []}
        self._dbs = {}
        for bare in (False, True):
            exprs, ids, flags = [], [], []
            for owner, regex, caseless, is_bare in triggers:
                if is_bare != bare:
                    continue
                exprs.append(_to_bytes_pattern(regex))
                ids.append(len(ids))
                self._owners[int(bare)].append(owner)
                f = hyperscan.HS_FLAG_MULTILINE
                if caseless:
                    f |= hyperscan.HS_FLAG_CASELESS
                flags.append(f)
            if exprs:
                db = _compiled(hyperscan, exprs, ids, flags)
                self._dbs[bare] = (db, hyperscan.Scratch(db))
        # Keep a named reference to the callback: an inline lambda handed to
        # hyperscan was seen to be collected mid-scan and segfault.
        self._collect = self._on_match
        self._ends: list[tuple[int, int]] = []

    def _on_match(self, pid: int, start: int, end: int, flags: int, ctx) -> None:
        self._ends.append((ctx[pid], end))

    def scan(self, text: str, arm_bare: frozenset[int]) -> list[Hit]:
        data = text.encode("utf-8", "surrogatepass")
        self._ends = []
        db, scratch = self._dbs.get(False, (None, None))
        if db is not None:
            db.scan(data, match_event_handler=self._collect, context=self._owners[0], scratch=scratch)
        if arm_bare and True in self._dbs:
            bare_ends: list[tuple[int, int]] = []
            self._ends, keep = bare_ends, self._ends
            db, scratch = self._dbs[True]
            db.scan(data, match_event_handler=self._collect, context=self._owners[1], scratch=scratch)
            self._ends = keep + [(o, e) for o, e in bare_ends if o in arm_bare]
        ends = self._ends
        self._ends = []
        if not ends or len(data) == len(text):
            return ends  # ASCII: byte offsets are character offsets
        return _bytes_to_chars(data, ends)


def _cpu_flags() -> str:
    """The CPU feature flags (a database built for AVX-512 must not be loaded
    where there is none)."""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return line.strip()
    except OSError:
        pass
    return ""


def _compiled(hyperscan, exprs: list[bytes], ids: list[int], flags: list[int]):
    """Compile a block-mode database, or load it from the cache.

    Compiling the large alternations (context words, vocabularies) takes
    seconds per database; a serialized database loads in milliseconds. The
    cache key covers the patterns, flags, Hyperscan version and CPU
    architecture; a database that does not load (another CPU) is rebuilt.
    The cache (scanner/cachedir.py: the user's, then the machine's, filled
    by `piiscout warm-cache`) holds patterns only, never scanned content.
    """
    import hashlib
    import platform

    h = hashlib.sha256()
    for part in (getattr(hyperscan, "__version__", ""), platform.machine(), _cpu_flags()):
        h.update(str(part).encode() + b"\0")
    for e, i, f in zip(exprs, ids, flags):
        h.update(e + b"\0" + str(i).encode() + b"\0" + str(f).encode() + b"\0")
    name = f"prefilter-{h.hexdigest()[:32]}.hsdb"
    db = _load(hyperscan, name)
    if db is not None:
        return db
    # Workers start together: one compiles (the medical vocabulary's tens of
    # thousands of triggers take seconds) while the others wait for its
    # result instead of compiling the same database on every core.
    with _compile_lock(name):
        db = _load(hyperscan, name)
        if db is not None:
            return db
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(expressions=exprs, ids=ids, flags=flags)
        try:
            cachedir.store(name, hyperscan.dumpb(db))
        except Exception:  # noqa: BLE001 - an unwritable cache only costs time
            pass
    return db


def _load(hyperscan, name: str):
    try:
        path = cachedir.find(name)
        if path is None:
            return None
        with open(path, "rb") as fh:
            return hyperscan.loadb(fh.read(), mode=hyperscan.HS_MODE_BLOCK)
    except Exception:  # noqa: BLE001 - missing, stale or foreign: compile
        return None


@contextmanager
def _compile_lock(name: str):
    fd = None
    try:
        import fcntl

        fd = os.open(cachedir.lock_path(name), os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
    except (ImportError, OSError):  # no locking here: compile anyway
        pass
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)


def _bytes_to_chars(data: bytes, ends: list[tuple[int, int]]) -> list[Hit]:
    """Map byte offsets of a UTF-8 text to character offsets, decoding each
    stretch between consecutive offsets once."""
    order = sorted(range(len(ends)), key=lambda i: ends[i][1])
    out: list[Hit | None] = [None] * len(ends)
    pos_b, pos_c = 0, 0
    for i in order:
        owner, end_b = ends[i]
        if end_b > pos_b:
            pos_c += len(data[pos_b:end_b].decode("utf-8", "ignore"))
            pos_b = end_b
        out[i] = (owner, pos_c)
    return out  # type: ignore[return-value]


def build_prefilter(triggers: Sequence[tuple[int, str, bool, bool]], n_owners: int):
    try:
        return HyperscanPrefilter(triggers)
    except ImportError:
        log.info("hyperscan is not installed: scanning without a prefilter (slower)")
        return NullPrefilter(n_owners)
