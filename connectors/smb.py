"""Windows file shares over SMB 2/3, read directly with smbprotocol: no
mount, no root.

Target: `smb://[DOMAIN;]user@host[:port]/share[/path]`, or
`smb://user@host/` for every non-administrative disk share of the host.
The password never appears on the command line: it comes from the
environment variable the target names (`password_env`, default
PIISCOUT_SMB_PASSWORD) or, on a terminal, from a prompt. `--guest` logs in
as guest, `--kerberos` with a Kerberos ticket, `--require-encryption`
refuses shares the server does not encrypt.

Locations are `smb://host[:port]/share/path`: no user, no password. The walk
streams depth-first and takes sizes and times from the directory listing;
each worker process opens its own session (`connectors.smb_session`).
"""

from __future__ import annotations

import getpass
import hashlib
import io
import logging
import os
import sys
from dataclasses import replace
from functools import partial
from typing import Any, BinaryIO, Iterator
from urllib.parse import unquote, urlsplit

from connectors.base import Connector
from connectors.local import DIRECTORY, matches_any
from connectors.registry import register
from connectors.skips import lock_file_reason
from connectors.smb_lsa import LsaLookup
from connectors.smb_security import SmbAccess, guest_access
from connectors.smb_session import (
    NOT_FOUND,
    Endpoint,
    Entry,
    SmbConnectionLost,
    SmbError,
    SmbLoginError,
    SmbSession,
    SmbUnreachable,
)
from scanner.errors import CredentialError, ItemError, TargetError, UsageError
from scanner.exposure import UNREADABLE
from scanner.model import ERROR, SKIPPED, Access, Item, ItemRecord, Stream, TargetSpec, listing_record
from scanner.names import escape_name
from scanner.streams import human_size

log = logging.getLogger(__name__)

DEFAULT_PASSWORD_ENV = "PIISCOUT_SMB_PASSWORD"
# A password typed at the prompt is put in the environment under this prefix
# so forked workers inherit it; it is never put in the TargetSpec.
PROMPTED_PREFIX = "_PIISCOUT_SMB_PROMPTED_"
READ_BUFFER = 1 << 20
IO_REPARSE_TAG_SYMLINK = 0xA000000C
IO_REPARSE_TAG_MOUNT_POINT = 0xA0000003
MAX_LINK_DEPTH = 40  # followed reparse points cannot be told apart by id: bound the depth


def parse_smb_url(raw: str) -> dict[str, Any]:
    """Split an smb:// URL into host, port, share, path, user and domain."""
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as e:
        raise UsageError(f"malformed SMB URL ({e}); expected smb://[DOMAIN;]user@host[:port]/share[/path]") from None
    if parts.scheme.lower() != "smb":
        raise UsageError("expected an smb:// URL")
    if parts.password is not None:
        # Never echo the URL: it holds a password.
        raise UsageError("do not put the password in the SMB URL (it lands in shell history and process lists); "
                         f"set ${DEFAULT_PASSWORD_ENV} or name a variable with password_env")
    if parts.query or parts.fragment:
        raise UsageError("SMB URLs take no ?query or #fragment; escape '#' and '?' in names as %23 and %3F")
    host = parts.hostname
    if not host:
        raise UsageError(f"no host in SMB URL {raw!r}; expected smb://[DOMAIN;]user@host[:port]/share[/path]")
    user = domain = None
    if parts.username:
        userinfo = unquote(parts.username)
        if ";" in userinfo:
            domain, user = userinfo.split(";", 1)
        elif "\\" in userinfo:
            domain, user = userinfo.split("\\", 1)
        else:
            user = userinfo
        user, domain = user or None, domain or None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if any(s in (".", "..") for s in segments):
        raise UsageError("'.' and '..' are not allowed in SMB paths")
    if any("\\" in s for s in segments):
        raise UsageError("use '/' to separate folders in SMB URLs, not '\\'")
    share = segments[0] if segments else None
    path = "/".join(segments[1:])
    return {"host": host.lower(), "port": port or 445, "share": share, "path": path, "user": user,
            "domain": domain}


def _address(host: str, port: int) -> str:
    h = f"[{host}]" if ":" in host else host
    return h if port == 445 else f"{h}:{port}"


def root_url(host: str, port: int, share: str | None, path: str) -> str:
    """The target's location prefix: no user, no password."""
    url = f"smb://{_address(host, port)}/"
    if share:
        url += share
        if path:
            url += "/" + path
    return url


def _password_env(principal: str, address: str, options: dict[str, Any]) -> str:
    """Name of the environment variable that holds the password, prompting
    for it on a terminal when it is not set. The password itself goes into
    this process's environment only (forked workers inherit it)."""
    env = options.get("password_env") or DEFAULT_PASSWORD_ENV
    if not isinstance(env, str) or not env.replace("_", "").isalnum():
        raise UsageError("password_env must name an environment variable (letters, digits, _)")
    if env in os.environ:
        return env
    private = PROMPTED_PREFIX + hashlib.sha256(f"{principal}@{address}".encode()).hexdigest()[:16]
    if private in os.environ:  # asked already for another target of this scan
        return private
    if options.get("prompt", True) and sys.stdin is not None and sys.stdin.isatty():
        try:
            password = getpass.getpass(f"Password for {principal} on {address}: ")
        except (EOFError, KeyboardInterrupt):
            raise UsageError("no password given") from None
        os.environ[private] = password
        return private
    raise CredentialError(f"no password for {principal} on {address}: set ${env} "
                          "(or use --guest, or --kerberos with a ticket)")


@register
class SmbConnector(Connector):
    name = "smb"
    schemes = ("smb",)

    @classmethod
    def parse(cls, raw: str, name: str | None = None, options: dict[str, Any] | None = None) -> TargetSpec:
        options = dict(options or {})
        for secret in ("password", "smb_password"):
            if secret in options:
                raise UsageError(f"an SMB password cannot be given as an option ({secret}); "
                                 "name an environment variable with password_env")
        url = parse_smb_url(raw)
        guest = bool(options.get("guest"))
        kerberos = bool(options.get("kerberos"))
        if guest and url["user"] and url["user"].lower() != "guest":
            raise UsageError("--guest logs in without a user: drop the user name from the SMB URL")
        if guest and kerberos:
            raise UsageError("--guest and --kerberos exclude each other")
        if not guest and not url["user"] and not kerberos:
            raise UsageError(f"no user in {raw!r}: use smb://[DOMAIN;]user@host/share, --guest, or --kerberos")
        if guest:
            url["user"] = url["domain"] = None
        address = _address(url["host"], url["port"])
        principal = f"{url['domain']}\\{url['user']}" if url["domain"] else (url["user"] or "")
        password_env = None
        if not guest and not kerberos:
            password_env = _password_env(principal, address, options)
        elif kerberos and options.get("password_env"):
            password_env = _password_env(principal, address, options)
        opts = {k: v for k, v in options.items() if k not in ("password_env", "prompt")}
        opts.update(url)
        opts.update(guest=guest, kerberos=kerberos, require_encryption=bool(options.get("require_encryption")))
        return TargetSpec(name=name or raw, url=root_url(url["host"], url["port"], url["share"], url["path"]),
                          scheme="smb", options=tuple(sorted(opts.items())), password_env=password_env)

    def __init__(self, spec: TargetSpec, settings):
        super().__init__(spec, settings)
        o = spec.options_dict
        self.share: str | None = o.get("share")
        self.path: str = o.get("path") or ""
        self.endpoint = Endpoint(
            host=o["host"], port=int(o.get("port") or 445), user=o.get("user"), domain=o.get("domain"),
            password_env=spec.password_env, guest=bool(o.get("guest")),
            require_encryption=bool(o.get("require_encryption")), kerberos=bool(o.get("kerberos")),
            timeout=float(o.get("smb_timeout") or 15.0),
        )
        self.base = f"smb://{self.endpoint.address}/"
        self._session: SmbSession | None = None
        self._shares: list[str] | None = None
        self._root_entry: Entry | None = None
        self._access: SmbAccess | None = None
        self._lsa: LsaLookup | None = None
        self._lsa_generation = -1
        self._guest_session: SmbSession | None = None
        self._guest_shares: dict[str, bool] = {}

    @property
    def session(self) -> SmbSession:
        if self._session is None:
            self._session = SmbSession(self.endpoint, partial(self.password, SmbLoginError))
        return self._session

    @property
    def access(self) -> SmbAccess:
        if self._access is None:
            self._access = SmbAccess(self._lookup_sids)
        return self._access

    def _lookup_sids(self, sids: list[str]) -> dict:
        s = self.session
        if self._lsa is None or self._lsa_generation != s.generation:
            self._lsa = s.call(lambda: LsaLookup(s.tree("IPC$")))
            self._lsa_generation = s.generation
        return s.call(lambda: self._lsa.lookup(sids))

    def admits_guest(self, share: str) -> bool:
        """Whether a guest may connect to `share` (then all it holds is
        readable by anyone): one guest login per scan, one tree connect per share."""
        if self.endpoint.guest:
            return True
        known = self._guest_shares.get(share.lower())
        if known is not None:
            return known
        ok = False
        try:
            if self._guest_session is None:
                self._guest_session = SmbSession(replace(self.endpoint, guest=True, user=None, domain=None,
                                                         password_env=None, kerberos=False), lambda: None)
                self._guest_session.connect()
            self._guest_session.tree(share)
            ok = True
        except Exception as e:  # noqa: BLE001 - a refused guest is the answer, not a problem
            log.debug("guest access to %s refused: %s", share, e)
        self._guest_shares[share.lower()] = ok
        return ok

    def _listed_access(self, share: str) -> Access | None:
        """What the listing knows: a guest share is open to everyone; for
        anything else the worker reads the file's descriptor with its open."""
        return guest_access() if self.admits_guest(share) else None

    def refresh_access(self, items: list[Item]) -> list[Access | None]:
        """Permissions of items the scan does not read (skipped ones, the
        unchanged ones of an incremental rescan): their descriptors, many
        per round trip. UNREADABLE where the server refuses them, None where
        they could not be asked for."""
        out: list = [None] * len(items)
        by_share: dict[str, list[int]] = {}
        for i, item in enumerate(items):
            by_share.setdefault(item.ref.partition("/")[0], []).append(i)
        for share, idx in by_share.items():
            listed = self._listed_access(share)
            if listed is not None:
                for i in idx:
                    out[i] = listed
                continue
            try:
                sds = self.session.query_security(share, [_win(items[i].ref.partition("/")[2]) for i in idx])
            except (SmbError, SmbConnectionLost, SmbLoginError, SmbUnreachable) as e:
                log.info("cannot read permissions on %s: %s", share, e)
                continue
            for i, sd in zip(idx, sds):
                out[i] = self.access.of_descriptor(sd) if sd is not None else UNREADABLE
        return out

    # -- checking --------------------------------------------------------------------
    def check(self) -> None:
        s = self.session
        try:
            s.connect()
            if self.share is None:
                self._shares = self._list_shares()
                if not self._shares:
                    raise TargetError(f"{self.endpoint.address} offers no disk shares to scan")
                return
            s.tree(self.share)
            if self.path:
                self._root_entry = s.stat(self.share, _win(self.path))
            else:
                s.list_dir(self.share, "")
        except (SmbUnreachable, SmbLoginError, SmbConnectionLost) as e:
            raise TargetError(str(e)) from None
        except SmbError as e:
            reason = "no such file or directory" if e.status in NOT_FOUND else str(e)
            raise TargetError(f"{self.spec.url}: {reason}") from None

    def _list_shares(self) -> list[str]:
        try:
            shares = self.session.list_shares()
        except (SmbConnectionLost, SmbLoginError):
            raise
        except Exception as e:  # noqa: BLE001
            from scanner.errors import one_line

            raise TargetError(f"cannot list the shares of {self.endpoint.address} ({one_line(e)}); "
                              "name the share: smb://user@host/share") from None
        return [sh.name for sh in shares if sh.is_disk and not sh.administrative]

    # -- listing ---------------------------------------------------------------------
    def list_items(self) -> Iterator[Item | ItemRecord]:
        excludes = tuple(self.settings.excludes) + tuple(self.spec.option("excludes", ()) or ())
        if self.share is None:
            if self._shares is None:
                try:
                    self._shares = self._list_shares()
                except (TargetError, SmbConnectionLost, SmbLoginError) as e:
                    yield self._record(self.base, None, DIRECTORY, ERROR, str(e))
                    return
            for share in self._shares:
                if matches_any(share, excludes):
                    continue
                try:
                    self.session.tree(share)
                except (SmbLoginError, SmbError, SmbConnectionLost) as e:
                    yield self._record(self.base + share, None, DIRECTORY, ERROR, _share_reason(e, share))
                    continue
                yield from self._walk(share, "", share, excludes)
            return
        if self.path:
            entry = self._root_entry
            if entry is None:
                try:
                    entry = self.session.stat(self.share, _win(self.path))
                except (SmbError, SmbConnectionLost) as e:
                    yield self._record(self.spec.url, None, None, ERROR, str(e))
                    return
            if not entry.is_dir:
                yield from self._file(self.share, self.path, entry, self.path.rsplit("/", 1)[-1])
                return
        yield from self._walk(self.share, self.path, "", excludes)

    def _walk(self, share: str, top: str, rel_prefix: str, excludes) -> Iterator[Item | ItemRecord]:
        """Depth-first, in name order, like the local walk. `top` is the
        folder inside the share; `rel_prefix` its path relative to the target."""
        stack: list[tuple[str, str, int]] = [(top, rel_prefix, 0)]
        while stack:
            folder, rel_folder, links = stack.pop()
            try:
                entries = self.session.list_dir(share, _win(folder))
            except (SmbError, SmbConnectionLost, SmbLoginError) as e:
                yield self._record(self._location(share, folder), None, DIRECTORY, ERROR, str(e))
                continue
            entries.sort(key=lambda e: e.name)
            subdirs = []
            for entry in entries:
                path = f"{folder}/{entry.name}" if folder else entry.name
                rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
                if matches_any(rel, excludes):
                    continue
                if entry.is_reparse_point and entry.is_dir:
                    # Junctions and directory links can lead back up the tree.
                    if not self.settings.follow_symlinks:
                        yield self._record(self._location(share, path), None, DIRECTORY, SKIPPED,
                                           f"{_link_kind(entry)} to a directory, not followed (see --follow-symlinks)")
                        continue
                    if links >= MAX_LINK_DEPTH:
                        yield self._record(self._location(share, path), None, DIRECTORY, SKIPPED,
                                           f"more than {MAX_LINK_DEPTH} nested links (loop?)")
                        continue
                    subdirs.append((path, rel, links + 1))
                elif entry.is_dir:
                    subdirs.append((path, rel, links))
                else:
                    yield from self._file(share, path, entry, rel)
            stack.extend(reversed(subdirs))

    def _file(self, share: str, path: str, entry: Entry, rel: str) -> Iterator[Item | ItemRecord]:
        location = self._location(share, path)
        mtime = entry.modified_at
        ref = f"{share}/{path}"
        access = self._listed_access(share)
        item = Item(target=self.spec.name, source=self.name, location=location, ref=ref, size=entry.size,
                    modified_at=mtime, access=access, changed_at=entry.changed_at)
        skip = None
        if entry.is_offline:
            skip = "offline file (reading it would recall it from archive storage)"
        elif self.settings.max_file_size is not None and entry.size > self.settings.max_file_size:
            skip = f"larger than --max-file-size ({human_size(self.settings.max_file_size)})"
        else:
            skip = lock_file_reason(entry.name, entry.size)
        if skip:
            # Not read, so its descriptor is asked for on its own (reading it
            # does not recall an offline file).
            access = access or self.refresh_access([item])[0]
            access = access if isinstance(access, Access) else None
            yield self._record(location, entry.size, None, SKIPPED, skip, mtime, access, entry.changed_at)
            return
        yield item

    def _location(self, share: str, path: str) -> str:
        # A name Windows allows but UTF-8 cannot hold (a lone UTF-16
        # surrogate) is escaped like a non-UTF-8 local name.
        return escape_name(self.base + share + ("/" + path if path else ""))

    def _record(self, location, size, ctype, status, reason, mtime=None, access=None, ctime=None) -> ItemRecord:
        return listing_record(self.name, location, status, reason, size=size, modified_at=mtime,
                              content_type=ctype, access=access, changed_at=ctime)

    # -- reading ---------------------------------------------------------------------
    def content(self, item: Item) -> Stream:
        """The file's bytes, and (unless the listing knew: a guest share) who
        may read it, from the descriptor its open brought along."""
        raw = self._open_raw(item, security=item.access is None)
        access = self.access.of_descriptor(raw.security) if item.access is None else None
        return Stream(io.BufferedReader(raw, READ_BUFFER), os.path.basename(item.ref) or item.ref, access=access)

    def open(self, item: Item) -> BinaryIO:
        return io.BufferedReader(self._open_raw(item), READ_BUFFER)

    def _open_raw(self, item: Item, security: bool = False):
        share, _, path = item.ref.partition("/")
        try:
            raw = self.session.open_file(share, _win(path), security)
        except SmbError as e:
            reason = str(e)
            raise ItemError("file vanished before it was read" if reason == "vanished during the scan"
                            else reason) from None
        except (SmbLoginError, SmbUnreachable) as e:
            raise ItemError(str(e)) from None
        return raw

    def relative(self, item_location: str) -> str:
        root = self.spec.url
        if item_location == root:
            return ""
        prefix = root if root.endswith("/") else root + "/"
        if item_location.startswith(prefix):
            return item_location[len(prefix):]
        return item_location

    def close(self) -> None:
        if self._lsa is not None:
            if self._session is not None and self._lsa_generation == self._session.generation:
                self._lsa.close()
            self._lsa = None
        for attr in ("_guest_session", "_session"):
            sess = getattr(self, attr)
            if sess is not None:
                try:
                    sess.close()
                except Exception:  # noqa: BLE001
                    pass
                setattr(self, attr, None)


def _win(path: str) -> str:
    return path.replace("/", "\\")


def _link_kind(entry: Entry) -> str:
    if entry.reparse_tag == IO_REPARSE_TAG_MOUNT_POINT:
        return "junction"
    if entry.reparse_tag == IO_REPARSE_TAG_SYMLINK:
        return "symbolic link"
    return "reparse point"


def _share_reason(e: Exception, share: str) -> str:
    text = str(e)
    if "denied" in text:
        return "access denied"
    return text
