"""The database servers the SQL tests use, and throw-away databases on them.

PostgreSQL and MariaDB run on this project's machines at 127.0.0.1:5432
(trust) and 127.0.0.1:3306 (root, empty password); scripts/services.sh
starts them when they are installed but stopped. Elsewhere point the tests
at servers of your own with admin URLs (a user that may create databases,
roles and users):

    PIISCOUT_TEST_PG_URL=postgresql://postgres@db.example:5432/postgres
    PIISCOUT_TEST_MYSQL_URL=mysql+pymysql://root:pw@db.example:3306/

Every database, role and user a test creates is named piiscout_t_<random>
and dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
import sys
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN = os.environ.get("PIISCOUT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MYSQL_ADMIN = os.environ.get("PIISCOUT_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/")


def generator():
    """fixtures/sql/generate.py as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("sql_fixture_generate", ROOT / "fixtures" / "sql" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, mod)
    spec.loader.exec_module(mod)
    return mod


def _driver(url: str) -> sa.URL:
    u = sa.make_url(url)
    if "+" not in u.drivername:
        u = u.set(drivername={"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql",
                              "mariadb": "mariadb+pymysql"}.get(u.drivername, u.drivername))
    return u


@lru_cache(maxsize=None)
def unavailable(kind: str) -> str | None:
    url = PG_ADMIN if kind == "pg" else MYSQL_ADMIN
    try:
        eng = sa.create_engine(_driver(url), connect_args={"connect_timeout": 5})
        with eng.connect() as c:
            c.execute(sa.text("SELECT 1"))
        eng.dispose()
    except Exception as e:  # noqa: BLE001
        return f"{kind} server not reachable ({type(e).__name__}); run scripts/services.sh or set " + (
            "PIISCOUT_TEST_PG_URL" if kind == "pg" else "PIISCOUT_TEST_MYSQL_URL")
    return None


def new_name() -> str:
    return "piiscout_t_" + secrets.token_hex(4)


def admin_engine(kind: str, database: str | None = None) -> sa.Engine:
    u = _driver(PG_ADMIN if kind == "pg" else MYSQL_ADMIN)
    if database is not None:
        u = u.set(database=database)
    return sa.create_engine(u, isolation_level="AUTOCOMMIT")


def url_for(kind: str, database: str, user: str | None = None, password: str | None = None,
            driver: bool = False) -> str:
    """A target URL as a user would type it (no password unless given)."""
    u = sa.make_url(PG_ADMIN if kind == "pg" else MYSQL_ADMIN)
    if not driver:
        u = u.set(drivername=u.drivername.split("+", 1)[0])
    u = u.set(database=database, password=password)
    if user is not None:
        u = u.set(username=user)
    return u.render_as_string(hide_password=False)


@contextmanager
def database(kind: str):
    """A fresh, empty database; dropped afterwards."""
    name = new_name()
    eng = admin_engine(kind)
    with eng.connect() as c:
        c.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        with eng.connect() as c:
            if kind == "pg":
                c.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            else:
                c.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        eng.dispose()
