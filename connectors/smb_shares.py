"""List a server's shares: NetrShareEnum (MS-SRVS opnum 15) over DCE/RPC.

smbprotocol has no share enumeration and the libraries that do (pysmb,
impacket) each bring a second SMB stack, so this is the one call piiscout
needs, written against the specs: bind to the srvsvc interface on the
`\\PIPE\\srvsvc` named pipe of the IPC$ tree, send NetrShareEnum at info
level 1 (name, type, remark) and decode the NDR answer. Both Windows and
Samba serve it to any authenticated user.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass

from smbprotocol.open import (
    CreateDisposition,
    CreateOptions,
    FilePipePrinterAccessMask,
    ImpersonationLevel,
    Open,
    ShareAccess,
)
from smbprotocol.tree import TreeConnect

SRVSVC = uuid.UUID("4b324fc8-1670-01d3-1278-5a47bf6ee188")  # v3.0
NDR = uuid.UUID("8a885d04-1ceb-11c9-9fe8-08002b104860")  # v2
FRAG = 4280  # the fragment size Windows clients offer

# PDU types and flags (C706, chapter 12)
PTYPE_REQUEST, PTYPE_RESPONSE, PTYPE_FAULT, PTYPE_BIND, PTYPE_BIND_ACK, PTYPE_BIND_NAK = 0, 2, 3, 11, 12, 13
FIRST_FRAG, LAST_FRAG = 0x01, 0x02

# Share types (MS-SRVS 2.2.2.4)
STYPE_DISKTREE = 0
STYPE_MASK = 0x0FFFFFFF
STYPE_SPECIAL = 0x80000000  # administrative shares: C$, ADMIN$, IPC$
# Shares that hold no user data even when a server does not flag them special.
SYSTEM_SHARES = {"ipc$", "admin$", "print$", "sysvol", "netlogon"}


class ShareListError(Exception):
    pass


@dataclass(frozen=True)
class Share:
    name: str
    type: int
    remark: str

    @property
    def is_disk(self) -> bool:
        return self.type & STYPE_MASK == STYPE_DISKTREE

    @property
    def administrative(self) -> bool:
        """Administrative and system shares: not client data. Hidden shares
        a person created (`Finance$`) are not administrative and are kept."""
        name = self.name.lower()
        if self.type & STYPE_SPECIAL or name in SYSTEM_SHARES:
            return True
        # Drive shares (C$, D$) on servers that do not flag them special.
        return len(name) == 2 and name[0].isalpha() and name[1] == "$"


def list_shares(session, server: str) -> list[Share]:
    """Every share `server` announces to this session, in server order."""
    tree = TreeConnect(session, rf"\\{server}\IPC$")
    tree.connect(require_secure_negotiate=False)
    try:
        pipe = open_pipe(tree, "srvsvc")
        try:
            rpc = _Pipe(pipe)
            rpc.bind()
            stub = rpc.call(15, _share_enum_request(server))
        finally:
            pipe.close()
    finally:
        tree.disconnect()
    return _parse_share_enum(stub)


def open_pipe(tree: TreeConnect, name: str) -> Open:
    """Open the named pipe `name` (srvsvc, lsarpc) on an IPC$ tree."""
    pipe = Open(tree, name)
    pipe.create(
        ImpersonationLevel.Impersonation,
        FilePipePrinterAccessMask.FILE_READ_DATA | FilePipePrinterAccessMask.FILE_WRITE_DATA
        | FilePipePrinterAccessMask.FILE_READ_ATTRIBUTES,
        0,
        ShareAccess.FILE_SHARE_READ | ShareAccess.FILE_SHARE_WRITE,
        CreateDisposition.FILE_OPEN,
        CreateOptions.FILE_NON_DIRECTORY_FILE,
    )
    return pipe


class _Pipe:
    """DCE/RPC over an open named pipe: bind to one interface, then calls."""

    def __init__(self, pipe: Open, interface: uuid.UUID = SRVSVC, version: tuple[int, int] = (3, 0),
                 name: str = "srvsvc"):
        self.pipe = pipe
        self.interface = interface
        self.version = version
        self.name = name
        self.call_id = 0
        self.buf = b""

    def _send(self, ptype: int, body: bytes) -> int:
        self.call_id += 1
        header = struct.pack("<BBBB4sHHI", 5, 0, ptype, FIRST_FRAG | LAST_FRAG, b"\x10\x00\x00\x00",
                             16 + len(body), 0, self.call_id)
        self.pipe.write(header + body, 0)
        return self.call_id

    def _recv_pdu(self) -> tuple[int, int, bytes]:
        """One PDU: (ptype, flags, body after the 16-byte header)."""
        while len(self.buf) < 16 or len(self.buf) < struct.unpack_from("<H", self.buf, 8)[0]:
            data = self.pipe.read(0, FRAG)
            if not data:
                raise ShareListError(f"the {self.name} pipe closed")
            self.buf += data
        ptype, flags = self.buf[2], self.buf[3]
        if self.buf[4] & 0xF0 != 0x10:
            raise ShareListError("big-endian RPC replies are not supported")
        length = struct.unpack_from("<H", self.buf, 8)[0]
        pdu, self.buf = self.buf[:length], self.buf[length:]
        return ptype, flags, pdu[16:]

    def bind(self) -> None:
        ctx = struct.pack("<HBB", 0, 1, 0) + self.interface.bytes_le + struct.pack("<HH", *self.version) \
            + NDR.bytes_le + struct.pack("<I", 2)
        self._send(PTYPE_BIND, struct.pack("<HHIB3x", FRAG, FRAG, 0, 1) + ctx)
        ptype, _, body = self._recv_pdu()
        if ptype != PTYPE_BIND_ACK:
            raise ShareListError(f"the server refused the {self.name} interface")
        # Skip the secondary address (a counted string) and alignment to the result list.
        sec_len = struct.unpack_from("<H", body, 8)[0]
        pos = 10 + sec_len
        pos += -pos % 4
        if body[pos] < 1 or struct.unpack_from("<H", body, pos + 4)[0] != 0:
            raise ShareListError(f"the server refused the {self.name} interface")

    def call(self, opnum: int, stub: bytes) -> bytes:
        self._send(PTYPE_REQUEST, struct.pack("<IHH", len(stub), 0, opnum) + stub)
        out = b""
        while True:
            ptype, flags, body = self._recv_pdu()
            if ptype == PTYPE_FAULT:
                raise ShareListError(f"RPC fault 0x{struct.unpack_from('<I', body, 8)[0]:08x}")
            if ptype != PTYPE_RESPONSE:
                raise ShareListError(f"unexpected RPC reply type {ptype}")
            out += body[8:]  # alloc_hint, context id, cancel count, reserved
            if flags & LAST_FRAG:
                return out


def _ndr_string(text: str) -> bytes:
    data = (text + "\0").encode("utf-16-le")
    n = len(data) // 2
    out = struct.pack("<III", n, 0, n) + data
    return out + b"\0" * (-len(out) % 4)


def _share_enum_request(server: str) -> bytes:
    # ServerName: unique pointer to a string; InfoStruct: level 1, union arm 1,
    # pointer to an empty container; PreferedMaximumLength: all; ResumeHandle: 0.
    return (struct.pack("<I", 0x20000) + _ndr_string(rf"\\{server}")
            + struct.pack("<IIIII", 1, 1, 0x20004, 0, 0)
            + struct.pack("<III", 0xFFFFFFFF, 0x20008, 0))


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def u32(self) -> int:
        if self.pos + 4 > len(self.data):
            raise ShareListError("truncated NetrShareEnum reply")
        v = struct.unpack_from("<I", self.data, self.pos)[0]
        self.pos += 4
        return v

    def string(self) -> str:
        _max, offset, count = self.u32(), self.u32(), self.u32()
        end = self.pos + 2 * count
        if end > len(self.data) or offset:
            raise ShareListError("malformed string in NetrShareEnum reply")
        text = self.data[self.pos:end].decode("utf-16-le", "replace")
        self.pos = end + (-end % 4)
        return text.rstrip("\0")


def _parse_share_enum(stub: bytes) -> list[Share]:
    r = _Reader(stub)
    level, arm, container = r.u32(), r.u32(), r.u32()
    if level != 1 or arm != 1 or not container:
        raise ShareListError("unexpected NetrShareEnum reply")
    count, buffer = r.u32(), r.u32()
    if not buffer or not count:
        return []
    if r.u32() != count:
        raise ShareListError("malformed NetrShareEnum reply")
    entries = [(r.u32(), r.u32(), r.u32()) for _ in range(count)]
    shares = []
    for name_ptr, stype, remark_ptr in entries:
        name = r.string() if name_ptr else ""
        remark = r.string() if remark_ptr else ""
        shares.append(Share(name, stype, remark))
    r.u32()  # TotalEntries
    if r.u32():  # ResumeHandle pointer
        r.u32()
    status = r.u32()
    if status not in (0, 234):  # ERROR_MORE_DATA cannot happen with an unlimited buffer
        raise ShareListError(f"NetrShareEnum failed with Windows error {status}")
    return shares
