"""Unix accounts and ACLs the permission tests set up, as root.

A group `piiscout-hr` (the "hr" of the exposure checks) and a user
`piiscout-bob` (a named user in an ACL) are added once with groupadd /
useradd --system; nothing else of the machine's accounts is changed, except
that the SMB tests add their share user to piiscout-hr. `setfacl` comes
from the `acl` package (scripts/services.sh installs it).
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess

HR_GROUP = "piiscout-hr"
NAMED_USER = "piiscout-bob"
SETFACL = shutil.which("setfacl") or "/usr/bin/setfacl"


def unavailable() -> str | None:
    """Why the permission tests cannot run here, or None."""
    if os.geteuid() != 0:
        return "the permission tests create a group and a user and chown files: they need root"
    if not os.path.exists(SETFACL):
        return "setfacl is missing (apt-get install acl; scripts/services.sh does it as root)"
    return None


def ensure_group(name: str = HR_GROUP) -> int:
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        subprocess.run(["groupadd", "--system", name], check=True, capture_output=True)
        return grp.getgrnam(name).gr_gid


def ensure_user(name: str = NAMED_USER) -> int:
    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                       check=True, capture_output=True)
        return pwd.getpwnam(name).pw_uid


def add_to_group(user: str, group: str) -> None:
    if user not in grp.getgrnam(group).gr_mem:
        subprocess.run(["usermod", "-a", "-G", group, user], check=True, capture_output=True)


def setfacl(path, *spec: str) -> None:
    subprocess.run([SETFACL, *spec, str(path)], check=True, capture_output=True)


def permission_tree(root, reader: str = NAMED_USER) -> dict[str, str]:
    """The four cases of the exposure checks under `root` (root-owned files,
    one SSN each); returns {name: expected exposure}. `reader` is the named
    user of the ACL case (the SMB tests name their share user, who must be
    able to read it)."""
    gid = ensure_group()
    ensure_user()
    cases = {
        "world.txt": (0o644, 0, None),  # everyone
        "hr.txt": (0o640, gid, None),  # group hr
        "private.txt": (0o600, 0, f"u:{reader}:r"),  # owner + a named user
        "owner-only.txt": (0o600, 0, None),
    }
    expected = {"world.txt": "everyone", "hr.txt": "group", "private.txt": "owner", "owner-only.txt": "owner"}
    for i, (name, (mode, group, acl)) in enumerate(cases.items()):
        p = os.path.join(root, name)
        with open(p, "w") as fh:
            fh.write(f"Employee SSN: 234-56-78{10 + i}\n")
        os.chown(p, 0, group)
        os.chmod(p, mode)
        if acl:
            setfacl(p, "-m", acl)
    return expected
