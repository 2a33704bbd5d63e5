import pytest

from scanner.sniff import sniff


@pytest.mark.parametrize(
    "head,name,expected",
    [
        (b"%PDF-1.7\n", "x.txt", "application/pdf"),
        (b"PK\x03\x04rest", "notes.txt", "application/zip"),
        (b"\x1f\x8b\x08\x00", "a.log.gz", "application/gzip"),
        (b"hello, world\n", "a.txt", "text/plain"),
        (b"a,b,c\n1,2,3\n", "data.csv", "text/csv"),
        (b"a\tb\n1\t2\n", "data.tsv", "text/tab-separated-values"),
        (b'{"a": 1}', "x.json", "application/json"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "page", "text/html"),
        (b"From jane@example.com Mon Jan  1 00:00:00 2024\nFrom: a@b.c\nTo: d@e.f\nSubject: x\n\nbody\n",
         "inbox", "application/mbox"),
        (b"From: a@example.com\nTo: b@example.com\nSubject: hi\n\nbody", "msg", "message/rfc822"),
        (b"!BDN\x00\x00", "archive.pst", "application/vnd.ms-outlook-pst"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.doc", "application/x-ole-storage"),
        (b"\x89PNG\r\n\x1a\n", "scan.png", "image/png"),
    ],
)
def test_sniff(head, name, expected):
    assert sniff(head, name) == expected


def test_binary_gets_a_type():
    ctype = sniff(bytes(range(256)) * 8, "firmware.bin")
    assert ctype and not ctype.startswith("text/")
