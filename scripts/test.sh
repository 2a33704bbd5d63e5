#!/usr/bin/env bash
# Set up piiscout with its test dependencies, start the services the tests
# need (installing them with apt-get when run as root), and run the suite.
#
#   bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
bash scripts/services.sh
exec .venv/bin/python -m pytest "$@"
