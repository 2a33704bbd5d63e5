"""Who may read an object, from its DACL.

The DACL is evaluated the way Windows' access check does it, for the one
right that matters here, read data (FILE_READ_DATA, also granted by
GENERIC_READ and GENERIC_ALL): ACEs are visited in order and the first one
that names a SID of the principal's token and mentions the right decides, a
deny before an allow denying it. Inherit-only ACEs are templates for
children and are skipped; inherited ACEs count like explicit ones.

The principals examined are those of the allow ACEs that grant read. Group
memberships are not known here, so a principal's token is taken to hold its
own SID, Everyone and NETWORK (every SMB logon has both), and Authenticated
Users unless it is anonymous or a guest: "deny Everyone" then denies all,
"deny Authenticated Users" leaves an "allow Everyone" readable by anonymous
logons. A conditional (callback) allow counts as an allow and a conditional
deny as absent: where claims decide, the broader reading is reported.

No DACL at all (a NULL DACL) grants everyone everything; an empty DACL
grants nothing to anyone.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Iterable, Mapping

from scanner.exposure import access_of
from scanner.exposure import sids as S
from scanner.exposure.ntsd import CALLBACK_TYPES, Ace, SecurityDescriptor
from scanner.model import Access

FILE_READ_DATA = 0x00000001  # FILE_LIST_DIRECTORY on folders
GENERIC_ALL = 0x10000000
GENERIC_READ = 0x80000000
READ_BITS = FILE_READ_DATA | GENERIC_ALL | GENERIC_READ

# sid -> (name or None, SID_NAME_USE or None), for the SIDs asked about
Namer = Callable[[Iterable[str]], Mapping[str, tuple[str | None, int | None]]]


def _applicable(sd: SecurityDescriptor) -> list[Ace]:
    out = []
    for a in sd.dacl or ():
        if not a.applies_to_object or a.sid in (S.CREATOR_OWNER_SID, S.CREATOR_GROUP_SID):
            continue  # templates for children; CREATOR OWNER matches no token
        if a.sid == S.OWNER_RIGHTS_SID:
            if not sd.owner:
                continue
            a = Ace(a.type, a.flags, a.mask, sd.owner)
        out.append(a)
    return out


def _token(sid: str) -> frozenset[str]:
    token = {sid, S.EVERYONE_SID, S.NETWORK_SID}
    if not S.is_guest_like(sid):
        token.add(S.AUTHENTICATED_USERS_SID)
    return frozenset(token)


def _can_read(sid: str, aces: list[Ace]) -> bool:
    token = _token(sid)
    for a in aces:
        if a.sid not in token or not a.mask & READ_BITS:
            continue
        if a.denies:
            if a.type in CALLBACK_TYPES:
                continue
            return False
        if a.allows:
            return True
    return False


def reader_sids(sd: SecurityDescriptor) -> tuple[str, ...]:
    """The SIDs that may read the object, in DACL order."""
    if sd.dacl is None:
        return (S.EVERYONE_SID,)
    aces = _applicable(sd)
    candidates = dict.fromkeys(a.sid for a in aces if a.allows and a.mask & READ_BITS)
    return tuple(sid for sid in candidates if _can_read(sid, aces))


def access(sd: SecurityDescriptor, namer: Namer | None = None) -> Access:
    """Exposure and named readers of one descriptor."""
    readers = reader_sids(sd)
    names = namer(readers) if namer is not None and readers else {}
    pairs = []
    for sid in readers:
        name, kind = names.get(sid, (None, None))
        name = name or S.well_known_name(sid)
        pairs.append((name or sid, S.classify(sid, name, kind)))
    return access_of(pairs)


class Evaluator:
    """`access()` with a bounded cache: files inheriting the same DACL (all
    the files of a folder, usually) are evaluated and named once."""

    def __init__(self, namer: Namer | None = None, size: int = 4096):
        self.namer = namer
        self.size = size
        self._cache: OrderedDict[tuple, Access] = OrderedDict()
        self.evaluations = 0  # distinct DACLs evaluated (tests count them)

    def __call__(self, sd: SecurityDescriptor) -> Access:
        owner_matters = any(a.sid == S.OWNER_RIGHTS_SID for a in sd.dacl or ())
        key = (sd.dacl is None, sd.dacl_bytes, sd.owner if owner_matters else None)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        result = access(sd, self.namer)
        self.evaluations += 1
        self._cache[key] = result
        if len(self._cache) > self.size:
            self._cache.popitem(last=False)
        return result
