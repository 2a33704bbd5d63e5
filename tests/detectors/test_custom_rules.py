"""Custom rules (no code): checked up front, compiled into the Hyperscan
prefilter like the built-ins, validated by luhn/mod97/python-stdnum."""

from __future__ import annotations

import pytest

from detectors import rules
from detectors.catalog import DetectorSettings, default_entities
from detectors.custom import rule_class
from detectors.engine import DetectionEngine
from scanner.model import Segment


def custom(text: str, **kw) -> rules.Customisation:
    import tomllib

    raw, problems = rules.check_sections(tomllib.loads(text))
    assert not problems, problems
    return rules.build(raw, key=b"piiscout-test-key")


RULES = r"""
[rules.DE_TAX_ID]
pattern = '\b\d{2} ?\d{3} ?\d{3} ?\d{3}\b'
score = 0.6
context = ["steuer", "idnr"]
validator = "stdnum:de.idnr"

[rules.NL_BSN]
patterns = ['\b\d{9}\b', '\b\d{4}\.\d{2}\.\d{3}\b']
score = 0
context_score = 0.85
context = ["bsn"]
validator = "stdnum:nl.bsn"

[rules.ACCOUNT_REF]
pattern = 'ACC-\d{8}'
score = 0.7
validator = "luhn"
mask = "full"

[rules.TICKET_REF]
pattern = '(?<=REF:)\d{8}'
score = 0.7
"""


@pytest.fixture(scope="module")
def engine() -> DetectionEngine:
    c = custom(RULES)
    return DetectionEngine(DetectorSettings(entities=default_entities() + c.entities, custom=c))


def found(engine, text, entity):
    return [text[r.start:r.end] for r in engine.detect(Segment(text)) if r.entity_type == entity]


def test_stdnum_validator_keeps_valid_and_rejects_invalid(engine):
    text = "Steuer-IdNr: 36574261809, typo 36574261808, other 65 929 970 489 and 12345678901."
    assert found(engine, text, "DE_TAX_ID") == ["36574261809", "65 929 970 489"]
    text = "BSN 111222333 / BSN 1112.22.333 / BSN 111222334\nand 123456782 without context"
    assert found(engine, text, "NL_BSN") == ["111222333", "1112.22.333"]


def test_luhn_validator_and_scores(engine):
    text = "accounts ACC-79927398 ACC-79927397"
    res = [r for r in engine.detect(Segment(text)) if r.entity_type == "ACCOUNT_REF"]
    assert [text[r.start:r.end] for r in res] == ["ACC-79927398"]
    assert res[0].score == 0.7


def test_rules_run_in_the_prefilter_unless_hyperscan_cannot(engine):
    fast = {type(r).__name__ for r in engine._fast}
    slow = {type(r).__name__ for r in engine._slow}
    assert {"CustomRule_DeTaxId", "CustomRule_NlBsn", "CustomRule_AccountRef"} <= fast
    assert "CustomRule_TicketRef" in slow  # a lookbehind: Python re over the whole text
    assert found(engine, "see REF:12345678 and XREF12345678", "TICKET_REF") == ["12345678"]
    assert engine.prefilter.available


def test_fast_engine_agrees_with_presidio_on_custom_rules(engine):
    from detectors.presidio_engine import full_analyzer, full_detect

    settings = engine.settings
    analyzer = full_analyzer(settings)
    for text in ("Steuer-IdNr: 36574261809 and BSN 111222333.\nACC-79927398 at REF:12345678",
                 "no context 111222333 but idnr 65 929 970 489"):
        seg = Segment(text)
        fast = [(r.entity_type, r.start, r.end, r.score) for r in engine.detect(seg)]
        full = [(r.entity_type, r.start, r.end, r.score) for r in full_detect(analyzer, settings, seg)]
        assert fast == full


@pytest.mark.parametrize("table, message", [
    ("[rules.BAD]\npattern = '(unclosed'\n", "[rules.BAD]: pattern is not a valid regular expression"),
    ("[rules.BAD]\npattern = 'x'\nvalidator = 'crc99'\n", "[rules.BAD]: unknown validator 'crc99'"),
    ("[rules.BAD]\npattern = 'x'\nvalidator = 'stdnum:xx.nope'\n", "python-stdnum has no module xx.nope"),
    ("[rules.BAD]\npattern = 'a*'\n", "matches the empty string"),
    ("[rules.BAD]\npattern = 'x'\nscore = 2\n", "score: expected a number from 0 to 1"),
    ("[rules.BAD]\npattern = 'x'\nmask = 'stars'\n", "mask: expected one of"),
    ("[rules.BAD]\nscore = 0.5\n", "no pattern"),
    ("[rules.BAD]\npattern = 'x'\nscore = 0\n", "no context words"),
    ("[rules.BAD]\npattern = 'x'\ncolour = 1\n", "unknown key colour"),
    ("[allow]\nvalues = ['hmac:xyz']\n", "hmac: must be followed by 64 hex digits"),
    ("[allow]\npatterns = ['[']\n", "patterns entry 1 is not a valid regular expression"),
    ("[context.US_SSN]\nboost = ['x']\n", "unknown key boost"),
])
def test_problems_name_the_rule(tmp_path, table, message):
    p = tmp_path / "rules.toml"
    p.write_text(table)
    with pytest.raises(rules.RulesError) as e:
        rules.load([str(p)])
    assert any(message in line and line.startswith(str(p)) for line in e.value.problems), e.value.problems
    assert e.value.exit_code == 2


def test_allow_list_errors_do_not_quote_values(tmp_path):
    p = tmp_path / "rules.toml"
    p.write_text("[allow]\nvalues = ['hmac:536-22-1934']\n")
    with pytest.raises(rules.RulesError) as e:
        rules.load([str(p)])
    assert "536" not in str(e.value)


def test_context_words_raise_and_lower_scores():
    text_extra = "taxpayer ref 536221934"  # a bare 9-digit SSN counts only with context
    text_deny = "SSN 536-22-1934 order no"
    base = DetectionEngine(DetectorSettings(entities=("US_SSN",)))
    c = custom('[context.US_SSN]\nextra = ["taxpayer ref"]\ndeny = ["order no"]\n')
    tuned = DetectionEngine(DetectorSettings(entities=("US_SSN",), custom=c))
    assert not base.detect(Segment(text_extra))
    assert [r.entity_type for r in tuned.detect(Segment(text_extra))] == ["US_SSN"]
    assert base.detect(Segment(text_deny))
    assert not tuned.detect(Segment(text_deny))  # capped at 0.2, under the 0.5 threshold
    # Findings keep the built-in recognizer's name.
    assert tuned.detect(Segment(text_extra))[0].recognition_metadata["recognizer_name"] == "SsnRecognizer"


def test_rule_class_notes_and_masking():
    from scanner import privacy

    c = custom(RULES)
    cls = rule_class(c.rules[2])
    assert cls.ENTITY == "ACCOUNT_REF" and "validator luhn" in cls.NOTES and "Hyperscan" in cls.NOTES
    # The rule's masking travels with its recognizer (catalog.entity_styles), not in a global table.
    from detectors.catalog import entity_styles

    style = entity_styles([cls()])["ACCOUNT_REF"]
    assert privacy.mask("ACCOUNT_REF", "ACC-79927398", style) == "************"
    assert privacy.mask("ACCOUNT_REF", "ACC-79927398") != "************"  # nothing was registered


def test_allow_list_holds_hashes_only_and_never_the_empty_value():
    import hmac as _hmac
    from hashlib import sha256

    from detectors.custom import AllowMatcher

    c = custom('[allow]\nvalues = ["demo@example.com", "4111 1111 1111 1111"]\n'
               '[allow.US_SSN]\nvalues = ["536-22-1934"]\n')
    flat = repr(c)
    assert "demo@example.com" not in flat and "4111" not in flat and "536" not in flat
    empty = _hmac.new(b"piiscout-test-key", b"", sha256).hexdigest()
    assert empty not in c.allow.hashes
    m = AllowMatcher(c.allow)
    from scanner import privacy

    key = b"piiscout-test-key"
    for entity, value in [("CREDIT_CARD", "4111-1111-1111-1111"), ("EMAIL_ADDRESS", "Demo@Example.com"),
                          ("US_SSN", "536 22 1934")]:
        assert m.allowed(entity, value, privacy.value_hash(entity, value, key))
    # Per-entity entries apply to that entity only.
    assert not m.allowed("US_BANK_NUMBER", "536221934", privacy.value_hash("US_BANK_NUMBER", "536221934", key))


def test_python_quantifier_spelling_reaches_the_prefilter():
    c = custom("[rules.SHORT_REF]\npattern = 'REF-\\d{,3}X'\n")
    eng = DetectionEngine(DetectorSettings(entities=("SHORT_REF",), custom=c))
    assert [type(r).__name__ for r in eng._fast] == ["CustomRule_ShortRef"]
    text = "a REF-12X b"
    assert [text[r.start:r.end] for r in eng.detect(Segment(text))] == ["REF-12X"]


def test_rule_for_a_builtin_entity_adds_patterns_and_keeps_its_hashing():
    from scanner import privacy

    key = b"piiscout-test-key"
    before = privacy.value_hash("EMAIL_ADDRESS", "Jane@Example.com", key)
    c = custom("[rules.EMAIL_ADDRESS]\npattern = '\\bjane at example dot com\\b'\nscore = 0.8\nnormalise = 'text'\n"
               "mask = 'full'\n")
    eng = DetectionEngine(DetectorSettings(entities=("EMAIL_ADDRESS",), custom=c))
    text = "write to jane at example dot com or bob@example.com"
    assert sorted(text[r.start:r.end] for r in eng.detect(Segment(text))) == \
        ["bob@example.com", "jane at example dot com"]
    assert privacy.value_hash("EMAIL_ADDRESS", "Jane@Example.com", key) == before
    assert privacy.mask("EMAIL_ADDRESS", "bob@example.com") == "b***@example.com"
