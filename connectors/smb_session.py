"""One SMB connection and session per process, on smbprotocol's low-level API.

Not `smbclient`: its connection cache and `ClientConfig` are process-global
(a forked worker would find the parent's half-dead connection in them, and
guest access needs a global switch), and its per-entry `stat()` reconnects
to port 445. Here every `SmbSession` owns its connection, knows the PID that
made it, and is rebuilt on first use in any other process. Dropped
connections are re-established with backoff and the interrupted operation is
retried, a file read resuming at the offset it had reached.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import threading
import time
import uuid
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, TypeVar

from smbprotocol.connection import Connection
from smbprotocol.exceptions import (
    AccessDenied,
    BadNetworkName,
    DeletePending,
    FileIsADirectory,
    LogonFailure,
    NoMoreFiles,
    NoSuchFile,
    ObjectNameInvalid,
    ObjectNameNotFound,
    ObjectPathNotFound,
    PasswordExpired,
    SharingViolation,
    SMBAuthenticationError,
    SMBConnectionClosed,
    SMBException,
    SMBResponseException,
    StatusNotADirectory,
    UserSessionDeleted,
    WrongPassword,
)
from smbprotocol.file_info import FileAttributes, FileInformationClass
from smbprotocol.open import (
    CreateDisposition,
    CreateOptions,
    DirectoryAccessMask,
    FilePipePrinterAccessMask,
    ImpersonationLevel,
    Open,
    ShareAccess,
    SMB2ReadResponse,
)
from smbprotocol.session import Session
from smbprotocol.tree import TreeConnect

from scanner.errors import ItemError

log = logging.getLogger(__name__)

# smbprotocol's own loggers print packet dumps (file contents) at DEBUG.
for _name in ("smbprotocol", "smbclient", "spnego"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.WARNING)

T = TypeVar("T")

# Waits between reconnection attempts after a dropped connection.
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)
MAX_READ = 1 << 20  # bytes per read request (64 KiB credits; 1 MiB is Windows' own)
READ_TIMEOUT = 120.0  # seconds to wait for one read response
LIST_BUFFER = 1 << 16  # one credit per directory query
STATUS_NETWORK_SESSION_EXPIRED = 0xC000035C
# OBJECT_NAME_NOT_FOUND, OBJECT_PATH_NOT_FOUND, NO_SUCH_FILE
NOT_FOUND = frozenset({0xC0000034, 0xC000003A, 0xC000000F})
# Read, write and delete sharing: open files other programs are using,
# without getting in their way.
SHARE_ALL = ShareAccess.FILE_SHARE_READ | ShareAccess.FILE_SHARE_WRITE | ShareAccess.FILE_SHARE_DELETE


class SmbError(ItemError):
    """A problem with one object (access denied, gone, locked): one line,
    recorded against the object; `status` is the NTSTATUS code if any."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class SmbConnectionLost(SmbError):
    """The server could not be reached again after a dropped connection."""


class SmbLoginError(Exception):
    """The server is reachable but refuses the login or the share."""


class SmbUnreachable(Exception):
    """Nothing answers SMB at host:port."""


@dataclass(frozen=True)
class Endpoint:
    """Where and how to log in; the password is looked up, never held here."""

    host: str
    port: int = 445
    user: str | None = None
    domain: str | None = None
    password_env: str | None = None
    guest: bool = False
    require_encryption: bool = False
    kerberos: bool = False
    timeout: float = 15.0

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == 445 else f"{host}:{self.port}"

    @property
    def principal(self) -> str | None:
        if self.guest:
            return "guest"
        if self.user and self.domain:
            return f"{self.domain}\\{self.user}"
        return self.user


@dataclass(frozen=True)
class Entry:
    """One directory entry, with what the listing says about it."""

    name: str
    is_dir: bool
    size: int
    modified_at: float | None
    attributes: int
    file_id: int
    reparse_tag: int
    changed_at: float | None = None  # ChangeTime (Samba: the last write time)

    @property
    def is_reparse_point(self) -> bool:
        return bool(self.attributes & FileAttributes.FILE_ATTRIBUTE_REPARSE_POINT)

    @property
    def is_offline(self) -> bool:
        # Offline or cloud-tiered (recall on data access): reading it would
        # pull the data back from archive storage.
        return bool(self.attributes & (FileAttributes.FILE_ATTRIBUTE_OFFLINE | 0x00400000))


# Sessions alive in this process, so a forked child can drop what it inherited.
_LIVE: "weakref.WeakSet[SmbSession]" = weakref.WeakSet()


def _after_fork_in_child() -> None:
    # The child inherits the parent's sockets but not its receiver threads:
    # using an inherited connection would hang or corrupt the parent's. Close
    # our copies of the sockets (the parent's stay open) and forget them.
    for sess in list(_LIVE):
        sess._abandon()
    _LIVE.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def describe(exc: BaseException) -> str:
    """A short reason for an SMB error, without library noise."""
    if isinstance(exc, AccessDenied):
        return "access denied"
    if isinstance(exc, (ObjectNameNotFound, ObjectPathNotFound, NoSuchFile, DeletePending)):
        return "vanished during the scan"
    if isinstance(exc, SharingViolation):
        return "in use by another program (sharing violation)"
    if isinstance(exc, ObjectNameInvalid):
        return "invalid name"
    if isinstance(exc, (FileIsADirectory, StatusNotADirectory)):
        return "changed type during the scan"
    if isinstance(exc, SMBResponseException):
        try:
            from smbprotocol.header import NtStatus

            name = NtStatus(exc.status).name
        except (ValueError, ImportError):
            name = f"0x{exc.status:08x}"
        return f"SMB error {name}"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def is_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, (SMBConnectionClosed, ConnectionError, socket.timeout, TimeoutError, EOFError)):
        return True
    if isinstance(exc, UserSessionDeleted):
        return True
    if isinstance(exc, SMBResponseException):
        return exc.status == STATUS_NETWORK_SESSION_EXPIRED
    if isinstance(exc, OSError) and not isinstance(exc, SMBException):
        return True  # socket errors
    if isinstance(exc, SMBException) and not isinstance(exc, SMBResponseException):
        # "SMB socket was closed", "Connection timeout ... exceeded"
        msg = str(exc).lower()
        return "socket" in msg or "connection" in msg or "timeout" in msg
    return False


class SmbSession:
    """A connection, a session and tree connects to one server, for one process."""

    def __init__(self, endpoint: Endpoint, password: Callable[[], str | None]):
        self.endpoint = endpoint
        self._password = password
        self._pid = os.getpid()
        self._lock = threading.RLock()
        self._conn: Connection | None = None
        self._session: Session | None = None
        self._trees: dict[str, TreeConnect] = {}
        self._generation = 0  # bumped on every reconnect: open files reopen
        self._down = False  # the last reconnection cycle failed
        _LIVE.add(self)

    # -- connecting ----------------------------------------------------------------
    def connect(self) -> None:
        """Connect and log in; SmbUnreachable or SmbLoginError on failure."""
        ep = self.endpoint
        self._check_pid()
        # Authenticated sessions are always signed: SMB 3.1.1 servers reject
        # an unsigned tree connect (Samba: "without encryption or signing"),
        # and smbprotocol signs all messages or none. Guests have no key to
        # sign with. Encryption follows the server unless --require-encryption.
        conn = Connection(uuid.uuid4(), ep.host, ep.port, require_signing=not ep.guest)
        try:
            conn.connect(timeout=ep.timeout)
        except (ValueError, OSError, SMBException) as e:
            _quiet_disconnect(conn)
            raise SmbUnreachable(_unreachable_reason(e, ep)) from None
        if ep.guest:
            user, password, auth = "guest", "", "ntlm"
        else:
            user = f"{ep.domain}\\{ep.user}" if ep.domain and ep.user else ep.user
            password = self._password()
            auth = "kerberos" if ep.kerberos else "negotiate"
        session = Session(conn, username=user, password=password, require_encryption=ep.require_encryption,
                          auth_protocol=auth)
        try:
            session.connect()
        except (LogonFailure, WrongPassword):
            _quiet_disconnect(conn)
            raise SmbLoginError(f"login failed for {ep.principal}@{ep.address}: wrong user name or password") from None
        except PasswordExpired:
            _quiet_disconnect(conn)
            raise SmbLoginError(f"login failed for {ep.principal}@{ep.address}: the password has expired") from None
        except SMBAuthenticationError as e:
            _quiet_disconnect(conn)
            raise SmbLoginError(f"login failed for {ep.principal}@{ep.address}: {_auth_reason(e, ep)}") from None
        except (ImportError, ValueError) as e:
            _quiet_disconnect(conn)
            raise SmbLoginError(f"cannot log in to {ep.address}: {_auth_reason(e, ep)}") from None
        except SMBResponseException as e:
            _quiet_disconnect(conn)
            raise SmbLoginError(f"login failed for {ep.principal}@{ep.address}: {describe(e)}") from None
        except SMBException as e:
            _quiet_disconnect(conn)
            if ep.require_encryption and "encrypt" in str(e).lower():
                raise SmbLoginError(f"{ep.address} cannot encrypt (it speaks SMB {_dialect(conn)}; "
                                    "--require-encryption needs SMB 3)") from None
            if is_connection_error(e):
                raise SmbUnreachable(f"{ep.address}: connection lost while logging in ({describe(e)})") from None
            raise SmbLoginError(f"cannot log in to {ep.address}: {describe(e)}") from None
        except OSError as e:
            _quiet_disconnect(conn)
            raise SmbUnreachable(f"{ep.address}: connection lost while logging in ({describe(e)})") from None
        session.password = None  # not needed after login; keep it out of long-lived objects
        self._conn, self._session = conn, session
        self._trees = {}
        self._generation += 1
        self._down = False

    @property
    def session(self) -> Session:
        self._ensure()
        return self._session

    @property
    def encrypted(self) -> bool:
        return bool(self._session and self._session.encrypt_data)

    @property
    def signed(self) -> bool:
        return bool(self._session and self._session.signing_required)

    @property
    def generation(self) -> int:
        return self._generation

    def tree(self, share: str) -> TreeConnect:
        """The tree connect for `share` (SmbLoginError if refused)."""
        self._ensure()
        tree = self._trees.get(share.lower())
        if tree is not None:
            return tree
        tree = TreeConnect(self._session, rf"\\{self.endpoint.host}\{share}")
        try:
            # Without a signing key (guest) the negotiate check cannot be verified.
            tree.connect(require_secure_negotiate=not self.endpoint.guest)
        except BadNetworkName:
            raise SmbLoginError(f"no share named {share!r} on {self.endpoint.address}") from None
        except AccessDenied:
            who = "guests" if self.endpoint.guest else self.endpoint.principal
            raise SmbLoginError(f"access to share {share!r} on {self.endpoint.address} denied for {who}") from None
        if self.endpoint.require_encryption and not (tree.encrypt_data or self._session.encrypt_data):
            raise SmbLoginError(f"{self.endpoint.address} does not encrypt share {share!r} "
                                "(--require-encryption)")
        self._trees[share.lower()] = tree
        return tree

    def _ensure(self) -> None:
        self._check_pid()
        if self._conn is None or not self._conn.transport.connected:
            self.reconnect()

    def _check_pid(self) -> None:
        if self._pid != os.getpid():
            self._abandon()
            self._pid = os.getpid()
            _LIVE.add(self)

    def reconnect(self) -> None:
        """Re-establish the session after a drop, with backoff; a few tries
        (one when the previous cycle already failed: the server is down and
        every further item should fail fast). SmbConnectionLost at the end."""
        with self._lock:
            self._drop()
            delays = RETRY_DELAYS if not self._down else ()
            last: BaseException | None = None
            for delay in (0.0, *delays):
                if delay:
                    time.sleep(delay)
                try:
                    self.connect()
                    if self._generation > 1:
                        log.info("reconnected to %s", self.endpoint.address)
                    return
                except SmbLoginError:
                    raise
                except SmbUnreachable as e:
                    last = e
            if not self._down:
                log.warning("connection to %s lost and not re-established: %s", self.endpoint.address, last)
            self._down = True
            raise SmbConnectionLost(f"connection to {self.endpoint.address} lost and not re-established "
                                    f"({last})")

    def call(self, op: Callable[[], T]) -> T:
        """Run `op`; on a dropped connection reconnect and run it once more.
        Server errors about the object become SmbError (one line)."""
        for attempt in (1, 2):
            try:
                self._ensure()
                return op()
            except (SmbError, SmbLoginError):
                raise
            except SMBResponseException as e:
                if not is_connection_error(e):
                    raise SmbError(describe(e), e.status) from None
                err: BaseException = e
            except Exception as e:  # noqa: BLE001
                if not is_connection_error(e):
                    raise
                err = e
            self._drop()
            if attempt == 2:
                raise SmbConnectionLost(f"connection to {self.endpoint.address} lost: {describe(err)}") from None
            log.info("connection to %s dropped (%s); reconnecting", self.endpoint.address, describe(err))
            self.reconnect()
        raise AssertionError("unreachable")

    # -- directories and files ---------------------------------------------------------
    def list_dir(self, share: str, path: str) -> list[Entry]:
        """Every entry of a directory (path relative to the share, '\\'-separated)."""

        def op() -> list[Entry]:
            d = Open(self.tree(share), path)
            d.create(ImpersonationLevel.Impersonation,
                     DirectoryAccessMask.FILE_LIST_DIRECTORY | DirectoryAccessMask.FILE_READ_ATTRIBUTES,
                     FileAttributes.FILE_ATTRIBUTE_DIRECTORY, SHARE_ALL, CreateDisposition.FILE_OPEN,
                     CreateOptions.FILE_DIRECTORY_FILE)
            out: list[Entry] = []
            try:
                flags = 0x01  # SMB2_RESTART_SCANS on the first query only
                while True:
                    try:
                        batch = d.query_directory("*", FileInformationClass.FILE_ID_FULL_DIRECTORY_INFORMATION,
                                                  flags=flags, max_output=LIST_BUFFER)
                    except (NoMoreFiles, NoSuchFile):
                        break
                    flags = 0
                    for raw in batch:
                        entry = _entry(raw)
                        if entry is not None:
                            out.append(entry)
            finally:
                _quiet_close(d)
            return out

        return self.call(op)

    def stat(self, share: str, path: str) -> Entry:
        """What `path` is (file or directory), its size and time."""

        def op() -> Entry:
            fd = Open(self.tree(share), path)
            fd.create(ImpersonationLevel.Impersonation, FilePipePrinterAccessMask.FILE_READ_ATTRIBUTES, 0,
                      SHARE_ALL, CreateDisposition.FILE_OPEN, 0)
            try:
                attrs = fd.file_attributes
                mtime = fd.last_write_time
                ctime = fd.change_time
                return Entry(name=path.rsplit("\\", 1)[-1],
                             is_dir=bool(attrs & FileAttributes.FILE_ATTRIBUTE_DIRECTORY),
                             size=fd.end_of_file,
                             modified_at=mtime.timestamp() if isinstance(mtime, datetime) else None,
                             attributes=attrs, file_id=0, reparse_tag=0,
                             changed_at=ctime.timestamp() if isinstance(ctime, datetime) else None)
            finally:
                _quiet_close(fd)

        return self.call(op)

    def open_file(self, share: str, path: str, security: bool = False) -> "SmbFile":
        """A file as a stream; `security`: read its descriptor with the open
        (`SmbFile.security`, connectors/smb_security.py)."""
        return SmbFile(self, share, path, security)

    def query_security(self, share: str, paths: list[str]) -> list[bytes | None]:
        """The security descriptors of files or folders (None where refused),
        many per round trip."""
        from connectors.smb_security import query_security

        return self.call(lambda: query_security(self.tree(share), paths))

    def list_shares(self):
        from connectors.smb_shares import list_shares

        return self.call(lambda: list_shares(self.session, self.endpoint.host))

    # -- teardown -------------------------------------------------------------------------
    def _drop(self) -> None:
        conn, self._conn, self._session, self._trees = self._conn, None, None, {}
        if conn is not None:
            _quiet_disconnect(conn, logoff=False)

    def _abandon(self) -> None:
        """Forget an inherited connection without talking to the server: it
        belongs to the parent process."""
        conn, self._conn, self._session, self._trees = self._conn, None, None, {}
        sock = getattr(getattr(conn, "transport", None), "_sock", None)
        if sock is not None:
            try:
                sock.close()  # our copy of the descriptor only: no shutdown()
            except OSError:
                pass

    def close(self) -> None:
        self._check_pid()
        conn, self._conn, self._session, self._trees = self._conn, None, None, {}
        if conn is not None:
            _quiet_disconnect(conn, logoff=True)


class SmbFile(io.RawIOBase):
    """A file on a share as a seekable binary stream, read in chunks.

    After a dropped connection the session reconnects and the file is opened
    again and read on from the same offset, if it has not changed meanwhile.
    """

    def __init__(self, session: SmbSession, share: str, path: str, security: bool = False):
        super().__init__()
        self._s = session
        self._share = share
        self._path = path
        self._pos = 0
        self._fd: Open | None = None
        self._gen = -1
        self.size = 0
        self._mtime = None
        # The file's security descriptor (raw bytes), when asked for and granted.
        self.security: bytes | None = None
        self._want_security = security
        self._s.call(self._open)
        self._first = (self.size, self._mtime)

    def _open(self) -> None:
        tree = self._s.tree(self._share)
        access = FilePipePrinterAccessMask.FILE_READ_DATA | FilePipePrinterAccessMask.FILE_READ_ATTRIBUTES
        fd = None
        if self._want_security:
            from connectors.smb_security import open_with_security

            self._want_security = False  # once: a reopen after a reconnect reads data only
            try:
                fd, self.security = open_with_security(tree, self._path, access, FileAttributes.FILE_ATTRIBUTE_NORMAL,
                                                       CreateOptions.FILE_NON_DIRECTORY_FILE)
            except AccessDenied:
                fd = None  # READ_CONTROL refused but reading may be allowed: open as before
        if fd is None:
            fd = Open(tree, self._path)
            fd.create(ImpersonationLevel.Impersonation, access, FileAttributes.FILE_ATTRIBUTE_NORMAL, SHARE_ALL,
                      CreateDisposition.FILE_OPEN, CreateOptions.FILE_NON_DIRECTORY_FILE)
        self._fd, self._gen = fd, self._s.generation
        self.size = fd.end_of_file
        self._mtime = fd.last_write_time

    def _reopen(self) -> None:
        self._open()
        if (self.size, self._mtime) != self._first:
            raise SmbError("changed while it was being read (after a reconnect)")

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        pos = base + offset
        if pos < 0:
            raise OSError(22, "negative seek position")
        self._pos = pos
        return pos

    def readinto(self, b) -> int:
        if self.closed:
            raise ValueError("read from a closed file")
        want = min(len(b), self.size - self._pos)
        if want <= 0:
            return 0

        def op() -> bytes:
            if self._gen != self._s.generation or self._fd is None:
                self._reopen()
            fd = self._fd
            conn = fd.connection
            credits = conn.sequence_window["high"] - conn.sequence_window["low"]
            n = min(want, MAX_READ, conn.max_read_size, max(1, credits) * 65536)
            charge = (n - 1) // 65536 + 1
            # Ask for enough credits to keep the next request as large.
            extra = max(0, (min(MAX_READ, conn.max_read_size) - 1) // 65536 + 1 - credits + charge)
            msg, recv = fd.read(self._pos, n, send=False)
            req = conn.send(msg, sid=fd.tree_connect.session.session_id, tid=fd.tree_connect.tree_connect_id,
                            credit_request=charge + extra)
            response = conn.receive(req, timeout=READ_TIMEOUT)
            rr = SMB2ReadResponse()
            rr.unpack(response["data"].get_value())
            return rr["buffer"].get_value()

        data = self._s.call(op)
        n = len(data)
        b[:n] = data
        self._pos += n
        return n

    def close(self) -> None:
        if not self.closed:
            fd, self._fd = self._fd, None
            if fd is not None and self._gen == self._s.generation:
                _quiet_close(fd)
        super().close()


def _entry(raw) -> Entry | None:
    name = raw["file_name"].get_value().decode("utf-16-le")
    if name in (".", ".."):
        return None
    attrs = raw["file_attributes"].get_value()
    mtime = raw["last_write_time"].get_value()
    ctime = raw["change_time"].get_value()
    return Entry(
        name=name,
        is_dir=bool(attrs & FileAttributes.FILE_ATTRIBUTE_DIRECTORY),
        size=raw["end_of_file"].get_value(),
        modified_at=mtime.timestamp() if isinstance(mtime, datetime) else None,
        attributes=attrs,
        file_id=raw["file_id"].get_value(),
        # For reparse points this listing puts the reparse tag in the EA size field.
        reparse_tag=raw["ea_size"].get_value() if attrs & FileAttributes.FILE_ATTRIBUTE_REPARSE_POINT else 0,
        changed_at=ctime.timestamp() if isinstance(ctime, datetime) else None,
    )


def _quiet_close(fd: Open) -> None:
    try:
        fd.close()
    except Exception:  # noqa: BLE001 - the handle dies with the session anyway
        pass


def _quiet_disconnect(conn: Connection, logoff: bool = True) -> None:
    try:
        conn.disconnect(close=logoff, timeout=5)
    except Exception:  # noqa: BLE001
        try:
            conn.transport.close()
        except Exception:  # noqa: BLE001
            pass


def _dialect(conn: Connection) -> str:
    d = getattr(conn, "dialect", None)
    return {0x202: "2.0.2", 0x210: "2.1", 0x300: "3.0", 0x302: "3.0.2", 0x311: "3.1.1"}.get(d, "2")


def _unreachable_reason(e: BaseException, ep: Endpoint) -> str:
    text = str(e).lower()
    if "refused" in text:
        why = "connection refused (no SMB server on that port?)"
    elif "name or service not known" in text or "nodename nor servname" in text or "no address" in text:
        why = "unknown host name"
    elif "timed out" in text or "timeout" in text:
        why = "no answer (timed out)"
    elif "unreachable" in text:
        why = "network unreachable"
    else:
        why = describe(e)
    return f"cannot connect to {ep.address}: {why}"


def _auth_reason(e: BaseException, ep: Endpoint) -> str:
    text = " ".join(str(e).split())
    if ep.kerberos and ("gssapi" in text.lower() or "kerberos" in text.lower() or isinstance(e, ImportError)):
        return ("Kerberos is not available: it needs the gssapi package (pip install 'pyspnego[kerberos]', "
                "built against libkrb5-dev) and a ticket (kinit)")
    # pyspnego messages can be long; keep the first sentence.
    return text.split(". ")[0][:200] or type(e).__name__
