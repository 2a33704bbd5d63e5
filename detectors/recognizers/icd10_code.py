"""ICD-10-CM diagnosis codes: E11.9, I10, F32.9, S72.001A (and E119 without
the dot).

A code names a person's diagnosis, but a bare "I10" or "A01.1" is far more
often a road, a seat, a part number or a version. So a code counts only
with context: "ICD", "dx", "diagnosis (code)", a column or field so named,
or a condition written beside it on the same line ("I10 Essential
hypertension"). Words such as "version", "build", "motorway" nearby veto
it. Only real codes count: every candidate is looked up in the ICD-10-CM
code set (2026, chapters A-U and Z; external-cause codes V-Y never stand
alone and look most like other things, so they are left out).
"""

from __future__ import annotations

from bisect import bisect_left

from presidio_analyzer import RecognizerResult

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy: imported only where NER runs
    from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.base import PiiRecognizer, Rule, Trigger, rule_name
from detectors.recognizers.medical_terms import STRONG_RULE, WordSet
from detectors.recognizers.medical_vocabulary import MEDICAL_CONDITION, icd10_codes

# A condition this close on the same line makes a code a diagnosis code.
CONDITION_DISTANCE = 100

_L = "[A-TZU]"  # chapters with codes that stand alone


class _CodesNote:
    def __get__(self, obj, owner) -> str:
        return (f"{len(icd10_codes()):,} ICD-10-CM codes; only with context (ICD, dx, diagnosis, "
                f"a header so named, a condition on the same line)")


class Icd10CodeRecognizer(PiiRecognizer):
    ENTITY = "ICD10_CODE"
    RULES = (
        Rule("icd10_dotted", rf"(?<![\w.\-/])({_L}\d[0-9A-Z]\.[0-9A-Z]{{1,4}})(?![\w]|[.\-/]\w)", 0.0, 0.85),
        Rule("icd10_category", rf"(?<![\w.\-/])({_L}\d[0-9A-Z])(?![\w]|[.\-/]\w)", 0.0, 0.75),
        Rule("icd10_undotted", rf"(?<![\w.\-/])({_L}\d[0-9A-Z][0-9A-Z]{{1,4}})(?![\w]|[.\-/]\w)", 0.0, 0.7),
    )
    CONTEXT = (
        "icd", "icd10", "icd-10", "icd 10", "icd-10-cm", "icd10cm", "dx", "ddx", "diagnosis", "diagnoses",
        "diag", "diagnosed", "diagnosis code", "dx code", "diagnostic code", "primary dx", "secondary dx",
        "problem list", "billing code", "hcc",
    )
    NEGATIVE_CONTEXT = (
        "version", "ver", "v", "build", "release", "rev", "revision", "firmware", "patch", "model", "sku",
        "part", "part no", "route", "road", "motorway", "highway", "interstate", "exit", "junction", "flight",
        "gate", "seat", "room", "row", "column", "cell", "sheet", "grid", "paper", "size", "chip", "cpu",
        "socket", "vitamin", "engine", "aircraft", "tank",
    )
    # The whole code, bounded as the rules bound it (upper-case hex such as
    # `lsn=C3F2A1B0` in logs is no code: an ASCII word character follows).
    TRIGGERS = (Trigger(rf"(?:^|[^A-Za-z0-9_.\-/]){_L}\d[0-9A-Z](?:\.?[0-9A-Z]{{1,4}})?(?:[^A-Za-z0-9_]|$)"),)
    MAX_LEN = 8
    NORMALISE = "identifier"
    # A code is the diagnosis itself: no part of it is kept in the masked value.
    MASK = "full"
    NOTES = _CodesNote()

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        code = text[start:end]
        if "." not in code and len(code) > 3:
            code = code[:3] + "." + code[3:]
        return (start, end) if code in icd10_codes() else None

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts | None,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        # A condition named on the same line is context, like a word: collect
        # the strong condition terms (they are found wherever they are, by
        # either engine) and let has_context see them.
        self._conditions = sorted(
            (r.start, r.end) for r in other_raw_recognizer_results
            if r.entity_type == MEDICAL_CONDITION
            and rule_name(r) == STRONG_RULE
        )
        try:
            return super().enhance_using_context(
                text, raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts, context
            )
        finally:
            self._conditions = []

    def has_context(self, text, start, end, context) -> bool:
        if super().has_context(text, start, end, context):
            return True
        conditions = getattr(self, "_conditions", ())
        i = bisect_left(conditions, (start - CONDITION_DISTANCE - 80, 0))
        for s, e in conditions[i:]:
            if s > end + CONDITION_DISTANCE:
                break
            if (0 <= s - end <= CONDITION_DISTANCE and "\n" not in text[end:s]) or (
                0 <= start - e <= CONDITION_DISTANCE and "\n" not in text[e:start]
            ):
                return True
        return False

    def __init__(self, name: str | None = None):
        super().__init__(name)
        self._words = {id(self._context_re): WordSet(self.CONTEXT), id(self._negative_re): WordSet(self.NEGATIVE_CONTEXT)}

    def _near(self, rx, text: str, start: int, end: int) -> bool:
        # The same test as the base class's regex, with word sets (faster).
        return self._words[id(rx)].near(text, start, end, self.CONTEXT_BEFORE, self.CONTEXT_AFTER)

    def triggers(self) -> list[Trigger]:
        # Every candidate code is a trigger (a cheap, rare pattern), so the
        # context words need not be.
        return list(self.TRIGGERS)
