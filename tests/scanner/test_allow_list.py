"""Allow lists: listed values (plain or as `piiscout hash` HMACs) are never
reported in any format, every suppression is counted (summary line, scans
table), and neither the inventory nor the messages hold the values."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pyarrow.parquet as pq

from scanner import privacy
from tests.conftest import TEST_KEY, all_strings, run_piiscout

TEXT = """\
Cards: 4485 2309 7215 1343, 4485-2309-7215-1343, 4485230972151343.
Real card: 5425 4632 1989 0593
SSN: 536-22-1934 / SSN 536 22 1934 / ssn=536221934
Other SSN: 536-22-1999
Switchboard: (212) 555-0100, +1 212 555 0100, 212.555.0100
Mail demo@example.com and DEMO@Example.com, real jane.roe@example.org
"""


def _table(inv: Path, name: str):
    return pq.read_table(sorted((inv / name).glob("*.parquet"))[-1]).to_pylist()


def _hash(value: str, *args: str) -> str:
    proc = run_piiscout("hash", *args, input_text=value + "\n")
    assert proc.returncode == 0, proc.stderr
    assert value not in proc.stdout + proc.stderr
    (line,) = proc.stdout.split()
    return line


def test_hash_command_matches_value_hash():
    key = TEST_KEY.encode()
    assert _hash("4485 2309 7215 1343") == "hmac:" + privacy.value_hash("CREDIT_CARD", "4485-2309-7215-1343", key)
    assert _hash("+1 212 555 0100", "--entity", "PHONE_NUMBER") == \
        "hmac:" + privacy.value_hash("PHONE_NUMBER", "(212) 555-0100", key)
    assert _hash("Demo@Example.com", "--kind", "email") == \
        "hmac:" + privacy.value_hash("EMAIL_ADDRESS", "demo@example.com", key)
    proc = run_piiscout("hash", "--value", "078-05-1120")
    assert proc.returncode == 0 and "shell history" in proc.stderr
    assert proc.stdout.strip() == "hmac:" + privacy.value_hash("US_SSN", "078051120", key)
    assert run_piiscout("hash", "--entity", "NO_SUCH_THING", input_text="x\n").returncode == 2


def test_allow_listed_values_disappear_in_every_format(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "demo.txt").write_text(TEXT)
    card_hash = _hash("4485-2309-7215-1343")
    phone_hash = _hash("212 555 0100", "--entity", "PHONE_NUMBER")
    config = tmp_path / "scans.toml"
    config.write_text(textwrap.dedent(f"""
        inventory = "inv"
        [targets.demo]
        url = "share"

        [allow]
        values = ["{card_hash}", "demo@example.com"]
        patterns = ['^536-?22-?19\\d\\d$']   # raw or normalised

        [allow.US_SSN]
        values = ["536-22-1934"]

        [allow.PHONE_NUMBER]
        values = ["{phone_hash}"]
    """))
    proc = run_piiscout("scan", "--config", str(config))
    assert proc.returncode == 0, proc.stderr
    inv = tmp_path / "inv"
    findings = _table(inv, "findings")
    got = sorted((f["entity_type"], f["masked_value"]) for f in findings)
    assert got == [("CREDIT_CARD", "**** **** **** 0593"), ("EMAIL_ADDRESS", "j***@example.org")], got
    # 3 cards + 4 SSNs (3 listed, 1 by pattern) + 3 phone numbers + 2 addresses.
    assert "suppressed by allow list: 12" in proc.stdout
    scan = _table(inv, "scans")[0]
    assert scan["suppressed"] == 12 and scan["findings"] == 2
    opts = json.loads(scan["options"])
    assert opts["allow_list_entries"] == 5
    strings = "\n".join(all_strings(inv))
    for raw in ("536-22-1934", "536221934", "4485230972151343", "demo@example.com", "5550100"):
        assert raw not in strings


def test_without_allow_list_the_values_are_found(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "demo.txt").write_text(TEXT)
    proc = run_piiscout("scan", str(share), "-i", str(tmp_path / "inv"))
    assert proc.returncode == 0, proc.stderr
    assert "suppressed" not in proc.stdout
    assert len(_table(tmp_path / "inv", "findings")) == 14
    assert _table(tmp_path / "inv", "scans")[0]["suppressed"] == 0


def test_rules_file_errors_exit_2_naming_the_rule(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    rules = tmp_path / "rules.toml"
    rules.write_text("[rules.EMPLOYEE_ID]\npattern = 'EMP-(\\d{6}'\n[rules.OK]\npattern='X\\d+'\n"
                     "validator = 'stdnum:zz.none'\n")
    proc = run_piiscout("scan", str(share), "-i", str(tmp_path / "inv"), "--rules", str(rules))
    assert proc.returncode == 2
    assert "[rules.EMPLOYEE_ID]: pattern is not a valid regular expression" in proc.stderr
    assert "[rules.OK]: unknown validator 'stdnum:zz.none'" in proc.stderr
    assert not (tmp_path / "inv").exists()
    # The same tables in a config file: one line each, naming file and rule.
    config = tmp_path / "scans.toml"
    config.write_text(textwrap.dedent("""
        [targets.a]
        url = "share"
        [rules.BAD_ONE]
        pattern = '[a-'
        [allow]
        values = ["hmac:536-22-1934"]
    """))
    proc = run_piiscout("scan", "--config", str(config))
    assert proc.returncode == 2
    assert f"{config}: [rules.BAD_ONE]: pattern is not a valid regular expression" in proc.stderr
    assert "hmac: must be followed by 64 hex digits" in proc.stderr
    assert "536" not in proc.stderr


def test_custom_rule_scan_and_listing(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    # An identifier piiscout has no recognizer of its own for (the Icelandic kennitala).
    (share / "hr.csv").write_text("name,kennitala_nr\nA,120174-3399\nB,120174-3398\n")
    rules = tmp_path / "rules.toml"
    rules.write_text(textwrap.dedent(r"""
        [rules.IS_KENNITALA]
        pattern = '\b\d{6}-?\d{4}\b'
        score = 0.4
        context = ["kennitala"]
        validator = "stdnum:is_.kennitala"
    """))
    proc = run_piiscout("scan", str(share), "-i", str(tmp_path / "inv"), "--rules", str(rules))
    assert proc.returncode == 0, proc.stderr
    findings = _table(tmp_path / "inv", "findings")
    assert [(f["entity_type"], f["masked_value"], f["detector"]) for f in findings] == \
        [("IS_KENNITALA", "******-3399", "CustomRule_IsKennitala")]
    assert findings[0]["score"] == 0.7  # the column header is context
    det = run_piiscout("detectors", "--rules", str(rules))
    assert det.returncode == 0 and "IS_KENNITALA" in det.stdout and "stdnum:is_.kennitala" in det.stdout
    plug = run_piiscout("plugins", "--rules", str(rules), "--format", "json")
    assert json.loads(plug.stdout)["custom_rules"][0]["prefilter"] == "hyperscan"


def test_incremental_rescan_counts_suppressions_of_unchanged_items(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "demo.txt").write_text(TEXT)
    (share / "other.txt").write_text("card 4485 2309 7215 1343\n")
    rules = tmp_path / "rules.toml"
    rules.write_text('[allow]\nvalues = ["4485 2309 7215 1343"]\n')
    args = ("scan", str(share), "-i", str(tmp_path / "inv"), "--rules", str(rules), "--incremental")
    first = run_piiscout(*args)
    assert first.returncode == 0, first.stderr
    assert "suppressed by allow list: 4" in first.stdout
    items = {Path(r["location"]).name: r["suppressed"] for r in _table(tmp_path / "inv", "items")}
    assert items == {"demo.txt": 3, "other.txt": 1}
    (share / "other.txt").write_text("card 4485-2309-7215-1343 changed\n")
    again = run_piiscout(*args)
    assert again.returncode == 0, again.stderr
    assert "1 unchanged" in again.stdout and "suppressed by allow list: 4" in again.stdout
    scans = sorted(_all(tmp_path / "inv", "scans"), key=lambda r: r["scan_id"])
    assert [s["suppressed"] for s in scans] == [4, 4]
    rep = run_piiscout("report", str(tmp_path / "inv"))
    assert "(suppressed by allow list: 4)" in rep.stdout
    rep = json.loads(run_piiscout("report", str(tmp_path / "inv"), "--format", "json").stdout)
    assert rep["suppressed"] == 4


def _all(inv: Path, name: str):
    rows = []
    for p in sorted((inv / name).glob("*.parquet")):
        rows += pq.read_table(p).to_pylist()
    return rows


def test_suppressions_are_counted_on_the_object_they_were_in(tmp_path):
    import zipfile

    share = tmp_path / "share"
    share.mkdir()
    with zipfile.ZipFile(share / "bundle.zip", "w") as z:
        z.writestr("a.txt", "card 4485 2309 7215 1343\n")
        z.writestr("b.txt", "cards 4485-2309-7215-1343, then 4485230972151343; 5425 4632 1989 0593\n")
    rules = tmp_path / "rules.toml"
    rules.write_text('[allow]\nvalues = ["4485 2309 7215 1343"]\n')
    proc = run_piiscout("scan", str(share), "-i", str(tmp_path / "inv"), "--rules", str(rules))
    assert proc.returncode == 0, proc.stderr
    rows = {r["part"]: (r["suppressed"], r["findings"]) for r in _table(tmp_path / "inv", "items")}
    assert rows == {"": (0, 0), "a.txt": (1, 0), "b.txt": (2, 1)}
    assert _table(tmp_path / "inv", "scans")[0]["suppressed"] == 3


def test_config_rules_file_key_and_misplaced_rules(tmp_path):
    from tests.scanner.test_config import problems, write

    (tmp_path / "share").mkdir()
    (tmp_path / "share" / "hr.txt").write_text("staff EMP-204815, SSN 536-22-1934\n")
    (tmp_path / "rules.toml").write_text("[rules.EMPLOYEE_ID]\npattern = 'EMP-\\d{6}'\n")
    ok = write(tmp_path, """
        inventory = "inv"
        entities = ["EMPLOYEE_ID", "US_SSN"]
        rules_file = "rules.toml"       # relative to this file
        [targets.a]
        url = "share"
    """)
    proc = run_piiscout("scan", "--config", str(ok))
    assert proc.returncode == 0, proc.stderr
    assert sorted(f["entity_type"] for f in _table(tmp_path / "inv", "findings")) == ["EMPLOYEE_ID", "US_SSN"]
    bad = write(tmp_path, """
        rules = "rules.toml"
        [targets.a]
        url = "share"
    """, "bad.toml")
    assert any("[rules]: expected a table (a rules file is named with rules_file" in p for p in problems(bad))


def test_listing_commands_show_the_custom_rules_of_a_config_file(tmp_path):
    config = tmp_path / "scans.toml"
    config.write_text(textwrap.dedent(r"""
        [targets.a]
        url = "share"
        [rules.NL_BSN]
        pattern = '\b\d{9}\b'
        score = 0
        context_score = 0.85
        context = ["bsn"]
        validator = "stdnum:nl.bsn"
        [rules.REF_AFTER_LABEL]
        pattern = '(?<=REF:)\d{8}'
        [allow]
        values = ["078-05-1120"]
    """))
    det = run_piiscout("detectors", "--config", str(config), "--format", "json")
    assert det.returncode == 0, det.stderr
    rows = {r["entity_type"]: r for r in json.loads(det.stdout)}
    assert rows["NL_BSN"]["source"] == "custom" and rows["NL_BSN"]["needs_context"] == "yes"
    assert "Python re over whole texts" in rows["REF_AFTER_LABEL"]["notes"]
    assert "Hyperscan" not in det.stderr  # listed, not warned about
    plug = run_piiscout("plugins", "--config", str(config))
    assert plug.returncode == 0, plug.stderr
    assert "NL_BSN" in plug.stdout and "Allow-list entries: 1" in plug.stdout
    assert "078" not in plug.stdout + det.stdout
