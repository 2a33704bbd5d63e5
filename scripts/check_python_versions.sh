#!/usr/bin/env bash
# Do piiscout's runtime dependencies resolve, as binary wheels, on Python
# 3.12 and 3.13 (Linux x86_64)? Needs the package index, not the interpreters.
#
#   bash scripts/check_python_versions.sh [VERSION...]      # default: 3.11 3.12 3.13
#
# 1. uv (pip-installed into a scratch venv) resolves pyproject.toml's
#    dependencies for each version (`uv pip compile --python-version`);
# 2. pip checks that every pinned distribution has a wheel for that
#    interpreter and platform (`pip install --dry-run --only-binary=:all:
#    --python-version V --platform manylinux...`), so nothing would have to
#    be compiled on install. Prints the count and any version differences.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then versions=("$@"); else versions=(3.11 3.12 3.13); fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check uv 2>/dev/null
for v in "${versions[@]}"; do
    "$work/venv/bin/uv" pip compile pyproject.toml -q --no-header --python-version "$v" \
        --python-platform x86_64-manylinux_2_28 -o "$work/req-$v.txt"
    grep '==' "$work/req-$v.txt" | sed 's/ *#.*//' > "$work/pins-$v.txt"
    "$work/venv/bin/pip" install -q --disable-pip-version-check --dry-run --ignore-installed \
        --only-binary=:all: --implementation cp --python-version "$v" \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        --target "$work/t-$v" -r "$work/pins-$v.txt"
    echo "python $v: $(wc -l < "$work/pins-$v.txt") distributions resolve, all as binary wheels"
done
first="${versions[0]}"
for v in "${versions[@]:1}"; do
    if ! diff -q "$work/pins-$first.txt" "$work/pins-$v.txt" >/dev/null; then
        echo "python $v pins differ from $first:"; diff "$work/pins-$first.txt" "$work/pins-$v.txt" || true
    fi
done
