"""Self-relative NT security descriptors ([MS-DTYP] 2.4.6), parsed.

What an SMB server returns for QUERY_INFO(SECURITY): a header with the
control flags and the offsets of the owner SID, the group SID, the SACL and
the DACL. Only what access evaluation needs is kept: owner, group, whether a
DACL is present, and its ACEs in order. smbprotocol's own structures know
three ACE types and build a Structure per field; this reads every type the
DACL of a file can hold (object and callback ACEs included) with `struct`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

# SECURITY_DESCRIPTOR.Control
SE_DACL_PRESENT = 0x0004
SE_DACL_PROTECTED = 0x1000
SE_SELF_RELATIVE = 0x8000

# ACE_HEADER.AceType
ACCESS_ALLOWED = 0x00
ACCESS_DENIED = 0x01
ACCESS_ALLOWED_OBJECT = 0x05
ACCESS_DENIED_OBJECT = 0x06
ACCESS_ALLOWED_CALLBACK = 0x09
ACCESS_DENIED_CALLBACK = 0x0A
ACCESS_ALLOWED_CALLBACK_OBJECT = 0x0B
ACCESS_DENIED_CALLBACK_OBJECT = 0x0C
ALLOW_TYPES = frozenset({ACCESS_ALLOWED, ACCESS_ALLOWED_OBJECT, ACCESS_ALLOWED_CALLBACK,
                         ACCESS_ALLOWED_CALLBACK_OBJECT})
DENY_TYPES = frozenset({ACCESS_DENIED, ACCESS_DENIED_OBJECT, ACCESS_DENIED_CALLBACK, ACCESS_DENIED_CALLBACK_OBJECT})
OBJECT_TYPES = frozenset({ACCESS_ALLOWED_OBJECT, ACCESS_DENIED_OBJECT, ACCESS_ALLOWED_CALLBACK_OBJECT,
                          ACCESS_DENIED_CALLBACK_OBJECT})
# Conditional ACEs: whether they apply depends on claims we cannot see.
CALLBACK_TYPES = frozenset({ACCESS_ALLOWED_CALLBACK, ACCESS_DENIED_CALLBACK, ACCESS_ALLOWED_CALLBACK_OBJECT,
                            ACCESS_DENIED_CALLBACK_OBJECT})

# ACE_HEADER.AceFlags
OBJECT_INHERIT = 0x01
CONTAINER_INHERIT = 0x02
NO_PROPAGATE_INHERIT = 0x04
INHERIT_ONLY = 0x08
INHERITED = 0x10

# SECURITY_INFORMATION for QUERY_INFO
OWNER_SECURITY_INFORMATION = 0x1
GROUP_SECURITY_INFORMATION = 0x2
DACL_SECURITY_INFORMATION = 0x4


class SecurityDescriptorError(ValueError):
    """The bytes are not a well-formed self-relative security descriptor."""


@dataclass(frozen=True)
class Ace:
    type: int
    flags: int
    mask: int
    sid: str

    @property
    def allows(self) -> bool:
        return self.type in ALLOW_TYPES

    @property
    def denies(self) -> bool:
        return self.type in DENY_TYPES

    @property
    def inherited(self) -> bool:
        return bool(self.flags & INHERITED)

    @property
    def applies_to_object(self) -> bool:
        """Inherit-only ACEs are templates for children, not rules for this object."""
        return not self.flags & INHERIT_ONLY


@dataclass(frozen=True)
class SecurityDescriptor:
    control: int
    owner: str | None
    group: str | None
    # None: no DACL (a NULL DACL grants everyone everything); () : an empty
    # DACL (nobody but the owner's implicit rights).
    dacl: tuple[Ace, ...] | None
    dacl_bytes: bytes = b""  # the raw DACL: equal DACLs evaluate equally (a cache key)

    @property
    def protected(self) -> bool:
        return bool(self.control & SE_DACL_PROTECTED)

    @property
    def explicit(self) -> bool:
        """Whether any ACE was set on the object itself rather than inherited."""
        return bool(self.dacl) and any(not a.inherited for a in self.dacl)


def sid_to_str(data: bytes, pos: int = 0, limit: int | None = None) -> tuple[str, int]:
    """A binary SID at `pos` (ending before `limit`) as S-1-A-S1-S2...;
    returns (text, bytes used)."""
    limit = len(data) if limit is None else limit
    if pos + 8 > limit:
        raise SecurityDescriptorError("truncated SID")
    revision, count = data[pos], data[pos + 1]
    end = pos + 8 + 4 * count
    if revision != 1 or count > 15 or end > limit:
        raise SecurityDescriptorError("malformed SID")
    authority = int.from_bytes(data[pos + 2:pos + 8], "big")
    subs = struct.unpack_from(f"<{count}I", data, pos + 8)
    text = f"S-1-{authority}" if authority < 1 << 32 else f"S-1-0x{authority:012X}"
    return text + "".join(f"-{s}" for s in subs), end - pos


def sid_to_bytes(sid: str) -> bytes:
    """S-1-5-21-... as the binary SID (for LSA requests)."""
    parts = sid.split("-")
    if len(parts) < 3 or parts[0].upper() != "S" or parts[1] != "1":
        raise ValueError(f"not a SID: {sid!r}")
    authority = int(parts[2], 16) if parts[2].lower().startswith("0x") else int(parts[2])
    subs = [int(p) for p in parts[3:]]
    if len(subs) > 15:
        raise ValueError(f"not a SID: {sid!r}")
    return bytes([1, len(subs)]) + authority.to_bytes(6, "big") + struct.pack(f"<{len(subs)}I", *subs)


def parse_acl(data: bytes, pos: int) -> tuple[Ace, ...]:
    if pos + 8 > len(data):
        raise SecurityDescriptorError("truncated ACL")
    _rev, _sbz, size, count, _sbz2 = struct.unpack_from("<BBHHH", data, pos)
    end = pos + size
    if end > len(data) or size < 8:
        raise SecurityDescriptorError("ACL runs past the descriptor")
    aces = []
    p = pos + 8
    for _ in range(count):
        if p + 4 > end:
            raise SecurityDescriptorError("truncated ACE")
        ace_type, flags, ace_size = struct.unpack_from("<BBH", data, p)
        if ace_size < 8 or p + ace_size > end:
            raise SecurityDescriptorError("malformed ACE")
        if ace_type in ALLOW_TYPES or ace_type in DENY_TYPES:
            mask = struct.unpack_from("<I", data, p + 4)[0]
            sid_at = p + 8
            if ace_type in OBJECT_TYPES:  # Flags, then the GUIDs they announce
                obj_flags = struct.unpack_from("<I", data, p + 8)[0]
                sid_at = p + 12 + 16 * bool(obj_flags & 1) + 16 * bool(obj_flags & 2)
            sid, _ = sid_to_str(data, sid_at, p + ace_size)
            aces.append(Ace(ace_type, flags, mask, sid))
        # Audit, alarm, label and resource-attribute ACEs say nothing about who may read.
        p += ace_size
    return tuple(aces)


def parse(data: bytes) -> SecurityDescriptor:
    """Parse a self-relative security descriptor (SecurityDescriptorError if malformed)."""
    if len(data) < 20:
        raise SecurityDescriptorError("security descriptor shorter than its header")
    revision, _sbz, control, o_owner, o_group, _o_sacl, o_dacl = struct.unpack_from("<BBHIIII", data)
    if revision != 1:
        raise SecurityDescriptorError(f"unknown security descriptor revision {revision}")
    owner = sid_to_str(data, o_owner)[0] if o_owner else None
    group = sid_to_str(data, o_group)[0] if o_group else None
    dacl = None
    raw = b""
    if control & SE_DACL_PRESENT and o_dacl:
        dacl = parse_acl(data, o_dacl)
        raw = data[o_dacl:o_dacl + struct.unpack_from("<H", data, o_dacl + 2)[0]]
    return SecurityDescriptor(control, owner, group, dacl, raw)


# -- building (tests, and servers' answers checked against what we send) -------------------

def build_acl(aces: list[tuple[int, int, int, str]]) -> bytes:
    """An ACL from (type, flags, mask, sid) tuples (basic ACE layout)."""
    body = b""
    for ace_type, flags, mask, sid in aces:
        s = sid_to_bytes(sid)
        body += struct.pack("<BBHI", ace_type, flags, 8 + len(s), mask) + s
    return struct.pack("<BBHHH", 2, 0, 8 + len(body), len(aces), 0) + body


def build(owner: str | None, group: str | None, aces: list[tuple[int, int, int, str]] | None,
          control: int = 0) -> bytes:
    """A self-relative security descriptor; `aces` None: no DACL."""
    parts = b""
    offsets = []
    for blob in (sid_to_bytes(owner) if owner else b"", sid_to_bytes(group) if group else b""):
        offsets.append(20 + len(parts) if blob else 0)
        parts += blob
    o_dacl = 0
    if aces is not None:
        o_dacl = 20 + len(parts)
        parts += build_acl(aces)
        control |= SE_DACL_PRESENT
    header = struct.pack("<BBHIIII", 1, 0, control | SE_SELF_RELATIVE, offsets[0], offsets[1], 0, o_dacl)
    return header + parts
