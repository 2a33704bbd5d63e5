"""Security descriptors over SMB, and who they let read.

Every file a worker reads is opened anyway: its descriptor is asked for in
the same compound request as the open (CREATE + QUERY_INFO(SECURITY), one
round trip; OWNER | GROUP | DACL, READ_CONTROL added to the open's access),
so reading permissions costs no request of its own. Objects the scan does
not read (a file skipped by --max-file-size, the unchanged files of an
incremental rescan) get one compound request each (CREATE + QUERY_INFO +
CLOSE), sent 16 at a time before the answers are collected, so a rescan
pays one round trip per 16 unchanged files.

`SmbAccess` (one per connector, i.e. per process) turns descriptors into
`Access`: evaluated once per distinct DACL (scanner.exposure.dacl.Evaluator:
the files of a folder that inherit its ACL are evaluated once), SIDs named
once each through the server's LSA (connectors/smb_lsa.py), and a share
that admits a guest makes everything on it readable by everyone.
"""

from __future__ import annotations

import logging
import struct
from typing import Callable, Iterable

from smbprotocol.exceptions import SMBResponseException
from smbprotocol.open import (
    CreateDisposition,
    ImpersonationLevel,
    Open,
    SMB2CloseRequest,
    SMB2QueryInfoRequest,
)
from smbprotocol.file_info import InfoType

from scanner.exposure import dacl, ntsd
from scanner.exposure import sids as S
from scanner.model import EVERYONE, Access

log = logging.getLogger(__name__)

READ_CONTROL = 0x00020000
FILE_READ_ATTRIBUTES = 0x00000080
SECURITY_INFORMATION = (ntsd.OWNER_SECURITY_INFORMATION | ntsd.GROUP_SECURITY_INFORMATION
                        | ntsd.DACL_SECURITY_INFORMATION)
MAX_DESCRIPTOR = 65536  # one credit; the largest ACL Windows allows is 64 KiB
SHARE_ALL = 0x7
PIPELINE = 16  # descriptor compounds in flight (3 credits each; servers grant 64+ at login)
GUEST_READERS = ("Everyone",)


def security_request(file_id: bytes | None = None) -> SMB2QueryInfoRequest:
    """QUERY_INFO(SECURITY) for the handle `file_id` (default: the handle
    opened earlier in the same related compound)."""
    q = SMB2QueryInfoRequest()
    q["info_type"] = InfoType.SMB2_0_INFO_SECURITY
    q["output_buffer_length"] = MAX_DESCRIPTOR
    q["additional_information"] = SECURITY_INFORMATION
    q["file_id"] = file_id or b"\xff" * 16
    return q


def _descriptor(conn, request) -> bytes | None:
    """The descriptor bytes of a QUERY_INFO answer, None if the server said no."""
    try:
        response = conn.receive(request)
    except SMBResponseException as e:
        log.debug("security descriptor refused: 0x%08x", e.status)
        return None
    # SMB2 QUERY_INFO response: StructureSize, OutputBufferOffset (from the
    # start of the SMB2 header), OutputBufferLength, then the buffer. Sliced
    # directly: smbprotocol's Structure unpacking costs more than the rest.
    data = response["data"].get_value()
    if len(data) < 8:
        return None
    offset, length = struct.unpack_from("<HI", data, 2)
    start = max(offset - 64, 8)
    return data[start:start + length]


def _send(tree, messages) -> list:
    session = tree.session
    return session.connection.send_compound(messages, session.session_id, tree.tree_connect_id, related=True)


def open_with_security(tree, path: str, access: int, attributes: int, options: int) -> tuple[Open, bytes | None]:
    """Open `path` (READ_CONTROL added to `access`) and read its descriptor
    in the same round trip. Raises what the open raises."""
    fd = Open(tree, path)
    create, receive_create = fd.create(ImpersonationLevel.Impersonation, access | READ_CONTROL, attributes,
                                       SHARE_ALL, CreateDisposition.FILE_OPEN, options, send=False)
    requests = _send(tree, [create, security_request()])
    try:
        receive_create(requests[0])
    finally:
        # Every answer of a compound must be collected, the open's failure included.
        sd = _descriptor(tree.session.connection, requests[1])
    return fd, sd


def query_security(tree, paths: list[str], window: int = PIPELINE) -> list[bytes | None]:
    """The descriptors of `paths` (files or folders), without reading them:
    CREATE + QUERY_INFO + CLOSE each, `window` compounds in flight at once.
    None for a path that cannot be opened or whose descriptor is refused."""
    out: list[bytes | None] = []
    conn = tree.session.connection
    for i in range(0, len(paths), window):
        pending = []
        for path in paths[i:i + window]:
            fd = Open(tree, path)
            create, receive_create = fd.create(ImpersonationLevel.Impersonation, READ_CONTROL | FILE_READ_ATTRIBUTES,
                                               0, SHARE_ALL, CreateDisposition.FILE_OPEN, 0, send=False)
            close = SMB2CloseRequest()
            close["file_id"] = b"\xff" * 16
            pending.append((fd, receive_create, _send(tree, [create, security_request(), close])))
        for fd, receive_create, requests in pending:
            try:
                receive_create(requests[0])
                opened = True
            except SMBResponseException:
                opened = False
            sd = _descriptor(conn, requests[1])
            _collect(conn, requests[2])
            if opened:
                tree.session.open_table.pop(fd.file_id, None)
            out.append(sd if opened else None)
    return out


def _collect(conn, request) -> None:
    try:
        conn.receive(request)
    except SMBResponseException:
        pass


class SmbAccess:
    """Descriptors -> Access for one server, with the caches of one process."""

    def __init__(self, lookup: Callable[[list[str]], dict]):
        self._lookup = lookup  # LSA: sids -> {sid: (name, SID_NAME_USE)}; may raise
        self._names: dict[str, tuple[str | None, int | None]] = {}
        self._lsa_failed = False
        self.evaluate = dacl.Evaluator(self.names)
        self.guest_shares: dict[str, bool] = {}

    def names(self, sids: Iterable[str]) -> dict[str, tuple[str | None, int | None]]:
        """Names for `sids`: well-known ones from our table, the others from
        the LSA once each (a SID the LSA cannot name stays a SID)."""
        out: dict[str, tuple[str | None, int | None]] = {}
        ask = []
        for sid in sids:
            name = S.well_known_name(sid)
            if name is not None:
                out[sid] = (name, S.SID_WELL_KNOWN)
            elif sid in self._names:
                out[sid] = self._names[sid]
            else:
                ask.append(sid)
        if ask and not self._lsa_failed:
            try:
                found = self._lookup(ask)
            except Exception as e:  # noqa: BLE001 - names are a nicety: keep the SIDs
                log.info("cannot name SIDs through the server's LSA (%s); readers keep their SIDs", e)
                self._lsa_failed = True
                found = {}
            for sid in ask:
                self._names[sid] = found.get(sid, (None, None))
                out[sid] = self._names[sid]
        return out

    def of_descriptor(self, sd: bytes | None) -> Access | None:
        if sd is None:
            return None
        try:
            return self.evaluate(ntsd.parse(sd))
        except ntsd.SecurityDescriptorError as e:
            log.info("unreadable security descriptor: %s", e)
            return None


def guest_access() -> Access:
    """Everything on a share that admits a guest is readable by anyone."""
    return Access(EVERYONE, GUEST_READERS)
