"""What the report says, from an inventory: names, rankings, problems, advice."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import pytest

from scanner import risk
from scanner.reporting import guidance, model


@pytest.mark.parametrize("target, label", [
    ("/srv/shares/finance", "finance"),
    ("/srv/shares/finance/", "finance"),
    ("smb://fs01/Company/HR", "\\\\fs01\\Company\\HR"),
    ("smb://CORP;jane@fs01:4450/Company", "\\\\fs01:4450\\Company"),
    ("postgresql://scan@db.corp/crm", "crm"),
    ("sqlite:////var/lib/app/crm.db", "crm.db"),
])
def test_target_label(target, label):
    assert model.target_label(target) == label


def test_display_name():
    assert model.display_name("/srv/share/HR/a.txt", "/srv/share") == "HR/a.txt"
    assert model.display_name("/srv/share/HR/a.txt", "/srv/share/") == "HR/a.txt"
    assert model.display_name("/srv/report.csv", "/srv/report.csv") == "report.csv"
    assert model.display_name("/elsewhere/x", None) == "/elsewhere/x"


def test_what_puts_the_most_sensitive_first():
    text = model.what_phrase([("EMAIL_ADDRESS", 40), ("PHONE_NUMBER", 30), ("US_SSN", 2), ("IP_ADDRESS", 1)])
    assert text == "2 Social Security numbers, 40 e-mail addresses, 30 phone numbers and 1 more kind"


def test_trend_labels_as_precise_as_needed():
    t = [datetime(2026, 1, d, h, m, s, tzinfo=timezone.utc) for d, h, m, s in
         ((1, 1, 0, 0), (2, 1, 0, 0), (3, 1, 0, 0))]
    assert model._labels(t) == ["Jan 01, 2026", "Jan 02, 2026", "Jan 03, 2026"]
    t = [datetime(2026, 1, 1, 9, 30, s, tzinfo=timezone.utc) for s in (1, 5)]
    assert model._labels(t) == ["Jan 01 09:30:01", "Jan 01 09:30:05"]


@pytest.mark.parametrize("status, reason, plain", [
    ("skipped", "ocr disabled", guidance.OCR_OFF),
    ("error", "permission denied", "Access denied to the scanning account"),
    ("skipped", "encrypted", "Password-protected or encrypted"),
    ("skipped", "binary file (application/x-dosexec)", "Program or binary file"),
    ("skipped", "unsupported format (image/x-tga)", "Image in a format that is not read"),
    ("error", "corrupt or truncated DOCX file (no ZIP central directory)", "Damaged, or not the format its name says"),
    ("error", "not a valid DOCX file (content is text/plain)", "Damaged, or not the format its name says"),
    ("skipped", "compression ratio over 250 (possible zip bomb, see --max-archive-ratio)",
     "Archive too large when unpacked"),
    ("skipped", "file too large to extract in memory (over 2 GB)", "Larger than the scan's size limit"),
    ("error", "timed out after 3600 s", "Took longer than the scan's time limit"),
    ("error", "OSError: something new", "Could not be read"),
    ("skipped", None, "Not examined"),
])
def test_reasons_in_plain_english(status, reason, plain):
    assert guidance.explain_reason(status, reason) == plain


def _assessment(counts_per_location):
    locs = []
    for i, counts in enumerate(counts_per_location):
        pts = risk.location_points(dict(counts), None, None, datetime.now(timezone.utc))
        s = risk.to_score(pts)
        locs.append(risk.LocationRisk(f"/s/f{i}", "file", "file", "/s", tuple(counts), None, None, None, pts, s,
                                      risk.band(s)))
    totals = Counter()
    for counts in counts_per_location:
        totals.update(dict(counts))
    entities = [risk.EntityTotal(e, n, n, {"file": 1}, {}) for e, n in totals.items()]
    return risk.Assessment(datetime.now(timezone.utc), ["/s"], locs, entities, Counter(scanned=3))


def test_recommendations_follow_what_was_found():
    a = _assessment([[("US_SSN", 3), ("MEDICAL_CONDITION", 2)], [("MEDICATION", 1)], [("EMAIL_ADDRESS", 5)]])
    recs = model._recommendations(a)
    assert [r.guidance.kind for r in recs] == ["government_id", "health", "contact"]
    health = recs[1]
    assert health.locations == 2 and health.note.startswith("1 of these 2 also hold")
    assert any(o.framework == "HIPAA" for o in health.obligations)
    ssn = recs[0]
    assert not any("PIPEDA" in o.framework for o in ssn.obligations)  # no Canadian data found


def test_canadian_data_brings_pipeda():
    recs = model._recommendations(_assessment([[("CA_SIN", 2)]]))
    assert any("PIPEDA" in o.framework for o in recs[0].obligations)


def test_cards_map_to_pci_dss():
    rec = model._recommendations(_assessment([[("CREDIT_CARD", 2)]]))[0]
    frameworks = {o.framework for o in rec.obligations}
    assert "PCI DSS v4.0" in frameworks and "US state breach laws" in frameworks


def test_every_kind_has_guidance():
    from scanner import entity_labels as el

    kinds = {el.info(c).kind for c in el.known_codes()}
    assert kinds <= set(guidance.GUIDANCE) and kinds <= set(guidance.KIND_ORDER)
