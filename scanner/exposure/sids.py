"""Well-known SIDs: their names, and which exposure class each one means.

Domain SIDs (S-1-5-21-<domain>-<RID>) are named by the server's LSA
(connectors/smb_lsa.py); their well-known RIDs (Domain Users, Domain Admins,
Guest...) are classified here without it. Samba's S-1-22-1-<uid> and
S-1-22-2-<gid> are Unix users and groups ("Unix User\\root",
"Unix Group\\hr").
"""

from __future__ import annotations

from scanner.model import AUTHENTICATED, EVERYONE, GROUP, OWNER

EVERYONE_SID = "S-1-1-0"
NETWORK_SID = "S-1-5-2"
AUTHENTICATED_USERS_SID = "S-1-5-11"
CREATOR_OWNER_SID = "S-1-3-0"
CREATOR_GROUP_SID = "S-1-3-1"
OWNER_RIGHTS_SID = "S-1-3-4"
UNIX_USER_PREFIX = "S-1-22-1-"
UNIX_GROUP_PREFIX = "S-1-22-2-"

# SID_NAME_USE ([MS-LSAT] 2.2.13)
SID_USER, SID_GROUP, SID_DOMAIN, SID_ALIAS, SID_WELL_KNOWN = 1, 2, 3, 4, 5
SID_DELETED, SID_INVALID, SID_UNKNOWN, SID_COMPUTER, SID_LABEL = 6, 7, 8, 9, 10

# name, class
WELL_KNOWN: dict[str, tuple[str, str]] = {
    EVERYONE_SID: ("Everyone", EVERYONE),
    "S-1-2-0": ("LOCAL", AUTHENTICATED),
    "S-1-2-1": ("CONSOLE LOGON", AUTHENTICATED),
    CREATOR_OWNER_SID: ("CREATOR OWNER", OWNER),
    CREATOR_GROUP_SID: ("CREATOR GROUP", GROUP),
    OWNER_RIGHTS_SID: ("OWNER RIGHTS", OWNER),
    "S-1-5-1": ("NT AUTHORITY\\DIALUP", AUTHENTICATED),
    NETWORK_SID: ("NT AUTHORITY\\NETWORK", AUTHENTICATED),
    "S-1-5-3": ("NT AUTHORITY\\BATCH", AUTHENTICATED),
    "S-1-5-4": ("NT AUTHORITY\\INTERACTIVE", AUTHENTICATED),
    "S-1-5-6": ("NT AUTHORITY\\SERVICE", OWNER),
    "S-1-5-7": ("NT AUTHORITY\\ANONYMOUS LOGON", EVERYONE),
    "S-1-5-9": ("NT AUTHORITY\\ENTERPRISE DOMAIN CONTROLLERS", OWNER),
    "S-1-5-10": ("NT AUTHORITY\\SELF", OWNER),
    AUTHENTICATED_USERS_SID: ("NT AUTHORITY\\Authenticated Users", AUTHENTICATED),
    "S-1-5-12": ("NT AUTHORITY\\RESTRICTED", AUTHENTICATED),
    "S-1-5-13": ("NT AUTHORITY\\TERMINAL SERVER USER", AUTHENTICATED),
    "S-1-5-14": ("NT AUTHORITY\\REMOTE INTERACTIVE LOGON", AUTHENTICATED),
    "S-1-5-15": ("NT AUTHORITY\\This Organization", AUTHENTICATED),
    "S-1-5-17": ("NT AUTHORITY\\IUSR", EVERYONE),  # IIS anonymous access
    "S-1-5-18": ("NT AUTHORITY\\SYSTEM", OWNER),
    "S-1-5-19": ("NT AUTHORITY\\LOCAL SERVICE", OWNER),
    "S-1-5-20": ("NT AUTHORITY\\NETWORK SERVICE", OWNER),
    "S-1-5-113": ("NT AUTHORITY\\Local account", AUTHENTICATED),
    "S-1-5-114": ("NT AUTHORITY\\Local account and member of Administrators group", OWNER),
    "S-1-5-1000": ("NT AUTHORITY\\Other Organization", AUTHENTICATED),
    "S-1-5-32-544": ("BUILTIN\\Administrators", OWNER),
    "S-1-5-32-545": ("BUILTIN\\Users", AUTHENTICATED),
    "S-1-5-32-546": ("BUILTIN\\Guests", EVERYONE),
    "S-1-5-32-547": ("BUILTIN\\Power Users", GROUP),
    "S-1-5-32-548": ("BUILTIN\\Account Operators", OWNER),
    "S-1-5-32-549": ("BUILTIN\\Server Operators", OWNER),
    "S-1-5-32-550": ("BUILTIN\\Print Operators", GROUP),
    "S-1-5-32-551": ("BUILTIN\\Backup Operators", OWNER),
    "S-1-5-32-552": ("BUILTIN\\Replicator", GROUP),
    "S-1-5-32-554": ("BUILTIN\\Pre-Windows 2000 Compatible Access", AUTHENTICATED),
    "S-1-5-32-555": ("BUILTIN\\Remote Desktop Users", GROUP),
    "S-1-5-32-556": ("BUILTIN\\Network Configuration Operators", GROUP),
    "S-1-5-32-558": ("BUILTIN\\Performance Monitor Users", GROUP),
    "S-1-5-32-559": ("BUILTIN\\Performance Log Users", GROUP),
    "S-1-5-32-562": ("BUILTIN\\Distributed COM Users", GROUP),
    "S-1-5-32-568": ("BUILTIN\\IIS_IUSRS", GROUP),
    "S-1-5-32-573": ("BUILTIN\\Event Log Readers", GROUP),
    "S-1-5-32-580": ("BUILTIN\\Remote Management Users", GROUP),
    "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464": ("NT SERVICE\\TrustedInstaller", OWNER),
    "S-1-15-2-1": ("APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES", OWNER),
    "S-1-15-2-2": ("APPLICATION PACKAGE AUTHORITY\\ALL RESTRICTED APPLICATION PACKAGES", OWNER),
}

# Well-known RIDs of domain (and local machine) accounts: S-1-5-21-x-y-z-RID.
DOMAIN_RIDS: dict[int, str] = {
    500: OWNER,  # Administrator
    501: EVERYONE,  # Guest
    502: OWNER,  # krbtgt
    512: OWNER,  # Domain Admins
    513: AUTHENTICATED,  # Domain Users
    514: EVERYONE,  # Domain Guests
    515: AUTHENTICATED,  # Domain Computers
    516: OWNER,  # Domain Controllers
    518: OWNER,  # Schema Admins
    519: OWNER,  # Enterprise Admins
    521: OWNER,  # Read-only Domain Controllers
    498: OWNER,  # Enterprise Read-only Domain Controllers
}

# Groups every account belongs to, by name (Unix groups served by Samba, or
# named by the LSA): readable by these is readable by any signed-in user.
ANY_ACCOUNT_GROUPS = frozenset({"users", "domain users", "everyone", "authenticated users"})
GUEST_GROUPS = frozenset({"guests", "domain guests"})


def rid(sid: str) -> int | None:
    if not sid.startswith("S-1-5-21-"):
        return None
    try:
        return int(sid.rsplit("-", 1)[1])
    except ValueError:
        return None


def _by_group_name(name: str | None, default: str) -> str:
    if not name:
        return default
    short = name.rsplit("\\", 1)[-1].lower()
    if short in ANY_ACCOUNT_GROUPS:
        return AUTHENTICATED
    if short in GUEST_GROUPS:
        return EVERYONE
    return default


def classify(sid: str, name: str | None = None, kind: int | None = None) -> str:
    """The exposure class of one principal with read access."""
    known = WELL_KNOWN.get(sid)
    if known is not None:
        return known[1]
    if sid.startswith(UNIX_USER_PREFIX):
        return OWNER
    if sid.startswith(UNIX_GROUP_PREFIX):
        return _by_group_name(name, GROUP)
    r = rid(sid)
    if r is not None and r in DOMAIN_RIDS:
        return DOMAIN_RIDS[r]
    if kind in (SID_USER, SID_COMPUTER):
        return OWNER
    # A group, an alias, or a SID nobody could name (it may be a group: the
    # broader reading is the safe one).
    return _by_group_name(name, GROUP)


def well_known_name(sid: str) -> str | None:
    known = WELL_KNOWN.get(sid)
    return known[0] if known else None


def is_guest_like(sid: str) -> bool:
    """Principals whose tokens need not hold the Authenticated Users SID
    (Everyone includes anonymous and guest logons)."""
    return sid in (EVERYONE_SID, "S-1-5-7", "S-1-5-32-546", "S-1-5-17") or rid(sid) in (501, 514)
