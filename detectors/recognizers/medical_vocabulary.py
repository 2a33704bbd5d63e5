"""The medical vocabulary and its matcher, shared by the condition, medication
and procedure recognizers.

The vocabulary ships as data (detectors/data/medical_terms.tsv.gz, built by
scripts/build_medical_vocab.py from ICD-10-CM, ICD-10-PCS, MeSH and a drug
dictionary; sources and licences in detectors/data/README.md). Each term is
*strong* (medical and nothing else: "metformin", "type 2 diabetes") or
*weak* (medical only sometimes: "cold", "stroke", "depression"), and names the
word the prefilter looks for (its *anchor*: the term's rarest word).

Matching works on words, not characters: a term matches a run of words
separated by spaces, at most one line break, and at most one hyphen or
apostrophe ("Type 2\\ndiabetes", "non-Hodgkin", "Crohn's"), in any casing, with
a plural ending on its last word ("migraines", "biopsies"). Word boundaries
come free, so "cold" is never found in "scolding".
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from itertools import accumulate

MEDICAL_CONDITION = "MEDICAL_CONDITION"
MEDICATION = "MEDICATION"
MEDICAL_PROCEDURE = "MEDICAL_PROCEDURE"
VOCABULARY_ENTITIES = (MEDICAL_CONDITION, MEDICATION, MEDICAL_PROCEDURE)
_ENTITY = {"condition": MEDICAL_CONDITION, "medication": MEDICATION, "procedure": MEDICAL_PROCEDURE}

TERMS_RESOURCE = "medical_terms.tsv.gz"
CODES_RESOURCE = "icd10cm_codes.tsv.gz"

# Same tokenizer as the build script: runs of letters and digits.
TOKEN = re.compile(r"[^\W_]+")
_WORDS = re.compile(r"([^\W_]+)")
_JOINERS = frozenset("-\u2010\u2011'\u2019")
# Longest gap between two words of one term: a line break plus indentation.
_MAX_GAP = 24
# Longest match, in characters (terms are at most 60; gaps add a little). A
# strict bound: the fast engine sizes its windows by it.
MAX_SPAN = 72


@dataclass(frozen=True)
class TermMatch:
    start: int
    end: int
    entity: str
    weak: bool


class Vocabulary:
    #: identifies the data and code this vocabulary was built from (for caches)
    cache_key: str = ""

    @classmethod
    def from_state(cls, state: dict) -> "Vocabulary":
        v = cls.__new__(cls)
        v.__dict__.update(state)
        v._last = None
        v._seen = None
        return v

    def state(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("_last", "_seen")}

    def __init__(self, rows):
        # term -> (entity, weak, source): tuples, not objects, so that loading
        # 60,000+ terms in each worker stays fast.
        self.terms: dict[str, tuple[str, bool, str]] = {}
        self.prefixes: set[str] = set()  # proper word-prefixes of multi-word terms
        self.anchors: dict[str, dict[str, bool]] = {e: {} for e in VOCABULARY_ENTITIES}
        # Anchors that are the last word of a term they anchor: elsewhere
        # the anchor is always followed by the gap to the term's next word,
        # and its trigger can say so (`conn=3` in a log is no "Conn syndrome").
        self.closing: dict[str, set[str]] = {e: set() for e in VOCABULARY_ENTITIES}
        terms, prefixes, anchors = self.terms, self.prefixes, self.anchors
        for term, entity, tier, anchor, source in rows:
            ent = _ENTITY[entity]
            weak = tier == "weak"
            terms[term] = (ent, weak, source)
            words = term.split(" ")
            if words[-1] == anchor or anchor not in words:
                self.closing[ent].add(anchor)
            cut = term.rfind(" ")
            while cut > 0:
                prefixes.add(term[:cut])
                cut = term.rfind(" ", 0, cut)
            # An anchor is armed unconditionally if any strong term needs it.
            a = anchors[ent]
            a[anchor] = a.get(anchor, True) and weak
        self.max_chars = max(map(len, terms), default=0)
        self._last: tuple[str, list[TermMatch]] | None = None
        self._seen: _Windows | None = None
        self.first_words = {t.partition(" ")[0] for t in terms}
        # Single-word terms in the plural, for a quick test of every word.
        self.candidates = self.first_words | {
            p for t in terms if " " not in t for p in _plurals(t)
        }

    def size(self, entity: str) -> tuple[int, int]:
        """(strong, weak) term counts of one entity."""
        strong = weak = 0
        for ent, weak_term, _ in self.terms.values():
            if ent == entity:
                weak += weak_term
                strong += not weak_term
        return strong, weak

    def sources(self, entity: str) -> list[str]:
        return sorted({src for ent, _, src in self.terms.values() if ent == entity})

    # ------------------------------------------------------------------
    def find(self, text: str, lo: int = 0, hi: int | None = None, entity: str | None = None) -> list[TermMatch]:
        """Every vocabulary term in text[lo:hi] (of one entity, if given),
        including terms inside longer terms; callers resolve overlaps.

        A word cut by the window's edge may give a match touching the edge
        that the whole text would not; the engine discards matches at window
        edges, so that is harmless. A window covering much of the text is
        served from the whole text's matches, computed once and shared by the
        three vocabulary recognizers (they look at the same segment in turn).
        A smaller window is scanned for every entity at once and kept while
        the text is the same: the three recognizers open the same windows
        around the clinical context words they share, and a later window
        inside a kept one is served from it. Served matches are those wholly
        inside the window; a direct scan could add only edge matches (a cut
        word), which the engine discards.
        """
        hi = len(text) if hi is None else hi
        if hi - lo >= len(text) // 4:
            cached = self._last
            if cached is None or cached[0] is not text:
                cached = self._last = (text, self._scan(text, 0, len(text), None))
            return _within(cached[1], lo, hi, entity)
        seen = self._seen
        if seen is None or seen.text is not text:
            seen = self._seen = _Windows(text)
        found = seen.covering(lo, hi)
        if found is None:
            found = self._scan(text, lo, hi, None)
            seen.add(lo, hi, found)
        return _within(found, lo, hi, entity)

    def _scan(self, text: str, lo: int, hi: int, entity: str | None) -> list[TermMatch]:
        window = text[lo:hi]
        low = window.lower()
        if len(low) != len(window):  # rare letters whose lower case is longer: keep offsets
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in window)
        # [gap, word, gap, word, ..., gap], split in C; word k sits at parts[2k+1].
        parts = _WORDS.split(low)
        cands = self.candidates
        hits = [k for k in range(1, len(parts), 2) if parts[k] in cands]
        if not hits:
            return []
        offsets = list(accumulate(map(len, parts), initial=lo))
        terms, prefixes = self.terms, self.prefixes
        out: list[TermMatch] = []
        last = len(parts) - 2
        for k in hits:
            start = offsets[k]
            if not text[start : offsets[k + 1]].isascii():
                continue  # the vocabulary is ASCII, and so is Hyperscan's caseless
            key, j = parts[k], k
            while True:
                hit = terms.get(key)
                if hit is None and len(parts[j]) > 4 and key[-1] == "s":
                    base = key[: len(key) - len(parts[j])]
                    for sing in _singulars(parts[j]):
                        hit = terms.get(base + sing)
                        if hit is not None:
                            break
                if hit is not None and (entity is None or hit[0] == entity) and offsets[j + 1] - start <= MAX_SPAN:
                    out.append(TermMatch(start, offsets[j + 1], hit[0], hit[1]))
                if j >= last or key not in prefixes or offsets[j + 3] - start > MAX_SPAN:
                    break
                if not _joinable(parts[j + 1]) or not text[offsets[j + 2] : offsets[j + 3]].isascii():
                    break
                j += 2
                key = key + " " + parts[j]
        return out

def _within(found: list[TermMatch], lo: int, hi: int, entity: str | None) -> list[TermMatch]:
    return [m for m in found if m.start >= lo and m.end <= hi and (entity is None or m.entity == entity)]


class _Windows:
    """The windows of one text scanned so far, and their matches (all
    entities), for serving windows that lie inside them."""

    __slots__ = ("text", "_spans")

    def __init__(self, text: str):
        self.text = text
        self._spans: list[tuple[int, int, list[TermMatch]]] = []

    def covering(self, lo: int, hi: int) -> list[TermMatch] | None:
        import bisect

        i = bisect.bisect_right(self._spans, (lo, float("inf"))) - 1
        # Sorted by start: look at the few nearest before `lo` (three
        # recognizers' windows; each one's own do not overlap). A window
        # missed here is scanned again: slower, never different.
        for j in range(i, max(-1, i - 4), -1):
            slo, shi, found = self._spans[j]
            if slo <= lo and hi <= shi:
                return found
        return None

    def add(self, lo: int, hi: int, found: list[TermMatch]) -> None:
        import bisect

        bisect.insort(self._spans, (lo, hi, found), key=lambda s: (s[0], s[1]))


def _singulars(word: str) -> tuple[str, ...]:
    if word.endswith("ies"):
        return (word[:-3] + "y", word[:-1])
    if word.endswith("ses") or word.endswith("xes") or word.endswith("ches") or word.endswith("shes"):
        return (word[:-2], word[:-1])
    if word.endswith("ss") or word.endswith("us") or word.endswith("is"):
        return ()
    return (word[:-1],)


def _plurals(term: str) -> tuple[str, ...]:
    if len(term) < 4:
        return ()
    if term.endswith("y"):
        return (term + "s", term[:-1] + "ies")
    return (term + "s", term + "es")


def _joinable(gap: str) -> bool:
    """May two words with `gap` between them belong to one term?"""
    if not gap or len(gap) > _MAX_GAP:
        return False
    if gap == " ":
        return True
    newlines = gap.count("\n")
    if newlines > 1 or ("\t" in gap and not newlines):
        return False  # a paragraph break, or a tab between table cells
    rest = gap.strip(" \t\r\n\u00a0")
    return not rest or (len(rest) == 1 and rest in _JOINERS)


def _read(name: str) -> list[list[str]]:
    return _rows(files("detectors.data").joinpath(name).read_bytes())


def _rows(blob: bytes) -> list[list[str]]:
    lines = gzip.decompress(blob).decode("utf-8").splitlines()
    return [ln.split("\t") for ln in lines[1:] if ln]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The vocabulary, parsed once and then loaded from piiscout's cache:
    building it from the shipped data takes ~0.7 s per worker, loading the
    parsed form ~0.15 s."""
    import hashlib
    import sys

    from scanner.cachedir import marshalled, source_stamp

    blob = files("detectors.data").joinpath(TERMS_RESOURCE).read_bytes()
    key = hashlib.sha256(blob).hexdigest() + source_stamp(sys.modules[__name__])
    state = marshalled("medical-vocabulary", key, lambda: Vocabulary(_rows(blob)).state())
    v = Vocabulary.from_state(state)
    v.cache_key = key
    return v


@lru_cache(maxsize=1)
def icd10_codes() -> frozenset[str]:
    """ICD-10-CM codes (chapters A-U and Z), with their dots: 'E11.9'."""
    return frozenset(r[0] for r in _read(CODES_RESOURCE))
