"""What the installed distributions say about their licences, and whether
the README's licence table agrees (tests/test_licences.py;
scripts/licence_table.py prints a draft table from the same data).

The runtime closure is every distribution reachable from piiscout's own
requirements without extras (markers evaluated for this interpreter),
following the extras those requirements ask for (`psycopg[binary]`), plus
every requirement pyproject.toml declares now (an editable install's
metadata can lag behind the file).

A distribution's licence is read, most authoritative first, from its
`License-Expression` (an SPDX expression: the table must say the same),
its `License ::` classifiers, its `License` field (short ones; a field
holding the whole licence text is read by its wording), or the licence
file it ships. Loose spellings ("BSD", "LGPL") accept any member of their
family, so the table can be precise where the metadata is vague; a spelling
this module does not know fails the check rather than passing unread.
"""

from __future__ import annotations

import importlib.metadata as md
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
SELF = "piiscout"

_BSD = frozenset({"BSD-2-Clause", "BSD-3-Clause", "BSD-4-Clause"})
_LGPL = frozenset({"LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later",
                   "LGPL-3.0-only", "LGPL-3.0-or-later"})
_GPL = frozenset({"GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later"})
# Spellings seen in metadata (classifier tails, License fields), lower case -> the SPDX ids they can mean.
ALIASES: dict[str, frozenset[str]] = {
    "mit": frozenset({"MIT"}), "mit license": frozenset({"MIT"}), "the mit license": frozenset({"MIT"}),
    "expat": frozenset({"MIT"}), "mit-cmu": frozenset({"MIT-CMU"}), "mit-0": frozenset({"MIT-0"}),
    "bsd": _BSD, "bsd license": _BSD, "bsd-style": _BSD, "bsd style": _BSD,
    "new bsd": frozenset({"BSD-3-Clause"}), "new bsd license": frozenset({"BSD-3-Clause"}),
    "modified bsd": frozenset({"BSD-3-Clause"}), "3-clause bsd": frozenset({"BSD-3-Clause"}),
    "bsd 3-clause": frozenset({"BSD-3-Clause"}), "simplified bsd": frozenset({"BSD-2-Clause"}),
    "apache": frozenset({"Apache-2.0"}), "apache 2": frozenset({"Apache-2.0"}),
    "apache 2.0": frozenset({"Apache-2.0"}), "apache license 2.0": frozenset({"Apache-2.0"}),
    "apache license, version 2.0": frozenset({"Apache-2.0"}), "apache software license": frozenset({"Apache-2.0"}),
    "apache software license 2.0": frozenset({"Apache-2.0"}),
    "isc": frozenset({"ISC"}), "isc license": frozenset({"ISC"}), "isc license (iscl)": frozenset({"ISC"}),
    "mozilla public license 2.0 (mpl 2.0)": frozenset({"MPL-2.0"}), "mpl 2.0": frozenset({"MPL-2.0"}),
    "lgpl": _LGPL, "gnu lesser general public license": _LGPL,
    "gnu lesser general public license v2 or later (lgplv2+)": frozenset({"LGPL-2.0-or-later", "LGPL-2.1-or-later"}),
    "gnu lesser general public license v3 (lgplv3)": frozenset({"LGPL-3.0-only", "LGPL-3.0-or-later"}),
    "gnu lesser general public license v3 or later (lgplv3+)": frozenset({"LGPL-3.0-or-later"}),
    "gnu library or lesser general public license (lgpl)": _LGPL,
    "gpl": _GPL, "gnu general public license (gpl)": _GPL,
    "cc0": frozenset({"CC0-1.0"}), "cc0 1.0 universal (cc0 1.0) public domain dedication": frozenset({"CC0-1.0"}),
    "python software foundation license": frozenset({"PSF-2.0", "Python-2.0"}), "psf": frozenset({"PSF-2.0"}),
    "zope public license": frozenset({"ZPL-2.1"}), "historical permission notice and disclaimer (hpnd)":
        frozenset({"HPND"}), "the unlicense (unlicense)": frozenset({"Unlicense"}),
    "other/proprietary license": frozenset({"LicenseRef-Proprietary"}),
}
# Words in License fields and classifiers that name no licence.
NOT_A_LICENCE = {"osi approved", "dependency licenses", "dependency licences", "see license", "see license file",
                 "unknown", ""}
# SPDX ids in their canonical case, for tables and License-Expression alike.
SPDX = {i.lower(): i for i in (
    "MIT", "MIT-0", "MIT-CMU", "BSD-2-Clause", "BSD-3-Clause", "BSD-4-Clause", "0BSD", "Apache-2.0", "ISC",
    "MPL-2.0", "CC0-1.0", "PSF-2.0", "Python-2.0", "CNRI-Python", "Zlib", "Unlicense", "HPND", "ZPL-2.1",
    "LicenseRef-Proprietary", *_LGPL, *_GPL)}
DEPRECATED = {"lgpl-2.1+": "LGPL-2.1-or-later", "lgpl-2.1": "LGPL-2.1-only", "lgpl-3.0": "LGPL-3.0-only",
              "lgpl-3.0+": "LGPL-3.0-or-later", "gpl-2.0": "GPL-2.0-only", "gpl-3.0": "GPL-3.0-only",
              "lgpl-2.0+": "LGPL-2.0-or-later"}
# Licence texts recognised by their wording (a License field or a shipped file holding the text).
WORDING = (
    ("apache license", "version 2.0", frozenset({"Apache-2.0"})),
    ("gnu lesser general public license", "version 3", frozenset({"LGPL-3.0-only", "LGPL-3.0-or-later"})),
    ("gnu lesser general public license", "version 2.1", frozenset({"LGPL-2.1-only", "LGPL-2.1-or-later"})),
    ("mozilla public license", "2.0", frozenset({"MPL-2.0"})),
    ("creativecommons.org/publicdomain/zero", "", frozenset({"CC0-1.0"})),
    ("permission is hereby granted, free of charge", "", frozenset({"MIT"})),
    ("redistribution and use in source and binary forms", "", _BSD),
)


def norm_name(name: str) -> str:
    """A distribution name as PEP 503 normalises it."""
    return re.sub(r"[-_.]+", "-", name).lower()


class UnknownSpelling(ValueError):
    pass


# -- SPDX expressions -----------------------------------------------------------------

def spdx_id(token: str) -> str:
    low = token.strip().lower()
    if low in DEPRECATED:
        return DEPRECATED[low]
    if low in SPDX:
        return SPDX[low]
    if low.startswith("licenseref-"):
        return token.strip()
    raise UnknownSpelling(f"not an SPDX licence id: {token!r}")


def parse_expression(expr: str) -> tuple[str, frozenset[str]]:
    """An SPDX expression in canonical spelling, and the ids it names."""
    parts = re.findall(r"\(|\)|[^\s()]+", expr)
    out, ids = [], set()
    after_with = False
    for p in parts:
        up = p.upper()
        if up in ("AND", "OR", "WITH"):
            out.append(up)
            after_with = up == "WITH"
        elif p in "()":
            out.append(p)
        elif after_with:  # an exception id (Classpath-exception-2.0...)
            out.append(p)
            after_with = False
        else:
            i = spdx_id(p)
            ids.add(i)
            out.append(i)
    if not ids:
        raise UnknownSpelling(f"empty licence expression {expr!r}")
    return " ".join(out).replace("( ", "(").replace(" )", ")"), frozenset(ids)


# -- what a distribution declares -----------------------------------------------------

@dataclass(frozen=True)
class Declared:
    """A distribution's licence as its metadata says it: an exact SPDX
    expression, or tokens each naming a set of acceptable ids."""

    source: str  # License-Expression | classifiers | License | file
    expression: str | None = None
    tokens: tuple[frozenset[str], ...] = ()
    raw: str = ""


def _alias(text: str) -> frozenset[str] | None:
    low = " ".join(text.strip().lower().split())
    if low in NOT_A_LICENCE:
        return None
    if low in ALIASES:
        return ALIASES[low]
    try:
        return frozenset({spdx_id(low)})
    except UnknownSpelling:
        pass
    raise UnknownSpelling(f"unrecognised licence spelling {text!r} (teach tests/licence_metadata.py ALIASES)")


def _wording(text: str) -> frozenset[str] | None:
    low = " ".join(text.lower().split())
    for a, b, ids in WORDING:
        if a in low and b in low:
            return ids
    return None


def _licence_field(value: str) -> tuple[frozenset[str], ...]:
    if len(value) > 100 or "\n" in value.strip():
        ids = _wording(value)
        if ids is None:
            raise UnknownSpelling(f"a License field holding text that names no known licence: {value[:60]!r}")
        return (ids,)
    try:
        return tuple(frozenset({i}) for i in parse_expression(value)[1])
    except UnknownSpelling:
        pass
    tokens = []
    for part in re.split(r",|;| and | or |/", value, flags=re.IGNORECASE):
        ids = _alias(part)
        if ids is not None:
            tokens.append(ids)
    return tuple(tokens)


def _licence_file(dist: md.Distribution) -> tuple[frozenset[str], ...]:
    for f in dist.files or ():
        name = f.name.upper()
        if name.startswith(("LICENSE", "LICENCE", "COPYING")):
            try:
                ids = _wording(Path(f.locate()).read_text(encoding="utf-8", errors="replace")[:20000])
            except OSError:
                continue
            if ids is not None:
                return (ids,)
    return ()


def declared(dist: md.Distribution) -> Declared:
    m = dist.metadata
    expr = m.get("License-Expression")
    if expr and expr.strip():
        canonical, ids = parse_expression(expr)
        return Declared("License-Expression", canonical, tuple(frozenset({i}) for i in ids), expr)
    classifiers = [c.split("::")[-1].strip() for c in (m.get_all("Classifier") or []) if c.startswith("License ::")]
    tokens = tuple(t for t in (_alias(c) for c in classifiers) if t is not None)
    if tokens:
        return Declared("classifiers", None, tokens, "; ".join(classifiers))
    field_value = (m.get("License") or "").strip()
    if field_value:
        tokens = _licence_field(field_value)
        if tokens:
            return Declared("License", None, tokens, field_value[:80])
    tokens = _licence_file(dist)
    return Declared("file", None, tokens, "licence file" if tokens else "")


def agrees(table_expr: str, decl: Declared) -> str | None:
    """None when the table's licence matches what the metadata declares,
    else why not."""
    try:
        canonical, ids = parse_expression(table_expr)
    except UnknownSpelling as e:
        return f"the table's licence {table_expr!r}: {e}"
    if decl.expression is not None:
        if canonical.lower() != decl.expression.lower():
            return f"the table says {canonical}, its License-Expression says {decl.expression}"
        return None
    if not decl.tokens:
        return "its metadata and licence files name no licence: check by hand and teach licence_metadata.py"
    missing = [sorted(t) for t in decl.tokens if not (t & ids)]
    extra = sorted(i for i in ids if not any(i in t for t in decl.tokens))
    if missing or extra:
        said = " + ".join("/".join(sorted(t)) if len(t) < 4 else "any " + sorted(t)[0].split("-")[0] for t in decl.tokens)
        return f"the table says {canonical}, its {decl.source} ({decl.raw}) say {said}"
    return None


# -- the runtime closure ----------------------------------------------------------------

@dataclass
class Dependency:
    name: str  # normalised
    installed: md.Distribution | None
    required_by: set[str] = field(default_factory=set)
    extras: set[str] = field(default_factory=set)


def _applies(req: Requirement, extras: set[str]) -> bool:
    if req.marker is None:
        return True
    env = default_environment()
    for extra in ("", *sorted(extras)):
        env["extra"] = extra
        if req.marker.evaluate(env):
            return True
    return False


def _distribution(name: str) -> md.Distribution | None:
    try:
        return md.distribution(name)
    except md.PackageNotFoundError:
        return None


def declared_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[Requirement]:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return [Requirement(r) for r in data["project"].get("dependencies", [])]


def runtime_closure(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, Dependency]:
    """Every runtime distribution (piiscout itself left out), by normalised name."""
    deps: dict[str, Dependency] = {}
    todo: list[tuple[Requirement, str]] = [(r, SELF) for r in declared_requirements(pyproject) if _applies(r, set())]
    me = _distribution(SELF)
    if me is not None:
        todo += [(Requirement(r), SELF) for r in me.requires or () if _applies(Requirement(r), set())]
    while todo:
        req, parent = todo.pop()
        key = norm_name(req.name)
        dep = deps.get(key)
        fresh = dep is None
        if dep is None:
            dep = deps[key] = Dependency(key, _distribution(req.name))
        dep.required_by.add(parent)
        new_extras = set(req.extras) - dep.extras
        dep.extras |= set(req.extras)
        if (fresh or new_extras) and dep.installed is not None:
            for r in dep.installed.requires or ():
                child = Requirement(r)
                if _applies(child, dep.extras) and norm_name(child.name) != key:
                    todo.append((child, key))
    deps.pop(SELF, None)
    return deps


def inapplicable_declared(pyproject: Path = ROOT / "pyproject.toml") -> set[str]:
    """Direct requirements whose marker excludes this platform (hyperscan off
    x86_64): the table may list them though they are not installed."""
    return {norm_name(r.name) for r in declared_requirements(pyproject) if not _applies(r, set())}


# -- the README's table -------------------------------------------------------------------

TABLE_HEADER = re.compile(r"^\|\s*distribution\s*\|\s*licence", re.IGNORECASE)


def readme_table(text: str) -> dict[str, str]:
    """{normalised distribution name: licence expression} from the README's
    runtime licence table (the one whose header starts `| distribution |
    licence`)."""
    rows: dict[str, str] = {}
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if TABLE_HEADER.match(line)), None)
    if start is None:
        return rows
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2:
            name = re.sub(r"[`*\[\]]|\(.*?\)", "", cells[0]).strip()
            rows[norm_name(name)] = cells[1].strip("` ")
    return rows


def problems(table: dict[str, str], deps: dict[str, Dependency], may_be_absent: set[str] = frozenset()) -> list[str]:
    """Every way the table is not true of these dependencies."""
    out = []
    for name, dep in sorted(deps.items()):
        if dep.installed is None:
            out.append(f"{name}: required (by {', '.join(sorted(dep.required_by))}) but not installed: "
                       "reinstall (bash scripts/bootstrap.sh test)")
            continue
        if name not in table:
            out.append(f"{name}: a runtime dependency (required by {', '.join(sorted(dep.required_by))}) "
                       "missing from the README licence table")
            continue
        try:
            why = agrees(table[name], declared(dep.installed))
        except UnknownSpelling as e:
            why = str(e)
        if why:
            out.append(f"{name}: {why}")
    for name in sorted(set(table) - set(deps) - set(may_be_absent)):
        out.append(f"{name}: in the README licence table but not a runtime dependency here")
    return out
