"""Findings as Arrow columns, from the worker to the inventory.

A dense customer export holds tens of thousands of values per MB. Built one
Python object per finding and pickled back to the parent, each cost more
than finding it; here a worker appends each segment's findings to plain
column lists (`FindingColumns`), turns a full batch into one
`pyarrow.RecordBatch` of `WIRE_SCHEMA` (the `findings` table without the
columns the parent adds: `scan_id`, `found_at`...), and sends that: Arrow
buffers travel through the pipe (or a Dask result) and go into the Parquet
writer without a Python object per row on either side.

`ContextSampler` decides which findings keep a context snippet: all of an
object's first CONTEXT_FIRST findings of each entity type, then every
CONTEXT_EVERY-th (Amazon Macie keeps samples the same way). Every finding
keeps its row: position, masked value, value hash and score; only the
snippet of the others is the empty string (docs/inventory.md).
"""

from __future__ import annotations

from typing import Iterable, Sequence

import pyarrow as pa

from scanner.inventory.schema import FINDINGS
from scanner.names import writable

# The columns a worker fills; the parent adds the others (scan_id, found_at,
# and nulls for any it has no value for).
WIRE_COLUMNS = ("source", "location", "part", "row_key", "entity_type", "score", "detector", "start", "end",
                "line", "masked_value", "value_hash", "context")
WIRE_SCHEMA = pa.schema([FINDINGS.field(n) for n in WIRE_COLUMNS], metadata=FINDINGS.metadata)
_STRINGS = ("source", "location", "part", "row_key", "entity_type", "detector", "masked_value", "value_hash",
            "context")

# Context snippets per object and entity type: the first CONTEXT_FIRST, then
# one in CONTEXT_EVERY.
CONTEXT_FIRST = 1000
CONTEXT_EVERY = 100


class ContextSampler:
    """Which findings of an object get a context snippet."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[tuple, int] = {}

    def keep(self, obj: tuple, entity: str) -> bool:
        key = (obj, entity)
        n = self._seen.get(key, 0)
        self._seen[key] = n + 1
        return n < CONTEXT_FIRST or (n - CONTEXT_FIRST) % CONTEXT_EVERY == CONTEXT_EVERY - 1

    def keep_many(self, obj: tuple, entities: Sequence[str]) -> list[bool]:
        """keep(obj, e) for each of `entities` in turn."""
        seen, out, first, every = self._seen, [], CONTEXT_FIRST, CONTEXT_EVERY
        counts: dict[str, int] = {}
        for e in entities:
            n = counts.get(e)
            if n is None:
                n = seen.get((obj, e), 0)
            counts[e] = n + 1
            out.append(n < first or (n - first) % every == every - 1)
        for e, n in counts.items():
            seen[(obj, e)] = n
        return out

    def forget(self, obj: tuple) -> None:
        """The object's record is written: its counts are done with."""
        if self._seen:
            for key in [k for k in self._seen if k[0] == obj]:
                del self._seen[key]


class FindingColumns:
    """Findings being gathered in a worker, column by column."""

    __slots__ = ("cols", "n")

    def __init__(self) -> None:
        self.cols: dict[str, list] = {name: [] for name in WIRE_SCHEMA.names}
        self.n = 0

    def __len__(self) -> int:
        return self.n

    def add(self, source: str, location: str, part: str, entity_types: Sequence[str], scores: Sequence[float],
            detectors: Sequence[str], starts: Sequence[int], ends: Sequence[int], lines: Sequence[int | None],
            row_keys: Sequence[str | None], masked: Sequence[str], hashes: Sequence[str],
            contexts: Sequence[str]) -> None:
        """One segment's findings (every sequence the same length); the
        object's source, location and part are the same for all."""
        k = len(hashes)
        if not k:
            return
        c = self.cols
        c["source"].extend([source] * k)
        c["location"].extend([location] * k)
        c["part"].extend([part] * k)
        c["row_key"].extend(row_keys)
        c["entity_type"].extend(entity_types)
        c["score"].extend(scores)
        c["detector"].extend(detectors)
        c["start"].extend(starts)
        c["end"].extend(ends)
        c["line"].extend(lines)
        c["masked_value"].extend(masked)
        c["value_hash"].extend(hashes)
        c["context"].extend(contexts)
        self.n += k

    def extend(self, other: "FindingColumns") -> None:
        for name, col in other.cols.items():
            self.cols[name].extend(col)
        self.n += other.n

    def take(self) -> pa.RecordBatch:
        """The gathered rows as one record batch; empties this."""
        arrays = [_array(name, self.cols[name], WIRE_SCHEMA.field(name).type) for name in WIRE_SCHEMA.names]
        batch = pa.RecordBatch.from_arrays(arrays, schema=WIRE_SCHEMA)
        self.cols = {name: [] for name in WIRE_SCHEMA.names}
        self.n = 0
        return batch


def _array(name: str, values: list, typ: pa.DataType) -> pa.Array:
    try:
        return pa.array(values, type=typ)
    except (pa.ArrowException, UnicodeError, TypeError):
        if name not in _STRINGS:
            raise
        # A name or text with lone surrogates (undecodable bytes): escaped,
        # as everywhere else a name is written.
        return pa.array([writable(v) if isinstance(v, str) else v for v in values], type=typ)


def entity_counts(batch: pa.RecordBatch | Iterable) -> dict[str, int]:
    """Findings per entity type in a record batch (or Finding objects)."""
    if isinstance(batch, pa.RecordBatch):
        counts = batch.column("entity_type").value_counts()
        return dict(zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist()))
    out: dict[str, int] = {}
    for f in batch:
        out[f.entity_type] = out.get(f.entity_type, 0) + 1
    return out
