"""The detection engine a worker runs on every segment.

It gives the same results as Presidio's AnalyzerEngine with the same
recognizers (tests assert this), but examines only windows of text around
prefilter hits:

1. one Hyperscan pass over the segment finds every trigger of every
   recognizer;
2. each recognizer runs its own regexes and validators only in merged
   windows around its hits, wide enough to hold a whole match and the context
   it scores with; a match touching a window's edge is discarded (it is seen
   whole in another window);
3. context scoring, thresholds and de-duplication are Presidio's own steps:
   each recognizer's `enhance_using_context`, the score threshold, and
   `EntityRecognizer.remove_duplicates` (re-written here without its string
   hash per result: the same results, a test compares them).

Recognizers without triggers (Presidio's predefined ones, plugins that are
plain Presidio recognizers, custom rules Hyperscan cannot compile) run over
the whole segment, so nothing is lost when one is added. A plugin
recognizer that raises is skipped for that segment and reported (once per
process, and on the item's row via `take_failures`), never fatal. Plugin
recognizers get Presidio's context boost approximated without spaCy: a
context word of theirs near a match adds 0.35 (at least 0.4, at most 1).
"""

from __future__ import annotations

from typing import Sequence

from presidio_analyzer import RecognizerResult

from detectors.base import CONTEXT_AFTER, CONTEXT_BEFORE, SUPPRESSED_KEY, PiiRecognizer, SegmentContext, Trigger, \
    context_tokens, context_window, rule_name, _word_alternation
from detectors.catalog import DetectorSettings, build_recognizers
from detectors.gates import merge_spans
from detectors.prefilter import build_prefilter
from detectors.tabular import DELIMITERS, CellPlan, Cells
from scanner.model import Segment

# Characters a match must keep from a window's edge: our patterns look at
# most two characters beyond a match (e.g. "(?![.,]\d)").
EDGE = 4
# Kinds of prefilter owners (DetectionEngine._slots).
OPEN, GATED, GATE = 0, 1, 2


class DetectionEngine:
    def __init__(self, settings: DetectorSettings, recognizers: Sequence | None = None):
        self.settings = settings
        self.entities = list(settings.entities)
        recs = (list(recognizers) if recognizers is not None
                else build_recognizers(self.entities, settings.custom, settings.prefer_plugins))
        self._failures: list[str] = []
        self._suppressed = 0
        self._plugin_ctx: dict[int, tuple] = {}
        for rec in recs:
            if getattr(rec, "_piiscout_plugin", None) is not None and not isinstance(rec, PiiRecognizer):
                extra, deny = (), ()
                for e in rec.supported_entities:
                    if settings.custom:
                        x, d = settings.custom.context_for(e)
                        extra, deny = extra + x, deny + d
                words = sorted({w.lower() for w in list(rec.context or []) + list(extra)}, key=len, reverse=True)
                dwords = sorted({w.lower() for w in deny}, key=len, reverse=True)
                self._plugin_ctx[id(rec)] = (_word_alternation(words), _word_alternation(dwords))
        self.recognizers = recs
        self._fast: list[PiiRecognizer] = []
        self._slow: list = []
        triggers = []
        # A prefilter "owner" is a (recognizer, window radius, kind) triple:
        # value triggers open narrow windows, context words wide ones; a
        # context word of a recognizer with a CONTEXT_GATE opens its window
        # only where the gate lets it (kind GATED: near a value or gate hit
        # of that recognizer, or where a regex matches), and a gate trigger
        # opens none (kind GATE).
        self._slots: list[tuple[int, int, int]] = []
        for rec in recs:
            if isinstance(rec, PiiRecognizer):
                rec.score_floor = settings.min_score
            trig = rec.triggers() if isinstance(rec, PiiRecognizer) else []
            if not trig:
                self._slow.append(rec)
                continue
            index = len(self._fast)
            self._fast.append(rec)
            gated = getattr(rec, "CONTEXT_GATE", None) is not None
            slot_of: dict[tuple[int, int], int] = {}
            radius_of: dict[bool, int] = {}  # by Trigger.context (tens of thousands of medical triggers)
            for t in trig:
                radius = radius_of.get(t.context)
                if radius is None:
                    radius = radius_of[t.context] = rec.trigger_radius(t)
                kind = GATE if t.gate else GATED if t.context and gated else OPEN
                if (radius, kind) not in slot_of:
                    slot_of[radius, kind] = len(self._slots)
                    self._slots.append((index, radius, kind))
                triggers.append((slot_of[radius, kind], t.regex, t.caseless, t.bare))
        # Delimited text: the cell recognizers' value triggers in databases of
        # their own, so certified cells can be blanked for them alone.
        self._cells = CellPlan.build(self._fast, recs) if not self._slow else None
        cell_owners = frozenset()
        if self._cells is not None:
            cell_owners = frozenset(slot for slot, (i, radius, kind) in enumerate(self._slots)
                                    if i in self._cells.indexes and kind == OPEN
                                    and radius == self._fast[i].trigger_radius(Trigger("", context=False)))
        self.prefilter = build_prefilter(triggers, len(self._slots), cell_owners)
        self._ner = None
        if settings.ner_entities:
            from detectors.ner import NerDetector

            self._ner = NerDetector(settings.model, settings.ner_entities)

    # ------------------------------------------------------------------
    def detect(self, seg: Segment, ner_results: list[RecognizerResult] | None = None) -> list[RecognizerResult]:
        """Results in `seg.text` coordinates, for findings starting in the
        segment's core, above the minimum score, de-duplicated. `ner_results`:
        NER's results for this text, if already known."""
        if not seg.text:
            return []
        if self._ner is not None and ner_results is None:
            return self.detect_many([seg])[0]
        if self._ner is None and not ner_results and self._cells_apply(seg):
            results, cells = self.detect_cells(seg)
            return merge_cells(results, cells)
        return self._finish(seg, self._rule_results(seg), ner_results or [])

    def detect_cells(self, seg: Segment) -> tuple[list[RecognizerResult], Cells | None]:
        """Like detect(), with the results in certified cells of delimited
        text (detectors/tabular.py) apart, as columns: (the other results,
        the cells or None). Without NER only."""
        if not seg.text:
            return [], None
        if self._ner is not None or not self._cells_apply(seg):
            return self.detect(seg), None
        delimiter, headers = seg.layout.delimited()
        # A CSV's second table has its own headers (DelimitedLayout.sections).
        sections = seg.layout.sections(seg.text) if hasattr(seg.layout, "sections") else ((0, headers),)
        ctx = SegmentContext(seg.context, seg.layout, seg.text)
        cells = self._cells.cells(seg.text, seg.core or (0, len(seg.text)), delimiter, sections, ctx,
                                  self.settings.min_score)
        if not cells.spans_s:
            return self._finish(seg, self._rule_results(seg), []), None
        return self._finish(seg, self._rule_results(seg, cells), []), cells

    def _cells_apply(self, seg: Segment) -> bool:
        if self._cells is None or seg.layout is None or seg.context:
            return False
        d = seg.layout.delimited()
        return d is not None and d[0] in DELIMITERS and bool(d[1])

    def detect_many(self, segments: Sequence[Segment]) -> list[list[RecognizerResult]]:
        """Like detect() for several segments. NER runs last, batched over
        all of them, and only where the recognizers have not decided: a
        capitalised word inside a name a column said was a name, an address
        or an e-mail address opens no spaCy window."""
        ruled = [self._rule_results(s) if s.text else [] for s in segments]
        if self._ner is None:
            return [self._finish(s, r, []) if s.text else [] for s, r in zip(segments, ruled)]
        decided = [[(r.start, r.end) for r in rs] for rs in ruled]
        ner = self._ner.detect_many([s.text for s in segments], decided)
        return [self._finish(s, r, n) if s.text else [] for s, r, n in zip(segments, ruled, ner)]

    def _rule_results(self, seg: Segment, cells: Cells | None = None) -> list[RecognizerResult]:
        """Every recognizer's results (not NER's), context-scored, at or
        above the minimum score; with `cells`, none of a cell recognizer's
        in a certified cell (the cell's own result stands for it)."""
        text = seg.text
        ctx = SegmentContext(seg.context, seg.layout, text)
        raw: list[tuple[object, list[RecognizerResult]]] = []
        for rec, found in self._scan_fast(text, ctx, cells):
            raw.append((rec, found))
        for rec in self._slow:
            try:
                found = rec.analyze(text=text, entities=self.entities, nlp_artifacts=None)
            except Exception as exc:  # noqa: BLE001 - a plugin must not take the scan down
                self._failed(rec, exc)
                continue
            if found:
                for r in found:
                    meta = r.recognition_metadata or {}
                    meta.setdefault(RecognizerResult.RECOGNIZER_NAME_KEY, rec.name)
                    meta.setdefault(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY, rec.id)
                    r.recognition_metadata = meta
                raw.append((rec, found))
        results: list[RecognizerResult] = []
        everything = [r for _, found in raw for r in found] if len(raw) > 1 else (raw[0][1] if raw else [])
        for rec, found in raw:
            others = []
            if _uses_others(rec) and len(raw) > 1:
                mine = {id(r) for r in found}
                others = [r for r in everything if id(r) not in mine]
            if id(rec) in self._plugin_ctx:
                results.extend(self._plugin_context(rec, text, found, ctx))
                continue
            try:
                results.extend(rec.enhance_using_context(text, found, others, None, ctx))
            except Exception as exc:  # noqa: BLE001
                self._failed(rec, exc)
        min_score = self.settings.min_score
        return [r for r in results if r.score >= min_score]

    def _finish(self, seg: Segment, results: list[RecognizerResult], ner: list[RecognizerResult]):
        min_score = self.settings.min_score
        results = remove_duplicates(results + [r for r in ner if r.score >= min_score])
        if seg.core is not None:
            lo, hi = seg.core
            results = [r for r in results if lo <= r.start < hi]
        results.sort(key=lambda r: (r.start, r.end, r.entity_type))
        return self._unsuppressed(results)

    def _unsuppressed(self, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """Drop (and count) results of public harmless values, such as
        published test card numbers (detectors.base.SUPPRESSED_KEY)."""
        if self.settings.report_test_cards or not any(
                r.recognition_metadata and r.recognition_metadata.get(SUPPRESSED_KEY) for r in results):
            return results
        kept = [r for r in results if not (r.recognition_metadata or {}).get(SUPPRESSED_KEY)]
        self._suppressed += len(results) - len(kept)
        return kept

    def take_suppressed(self) -> int:
        """Results suppressed since the last call (the pipeline adds them to
        the item's `suppressed` count, like allow-listed values)."""
        n, self._suppressed = self._suppressed, 0
        return n

    # ------------------------------------------------------------------
    def take_failures(self) -> list[str]:
        """One-line reasons for plugin recognizers that raised since the last
        call (the pipeline records them on the item)."""
        out, self._failures = self._failures, []
        return out

    def _failed(self, rec, exc: BaseException) -> None:
        from scanner import plugins

        reason = plugins.plugin_failed(getattr(rec, "_piiscout_plugin", None), f"recognizer {rec.name} raised", exc)
        if reason not in self._failures:
            self._failures.append(reason)

    def _plugin_context(self, rec, text: str, found, ctx: SegmentContext):
        """Presidio's context boost, without spaCy: a context word near the
        match (on its line, or in the segment's external context) adds 0.35,
        to at least 0.4; a deny word ([context.ENTITY] deny) caps it at 0.2."""
        words_rx, deny_rx = self._plugin_ctx[id(rec)]
        out = []
        for r in found:
            meta = r.recognition_metadata or {}
            if meta.get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY):
                out.append(r)
                continue
            window = context_window(text, r.start, r.end, CONTEXT_BEFORE, CONTEXT_AFTER)
            if words_rx is not None:
                near = words_rx.search(window)
                if not near:
                    ext = ctx.words_at(r.start)
                    near = bool(ext) and words_rx.search(context_tokens(ext))
                if near:
                    r.score = round(min(1.0, max(r.score + 0.35, 0.4)), 4)
            if deny_rx is not None and deny_rx.search(window):
                r.score = min(r.score, 0.2)
            meta[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
            r.recognition_metadata = meta
            out.append(r)
        return out

    def _arm_bare(self, ctx: SegmentContext) -> frozenset[int]:
        words = tuple(ctx)
        if ctx.layout is not None:
            words += tuple(ctx.layout.vocabulary())
        if not words:
            return frozenset()
        armed = {i for i, rec in enumerate(self._fast) if rec.context_matches(words)}
        return frozenset(slot for slot, (i, _, _) in enumerate(self._slots) if i in armed)

    def _scan_fast(self, text: str, ctx: SegmentContext, cells: Cells | None = None):
        n = len(text)
        hits = self.prefilter.scan(text, self._arm_bare(ctx), cells.blanked(text) if cells is not None else None)
        in_cells = self._cells.indexes if cells is not None else ()
        if hits is None:  # no prefilter: every recognizer, whole text
            for index, rec in enumerate(self._fast):
                found = rec.analyze_range(text, 0, n, self.entities)
                if found and index in in_cells:
                    found = [r for r in found if not cells.covers(r.start)]
                if found:
                    yield rec, found
            return
        if not hits:
            return
        windows = self._windows(hits, text)
        # In recognizer order (not that of the first hit): the same order
        # whichever database a hit came from.
        for index in sorted(windows):
            spans = windows[index]
            rec = self._fast[index]
            found: list[RecognizerResult] = []
            # Column recognizers (recognizers/columns.py) read only the cells
            # of the columns their header names: they need the layout.
            extra = {"context": ctx} if getattr(rec, "USES_LAYOUT", False) else {}
            try:
                for lo, hi in merge_spans(spans):
                    for res in rec.analyze_range(text, lo, hi, self.entities, **extra):
                        if (lo == 0 or res.start >= lo + EDGE) and (hi == n or res.end + EDGE <= hi):
                            found.append(res)
            except Exception as exc:  # noqa: BLE001 - a plugin's own PiiRecognizer
                if getattr(rec, "_piiscout_plugin", None) is None:
                    raise
                self._failed(rec, exc)
                continue
            if found and index in in_cells:
                found = [r for r in found if not cells.covers(r.start)]
            if found:
                yield rec, _unique(found)

    def _windows(self, hits: list[tuple[int, int]], text: str) -> dict[int, list[tuple[int, int]]]:
        """The windows each recognizer examines, by recognizer index: one
        around each hit; a GATED hit's only if a value or gate hit of the
        its CONTEXT_GATE keeps (detectors/gates.py)."""
        n = len(text)
        windows: dict[int, list[tuple[int, int]]] = {}
        gated: dict[int, list[tuple[int, int]]] = {}
        near: dict[int, list[int]] = {}  # value and gate hit ends
        slots = self._slots
        for owner, end in hits:
            index, r, kind = slots[owner]
            if kind == OPEN:
                windows.setdefault(index, []).append((max(0, end - r), min(n, end + r)))
                near.setdefault(index, []).append(end)
            elif kind == GATE:
                near.setdefault(index, []).append(end)
            else:
                gated.setdefault(index, []).append((max(0, end - r), min(n, end + r)))
        for index, spans in gated.items():
            ends = near.get(index, [])
            ends.sort()
            kept = self._fast[index].CONTEXT_GATE.keep(text, spans, ends)
            if kept:
                windows.setdefault(index, []).extend(kept)
        return windows


def _uses_others(rec) -> bool:
    """Does this recognizer's context scoring look at the other recognizers'
    results? Ours do not, unless they override it (medical terms): building
    that list for each of them cost more than scoring on a dense export."""
    return type(rec).enhance_using_context is not PiiRecognizer.enhance_using_context


def remove_duplicates(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """`EntityRecognizer.remove_duplicates`, the same results without its
    string hash per result: equal results (type, span, score) count once (the
    first), zero scores go, and a result inside another of its type with at
    least its score goes. The order is left to the caller."""
    unique: dict[tuple, RecognizerResult] = {}
    for r in results:
        unique.setdefault((r.entity_type, r.start, r.end, r.score), r)
    ordered = sorted(unique.values(), key=lambda x: (str(x.entity_type), x.start, -(x.end - x.start), -x.score))
    kept: list[RecognizerResult] = []
    active: list[RecognizerResult] = []
    entity = None
    for r in ordered:
        if r.entity_type != entity:
            entity, active = r.entity_type, []
        if r.score == 0:
            continue
        active = [a for a in active if a.end >= r.start]
        if any(r.start >= a.start and r.end <= a.end and r.score <= a.score for a in active):
            continue
        kept.append(r)
        active.append(r)
    return kept


def _unique(found: list[RecognizerResult]) -> list[RecognizerResult]:
    seen, out = set(), []
    for r in found:
        key = (r.start, r.end, rule_name(r))
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def merge_cells(results: list[RecognizerResult], cells: Cells | None) -> list[RecognizerResult]:
    """detect_cells()'s two parts as one list of results, in text order."""
    if not cells:
        return results
    made = [RecognizerResult(entity_type=e, start=s, end=x, score=sc, analysis_explanation=None,
                             recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: d,
                                                   RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True})
            for e, s, x, sc, d in zip(cells.entity, cells.start, cells.end, cells.score, cells.detector)]
    out = results + made
    out.sort(key=lambda r: (r.start, r.end, r.entity_type))
    return out
