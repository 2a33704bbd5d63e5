#!/usr/bin/env bash
# Make sure the services the test suite talks to are installed and running.
# PostgreSQL and MariaDB (the SQL connector tests): started if installed but
# stopped, installed with apt-get as root when missing (then opened to
# loopback TCP like the project's machines: PostgreSQL trust, MariaDB root
# without password); servers elsewhere: PIISCOUT_TEST_PG_URL /
# PIISCOUT_TEST_MYSQL_URL (tests/connectors/sqlservers.py). Samba,
# Tesseract and acl (setfacl): installed with apt-get when missing and run as
# root; the tests start their own smbd on a private config. Chromium (report
# tests): installed with apt-get when missing.
set -uo pipefail
cd "$(dirname "$0")/.."

root=0; [ "$(id -u)" = 0 ] && root=1
apt_install() {
    if [ "$root" = 1 ] && command -v apt-get >/dev/null; then
        echo "services: apt-get install $*" >&2
        DEBIAN_FRONTEND=noninteractive apt-get -qq update >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 \
            || echo "services: could not install $* (tests that need it will be reported)" >&2
    else
        echo "services: $* missing and not root: tests that need it will fail with a clear message" >&2
    fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# PostgreSQL
if [ -z "${PIISCOUT_TEST_PG_URL:-}" ] && ! port_open 5432; then
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    else
        apt_install postgresql
        if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
            # A fresh install: trust loopback TCP, as on the project's machines
            # (the SQL tests connect as postgres without a password).
            ver="$(ls /etc/postgresql | head -1)"
            hba="/etc/postgresql/$ver/main/pg_hba.conf"
            grep -q '^host all all 127.0.0.1/32 trust' "$hba" 2>/dev/null \
                || sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
            pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
        fi
    fi
fi
# MariaDB
if [ -z "${PIISCOUT_TEST_MYSQL_URL:-}" ] && ! port_open 3306; then
    fresh=0
    [ -x /usr/sbin/mariadbd ] || { apt_install mariadb-server; fresh=1; }
    if [ -x /usr/sbin/mariadbd ]; then
        start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
        if [ "$fresh" = 1 ] && command -v mariadb >/dev/null; then
            # A fresh install lets root in through the socket only: allow it
            # over loopback TCP with an empty password, as the tests expect.
            for _ in $(seq 1 30); do port_open 3306 && break; sleep 1; done
            mariadb -e "ALTER USER root@localhost IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD(''); CREATE DATABASE IF NOT EXISTS test" \
                || echo "services: could not open MariaDB root to loopback TCP; set PIISCOUT_TEST_MYSQL_URL" >&2
        fi
    fi
fi
# Samba (smbd) and Tesseract OCR; setfacl (package acl) for the permission tests
command -v smbd >/dev/null || [ -x /usr/sbin/smbd ] || apt_install samba
command -v setfacl >/dev/null || apt_install acl
command -v tesseract >/dev/null || apt_install tesseract-ocr tesseract-ocr-eng
# Chromium: the report tests open the HTML report and print the PDF with it.
[ -x /usr/bin/chromium ] || apt_install chromium
# Wait briefly for the databases to accept connections.
for _ in $(seq 1 30); do
    { [ -n "${PIISCOUT_TEST_PG_URL:-}" ] || port_open 5432; } && { [ -n "${PIISCOUT_TEST_MYSQL_URL:-}" ] || port_open 3306; } && break
    sleep 1
done
exit 0
