"""DACL evaluation for read access: one table of descriptors and who may read them.

Descriptors are built byte for byte (scanner.exposure.ntsd.build) the way
Windows and Samba lay them out; the SMB tests check the same rules against
what a real Samba server returns.
"""

from __future__ import annotations

import pytest

from scanner.exposure import dacl, ntsd
from scanner.exposure.ntsd import (
    ACCESS_ALLOWED,
    ACCESS_ALLOWED_CALLBACK,
    ACCESS_DENIED,
    ACCESS_DENIED_CALLBACK,
    CONTAINER_INHERIT,
    INHERIT_ONLY,
    INHERITED,
    OBJECT_INHERIT,
)

EVERYONE = "S-1-1-0"
AUTH = "S-1-5-11"
USERS = "S-1-5-32-545"
ADMINS = "S-1-5-32-544"
SYSTEM = "S-1-5-18"
GUESTS = "S-1-5-32-546"
ANON = "S-1-5-7"
DOM = "S-1-5-21-1004336348-1177238915-682003330"
HR = f"{DOM}-1105"
BOB = f"{DOM}-1106"
DOMAIN_USERS = f"{DOM}-513"
UNIX_ROOT, UNIX_HR = "S-1-22-1-0", "S-1-22-2-1001"

READ = 0x001200A9  # FILE_GENERIC_READ | FILE_EXECUTE (Samba's r-x)
FULL = 0x001F01FF
ATTRS_ONLY = 0x00120080  # READ_CONTROL | SYNCHRONIZE | FILE_READ_ATTRIBUTES: no data
GENERIC_READ = 0x80000000
GENERIC_ALL = 0x10000000

NAMES = {HR: ("CORP\\hr", 2), BOB: ("CORP\\bob", 1), UNIX_ROOT: ("Unix User\\root", 1),
         UNIX_HR: ("Unix Group\\hr", 4)}


def namer(sids):
    return {s: NAMES[s] for s in sids if s in NAMES}


def allow(sid, mask=READ, flags=0):
    return (ACCESS_ALLOWED, flags, mask, sid)


def deny(sid, mask=READ, flags=0):
    return (ACCESS_DENIED, flags, mask, sid)


CASES = [
    # (what, aces, exposure, readers)
    ("Samba 0644", [allow(UNIX_ROOT, FULL), allow("S-1-22-2-0", READ), allow(EVERYONE, READ)], "everyone",
     ("Everyone", "S-1-22-2-0", "Unix User\\root")),
    ("Samba 0640 group hr", [allow(UNIX_ROOT, FULL), allow(UNIX_HR, READ)], "group",
     ("Unix Group\\hr", "Unix User\\root")),
    ("owner only", [allow(UNIX_ROOT, FULL)], "owner", ("Unix User\\root",)),
    ("domain users", [allow(ADMINS, FULL), allow(SYSTEM, FULL), allow(DOMAIN_USERS, READ)], "authenticated",
     (DOMAIN_USERS, "BUILTIN\\Administrators", "NT AUTHORITY\\SYSTEM")),
    ("BUILTIN\\Users", [allow(USERS, READ)], "authenticated", ("BUILTIN\\Users",)),
    ("Authenticated Users", [allow(AUTH, READ)], "authenticated", ("NT AUTHORITY\\Authenticated Users",)),
    ("a named group", [allow(HR, READ), allow(ADMINS, FULL)], "group", ("CORP\\hr", "BUILTIN\\Administrators")),
    ("a named user", [allow(BOB, READ)], "owner", ("CORP\\bob",)),
    ("guests", [allow(GUESTS, READ)], "everyone", ("BUILTIN\\Guests",)),
    ("anonymous", [allow(ANON, READ)], "everyone", ("NT AUTHORITY\\ANONYMOUS LOGON",)),
    ("generic read", [allow(EVERYONE, GENERIC_READ)], "everyone", ("Everyone",)),
    ("generic all", [allow(AUTH, GENERIC_ALL)], "authenticated", ("NT AUTHORITY\\Authenticated Users",)),
    ("attributes are not data", [allow(EVERYONE, ATTRS_ONLY), allow(HR, READ)], "group", ("CORP\\hr",)),
    # Order decides: a deny before the allow wins, a deny after it is too late.
    ("deny Everyone first", [deny(EVERYONE), allow(EVERYONE), allow(HR)], "owner", ()),
    ("deny Everyone last", [allow(EVERYONE), deny(EVERYONE)], "everyone", ("Everyone",)),
    ("deny Everyone denies every group", [deny(EVERYONE), allow(HR), allow(ADMINS, FULL)], "owner", ()),
    ("deny authenticated leaves anonymous", [deny(AUTH), allow(EVERYONE)], "everyone", ("Everyone",)),
    ("deny authenticated denies groups", [deny(AUTH), allow(HR)], "owner", ()),
    ("deny one group only", [deny(HR), allow(HR), allow(AUTH)], "authenticated",
     ("NT AUTHORITY\\Authenticated Users",)),
    ("deny write only", [deny(EVERYONE, 0x2), allow(EVERYONE)], "everyone", ("Everyone",)),
    # Inheritance flags: inherit-only ACEs are for children; inherited ones count.
    ("inherit-only", [allow(EVERYONE, READ, OBJECT_INHERIT | INHERIT_ONLY), allow(HR)], "group", ("CORP\\hr",)),
    ("inherited", [allow(HR), allow(EVERYONE, READ, INHERITED | OBJECT_INHERIT | CONTAINER_INHERIT)],
     "everyone", ("Everyone", "CORP\\hr")),
    ("explicit deny before inherited allow", [deny(EVERYONE), allow(EVERYONE, READ, INHERITED)], "owner", ()),
    ("creator owner template", [allow("S-1-3-0", FULL), allow(HR)], "group", ("CORP\\hr",)),
    # Conditional ACEs: the broader reading.
    ("callback allow", [(ACCESS_ALLOWED_CALLBACK, 0, READ, EVERYONE)], "everyone", ("Everyone",)),
    ("callback deny", [(ACCESS_DENIED_CALLBACK, 0, READ, EVERYONE), allow(EVERYONE)], "everyone", ("Everyone",)),
    ("empty DACL", [], "owner", ()),
    ("unknown domain SID", [allow(f"{DOM}-7777")], "group", (f"{DOM}-7777",)),
    ("domain guest account", [allow(f"{DOM}-501")], "everyone", (f"{DOM}-501",)),
]


@pytest.mark.parametrize("what,aces,exposure,readers", CASES, ids=[c[0] for c in CASES])
def test_read_access(what, aces, exposure, readers):
    sd = ntsd.parse(ntsd.build(UNIX_ROOT, "S-1-22-2-0", aces))
    got = dacl.access(sd, namer)
    assert (got.exposure, got.readers) == (exposure, readers)


def test_null_dacl_grants_everyone():
    sd = ntsd.parse(ntsd.build(UNIX_ROOT, None, None))
    assert sd.dacl is None
    assert dacl.access(sd).exposure == "everyone"


def test_owner_rights_stand_for_the_owner():
    sd = ntsd.parse(ntsd.build(BOB, None, [allow("S-1-3-4", READ)]))
    assert dacl.access(sd, namer).readers == ("CORP\\bob",)


def test_evaluator_caches_by_dacl_not_by_owner():
    ev = dacl.Evaluator(namer)
    aces = [allow(HR), allow(ADMINS, FULL)]
    for owner in (BOB, UNIX_ROOT, ADMINS):
        assert ev(ntsd.parse(ntsd.build(owner, None, aces))).exposure == "group"
    assert ev.evaluations == 1
    ev(ntsd.parse(ntsd.build(BOB, None, [allow(EVERYONE)])))
    assert ev.evaluations == 2
