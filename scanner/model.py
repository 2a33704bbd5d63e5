"""The values that flow through a scan.

connector -> Item -> Stream (bytes) | Table (typed records) -> pipeline:
extractor -> Segment / Child -> detectors -> Finding (masked, hashed) and
ItemRecord -> inventory writer.

Everything a worker process or a remote (Dask) worker receives is a frozen,
picklable dataclass without open handles or secrets: a TargetSpec names its
credentials by environment variable, never by value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, Iterable, Mapping, Sequence

# Item statuses, as written to the inventory's `items.status`.
SCANNED = "scanned"
SKIPPED = "skipped"
ERROR = "error"
UNCHANGED = "unchanged"
STATUSES = (SCANNED, SKIPPED, ERROR, UNCHANGED)

# Exposure (`items.exposure`): the broadest kind of principal that may read
# an object, broadest first (scanner/exposure/).
EVERYONE = "everyone"  # Everyone, anonymous, guests, world-readable mode bits
AUTHENTICATED = "authenticated"  # any account: Authenticated Users, Domain Users
GROUP = "group"  # a named group
OWNER = "owner"  # only the owner, named users, administrators/SYSTEM
EXPOSURES = (EVERYONE, AUTHENTICATED, GROUP, OWNER)


@dataclass(frozen=True)
class Access:
    """Who may read an object: its exposure and the principals with read
    access (names where known, SIDs otherwise), broadest first."""

    exposure: str
    readers: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetSpec:
    """One thing to scan, as the user named it, minus any secret.

    `url` is safe to print and to store (no password). `options` holds the
    connector's settings as plain values (str/int/float/bool/tuples) so the
    spec pickles and can be rebuilt on any worker. `password_env` names the
    environment variable that holds the password, if any.
    """

    name: str
    url: str
    scheme: str
    options: tuple[tuple[str, Any], ...] = ()
    password_env: str | None = None

    def option(self, key: str, default: Any = None) -> Any:
        for k, v in self.options:
            if k == key:
                return v
        return default

    @property
    def options_dict(self) -> dict[str, Any]:
        return dict(self.options)


@dataclass(frozen=True)
class Item:
    """A unit of work: one top-level object a connector can open.

    `ref` is the connector's own handle (a path relative to the target root,
    a table name, a message key); it must be plain data.
    """

    target: str  # TargetSpec.name
    source: str  # connector name: file, smb, sql, mail...
    location: str  # URI or path; never credentials
    ref: str
    part: str = ""
    size: int | None = None
    modified_at: float | None = None  # POSIX seconds, UTC
    content_type: str | None = None  # a hint, when the connector knows
    # Tells an incremental rescan whether the object changed without reading
    # it, for sources where size and time say nothing (table statistics).
    # None: size + modified_at are compared; neither known: always rescanned.
    fingerprint: str | None = None
    # Who may read it, when the listing knows (local modes, SQL grants, a
    # guest share); None: the connector finds out when it reads the object
    # (SMB descriptors), or the source has no notion of access.
    access: Access | None = None
    # When its metadata last changed (POSIX ctime, SMB ChangeTime; POSIX seconds, UTC).
    changed_at: float | None = None


@dataclass(frozen=True)
class ItemRecord:
    """One row of `items`: an object looked at, and what became of it."""

    source: str
    location: str
    part: str
    size: int | None
    modified_at: float | None
    content_type: str | None
    status: str
    reason: str | None = None
    findings: int = 0
    bytes_scanned: int = 0
    duration_s: float = 0.0
    rows_scanned: int | None = None
    rows_matched: int | None = None
    fingerprint: str | None = None  # Item.fingerprint of a top-level object
    # Detections dropped because their value is allow-listed (`items.suppressed`;
    # summed into the scan's summary and `scans.suppressed`).
    suppressed: int = 0
    # `items.exposure` / `items.readers`; rows inside an object (members,
    # attachments, SQL columns) carry the object's; `items.changed_at` too.
    access: Access | None = None
    changed_at: float | None = None
    # Keyed hash of the real location (scanner/namescan.py), set by the
    # parent when it masks names; None in records of older code paths.
    location_hash: str | None = None

    @classmethod
    def of(cls, where: "ObjectInfo | Item", status: str, reason: str | None = None, **outcome: Any) -> "ItemRecord":
        """The one way an items row is built: where the object sits (an
        `ObjectInfo`, or the `Item` itself) and what became of it; `outcome`
        holds the counters (findings, bytes_scanned, rows_scanned...)."""
        outcome.setdefault("access", where.access)
        outcome.setdefault("changed_at", where.changed_at)
        return cls(source=where.source, location=where.location, part=where.part, size=where.size,
                   modified_at=where.modified_at, content_type=where.content_type, status=status,
                   reason=reason, **outcome)


@dataclass(slots=True)
class ObjectInfo:
    """Where an object sits, for its items row and its findings: a top-level
    item, an archive member, a table's column. `content_type` is filled in
    once the pipeline has sniffed the object."""

    source: str
    location: str
    part: str = ""
    size: int | None = None
    modified_at: float | None = None
    content_type: str | None = None
    row_key: str | None = None
    # Who may read it: from the listing, or from the connector's content()
    # (SMB descriptors); members and columns carry their object's.
    access: Access | None = None
    changed_at: float | None = None

    @classmethod
    def of_item(cls, item: "Item") -> "ObjectInfo":
        return cls(item.source, item.location, item.part, item.size, item.modified_at, item.content_type,
                   access=item.access, changed_at=item.changed_at)


def listing_record(source: str, location: str, status: str, reason: str | None, *, size: int | None = None,
                   modified_at: float | None = None, content_type: str | None = None,
                   access: Access | None = None, changed_at: float | None = None) -> ItemRecord:
    """The items row of something a connector found broken or left out while
    listing (a denied folder, a file over --max-file-size)."""
    return ItemRecord.of(ObjectInfo(source, location, "", size, modified_at, content_type, access=access,
                                    changed_at=changed_at), status, reason)


# -- what a connector hands the pipeline for one item ----------------------------------

@dataclass
class Stream:
    """The content of a byte object (a file, a message): the pipeline sniffs
    it by its first bytes and `name`, unless the connector knows its
    `content_type`."""

    stream: BinaryIO
    name: str
    content_type: str | None = None
    # Who may read it, when the connector learns that by opening it (an SMB
    # file's security descriptor comes with its open).
    access: Access | None = None


@dataclass
class Table:
    """The content of a structured object (a database table): typed records
    (table, column, row key, value) handed over a batch of rows at a time,
    since an object per cell would cost more than detecting in it.

    Each row of a batch is a sequence: the values of `key_names` first (the
    row's key; none when rows are only numbered), then one value per
    `columns` entry, as the source typed it (str, int, Decimal, bytes,
    dict...; None for NULL). `note` goes on the table's own items row (how
    it was sampled); every column gets an items row of `column_type`.
    """

    columns: tuple[str, ...]
    key_names: tuple[str, ...]
    rows: Iterable[Sequence[Sequence[Any]]]
    note: str | None = None
    column_type: str = "sql/column"


Content = Stream | Table


class Layout:
    """Where a segment's text came from, for context that is not in the text.

    A CSV cell's column header, a SQL column name, a JSON key: detectors ask
    for it lazily, only at candidate matches, so a large table costs nothing
    until something looks like PII. Subclasses must be cheap to construct.
    """

    def context_at(self, text: str, pos: int) -> tuple[str, ...]:
        return ()

    def vocabulary(self) -> tuple[str, ...]:
        """Every context word this layout can return (all headers), so the
        engine knows which context-only patterns are worth looking for."""
        return ()

    def row_key_at(self, text: str, pos: int) -> str | None:
        return None

    def delimited(self) -> tuple[str, tuple[str, ...]] | None:
        """(delimiter, column headers) when the text is delimited rows whose
        cells have these headers as their only context (CSV), else None."""
        return None


@dataclass(frozen=True)
class Segment:
    """Text to analyse.

    `core` (start, end), local to `text`, is the range this segment owns:
    findings starting outside it belong to a neighbouring segment that
    overlaps this one, and are dropped here. `None` means all of it.
    `offset` and `line` place `text[0]` in the part's whole text, so start,
    end and line numbers are those of the part, not of the segment.
    `section` narrows the part (a PDF page, a sheet) and is appended to it.
    """

    text: str
    offset: int = 0
    line: int | None = 1
    core: tuple[int, int] | None = None
    context: tuple[str, ...] = ()
    layout: Layout | None = None
    section: str = ""
    row_key: str | None = None


@dataclass
class Child:
    """A nested object an extractor found: an archive member, an attachment.

    The pipeline sniffs its type and extracts it recursively, and gives it
    its own `items` row. `open` returns a binary stream; it is called at most
    once. `error`, when set, records the child as failed without opening it
    (an encrypted member, a bomb limit), `skip` records it as skipped.
    """

    name: str  # appended to the parent's part with "/"
    open: Callable[[], BinaryIO] | None
    size: int | None = None
    modified_at: float | None = None
    content_type: str | None = None
    error: str | None = None
    skip: str | None = None
    row_key: str | None = None


@dataclass(frozen=True)
class Detection:
    """A raw detector result. Holds the raw value: never leaves the worker."""

    entity_type: str
    start: int
    end: int
    score: float
    detector: str
    value: str


@dataclass(frozen=True)
class Finding:
    """One row of `findings`, already masked and hashed."""

    source: str
    location: str
    part: str
    row_key: str | None
    entity_type: str
    score: float
    detector: str
    start: int
    end: int
    line: int | None
    masked_value: str
    value_hash: str
    context: str


@dataclass(frozen=True)
class ScanSummary:
    scan_id: str
    status: str  # complete | partial | interrupted | failed
    items: Mapping[str, int] = field(default_factory=dict)  # by status
    findings: int = 0
    suppressed: int = 0
    exit_code: int = 0
    findings_by_entity: Mapping[str, int] = field(default_factory=dict)
    target: str | None = None  # the target's name (config table, or as given)
    targets: tuple[str, ...] = ()  # URLs
    duration_s: float = 0.0
    unreached: int = 0  # folders, shares, tables (or objects) the scan could not list or read
