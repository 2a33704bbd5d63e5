"""What differs between SQL databases: system schemas, the read-only and
time-limited session, the cheap sample of a table, and the table statistics
an incremental rescan compares.

Everything here is plain SQLAlchemy Core compiled by the dialect in use, so
the sampling SQL of a dialect with no server at hand (SQL Server) can be
checked by compiling it (tests/connectors/test_sql_dialects.py).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import sqlalchemy as sa

# Back ends by SQLAlchemy backend name (`url.get_backend_name()`); MariaDB
# speaks MySQL's dialect.
POSTGRESQL, MYSQL, SQLITE, MSSQL = "postgresql", "mysql", "sqlite", "mssql"


def family(backend: str) -> str:
    return MYSQL if backend in ("mysql", "mariadb") else backend


# Drivers used when a URL names none (SQLAlchemy's own defaults are
# psycopg2, mysqlclient and pyodbc, which piiscout does not install).
DEFAULT_DRIVERS = {"postgresql": "psycopg", "mysql": "pymysql", "mariadb": "pymysql", "mssql": "pymssql"}

_SYSTEM = {
    POSTGRESQL: {"information_schema", "pg_catalog", "pg_toast"},
    MYSQL: {"information_schema", "mysql", "performance_schema", "sys"},
    MSSQL: {"sys", "information_schema", "guest", "db_owner", "db_accessadmin", "db_securityadmin",
            "db_ddladmin", "db_backupoperator", "db_datareader", "db_datawriter", "db_denydatareader",
            "db_denydatawriter"},
    SQLITE: set(),
}


def is_system_schema(backend: str, schema: str) -> bool:
    s = schema.lower()
    if s in _SYSTEM.get(family(backend), ()):
        return True
    return family(backend) == POSTGRESQL and s.startswith(("pg_temp_", "pg_toast_temp_"))


# -- the session ------------------------------------------------------------------------------

def session_statements(backend: str, timeout_s: float | None, mariadb: bool = False) -> list[str]:
    """Run once on every new connection: read-only transactions and a limit
    on each statement's time (and on waiting for locks)."""
    fam = family(backend)
    ms = int(timeout_s * 1000) if timeout_s else 0
    if fam == POSTGRESQL:
        return ["SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
                f"SET statement_timeout = {ms}",
                "SET lock_timeout = 10000",
                "SET idle_in_transaction_session_timeout = 600000"]
    if fam == MYSQL:
        out = ["SET SESSION TRANSACTION READ ONLY", "SET SESSION lock_wait_timeout = 10"]
        out.append(full_scan_timeout(backend, timeout_s, mariadb))
        return out
    if fam == SQLITE:
        return ["PRAGMA query_only = 1"]
    if fam == MSSQL:
        # No read-only transactions on SQL Server: a plain SELECT under READ
        # COMMITTED takes only short shared locks; never wait long for one.
        return ["SET LOCK_TIMEOUT 10000", "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"]
    return []


def full_scan_timeout(backend: str, timeout_s: float | None, mariadb: bool) -> str:
    """MySQL/MariaDB count a streamed SELECT's time until its last row is
    read; this sets the session's limit (0: none)."""
    if mariadb or backend == "mariadb":
        return f"SET SESSION max_statement_time = {float(timeout_s or 0):g}"
    return f"SET SESSION max_execution_time = {int((timeout_s or 0) * 1000)}"


# -- sampling ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SamplePlan:
    """How rows of one table are read.

    method: "full" (every row), "system_rows" (PostgreSQL tsm_system_rows:
    N rows from random blocks, reads ~N rows), "bernoulli" (PostgreSQL: each
    row with `percent` probability, reads the whole table but returns few)
    or "limit" (the first N rows the server returns: LIMIT, or TOP on SQL
    Server).
    """

    method: str
    rows: int | None = None
    percent: float | None = None

    def describe(self) -> str:
        if self.method == "full":
            return "every row"
        if self.method == "system_rows":
            return f"up to {self.rows:,} rows (TABLESAMPLE SYSTEM_ROWS)"
        if self.method == "bernoulli":
            return f"up to {self.rows:,} rows (TABLESAMPLE BERNOULLI {self.percent:g}%)"
        return f"the first {self.rows:,} rows"


def plan_sample(backend: str, sample_rows: int | None, full: bool, kind: str = "table",
                estimate: float | None = None, system_rows: bool = False) -> SamplePlan:
    """The cheapest way to read about `sample_rows` rows of a table.

    PostgreSQL: TABLESAMPLE SYSTEM_ROWS when the tsm_system_rows extension
    is installed (piiscout never installs it: read-only); else BERNOULLI at
    the percentage that yields the sample from the planner's row estimate
    (`pg_class.reltuples`, no COUNT(*)), with LIMIT; a table estimated at no
    more rows than the sample, a never-analysed one and a view: LIMIT.
    Elsewhere: LIMIT / TOP.
    """
    if full or not sample_rows:
        return SamplePlan("full")
    n = int(sample_rows)
    if family(backend) == POSTGRESQL and kind == "table" and estimate is not None and estimate > n:
        if system_rows:
            return SamplePlan("system_rows", n)
        # 20% headroom so the sample is rarely short; LIMIT trims the rest.
        pct = min(100.0, round(n * 1.2 * 100.0 / estimate, 6))
        if pct < 100.0:
            return SamplePlan("bernoulli", n, max(pct, 0.000001))
    return SamplePlan("limit", n)


def sample_select(backend: str, schema: str | None, table: str, columns: list[str], key: list[str],
                  key_kind: str, plan: SamplePlan) -> sa.Select:
    """SELECT key..., columns... of one table, sampled per `plan`.

    `key_kind` "pk" selects the primary key columns `key`; "ctid" the
    PostgreSQL row address, "rowid" SQLite's rowid; "ordinal" nothing (rows
    are then told apart by their position in the sample).
    """
    names = list(key if key_kind == "pk" else []) + [c for c in columns]
    extra = {"ctid": "ctid", "rowid": "rowid"}.get(key_kind)
    cols = [sa.column(n) for n in dict.fromkeys(names)]
    if extra:
        cols.append(sa.column(extra))
    t = sa.table(table, *cols, schema=schema)
    src = t
    if plan.method == "system_rows":
        src = sa.tablesample(t, sa.func.system_rows(sa.literal_column(str(int(plan.rows)))), name="s")
    elif plan.method == "bernoulli":
        src = sa.tablesample(t, sa.func.bernoulli(sa.literal_column(repr(float(plan.percent)))), name="s")
    c = src.c
    sel: list = []
    # Labelled by position: a key column that is also scanned is selected
    # twice, and rows are read by position.
    if key_kind == "pk":
        sel += [c[k].label(f"k{i}") for i, k in enumerate(key)]
    elif key_kind == "ctid":
        sel.append(sa.cast(c["ctid"], sa.Text).label("k0"))
    elif key_kind == "rowid":
        sel.append(c["rowid"].label("k0"))
    sel += [c[n].label(f"c{j}") for j, n in enumerate(columns)]
    stmt = sa.select(*sel).select_from(src)
    if plan.method != "full" and plan.rows:
        stmt = stmt.limit(int(plan.rows))
    return stmt


def compile_sql(stmt: sa.Select, dialect: sa.engine.Dialect) -> str:
    """The statement as the server will see it, literals inlined (for tests
    and -vv logs; no value from the data is ever part of it)."""
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


# -- statistics for incremental rescans -------------------------------------------------------

PG_TABLE_STATS = sa.text(
    "SELECT c.relname, c.relkind, c.relfilenode, c.reltuples, s.n_tup_ins, s.n_tup_upd, s.n_tup_del, "
    "s.n_live_tup FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid "
    "WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'm', 'v', 'f')"
)
PG_HAS_SYSTEM_ROWS = sa.text("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'tsm_system_rows'")
MYSQL_TABLE_STATS = sa.text(
    "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, CREATE_TIME, UPDATE_TIME, TABLE_ROWS, DATA_LENGTH, "
    "TIMESTAMPDIFF(SECOND, UPDATE_TIME, NOW()) AS age "
    "FROM information_schema.TABLES WHERE TABLE_SCHEMA = :schema"
)


@dataclass(frozen=True)
class TableStats:
    estimate: float | None = None  # planner's row estimate, if known
    fingerprint: str | None = None  # changes whenever the table's rows may have


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def table_stats(conn: sa.Connection, backend: str, schema: str, database_path: str | None = None
                ) -> dict[str, TableStats]:
    """Cheap per-table statistics of one schema: one catalog query, no
    COUNT(*), nothing outside this schema. A table missing from the result
    gets no fingerprint (always rescanned)."""
    fam = family(backend)
    out: dict[str, TableStats] = {}
    if fam == POSTGRESQL:
        for name, kind, node, reltuples, ins, upd, dele, live in conn.execute(PG_TABLE_STATS, {"schema": schema}):
            estimate = float(reltuples) if reltuples is not None and reltuples >= 0 else None
            fp = None
            # Counters of every row inserted, updated and deleted since the
            # statistics were reset, and the file node (TRUNCATE, VACUUM
            # FULL, a restore change it). A reset forces one rescan.
            if kind in ("r", "m") and ins is not None:
                fp = "pg:" + _digest(node, ins, upd, dele, live)
            out[name] = TableStats(estimate, fp)
    elif fam == MYSQL:
        for name, ttype, engine, created, updated, rows, length, age in conn.execute(
                MYSQL_TABLE_STATS, {"schema": schema}):
            fp = None
            # InnoDB forgets UPDATE_TIME on restart (NULL: rescan) and keeps
            # it to the second: a change in the last seconds is not trusted.
            if ttype == "BASE TABLE" and updated is not None and (age is None or age > 2):
                fp = "mysql:" + _digest(engine, str(created), str(updated), rows, length)
            out[name] = TableStats(float(rows) if rows is not None else None, fp)
    elif fam == SQLITE and database_path:
        fp = sqlite_file_fingerprint(database_path)
        for (name,) in conn.execute(sa.text(
                f"SELECT name FROM {_sqlite_schema_table(schema)} WHERE type = 'table'")):
            out[name] = TableStats(None, fp)
    return out


def _sqlite_schema_table(schema: str) -> str:
    return '"' + schema.replace('"', '""') + '".sqlite_master'


def sqlite_file_fingerprint(path: str) -> str | None:
    """SQLite bumps the file change counter (header bytes 24-27) on every
    committed write; in WAL mode writes land in the -wal file first. Any
    write to the database rescans all of its tables."""
    try:
        with open(path, "rb") as fh:
            fh.seek(24)
            counter = fh.read(4)
        st = os.stat(path)
        parts = [counter.hex(), st.st_size, st.st_mtime_ns]
        try:
            w = os.stat(path + "-wal")
            parts += [w.st_size, w.st_mtime_ns]
        except OSError:
            pass
        return "sqlite:" + _digest(*parts)
    except OSError:
        return None
