"""Archive bomb limits and nesting, through the real pipeline."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from scanner.model import ItemRecord, TargetSpec
from scanner.pipeline import ItemProcessor, ObjectInfo
from scanner.job import Job
from scanner.settings import ScanSettings
from tests.conftest import run_piiscout


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


_ENGINE = []


def scan(data: bytes, name: str, **settings) -> dict[str, ItemRecord]:
    spec = TargetSpec(name="t", url="/t", scheme="file")
    proc = ItemProcessor(Job((spec,), ScanSettings(**settings)), engine=_ENGINE[0] if _ENGINE else None)
    _ENGINE[:] = [proc.engine]
    out = proc.scan_stream(io.BytesIO(data), ObjectInfo("file", "/t/" + name), name, time.monotonic() + 60)
    return {r.part: r for r in out if isinstance(r, ItemRecord)}


def test_member_limit_counts_nested_members_too():
    inner = zip_bytes({f"in{i}.txt": b"x" for i in range(5)})
    rows = scan(zip_bytes({"a.txt": b"a", "inner.zip": inner, "z.txt": b"z"}), "a.zip", max_archive_members=4)
    skipped = [p for p, r in rows.items() if r.status == "skipped" and "member limit" in (r.reason or "")]
    assert skipped == ["inner.zip/in2.txt", "z.txt"]  # one row per archive where the limit hit
    opened = [p for p, r in rows.items() if p and r.status == "scanned"]
    assert opened == ["a.txt", "inner.zip/in0.txt", "inner.zip/in1.txt", "inner.zip"]
    assert "member limit" in rows[""].reason  # noted on the archive's own row


def test_size_limit_stops_reading():
    data = zip_bytes({"a.txt": b"line of text\n" * 50_000, "b.txt": b"more\n" * 50_000})
    rows = scan(data, "a.zip", max_archive_size=200_000)
    assert any(r.reason and "size limit" in r.reason for r in rows.values())


def test_ratio_limit_catches_a_bomb():
    rows = scan(zip_bytes({"zeros.txt": b"\0" * (8 << 20)}), "bomb.zip")
    assert rows["zeros.txt"].status == "skipped" and "compression ratio" in rows["zeros.txt"].reason


def test_ratio_limit_while_streaming_a_gzip():
    import gzip

    rows = scan(gzip.compress(b"a" * (16 << 20)), "x.txt.gz", max_archive_ratio=50)
    assert rows["x.txt"].status == "skipped" and "compression ratio" in rows["x.txt"].reason


def test_nesting_depth():
    data = b"SSN 234-56-7890\n"
    for i in range(4):
        data = zip_bytes({f"level{i}.zip" if i else "deep.txt": data})
    rows = scan(data, "top.zip", max_depth=2)
    deep = [r for r in rows.values() if r.reason and "nested deeper" in r.reason]
    assert deep and all(r.status == "skipped" for r in deep)


def test_zip_named_txt_is_a_zip_and_docx_that_is_text_is_an_error():
    rows = scan(zip_bytes({"x.csv": b"a,b\n1,2\n"}), "notes.txt")
    assert rows[""].content_type == "application/zip" and rows["x.csv"].status == "scanned"
    rows = scan(b"just text", "report.docx")
    assert rows[""].status == "error" and rows[""].reason.startswith("not a valid DOCX file")


def test_cli_archive_options(tmp_path):
    (tmp_path / "share").mkdir()
    (tmp_path / "share" / "a.zip").write_bytes(zip_bytes({f"m{i}.txt": b"hello\n" for i in range(5)}))
    proc = run_piiscout("scan", str(tmp_path / "share"), "-i", str(tmp_path / "inv"), "--max-archive-members", "2",
                        "--max-depth", "3", "--max-archive-size", "10MB", "--max-archive-ratio", "100", "-j", "1")
    assert proc.returncode == 0, proc.stderr
    bad = run_piiscout("scan", str(tmp_path / "share"), "-i", str(tmp_path / "inv"), "--max-archive-ratio", "x")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


@pytest.mark.parametrize("members", [{"a.txt": b"SSN 234-56-7890"}])
def test_tar_gz_members_are_parts_of_the_file(members):
    import gzip

    rows = scan(gzip.compress(_tar({f"dir/{name}": data for name, data in members.items()})), "b.tgz")
    assert rows["dir/a.txt"].status == "scanned" and rows["dir/a.txt"].findings == 1


def _tar(members: dict[str, bytes]) -> bytes:
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _7z(members: dict[str, bytes], tmp_path) -> bytes:
    libarchive = pytest.importorskip("libarchive")
    path = tmp_path / "a.7z"
    with libarchive.file_writer(str(path), "7zip") as archive:
        for name, data in members.items():
            archive.add_file_from_memory(name, len(data), data)
    return path.read_bytes()


@pytest.mark.parametrize("kind", ["tar", "tgz", "7z"])
def test_member_limit_stops_every_archive_format(kind, tmp_path):
    """ZIP, TAR (plain or compressed) and 7z stop at the first member past
    the limit: it is skipped with the reason, noted on the archive's row,
    and nothing after it is listed."""
    import gzip

    members = {f"m{i}.txt": b"x" for i in range(5)}
    data = {"tar": lambda: _tar(members), "tgz": lambda: gzip.compress(_tar(members)),
            "7z": lambda: _7z(members, tmp_path)}[kind]()
    rows = scan(data, f"a.{kind}", max_archive_members=2)
    assert [p for p, r in rows.items() if p and r.status == "scanned"] == ["m0.txt", "m1.txt"]
    assert rows["m2.txt"].status == "skipped" and "member limit" in rows["m2.txt"].reason
    assert "m3.txt" not in rows and "m4.txt" not in rows
    assert "member limit" in rows[""].reason
