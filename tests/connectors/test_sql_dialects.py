"""SQL connector pieces that need no server: URL handling (SQL Server
included, since none can run here), sampling SQL per dialect as compiled by
SQLAlchemy, column selection, column-name context and row keys."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mssql, mysql, postgresql, sqlite

from connectors import sql_dialects as d
from connectors.registry import connector_class, resolve
from connectors.sql import DEFAULT_PASSWORD_ENV, SqlConnector, hide_secrets, scannable, table_matches
from scanner.errors import UsageError
from scanner.settings import ScanSettings


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg", "mysql+pymysql",
                                    "mariadb+pymysql", "mysql", "mssql+pymssql", "mssql", "sqlite"])
def test_schemes_pick_the_sql_connector(scheme):
    assert connector_class(scheme) is SqlConnector


def test_mssql_url_password_leaves_the_spec(monkeypatch):
    spec = resolve("mssql+pymssql://sa:Very$ecret1@db.example:1433/crm?charset=utf8")
    assert spec.url == "mssql+pymssql://sa@db.example:1433/crm"
    assert "Very$ecret1" not in repr(spec) and "Very$ecret1" not in spec.name
    assert spec.password_env and os.environ[spec.password_env] == "Very$ecret1"
    assert spec.option("query") == (("charset", "utf8"),)
    conn = SqlConnector(spec, ScanSettings())
    assert conn.url.drivername == "mssql+pymssql" and conn.family == d.MSSQL


def test_password_from_env_or_named_variable(monkeypatch):
    monkeypatch.delenv(DEFAULT_PASSWORD_ENV, raising=False)
    assert resolve("postgresql://app@db/x").password_env is None
    monkeypatch.setenv(DEFAULT_PASSWORD_ENV, "pw")
    assert resolve("postgresql://app@db/x").password_env == DEFAULT_PASSWORD_ENV
    monkeypatch.setenv("ACME_DB_PW", "pw2")
    assert resolve("postgresql://app@db/x", options={"password_env": "ACME_DB_PW"}).password_env == "ACME_DB_PW"
    with pytest.raises(UsageError, match="NOT_SET_ANYWHERE is not set"):
        resolve("postgresql://app@db/x", options={"password_env": "NOT_SET_ANYWHERE"})
    with pytest.raises(UsageError, match="query string"):
        resolve("postgresql://app@db/x?password=oops")
    with pytest.raises(UsageError, match="cannot be given as an option"):
        resolve("postgresql://app@db/x", options={"password": "oops"})


def test_url_forms():
    assert resolve("postgres://u@h/db").url == "postgresql://u@h/db"
    assert resolve("sqlite:///rel.db").url == "sqlite:///" + os.path.abspath("rel.db")
    for bad in ("sqlite://", "sqlite:///:memory:", "postgresql:///db"):
        with pytest.raises(UsageError):
            resolve(bad)
    with pytest.raises(UsageError) as e:
        resolve("postgresql://u:pw@h:notaport/db")
    assert "pw" not in str(e.value)


def test_hide_secrets():
    assert hide_secrets("failed for mysql://root:s3cret@h/db") == "failed for mysql://root:***@h/db"
    assert hide_secrets("password s3cret was wrong", ("s3cret",)) == "password *** was wrong"


def test_sampling_sql_per_dialect():
    cols, key = ["email", "ssn"], ["id"]
    pg = postgresql.dialect()
    sql = d.compile_sql(d.sample_select("postgresql", "public", "customers", cols, key, "pk",
                                        d.SamplePlan("system_rows", 10_000)), pg)
    assert "TABLESAMPLE system_rows(10000)" in sql and "LIMIT 10000" in sql
    sql = d.compile_sql(d.sample_select("postgresql", "public", "customers", cols, [], "ctid",
                                        d.SamplePlan("bernoulli", 10_000, 1.2)), pg)
    assert "TABLESAMPLE bernoulli(1.2)" in sql and "CAST(s.ctid AS TEXT)" in sql
    sql = d.compile_sql(d.sample_select("mssql", "dbo", "customers", cols, ["a", "b"], "pk",
                                        d.SamplePlan("limit", 500)), mssql.dialect())
    assert sql.startswith("SELECT TOP 500 dbo.customers.a AS k0, dbo.customers.b AS k1, dbo.customers.email")
    sql = d.compile_sql(d.sample_select("mysql", "crm", "customers", cols, [], "ordinal",
                                        d.SamplePlan("limit", 500)), mysql.dialect())
    want = "SELECT crm.customers.email AS c0, crm.customers.ssn AS c1 FROM crm.customers LIMIT 500"
    assert sql.split() == want.split()
    sql = d.compile_sql(d.sample_select("sqlite", None, "customers", cols, [], "rowid", d.SamplePlan("full")),
                        sqlite.dialect())
    assert "LIMIT" not in sql and "customers.rowid AS k0" in sql
    # Never COUNT(*): sampling uses the planner's estimate.
    assert "count" not in sql.lower()


def test_sample_plans():
    assert d.plan_sample("postgresql", 10_000, False, "table", 5e6, True).method == "system_rows"
    p = d.plan_sample("postgresql", 10_000, False, "table", 1e6, False)
    assert p.method == "bernoulli" and p.percent == pytest.approx(1.2)
    assert d.plan_sample("postgresql", 10_000, False, "table", 5_000, True).method == "limit"
    assert d.plan_sample("postgresql", 10_000, False, "table", None, True).method == "limit"  # never analysed
    assert d.plan_sample("postgresql", 10_000, False, "view", 1e9, True).method == "limit"
    assert d.plan_sample("mysql", 10_000, False, "table", 1e9).method == "limit"
    assert d.plan_sample("mssql", 10_000, False, "table", None).method == "limit"
    assert d.plan_sample("sqlite", 10_000, True).method == "full"


def test_session_statements():
    pg = d.session_statements("postgresql", 30, False)
    assert "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY" in pg and "SET statement_timeout = 30000" in pg
    assert "SET SESSION max_statement_time = 30" in d.session_statements("mariadb", 30, True)
    assert "SET SESSION max_execution_time = 30000" in d.session_statements("mysql", 30, False)
    assert "SET LOCK_TIMEOUT 10000" in d.session_statements("mssql", 30)
    assert d.session_statements("sqlite", 30) == ["PRAGMA query_only = 1"]


def test_system_schemas():
    assert d.is_system_schema("postgresql", "pg_catalog") and d.is_system_schema("postgresql", "pg_temp_3")
    assert not d.is_system_schema("postgresql", "public")
    assert d.is_system_schema("mariadb", "performance_schema") and d.is_system_schema("mssql", "sys")


def test_scannable_columns():
    yes = [sa.String(20), sa.Text(), sa.Integer(), sa.BigInteger(), sa.Numeric(16, 0), sa.Numeric(),
           sa.types.NullType(), sa.JSON(), sa.Unicode(10), mssql.NVARCHAR(40)]
    no = [sa.SmallInteger(), sa.Numeric(10, 2), sa.Float(), sa.Date(), sa.DateTime(), sa.Boolean(),
          sa.LargeBinary(), mysql.TINYINT(), mysql.MEDIUMINT(), sa.Uuid()]
    assert all(scannable(t) for t in yes), [t for t in yes if not scannable(t)]
    assert not any(scannable(t) for t in no), [t for t in no if scannable(t)]


def test_table_patterns():
    assert table_matches("crm", "Customers", ("customers",))
    assert table_matches("crm", "customers", ("crm.*",))
    assert not table_matches("crm", "orders", ("public.*", "cust*"))
