"""Parsing self-relative security descriptors: real layouts and broken ones."""

from __future__ import annotations

import struct

import pytest

from scanner.exposure import ntsd
from scanner.exposure.ntsd import SecurityDescriptorError

def samba_0644() -> bytes:
    """What Samba 4.17 returns for a 0644 file owned by root (QUERY_INFO OWNER|GROUP|DACL)."""
    owner = ntsd.sid_to_bytes("S-1-22-1-0")
    group = ntsd.sid_to_bytes("S-1-22-2-0")
    acl = ntsd.build_acl([(0, 0, 0x0012019F, "S-1-22-1-0"), (0, 0, 0x00120089, "S-1-22-2-0"),
                          (0, 0, 0x00120089, "S-1-1-0")])
    header = struct.pack("<BBHIIII", 1, 0, 0x9004, 20, 20 + len(owner), 0, 20 + len(owner) + len(group))
    return header + owner + group + acl


def test_samba_layout():
    sd = ntsd.parse(samba_0644())
    assert sd.owner == "S-1-22-1-0" and sd.group == "S-1-22-2-0"
    assert sd.protected and sd.explicit
    assert [(a.sid, a.mask, a.allows) for a in sd.dacl] == [
        ("S-1-22-1-0", 0x0012019F, True), ("S-1-22-2-0", 0x00120089, True), ("S-1-1-0", 0x00120089, True)]


@pytest.mark.parametrize("sid", ["S-1-1-0", "S-1-5-21-1004336348-1177238915-682003330-512", "S-1-22-2-4294967295",
                                 "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"])
def test_sid_round_trip(sid):
    text, used = ntsd.sid_to_str(ntsd.sid_to_bytes(sid))
    assert text == sid and used == len(ntsd.sid_to_bytes(sid))


def test_object_ace_sid_after_guids():
    sid = ntsd.sid_to_bytes("S-1-5-11")
    body = struct.pack("<I", 0x1) + struct.pack("<I", 0x3) + b"\x11" * 32 + sid
    ace = struct.pack("<BBH", 5, 0, 4 + len(body)) + body
    acl = struct.pack("<BBHHH", 4, 0, 8 + len(ace), 1, 0) + ace
    data = struct.pack("<BBHIIII", 1, 0, 0x8004, 0, 0, 0, 20) + acl
    (a,) = ntsd.parse(data).dacl
    assert a.sid == "S-1-5-11" and a.allows and a.mask == 1


def test_audit_and_unknown_aces_are_skipped():
    odd = struct.pack("<BBHI", 0x11, 0, 20, 1) + ntsd.sid_to_bytes("S-1-16-12288")
    good = ntsd.build_acl([(0, 0, 1, "S-1-1-0")])[8:]
    acl = struct.pack("<BBHHH", 2, 0, 8 + len(odd) + len(good), 2, 0) + odd + good
    data = struct.pack("<BBHIIII", 1, 0, 0x8004, 0, 0, 0, 20) + acl
    assert [a.sid for a in ntsd.parse(data).dacl] == ["S-1-1-0"]


def test_no_dacl_and_empty_dacl_differ():
    assert ntsd.parse(ntsd.build("S-1-5-18", None, None)).dacl is None
    assert ntsd.parse(ntsd.build("S-1-5-18", None, [])).dacl == ()


@pytest.mark.parametrize("data", [
    b"", b"\x01" * 10,
    samba_0644()[:-3],  # the last ACE cut short
    bytes([2]) + samba_0644()[1:],  # unknown revision
    samba_0644()[:20] + b"\x01\x10" + samba_0644()[22:],  # SID claiming 16 sub-authorities
    struct.pack("<BBHIIII", 1, 0, 0x8004, 0, 0, 0, 400),  # DACL offset past the end
])
def test_malformed_descriptors_raise_one_error_type(data):
    with pytest.raises(SecurityDescriptorError):
        ntsd.parse(data)
