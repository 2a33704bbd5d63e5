"""Name SIDs through the server's LSA: LsarLookupSids over \\PIPE\\lsarpc.

A security descriptor names principals by SID; the server that issued them
knows their names (CORP\\hr, Unix Group\\hr). impacket 0.13.1 does this,
with a second SMB stack in 6.6 MB, Flask, ldap3, pyOpenSSL and pycryptodomex
among its dependencies, under a modified Apache-1.1 licence (advertising
clause); the three calls needed are small, so they are written here against
[MS-LSAT], on the DCE/RPC pipe code of smb_shares.py:
LsarOpenPolicy2 (opnum 44), LsarLookupSids (opnum 15), LsarClose (opnum 0).

Both Windows and Samba answer any authenticated user (POLICY_LOOKUP_NAMES);
a server that refuses, or a guest session, leaves the SIDs unnamed.
"""

from __future__ import annotations

import logging
import struct
import uuid

from connectors.smb_shares import ShareListError, _Pipe, open_pipe
from scanner.exposure.ntsd import SecurityDescriptorError, sid_to_bytes, sid_to_str

log = logging.getLogger(__name__)

LSARPC = uuid.UUID("12345778-1234-abcd-ef00-0123456789ab")  # v0.0
OPEN_POLICY2, LOOKUP_SIDS, CLOSE = 44, 15, 0
POLICY_LOOKUP_NAMES = 0x00000800
LSAP_LOOKUP_WKSTA = 1
STATUS_SOME_NOT_MAPPED = 0x00000107
STATUS_NONE_MAPPED = 0xC0000073
MAX_BATCH = 60  # SIDs per request: keeps the request in one RPC fragment


class LsaError(Exception):
    pass


class _Ndr:
    """Reads the NDR20 (little-endian) answers below."""

    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def align(self, n: int) -> None:
        self.pos += -self.pos % n

    def u16(self) -> int:
        self.align(2)
        return self._unpack("<H", 2)

    def u32(self) -> int:
        self.align(4)
        return self._unpack("<I", 4)

    def _unpack(self, fmt: str, n: int) -> int:
        if self.pos + n > len(self.data):
            raise LsaError("truncated LSA reply")
        v = struct.unpack_from(fmt, self.data, self.pos)[0]
        self.pos += n
        return v

    def bytes(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise LsaError("truncated LSA reply")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def unicode_header(self) -> tuple[int, int]:
        """RPC_UNICODE_STRING inline part: (length in bytes, buffer pointer).
        The struct holds a pointer, so it is 4-aligned (after a 2-byte SID_NAME_USE)."""
        self.align(4)
        length, _max = self.u16(), self.u16()
        return length, self.u32()

    def unicode_body(self) -> str:
        _max, offset, count = self.u32(), self.u32(), self.u32()
        raw = self.bytes(2 * count)
        self.align(4)
        return raw.decode("utf-16-le", "replace")

    def sid(self) -> str:
        count = self.u32()
        raw = self.bytes(8 + 4 * count)
        try:
            return sid_to_str(raw)[0]
        except SecurityDescriptorError:
            raise LsaError("malformed SID in LSA reply") from None


def _open_policy_request() -> bytes:
    # SystemName NULL; LSAPR_OBJECT_ATTRIBUTES all zero but its length (24).
    return struct.pack("<I", 0) + struct.pack("<IIIIII", 24, 0, 0, 0, 0, 0) + struct.pack("<I", POLICY_LOOKUP_NAMES)


def _lookup_request(handle: bytes, sids: list[str]) -> bytes:
    out = bytearray(handle)
    out += struct.pack("<II", len(sids), 0x20000)  # SidEnumBuffer: Entries, SidInfo pointer
    out += struct.pack("<I", len(sids))  # conformant array of LSAPR_SID_INFORMATION
    for i in range(len(sids)):
        out += struct.pack("<I", 0x20004 + 4 * i)  # each a pointer to an RPC_SID
    for sid in sids:
        raw = sid_to_bytes(sid)
        out += struct.pack("<I", raw[1]) + raw  # conformance (sub-authority count), then the SID
    out += struct.pack("<II", 0, 0)  # TranslatedNames: no entries, NULL
    out += struct.pack("<H", LSAP_LOOKUP_WKSTA) + b"\0\0"
    out += struct.pack("<I", 0)  # MappedCount
    return bytes(out)


def _parse_lookup(stub: bytes, sids: list[str]) -> dict[str, tuple[str | None, int | None]]:
    r = _Ndr(stub)
    domains: list[str] = []
    if r.u32():  # ReferencedDomains
        count, ptr, _max = r.u32(), r.u32(), r.u32()
        if ptr:
            r.u32()  # conformance
            heads = []
            for _ in range(count):
                _len, name_ptr = r.unicode_header()
                heads.append((name_ptr, r.u32()))
            for name_ptr, sid_ptr in heads:
                domains.append(r.unicode_body() if name_ptr else "")
                if sid_ptr:
                    r.sid()
    count, ptr = r.u32(), r.u32()
    names: list[tuple[int, int, int]] = []
    if ptr:
        r.u32()
        for _ in range(count):
            use = r.u16()
            _len, name_ptr = r.unicode_header()
            names.append((use, name_ptr, r.u32()))
    out: dict[str, tuple[str | None, int | None]] = {}
    for sid, (use, name_ptr, domain_index) in zip(sids, names):
        name = r.unicode_body() if name_ptr else ""
        if use in (7, 8) or not name:  # SidTypeInvalid, SidTypeUnknown
            continue
        domain = domains[domain_index] if 0 <= domain_index < len(domains) else ""
        out[sid] = (f"{domain}\\{name}" if domain and domain != name else name, use)
    r.u32()  # MappedCount
    status = r.u32()
    if status not in (0, STATUS_SOME_NOT_MAPPED, STATUS_NONE_MAPPED):
        raise LsaError(f"LsarLookupSids failed with NTSTATUS 0x{status:08x}")
    return out


class LsaLookup:
    """An open LSA policy on one server, for the lifetime of a session."""

    def __init__(self, tree):
        self.pipe = open_pipe(tree, "lsarpc")
        try:
            self.rpc = _Pipe(self.pipe, LSARPC, (0, 0), "lsarpc")
            self.rpc.bind()
            stub = self.rpc.call(OPEN_POLICY2, _open_policy_request())
        except Exception:
            self._close_pipe()
            raise
        if len(stub) < 24 or struct.unpack_from("<I", stub, 20)[0] != 0:
            self._close_pipe()
            raise LsaError("the server refused LsarOpenPolicy2")
        self.handle = stub[:20]

    def lookup(self, sids: list[str]) -> dict[str, tuple[str | None, int | None]]:
        """{sid: (DOMAIN\\name, SID_NAME_USE)} for the SIDs the server can name."""
        out: dict[str, tuple[str | None, int | None]] = {}
        for i in range(0, len(sids), MAX_BATCH):
            batch = sids[i:i + MAX_BATCH]
            try:
                stub = self.rpc.call(LOOKUP_SIDS, _lookup_request(self.handle, batch))
            except ShareListError as e:
                raise LsaError(str(e)) from None
            out.update(_parse_lookup(stub, batch))
        return out

    def _close_pipe(self) -> None:
        try:
            self.pipe.close()
        except Exception:  # noqa: BLE001
            pass

    def close(self) -> None:
        try:
            self.rpc.call(CLOSE, self.handle)
        except Exception:  # noqa: BLE001 - the session may be gone already
            pass
        self._close_pipe()
