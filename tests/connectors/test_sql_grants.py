"""Who may SELECT a table, against real PostgreSQL and MariaDB and real SQLite files.

Each test creates its own database and roles (piiscout_t_<random>, dropped
afterwards; tests/connectors/sqlservers.py) and scans it through the CLI.
"""

from __future__ import annotations

import os
import secrets

import pytest
import sqlalchemy as sa

from tests.conftest import run_piiscout, scan_table
from tests.connectors import sqlservers as srv


def _need(kind: str) -> None:
    why = srv.unavailable(kind)
    if why:
        pytest.skip(why)


def table_rows(inv) -> dict[str, dict]:
    t = scan_table(inv, columns=["location", "part", "exposure", "readers"])
    return {r["location"].rsplit("/", 1)[1].split(".", 1)[1] + ("#" + r["part"] if r["part"] else ""): r
            for r in t.to_pylist()}


def scan(url: str, inv, env=None, codes=(0,)):
    proc = run_piiscout("scan", url, "-i", str(inv), "-q", env=env)
    assert proc.returncode in codes, proc.stdout + proc.stderr
    return table_rows(inv)


TABLES = ("everyone_t", "group_t", "user_t", "owner_t")


def _create_tables(c) -> None:
    for t in TABLES:
        c.exec_driver_sql(f"CREATE TABLE {t} (id INT PRIMARY KEY, ssn VARCHAR(20))")
        c.exec_driver_sql(f"INSERT INTO {t} VALUES (1, '234-56-7801')")


def test_postgresql_grants(tmp_path):
    _need("pg")
    group, user = srv.new_name(), srv.new_name()
    admin = srv.admin_engine("pg")
    with admin.connect() as c:
        c.exec_driver_sql(f"CREATE ROLE {group} NOLOGIN")
        c.exec_driver_sql(f"CREATE ROLE {user} LOGIN")
    try:
        with srv.database("pg") as name:
            eng = srv.admin_engine("pg", name)
            with eng.connect() as c:
                _create_tables(c)
                c.exec_driver_sql("GRANT SELECT ON everyone_t TO PUBLIC")
                c.exec_driver_sql(f"GRANT SELECT ON group_t TO {group}")
                c.exec_driver_sql(f"GRANT SELECT (ssn) ON user_t TO {user}")  # a column grant is read access
                c.exec_driver_sql(f"GRANT UPDATE ON owner_t TO {group}")  # not read access
            eng.dispose()
            got = scan(srv.url_for("pg", name), tmp_path / "inv")
            assert got["everyone_t"]["exposure"] == "everyone"
            assert got["everyone_t"]["readers"][0] == "PUBLIC"
            assert got["group_t"]["exposure"] == "group" and group in got["group_t"]["readers"]
            assert got["user_t"]["exposure"] == "owner" and user in got["user_t"]["readers"]
            assert got["owner_t"]["exposure"] == "owner" and group not in got["owner_t"]["readers"]
            owner = srv.admin_engine("pg").url.username
            assert got["owner_t"]["readers"] == [owner]
            # Every column row carries its table's.
            assert got["everyone_t#ssn"]["exposure"] == "everyone"
            # A scanning role that is not a superuser still sees every grant
            # (the catalog, not information_schema, which shows its own only).
            with admin.connect() as c:
                c.exec_driver_sql(f"GRANT CONNECT ON DATABASE {name} TO {user}")
            # (exit 1: the tables it may not read are errors)
            got = scan(srv.url_for("pg", name, user=user), tmp_path / "inv-user", codes=(1,))
            assert got["everyone_t"]["exposure"] == "everyone"
    finally:
        with admin.connect() as c:
            for role in (group, user):
                c.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        admin.dispose()


def test_mariadb_grants(tmp_path):
    _need("mysql")
    role, user = srv.new_name(), srv.new_name()
    password = "Pw-" + secrets.token_hex(8)
    admin = srv.admin_engine("mysql")
    with srv.database("mysql") as name:
        eng = srv.admin_engine("mysql", name)
        with eng.connect() as c:
            _create_tables(c)
            c.exec_driver_sql(f"CREATE ROLE {role}")
            c.exec_driver_sql(f"CREATE USER '{user}'@'%%' IDENTIFIED BY '{password}'")
            public = True
            try:
                c.exec_driver_sql(f"GRANT SELECT ON {name}.everyone_t TO PUBLIC")
            except sa.exc.DBAPIError:
                public = False  # MariaDB before 10.11, MySQL: no PUBLIC; an anonymous account instead
                c.exec_driver_sql(f"CREATE USER ''@'%%'")
                c.exec_driver_sql(f"GRANT SELECT ON {name}.everyone_t TO ''@'%%'")
            c.exec_driver_sql(f"GRANT SELECT ON {name}.group_t TO {role}")
            c.exec_driver_sql(f"GRANT SELECT ON {name}.user_t TO '{user}'@'%%'")
        eng.dispose()
        try:
            got = scan(srv.url_for("mysql", name), tmp_path / "inv")
            assert got["everyone_t"]["exposure"] == "everyone"
            assert got["group_t"]["exposure"] == "group" and role in got["group_t"]["readers"]
            assert got["user_t"]["exposure"] == "owner" and f"{user}@%" in got["user_t"]["readers"]
            assert got["owner_t"]["exposure"] == "owner"
            assert f"{user}@%" not in got["owner_t"]["readers"]
            # A database-wide grant reaches every table of it.
            with admin.connect() as c:
                c.exec_driver_sql(f"GRANT SELECT ON {name}.* TO {role}")
            got = scan(srv.url_for("mysql", name), tmp_path / "inv2")
            assert got["owner_t"]["exposure"] == "group"
            # An account that may not read the grant tables sees only its own
            # privileges: unknown, never a falsely narrow answer.
            got = scan(srv.url_for("mysql", name, user=user), tmp_path / "inv3",
                       env={"PIISCOUT_DB_PASSWORD": password}, codes=(0, 1))
            assert got["user_t"]["exposure"] is None
        finally:
            with admin.connect() as c:
                c.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
                c.exec_driver_sql(f"DROP USER IF EXISTS '{user}'@'%%'")
                if not public:
                    c.exec_driver_sql("DROP USER IF EXISTS ''@'%%'")
                else:
                    c.exec_driver_sql(f"REVOKE SELECT ON {name}.everyone_t FROM PUBLIC")
            admin.dispose()


@pytest.mark.parametrize("mode,exposure", [(0o644, "everyone"), (0o640, "group"), (0o600, "owner")])
def test_sqlite_takes_the_file_permissions(tmp_path, mode, exposure):
    db = tmp_path / "crm.db"
    eng = sa.create_engine(f"sqlite:///{db}")
    with eng.begin() as c:
        _create_tables(c)
    eng.dispose()
    os.chmod(db, mode)
    got = scan(f"sqlite:///{db}", tmp_path / "inv")
    assert {got[t]["exposure"] for t in TABLES} == {exposure}
