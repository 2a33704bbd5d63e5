"""Descriptors to Access without a server: naming, caching, broken input.

The LSA itself is exercised against Samba in test_smb_exposure.py; here the
lookup is a plain function standing in for it, to count what is asked.
"""

from __future__ import annotations

from connectors.smb_lsa import _lookup_request, _parse_lookup
from connectors.smb_security import SmbAccess
from scanner.exposure import ntsd

DOM = "S-1-5-21-1004336348-1177238915-682003330"
READ = 0x001200A9


def sd(*sids: str, owner: str = "S-1-5-32-544") -> bytes:
    return ntsd.build(owner, None, [(0, 0, READ, s) for s in sids])


def test_sids_are_asked_once_and_well_known_ones_never():
    asked: list[list[str]] = []

    def lookup(sids):
        asked.append(list(sids))
        return {f"{DOM}-1105": ("CORP\\hr", 2)}

    acc = SmbAccess(lookup)
    a = acc.of_descriptor(sd("S-1-1-0", f"{DOM}-1105", f"{DOM}-1106"))
    assert a.exposure == "everyone" and a.readers == ("Everyone", "CORP\\hr", f"{DOM}-1106")
    # Another DACL naming the same SIDs: nothing asked again, unknown stays unknown.
    b = acc.of_descriptor(sd(f"{DOM}-1106", f"{DOM}-1105"))
    assert b.exposure == "group" and b.readers == ("CORP\\hr", f"{DOM}-1106")
    assert asked == [[f"{DOM}-1105", f"{DOM}-1106"]]


def test_a_failing_lsa_keeps_sids_and_is_not_asked_again():
    calls = []

    def lookup(sids):
        calls.append(sids)
        raise ConnectionError("pipe closed")

    acc = SmbAccess(lookup)
    assert acc.of_descriptor(sd(f"{DOM}-1105")).readers == (f"{DOM}-1105",)
    assert acc.of_descriptor(sd(f"{DOM}-2000")).readers == (f"{DOM}-2000",)
    assert len(calls) == 1


def test_unreadable_and_missing_descriptors_are_unknown():
    acc = SmbAccess(lambda sids: {})
    assert acc.of_descriptor(None) is None
    assert acc.of_descriptor(b"\x01\x00garbage") is None


def test_lookup_request_layout_and_reply_parsing():
    """The NDR we send, and a reply laid out as [MS-LSAT] says (and Samba
    sends: the SMB tests name SIDs through a real one): two names, one
    unknown SID."""
    req = _lookup_request(b"\x00" * 20, ["S-1-22-2-0", "S-1-5-21-1-2-3-4"])
    assert req[20:32] == bytes.fromhex("02000000" "00000200" "02000000")
    assert req.endswith(bytes.fromhex("00000000" "00000000" "0100" "0000" "00000000"))
    reply = _samba_reply()
    got = _parse_lookup(reply, ["S-1-22-2-0", "S-1-22-1-0", "S-1-5-21-1-2-3-4"])
    assert got == {"S-1-22-2-0": ("Unix Group\\root", 2), "S-1-22-1-0": ("Unix User\\root", 1)}


def _ndr_string(text: str) -> bytes:
    import struct

    raw = text.encode("utf-16-le")
    n = len(text)
    out = struct.pack("<III", n, 0, n) + raw
    return out + b"\0" * (-len(out) % 4)


def _samba_reply() -> bytes:
    """A LsarLookupSids reply laid out per [MS-LSAT]: two domains ("Unix
    Group", "Unix User"), three names, the third unknown (SidTypeUnknown)."""
    import struct

    from scanner.exposure.ntsd import sid_to_bytes

    out = struct.pack("<I", 0x20000)  # ReferencedDomains pointer
    out += struct.pack("<III", 2, 0x20004, 32)  # Entries, Domains pointer, MaxEntries
    out += struct.pack("<I", 2)  # conformance
    for i, name in enumerate(("Unix Group", "Unix User")):
        out += struct.pack("<HHI", 2 * len(name), 2 * len(name), 0x20008 + 8 * i) + struct.pack("<I", 0x2000C + 8 * i)
    for name, sid in (("Unix Group", "S-1-22-2"), ("Unix User", "S-1-22-1")):
        out += _ndr_string(name)
        raw = sid_to_bytes(sid)
        out += struct.pack("<I", raw[1]) + raw
    out += struct.pack("<II", 3, 0x20040)  # TranslatedNames: Entries, Names pointer
    out += struct.pack("<I", 3)
    names = [(2, "root", 0), (1, "root", 1), (8, "", -1)]
    for i, (use, name, dom) in enumerate(names):
        ptr = 0x20044 + 4 * i if name else 0
        out += struct.pack("<HHHHIi", use, 0, 2 * len(name), 2 * len(name), ptr, dom)
    for _, name, _ in names:
        if name:
            out += _ndr_string(name)
    out += struct.pack("<II", 2, 0x00000107)  # MappedCount, STATUS_SOME_NOT_MAPPED
    return out
