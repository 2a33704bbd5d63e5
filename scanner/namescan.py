"""PII in names: file, folder and archive member names are scanned as content.

`Smith_531-74-2190.pdf` on a share, or `cards/4111111111111111.txt` in a ZIP,
hold the value in the name itself. Every name component below a target
(folders and the file's own name; every component of an archive member's
path) is run through the scan's detection engine, in the parent, before any
row is written:

* a value found in a name is a finding of its own: `location` the object
  (or the folder), `part` the (masked) member path followed by `#name`, or
  just `#name` for the file or folder itself;
* the value is masked in `location` and `part` wherever they are written
  (inventory, logs, exports, reports), as values are masked:
  `Smith_***-**-2190.pdf`;
* `location_hash` is a keyed hash (HMAC, the inventory's key) of the real
  location, so the object can be found again (`piiscout locate INV HASH`,
  run where the share is readable) and told apart from another object
  whose name masks the same.

Names are scanned for the entity types that are numbers or addresses
(normalised as identifiers, phone numbers or e-mail addresses: SSNs, cards,
bank and national ids, phones, e-mail addresses); free-text types (medical
terms, street addresses, people's names) are not, so `Diabetes Clinic/` and
`Smith/` stay readable. `_` counts as a space and a file extension is
left out, so `Smith_531-74-2190.pdf` reads as `Smith 531-74-2190`.
The target's own URL is never changed: it is what the user typed.

Mail message and attachment names are already made safe by the mail
readers (scanner/mail/names.py: digits and addresses masked) before they
get here.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import OrderedDict
from typing import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from scanner import privacy
from scanner.model import Finding, Segment

NAME_PART = "#name"
SCANNED_KINDS = (privacy.IDENTIFIER, privacy.PHONE, privacy.EMAIL)
NOT_IN_NAMES = frozenset({"ICD10_CODE"})  # "A01.pdf" is no diagnosis
FILE_SOURCES = ("file", "smb")  # names with extensions
_EXT = re.compile(r"\.[A-Za-z0-9]{1,6}$")
# Names and locations remembered: folders repeat across their files, and an
# object's location comes back with each of its rows while it is in flight;
# small, so the parent's memory does not grow with the share.
CACHE = 20_000


def location_hash(location: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the real location (in its escaped form), 32 hex digits."""
    key = key or privacy.hash_key()
    return hmac.new(key, b"piiscout:location:v1\0" + location.encode("utf-8", "surrogateescape"),
                    hashlib.sha256).hexdigest()[:32]


class _Hit:
    __slots__ = ("entity", "start", "end", "score", "detector", "value", "masked")

    def __init__(self, entity, start, end, score, detector, value, masked):
        self.entity, self.start, self.end, self.score = entity, start, end, score
        self.detector, self.value, self.masked = detector, value, masked


class NameScanner:
    """Masks the names below each target and yields the findings they hold."""

    def __init__(self, engine, targets: Iterable[str], min_score: float, key: bytes | None = None):
        self.engine = engine
        self.targets = sorted({t.rstrip("/") for t in targets}, key=len, reverse=True)
        self.min_score = min_score
        self.key = key or privacy.hash_key()
        self._components: OrderedDict[tuple[str, bool], tuple[str, list[_Hit]]] = OrderedDict()
        self._locations: OrderedDict[str, tuple[str, str]] = OrderedDict()

    # -- one name component ------------------------------------------------------------
    def component(self, name: str, has_ext: bool) -> tuple[str, list[_Hit]]:
        """(masked name, what was found in it)."""
        k = (name, has_ext)
        hit = self._components.get(k)
        if hit is not None:
            self._components.move_to_end(k)
            return hit
        hit = self._scan(name, has_ext)
        self._components[k] = hit
        if len(self._components) > CACHE:
            self._components.popitem(last=False)
        return hit

    def _scan(self, name: str, has_ext: bool) -> tuple[str, list[_Hit]]:
        if not any(c.isdigit() for c in name) and "@" not in name:
            return name, []  # every entity scanned in names has digits or an @
        text = name.replace("_", " ")
        results = self._detect(text)
        m = _EXT.search(text) if has_ext else None
        if not results and m and m.start() > 0:
            # `john.doe@acme.com.msg`: the extension would read as the address's domain.
            results = self._detect(text[: m.start()])
        hits = []
        for r in results:
            value = name[r.start:r.end]
            meta = r.recognition_metadata or {}
            detector = str(meta.get("recognizer_name") or meta.get("recognizer_identifier") or "unknown")
            hits.append(_Hit(r.entity_type, r.start, r.end, float(r.score), detector, value,
                             privacy.mask(r.entity_type, value)))
        if not hits:
            return name, []
        hits.sort(key=lambda h: (h.start, -h.end))
        out, pos, kept = [], 0, []
        for h in hits:
            if h.start < pos:
                continue  # overlapping detections: the first one's mask covers it
            out.append(name[pos:h.start])
            out.append(h.masked)
            pos = h.end
            kept.append(h)
        out.append(name[pos:])
        return "".join(out), kept

    def _detect(self, text: str) -> list:
        return [r for r in self.engine.detect(Segment(text=text, line=None))
                if r.score >= self.min_score and r.entity_type not in NOT_IN_NAMES
                and privacy.kind_of(r.entity_type) in SCANNED_KINDS]

    # -- whole locations and parts -----------------------------------------------------
    def split(self, location: str) -> tuple[str, str]:
        """(target URL prefix, path below it); ("", "") when under no target."""
        for t in self.targets:
            if location.startswith(t + "/"):
                return t, location[len(t) + 1:]
        return "", ""

    def location(self, location: str, source: str = "file") -> tuple[str, str]:
        """(masked location, location_hash), cached."""
        got = self._locations.get(location)
        if got is not None:
            return got
        base, rel = self.split(location)
        masked = base + "/" + self.path(rel, source in FILE_SOURCES) if rel else location
        got = (masked, location_hash(location, self.key))
        self._locations[location] = got
        if len(self._locations) > CACHE:
            self._locations.popitem(last=False)
        return got

    def path(self, rel: str, has_ext: bool = True) -> str:
        """A relative path (or an archive member's path), each component masked."""
        if not rel:
            return rel
        parts = rel.split("/")
        return "/".join(self.component(p, has_ext)[0] if p else p for p in parts)

    def part(self, part: str) -> str:
        """An items/findings `part`: each member path component masked (a
        `#name` suffix kept)."""
        if not part or (not any(c.isdigit() for c in part) and "@" not in part):
            return part
        if part.endswith(NAME_PART):
            return self.path(part[: -len(NAME_PART)]) + NAME_PART
        return self.path(part)

    # -- findings ----------------------------------------------------------------------------
    def name_findings(self, source: str, location: str, member: str = "") -> list[Finding]:
        """Findings in the last name component: of the object (or folder) at
        `location`, or of the archive member at path `member` inside it.
        `part` is the member path + `#name`, or `#name` for the object
        itself; location and part are the real ones, for the writer to mask."""
        name = member.rsplit("/", 1)[-1] if member else location.rsplit("/", 1)[-1]
        has_ext = bool(member) or source in FILE_SOURCES
        masked_name, hits = self.component(name, has_ext)
        if not hits or (not member and not self.split(location)[1]):
            return []  # nothing found, or the target itself (the user typed it)
        # Real location and member path: the writer masks them (and hashes
        # the location) like every other row's.
        part = member + NAME_PART
        return [Finding(source=source, location=location, part=part, row_key=None, entity_type=h.entity,
                        score=h.score, detector=h.detector, start=h.start, end=h.end, line=None,
                        masked_value=h.masked, value_hash=privacy.value_hash(h.entity, h.value, self.key),
                        context=masked_name)
                for h in hits]

    # -- Arrow batches (findings from workers) ----------------------------------------------
    def map_batch(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """A findings batch with `location`/`part` masked and `location_hash` set."""
        names = batch.schema.names
        loc_i, part_i = names.index("location"), names.index("part")
        src = batch.column(names.index("source")).to_pylist() if "source" in names else None
        enc = pc.dictionary_encode(batch.column(loc_i))
        uniq = enc.dictionary.to_pylist()
        first_src = {}
        if src is not None:
            for idx, s in zip(enc.indices.to_pylist(), src):
                first_src.setdefault(idx, s)
        mapped = [self.location(u, first_src.get(i, "file")) for i, u in enumerate(uniq)]
        idx = enc.indices
        masked = pa.array([m for m, _ in mapped], pa.string()).take(idx)
        hashes = pa.array([h for _, h in mapped], pa.string()).take(idx)
        penc = pc.dictionary_encode(batch.column(part_i))
        parts = pa.array([self.part(p) if p is not None else None for p in penc.dictionary.to_pylist()],
                         pa.string()).take(penc.indices)
        cols = list(batch.columns)
        cols[loc_i], cols[part_i] = masked, parts
        fields = list(batch.schema)
        if "location_hash" in names:
            cols[names.index("location_hash")] = hashes
        else:
            cols.append(hashes)
            fields.append(pa.field("location_hash", pa.string()))
        return pa.RecordBatch.from_arrays(cols, schema=pa.schema(fields, metadata=batch.schema.metadata))
