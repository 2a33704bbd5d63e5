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

    def scan(self, text: str, arm_bare: frozenset[int], blanked: str | None = None) -> list[Hit] | None:
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

    def __init__(self, triggers: Sequence[tuple[int, str, bool, bool]], cell_owners: frozenset[int] = frozenset()):
        """triggers: (owner, regex, caseless, bare). `cell_owners`: owners
        whose non-context triggers go in databases of their own, which
        `scan` may run over a text with certified cells blanked
        (detectors/tabular.py)."""
        import hyperscan

        self._hs = hyperscan
        self._cell_owners = cell_owners
        # (bare, cell) -> the database and the owner of each pattern id. Bare
        # triggers count only for the owners a segment arms: their database
        # is built for each set of armed owners (a few small ones per scan),
        # so unarmed ones cost no callback (a CSV's digit runs woke ~150,000
        # a MB that were thrown away).
        self._owners: dict[tuple, list[int]] = {}
        self._dbs = {}
        self._bare = [t for t in triggers if t[3]]
        for cell in (False, True):
            self._add((False, cell), [t for t in triggers if not t[3] and (t[0] in cell_owners) == cell])
        # Keep a named reference to the callback: an inline lambda handed to
        # hyperscan was seen to be collected mid-scan and segfault.
        self._collect = self._on_match
        self._ends: list[tuple[int, int]] = []

    def _add(self, key: tuple, triggers: Sequence[tuple[int, str, bool, bool]]) -> None:
        hyperscan = self._hs
        exprs, flags = [], []
        for _, regex, caseless, _ in triggers:
            exprs.append(_to_bytes_pattern(regex))
            flags.append(hyperscan.HS_FLAG_MULTILINE | (hyperscan.HS_FLAG_CASELESS if caseless else 0))
        if exprs:
            db = _compiled(hyperscan, exprs, list(range(len(exprs))), flags)
            self._dbs[key] = (db, hyperscan.Scratch(db))
            self._owners[key] = [t[0] for t in triggers]

    def _bare_keys(self, arm_bare: frozenset[int]) -> tuple[tuple, tuple]:
        """The databases of the armed owners' bare triggers (built once)."""
        keys = ((True, False, arm_bare), (True, True, arm_bare))
        if keys[0] not in self._dbs and keys[0] not in self._owners:
            for key in keys:
                self._owners[key] = []  # no pattern: nothing to scan
                self._add(key, [t for t in self._bare if t[0] in arm_bare
                                and (t[0] in self._cell_owners) == key[1]])
        return keys

    def _on_match(self, pid: int, start: int, end: int, flags: int, ctx) -> None:
        self._ends.append((ctx[pid], end))

    def scan(self, text: str, arm_bare: frozenset[int], blanked: str | None = None) -> list[Hit]:
        """Hits in `text`; the cell owners' hits in `blanked` (the same text
        with certified cells blanked, as long) when given."""
        data = text.encode("utf-8", "surrogatepass")
        other = data if blanked is None else blanked.encode("utf-8", "surrogatepass")
        self._ends = []
        for key in ((False, False), (False, True)):
            self._run(key, other if key[1] else data)
        if arm_bare:
            for key in self._bare_keys(arm_bare):
                self._run(key, other if key[1] else data)
        ends = self._ends
        self._ends = []
        if not ends or len(data) == len(text):
            return ends  # ASCII: byte offsets are character offsets
        return _bytes_to_chars(data, ends)

    def _run(self, key: tuple[bool, bool], data: bytes) -> None:
        entry = self._dbs.get(key)
        if entry is not None:
            db, scratch = entry
            db.scan(data, match_event_handler=self._collect, context=self._owners[key], scratch=scratch)


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
    n = len(data)
    for i in order:
        owner, end_b = ends[i]
        # A byte class (`[^0-9]`) can end a hit inside a character's UTF-8
        # sequence: the hit ends after that character. (Cutting it off
        # instead lost the character, and every later hit landed one
        # character early: `Vītols 34.12.193.61` cut the address's last
        # digit off its window.)
        while end_b < n and data[end_b] & 0xC0 == 0x80:
            end_b += 1
        if end_b > pos_b:
            pos_c += len(data[pos_b:end_b].decode("utf-8", "ignore"))
            pos_b = end_b
        out[i] = (owner, pos_c)
    return out  # type: ignore[return-value]


def build_prefilter(triggers: Sequence[tuple[int, str, bool, bool]], n_owners: int,
                    cell_owners: frozenset[int] = frozenset()):
    try:
        return HyperscanPrefilter(triggers, cell_owners)
    except ImportError:
        log.info("hyperscan is not installed: scanning without a prefilter (slower)")
        return NullPrefilter(n_owners)
