"""The shipped vocabulary and its word matcher."""

from __future__ import annotations

import random
import re

import pytest

from detectors.recognizers.medical_terms import MedicalTermRecognizer
from detectors.recognizers.medical_vocabulary import (
    MEDICAL_CONDITION,
    MEDICAL_PROCEDURE,
    MEDICATION,
    VOCABULARY_ENTITIES,
    icd10_codes,
    vocabulary,
)


def spans(text, entity=None):
    return [(text[m.start : m.end], m.entity, m.weak) for m in vocabulary().find(text, entity=entity)]


def test_vocabulary_is_large_and_from_several_sources():
    v = vocabulary()
    assert v.size(MEDICAL_CONDITION)[0] > 20_000
    assert v.size(MEDICATION)[0] > 10_000
    assert v.size(MEDICAL_PROCEDURE)[0] > 1_500
    assert {"ICD-10-CM", "MeSH"} <= set(v.sources(MEDICAL_CONDITION))
    assert len(icd10_codes()) > 70_000
    assert {"E11.9", "I10", "F32.9", "U07.1", "S72.001A"} <= icd10_codes()
    assert not any(c[0] in "VWXY" for c in icd10_codes())


@pytest.mark.parametrize("word", ["pain", "disease", "syndrome", "more", "health", "treatment", "therapy", "surgery"])
def test_generic_words_are_not_terms(word):
    assert word not in vocabulary().terms


@pytest.mark.parametrize("word", ["cold", "stroke", "depression", "virus", "fracture", "lithium", "headache"])
def test_everyday_words_are_ambiguous(word):
    term = vocabulary().terms.get(word)
    assert term is None or term[1], word


@pytest.mark.parametrize("word", ["metformin", "hypertension", "appendectomy", "diabetes", "colonoscopy"])
def test_medical_only_words_are_strong(word):
    assert vocabulary().terms[word][1] is False


def test_word_boundaries_casing_plurals():
    assert spans("GOUT") == [("GOUT", MEDICAL_CONDITION, False)]
    assert spans("gouty") == []
    assert spans("two appendectomies") == [("appendectomies", MEDICAL_PROCEDURE, False)]
    assert spans("Biopsies") == [("Biopsies", MEDICAL_PROCEDURE, False)]
    assert spans("metforminx") == []


def test_gaps_between_words():
    assert ("atrial\nfibrillation", MEDICAL_CONDITION, False) in spans("atrial\nfibrillation")
    assert ("atrial  fibrillation", MEDICAL_CONDITION, False) in spans("atrial  fibrillation")
    assert ("atrial-fibrillation", MEDICAL_CONDITION, False) in spans("atrial-fibrillation")
    assert ("atrial\u00a0fibrillation", MEDICAL_CONDITION, False) in spans("atrial\u00a0fibrillation")
    # a paragraph break, a tab between cells, a comma: not one term
    for gap in ("\n\n", "\t", ", ", " / "):
        assert ("atrial" + gap + "fibrillation", MEDICAL_CONDITION, False) not in spans("atrial" + gap + "fibrillation")


def test_window_results_are_the_whole_texts_away_from_edges():
    text = "pt with COPD and type 2 diabetes mellitus, on metformin; s/p cholecystectomy. " * 20
    whole = {(m.start, m.end, m.entity) for m in vocabulary().find(text)}
    for lo in range(0, 300, 37):
        hi = lo + 200
        part = {(m.start, m.end, m.entity) for m in vocabulary().find(text, lo, hi)}
        inner = {x for x in part if x[0] >= lo + 4 and x[1] + 4 <= hi}
        assert inner == {x for x in whole if x[0] >= lo + 4 and x[1] + 4 <= hi}


@pytest.mark.parametrize("entity", VOCABULARY_ENTITIES)
def test_every_term_is_found_and_its_trigger_fires(entity):
    """The prefilter's promise: every form the matcher accepts contains a
    trigger match. Checked on a sample of terms in several written forms."""
    from detectors.catalog import recognizer_classes

    cls = next(c for c in recognizer_classes() if c.ENTITY == entity)
    rec = cls()
    assert isinstance(rec, MedicalTermRecognizer)
    trig = [re.compile(t.regex, re.IGNORECASE) for t in rec.triggers()]
    rnd = random.Random(7)
    terms = sorted(t for t, (e, _, _) in vocabulary().terms.items() if e == entity)
    for term in rnd.sample(terms, 300):
        words = term.split(" ")
        forms = [term, term.upper(), term.title(), "\n  ".join(words), "-".join(words)]
        if words[-1].endswith("y") and len(words[-1]) > 4:
            forms.append(" ".join(words[:-1] + [words[-1][:-1] + "ies"]))
        for form in forms:
            text = f"Noted: {form}. Next line"
            found = [text[m.start : m.end] for m in vocabulary().find(text, entity=entity)]
            if form not in found:  # a hyphenated form may be another term's
                assert form.count("-") and term not in vocabulary().terms, (term, form)
                continue
            assert any(rx.search(text) for rx in trig), (term, form)
