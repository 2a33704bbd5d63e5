"""Local file trees: a path or a file:// URI (including mounted shares).

The walk is streaming and depth-first with `os.scandir` (sizes and times come
from the directory entry, no extra stat per file on most file systems).
Unreadable folders are recorded as errors; broken links, link loops,
special files (sockets, devices, FIFOs) and Office/LibreOffice lock files
are `skipped` with a reason (decisions, not problems); the walk goes on.
Names that are not valid UTF-8 are walked and opened as the bytes they are
(`ref`), and recorded in the escaped form of `scanner.names` (`location`).
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
from typing import Any, BinaryIO, Iterator
from urllib.parse import unquote, urlsplit

from connectors.base import Connector
from connectors.registry import register
from connectors.skips import lock_file_reason
from scanner.exposure.posix import file_access
from scanner.errors import ItemError, TargetError, UsageError
from scanner.model import ERROR, SKIPPED, Item, ItemRecord, TargetSpec, listing_record
from scanner.names import escape_name, unescape_name
from scanner.streams import human_size

DIRECTORY = "inode/directory"


def matches_any(rel: str, patterns: tuple[str, ...]) -> bool:
    """Exclude globs apply to the path relative to the target (with /) and to
    the base name: `*.iso`, `Backups/*`, `node_modules`."""
    if not patterns:
        return False
    base = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(base, p) for p in patterns)


@register
class LocalConnector(Connector):
    name = "file"
    schemes = ("", "file")

    @classmethod
    def parse(cls, raw: str, name: str | None = None, options: dict[str, Any] | None = None) -> TargetSpec:
        path = raw
        if raw.lower().startswith("file://"):
            parts = urlsplit(raw)
            if parts.netloc not in ("", "localhost"):
                raise UsageError(f"file:// URLs must be local (got host {parts.netloc!r}); use smb:// for shares")
            path = unquote(parts.path)
        if not path:
            raise UsageError("empty target path")
        path = os.path.abspath(os.path.expanduser(path))
        opts = tuple(sorted((options or {}).items()))
        # The URL is stored and printed: escaped; the walk uses the real name.
        return TargetSpec(name=escape_name(name or raw), url=escape_name(path), scheme="file", options=opts)

    @property
    def root(self) -> str:
        return unescape_name(self.spec.url)

    def check(self) -> None:
        try:
            st = os.stat(self.root)
        except FileNotFoundError:
            raise TargetError(f"no such file or directory: {self.spec.url}") from None
        except PermissionError:
            raise TargetError(f"permission denied: {self.spec.url}") from None
        except OSError as e:
            raise TargetError(f"cannot read {self.spec.url}: {e.strerror}") from None
        if stat.S_ISDIR(st.st_mode) and not os.access(self.root, os.R_OK | os.X_OK):
            raise TargetError(f"permission denied: {self.spec.url}")

    # -- listing ---------------------------------------------------------------
    def list_items(self) -> Iterator[Item | ItemRecord]:
        excludes = tuple(self.settings.excludes) + tuple(self.spec.option("excludes", ()))
        skip_paths = {os.path.abspath(p) for p in self.spec.option("skip_paths", ())}
        try:
            st = os.stat(self.root)
        except OSError as e:
            yield self._record(self.root, None, None, ERROR, _reason(e))
            return
        if not stat.S_ISDIR(st.st_mode):
            yield from self._file(self.root, st, os.path.basename(self.root))
            return
        seen_dirs = {(st.st_dev, st.st_ino)}
        stack = [self.root]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as e:
                yield self._record(folder, None, DIRECTORY, ERROR, _reason(e))
                continue
            subdirs = []
            for entry in entries:
                path = entry.path
                rel = os.path.relpath(path, self.root).replace(os.sep, "/")
                if path in skip_paths or matches_any(rel, excludes):
                    continue
                try:
                    if entry.is_symlink():
                        yield from self._symlink(entry, rel, seen_dirs, subdirs)
                    elif entry.is_dir(follow_symlinks=False):
                        if self.settings.follow_symlinks:
                            # Followed links can lead back into the tree.
                            st = entry.stat(follow_symlinks=False)
                            if (st.st_dev, st.st_ino) in seen_dirs:
                                yield self._record(path, None, DIRECTORY, SKIPPED, "directory already scanned (loop)")
                                continue
                            seen_dirs.add((st.st_dev, st.st_ino))
                        subdirs.append(path)
                    else:
                        yield from self._file(path, entry.stat(follow_symlinks=False), rel)
                except OSError as e:
                    yield self._record(path, None, None, ERROR, _reason(e))
            # Depth-first, in name order: push in reverse so "a" is walked first.
            stack.extend(reversed(subdirs))

    def _symlink(self, entry: os.DirEntry, rel: str, seen_dirs: set, subdirs: list):
        path = entry.path
        try:
            st = os.stat(path)  # follows the link
        except FileNotFoundError:
            yield self._record(path, None, None, SKIPPED, "broken symbolic link (its target does not exist)")
            return
        except OSError as e:
            if e.errno == errno.ELOOP:
                yield self._record(path, None, None, SKIPPED, "symbolic link loop")
            else:
                yield self._record(path, None, None, ERROR, _reason(e))
            return
        if stat.S_ISDIR(st.st_mode):
            if not self.settings.follow_symlinks:
                yield self._record(path, None, DIRECTORY, SKIPPED,
                                   "symbolic link to a directory, not followed (see --follow-symlinks)")
            elif (st.st_dev, st.st_ino) in seen_dirs:
                yield self._record(path, None, DIRECTORY, SKIPPED, "symbolic link loop")
            else:
                seen_dirs.add((st.st_dev, st.st_ino))
                subdirs.append(path)
            return
        yield from self._file(path, st, rel)

    def _file(self, path: str, st: os.stat_result, rel: str):
        if not stat.S_ISREG(st.st_mode):
            kind = _special_kind(st.st_mode)
            yield self._record(path, None, None, SKIPPED, f"not a regular file ({kind})")
            return
        # Mode bits and ACL of what the path leads to (the target of a followed link).
        access = file_access(path, st)
        limit = self.settings.max_file_size
        if limit is not None and st.st_size > limit:
            yield self._record(path, st.st_size, None, SKIPPED, f"larger than --max-file-size ({human_size(limit)})",
                               st.st_mtime, access, st.st_ctime)
            return
        lock = lock_file_reason(os.path.basename(path), st.st_size)
        if lock:
            yield self._record(path, st.st_size, None, SKIPPED, lock, st.st_mtime, access, st.st_ctime)
            return
        yield Item(target=self.spec.name, source=self.name, location=escape_name(path), ref=path,
                   size=st.st_size, modified_at=st.st_mtime, access=access, changed_at=st.st_ctime)

    def _record(self, path, size, ctype, status, reason, mtime=None, access=None, ctime=None) -> ItemRecord:
        return listing_record(self.name, escape_name(path), status, reason, size=size, modified_at=mtime,
                              content_type=ctype, access=access, changed_at=ctime)

    # -- reading -----------------------------------------------------------------
    def open(self, item: Item) -> BinaryIO:
        try:
            # O_NONBLOCK: a FIFO swapped in after listing must not hang a worker.
            fd = os.open(item.ref, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except FileNotFoundError:
            raise ItemError("file vanished before it was read") from None
        except OSError as e:
            raise ItemError(_reason(e)) from None
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            raise ItemError(f"not a regular file ({_special_kind(st.st_mode)})")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb", buffering=1 << 16)

    def relative(self, item_location: str) -> str:
        rel = os.path.relpath(item_location, self.spec.url)
        return "" if rel == "." else rel.replace(os.sep, "/")


def _reason(e: OSError) -> str:
    if isinstance(e, PermissionError):
        return "permission denied"
    if isinstance(e, FileNotFoundError):
        return "vanished during the scan"
    return (e.strerror or type(e).__name__).lower()


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISDIR(mode):
        return "directory"
    return "special file"
