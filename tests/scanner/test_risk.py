"""The risk score, folder rollups and the headline (scanner/risk.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from scanner import risk
from scanner.inventory.state import resolve_view
from tests.conftest import run_piiscout
from tests.scanner.trees import make_tree

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def pts(counts, exposure=None, age_days=None):
    modified = None if age_days is None else NOW - timedelta(days=age_days)
    return risk.location_points(counts, exposure, modified, NOW)


def test_one_file_of_ssns_outranks_ten_thousand_email_addresses():
    assert pts({"US_SSN": 1}) > pts({"EMAIL_ADDRESS": 10_000})


def test_volume_counts_but_grows_slowly():
    one, ten, thousand = pts({"US_SSN": 1}), pts({"US_SSN": 10}), pts({"US_SSN": 1000})
    assert one < ten < thousand
    assert thousand == pytest.approx(4 * one)  # 1 + log10(1000)


def test_exposure_orders_the_score():
    order = [pts({"US_SSN": 5}, e) for e in ("owner", "group", "authenticated", "everyone")]
    assert order == sorted(order) and len(set(order)) == 4
    assert pts({"US_SSN": 5}, None) == pts({"US_SSN": 5}, "group")  # unknown counts as a group


def test_old_files_score_higher():
    assert pts({"US_SSN": 5}, age_days=30) < pts({"US_SSN": 5}, age_days=500) < pts({"US_SSN": 5}, age_days=2000)
    assert pts({"US_SSN": 5}, age_days=None) == pts({"US_SSN": 5}, age_days=30)


def test_entity_types_of_one_kind_count_once():
    # A clinic note: condition + medication + diagnosis code is health data, once.
    note = pts({"MEDICAL_CONDITION": 3, "MEDICATION": 3, "ICD10_CODE": 4})
    assert note == pytest.approx(pts({"MEDICAL_CONDITION": 10}))
    assert pts({"US_SSN": 1, "CREDIT_CARD": 1}) == pytest.approx(2 * pts({"US_SSN": 1}))


def test_test_cards_are_not_a_risk():
    assert pts({"TEST_CARD": 500}) == 0
    assert risk.to_score(0) == 0 and risk.band(0) == "none"


def test_scores_and_bands():
    assert risk.to_score(1e9) == 100
    assert [risk.band(s) for s in (100, 80, 79, 60, 59, 25, 24, 1)] == [
        "critical", "critical", "high", "high", "medium", "medium", "low", "low"]
    assert risk.band(risk.to_score(pts({"US_SSN": 1}))) == "medium"


def _loc(path, points, exposure=None, counts=(("US_SSN", 1),)):
    s = risk.to_score(points)
    return risk.LocationRisk(path, "file", "file", "/share", counts, exposure, None, "text/plain",
                             points, s, risk.band(s))


def test_folder_rollups_include_subfolders():
    locs = [_loc("/share/HR/Payroll/2019/a.csv", 50, "everyone"), _loc("/share/HR/Payroll/b.csv", 30),
            _loc("/share/HR/c.txt", 10), _loc("/share/IT/d.log", 40), _loc("/share/top.txt", 90)]
    folders = {f.folder: f for f in risk.folder_rollups(locs, ["/share"])}
    assert set(folders) == {"/share/HR", "/share/HR/Payroll", "/share/HR/Payroll/2019", "/share/IT"}
    hr = folders["/share/HR"]
    assert hr.files == 3 and hr.exposed == 1
    assert hr.points == pytest.approx(50 + 0.1 * 40)
    assert dict(hr.counts) == {"US_SSN": 3}
    assert folders["/share/HR/Payroll"].points == pytest.approx(50 + 0.1 * 30)
    assert hr.score >= max(risk.to_score(50), folders["/share/IT"].score)  # never below its worst file
    assert [f.folder for f in risk.folder_rollups(locs, ["/share"])][0] == "/share/HR"


def test_folder_rollups_stop_at_the_target():
    locs = [_loc("smb://fs/share/Finance/x.xlsx", 20)]
    locs = [risk.LocationRisk(**{**l.__dict__, "source": "smb", "target": "smb://fs/share"}) for l in locs]
    assert [f.folder for f in risk.folder_rollups(locs, ["smb://fs/share"])] == ["smb://fs/share/Finance"]


def _assessment(exposures):
    locs = [_loc(f"/share/f{i}.txt", 20, e) for i, e in enumerate(exposures)]
    totals = [risk.EntityTotal("US_SSN", len(locs), 40, {"file": len(locs)},
                               dict(__import__("collections").Counter(e or "unknown" for e in exposures)))]
    return risk.Assessment(NOW, ["/share"], locs, totals, __import__("collections").Counter(scanned=50),
                           exposure_known=any(exposures))


def test_headline_without_exposure():
    assert _assessment([None] * 37).headline() == "40 Social Security numbers in 37 files."


def test_headline_names_what_everyone_can_read():
    h = _assessment(["everyone"] * 12 + ["group"] * 25).headline()
    assert h == "40 Social Security numbers in 37 files, 12 of them readable by everyone."


def test_headline_when_nothing_is_found():
    a = risk.Assessment(NOW, ["/share"], [], [], __import__("collections").Counter(scanned=200, error=3))
    assert a.headline() == "No personal data was found in the 200 items examined."


def test_assess_a_real_scan(tmp_path):
    share = tmp_path / "share"
    make_tree(share, files=9)
    (share / "hr" / "contacts.txt").write_text("mail jo.bloggs@harbourfreight-example.com\n")
    inv = tmp_path / "inv"
    run_piiscout("scan", str(share), "-i", str(inv), "-q", check=True)
    a = risk.assess(*resolve_view(inv, None))
    assert len(a.locations) == 10
    # The SSN files come first; the file with one e-mail address last.
    assert a.locations[-1].location.endswith("hr/contacts.txt")
    assert a.locations[-1].band == "low" and a.locations[0].band in ("medium", "high")
    ssn = next(t for t in a.entities if t.entity == "US_SSN")
    assert (ssn.findings, ssn.distinct, ssn.locations) == (27, 27, {"file": 9})
    assert a.exposure_known  # a local tree records who may read each file (0644 here: everyone)
    assert {r.exposure for r in a.locations} == {"everyone"}
    assert a.headline() == "27 Social Security numbers in 9 files, 9 of them readable by everyone."
    assert {f.folder.rsplit("/", 1)[-1] for f in a.folders()} == {"hr", "finance", "it", "logs"}
    assert risk.risk_headline(inv) == a.headline()
    for p in (share / "hr").glob("*.txt"):
        p.chmod(0o600)
    run_piiscout("scan", str(share), "-i", str(inv), "-q", check=True)
    a = risk.assess(*resolve_view(inv, None))
    owner = [r for r in a.locations if r.exposure == "owner"]
    assert len(owner) == 4 and a.locations[-1].exposure == "owner"  # contacts.txt: least data, least exposure
    assert a.headline() == "27 Social Security numbers in 9 files, 6 of them readable by everyone."


def test_headline_falls_back_to_any_signed_in_user():
    """Nothing sensitive open to everyone: the widest exposure there is
    (any signed-in user) is named instead; a group is not news."""
    h = _assessment(["authenticated"] * 5 + ["group"] * 32).headline()
    assert h == "40 Social Security numbers in 37 files, 5 of them readable by any signed-in user."
    assert _assessment(["group"] * 37).headline() == "40 Social Security numbers in 37 files."
