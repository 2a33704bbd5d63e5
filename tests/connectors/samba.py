"""Start a private Samba server on loopback for the SMB tests and the benchmark.

Everything smbd needs (config, password database, locks, logs, pid file)
lives under one temporary directory; nothing of the machine's own Samba
setup is read or changed, except that a system user is added once for the
share's login (smbd maps SMB users to Unix accounts). Needs root and the
`smbd` binary (scripts/services.sh installs Samba with apt-get).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SMBD = shutil.which("smbd") or "/usr/sbin/smbd"
SMBPASSWD = shutil.which("smbpasswd") or "/usr/bin/smbpasswd"
USER = "piiscout-smbtest"
# Synthetic test credential; a distinctive string so leak checks can grep for it.
PASSWORD = "Pw-smb-Test-7f3a91"


def unavailable() -> str | None:
    """Why a Samba server cannot be started here, or None."""
    if os.geteuid() != 0:
        return "the Samba tests run smbd and add a system user: they need root"
    if not os.path.exists(SMBD) or not os.path.exists(SMBPASSWD):
        return "Samba is not installed (apt-get install samba; scripts/services.sh does it as root)"
    return None


def ensure_user(name: str = USER) -> None:
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                       check=True, capture_output=True)


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class SambaServer:
    """smbd on 127.0.0.1:`port` serving `shares` ({name: (path, options)})."""

    def __init__(self, port: int = 4450, base: Path | None = None):
        self.port = port
        # Not under pytest's 0700 tmp dirs: the share user must traverse the path.
        self.base = Path(base or tempfile.mkdtemp(prefix="piiscout-smbd-"))
        self.base.chmod(0o755)
        self.conf = self.base / "smb.conf"
        self.shares: dict[str, tuple[Path, dict]] = {}
        self.global_options: dict[str, str] = {}
        self.pid: int | None = None

    def add_share(self, name: str, path: Path, **options: str) -> None:
        self.shares[name] = (Path(path), options)

    def _write_conf(self) -> None:
        b = self.base
        for d in ("private", "lock", "state", "cache", "pid", "ncalrpc", "log"):
            (b / d).mkdir(exist_ok=True)
        lines = [
            "[global]",
            "  server role = standalone server",
            "  interfaces = 127.0.0.1",
            "  bind interfaces only = yes",
            f"  smb ports = {self.port}",
            "  disable netbios = yes",
            "  server min protocol = SMB2_02",
            f"  passdb backend = tdbsam:{b}/private/passdb.tdb",
            f"  private dir = {b}/private",
            f"  lock directory = {b}/lock",
            f"  state directory = {b}/state",
            f"  cache directory = {b}/cache",
            f"  pid directory = {b}/pid",
            f"  ncalrpc dir = {b}/ncalrpc",
            f"  log file = {b}/log/smbd.log",
            "  log level = 1",
            "  map to guest = Bad User",
            "  guest account = nobody",
            "  load printers = no",
            "  printing = bsd",
            "  printcap name = /dev/null",
            "  disable spoolss = yes",
        ]
        lines += [f"  {k} = {v}" for k, v in self.global_options.items()]
        for name, (path, opts) in self.shares.items():
            lines.append(f"[{name}]")
            lines.append(f"  path = {path}")
            for k, v in {"read only": "yes", "browseable": "yes", **opts}.items():
                lines.append(f"  {k} = {v}")
        self.conf.write_text("\n".join(lines) + "\n")

    def start(self, user: str = USER, password: str = PASSWORD, timeout: float = 15.0) -> "SambaServer":
        if port_open(self.port):
            raise RuntimeError(f"port {self.port} is already in use")
        self._write_conf()
        ensure_user(user)
        subprocess.run([SMBPASSWD, "-c", str(self.conf), "-s", "-a", user], input=f"{password}\n{password}\n",
                       text=True, check=True, capture_output=True)
        subprocess.run([SMBD, "-D", "-s", str(self.conf)], check=True, capture_output=True)
        pid_file = self.base / "pid" / "smbd.pid"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pid_file.exists() and pid_file.read_text().strip() and port_open(self.port):
                self.pid = int(pid_file.read_text().strip())
                return self
            time.sleep(0.1)
        log = (self.base / "log" / "smbd.log")
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"smbd did not come up on port {self.port}\n{tail}")

    def client_processes(self) -> int:
        """How many client connections smbd is serving (it forks one process
        per connection, besides its notifyd and cleanupd helpers)."""
        if self.pid is None:
            return 0
        n = 0
        for pid in _children(self.pid):
            try:
                comm = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                continue
            n += comm == "smbd"
        return n

    def stop(self) -> None:
        """Stop smbd and every child it forked (one per client connection)."""
        # samba-dcerpcd (started on demand for the srvsvc pipe) daemonizes on
        # its own: find it, and its workers, by our private config path.
        pids = _by_config(self.conf)
        if self.pid is not None:
            pids = [self.pid] + _children(self.pid) + pids
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and port_open(self.port):
            time.sleep(0.05)
        self.pid = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


def _by_config(conf: Path) -> list[int]:
    """Processes started with our private smb.conf."""
    needle = str(conf).encode()
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            if needle in (d / "cmdline").read_bytes():
                out.append(int(d.name))
        except OSError:
            continue
    return out


def _children(pid: int) -> list[int]:
    """Every descendant of `pid` (smbd forks one process per connection)."""
    out: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        for k in kids:
            out.append(int(k))
            todo.append(int(k))
    return out
