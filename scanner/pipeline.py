"""What a worker does with one work unit.

`ItemProcessor.process(item)` asks the item's connector for its content and
does everything else: a byte `Stream` is sniffed and extracted (recursing
into archive members and attachments), a `Table`'s typed rows are read
column by column (scanner/tables.py); every segment goes through the
detectors (custom rules and plugin recognizers included), each detection
is checked against the allow list and turned into a masked, hashed finding
on the spot, and every object gets its items row. Connectors know nothing
of detection. It yields findings as Arrow record batches
(scanner/findings_batch.py) and ItemRecords; the last ItemRecord it yields
is the item's own. Raw values never leave this module.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import BinaryIO, Iterator

import pyarrow as pa

from detectors.engine import DetectionEngine
from scanner import privacy
from scanner.errors import ItemError, ItemSkipped, ItemTimeout, one_line
from scanner.extractors import registry
from scanner.extractors.base import Blob, ExtractContext
from scanner.findings_batch import ContextSampler, FindingColumns
from scanner.model import (ERROR, SCANNED, SKIPPED, Child, Content, Item, ItemRecord, Layout, ObjectInfo,
                           Segment, Stream, Table)
from scanner.refine import refine
from scanner.job import Job
from scanner.sniff import HEAD, sniff
from scanner.streams import CountingReader
from scanner.tables import TableScan

log = logging.getLogger(__name__)

FINDINGS_BATCH = 5000  # rows per record batch a worker sends


def join_part(*parts: str) -> str:
    return "/".join(p.strip("/") for p in parts if p)


class ItemProcessor:
    def __init__(self, job: Job, engine: DetectionEngine | None = None):
        self.job = job
        self.settings = job.settings
        self.prefer = job.detectors.prefer_plugins  # --prefer-plugin: every registry lookup is told
        self.engine = engine or DetectionEngine(job.detectors)
        self.key = privacy.hash_key()
        # How values of entity types that are not built in (plugins, custom
        # rules) are hashed and masked, from the recognizers that report them.
        from detectors.catalog import entity_styles

        self.styles = entity_styles(getattr(self.engine, "recognizers", ()))
        self.plugin_types = registry.plugin_types()  # formats plugin extractors read, for sniff()
        custom = job.detectors.custom
        if custom and custom.allow:
            from detectors.custom import matcher

            self.allow = matcher(custom.allow)
        else:
            self.allow = None
        # Allow-listed detections and plugin recognizer failures since the
        # last record: the next record carries them (their sum over a scan's
        # records is the scan's total).
        self._suppressed = 0
        self._failures: list[str] = []
        self._connectors: dict[str, object] = {}
        self._batch = FindingColumns()
        self._sampler = ContextSampler()
        # pyarrow's first conversion of Python values costs 0.3-0.7 s (it
        # looks for pandas): paid here, while the worker starts, not within
        # the time limit of its first item.
        FindingColumns().take()

    # -- connectors ----------------------------------------------------------
    def connector(self, target_name: str):
        conn = self._connectors.get(target_name)
        if conn is None:
            from connectors.registry import connector_for

            spec = self.job.target(target_name)
            conn = connector_for(spec, self.prefer)(spec, self.settings)
            self._connectors[target_name] = conn
        return conn

    def close(self) -> None:
        for conn in self._connectors.values():
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass
        self._connectors.clear()

    # -- entry point ---------------------------------------------------------
    def process(self, item: Item) -> Iterator[pa.RecordBatch | ItemRecord]:
        """Scan one item; yields finding batches and item records, the item's
        own record last. Never raises for a problem with the item itself."""
        t0 = time.monotonic()
        info = ObjectInfo.of_item(item)
        deadline = t0 + self.settings.item_timeout if self.settings.item_timeout else None
        conn = None
        try:
            conn = self.connector(item.target)
            for out in self.scan_content(conn.content(item), info, deadline):
                yield with_access(out, info) if isinstance(out, ItemRecord) else out
        except Exception as exc:  # noqa: BLE001 - an item's failure is recorded, never raised
            log.debug("item failed", exc_info=True)
            yield from self.flush()
            status = SKIPPED if isinstance(exc, ItemSkipped) else ERROR
            reason = one_line(exc)
            if status == ERROR:
                reason = self._connector_plugin_reason(conn, item, exc) or reason
            yield self.record(info, status, reason, 0, 0, t0, rows_scanned=getattr(exc, "rows_scanned", None))

    def _connector_plugin_reason(self, conn, item: Item, exc: Exception) -> str | None:
        """The reason naming the plugin, when the item's connector is one."""
        from connectors.registry import connector_for, plugin_of

        try:
            info_p = plugin_of(type(conn) if conn is not None
                               else connector_for(self.job.target(item.target), self.prefer))
        except Exception:  # noqa: BLE001
            info_p = None
        if info_p is None:
            return None
        from scanner import plugins

        return plugins.plugin_failed(info_p, "connector raised", exc)

    def scan_content(self, content: Content, info: ObjectInfo, deadline: float | None):
        """What a connector handed over: bytes to extract or rows to read."""
        if isinstance(content, Table):
            yield from TableScan(self, content, info, deadline).run(time.monotonic())
            return
        if not isinstance(content, Stream):
            raise TypeError(f"a connector's content() returned {type(content).__name__}, not a Stream or Table")
        if content.content_type:
            info.content_type = content.content_type
        if info.access is None:
            info.access = content.access
        try:
            yield from self.scan_stream(content.stream, info, content.name, deadline)
        finally:
            content.stream.close()

    # -- used by connectors --------------------------------------------------
    def scan_stream(self, stream: BinaryIO, info: ObjectInfo, name: str, deadline: float | None,
                    depth: int = 0, shared: dict | None = None) -> Iterator[pa.RecordBatch | ItemRecord]:
        """Sniff, extract and detect one object read from `stream`; yields
        findings and records, this object's record last."""
        # Suppressions counted so far belong to the enclosing object (an
        # archive this is a member of): set aside until this one's record.
        outer, self._suppressed = self._suppressed, 0
        try:
            yield from self._scan_stream(stream, info, name, deadline, depth, shared)
        finally:
            self._suppressed += outer

    def _scan_stream(self, stream: BinaryIO, info: ObjectInfo, name: str, deadline: float | None,
                     depth: int = 0, shared: dict | None = None) -> Iterator[pa.RecordBatch | ItemRecord]:
        t0 = time.monotonic()
        counter = CountingReader(stream)
        findings = 0
        ctx = ExtractContext(self.settings, depth=depth, deadline=deadline,
                             shared=shared if shared is not None else {})
        try:
            head = counter.read(HEAD)
            ctype = info.content_type or sniff(head, name, self.plugin_types)
            info.content_type = ctype
            blob = Blob(counter, head, name, info.size, ctype)
            # Containers (ZIP, OLE) are told apart by their members.
            ctype = info.content_type = blob.content_type = refine(blob, ctype)
            extractor_cls = registry.for_type(ctype, self.prefer)
            if extractor_cls is None:
                raise ItemSkipped(unsupported_reason(ctype))
            plugin = registry.plugin_of(extractor_cls)
            try:
                for ev in extractor_cls().extract(blob, ctx):
                    ctx.check()
                    if isinstance(ev, Segment):
                        findings += yield from self.detect_segment(ev, info)
                    elif isinstance(ev, Child):
                        yield from self._scan_child(ev, info, deadline, depth + 1, ctx.shared)
            except (ItemSkipped, ItemTimeout):
                raise
            except Exception as exc:  # noqa: BLE001
                if plugin is None:
                    raise
                from scanner import plugins

                raise ItemError(plugins.plugin_failed(plugin, "extractor raised", exc)) from None
            yield from self.flush()
            reason = "; ".join(ctx.notes) or None
            yield self.record(info, SCANNED, reason, findings, counter.count, t0)
        except Exception as exc:  # noqa: BLE001
            log.debug("object failed", exc_info=True)
            yield from self.flush()
            status = SKIPPED if isinstance(exc, ItemSkipped) else ERROR
            reason = one_line(exc)
            if findings:
                reason += f" (after {findings} finding(s))"
            yield self.record(info, status, reason, findings, counter.count, t0)

    # -- detection, findings, records (streams and tables alike) ------------
    def detect(self, seg: Segment) -> list:
        """The detectors' raw results for one segment; a plugin recognizer's
        failure is kept for the record of the object being read."""
        results = self.engine.detect(seg)
        self._engine_state()
        return results

    def _engine_state(self) -> None:
        failed = self.engine.take_failures() if hasattr(self.engine, "take_failures") else ()
        self._suppressed += self.engine.take_suppressed() if hasattr(self.engine, "take_suppressed") else 0
        for f in failed:
            if f not in self._failures:
                self._failures.append(f)

    def detect_segment(self, seg: Segment, info: ObjectInfo):
        """Detect PII in one segment; yields full batches; returns the count."""
        detect_cells = getattr(self.engine, "detect_cells", None)
        if detect_cells is not None and seg.layout is not None:
            results, cells = detect_cells(seg)
            self._engine_state()
            if cells:
                found = self.cell_findings(seg, results, cells, info)
                yield from self.add_findings(found)
                return len(found)
        else:
            results = self.detect(seg)
        if not results:
            return 0
        found = self.to_findings(seg, results, info)
        yield from self.add_findings(found)
        return len(found)

    def cell_findings(self, seg: Segment, results, cells, info: ObjectInfo) -> FindingColumns:
        """`to_findings` for the engine's detect_cells(): the results in
        certified cells come as columns (detectors/tabular.py) and become
        findings without an object per value; the same rows, in the same
        order, as `to_findings` would make of them."""
        text = seg.text
        ents, starts, ends, scores, dets = _merged(results, cells)
        values = [text[s:e] for s, e in zip(starts, ends)]
        masked, hashes = self._masks_and_hashes(ents, values)
        # Every detection is masked in snippets, allow-listed ones too.
        others = list(zip(starts, ends, masked))
        if self.allow is not None:
            keep = [not self.allow.allowed(en, v, h, self.styles.get(en)) for en, v, h in zip(ents, values, hashes)]
            if not all(keep):
                self._suppressed += keep.count(False)
                ents, starts, ends, scores, dets, masked, hashes = (
                    [x for x, k in zip(col, keep) if k] for col in (ents, starts, ends, scores, dets, masked, hashes))
        out = FindingColumns()
        if not hashes:
            return out
        kept = [(None, s, e) for s, e in zip(starts, ends)] if seg.line is not None else ()
        offset = seg.offset
        row_key = seg.row_key or info.row_key
        if type(seg.layout).row_key_at is Layout.row_key_at:
            row_keys = [row_key] * len(hashes)
        else:
            row_keys = [seg.layout.row_key_at(text, s) or row_key for s in starts]
        obj = (info.location, info.part)
        sample = self._sampler.keep_many(obj, ents)
        snippet = privacy.snippet
        contexts = [snippet(text, s, e, m, others) if k else ""
                    for s, e, m, k in zip(starts, ends, masked, sample)]
        out.add(info.source, info.location, join_part(info.part, seg.section) if seg.section else info.part,
                ents, scores, dets, [offset + x for x in starts], [offset + x for x in ends],
                _lines(text, seg.line, kept) if kept else [None] * len(hashes), row_keys, masked, hashes, contexts)
        return out

    def _masks_and_hashes(self, ents: list[str], values: list[str]) -> tuple[list[str], list[str]]:
        """Masked values and value hashes, with one masking and hashing
        function per entity type (privacy.value_hasher: no cache lookup per
        value)."""
        funcs: dict[str, tuple] = {}
        masked, hashes = [], []
        mask, styles, key = privacy.mask, self.styles, self.key
        for en, v in zip(ents, values):
            f = funcs.get(en)
            if f is None:
                style = styles.get(en)
                f = funcs[en] = (style, privacy.value_hasher(en, key, style))
            masked.append(mask(en, v, f[0]))
            hashes.append(f[1](v))
        return masked, hashes

    def add_findings(self, found: FindingColumns):
        """Queue findings; yields a record batch when one is full."""
        self._batch.extend(found)
        if len(self._batch) >= FINDINGS_BATCH:
            yield from self.flush()

    def to_findings(self, seg: Segment, results, info: ObjectInfo,
                    span: tuple[int, int] | None = None) -> FindingColumns:
        """Masked, hashed findings of `results`, minus allow-listed values
        (counted in the next record's `suppressed`), as columns. `span`
        (start, end) of `seg.text` is the one cell of a table all `results`
        lie in: start, end and the context snippet are then the cell's."""
        text = seg.text
        base = span[0] if span is not None else 0
        if span is not None:
            text = text[span[0]:span[1]]
        mask, value_hash, key, allow, styles = privacy.mask, privacy.value_hash, self.key, self.allow, self.styles
        masks = [(r.start - base, r.end - base,
                  mask(r.entity_type, text[r.start - base:r.end - base], styles.get(r.entity_type)))
                 for r in results]
        kept: list[tuple] = []  # (result, start, end, masked, hash)
        for r, (s, e, masked) in zip(results, masks):
            value = text[s:e]
            style = styles.get(r.entity_type)
            vhash = value_hash(r.entity_type, value, key, style)
            if allow is not None and allow.allowed(r.entity_type, value, vhash, style):
                self._suppressed += 1
                continue
            kept.append((r, s, e, masked, vhash))
        out = FindingColumns()
        if kept:
            offset = seg.offset if span is None else 0
            out.add(info.source, info.location, join_part(info.part, seg.section) if seg.section else info.part,
                    [k[0].entity_type for k in kept], [float(k[0].score) for k in kept],
                    [_detector(k[0]) for k in kept], [offset + k[1] for k in kept], [offset + k[2] for k in kept],
                    _lines(text, seg.line, kept), self._row_keys(seg, info, kept), [k[3] for k in kept],
                    [k[4] for k in kept], self._contexts(text, info, kept, masks))
        return out

    def _row_keys(self, seg: Segment, info: ObjectInfo, kept: list[tuple]) -> list[str | None]:
        row_key = seg.row_key or info.row_key
        if seg.layout is None:
            return [row_key] * len(kept)
        at = seg.layout.row_key_at
        return [at(seg.text, k[0].start) or row_key for k in kept]

    def _contexts(self, text: str, info: ObjectInfo, kept: list[tuple], masks: list[tuple]) -> list[str]:
        """Context snippets for a sample of each entity's findings in an object
        (scanner/findings_batch.py); the rest get ''."""
        obj, keep, snippet = (info.location, info.part), self._sampler.keep, privacy.snippet
        return [snippet(text, s, e, masked, masks) if keep(obj, r.entity_type) else ""
                for r, s, e, masked, _ in kept]

    # -- internals -----------------------------------------------------------
    def _scan_child(self, child: Child, parent: ObjectInfo, deadline, depth, shared=None):
        info = ObjectInfo(parent.source, parent.location, join_part(parent.part, child.name),
                          child.size, child.modified_at, child.content_type, child.row_key or parent.row_key,
                          parent.access, parent.changed_at)
        t0 = time.monotonic()
        if child.error or child.skip:
            yield self.record(info, ERROR if child.error else SKIPPED, child.error or child.skip, 0, 0, t0)
            return
        if depth > self.settings.max_depth:
            yield self.record(info, SKIPPED, f"nested deeper than {self.settings.max_depth} levels", 0, 0, t0)
            return
        try:
            stream = child.open()
        except Exception as exc:  # noqa: BLE001
            yield self.record(info, ERROR, one_line(exc), 0, 0, t0)
            return
        try:
            yield from self.scan_stream(stream, info, child.name.rsplit("/", 1)[-1], deadline, depth, shared)
        finally:
            try:
                stream.close()
            except Exception:  # noqa: BLE001
                pass

    def flush(self):
        if len(self._batch):
            yield self._batch.take()

    def record(self, info: ObjectInfo, status, reason, findings, nbytes, t0, rows_scanned=None,
                rows_matched=None) -> ItemRecord:
        suppressed, self._suppressed = self._suppressed, 0
        self._sampler.forget((info.location, info.part))
        if self._failures:
            # A plugin recognizer raised: this item was not fully examined.
            failures, self._failures = self._failures, []
            if status == SCANNED:
                status = ERROR
            reason = "; ".join(([reason] if reason else []) + failures)
        return ItemRecord.of(info, status, reason, findings=findings, bytes_scanned=nbytes,
                             duration_s=round(time.monotonic() - t0, 6), rows_scanned=rows_scanned,
                             rows_matched=rows_matched, suppressed=suppressed)


def _detector(r) -> str:
    meta = r.recognition_metadata or {}
    return str(meta.get("recognizer_name") or meta.get("recognizer_identifier") or "unknown")


def _merged(results, cells) -> tuple[list, list, list, list, list]:
    """The engine's results (in text order) and the cells' (columns, in
    text order) as columns, in the engine's order: (start, end, entity)."""
    ents, starts, ends, scores, dets = cells.entity, cells.start, cells.end, cells.score, cells.detector
    if not results:
        return ents, starts, ends, scores, dets
    from bisect import bisect_left

    out: tuple[list, ...] = ([], [], [], [], [])
    pos = 0
    for r in results:
        i = bisect_left(starts, r.start, pos)
        while i < len(starts) and starts[i] == r.start and (ends[i], ents[i]) < (r.end, r.entity_type):
            i += 1
        for col, src in zip(out, (ents, starts, ends, scores, dets)):
            col.extend(src[pos:i])
        pos = i
        for col, x in zip(out, (r.entity_type, r.start, r.end, float(r.score), _detector(r))):
            col.append(x)
    for col, src in zip(out, (ents, starts, ends, scores, dets)):
        col.extend(src[pos:])
    return out


def _lines(text: str, first: int | None, kept: list[tuple]) -> list[int | None]:
    """The line of each finding (they are in text order), counted on."""
    if first is None:
        return [None] * len(kept)
    out, line, pos = [], first, 0
    for k in kept:
        line += text.count("\n", pos, k[1])
        pos = k[1]
        out.append(line)
    return out


def with_access(rec: ItemRecord, info: ObjectInfo) -> ItemRecord:
    """Every row of an object (its members, attachments, table columns)
    carries the object's access and change time."""
    if (rec.access is None and info.access is not None) or (rec.changed_at is None and info.changed_at is not None):
        return replace(rec, access=rec.access or info.access,
                       changed_at=rec.changed_at if rec.changed_at is not None else info.changed_at)
    return rec


def unsupported_reason(ctype: str) -> str:
    if ctype.startswith("image/"):
        return f"unsupported format ({ctype})"
    if ctype in ("application/octet-stream",) or ctype.startswith(("application/x-executable", "application/x-dosexec")):
        return f"binary file ({ctype})"
    return f"unsupported format ({ctype})"

