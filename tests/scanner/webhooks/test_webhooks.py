"""`scan --webhook`: real scans post to a real HTTP server on loopback."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT, all_strings, raw_variants, run_piiscout
from tests.scanner.webhooks.receiver import Receiver

SSN1 = "536-22-8471"  # synthetic
SSN2 = "412-56-7390"
CARD = "4556 7375 8689 9855"  # Luhn-valid, not a published test card
TOKEN = "T0KEN5ecret9Xq"  # stands for the secret part of a webhook URL
SCHEMA = json.loads((ROOT / "docs" / "webhook.schema.json").read_text())


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def _validate(doc):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extra (bootstrap.sh test)")
    jsonschema.validate(doc, SCHEMA)


def _no_raw(text: str, *values: str) -> None:
    leaks = [v for raw in values for v in raw_variants(raw) if v in text]
    assert leaks == []


def _scans(inv: Path) -> list[dict]:
    rows = pq.read_table(inv / "scans").to_pylist()
    return sorted(rows, key=lambda r: r["started_at"])


def test_both_scans_post_and_the_second_reports_exactly_the_one_new_finding(tmp_path, receiver):
    share = tmp_path / "share"
    share.mkdir()
    (share / "notes.txt").write_text(f"Employee SSN {SSN1}\ncard {CARD}\n")
    inv, log = tmp_path / "inv", tmp_path / "scan.log"
    hook = f"{receiver.url}/hooks/{TOKEN}?sig={TOKEN}"
    args = ("scan", str(share), "-i", str(inv), "-j", "1", "--webhook", hook, "--log-file", str(log))
    first = run_piiscout(*args)
    assert first.returncode == 0, first.stderr
    (share / "hr").mkdir()
    (share / "hr" / "new-hire.txt").write_text(f"Onboarding checklist\nSSN on file: {SSN2}\n")
    second = run_piiscout(*args)
    assert second.returncode == 0, second.stderr

    assert len(receiver.received) == 2
    assert all(r.path == f"/hooks/{TOKEN}?sig={TOKEN}" for r in receiver.received)  # the URL as given
    a, b = (r.json() for r in receiver.received)
    for doc in (a, b):
        _validate(doc)
    scans = _scans(inv)
    assert a["scan_id"] == scans[0]["scan_id"] and b["scan_id"] == scans[1]["scan_id"]
    assert a["changes"]["first_scan"] and a["changes"]["new"]["count"] == 2
    assert a["by_entity"] == {"US_SSN": 1, "CREDIT_CARD": 1}
    new = b["changes"]["new"]
    assert new["count"] == 1 and new["by_entity"] == {"US_SSN": 1}
    assert b["changes"]["previous_scan_ids"] == [a["scan_id"]] and not b["changes"]["first_scan"]
    assert b["changes"]["resolved"]["count"] == 0
    [top] = new["top_locations"]
    assert top["location"] == str(share / "hr" / "new-hire.txt")
    assert top["samples"] == [{"entity_type": "US_SSN", "masked_value": "***-**-7390", "part": None, "line": 2}]
    assert b["findings"] == 3 and b["by_entity"]["US_SSN"] == 2
    assert b["status"] == "complete" and b["exit_code"] == 0 and b["target"]
    assert b["entity_names"]["US_SSN"] == "Social Security number"
    assert b["risk_headline"] and "1 new" in b["summary"]
    assert receiver.received[1].headers["Content-Type"].startswith("application/json")

    # No raw value in any body; the URL's secret nowhere but on the wire.
    bodies = "\n".join(r.body.decode() for r in receiver.received)
    _no_raw(bodies, SSN1, SSN2, CARD)
    kept = "\n".join(all_strings(inv)) + first.stdout + first.stderr + second.stdout + second.stderr
    kept += log.read_text()
    assert TOKEN not in kept
    assert "/…#" in log.read_text()  # the delivery is logged, redacted
    rec = scans[1]["webhooks"]
    assert [(d["status"], d["attempts"], d["http_status"], d["format"]) for d in rec] == [("delivered", 1, 200, "json")]
    assert rec[0]["url"].startswith(receiver.url + "/…#")
    assert json.loads(scans[1]["options"])["webhooks"] == [rec[0]["url"]]


def test_a_receiver_that_is_down_never_fails_the_scan(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text(f"SSN {SSN1}\n")
    inv = tmp_path / "inv"
    proc = run_piiscout("scan", str(share), "-i", str(inv), "-j", "1", "--webhook",
                        f"http://127.0.0.1:{port}/{TOKEN}", "--webhook-retries", "1")
    assert proc.returncode == 0, proc.stderr
    [line] = [x for x in proc.stderr.splitlines() if "webhook" in x]
    assert "not delivered after 2 attempts" in line and "the scan is not affected" in line and TOKEN not in line
    [rec] = _scans(inv)[0]["webhooks"]
    assert rec["status"] == "failed" and rec["attempts"] == 2 and rec["http_status"] is None
    assert "refused" in rec["error"].lower() and TOKEN not in rec["error"]
    assert _scans(inv)[0]["status"] == "complete"
    # The README's query for failed deliveries, run as written (path aside).
    import re

    import duckdb

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"which you can query:\n\n```sh\n(.*?)```", readme, re.S).group(1)
    query = re.search(r'duckdb -c "(.*)"', block).group(1).replace("/var/lib/piiscout/acme", str(inv))
    assert [r[2] for r in duckdb.sql(query).fetchall()] == ["failed"]


def test_chat_formats_by_prefix_and_env_variable(tmp_path, receiver):
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text(f"SSN {SSN1}\n")
    env = {"ACME_TEAMS_HOOK": f"{receiver.url}/teams/{TOKEN}"}
    proc = run_piiscout("scan", str(share), "-i", str(tmp_path / "inv"), "-j", "1",
                        "--webhook", f"slack+{receiver.url}/slack/{TOKEN}", "--webhook", "teams+env:ACME_TEAMS_HOOK",
                        "--webhook", "env:NOT_SET_ANYWHERE", env=env)
    assert proc.returncode == 0, proc.stderr
    by_path = {r.path.split("/")[1]: r.json() for r in receiver.received}
    slack, teams = by_path["slack"], by_path["teams"]
    assert "1 new" in slack["text"] and slack["blocks"][0]["type"] == "header"
    assert any("***-**-8471" in json.dumps(b) for b in slack["blocks"])
    card = teams["attachments"][0]
    assert teams["type"] == "message" and card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard" and card["content"]["body"][0]["type"] == "TextBlock"
    _no_raw(json.dumps(by_path), SSN1)
    rec = {d["url"]: d for d in _scans(tmp_path / "inv")[0]["webhooks"]}
    assert rec["env:ACME_TEAMS_HOOK"]["status"] == "delivered" and rec["env:ACME_TEAMS_HOOK"]["format"] == "teams"
    assert rec["env:NOT_SET_ANYWHERE"]["status"] == "failed" and "not set" in rec["env:NOT_SET_ANYWHERE"]["error"]
    assert TOKEN not in "\n".join(all_strings(tmp_path / "inv")) + proc.stderr


def test_config_file_webhooks_per_target_and_top_level(tmp_path, receiver):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.txt").write_text(f"SSN {SSN1}\n")
    cfg = tmp_path / "scans.toml"
    cfg.write_text(f"""
inventory = "inv"
workers = 1
webhook = ["{receiver.url}/top"]
[targets.alpha]
url = "a"
[targets.beta]
url = "b"
webhook = ["{receiver.url}/beta", "{receiver.url}/beta2"]
fail_on = "new"
""")
    proc = run_piiscout("scan", "--config", str(cfg))
    assert proc.returncode == 6, proc.stderr  # beta: --fail-on new and a first scan with findings
    got = sorted((r.path, r.json()["target"]) for r in receiver.received)
    assert got == [("/beta", "beta"), ("/beta2", "beta"), ("/top", "alpha")]
    beta = next(r.json() for r in receiver.received if r.path == "/beta")
    assert beta["exit_code"] == 6 and beta["changes"]["new"]["count"] == 1
    # only beta's own findings: alpha, scanned into the same inventory just before, is not beta's change
    assert [t["location"] for t in beta["changes"]["new"]["top_locations"]] == [str(tmp_path / "b" / "x.txt")]


def test_a_scan_that_cannot_run_posts_a_failure(tmp_path, receiver):
    proc = run_piiscout("scan", str(tmp_path / "missing"), "-i", str(tmp_path / "inv"),
                        "--webhook", f"{receiver.url}/x")
    assert proc.returncode == 2
    [doc] = [r.json() for r in receiver.received]
    _validate(doc)
    assert doc["event"] == "scan.failed" and doc["status"] == "failed" and doc["exit_code"] == 2
    assert doc["scan_id"] is None and "no such file" in doc["error"]


@pytest.mark.parametrize("bad,why", [
    (f"ftp://hooks.example.com/{TOKEN}", "starts with https://"),
    (f"https:///{TOKEN}", "no host"),
    ("env:1BAD", "expected env:VARIABLE"),
])
def test_a_bad_webhook_is_a_usage_error_that_does_not_echo_the_secret(tmp_path, bad, why):
    proc = run_piiscout("scan", str(tmp_path), "-i", str(tmp_path / "inv"), "--webhook", bad)
    assert proc.returncode == 2 and why in proc.stderr and "Traceback" not in proc.stderr
    assert TOKEN not in proc.stderr
    assert not (tmp_path / "inv").exists()
