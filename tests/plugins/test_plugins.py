"""Plugins: the example packages installed with pip and used by real scans;
a broken plugin is listed as failed and never stops a scan; a plugin
replaces a built-in only when preferred."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import all_strings, run_piiscout


def _table(inv: Path, name: str):
    files = sorted((inv / name).glob("*.parquet"))
    assert files, f"no {name} written"
    return pq.read_table(files[-1]).to_pylist()


def test_plugins_lists_loaded_and_failed(plugin_env):
    proc = run_piiscout("plugins", "--format", "json", env=plugin_env)
    assert proc.returncode == 0, proc.stderr
    rows = {(r["group"], r["name"]): r for r in json.loads(proc.stdout)["plugins"]}
    notes = rows[("piiscout.connectors", "notes")]
    assert notes["status"] == "loaded" and notes["provides"] == ["notes://"]
    assert notes["module"] == "piiscout_example_plugin.connector:NotesConnector"
    assert notes["dist"] == "piiscout-example-plugin"
    assert rows[("piiscout.extractors", "pcard")]["provides"] == ["application/x-pcard"]
    assert rows[("piiscout.recognizers", "employee_id")]["provides"] == ["EMPLOYEE_ID"]
    assert rows[("piiscout.recognizers", "raising")]["status"] == "loaded"
    broken = rows[("piiscout.recognizers", "broken_import")]
    assert broken["status"] == "failed"
    assert "piiscout_no_such_dependency" in broken["error"]
    # Text form: one line per plugin, failures with their error.
    text = run_piiscout("plugins", env=plugin_env).stdout
    assert "broken_import" in text and "failed" in text and "No module named" in text


def test_detectors_shows_plugin_recognizers(plugin_env):
    proc = run_piiscout("detectors", "--format", "json", env=plugin_env)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    emp = [r for r in rows if r["entity_type"] == "EMPLOYEE_ID"]
    assert emp and emp[0]["source"] == "plugin:employee_id" and emp[0]["default"]
    assert "whole segments" in emp[0]["notes"]
    assert any(r["source"] == "plugin:broken_import" and "FAILED" in r["notes"] for r in rows)


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "share"
    root.mkdir()
    # Extractor plugin, by extension and by magic bytes (no extension).
    (root / "jane.pcard").write_text("PCARD1\nname: Jane Roe\nssn: 536-22-1934\nstaff: EMP-204815\n")
    (root / "card-no-ext").write_text("PCARD1\nssn: 536-22-1935\n")
    # Broken extractor plugin: raises on every file.
    (root / "x.boom").write_text("anything\n")
    # Built-in extractor, plugin recognizer.
    (root / "hr.txt").write_text("Employee EMP-123456 joined; order EMP-99 is not one.\n")
    # A recognizer plugin that raises on this text: the item is an error, findings of the others kept.
    (root / "explode.txt").write_text("explode! SSN 536-22-1937\n")
    export = tmp_path / "notes.json"
    export.write_text(json.dumps({"notes": [
        {"id": "n1", "title": "HR", "body": "employee EMP-654321, SSN 536-22-1936", "updated": 1700000000},
        {"id": "n2", "title": "Shopping", "body": "milk, eggs", "updated": 1700000001},
    ]}))
    # Not a notes export: the connector plugin's listing raises.
    (tmp_path / "bad-notes.json").write_text(json.dumps({"something": "else"}))
    return root


def test_scan_with_plugin_connector_extractor_and_recognizer(plugin_env, tree, tmp_path):
    inv = tmp_path / "inv"
    proc = run_piiscout("scan", str(tree), f"notes://{tmp_path / 'notes.json'}",
                        f"notes://{tmp_path / 'bad-notes.json'}", "-i", str(inv), env=plugin_env)
    # The broken extractor makes one item an error (exit 1); the scan finishes,
    # `partial`: the notes plugin's listing of bad-notes.json broke, so that
    # whole target was not reached.
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert " partial: " in proc.stdout and "1 not reached" in proc.stdout
    # The plugin that failed to import is reported once, with its name and error.
    assert proc.stderr.count("broken_import") == 1, proc.stderr
    assert "piiscout_no_such_dependency" in proc.stderr

    items = {(r["location"].rsplit("/", 1)[-1], r["part"]): r for r in _table(inv, "items")}
    boom = items[("x.boom", "")]
    assert boom["status"] == "error" and boom["reason"].startswith("plugin boom: extractor raised: RuntimeError")
    assert items[("jane.pcard", "")]["content_type"] == "application/x-pcard"
    assert items[("card-no-ext", "")]["content_type"] == "application/x-pcard"
    assert items[("jane.pcard", "")]["status"] == "scanned"
    notes = [r for r in items.values() if r["source"] == "notes" and "#" in r["location"]]
    assert sorted(r["location"].rsplit("#", 1)[1] for r in notes) == ["n1", "n2"]
    assert all(r["status"] == "scanned" for r in notes)
    bad = items[("bad-notes.json", "")]
    assert bad["status"] == "error" and bad["reason"].startswith("plugin notes: listing raised: ")
    exploded = items[("explode.txt", "")]
    assert exploded["status"] == "error"
    assert "plugin raising: recognizer RaisingRecognizer raised: RuntimeError" in exploded["reason"]
    assert items[("hr.txt", "")]["status"] == "scanned"

    findings = _table(inv, "findings")
    by = {}
    for f in findings:
        by.setdefault((f["location"].rsplit("/", 1)[-1], f["entity_type"]), []).append(f)
    # Connector plugin + recognizer plugin (context word "employee": boosted).
    note = by[("notes.json#n1", "EMPLOYEE_ID")][0]
    assert note["source"] == "notes" and note["detector"] == "EmployeeIdRecognizer" and note["score"] >= 0.85
    assert ("notes.json#n1", "US_SSN") in by
    # Extractor plugin: its segments carry the key as context ("ssn", "staff").
    assert by[("jane.pcard", "US_SSN")][0]["score"] >= 0.9
    assert by[("jane.pcard", "EMPLOYEE_ID")][0]["score"] >= 0.85
    assert ("card-no-ext", "US_SSN") in by
    assert ("explode.txt", "US_SSN") in by  # the other recognizers' findings are kept
    # Built-in extractor, plugin recognizer; EMP-99 is not an ID.
    assert len(by[("hr.txt", "EMPLOYEE_ID")]) == 1
    assert by[("hr.txt", "EMPLOYEE_ID")][0]["masked_value"].endswith("3456")
    # Plugin findings are masked and hashed like any other.
    strings = all_strings(inv)
    for raw in ("EMP-654321", "EMP-204815", "536-22-1936", "536-22-1934"):
        assert not any(raw in s for s in strings), raw
    scan = _table(inv, "scans")[0]
    opts = json.loads(scan["options"])
    assert "recognizers:broken_import:failed" in opts["plugins"]


def test_without_the_plugins_the_scheme_is_unknown(tmp_path):
    proc = run_piiscout("scan", "notes:///nowhere.json", "-i", str(tmp_path / "inv"))
    assert proc.returncode == 2
    assert "unsupported target scheme notes://" in proc.stderr


def test_docs_show_the_example_package_as_it_is():
    """docs/plugins.md quotes the example package's files: they must not drift."""
    import re

    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "plugins.md").read_text()
    blocks = re.findall(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```\n", doc, re.S)
    assert len(blocks) == 4
    for rel, text in blocks:
        assert (ROOT / rel).read_text() == text, f"docs/plugins.md is out of date for {rel}"
