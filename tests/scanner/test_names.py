"""Names that are not valid UTF-8: escaped reversibly, never U+FFFD, never fatal."""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.inventory.reader import Inventory
from scanner.names import escape_bytes, escape_name, one_line, unescape_bytes, unescape_name
from tests.conftest import run_piiscout


@pytest.mark.parametrize("raw,escaped", [
    (b"caf\xe9_payroll.txt", "caf\\xe9_payroll.txt"),
    ("café.txt".encode(), "café.txt"),
    (b"plain.txt", "plain.txt"),
    (b"back\\slash", "back\\slash"),
    (b"looks\\xe9escaped", "looks\\x5cxe9escaped"),
    (b"\\x5c", "\\x5cx5c"),
    (b"\xff\xfe", "\\xff\\xfe"),
])
def test_escaped_form(raw, escaped):
    assert escape_bytes(raw) == escaped
    assert unescape_bytes(escaped) == raw
    assert "\ufffd" not in escaped
    escaped.encode("utf-8")  # always writable


@given(st.binary(max_size=64))
def test_every_byte_string_round_trips(raw):
    text = escape_bytes(raw)
    text.encode("utf-8")
    assert unescape_bytes(text) == raw


@given(st.text(max_size=40).filter(lambda s: "\\" not in s))
def test_valid_names_without_backslashes_are_unchanged(name):
    assert escape_name(name) == name or any(0xD800 <= ord(c) <= 0xDFFF for c in name)


def test_one_line_display():
    assert one_line("a\nb\udce9") == "a\\nb\\xe9"


def _hostile_tree(root: Path) -> dict[bytes, str]:
    """Real files with byte names (Latin-1, newline, leading dash, 255 bytes),
    a TAR and a ZIP with Latin-1 member names; {relative bytes: planted SSN}."""
    root.mkdir(parents=True, exist_ok=True)
    broot = os.fsencode(root)
    names = {
        b"caf\xe9_payroll.txt": "234-56-7890",
        b"new\nline.txt": "345-67-8901",
        b"-rf.txt": "456-78-9012",
        b"d\xf6sseldorf/n\xe4me.txt": "567-89-0123",
        (b"x" * 251) + b".txt": "678-90-1234",
    }
    for rel, ssn in names.items():
        path = os.path.join(broot, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(f"Employee SSN {ssn}\n")
    data = b"SSN 789-01-2345\n"
    with tarfile.open(os.path.join(broot, b"latin1.tar"), "w", format=tarfile.GNU_FORMAT,
                      encoding="latin-1") as tf:
        ti = tarfile.TarInfo("r\xe9sum\xe9.txt")
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("placeholder.txt", b"SSN 890-12-3456\n")
    # Same length (15 bytes): a Latin-1 member name written without the UTF-8 flag.
    raw = buf.getvalue().replace(b"placeholder.txt", b"pl\xe2ceh\xf6lder.txt")
    with open(os.path.join(broot, b"latin1.zip"), "wb") as fh:
        fh.write(raw)
    return names


def test_hostile_names_are_scanned_and_kept_reversibly(tmp_path):
    """be6bffa: `internal error: UnicodeEncodeError ... surrogates not allowed`,
    exit 5, no scans row. Now every name is kept, escaped, and findable."""
    tree = tmp_path / "share"
    names = _hostile_tree(tree)
    inv = tmp_path / "inv"
    proc = run_piiscout("scan", str(tree), "-i", str(inv), "-j", "1")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    i = Inventory(inv)
    sid = i.latest_scan_id()
    items = i.items(sid).to_pylist()
    locations = {r["location"] for r in items if not r["part"]}
    broot = os.fsencode(tree)
    for rel in names:
        loc = escape_bytes(os.path.join(broot, rel))
        assert loc in locations
        # Reversible: the escaped location opens the very file.
        assert Path(os.fsdecode(unescape_bytes(loc))).read_text().startswith("Employee SSN")
    parts = {r["part"] for r in items if r["part"]}
    assert "r\\xe9sum\\xe9.txt" in parts
    assert "pl\\xe2ceh\\xf6lder.txt" in parts
    strings = [v for r in items for v in r.values() if isinstance(v, str)]
    assert not any("\ufffd" in s for s in strings)
    assert all(r["status"] == "scanned" for r in items), [r for r in items if r["status"] != "scanned"]
    assert i.findings(sid).num_rows == len(names) + 2


def test_incremental_rescan_recognises_escaped_names(tmp_path):
    tree = tmp_path / "share"
    _hostile_tree(tree)
    inv = tmp_path / "inv"
    assert run_piiscout("scan", str(tree), "-i", str(inv), "-j", "1").returncode == 0
    proc = run_piiscout("scan", str(tree), "-i", str(inv), "-j", "1", "--incremental")
    assert proc.returncode == 0, proc.stderr
    i = Inventory(inv)
    rows = i.items(i.latest_scan_id()).to_pylist()
    assert len([r for r in rows if not r["part"]]) == 7 and {r["status"] for r in rows} == {"unchanged"}
