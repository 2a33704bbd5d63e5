"""The base of the vocabulary recognizers: medical conditions, medications and
procedures.

A term of the vocabulary (see medical_vocabulary.py) is reported

* at 0.6 alone and 0.85 with clinical context when it is *strong* (medical
  and nothing else: "metformin", "type 2 diabetes", "appendectomy");
* only with clinical context (0.7) when it is *ambiguous* ("cold",
  "stroke", "depression", "heart attack"): "the market entered a
  depression" and "a stroke of luck" are not health information.

Clinical context is any of: a clinical word or phrase near the term on its
line ("the patient", "diagnosed", "history of", "h/o", "prescribed") or a
dose ("20 mg"); a label alone on the line above counts too; a column header
or field name such as `diagnosis`, `reason` or `medication` (Segment.context
/ the CSV layout); or a strong term of the same kind within a short distance
("Hypertension, depression, gout" in a problem list). Ambiguous words in
their everyday idioms ("cold storage", "stroke of luck") never count.

A term inside a longer term ("diabetes" in "type 2 diabetes mellitus",
"heparin" in "heparin-induced thrombocytopenia") is not reported on its own.

For the fast engine, the prefilter looks for each term's rarest word
(its anchor); anchors of ambiguous terms are armed only where a header names
a clinical field, and the clinical words themselves are triggers too, so that
every term that can score is inside a window.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import ClassVar, Sequence

from presidio_analyzer import RecognizerResult

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy: imported only where NER runs
    from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.base import (
    RULE_NAME_KEY,
    PiiRecognizer,
    Rule,
    SegmentContext,
    Trigger,
    context_tokens,
    context_window,
    context_word_regex,
    rule_name,
)
from detectors.gates import NearHit
from detectors.recognizers.medical_vocabulary import MAX_SPAN, TOKEN, VOCABULARY_ENTITIES, vocabulary

STRONG_RULE = "medical_term"
WEAK_RULE = "ambiguous_medical_term"

# Clinical words near a term in the text. Words that IT, finance and HR
# text use just as often are left out on purpose, though a clinic uses them
# too: "medical" (medical plan), "doctor" (doctor's note), "dr", "daily"
# (daily backups), "pt", "po" (purchase order), "rx"/"tx" (network
# counters), "ml", "a/p" (accounts payable), "labs", "tablet", "referral"
# (referral bonus), "admitted", "discharged", "suffered", "diagnostic"
# (diagnostic logs), "assessment", "condition" (race condition), "health"
# (health check), "treatment", "symptom", "impression", "screening", "pain".
CLINICAL_CONTEXT = (
    # "patient" alone is also an adjective ("a patient approach"): the noun in
    # the phrases a record uses.
    "the patient", "this patient", "our patient", "your patient", "patient name", "patient id",
    "patient's", "patient reports", "patient presents", "patient denies", "patient was", "patient is", "patient has",
    "patient had", "patient with", "patients with", "mrn", "dx", "ddx", "hx", "pmh", "pmhx", "psh", "hpi", "h/o", "s/p",
    "diagnosis", "diagnoses", "diagnosed", "history of", "medical history", "family history",
    "past medical", "chief complaint", "complains of", "complaining of", "presents with", "presented with",
    "presenting with", "suffers from", "suffering from", "treated for", "treatment for", "prescribed",
    "prescription", "prescriptions", "medication", "medications", "meds", "dosage",
    "once daily", "twice daily", "three times daily", "bid", "tid", "qid", "prn", "qhs", "q4h", "q6h",
    "clinician", "physician", "nurse", "surgeon", "icu", "er visit", "emergency department",
    "allergic to", "allergies", "prognosis", "symptomatic", "asymptomatic", "ekg", "ecg", "vitals",
    "blood pressure", "post-op", "postoperative", "preoperative", "surgical", "pharmacy", "pharmacist",
    "icd", "icd-10", "mri", "ct scan", "x-ray", "vaccinated", "hospitalized", "hospitalised",
    "outpatient", "inpatient", "rule out", "r/o", "negative for", "positive for", "denies", "clinical",
)

# A dose ("500 mg", "10mg", "2 units") is clinical context; "mg" alone is not.
_DOSE = re.compile(r"\d\s?(?:mg|mcg|ml|units?|tabs?)(?:[^a-z]|$)")

# Ambiguous words in their everyday idioms: never medical, whatever is near.
# (word -> words that may follow it; word -> words that may precede it)
IDIOM_AFTER = {
    "cold": {"start", "starts", "storage", "call", "calls", "calling", "feet", "war", "front", "wallet", "boot",
             "case", "email", "emails", "outreach", "snap", "spell", "brew", "shoulder", "turkey", "cash", "standby",
             "site", "aisle", "chain", "room", "water", "weather", "air", "data", "tier"},
    "stroke": {"of"},
    "strokes": {"of"},
    "virus": {"scan", "scans", "scanner", "scanning", "definitions", "definition", "protection", "signature",
              "signatures", "checker", "removal", "alert"},
    "fever": {"pitch", "dream"},
    "depression": {"era"},
    "shock": {"absorber", "absorbers", "wave", "waves", "value"},
    "headache": {"for"},
    "fracture": {"toughness", "mechanics"},
    "discharge": {"rate", "time", "cycle", "current", "capacity", "point", "pipe", "permit"},
    "lithium": {"battery", "batteries", "ion", "polymer", "cell", "cells"},
    "iron": {"ore", "curtain", "fist", "man", "age", "works"},
    "lead": {"time", "times", "engineer", "developer", "generation", "investor", "architect", "role", "paint",
             "pipe", "acid", "singer", "story"},
}
IDIOM_BEFORE = {
    "depression": {"great", "economic", "market", "tropical", "deep", "new"},
    "stroke": {"brush", "key", "master", "pen", "single", "piston", "back"},
    "strokes": {"brush", "key", "broad", "pen"},
    "virus": {"computer", "email", "macro"},
    "crash": {"market", "stock", "server", "system", "app"},
    "cold": {"ice", "stone", "out", "left"},
    "fever": {"gold", "cabin", "spring", "football", "saturday"},
    "shock": {"culture", "sticker", "price", "future"},
    "plague": {"bubonic"},
}

# Column headers and field names that make a cell clinical (words, matched
# against the header split into words: "Visit_Reason" -> "visit reason").
CLINICAL_HEADERS = (
    "diagnosis", "diagnoses", "dx", "diag", "icd", "icd10", "condition", "conditions", "problem",
    "problems", "reason", "complaint", "chief complaint", "indication", "medication", "medications",
    "meds", "med", "drug", "drugs", "rx", "prescription", "prescriptions", "procedure", "procedures",
    "treatment", "treatments", "allergy", "allergies", "symptom", "symptoms", "medical history",
    "illness", "disease", "disorder", "therapy", "surgery", "clinical", "medical",
)

# Between the two words of a two-word anchor: a superset of what the
# matcher accepts as a gap (whitespace, a line break, one hyphen or
# apostrophe, a no-break space; non-ASCII characters count by their bytes).
_GAP = "[\\s\\-\u2010\u2011'\u2019\u00a0]{1,80}"

# How far (characters) a strong term of the same kind lends context.
NEIGHBOUR_DISTANCE = 160
# No match is longer than this (MedicalTermRecognizer.MAX_LEN, with margin).
_LONGEST = 128


class WordSet:
    """Context words as word sequences ("h/o" -> "h o", "ICD-10" -> "icd
    10"), looked up in sets. Same boundaries as a context-word regex (letters
    and digits), many times faster than one alternation of a hundred words:
    this runs for every term and code found, and clinical text has many."""

    def __init__(self, words: Sequence[str], doses: bool = False):
        self.doses = doses
        phrases = {" ".join(TOKEN.findall(w.lower())) for w in words} - {""}
        self.words = frozenset(p for p in phrases if " " not in p)
        self.phrases = frozenset(p for p in phrases if " " in p)
        self.firsts = frozenset(p.split(" ", 1)[0] for p in self.phrases)
        self.longest = max((p.count(" ") + 1 for p in phrases), default=1)

    def near(self, text: str, start: int, end: int, before: int, after: int) -> bool:
        """Is one of the words in the match's surroundings (base.context_window)?"""
        around = context_window(text, start, end, before, after)
        if self.doses and _DOSE.search(around):
            return True
        head, _, tail = around.partition("\x00")
        for part in (head, tail):
            words = TOKEN.findall(part)
            if not self.words.isdisjoint(words):
                return True
            if self.firsts.isdisjoint(words):
                continue
            for i, w in enumerate(words):
                if w in self.firsts:
                    for n in range(2, self.longest + 1):
                        if " ".join(words[i : i + n]) in self.phrases:
                            return True
        return False


class _VocabularyNote:
    """`piiscout detectors` prints NOTES: the vocabulary's size, read lazily."""

    def __get__(self, obj, owner) -> str:
        return owner.vocabulary_note()


class MedicalTermRecognizer(PiiRecognizer):
    """Vocabulary terms of one entity type (subclasses set ENTITY)."""

    RULES = (
        # The regex is unused: analyze_range matches the vocabulary instead.
        Rule(STRONG_RULE, "", 0.6, 0.85),
        Rule(WEAK_RULE, "", 0.0, 0.7),
    )
    CONTEXT: ClassVar[Sequence[str]] = CLINICAL_CONTEXT
    HEADERS: ClassVar[Sequence[str]] = CLINICAL_HEADERS
    MAX_LEN = MAX_SPAN
    # Every term holds its anchor, whose trigger (a value trigger, or a gate
    # for an ambiguous term's) ends at most a gap's first character past the
    # term: a context word's window can find a term only if such a hit lies
    # within a term's length (plus the engine's edge margin) of it.
    CONTEXT_GATE = NearHit(_LONGEST)
    NORMALISE = "text"
    MASK = "initials"
    NOTES = _VocabularyNote()

    def __init__(self, name: str | None = None):
        super().__init__(name)
        self._compiled = []
        self._vocab = vocabulary()
        words = sorted({w.lower() for w in self.HEADERS}, key=len, reverse=True)
        self._header_re = re.compile("|".join(context_word_regex(w) for w in words))
        self._clinical = WordSet(self.CONTEXT, doses=True)

    @classmethod
    def vocabulary_note(cls) -> str:
        strong, weak = vocabulary().size(cls.ENTITY)
        return (f"{strong + weak:,} terms ({weak:,} only with clinical context) from "
                f"{', '.join(vocabulary().sources(cls.ENTITY))}; score 0.6, 0.85 with context")

    # -- matching --------------------------------------------------------------

    def analyze_range(
        self, text: str, lo: int, hi: int, entities: Sequence[str] | None = None
    ) -> list[RecognizerResult]:
        if entities is not None and self.ENTITY not in entities:
            return []
        results = []
        for m in self._vocab.find(text, lo, hi, self.ENTITY):
            rule = WEAK_RULE if m.weak else STRONG_RULE
            results.append(
                RecognizerResult(
                    entity_type=self.ENTITY,
                    start=m.start,
                    end=m.end,
                    score=0.7 if m.weak else 0.85,  # provisional: context scoring decides
                    analysis_explanation=None,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        RULE_NAME_KEY: rule,
                    },
                )
            )
        return results

    def triggers(self) -> list[Trigger]:
        # Tens of thousands of patterns: built once, then read from the cache.
        import sys

        from scanner.cachedir import marshalled, source_stamp

        key = f"{self.ENTITY}\n{self._vocab.cache_key}\n{source_stamp(sys.modules[__name__])}"
        rows = marshalled("medical-triggers", key,
                          lambda: [(t.regex, t.caseless, t.bare, t.context, t.gate) for t in self._build_triggers()])
        return [Trigger(regex, caseless=c, bare=b, context=x, gate=g) for regex, c, b, x, g in rows]

    def _build_triggers(self) -> list[Trigger]:
        out = []
        closing = self._vocab.closing[self.ENTITY]
        for anchor, weak_only in sorted(self._vocab.anchors[self.ENTITY].items()):
            regex = anchor_regex(anchor, anchor in closing)
            out.append(Trigger(regex, caseless=True, bare=weak_only))
            if weak_only:  # where an ambiguous term could be: a context word near it opens a window
                out.append(Trigger(regex, caseless=True, gate=True))
        # Context words and doses wake the matcher too (ambiguous terms near
        # them count), but only near an anchor (CONTEXT_GATE). Written as a
        # superset of WordSet.near: any non-word characters between the
        # words ("patient's", "h/o", "post-op").
        for phrase in sorted(self._clinical.words | self._clinical.phrases):
            body = "[^a-z0-9]+".join(re.escape(w) for w in phrase.split(" "))
            out.append(Trigger(r"(?:^|[^a-z0-9])" + body + r"(?:[^a-z0-9]|$)", caseless=True, context=True))
        out.append(Trigger(r"\d\s{0,3}(?:mg|mcg|ml|units?|tabs?)(?:[^a-z]|$)", caseless=True, context=True))
        return out

    def window_radius(self) -> int:
        # Wide enough that a term a neighbour or a context word lends context
        # to lies inside the window opened around that neighbour or word.
        return 2 * self.MAX_LEN + max(self.CONTEXT_BEFORE, NEIGHBOUR_DISTANCE) + self.CONTEXT_AFTER + 8

    def trigger_radius(self, trigger: Trigger) -> int:
        # Every window must also hold the neighbours that lend a term context.
        return self.window_radius()

    # -- context -------------------------------------------------------------

    def context_matches(self, words: Sequence[str]) -> bool:
        return bool(words) and bool(self._header_re.search(context_tokens(words)))

    def has_context(self, text: str, start: int, end: int, context: list[str] | None) -> bool:
        if self._clinical.near(text, start, end, self.CONTEXT_BEFORE, self.CONTEXT_AFTER):
            return True
        if context is not None:
            words = context.words_at(start) if isinstance(context, SegmentContext) else tuple(context)
            if words and self._header_re.search(context_tokens(words)):
                return True
        return False

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts | None,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        mine = [r for r in raw_recognizer_results if rule_name(r) in (STRONG_RULE, WEAK_RULE)]
        # Longer terms that hide a term: this recognizer's own, and strong
        # terms of the other medical recognizers. (Their ambiguous terms are
        # found only around their own triggers, so the fast engine and
        # Presidio's full pass could disagree about them.)
        containers = mine + [r for r in other_raw_recognizer_results
                             if r.entity_type in VOCABULARY_ENTITIES and rule_name(r) == STRONG_RULE]
        spans = sorted({(r.start, r.end) for r in containers})
        strong = sorted((r.start, r.end) for r in mine if rule_name(r) == STRONG_RULE)
        out = []
        for res in raw_recognizer_results:
            rule = rule_name(res)
            if rule not in (STRONG_RULE, WEAK_RULE):
                out.append(res)  # not ours (defensive): leave untouched
                continue
            if _inside_longer(res.start, res.end, spans):
                continue
            if rule == WEAK_RULE and _idiom(text, res.start, res.end):
                continue
            has_ctx = self.has_context(text, res.start, res.end, context)
            if not has_ctx and rule == WEAK_RULE:
                has_ctx = _strong_neighbour(res.start, res.end, strong)
            r = self._rule_by_name(rule)
            res.score = round(r.context_score if has_ctx else r.score, 4)
            meta = res.recognition_metadata or {}
            meta[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
            res.recognition_metadata = meta
            if res.score > 0:
                out.append(res)
        return out


_NEXT_WORD = re.compile(r"[\s\-]*([^\W_]+)")
_PREV_WORD = re.compile(r"([^\W_]+)[\s\-]*$")


def _idiom(text: str, start: int, end: int) -> bool:
    """Is an ambiguous term used in an everyday idiom ("cold storage",
    "stroke of luck", "the Great Depression")?"""
    word = text[start:end].lower()
    after = IDIOM_AFTER.get(word)
    if after:
        m = _NEXT_WORD.match(text, end, min(len(text), end + 40))
        if m and m.group(1).lower() in after:
            return True
    before = IDIOM_BEFORE.get(word)
    if before:
        m = _PREV_WORD.search(text, max(0, start - 40), start)
        if m and m.group(1).lower() in before:
            return True
    return False


# What may follow a word inside a term: the first character of a gap the
# matcher joins (medical_vocabulary._joinable), as UTF-8 for Hyperscan.
_GAP_START = r"(?:[ \t\r\n'\-]|\xc2\xa0|\xe2\x80[\x90\x91\x99])"


def anchor_regex(anchor: str, closing: bool = True) -> str:
    """The prefilter pattern of an anchor: a superset of every way the
    matcher can meet it (any casing; the last word of a term may be plural,
    "therapy" -> "therapies"). Long words are plain literals, which Hyperscan
    compiles and scans fastest by far; short ones ("ether", "flu") would wake
    the matcher inside many words ("together", "influx"), so they must be
    whole words, and one that never ends a term it anchors (`closing`
    False: "conn" of "Conn syndrome") must be followed by a gap to the next
    word, so `conn=3` in a log wakes nothing. Two words (an anchor of common
    words) allow any gap the matcher joins."""
    if " " in anchor:
        first, second = anchor.split(" ")
        return re.escape(first) + _GAP + re.escape(second[:-1] if second.endswith("y") else second)
    if len(anchor) > 6:
        return re.escape(anchor[:-1] if anchor.endswith("y") else anchor)
    if not closing:
        return r"(?:^|[^a-z0-9])" + re.escape(anchor) + _GAP_START
    if anchor.endswith("y"):
        body = re.escape(anchor[:-1]) + "(?:y|ys|ies)"
    else:
        body = re.escape(anchor) + "(?:s|es)?"
    return r"(?:^|[^a-z0-9])" + body + r"(?:[^a-z0-9]|$)"


def _inside_longer(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Is [start, end) inside a longer medical term? spans is sorted."""
    i = bisect_left(spans, (start - _LONGEST, 0))
    for s, e in spans[i:]:
        if s > start:
            break
        if e >= end and (s, e) != (start, end):
            return True
    return False


def _strong_neighbour(start: int, end: int, strong: list[tuple[int, int]]) -> bool:
    """Is a strong term (not overlapping this one) within NEIGHBOUR_DISTANCE?"""
    i = bisect_left(strong, (start - NEIGHBOUR_DISTANCE - _LONGEST, 0))
    for s, e in strong[i:]:
        if s > end + NEIGHBOUR_DISTANCE:
            break
        if e >= start - NEIGHBOUR_DISTANCE and (e <= start or s >= end):
            return True
    return False
