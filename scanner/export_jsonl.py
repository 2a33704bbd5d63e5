"""`piiscout export --format jsonl`: one finding per line, for SIEMs and scripts.

Each line is a JSON object with every column of the inventory's `findings`
table (docs/inventory.md), plus `entity_name` (the plain-English name,
scanner/entity_labels.py) and the finding's object's `exposure` and
`readers` (null where unknown: no notion of access, or an inventory from
before exposure was recorded). Timestamps are ISO 8601 UTC strings. Like
every output, it holds masked values, keyed hashes and masked context only.

Streamed: findings are read one Parquet batch at a time and each batch is
encoded and written before the next is read. Exposure is joined in Arrow
from an index of the locations that hold findings (one string and one
exposure per location, never per finding), so memory does not grow with
the number of findings; bench/export_memory.py measures it.
"""

from __future__ import annotations

from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc

from scanner import entity_labels
from scanner.inventory.schema import FINDINGS
from scanner.inventory.state import View, iter_batches

EXTRA = ["entity_name", "exposure", "readers"]
COLUMNS = FINDINGS.names + EXTRA


@dataclass
class AccessIndex:
    """Exposure and readers of the locations that hold findings, as Arrow
    arrays (position i of each belongs to locations[i])."""

    locations: pa.Array
    exposure: pa.Array
    readers: pa.Array

    def take(self, locations: pa.Array) -> tuple[pa.Array, pa.Array]:
        idx = pc.index_in(locations, value_set=self.locations)
        return self.exposure.take(idx), self.readers.take(idx)


def _keep(batch: pa.RecordBatch, flt) -> pa.RecordBatch:
    mask = None
    if flt.entities:
        mask = pc.is_in(batch.column("entity_type"), value_set=pa.array(list(flt.entities), pa.string()))
    if flt.min_score is not None:
        m = pc.greater_equal(batch.column("score"), flt.min_score)
        mask = m if mask is None else pc.and_(mask, m)
    return batch.filter(mask) if mask is not None else batch


def finding_locations(inv, view: View, flt) -> pa.Array:
    """The distinct locations of the (filtered) findings, in Arrow."""
    uniques: list[pa.Array] = []
    for b in iter_batches(inv, view, "findings", ["location", "entity_type", "score"]):
        u = pc.unique(_keep(b, flt).column(0))
        uniques.append(u)
        if len(uniques) > 64:  # fold now and then: the list stays the size of the distinct locations
            uniques = [pc.unique(pa.concat_arrays(uniques))]
    if not uniques:
        return pa.array([], pa.string())
    return pc.unique(pa.concat_arrays(uniques))


def access_index(inv, view: View, locations: pa.Array) -> AccessIndex:
    locs, exps, readers = [], [], []
    if len(locations):
        for b in iter_batches(inv, view, "items", ["location", "part", "exposure", "readers"]):
            b = b.filter(pc.and_(pc.equal(b.column(1), ""), pc.is_in(b.column(0), value_set=locations)))
            if b.num_rows:
                locs.append(b.column(0))
                exps.append(b.column(2))
                readers.append(b.column(3))
    if not locs:
        return AccessIndex(pa.array([], pa.string()), pa.array([], pa.string()),
                           pa.array([], pa.list_(pa.string())))
    return AccessIndex(pa.concat_arrays(locs), pa.concat_arrays(exps), pa.concat_arrays(readers))


# -- encoding: JSON texts built in Arrow, column by column ---------------------------------------
# Every value becomes its JSON text in an Arrow string array, the columns are
# joined element-wise with their keys into one line each, and the lines'
# bytes (one contiguous Arrow buffer) are written as they are: no Python
# object per value.

_CONTROL = [chr(i) for i in range(0x20)]
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NULL = pa.scalar("null", pa.string())


def _quoted(a: pa.Array) -> pa.Array:
    """JSON strings of a string array (null stays null)."""
    for c, escaped in (("\\", "\\\\"), ('"', '\\"')):
        if pc.any(pc.match_substring(a, c)).as_py():  # a test is much cheaper than a replace
            a = pc.replace_substring(a, c, escaped)
    if pc.any(pc.match_substring_regex(a, "[\\x00-\\x1f]")).as_py():
        for c in _CONTROL:
            a = pc.replace_substring(a, c, _SHORT.get(c, f"\\u{ord(c):04x}"))
    return pc.binary_join_element_wise('"', a, '"', "")


# Columns that repeat within a batch: encoded once per distinct value.
REPEATING = frozenset({"scan_id", "source", "location", "part", "entity_type", "detector", "found_at",
                       "location_hash", "entity_name", "exposure"})


def _json(a: pa.Array, repeats: bool = False) -> pa.Array:
    """The JSON text of every value of `a` ("null" for nulls)."""
    if repeats and len(a) > 64:
        d = pc.dictionary_encode(a)
        if len(d.dictionary) * 4 < len(a):
            return pc.fill_null(_plain_json(d.dictionary).take(d.indices), _NULL)
    return _plain_json(a)


def _plain_json(a: pa.Array) -> pa.Array:
    t = a.type
    if pa.types.is_timestamp(t):
        out = _quoted(pc.strftime(a, format="%Y-%m-%dT%H:%M:%SZ"))
    elif pa.types.is_integer(t):
        out = pc.cast(a, pa.string())
    elif pa.types.is_floating(t):
        out = pc.if_else(pc.is_finite(a), pc.cast(a, pa.string()), pa.scalar(None, pa.string()))
    elif pa.types.is_list(t):
        offsets = a.offsets
        first = offsets[0].as_py()
        values = a.values.slice(first, offsets[-1].as_py() - first)
        inner = _quoted(pc.fill_null(pc.cast(values, pa.string()), ""))
        lists = pa.ListArray.from_arrays(pc.subtract(offsets, first), inner, mask=a.is_null())
        out = pc.binary_join_element_wise("[", pc.binary_join(lists, ","), "]", "")
    else:
        out = _quoted(pc.cast(a, pa.string()))
    return pc.fill_null(out, _NULL)


_KEYS = [("{" if i == 0 else ",") + encode_basestring(c) + ":" for i, c in enumerate(COLUMNS)]


def _lines(arrays: dict[str, pa.Array]) -> memoryview:
    """One JSON object per row, each ending with a newline, as UTF-8 bytes."""
    parts: list = []
    for key, c in zip(_KEYS, COLUMNS):
        parts += [key, _json(arrays[c], c in REPEATING)]
    joined = pc.binary_join_element_wise(*parts, "}\n", "")
    if isinstance(joined, pa.ChunkedArray):
        joined = joined.combine_chunks()
    # The value offsets (int32) of the first and one-past-last row.
    offsets = memoryview(joined.buffers()[1]).cast("i")
    first, last = offsets[joined.offset], offsets[joined.offset + len(joined)]
    return memoryview(joined.buffers()[2])[first:last] if last > first else memoryview(b"")


def _entity_names(entity_types: pa.Array) -> pa.Array:
    codes = pc.unique(entity_types)
    names = pa.array([entity_labels.name(c) for c in codes.to_pylist()], pa.string())
    return names.take(pc.index_in(entity_types, value_set=codes))


def write_jsonl(inv, view: View, flt, fh: BinaryIO) -> int:
    """Write the view's (filtered) findings to `fh` (binary: UTF-8 lines); returns how many."""
    index = access_index(inv, view, finding_locations(inv, view, flt))
    n = 0
    for b in iter_batches(inv, view, "findings", FINDINGS.names):
        b = _keep(b, flt)
        if not b.num_rows:
            continue
        exposure, readers = index.take(b.column("location"))
        arrays = {name: b.column(name) for name in FINDINGS.names}
        arrays.update(entity_name=_entity_names(b.column("entity_type")), exposure=exposure, readers=readers)
        fh.write(_lines(arrays))
        n += b.num_rows
    return n
