"""SQL databases through SQLAlchemy: PostgreSQL, MySQL/MariaDB, SQLite and
SQL Server.

Target: a SQLAlchemy URL, `postgresql://user@host/db`,
`mysql+pymysql://user@host/db` (or `mariadb+pymysql://`),
`sqlite:///path/to.db`, `mssql+pymssql://user@host/db`. The password may be
in the URL, in $PIISCOUT_DB_PASSWORD, or in the environment variable a
config entry names (`password_env`); it is kept in this process's
environment only (forked workers inherit it) and never reaches a TargetSpec,
the inventory, a log line or an error message.

Items are tables (views with --views). Listing reflects every non-system
schema of the URL's database (or --schema), keeps the text columns and the
integer/decimal columns wide enough for an SSN or a card number, plans a
cheap sample per dialect (sql_dialects.plan_sample) and takes a fingerprint
from table statistics for incremental rescans. Each worker holds one
connection: read-only, statement time limited. A table is handed to the
pipeline as a `scanner.model.Table`: its column names, its key (primary
key, ctid, rowid, or none) and its rows streamed from a server-side cursor,
a batch per round trip. Detection (column by column, the column name as
context) and the items rows of the table and its columns are the
pipeline's (scanner/tables.py).

Locations are the URL without password plus `/schema.table`; `part` is the
column.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import logging
import os
import re
import threading
import weakref
from typing import Any, Iterator
from urllib.parse import quote

import importlib

from connectors.base import Connector
from connectors.registry import register
from scanner import privacy
from scanner.errors import CredentialError, ItemError, TargetError, UsageError
from scanner.model import ERROR, SKIPPED, Item, ItemRecord, Table, TargetSpec, listing_record

log = logging.getLogger(__name__)


class _Lazy:
    """A module imported on first use: the registry imports every connector
    to learn its schemes (in every worker, Dask ones included), and
    SQLAlchemy costs ~0.3 s to import, for scans that never touch a database."""

    def __init__(self, name: str, alias: str):
        self._name, self._alias = name, alias

    def __getattr__(self, attr: str):
        mod = importlib.import_module(self._name)
        globals()[self._alias] = mod
        return getattr(mod, attr)


sa = _Lazy("sqlalchemy", "sa")
dialects = _Lazy("connectors.sql_dialects", "dialects")


# SQLAlchemy logs statements at INFO and result rows at DEBUG when the root
# logger lets it (-vv): rows are raw data, never logged.
logging.getLogger("sqlalchemy").setLevel(logging.WARNING)

DEFAULT_PASSWORD_ENV = "PIISCOUT_DB_PASSWORD"
# A password taken from a URL is put in the environment under this prefix so
# forked workers inherit it; the TargetSpec only names the variable.
URL_PASSWORD_PREFIX = "_PIISCOUT_DB_URL_PASSWORD_"
DEFAULT_SAMPLE_ROWS = 10_000
DEFAULT_STATEMENT_TIMEOUT = 300.0  # seconds per statement (PostgreSQL: per fetch of a cursor)
FETCH_ROWS = 2_000  # rows per round trip of a streamed result
TABLE, VIEW = "sql/table", "sql/view"
COLUMN = "sql/column"
SECRET_QUERY_KEYS = ("password", "passwd", "pwd", "sslpassword")

# -- URL handling -----------------------------------------------------------------------------

def _url(raw: str) -> sa.engine.URL:
    try:
        url = sa.engine.make_url(raw)
    except Exception:  # noqa: BLE001 - the message would quote the URL, password and all
        raise UsageError("malformed database URL; expected e.g. postgresql://user@host/db, "
                         "mysql+pymysql://user@host/db or sqlite:///path/to.db") from None
    if url.drivername.split("+", 1)[0] == "postgres":
        url = url.set(drivername="postgresql" + url.drivername[len("postgres"):])
    return url


def safe_url(url: sa.engine.URL) -> str:
    """The URL as stored and shown: no password, no query string."""
    # URL.set() treats None as "unchanged": build a new URL without the password.
    bare = sa.engine.URL.create(url.drivername, username=url.username, host=url.host, port=url.port,
                                database=url.database)
    return bare.render_as_string(hide_password=False)


def hide_secrets(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove passwords from a message we did not write (driver errors)."""
    text = re.sub(r"(\w[\w+.-]*://[^:/@\s]*):[^@\s]*@", r"\1:***@", text)
    for s in secrets:
        if s and len(s) >= 3:
            text = text.replace(s, "***")
    return text


def _env_name(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise UsageError("password_env must name an environment variable (letters, digits, _)")
    return value


def _private_env(url: sa.engine.URL) -> str:
    who = safe_url(url)
    return URL_PASSWORD_PREFIX + hashlib.sha256(who.encode()).hexdigest()[:16]


def _patterns(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        value = (value,)
    out = []
    for v in value:
        out += [x.strip() for x in str(v).split(",") if x.strip()]
    return tuple(out)


def table_matches(schema: str, table: str, patterns: tuple[str, ...]) -> bool:
    """Table globs match `table` or `schema.table`, case-insensitively."""
    names = (table.lower(), f"{schema}.{table}".lower())
    return any(fnmatch.fnmatchcase(n, p.lower()) for p in patterns for n in names)


# -- columns ----------------------------------------------------------------------------------

def scannable(coltype: Any) -> bool:
    """Text, JSON, and numbers wide enough to hold an SSN (9 digits) or more."""
    t = coltype
    if isinstance(t, sa.types.TypeDecorator):
        t = t.impl_instance
    if isinstance(t, (sa.types.NullType,)):
        return True  # untyped (SQLite) or a type SQLAlchemy does not know: read as text
    if isinstance(t, (sa.Enum, sa.Boolean, sa.Interval)):
        return False
    if isinstance(t, (sa.String, sa.JSON)):
        return True
    if isinstance(t, sa.Integer):
        if isinstance(t, sa.SmallInteger):
            return False
        name = type(t).__name__.upper()
        return name not in ("TINYINT", "MEDIUMINT", "BIT", "YEAR")
    if isinstance(t, sa.Float):
        return False
    if isinstance(t, sa.Numeric):
        p, s = t.precision, t.scale or 0
        return p is None or p - s >= 9
    return False


# -- engines ----------------------------------------------------------------------------------

_ENGINES: "weakref.WeakSet[sa.Engine]" = weakref.WeakSet()
_ENGINES_LOCK = threading.Lock()


def _after_fork() -> None:
    # A forked worker must not use (or close) its parent's connections.
    for eng in list(_ENGINES):
        try:
            eng.dispose(close=False)
        except Exception:  # noqa: BLE001
            pass


os.register_at_fork(after_in_child=_after_fork)


@register
class SqlConnector(Connector):
    name = "sql"
    schemes = ("postgresql", "postgres", "mysql", "mariadb", "sqlite", "mssql")

    @classmethod
    def parse(cls, raw: str, name: str | None = None, options: dict[str, Any] | None = None) -> TargetSpec:
        options = dict(options or {})
        if "password" in options:
            raise UsageError("a database password cannot be given as an option; put it in "
                             f"${DEFAULT_PASSWORD_ENV} or name a variable with password_env")
        url = _url(raw)
        backend = url.get_backend_name()
        if backend not in ("postgresql", "mysql", "mariadb", "sqlite", "mssql"):
            raise UsageError(f"unsupported database {backend}")
        for k in url.query:
            if k.lower() in SECRET_QUERY_KEYS:
                raise UsageError("do not put the password in the URL's query string; put it in the URL "
                                 f"(user:password@host), in ${DEFAULT_PASSWORD_ENV}, or name a variable "
                                 "with password_env")
        password_env = None
        if backend == "sqlite":
            db = url.database or ""
            if not db or db == ":memory:" or db.startswith("file:"):
                raise UsageError("give the SQLite database file: sqlite:///relative.db or sqlite:////abs/path.db")
            url = sa.engine.URL.create(url.drivername, database=os.path.abspath(os.path.expanduser(db)),
                                       query=url.query)
        else:
            if not url.host:
                raise UsageError(f"no host in database URL {safe_url(url)}")
            if url.password is not None:
                env = _private_env(url)
                os.environ[env] = str(url.password)
                password_env = env
            elif options.get("password_env"):
                password_env = _env_name(options["password_env"])
                if password_env not in os.environ:
                    raise CredentialError(f"no password for {safe_url(url)}: ${password_env} is not set")
            elif DEFAULT_PASSWORD_ENV in os.environ:
                password_env = DEFAULT_PASSWORD_ENV
        clean = safe_url(url)
        opts = {k: v for k, v in options.items() if k not in ("password_env", "prompt", "skip_paths")}
        opts["query"] = tuple(sorted((k, v if isinstance(v, str) else tuple(v)) for k, v in url.query.items()))
        opts["driver"] = url.drivername
        for key in ("schema", "include"):
            if key in opts:
                opts[key] = _patterns(opts[key]) if key == "include" else tuple(_patterns(opts[key]))
        if name is None or name == raw or (url.password and str(url.password) in name):
            name = clean
        return TargetSpec(name=name, url=clean, scheme=url.drivername.split("+", 1)[0],
                          options=tuple(sorted(opts.items())), password_env=password_env)

    def __init__(self, spec: TargetSpec, settings):
        super().__init__(spec, settings)
        o = spec.options_dict
        self.url = _url(spec.url)
        self.backend = self.url.get_backend_name()
        self.family = dialects.family(self.backend)
        query = dict(o.get("query") or ())
        self.url = self.url.set(drivername=o.get("driver") or self.url.drivername, query=query)
        if "+" not in self.url.drivername and self.backend in dialects.DEFAULT_DRIVERS:
            self.url = self.url.set(drivername=f"{self.url.drivername}+{dialects.DEFAULT_DRIVERS[self.backend]}")
        self.schemas: tuple[str, ...] = tuple(o.get("schema") or ())
        self.include: tuple[str, ...] = tuple(o.get("include") or ())
        self.excludes = tuple(settings.excludes) + tuple(_patterns(o.get("excludes")))
        self.views = bool(o.get("views"))
        self.full = bool(o.get("full"))
        sample = o.get("sample_rows")
        self.sample_rows = DEFAULT_SAMPLE_ROWS if sample is None else int(sample)
        timeout = o.get("statement_timeout")
        self.timeout = DEFAULT_STATEMENT_TIMEOUT if timeout is None else float(timeout)
        self._engine: sa.Engine | None = None
        self._mariadb = self.backend == "mariadb"

    # -- connections -------------------------------------------------------------------
    def _secrets(self) -> tuple[str, ...]:
        try:
            p = self.password(TargetError)
        except TargetError:
            return ()
        return (p,) if p else ()

    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            self._engine = self._create_engine()
            with _ENGINES_LOCK:
                _ENGINES.add(self._engine)
        return self._engine

    def _create_engine(self) -> sa.Engine:
        kw: dict[str, Any] = {"pool_size": 1, "max_overflow": 0, "pool_pre_ping": True,
                              "hide_parameters": True, "pool_reset_on_return": "rollback"}
        connect_args: dict[str, Any] = {}
        url = self.url
        if self.family == dialects.SQLITE:
            path = url.database
            import sqlite3

            def creator():
                # Read-only at the file level: nothing piiscout runs can write.
                return sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, check_same_thread=False,
                                       timeout=10)

            kw = {"creator": creator, "poolclass": sa.pool.StaticPool, "hide_parameters": True}
            return self._with_session(sa.create_engine("sqlite://", **kw))
        password = self.password(TargetError)
        if password is not None:
            url = url.set(password=password)
        driver = url.drivername.partition("+")[2]
        if self.family == dialects.POSTGRESQL and driver in ("psycopg", "psycopg2", "psycopg2cffi", ""):
            connect_args.update(connect_timeout=15, application_name="piiscout")
        elif self.family == dialects.POSTGRESQL and driver == "pg8000":
            connect_args.update(timeout=15, application_name="piiscout")
        elif self.family == dialects.MYSQL:
            connect_args.update(connect_timeout=15)
            if self.timeout:
                connect_args.update(read_timeout=max(60, int(self.timeout) + 30))
        elif self.family == dialects.MSSQL:
            connect_args.update(login_timeout=15, appname="piiscout")
            if self.timeout:
                connect_args.update(timeout=int(self.timeout))
        kw["connect_args"] = connect_args
        try:
            eng = sa.create_engine(url, **kw)
        except ImportError as e:
            extra = " (pip install 'piiscout[mssql]')" if self.family == dialects.MSSQL else ""
            raise TargetError(f"{self.spec.url}: database driver not installed: {e.name or e}{extra}") from None
        except Exception as e:  # noqa: BLE001 - e.g. a missing driver; never echo the URL
            raise TargetError(f"{self.spec.url}: {self._reason(e)}") from None
        return self._with_session(eng)

    def _with_session(self, eng: sa.Engine) -> sa.Engine:
        backend = self.backend
        timeout = self.timeout
        me = self

        @sa.event.listens_for(eng, "connect")
        def _setup(dbapi_conn, record):  # noqa: ANN001
            if me.family == dialects.MYSQL:
                ver = getattr(dbapi_conn, "get_server_info", lambda: "")() or ""
                me._mariadb = me._mariadb or "mariadb" in ver.lower()
            cur = dbapi_conn.cursor()
            try:
                for stmt in dialects.session_statements(backend, timeout, me._mariadb):
                    cur.execute(stmt)
            finally:
                cur.close()
            if me.family in (dialects.POSTGRESQL, dialects.MSSQL):
                dbapi_conn.commit()

        return eng

    def _reason(self, exc: BaseException, scrub: bool = False) -> str:
        orig = getattr(exc, "orig", None) or exc
        text = str(orig).strip()
        if isinstance(getattr(orig, "args", None), tuple) and len(orig.args) >= 2 and isinstance(orig.args[1], str):
            text = orig.args[1]  # PyMySQL: (code, message)
        first = text.splitlines()[0].strip() if text else ""
        first = hide_secrets(first, self._secrets())
        if scrub:
            first = privacy.scrub(first)
        name = type(orig).__name__
        return f"{name}: {first}" if first else name

    # -- checking ----------------------------------------------------------------------
    def check(self) -> None:
        if self.family == dialects.SQLITE:
            path = self.url.database
            if not os.path.isfile(path):
                raise TargetError(f"{self.spec.url}: no such database file")
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
                if self.family == dialects.SQLITE:
                    conn.execute(sa.text("SELECT count(*) FROM sqlite_master"))
        except TargetError:
            raise
        except Exception as e:  # noqa: BLE001
            raise TargetError(f"cannot connect to {self.spec.url}: {self._reason(e)}") from None
        if self.schemas:
            have = set(self._all_schemas())
            missing = [s for s in self.schemas if s not in have]
            if missing:
                raise TargetError(f"{self.spec.url}: no schema {', '.join(missing)}")

    def _all_schemas(self) -> list[str]:
        insp = sa.inspect(self.engine)
        if self.family == dialects.SQLITE:
            return ["main"]
        if self.family == dialects.MYSQL and self.url.database and not self.schemas:
            return [self.url.database]
        return list(insp.get_schema_names())

    def _schemas_to_scan(self) -> list[str]:
        if self.schemas:
            return list(self.schemas)
        if self.family == dialects.SQLITE:
            return ["main"]
        if self.family == dialects.MYSQL and self.url.database:
            # One database: never look at the others on the server.
            return [self.url.database]
        return [s for s in sa.inspect(self.engine).get_schema_names()
                if not dialects.is_system_schema(self.backend, s)]

    # -- listing -----------------------------------------------------------------------
    def list_items(self) -> Iterator[Item | ItemRecord]:
        try:
            schemas = self._schemas_to_scan()
        except Exception as e:  # noqa: BLE001
            yield self._record(self.spec.url, None, ERROR, f"cannot list schemas: {self._reason(e)}")
            return
        system_rows = False
        if self.family == dialects.POSTGRESQL and not self.full:
            try:
                with self.engine.connect() as conn:
                    system_rows = conn.execute(dialects.PG_HAS_SYSTEM_ROWS).first() is not None
            except Exception:  # noqa: BLE001
                system_rows = False
        for schema in schemas:
            try:
                yield from self._list_schema(schema, system_rows)
            except Exception as e:  # noqa: BLE001
                log.debug("schema listing failed", exc_info=True)
                yield self._record(f"{self.spec.url}/{schema}", None, ERROR,
                                   f"cannot list tables: {self._reason(e)}")

    def _list_schema(self, schema: str, system_rows: bool) -> Iterator[Item | ItemRecord]:
        insp = sa.inspect(self.engine)
        from sqlalchemy.engine.reflection import ObjectKind

        kinds = ObjectKind.TABLE | (ObjectKind.VIEW | ObjectKind.MATERIALIZED_VIEW if self.views else ObjectKind.TABLE)
        tables = set(insp.get_table_names(schema=schema))
        views: set[str] = set()
        if self.views:
            views = set(insp.get_view_names(schema=schema))
            try:
                views |= set(insp.get_materialized_view_names(schema=schema))
            except NotImplementedError:
                pass
        names = sorted(n for n in tables | views
                       if (not self.include or table_matches(schema, n, self.include))
                       and not table_matches(schema, n, self.excludes))
        if not names:
            return
        with self.engine.connect() as conn:
            path = self.url.database if self.family == dialects.SQLITE else None
            stats = dialects.table_stats(conn, self.backend, schema, path)
            from connectors.sql_grants import table_access  # SQLAlchemy is imported lazily

            grants = table_access(conn, self.backend, schema, names, path)  # who may SELECT each table
        qschema = None if self.family == dialects.SQLITE else schema
        columns = insp.get_multi_columns(schema=qschema, filter_names=names, kind=kinds)
        pks = insp.get_multi_pk_constraint(schema=qschema, filter_names=names, kind=kinds)
        for name in names:
            kind = VIEW if name in views and name not in tables else TABLE
            location = f"{self.spec.url}/{schema}.{name}"
            cols = columns.get((qschema, name), [])
            scan_cols = [c["name"] for c in cols if scannable(c["type"])]
            if not scan_cols:
                yield self._record(location, kind, SKIPPED, "no text or wide numeric columns")
                continue
            pk = list((pks.get((qschema, name)) or {}).get("constrained_columns") or [])
            if pk:
                key_kind = "pk"
            elif kind == TABLE and self.family == dialects.POSTGRESQL:
                key_kind = "ctid"
            elif kind == TABLE and self.family == dialects.SQLITE:
                key_kind = "rowid"
            else:
                key_kind = "ordinal"
            st = stats.get(name) or dialects.TableStats()
            plan = dialects.plan_sample(self.backend, self.sample_rows, self.full,
                                        "table" if kind == TABLE else "view", st.estimate, system_rows)
            fingerprint = None
            if st.fingerprint and kind == TABLE:
                sig = [(c["name"], str(c["type"])) for c in cols]
                fingerprint = st.fingerprint + ":" + hashlib.sha256(repr((sig, pk)).encode()).hexdigest()[:12]
            ref = json.dumps({"schema": schema, "table": name, "columns": scan_cols, "key": pk,
                              "key_kind": key_kind, "plan": [plan.method, plan.rows, plan.percent],
                              "ncols": len(cols)})
            yield Item(target=self.spec.name, source=self.name, location=location, ref=ref,
                       content_type=kind, fingerprint=fingerprint, access=grants.get(name))

    def _record(self, location: str, ctype: str | None, status: str, reason: str | None) -> ItemRecord:
        return listing_record(self.name, location, status, reason, content_type=ctype)

    # -- reading -----------------------------------------------------------------------
    def content(self, item: Item) -> Table:
        ref = json.loads(item.ref)
        columns: list[str] = ref["columns"]
        key: list[str] = ref["key"]
        key_kind: str = ref["key_kind"]
        plan = dialects.SamplePlan(*ref["plan"])
        schema = None if self.family == dialects.SQLITE and ref["schema"] == "main" else ref["schema"]
        stmt = dialects.sample_select(self.backend, schema, ref["table"], columns, key, key_kind, plan)
        key_names = tuple(key) if key_kind == "pk" else ((key_kind,) if key_kind in ("ctid", "rowid") else ())
        note = f"sampled {plan.describe()}; {len(columns)} of {ref.get('ncols', len(columns))} columns"
        return Table(columns=tuple(columns), key_names=key_names, rows=self._rows(stmt, plan), note=note,
                     column_type=COLUMN)

    def _rows(self, stmt, plan) -> Iterator[list]:
        """The rows of one sampling statement, a batch per round trip; a
        driver error becomes the item's one-line reason."""
        rows = 0
        try:
            with engine_connect(self.engine) as conn:
                lift_timeout = self.family == dialects.MYSQL and plan.method == "full" and self.timeout
                if lift_timeout:
                    conn.exec_driver_sql(dialects.full_scan_timeout(self.backend, 0, self._mariadb))
                result = None
                try:
                    result = conn.execution_options(stream_results=True, yield_per=FETCH_ROWS).execute(stmt)
                    for part in result.partitions():
                        yield part
                        rows += len(part)
                finally:
                    # The streamed (server-side) cursor is closed here, not by
                    # a finalizer: after a dropped connection, pymysql's would
                    # print tracebacks while draining a dead socket.
                    _close_quietly(result)
                    if lift_timeout:
                        self._restore_timeout(conn)
        except sa.exc.DBAPIError as e:
            lost = bool(getattr(e, "connection_invalidated", False))
            if lost and self._engine is not None:
                self._engine.dispose()
            where = f" after {rows:,} rows" if rows else ""
            prefix = "connection lost" if lost else "cannot read table"
            raise ItemError(f"{prefix}{where}: {self._reason(e, scrub=True)}") from None
        except sa.exc.SQLAlchemyError as e:
            raise ItemError(f"cannot read table: {self._reason(e, scrub=True)}") from None

    def _restore_timeout(self, conn) -> None:
        try:
            conn.exec_driver_sql(dialects.full_scan_timeout(self.backend, self.timeout, self._mariadb))
        except Exception:  # noqa: BLE001
            pass

    def relative(self, item_location: str) -> str:
        prefix = self.spec.url + "/"
        return item_location[len(prefix):] if item_location.startswith(prefix) else item_location

    def close(self) -> None:
        if self._engine is not None:
            try:
                self._engine.dispose()
            except Exception:  # noqa: BLE001
                pass
            self._engine = None


def _close_quietly(result) -> None:
    if result is None:
        return
    try:
        result.close()
    except Exception:  # noqa: BLE001 - the connection is gone: nothing left to release
        cursor = getattr(result, "cursor", None)
        conn = getattr(cursor, "connection", None)
        for obj in (cursor, conn):
            # pymysql: forget the unbuffered result so nothing reads the dead socket again.
            if obj is not None and hasattr(obj, "_result"):
                try:
                    obj._result = None
                except Exception:  # noqa: BLE001
                    pass


class engine_connect:
    """A connection for one table's read: a failure while connecting (the
    server went away between tables) is retried once on a fresh pool."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.conn: sa.Connection | None = None

    def __enter__(self) -> sa.Connection:
        try:
            self.conn = self.engine.connect()
        except sa.exc.DBAPIError:
            self.engine.dispose()
            self.conn = self.engine.connect()
        return self.conn

    def __exit__(self, *exc) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001
                pass
