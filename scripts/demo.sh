#!/usr/bin/env bash
# Set up piiscout and run a demo scan of fixtures/, then print the report.
#
#   bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
INV=.demo/inventory
rm -rf "$INV"
mkdir -p .demo
echo "piiscout: scanning fixtures/ (synthetic data) into $INV"
set +e
.venv/bin/piiscout scan fixtures --exclude expected --exclude truth.json --exclude 'generate*.py' --exclude inventory --inventory "$INV"
code=$?
set -e
# Exit code 1 means "complete, some items could not be read" (the fixtures
# include deliberately corrupt files); anything else is a failure.
if [ "$code" -gt 1 ]; then exit "$code"; fi
echo
.venv/bin/piiscout report "$INV"
echo
# The client report: one self-contained HTML file (add -o .demo/report.pdf for a PDF).
.venv/bin/piiscout report "$INV" -o .demo/report.html --client "Demo client"
