"""Who may read an object: `items.exposure` and `items.readers`.

Each source states access its own way: SMB security descriptors (`ntsd`,
`dacl`, `sids`), POSIX mode bits and ACLs (`posix`), SQL grants
(connectors/sql_grants.py). Each turns it into one `scanner.model.Access`:
the readers, and the exposure, the broadest class among them:

  everyone       Everyone, anonymous, guests, world-readable mode bits
  authenticated  any account: Authenticated Users, Domain Users, BUILTIN\\Users
  group          a named group
  owner          the owner and named users only, or administrators/SYSTEM

Nobody at all with read access counts as `owner` (the owner can always grant
it back).

May import the foundation (scanner.model) only: the connectors use it while
listing.
"""

from __future__ import annotations

from typing import Iterable

from scanner.model import AUTHENTICATED, EVERYONE, EXPOSURES, GROUP, OWNER, Access

RANK = {e: i for i, e in enumerate(EXPOSURES)}  # 0 = broadest
# A connector's answer for an object whose permissions exist but were refused
# to the scanning account just now (recorded null), as opposed to None: not
# asked (the connection dropped; what was stored is kept).
UNREADABLE = object()


def broadest(classes: Iterable[str]) -> str:
    """The broadest exposure among `classes`; `owner` when there are none."""
    best = OWNER
    for c in classes:
        if RANK[c] < RANK[best]:
            best = c
    return best


def access_of(readers: Iterable[tuple[str, str]]) -> Access:
    """An Access from (name, class) pairs: readers de-duplicated, broadest
    class first, then by name, so equal permissions give equal rows."""
    seen: dict[str, str] = {}
    for name, cls in readers:
        if name not in seen or RANK[cls] < RANK[seen[name]]:
            seen[name] = cls
    ordered = sorted(seen.items(), key=lambda nc: (RANK[nc[1]], nc[0].lower(), nc[0]))
    return Access(broadest(seen.values()), tuple(n for n, _ in ordered))


__all__ = ["EVERYONE", "AUTHENTICATED", "GROUP", "OWNER", "EXPOSURES", "RANK", "UNREADABLE", "Access",
           "broadest", "access_of"]
