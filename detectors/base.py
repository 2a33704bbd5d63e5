"""The base of piiscout's own recognizers.

A recognizer is data: an entity type, regex patterns with base scores,
context words, and an optional validator. It is a real Presidio
`EntityRecognizer`, so Presidio's `AnalyzerEngine` can run it (the "full
path" the tests compare against), and it adds three things the fast engine
needs:

* `analyze_range(text, lo, hi)`: the same matching restricted to a window,
  so only small windows around prefilter hits are examined.
* `triggers`: prefilter patterns that over-approximate every match (or, for
  entities that need context, the context words themselves), compiled once
  per worker into one Hyperscan database.
* Deterministic, character-based context scoring in `enhance_using_context`,
  including context that is not in the text (a CSV header, a SQL column
  name). Results are flagged as context-enhanced so Presidio's lemma-based
  enhancer leaves them alone: both paths then score identically.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from typing import ClassVar, Iterable, Iterator, Sequence

from presidio_analyzer import EntityRecognizer, RecognizerResult

from detectors.gates import ContextGate

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy: imported only where NER runs
    from presidio_analyzer.nlp_engine import NlpArtifacts

from scanner.model import Layout

# How far around a match context words are looked for, in characters.
CONTEXT_BEFORE = 80
CONTEXT_AFTER = 40


@dataclass(frozen=True)
class Rule:
    r"""One regex of a recognizer.

    `score` applies when no context word is near; `context_score` when one
    is. A rule with score 0 reports only with context (bare 9-digit SSNs).
    `group` selects the capturing group that is the value (0: whole match).

    Write a leading look-behind after the value's first character, not
    before it (`(\d(?<![\w-]\d)\d{8})`, not `(?<![\w-])(\d{9})`): `re`
    then skips straight to candidate first characters instead of trying the
    look-behind at every position, 2-4x faster on the same windows.
    """

    name: str
    regex: str
    score: float
    context_score: float
    flags: int = 0
    group: int = 0
    # A literal every match holds, its first occurrence at most
    # `anchor_reach` characters after the match's start (the "@" of an
    # e-mail address): the regex then runs only from just before each
    # occurrence, not over the whole window, with the same matches
    # (`anchored_finditer`). No letters in it: it is found case-sensitively.
    anchor: str = ""
    anchor_reach: int = 0


@dataclass(frozen=True)
class Trigger:
    """A prefilter pattern (Hyperscan/RE2 syntax: no lookarounds, no
    backreferences). `bare` triggers are only armed when the segment carries
    external context (a header) that names this recognizer's entity; they
    stand for matches that count only with context. `context` triggers are
    context words: the value they wake up may lie anywhere within context
    distance, so their windows are wider than those of value triggers, which
    match inside the value itself. `gate` triggers open no window (see
    PiiRecognizer.CONTEXT_GATE)."""

    regex: str
    caseless: bool = False
    bare: bool = False
    context: bool = False
    # A gate opens no window: it marks where a value of a recognizer with a
    # NearHit CONTEXT_GATE could be, so that its context-word windows open only there.
    gate: bool = False


class SegmentContext(list):
    """Context passed to `analyze(context=...)`: a list of words (what Presidio
    expects) that also knows the segment's layout, so per-position context
    such as the column header of a CSV cell reaches our recognizers."""

    def __init__(self, words: Iterable[str] = (), layout: Layout | None = None, text: str = ""):
        super().__init__(words)
        self.layout = layout
        self.text = text

    def words_at(self, pos: int) -> tuple[str, ...]:
        if self.layout is None:
            return tuple(self)
        return tuple(self) + tuple(self.layout.context_at(self.text, pos))


# A result whose metadata holds this key is a real match of a value that is
# public and harmless (a published test card number): the pipeline counts it
# as suppressed instead of writing a finding (the value says why).
SUPPRESSED_KEY = "piiscout_suppressed"

# The name of the rule (`Rule.name`) that produced a result.
RULE_NAME_KEY = "piiscout_rule_name"


def rule_name(result: RecognizerResult) -> str | None:
    """The name of the piiscout rule that produced `result` (None for a
    result that is not of one: another library's recognizer)."""
    return (result.recognition_metadata or {}).get(RULE_NAME_KEY)

# Letters of any script stay ("fødselsnummer", "contraseña"), so that context
# words spelled with them match a header.
_SPLIT = re.compile(r"[\W_]+")


def context_tokens(words: Iterable[str]) -> str:
    """Header or key names as one space-separated, lower-case string padded
    with spaces: 'Customer_SSN' -> ' customer ssn '. Camel case is split too."""
    words = tuple(words)
    try:
        return _cached_tokens(words)
    except TypeError:  # unhashable words
        return _tokens(words)


def _tokens(words: tuple) -> str:
    parts = []
    for w in words:
        w = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(w))
        # '#' is "number" in a header ("SS#", "Card #"): a word of its own.
        parts.append(_SPLIT.sub(" ", w.lower().replace("#", " no ")).strip())
    return " " + " ".join(p for p in parts if p) + " "


# Cached: every cell of a CSV column asks for its header's tokens.
_cached_tokens = lru_cache(maxsize=4096)(_tokens)


class PiiRecognizer(EntityRecognizer):
    """Base class: subclasses set ENTITY, RULES, CONTEXT and may override
    `validate` (True: keep; False: drop) and `adjust` (score tweaks)."""

    ENTITY: ClassVar[str]
    RULES: ClassVar[Sequence[Rule]]
    CONTEXT: ClassVar[Sequence[str]] = ()
    # Words that, near a match, mean it is something else (e.g. "version").
    NEGATIVE_CONTEXT: ClassVar[Sequence[str]] = ()
    TRIGGERS: ClassVar[Sequence[Trigger]] = ()
    # Context words are triggers too when a rule counts only with context
    # (score 0) and no other trigger covers it; set False when TRIGGERS
    # already cover every rule.
    CONTEXT_TRIGGERS: ClassVar[bool] = True
    # Drop a match that has no context of its own when its label (key,
    # header, column) names an identifier, counter, time or size (ID_WORDS).
    ID_LABELS_NEGATIVE: ClassVar[bool] = False
    # Longest match, in characters: bounds the prefilter windows.
    MAX_LEN: ClassVar[int] = 64
    # When set, a context-word window is examined only where the gate lets
    # it (detectors/gates.py): `NearHit(n)`, within n characters of one of
    # this recognizer's value or gate trigger hits; `InWindow(regex)`, where
    # a regex that matches inside every context-only match matches.
    # (Number-dense logs are full of words like `tid=`; without a value
    # near one there is nothing for its window to find.)
    CONTEXT_GATE: ClassVar[ContextGate | None] = None
    CONTEXT_BEFORE: ClassVar[int] = CONTEXT_BEFORE
    CONTEXT_AFTER: ClassVar[int] = CONTEXT_AFTER
    # Masking and hashing (scanner.privacy): how values of this entity are
    # normalised before hashing and shown in masked form.
    NORMALISE: ClassVar[str] = "identifier"
    MASK: ClassVar[str] = "tail"

    #: The lowest score that will be reported (set by the engine from
    #: --min-score). A recognizer may drop candidates that cannot reach it,
    #: as early as its triggers: they would be filtered by the threshold
    #: anyway, so results do not change, only the work done.
    score_floor: float = 0.0

    def __init__(self, name: str | None = None):
        self._compiled = [
            (r, re.compile(r.regex, r.flags)) for r in self.RULES
        ]
        words = sorted({w.lower() for w in self.CONTEXT}, key=len, reverse=True)
        self._context_re = _word_alternation(words)
        self._negative_re = _word_alternation(
            sorted({w.lower() for w in self.NEGATIVE_CONTEXT}, key=len, reverse=True)
        )
        super().__init__(
            supported_entities=[self.ENTITY],
            name=name or type(self).__name__,
            supported_language="en",
            context=list(self.CONTEXT),
        )

    # -- Presidio API ---------------------------------------------------------

    def load(self) -> None:  # compiled in __init__
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return self.analyze_range(text, 0, len(text), entities)

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts | None,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        out = []
        for res in raw_recognizer_results:
            meta = res.recognition_metadata or {}
            rule = self._rule_by_name(meta.get(RULE_NAME_KEY))
            if rule is None:  # not ours (defensive): leave untouched
                out.append(res)
                continue
            score, has_ctx = self.context_score(rule, text, res.start, res.end, context)
            score = self.adjust_rule(rule, text[res.start : res.end], score, has_ctx)
            res.score = round(score, 4)
            meta[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
            res.recognition_metadata = meta
            if res.score > 0:
                out.append(res)
        return out

    def context_score(self, rule: Rule, text: str, start: int, end: int, context) -> tuple[float, bool]:
        """A match's score from its context, before `adjust_rule`, and
        whether context was found. For a cell under a header it depends on
        the header only (detectors/tabular.py asks once per column)."""
        has_ctx = self.has_context(text, start, end, context)
        score = rule.context_score if has_ctx else rule.score
        if score > 0 and self._negative_re is not None and (
            self._near_scoped(self._negative_re, text, start, end, context)
            or self._cell_label_matches(self._negative_re, text, start, context)
        ):
            score = min(score, 0.2)
        if score > 0 and not has_ctx and self.ID_LABELS_NEGATIVE and self._labelled_as_id(text, start, context):
            score = 0.0
        return score, has_ctx

    # -- the fast engine's entry points --------------------------------------

    def analyze_range(
        self, text: str, lo: int, hi: int, entities: Sequence[str] | None = None
    ) -> list[RecognizerResult]:
        if entities is not None and self.ENTITY not in entities:
            return []
        results = []
        for rule, rx in self._compiled:
            matches = anchored_finditer(rx, text, lo, hi, rule.anchor, rule.anchor_reach) if rule.anchor \
                else rx.finditer(text, lo, hi)
            for m in matches:
                span = self.refine_rule(rule, text, *m.span(rule.group))
                if span is None:
                    continue
                results.append(self.result(rule, *span))
        return results

    def result(self, rule: Rule, start: int, end: int, **meta) -> RecognizerResult:
        """A raw result of `rule` (its final score is set by context scoring)."""
        return RecognizerResult(
            entity_type=self.ENTITY,
            start=start,
            end=end,
            score=max(rule.score, rule.context_score),
            analysis_explanation=None,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                RULE_NAME_KEY: rule.name,
                **meta,
            },
        )

    def triggers(self) -> list[Trigger]:
        """Prefilter patterns. Default: the declared TRIGGERS, plus the
        context words for rules that only count with context."""
        trig = list(self.TRIGGERS)
        if self.CONTEXT_TRIGGERS and any(r.score == 0 for r in self.RULES) and self.CONTEXT:
            for w in self.CONTEXT:
                trig.append(Trigger(context_word_regex(w, prefilter=True), caseless=True, context=True))
        return trig

    def window_radius(self) -> int:
        return self.MAX_LEN + self.CONTEXT_BEFORE + self.CONTEXT_AFTER + 8

    def trigger_radius(self, trigger: Trigger) -> int:
        """How far from a hit's end this recognizer's regexes must look (it
        may depend on `trigger.context` only: the engine asks once per
        kind). A
        value trigger matches inside the value (plus a boundary character),
        so the value lies within MAX_LEN of it; a context word may sit a
        whole context distance away. Context itself is scored on the full
        text, not the window, so windows need not hold it."""
        return self.window_radius() if trigger.context else self.MAX_LEN + 8

    # -- hooks ---------------------------------------------------------------

    def validate(self, value: str) -> bool:
        return True

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """Accept, narrow or reject a regex match. Default: `validate` it."""
        return (start, end) if self.validate(text[start:end]) else None

    def refine_rule(self, rule: Rule, text: str, start: int, end: int) -> tuple[int, int] | None:
        """`refine` for a match of one rule (recognizers whose rules need
        different checks override this)."""
        return self.refine(text, start, end)

    def adjust(self, value: str, score: float, has_context: bool) -> float:
        return score

    def adjust_rule(self, rule: Rule, value: str, score: float, has_context: bool) -> float:
        """`adjust` for a match of one rule."""
        return self.adjust(value, score, has_context)

    # -- context -------------------------------------------------------------

    def has_context(self, text: str, start: int, end: int, context: list[str] | None) -> bool:
        if self._context_re is None:
            return False
        if self._near_scoped(self._context_re, text, start, end, context):
            return True
        if context is not None:
            # An empty SegmentContext may still know per-position context.
            words = context.words_at(start) if isinstance(context, SegmentContext) else tuple(context)
            if words and self._context_re.search(context_tokens(words)):
                return True
        return False

    def context_matches(self, words: Sequence[str]) -> bool:
        """Would external context `words` (headers, keys) count for this
        entity? Used to arm bare triggers for a segment."""
        return bool(self._context_re and words and self._context_re.search(context_tokens(words)))

    def _near(self, rx: re.Pattern, text: str, start: int, end: int) -> bool:
        return bool(rx.search(context_window(text, start, end, self.CONTEXT_BEFORE, self.CONTEXT_AFTER)))

    def _near_scoped(self, rx: re.Pattern, text: str, start: int, end: int, context=None) -> bool:
        """Context of a value that has a key of its own (`"key": value`,
        `key=value`) is that key alone: on an NDJSON or logfmt line, the
        `"ssn"` key of one field says nothing about the `order_id` beside
        it. A cell under a column header (CSV, COPY, fixed-width, SQL) has
        that header (the caller checks it), not the other cells of its row.
        Any other value has its line around it (`_near`)."""
        key = value_key(text, start)
        if key is None:
            if isinstance(context, SegmentContext) and context.layout is not None \
                    and context.layout.context_at(text, start):
                return False
            return self._near(rx, text, start, end)
        # The label loses a final full stop ("D.N.I.: ..." -> "D.N.I"): an
        # abbreviation's context word keeps it.
        k = " " + key.lower()
        return bool(rx.search(k + " ") or rx.search(k + ". ") or rx.search(context_tokens((key,))))

    def _cell_label_matches(self, rx: re.Pattern, text: str, start: int, context) -> bool:
        if not isinstance(context, SegmentContext) or context.layout is None:
            return False
        words = context.layout.context_at(text, start)
        return bool(words) and bool(rx.search(context_tokens(words)))

    def _labelled_as_id(self, text: str, start: int, context: list[str] | None) -> bool:
        """Is the value's own label (its key, column header or SQL column)
        the name of an identifier, counter, time or size? A number under
        `order_id`, `seq` or `duration_ms` is that, whatever it looks like."""
        labels = value_labels(text, start, context)
        tokens = context_tokens(labels)
        # "ID" alone says nothing about what kind of id (a national id, an
        # SSN on a form): only a qualified one ("order id", "trace") does.
        if tokens.strip() in ("id", "ids"):
            return False
        return bool(labels) and bool(_ID_LABEL.search(tokens))

    def _rule_by_name(self, name: str | None) -> Rule | None:
        for r in self.RULES:
            if r.name == name:
                return r
        return None


# Names of things that are numbers but never a person's: a value labelled
# with one of these (its JSON/logfmt key, CSV header, SQL column) is not an
# SSN, card or phone number even when its digits fit (issue: counters, ids,
# zero-padded keys and epoch times reported as PII in dense logs).
ID_WORDS = (
    "id", "ids", "uuid", "guid", "gid", "pid", "tid", "ppid", "seq", "seqno", "seq no", "sequence", "counter",
    "count", "cnt", "offset", "index", "idx", "pos", "position", "line", "lineno", "row", "col", "trace",
    "traceid", "span", "spanid", "request", "req", "correlation", "job", "task", "thread", "worker", "build",
    "version", "ver", "rev", "revision", "release", "commit", "sha", "hash", "checksum", "crc", "md5",
    "digest", "key", "cache", "etag", "ts", "time", "timestamp", "epoch", "created", "updated", "modified",
    "duration", "elapsed", "latency", "took", "ms", "us", "ns", "sec", "secs", "seconds", "millis", "bytes",
    "size", "length", "len", "port", "order", "orders", "invoice", "ticket", "tracking", "shipment",
    "parcel", "sku", "upc", "ean", "gtin", "isbn", "issn", "imei", "meid", "iccid", "serial", "batch", "lot",
    "session", "nonce", "object", "oid", "ref", "reference", "amount", "total", "qty", "quantity", "price",
    "zip", "zipcode", "postal", "postcode", "npi", "mrn", "checksum", "frame", "packet", "seqnum", "inode",
)
_ID_LABEL = re.compile("|".join(sorted(
    (r"(?<![a-z0-9])" + re.escape(w).replace(r"\ ", r"[\s_\-]+") + r"(?![a-z0-9])" for w in set(ID_WORDS)),
    key=len, reverse=True)))


def value_key(text: str, start: int) -> str | None:
    """The key or label a value sits under, if it has one of its own:
    `"key": value` (JSON, Python dicts), `key=value` (logfmt, query strings,
    INI) or `Label: value` (forms, records, YAML: the words right before the
    colon, back to a field separator). On a line holding several labelled
    fields, each value's context is its own label, not its neighbours'."""
    i = start
    if i > 0 and text[i - 1] in "\"'":
        i -= 1
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i == 0:
        return None
    c = text[i - 1]
    if c == "=":
        k = i - 1
        if k > 0 and text[k - 1] in "!<>=":  # a comparison, not an assignment
            return None
        m = k
        while m > 0 and k - m <= 64 and (text[m - 1].isalnum() or text[m - 1] in "_.-[]"):
            m -= 1
        return text[m:k] if m < k and k - m <= 64 else None
    if c == ":":
        k = i - 1
        while k > 0 and text[k - 1] in " \t":
            k -= 1
        if k > 0 and text[k - 1] in "\"'":
            q = text.rfind(text[k - 1], max(0, k - 66), k - 1)
            if q >= 0 and "\n" not in text[q:k]:
                return text[q + 1 : k - 1]
            return None
        return _colon_label(text, k)
    if c == ">":
        return _xml_leaf_key(text, i - 1)
    return None


# Tags of HTML and of generic XML containers: they say how text is laid
# out, not what it is (`<td>`, `<value>`), so they are nobody's key.
_MARKUP_TAGS = frozenset("""
a abbr b bdi bdo big blockquote body br button caption center cite code col dd del details dfn div dl dt em
figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header html i ins kbd label li main mark nav ol
option p pre q s samp section select small span strong sub summary sup table tbody td textarea tfoot th
thead title tr tt u ul var article aside c v t w:t text:p text:span cell data entry field item string
text value val row column
""".split())
_XML_TAG = re.compile(r"<([A-Za-z_][\w.:-]{0,40})(?:\s[^<>]{0,200})?$")


def _xml_leaf_key(text: str, gt: int) -> str | None:
    """The element name of `<ssn>value</ssn>` (a SOAP payload in a log, XML
    pasted into a ticket): the value's own key, as a JSON key is. Only a
    leaf element closed right after its text counts, and never an HTML or
    generic container tag."""
    lt = text.rfind("<", max(0, gt - 256), gt)
    if lt < 0 or text[gt - 1] == "/":
        return None
    m = _XML_TAG.match(text, lt, gt)
    if m is None or m.group(1).lower() in _MARKUP_TAGS:
        return None
    name = m.group(1)
    close = text.find("<", gt + 1, gt + 1 + 200)
    if close < 0 or not text.startswith("</" + name, close):
        return None
    return name


_LABEL_CHARS = frozenset(" _#/'’.-&()")
_LABEL_CUTS = (". ", " - ", " – ", " — ")


def _colon_label(text: str, colon: int) -> str | None:
    """The words before a colon at `colon` (exclusive), back to a field
    separator: "Employee SSN" in "Name: Jo Lee - Employee SSN: ..."."""
    j = colon
    while j > 0 and colon - j < 48 and (text[j - 1].isalpha() or text[j - 1] in _LABEL_CHARS):
        j -= 1
    label = text[j:colon]
    for cut in _LABEL_CUTS:
        pos = label.rfind(cut)
        if pos >= 0:
            label = label[pos + len(cut):]
    label = label.replace("(", " ").replace(")", " ").strip(" .-#/&'’")
    if not label or not any(ch.isalpha() for ch in label):
        return None
    words = label.split()
    if len(words) == 1 and words[0].lower() in _ANSWER_MARKERS:
        return _question_before(text, colon - len(words[0])) or label
    return " ".join(words[-5:])


# "A:" in an interview, a deposition or a chat form answers the question
# before it: the question is the answer's label ("Q: And your Social
# Security number?" / "A: 912-34-5678").
_ANSWER_MARKERS = frozenset(("a", "ans", "answer"))


def _question_before(text: str, marker: int) -> str | None:
    """The question an answer marker at `marker` answers: the text before it
    on its line, or the line above, when that ends with a question mark."""
    head = text[max(0, marker - 160):marker]
    nl = head.rfind("\n")
    same = head[nl + 1:].rstrip()
    if same.endswith("?"):
        return same[-80:].strip()
    if nl < 0 or same:
        return None
    prev = head[:nl].rstrip()
    pnl = prev.rfind("\n")
    line = prev[pnl + 1:]
    return line[-80:].strip() if line.endswith("?") else None


_LABEL_ONLY = re.compile(r"^[\s:#=*\-\u2013\u2014|>]*$")


def value_labels(text: str, start: int, context) -> tuple[str, ...]:
    """All the value's own labels: its key (`key: value`), then the
    segment's context words at `start` (a SQL column name, the cell's
    column header)."""
    key = value_key(text, start)
    labels = (key,) if key is not None else ()
    if isinstance(context, SegmentContext):
        return labels + context.words_at(start)
    return labels + tuple(context or ())


def own_label(text: str, start: int, context) -> str | None:
    """The context tokens of the value's own label: its key (`key: value`),
    else its column header; None when it has neither. A recognizer that
    counts a value only under a label naming it asks this."""
    key = value_key(text, start)
    if key is not None:
        return context_tokens((key,))
    if isinstance(context, SegmentContext) and context.layout is not None:
        words = context.layout.context_at(text, start)
        if words:
            return context_tokens(words)
    return None


def anchored_finditer(rx: re.Pattern, text: str, lo: int, hi: int, anchor: str, reach: int) -> Iterator[re.Match]:
    """`rx.finditer(text, lo, hi)` for a regex whose every (non-empty)
    match holds `anchor`, first at most `reach` characters after its start.

    The next match from `pos` holds an occurrence at or after the first one
    from `pos`, `a`, so it starts at or after max(pos, a - reach): searching
    from there finds it (look-behinds still see the text before), and with
    no occurrence left there is none. Only the text near anchors is read."""
    pos = lo
    while pos < hi:
        a = text.find(anchor, pos, hi)
        if a < 0:
            return
        m = rx.search(text, max(pos, a - reach), hi)
        if m is None:
            return
        yield m
        pos = m.end() if m.end() > m.start() else m.end() + 1


def context_window(text: str, start: int, end: int, before: int, after: int) -> str:
    """The text that counts as a match's surroundings, lower-cased.

    Context stays on the match's own line: in a log, the "ssn=" of the line
    above says nothing about an order number on this one. A label alone on
    the line above ("SSN:" then the number) still counts, as does a label
    right after the match on the same line.
    """
    lo = max(0, start - before)
    head = text[lo:start]
    nl = head.rfind("\n")
    if nl >= 0:
        prefix = head[nl + 1 :]
        if _LABEL_ONLY.match(prefix):
            prev = head[:nl].rstrip("\r")
            pnl = prev.rfind("\n")
            head = prev[pnl + 1 :] + " " + prefix
        else:
            head = prefix
    tail = text[end : end + after]
    nl = tail.find("\n")
    if nl >= 0:
        tail = tail[:nl]
    return head.lower() + " \x00 " + tail.lower()


# Letters and digits that make a context word part of a longer word, in
# lower case: ASCII, Latin with diacritics, Greek and Cyrillic ("v" is not a
# word of "Vītols"). Not CJK, whose words are not spaced apart ("電話SSN").
_WORD_CHARS = "a-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u04ff"


def context_word_regex(word: str, prefilter: bool = False) -> str:
    """A context word as a regex (matched against lower-cased text).

    Spaces match any run of blanks, underscores or dashes ("social_security",
    "Social-Security"); a letter or digit must not touch the word on either
    side, but an underscore may ("customer_ssn="). The prefilter form has no
    lookarounds (Hyperscan has none) and is a superset of the scorer form.
    """
    w = word.lower().strip()
    body = []
    for c in w:
        if prefilter and not c.isascii() and c.upper() != c and len(c.upper()) == 1:
            # Hyperscan matches UTF-8 bytes: its caseless flag folds ASCII
            # only ("RODNÉ ČÍSLO" must wake "rodné číslo").
            body.append(f"(?:{c}|{c.upper()})")
        elif c.isalnum():
            body.append(c)
        elif c.isspace():
            if not body or body[-1] != r"[\s_\-]+":
                body.append(r"[\s_\-]+")
        else:
            body.append("\\" + c)
    rx = "".join(body)
    if prefilter:
        # Hyperscan has no lookbehind: consume the neighbouring character.
        if w[:1].isalnum():
            rx = r"(?:^|[^a-z0-9])" + rx
        if w[-1:].isalnum():
            rx = rx + r"(?:[^a-z0-9]|$)"
        return rx
    if w[:1].isalnum():
        # The look-behind goes after the first character, not before it: a
        # pattern that starts with a literal lets `re` skip ahead to where
        # that character occurs, and an alternation of such words searches
        # ~15x faster than one whose every branch starts with a look-behind.
        rx = rx[0] + r"(?<![" + _WORD_CHARS + "]." + ")" + rx[1:]
    if w[-1:].isalnum():
        # Nor the prefix of an identifier ("DL-T34615-15" is not "DL").
        rx = rx + r"(?![" + _WORD_CHARS + r"]|-[a-z]{0,2}\d)"
    return rx


def _word_alternation(words: Sequence[str]) -> re.Pattern | None:
    if not words:
        return None
    return re.compile("|".join(context_word_regex(w) for w in words))
