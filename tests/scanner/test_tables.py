"""Structured content (scanner/tables.py): cells as text, column names as
context, row keys; and one pipeline for every source: the same values read
from CSV files and from SQLite tables give the same findings, honouring an
allow list, a custom rule and plugin recognizers, and a plugin's failure is
recorded on the item it failed on."""

from __future__ import annotations

import csv
import json
import sqlite3
import textwrap
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq

from scanner.tables import ColumnLayout, cell_text, column_context, key_text
from tests.conftest import all_strings, run_piiscout


def test_cells_as_text():
    assert cell_text(Decimal("4111111111111111")) == "4111111111111111"
    assert cell_text(Decimal("4.111111111111111E+15")) == "4111111111111111"
    assert cell_text(123456789) == "123456789"
    assert cell_text(b"x@example.com") == "x@example.com"
    assert cell_text({"email": "a@b.example"}) == '{"email": "a@b.example"}'
    assert cell_text(None) is None and cell_text(True) is None


def test_column_names_as_context():
    assert column_context("cc_number") == ("cc_number", "card number")
    assert "ssn" in column_context("CustomerSSN")
    assert "tax id" in column_context("taxid")
    assert "card number" in column_context("PAN")
    assert column_context("order_no") == ("order_no",)


def test_row_keys_hide_values_that_could_be_pii():
    key = b"k" * 32
    assert key_text(42, key) == "42"
    assert key_text("(0,7)", key) == "(0,7)"
    assert key_text("123-45-6789", key).startswith("#")
    assert key_text(123456789, key).startswith("#")
    assert "example" not in key_text("jo@example.com", key)
    lay = ColumnLayout([0, 10, 20], [(1, "a"), (2, "b"), (3, "c")], ("id", "code"), [0, 1, 2], key)
    assert lay.row_key_at("", 12).startswith("id=2,code=#")
    assert ColumnLayout([0, 5], [None, None], (), [0, 1], key).row_key_at("", 6) == "row=2"


# -- one pipeline for files and tables -----------------------------------------------------

COLUMNS = ("id", "ssn", "email", "card_number", "staff_id", "case_ref", "note")
# Synthetic values only (not published test cards: those are suppressed by default). Card numbers are stored as numbers in SQLite (INTEGER), as text in CSV.
PEOPLE = [
    (1, "536-22-1934", "jane.roe@example.org", 4485230972151343, "EMP-204815", "CASE-10001", "called twice"),
    (2, "536-22-1935", "jo.bloggs@example.com", 5425463219890593, "EMP-204816", "CASE-10002", "explode! later"),
    (3, "536-22-1936", "demo@example.com", 4716059286090942, "EMP-204817", "CASE-10003", "no notes"),
    (4, "536-22-1937", "a.smith@example.net", 378762495690496, "EMP-204818", "CASE-10004", "moved"),
]
VENDORS = [
    (1, "536-22-1940", "billing@example.com", 6011988868611757, "EMP-300001", "CASE-20001", "net 30"),
    (2, "536-22-1941", "ap@example.org", 2221542648244267, "EMP-300002", "CASE-20002", "net 60"),
]
RULES = """\
[rules.ACME_CASE]
pattern = '\\bCASE-\\d{5}\\b'
score = 0.7

[allow.US_SSN]
values = ["536-22-1935"]

[allow]
values = ["demo@example.com", "4716 0592 8609 0942"]
"""


def _write_sources(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "csv"
    folder.mkdir()
    db = tmp_path / "crm.db"
    con = sqlite3.connect(db)
    for name, rows in (("people", PEOPLE), ("vendors", VENDORS)):
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            w.writerows(rows)
        con.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, ssn TEXT, email TEXT, card_number INTEGER, "
                    "staff_id TEXT, case_ref TEXT, note TEXT)")
        con.executemany(f"INSERT INTO {name} VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    con.commit()
    con.close()
    return folder, db


def _rows(inv: Path, table: str) -> list[dict]:
    out: list[dict] = []
    for p in sorted((inv / table).rglob("*.parquet")):
        out += pq.read_table(p).to_pylist()
    return out


def _object(location: str) -> str:
    """people.csv and .../main.people both as "people"."""
    return location.rsplit("/", 1)[-1].rsplit(".", 1)[0 if location.endswith(".csv") else 1]


def _scan(target: str, inv: Path, rules: Path, env: dict):
    proc = run_piiscout("scan", target, "-i", str(inv), "--rules", str(rules), "-j", "1", env=env)
    # The raising plugin recognizer makes one item an error: exit 1.
    assert proc.returncode == 1, proc.stdout + proc.stderr
    findings = Counter((_object(f["location"]), f["entity_type"], f["value_hash"], f["masked_value"],
                        f["score"], f["detector"]) for f in _rows(inv, "findings"))
    items = {_object(r["location"]): r for r in _rows(inv, "items") if not r["part"]}
    [scan] = _rows(inv, "scans")
    return findings, items, scan


def test_csv_and_sqlite_give_the_same_findings(plugin_env, tmp_path):
    folder, db = _write_sources(tmp_path)
    rules = tmp_path / "rules.toml"
    rules.write_text(textwrap.dedent(RULES))
    from_csv, csv_items, csv_scan = _scan(str(folder), tmp_path / "inv-csv", rules, plugin_env)
    from_sql, sql_items, sql_scan = _scan(f"sqlite:///{db}", tmp_path / "inv-sql", rules, plugin_env)

    assert from_sql == from_csv
    kinds = Counter(k[1] for k in from_sql.elements())
    # Six rows; one SSN, one e-mail and one card are allow-listed (by entity and for every entity).
    assert kinds["US_SSN"] == 5 and kinds["EMAIL_ADDRESS"] == 5 and kinds["CREDIT_CARD"] == 5, kinds
    assert kinds["ACME_CASE"] == 6, kinds  # the custom rule
    assert kinds["EMPLOYEE_ID"] == 6, kinds  # the example plugin's recognizer
    assert csv_scan["suppressed"] == sql_scan["suppressed"] == 3
    assert sql_items["people"]["suppressed"] == 3 and sql_items["vendors"]["suppressed"] == 0

    # The raising plugin recognizer ("explode" in one cell of people) costs that item, not the next.
    for items in (csv_items, sql_items):
        assert items["people"]["status"] == "error", items["people"]
        assert "plugin raising: recognizer RaisingRecognizer raised" in items["people"]["reason"]
        assert items["vendors"]["status"] == "scanned", items["vendors"]
        assert "plugin" not in (items["vendors"]["reason"] or ""), items["vendors"]

    for inv in (tmp_path / "inv-csv", tmp_path / "inv-sql"):
        strings = all_strings(inv)
        for raw in ("536-22-1935", "demo@example.com", "4716059286090942", "EMP-204815", "CASE-10001"):
            assert not any(raw in s for s in strings), (inv.name, raw)
    opts = json.loads(sql_scan["options"])
    assert opts["custom_rules"] == ["ACME_CASE"] and opts["allow_list_entries"] == 3
