"""Small file trees with synthetic PII, made on the fly for scan tests.

Hand-made values from a seeded generator: valid-looking SSNs (no area 000,
666 or 9xx), e-mail addresses on a made-up domain. Nothing here is real.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

INVALID_SSNS = {"078051120", "219099999", "123456789"}


class Planter:
    def __init__(self, seed: int = 9):
        self.rnd = random.Random(seed)
        self.used: set[str] = set()

    def ssn(self) -> str:
        while True:
            area = self.rnd.randint(1, 899)
            group, serial = self.rnd.randint(1, 99), self.rnd.randint(1, 9999)
            raw = f"{area:03d}{group:02d}{serial:04d}"
            if area == 666 or raw in INVALID_SSNS or raw in self.used:
                continue
            self.used.add(raw)
            return f"{raw[:3]}-{raw[3:5]}-{raw[5:]}"

    def email(self) -> str:
        while True:
            name = "".join(self.rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(7))
            if name not in self.used:
                self.used.add(name)
                return f"{name}@harbourfreight-example.com"


def write_file(path: Path, planter: Planter, people: int = 3) -> list[str]:
    """A small staff note with `people` SSNs and e-mail addresses; returns
    the raw values planted."""
    path.parent.mkdir(parents=True, exist_ok=True)
    values, lines = [], ["Staff records (synthetic)", ""]
    for i in range(people):
        s, e = planter.ssn(), planter.email()
        values += [s, e]
        lines.append(f"Employee {i + 1}: SSN {s}, e-mail {e}, desk {100 + i}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return values


def make_tree(root: Path, files: int = 12, seed: int = 9) -> dict[str, list[str]]:
    """`files` text files under a few folders; {relative path: raw values}."""
    planter = Planter(seed)
    truth = {}
    for i in range(files):
        rel = f"{['hr', 'finance', 'it/logs'][i % 3]}/note_{i:03d}.txt"
        truth[rel] = write_file(root / rel, planter)
    return truth


def touch_later(path: Path, seconds: float = 10.0) -> None:
    """Move a file's mtime on, as an edit would."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + int(seconds * 1e9)))
