"""Who may read a local file: mode bits, owner, group and POSIX ACLs.

The access ACL is the `system.posix_acl_access` extended attribute, read with
`os.getxattr` and parsed here (the Linux xattr layout: a 4-byte version, then
8-byte entries tag/perm/id), one syscall per file and no C library; pylibacl
(LGPL-2.1) reads the same attribute through libacl, was measured slower per
file here (README, "Exposure") and would add a compiled dependency. A file
without the attribute has a minimal ACL: its mode bits say it all.

Principals are named as Samba names them, so a tree scanned locally and the
same tree served over SMB give the same readers: "Everyone" (other),
"Unix User\\alice", "Unix Group\\hr", and S-1-22-1-<uid> / S-1-22-2-<gid>
for ids without a name on this machine.
"""

from __future__ import annotations

import errno
import grp
import os
import pwd
import stat
import struct
from functools import lru_cache

from scanner.exposure import access_of
from scanner.exposure import sids as S
from scanner.model import EVERYONE, OWNER, Access

ACL_XATTR = "system.posix_acl_access"
ACL_VERSION = 2
ACL_USER_OBJ, ACL_USER, ACL_GROUP_OBJ, ACL_GROUP, ACL_MASK, ACL_OTHER = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
ACL_READ = 0x4
# Errors that mean "no ACL here" rather than a problem with the file.
NO_ACL = frozenset({errno.ENODATA, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS})


class PosixAclError(ValueError):
    pass


def parse_acl(blob: bytes) -> tuple[tuple[int, int, int], ...]:
    """(tag, perm, id) entries of a `system.posix_acl_access` value."""
    if len(blob) < 4 or (len(blob) - 4) % 8:
        raise PosixAclError("malformed POSIX ACL attribute")
    if struct.unpack_from("<I", blob)[0] != ACL_VERSION:
        raise PosixAclError("unknown POSIX ACL version")
    return tuple(struct.iter_unpack("<HHI", blob[4:]))


@lru_cache(maxsize=4096)
def user_name(uid: int) -> str:
    try:
        return "Unix User\\" + pwd.getpwuid(uid).pw_name
    except (KeyError, OverflowError):
        return f"{S.UNIX_USER_PREFIX}{uid}"


@lru_cache(maxsize=4096)
def group_name(gid: int) -> str:
    try:
        return "Unix Group\\" + grp.getgrgid(gid).gr_name
    except (KeyError, OverflowError):
        return f"{S.UNIX_GROUP_PREFIX}{gid}"


def _group(gid: int) -> tuple[str, str]:
    name = group_name(gid)
    return name, S.classify(f"{S.UNIX_GROUP_PREFIX}{gid}", name)


@lru_cache(maxsize=16384)
def mode_access(mode: int, uid: int, gid: int, acl: bytes = b"") -> Access:
    """Access from permission bits, owner, group and the raw access ACL."""
    pairs: list[tuple[str, str]] = []
    entries = parse_acl(acl) if acl else ()
    mask = next((p for t, p, _ in entries if t == ACL_MASK), 0o7)
    group_obj = next((p for t, p, _ in entries if t == ACL_GROUP_OBJ), None)
    if mode & stat.S_IRUSR:
        pairs.append((user_name(uid), OWNER))
    group_perm = (group_obj & mask) if group_obj is not None else (mode >> 3) & 0o7
    if group_perm & ACL_READ:
        pairs.append(_group(gid))
    for tag, perm, ident in entries:
        if not perm & mask & ACL_READ:
            continue
        if tag == ACL_USER:
            pairs.append((user_name(ident), OWNER))
        elif tag == ACL_GROUP:
            pairs.append(_group(ident))
    if mode & stat.S_IROTH:
        pairs.append(("Everyone", EVERYONE))
    return access_of(pairs)


def read_acl(path: str | bytes, follow_symlinks: bool = True) -> bytes:
    """The raw access ACL of `path`, b"" when it has none (or the file
    system has no ACLs). OSError for anything else (the file vanished)."""
    try:
        return os.getxattr(path, ACL_XATTR, follow_symlinks=follow_symlinks)
    except OSError as e:
        if e.errno in NO_ACL:
            return b""
        raise


def file_access(path: str | bytes, st: os.stat_result, follow_symlinks: bool = True) -> Access | None:
    """Who may read the file `st` describes; None when its ACL cannot be
    read (the permissions are then unknown, not open)."""
    try:
        acl = read_acl(path, follow_symlinks)
    except OSError:
        return None
    try:
        return mode_access(stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, acl)
    except PosixAclError:
        return mode_access(stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)
