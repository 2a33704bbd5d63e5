"""Print a draft of the README's runtime licence table from the installed
distributions' metadata: every runtime dependency of piiscout, the licence
its metadata declares, and what requires it.

    .venv/bin/python scripts/licence_table.py

A draft only: where the metadata is vague ("BSD") read the licence file and
write the precise SPDX id; tests/test_licences.py checks the README's table
against the same metadata.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.licence_metadata import UnknownSpelling, declared, readme_table, runtime_closure  # noqa: E402


def main() -> int:
    current = readme_table((Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8"))
    print("| distribution | licence | required by |")
    print("|---|---|---|")
    for name, dep in sorted(runtime_closure().items()):
        if dep.installed is None:
            print(f"| {name} | NOT INSTALLED | {', '.join(sorted(dep.required_by))} |")
            continue
        try:
            d = declared(dep.installed)
            said = d.expression or " / ".join("|".join(sorted(t)) for t in d.tokens) or "?"
        except UnknownSpelling as e:
            said = f"? ({e})"
        lic = current.get(name, said)
        print(f"| {dep.installed.metadata['Name']} | {lic} | {', '.join(sorted(dep.required_by))} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
