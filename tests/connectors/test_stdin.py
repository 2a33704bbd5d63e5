"""Standard input as a target: `cat dump.sql | piiscout scan - -i INV`."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import zipfile

import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT, TEST_KEY, all_strings, run_piiscout

SSN = "536-22-8471"  # synthetic: a valid-looking area/group/serial, not a published test number
SSN2 = "412-56-7390"


def _table(inv, name):
    return pq.read_table(inv / name).to_pylist()


def _pipe(data: bytes, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PIISCOUT_HASH_KEY": TEST_KEY}
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], input=data, capture_output=True,
                          env=env, cwd=str(ROOT), timeout=600)


def test_a_piped_line_with_an_ssn_is_recorded(tmp_path):
    inv = tmp_path / "inv"
    proc = run_piiscout("scan", "-", "-i", str(inv), "-j", "1", input_text=f"customer note: SSN {SSN}\n")
    assert proc.returncode == 0, proc.stderr
    findings = _table(inv, "findings")
    assert [(f["entity_type"], f["masked_value"], f["location"], f["source"]) for f in findings] == \
        [("US_SSN", "***-**-8471", "-", "stdin")]
    items = [i for i in _table(inv, "items") if not i["part"]]
    assert len(items) == 1 and items[0]["location"] == "-" and items[0]["status"] == "scanned"
    assert items[0]["exposure"] is None and items[0]["readers"] is None  # nothing is known about who reads a pipe
    scan = _table(inv, "scans")[0]
    assert scan["targets"] == ["-"] and scan["status"] == "complete"
    assert not any(SSN in s or SSN.replace("-", "") in s for s in all_strings(inv) + [proc.stdout, proc.stderr])


def test_content_is_sniffed_like_a_file(tmp_path):
    """An SQL dump, a CSV and a ZIP through the pipe: each read by its own extractor."""
    dump = (f"INSERT INTO customers (id, name, ssn, email) VALUES (1, 'Ann Lee', '{SSN}', "
            "'ann.lee@example.org');\n").encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hr/people.csv", f"name,ssn\nBob Roe,{SSN2}\n")
    for data, part, entities, ctype in (
        (dump, "", {"US_SSN", "EMAIL_ADDRESS"}, None),
        (buf.getvalue(), "hr/people.csv", {"US_SSN"}, "application/zip"),
    ):
        inv = tmp_path / f"inv-{len(data)}"
        proc = _pipe(data, "scan", "-", "-i", str(inv), "-j", "1")
        assert proc.returncode == 0, proc.stderr
        findings = _table(inv, "findings")
        assert entities <= {f["entity_type"] for f in findings}, findings
        assert {f["part"] for f in findings if f["entity_type"] == "US_SSN"} == {part}
        top = next(i for i in _table(inv, "items") if not i["part"])
        if ctype:
            assert top["content_type"] == ctype


def test_a_large_stream_is_read_whole(tmp_path):
    """20 MB of log lines with one SSN at the very end: nothing is cut off."""
    line = b"2024-05-01T10:00:00Z INFO request id=7 path=/api/items status=200 bytes=512\n"
    data = line * (20_000_000 // len(line)) + f"support ticket: ssn {SSN}\n".encode()
    inv = tmp_path / "inv"
    proc = _pipe(data, "scan", "-", "-i", str(inv), "-j", "1")
    assert proc.returncode == 0, proc.stderr
    assert [f["masked_value"] for f in _table(inv, "findings")] == ["***-**-8471"]
    top = next(i for i in _table(inv, "items") if not i["part"])
    assert top["bytes_scanned"] == len(data)


def test_empty_input_is_a_scan_without_findings(tmp_path):
    proc = _pipe(b"", "scan", "-", "-i", str(tmp_path / "inv"))
    assert proc.returncode == 0, proc.stderr
    assert _table(tmp_path / "inv", "findings") == []


def test_a_terminal_or_a_cluster_is_refused_with_one_line(tmp_path):
    env = {**os.environ, "PIISCOUT_HASH_KEY": TEST_KEY}
    master, slave = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", "-", "-i", str(tmp_path / "inv")],
                              stdin=slave, capture_output=True, text=True, env=env, cwd=str(ROOT), timeout=120)
    finally:
        os.close(slave)
        os.close(master)
    assert proc.returncode == 2
    assert "standard input (-) is a terminal" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "inv").exists()  # refused before the inventory is touched
    proc = _pipe(b"x", "scan", "-", "-i", str(tmp_path / "inv2"), "--executor", "dask")
    assert proc.returncode == 2 and b"not with --executor dask" in proc.stderr


@pytest.mark.parametrize("raw", ["-"])
def test_parse(raw):
    from connectors.stdin import StdinConnector

    spec = StdinConnector.parse(raw)
    assert (spec.url, spec.scheme, spec.name) == ("-", "stdin", "-")
