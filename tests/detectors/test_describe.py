"""`piiscout detectors` and the README's "What is detected" table list
every entity piiscout's recognizers report, each with its rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

from detectors.catalog import builtin_entities, recognizer_classes
from tests.conftest import run_piiscout

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_table_entities() -> dict[str, str]:
    """entity -> the 'how' cell of its row in the README's table."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## What is detected"):]
    rows = re.findall(r"^\| (.+?) \| (.+) \|$", section[:section.index("\n\n", section.index("| entity"))], re.M)
    out = {}
    for first, how in rows:
        names = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first))
        if first.startswith("EU national ids"):  # one row for all of them, named in its cell
            names |= set(re.findall(r"`([A-Z]{2}_[A-Z0-9_]+)`", how))
        for n in names:
            out[n] = how
    return out


def test_detectors_lists_every_recognizer_with_its_rules():
    proc = run_piiscout("detectors", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    listed = {(r["entity_type"], r["recognizer"]): r for r in rows}
    for cls in recognizer_classes():
        row = listed.get((cls.ENTITY, cls.__name__))
        assert row is not None, cls.__name__
        assert row["default"] and len(row["notes"]) >= 20, row


def test_readme_table_has_a_row_for_every_entity():
    table = _readme_table_entities()
    missing = sorted(builtin_entities() - set(table))
    assert missing == [], f"not in the README's 'What is detected' table: {missing}"
    for entity in builtin_entities():
        assert len(table[entity]) >= 40, entity  # its validation and context rules, not just a name
