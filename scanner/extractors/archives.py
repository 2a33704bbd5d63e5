"""Archives: ZIP, TAR (plain, gz, bz2, xz), GZIP, BZ2, XZ, 7z and RAR.

Members are yielded as `Child`ren: the pipeline sniffs, extracts and
records each under the archive's part (`2019/notes/old_1.txt`,
`a.zip/b.zip/c.csv`). Nothing is unpacked to disk: members stream through
their decompressor, and formats that need random access (a DOCX inside a
ZIP) are read into memory within the limits.

Every decompressed byte counts against the item's `Budget` (total size,
ratio, member count; see limits.py). A breach is an items row with a
reason and the rest of the archive is not read; encrypted members are
skipped with reason `encrypted`.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
import os
import tarfile
import zipfile
from datetime import datetime
from typing import Iterator

from scanner.errors import ItemError, ItemSkipped, one_line
from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.limits import Budget, CountingSource, LimitedReader
from scanner.extractors.registry import register
from scanner.model import Child
from scanner.names import escape_bytes, escape_name
from scanner.streams import ReplayReader

ENCRYPTED = "encrypted"

_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_ZIP_METHOD_NAMES = {9: "Deflate64", 12: "BZIP2", 14: "LZMA", 93: "Zstandard", 95: "XZ", 98: "PPMd", 99: "AES"}


def _member_limits(budget: Budget, name: str, size: int | None, compressed: int | None, settings) -> str | None:
    """Why a member must not be opened, judged from what the archive declares."""
    if not budget.take_member():
        return budget.members_reason()
    if budget.bytes_exhausted:
        return budget.size_reason()
    if not budget.declared_ratio_ok(size, compressed):
        return budget.ratio_reason()
    limit = settings.max_file_size
    if limit is not None and size is not None and size > limit:
        from scanner.streams import human_size

        return f"larger than --max-file-size ({human_size(limit)})"
    return None


def _limit_breach(reason: str) -> bool:
    return "limit reached" in reason


def _stop_at_breach(children: Iterator[Child], ctx: ExtractContext) -> Iterator[Child]:
    """An archive's members until one breaches a limit: that one is yielded
    (skipped, with its reason), the reason noted on the item's row, and the
    rest of the archive is not read."""
    try:
        for child in children:
            yield child
            if child.skip and _limit_breach(child.skip):
                ctx.note(child.skip)
                return
    finally:
        children.close()


# -- ZIP ----------------------------------------------------------------------
@register
class ZipExtractor(Extractor):
    name = "zip"
    content_types = ("application/zip",)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Child]:
        yield from _stop_at_breach(self._members(open_zip(blob), ctx), ctx)

    @staticmethod
    def _members(zf: zipfile.ZipFile, ctx: ExtractContext) -> Iterator[Child]:
        budget = Budget.of(ctx)
        for info in zf.infolist():
            ctx.check()
            if not info.is_dir():
                yield _zip_child(zf, info, budget, ctx)


def open_zip(blob: Blob) -> zipfile.ZipFile:
    zf = blob.memo.get("zipfile")
    if zf is None:
        try:
            zf = zipfile.ZipFile(blob.seekable())
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise ItemError(f"corrupt or truncated ZIP archive ({one_line(exc)})") from None
        blob.memo["zipfile"] = zf
    return zf


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its bytes say. Without the UTF-8 flag, zipfile
    reads names as cp437, but most tools write UTF-8 (flag or not) or the
    ANSI code page of the machine: valid UTF-8 is taken as such, anything
    else kept as bytes in piiscout's escaped form (`r\\xe9sum\\xe9.txt`,
    scanner/names.py) rather than as cp437 mojibake."""
    name = info.filename
    if info.flag_bits & 0x800 or name.isascii():
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:  # zipfile was told another metadata encoding
        return name
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return escape_bytes(raw)


def _zip_child(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget, ctx: ExtractContext) -> Child:
    name = zip_member_name(info)
    try:
        mtime = datetime(*info.date_time).timestamp()
    except (ValueError, OverflowError):
        mtime = None
    common = dict(name=name, size=info.file_size, modified_at=mtime)
    if info.flag_bits & 0x1 or info.compress_type == 99:
        return Child(open=None, skip=ENCRYPTED, **common)
    if info.compress_type not in _ZIP_METHODS:
        method = _ZIP_METHOD_NAMES.get(info.compress_type, str(info.compress_type))
        return Child(open=None, skip=f"unsupported compression method ({method})", **common)
    why = _member_limits(budget, name, info.file_size, info.compress_size, ctx.settings)
    if why:
        return Child(open=None, skip=why, **common)

    def opener():
        return LimitedReader(zf.open(info), budget, info.compress_size, ctx.check)

    return Child(open=opener, **common)


def zip_member(blob: Blob, ctx: ExtractContext, name: str):
    """A member of a ZIP-based document (DOCX, ODT...), held to the same
    bomb limits as an archive; None when it does not exist."""
    zf = open_zip(blob)
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.flag_bits & 0x1:
        raise ItemSkipped(ENCRYPTED)
    budget = Budget.of(ctx)
    if not budget.declared_ratio_ok(info.file_size, info.compress_size):
        raise ItemSkipped(budget.ratio_reason())
    return LimitedReader(zf.open(info), budget, info.compress_size, ctx.check)


# -- TAR ----------------------------------------------------------------------
@register
class TarExtractor(Extractor):
    name = "tar"
    content_types = ("application/x-tar",)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Child]:
        yield from tar_members(blob.open(), ctx)


def tar_members(stream, ctx: ExtractContext) -> Iterator[Child]:
    """Members of a TAR read as a stream (no seeking: it may come out of a
    decompressor or another archive)."""
    return _stop_at_breach(_tar_members(stream, ctx), ctx)


def _tar_members(stream, ctx: ExtractContext) -> Iterator[Child]:
    budget = Budget.of(ctx)
    try:
        tf = tarfile.open(fileobj=stream, mode="r|")
    except tarfile.TarError as exc:
        raise ItemError(f"corrupt TAR archive ({one_line(exc)})") from None
    try:
        while True:
            ctx.check()
            try:
                member = tf.next()
            except tarfile.TarError as exc:
                raise ItemError(f"corrupt or truncated TAR archive ({one_line(exc)})") from None
            if member is None:
                break
            if not member.isfile():
                continue
            # tarfile decodes names with surrogateescape: escaped here.
            common = dict(name=escape_name(member.name), size=member.size,
                          modified_at=float(member.mtime or 0) or None)
            why = _member_limits(budget, member.name, member.size, None, ctx.settings)
            if why:
                yield Child(open=None, skip=why, **common)
                continue

            def opener(m=member):
                raw = tf.extractfile(m)
                if raw is None:
                    raise ItemError("TAR member has no data")
                return LimitedReader(raw, budget, None, ctx.check, count=False)

            yield Child(open=opener, **common)
    except (EOFError, OSError, zlib.error) as exc:
        # A truncated .tar.gz ends in the middle of a member.
        raise ItemError(f"corrupt or truncated TAR archive ({one_line(exc)})") from None


# -- single-file compressors: gzip, bzip2, xz ---------------------------------
_SUFFIXES = {
    "application/gzip": ((".tgz", ".tar"), (".gz", ""), (".z", "")),
    "application/x-bzip2": ((".tbz2", ".tar"), (".tbz", ".tar"), (".bz2", ""), (".bz", "")),
    "application/x-xz": ((".txz", ".tar"), (".xz", "")),
}


def _inner_name(name: str, ctype: str) -> str:
    low = name.lower()
    for suffix, repl in _SUFFIXES.get(ctype, ()):
        if low.endswith(suffix):
            return name[: len(name) - len(suffix)] + repl
    return (os.path.splitext(name)[0] or name) + ".out" if "." in name else name + ".out"


@register
class CompressedExtractor(Extractor):
    """GZIP, BZ2 and XZ streams. A compressed TAR (`.tar.gz`, `.tgz`) is
    read as one archive, so its members are parts of the file itself."""

    name = "compressed"
    content_types = ("application/gzip", "application/x-bzip2", "application/x-xz")

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Child]:
        budget = Budget.of(ctx)
        src = CountingSource(blob.open())
        if blob.content_type == "application/gzip":
            raw = gzip.GzipFile(fileobj=src, mode="rb")
        elif blob.content_type == "application/x-bzip2":
            raw = bz2.BZ2File(src, mode="rb")
        else:
            raw = lzma.LZMAFile(src, mode="rb")
        stream = LimitedReader(raw, budget, lambda: src.count, ctx.check)
        try:
            head = stream.read(512)
        except ItemSkipped:
            raise
        except (OSError, EOFError, lzma.LZMAError, ValueError, zlib.error) as exc:
            raise ItemError(f"corrupt or truncated {blob.content_type.split('/')[-1].removeprefix('x-')} "
                            f"stream ({one_line(exc)})") from None
        replay = ReplayReader(head, stream)
        if len(head) >= 262 and head[257:262] == b"ustar":
            yield from tar_members(replay, ctx)
            return
        inner = _inner_name(blob.name, blob.content_type)
        if not budget.take_member():
            raise ItemSkipped(budget.members_reason())
        yield Child(name=inner, open=lambda: _ErrorsAsItemErrors(replay))


class _ErrorsAsItemErrors(io.RawIOBase):
    """Turns a decompressor's complaint about a damaged stream into a
    one-line item error (the member is recorded, not the traceback)."""

    def __init__(self, raw):
        self.raw = raw

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        try:
            return self.raw.read(n)
        except (OSError, EOFError, lzma.LZMAError, zlib.error) as exc:
            raise ItemError(f"corrupt or truncated compressed stream ({one_line(exc)})") from None

    def readinto(self, buf) -> int:
        data = self.read(len(buf))
        buf[: len(data)] = data
        return len(data)


# -- 7z and RAR, through libarchive -------------------------------------------
@register
class LibarchiveExtractor(Extractor):
    """7z and RAR through libarchive (BSD; libarchive-c is CC0). Both need
    random access, so a member archive is read into memory first."""

    name = "libarchive"
    content_types = ("application/x-7z-compressed", "application/vnd.rar")

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Child]:
        try:
            import libarchive
        except (ImportError, OSError):
            raise ItemSkipped(f"unsupported format ({blob.content_type}): libarchive is not installed") from None
        yield from _stop_at_breach(self._members(libarchive, blob, ctx), ctx)

    @staticmethod
    def _members(libarchive, blob: Blob, ctx: ExtractContext) -> Iterator[Child]:
        budget = Budget.of(ctx)
        stream = blob.seekable()
        fmt = "7zip" if "7z" in blob.content_type else "rar"
        try:
            with libarchive.seekable_stream_reader(stream, format_name=fmt) as archive:
                for entry in archive:
                    ctx.check()
                    if not entry.isfile:
                        continue
                    name = entry.pathname or "member"
                    common = dict(name=name, size=entry.size, modified_at=_mtime(entry))
                    why = _member_limits(budget, name, entry.size, None, ctx.settings)
                    if why:
                        yield Child(open=None, skip=why, **common)
                        continue
                    yield Child(open=lambda e=entry: LimitedReader(_BlockReader(e), budget, None, ctx.check),
                                **common)
        except libarchive.ArchiveError as exc:
            msg = str(exc).lower()
            if "passphrase" in msg or "encrypt" in msg or "password" in msg:
                raise ItemSkipped(ENCRYPTED) from None
            raise ItemError(f"corrupt or unreadable {fmt} archive ({one_line(exc)})") from None


def _mtime(entry) -> float | None:
    try:
        m = entry.mtime
        return float(m) if m else None
    except Exception:  # noqa: BLE001
        return None


class _BlockReader(io.RawIOBase):
    """A libarchive entry's data as a stream."""

    def __init__(self, entry):
        self._blocks = entry.get_blocks()
        self._buf = b""

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        import libarchive

        try:
            while n is None or n < 0 or len(self._buf) < n:
                block = next(self._blocks, None)
                if block is None:
                    break
                self._buf += block
        except libarchive.ArchiveError as exc:
            msg = str(exc).lower()
            if "passphrase" in msg or "encrypt" in msg or "password" in msg:
                raise ItemSkipped(ENCRYPTED) from None
            raise ItemError(f"corrupt archive member ({one_line(exc)})") from None
        if n is None or n < 0:
            data, self._buf = self._buf, b""
        else:
            data, self._buf = self._buf[:n], self._buf[n:]
        return data

    def readinto(self, buf) -> int:
        data = self.read(len(buf))
        buf[: len(data)] = data
        return len(data)
