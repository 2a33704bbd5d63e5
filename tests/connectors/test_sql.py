"""The SQL connector against SQLite (always) and real PostgreSQL and MariaDB
servers (tests/connectors/sqlservers.py: URLs from the environment, skipped
with the reason when a server cannot be reached).

One synthetic database (fixtures/sql/generate.py: planted SSNs, cards,
e-mails and phones, decoy barcodes and order numbers) is scanned through
the CLI as SQLite and as the same tables loaded into PostgreSQL and MariaDB;
each must reach per-column precision and recall of 0.95 or better.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections import defaultdict
from pathlib import Path

import pyarrow.dataset as ds
import pytest
import sqlalchemy as sa

from connectors.registry import resolve
from connectors.sql import SqlConnector
from scanner.errors import TargetError
from scanner.evaluation import CORE_ENTITIES, evaluate, totals, worst_files
from scanner.inventory.reader import Inventory
from scanner.job import Job
from scanner.model import ItemRecord
from scanner.settings import ScanSettings
from tests.conftest import ROOT, all_strings, run_piiscout
from tests.connectors import sqlservers as srv

GEN = srv.generator()
DIALECTS = ["sqlite", "pg", "mysql"]


def _need(kind: str) -> None:
    if kind != "sqlite" and srv.unavailable(kind):
        pytest.skip(srv.unavailable(kind))


# -- fixtures -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlfx") / "line_of_business.db"
    truth = GEN.generate(path)
    return path, truth


@pytest.fixture(scope="module", params=DIALECTS)
def loaded(request, fixture_db):
    """(kind, target URL) of the fixture database on each dialect."""
    kind = request.param
    path, _ = fixture_db
    if kind == "sqlite":
        yield kind, f"sqlite:///{path}"
        return
    _need(kind)
    with srv.database(kind) as name:
        GEN.load(path, srv.url_for(kind, name, driver=True).replace("+psycopg2", "+psycopg"))
        yield kind, srv.url_for(kind, name)


@pytest.fixture(scope="module")
def scanned(loaded, tmp_path_factory):
    kind, url = loaded
    out = tmp_path_factory.mktemp(f"sqlscan-{kind}")
    log = out / "scan.log"
    proc = run_piiscout("scan", url, "-i", str(out / "inv"), "-j", "2", "-vv", "--log-file", str(log))
    return {"kind": kind, "url": url, "proc": proc, "inv": out / "inv", "log": log}


def found_by_column(inv: Path) -> dict[str, dict[str, set[str]]]:
    t = ds.dataset(inv / "findings", format="parquet").to_table(
        columns=["location", "part", "entity_type", "value_hash"])
    out: dict = defaultdict(lambda: defaultdict(set))
    for loc, part, ent, h in zip(*(t.column(c).to_pylist() for c in t.column_names)):
        table = loc.rsplit("/", 1)[-1].split(".", 1)[1]
        out[f"{table}.{part}"][ent].add(h)
    return out


def items(inv: Path) -> list[dict]:
    return ds.dataset(inv / "items", format="parquet").to_table().to_pylist()


def findings(inv: Path) -> list[dict]:
    return ds.dataset(inv / "findings", format="parquet").to_table().to_pylist()


# -- the generated database, three ways --------------------------------------------------------

def test_generator_is_deterministic_and_matches_committed_truth(fixture_db):
    _, truth = fixture_db
    committed = json.loads((ROOT / "fixtures" / "sql" / "truth.json").read_text())
    assert truth == committed


def test_per_column_precision_and_recall(scanned, fixture_db):
    proc = scanned["proc"]
    assert proc.returncode == 0, proc.stderr
    path, truth = fixture_db
    found = found_by_column(scanned["inv"])
    res = evaluate(found, truth, CORE_ENTITIES, files=GEN.columns(path))
    assert not worst_files(res, 0.95), worst_files(res, 0.95)
    for ent, s in totals(res).items():
        assert s.tp > 0 and s.precision >= 0.95 and s.recall >= 0.95, (ent, s)


def test_decoys_are_not_reported(scanned):
    found = found_by_column(scanned["inv"])
    for col in ("products.barcode", "products.ean_code", "stock_items.serial_no"):
        assert "CREDIT_CARD" not in found.get(col, {}), col
    for col in ("orders.order_no", "orders.invoice_no", "order_lines.order_no"):
        assert "US_SSN" not in found.get(col, {}), col


def test_items_rows_per_column_and_table(scanned):
    rows = items(scanned["inv"])
    by = {(r["location"].rsplit("/", 1)[-1].split(".", 1)[1], r["part"]): r for r in rows}
    tax = by[("customers", "tax_id")]
    assert tax["status"] == "scanned" and tax["rows_scanned"] == 2000
    assert 0.9 * 2000 <= tax["rows_matched"] <= 2000
    assert by[("products", "barcode")]["rows_matched"] == 0
    table = by[("customers", "")]
    assert table["rows_scanned"] == 2000 and table["rows_matched"] == 2000
    assert table["content_type"] == "sql/table" and "sampled" in table["reason"]
    assert ("customers", "created_at") not in by  # dates are not scanned
    assert all(r["source"] == "sql" for r in rows)
    assert all(r["location"].startswith(scanned["url"].rstrip("/") + "/") for r in rows)


def test_report_says_share_of_sampled_rows(scanned):
    out = run_piiscout("report", str(scanned["inv"]), check=True).stdout
    assert "customers.ssn: 100% of 2,000 sampled rows hold US_SSN" in out
    assert "products.barcode" not in out


def test_row_keys(scanned):
    kind = scanned["kind"]
    rows = findings(scanned["inv"])
    keys = defaultdict(set)
    for f in rows:
        keys[(f["location"].rsplit(".", 1)[-1], f["part"])].add(f["row_key"])
        assert f["line"] is None and 0 <= f["start"] < f["end"]
    assert all(k.startswith("id=") and k[3:].isdigit() for k in keys[("customers", "ssn")])
    # Composite key, joined; a 9-digit key value could be an SSN: hashed.
    assert all(k.startswith("order_no=#") and ",line_no=" in k for k in keys[("order_lines", "note")])
    no_pk = keys[("call_log", "note")]
    prefix = {"sqlite": "rowid=", "pg": "ctid=(", "mysql": "row="}[kind]
    assert no_pk and all(k.startswith(prefix) for k in no_pk), sorted(no_pk)[:3]


def test_no_raw_values_in_inventory(scanned, fixture_db):
    _, truth = fixture_db
    planted = {v for per in truth.values() for vals in per.values() for v in vals if len(v) >= 8}
    strings = all_strings(scanned["inv"])
    blob = "\n".join(strings) + scanned["log"].read_text() + scanned["proc"].stdout + scanned["proc"].stderr
    leaked = [v for v in list(planted)[:3000] if v in blob]
    assert not leaked, leaked[:3]


# -- passwords ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mysql_user(fixture_db):
    """A MariaDB user with a real password, allowed to read one database."""
    _need("mysql")
    path, _ = fixture_db
    user = srv.new_name()
    password = "Pw-" + secrets.token_hex(10) + "!x"
    with srv.database("mysql") as name:
        GEN.load(path, srv.url_for("mysql", name, driver=True))
        eng = srv.admin_engine("mysql")
        with eng.connect() as c:
            c.exec_driver_sql(f"CREATE USER '{user}'@'%%' IDENTIFIED BY '{password}'")
            c.exec_driver_sql(f"CREATE USER '{user}'@'localhost' IDENTIFIED BY '{password}'")
            for host in ("%%", "localhost"):
                c.exec_driver_sql(f"GRANT SELECT ON {name}.customers TO '{user}'@'{host}'")
                c.exec_driver_sql(f"GRANT SELECT ON {name}.payments TO '{user}'@'{host}'")
        try:
            yield name, user, password
        finally:
            with eng.connect() as c:
                c.exec_driver_sql(f"DROP USER IF EXISTS '{user}'@'%%'")
                c.exec_driver_sql(f"DROP USER IF EXISTS '{user}'@'localhost'")
            eng.dispose()


def _no_password_anywhere(password: str, inv: Path, *texts: str) -> None:
    from urllib.parse import quote, quote_plus

    forms = {password, quote(password, safe=""), quote_plus(password)}
    strings = "\n".join(all_strings(inv))
    for form in forms:
        assert form not in strings
        for p in inv.rglob("*"):
            if p.is_file():
                assert form.encode() not in p.read_bytes(), p
        for t in texts:
            assert form not in t


@pytest.mark.parametrize("how", ["url", "env"])
def test_password_never_stored_or_printed(mysql_user, tmp_path, how):
    name, user, password = mysql_user
    inv, log = tmp_path / "inv", tmp_path / "scan.log"
    if how == "url":
        target, env = srv.url_for("mysql", name, user=user, password=password), {}
    else:
        target, env = srv.url_for("mysql", name, user=user), {"PIISCOUT_DB_PASSWORD": password}
    proc = run_piiscout("scan", target, "-i", str(inv), "-j", "2", "-vv", "--log-file", str(log), env=env)
    # MariaDB lists only the tables the user may read (a denied table is
    # tested on PostgreSQL, which lists it and refuses the SELECT).
    assert proc.returncode == 0, proc.stderr
    rows = items(inv)
    assert {r["location"].rsplit(".", 1)[-1] for r in rows} == {"customers", "payments"}
    assert any(r["part"] == "ssn" and r["rows_matched"] for r in rows)
    report = run_piiscout("report", str(inv)).stdout
    _no_password_anywhere(password, inv, proc.stdout, proc.stderr, log.read_text(), report)
    assert all(f"{user}@" in r["location"] for r in rows), rows[0]["location"]


def test_bad_password_is_one_line_exit_2(mysql_user, tmp_path):
    name, user, password = mysql_user
    wrong = "Wrong-" + secrets.token_hex(6)
    proc = run_piiscout("scan", srv.url_for("mysql", name, user=user, password=wrong), "-i", str(tmp_path / "inv"))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Access denied" in lines[0], proc.stderr
    assert wrong not in proc.stderr + proc.stdout and password not in proc.stderr
    assert not (tmp_path / "inv").exists()


def test_pg_password_in_url_is_not_stored(fixture_db, tmp_path):
    _need("pg")
    path, _ = fixture_db
    password = "PgPw-" + secrets.token_hex(8)
    with srv.database("pg") as name:
        GEN.load(path, srv.url_for("pg", name, driver=True))
        target = srv.url_for("pg", name, password=password)
        proc = run_piiscout("scan", target, "-i", str(tmp_path / "inv"), "--include", "customers", "-vv",
                            "--log-file", str(tmp_path / "log"))
        assert proc.returncode == 0, proc.stderr
        _no_password_anywhere(password, tmp_path / "inv", proc.stdout, proc.stderr, (tmp_path / "log").read_text())


def test_unreachable_server_exit_2(tmp_path):
    proc = run_piiscout("scan", "postgresql://postgres:hunter2secret@127.0.0.1:1/nowhere", "-i", str(tmp_path / "i"))
    assert proc.returncode == 2
    assert "cannot connect to postgresql://postgres@127.0.0.1:1/nowhere" in proc.stderr
    assert "hunter2secret" not in proc.stderr + proc.stdout
    missing = run_piiscout("scan", f"sqlite:///{tmp_path}/missing.db", "-i", str(tmp_path / "i"))
    assert missing.returncode == 2 and "no such database file" in missing.stderr


# -- in-process: listing, sampling, sessions ------------------------------------------------------

def connector(url: str, **options) -> SqlConnector:
    spec = resolve(url, options=options)
    return SqlConnector(spec, ScanSettings(excludes=tuple(options.pop("excludes_setting", ()))))


def scan_items(conn: SqlConnector, its):
    from scanner.pipeline import ItemProcessor

    proc = ItemProcessor(Job(targets=(conn.spec,)))
    proc._connectors[conn.spec.name] = conn
    out = []
    for it in its:
        out += [x for x in proc.process(it)]
    return out


def test_sqlite_is_opened_read_only(fixture_db):
    path, _ = fixture_db
    c = connector(f"sqlite:///{path}")
    c.check()
    with c.engine.connect() as conn:
        with pytest.raises(sa.exc.OperationalError, match="readonly|read-only|query_only"):
            conn.exec_driver_sql("CREATE TABLE evil (x)")
    c.close()


def test_pg_session_is_read_only_with_timeout():
    _need("pg")
    with srv.database("pg") as name:
        c = connector(srv.url_for("pg", name), statement_timeout=7)
        c.check()
        with c.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "7s"
            assert conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
            with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
                conn.exec_driver_sql("CREATE TABLE evil (x int)")
        c.close()


def test_mysql_session_is_read_only_with_timeout():
    _need("mysql")
    with srv.database("mysql") as name:
        c = connector(srv.url_for("mysql", name), statement_timeout=7)
        c.check()
        with c.engine.connect() as conn:
            assert float(conn.exec_driver_sql("SELECT @@SESSION.max_statement_time").scalar()) == 7.0
            var = "tx_read_only" if "mariadb" in conn.exec_driver_sql("SELECT VERSION()").scalar().lower() \
                else "transaction_read_only"
            assert int(conn.exec_driver_sql(f"SELECT @@SESSION.{var}").scalar()) == 1
        c.close()


def _bulk_pg_table(name: str, rows: int) -> None:
    eng = srv.admin_engine("pg", name)
    with eng.connect() as c:
        c.exec_driver_sql("CREATE TABLE big (id bigint PRIMARY KEY, email text, note text)")
        c.exec_driver_sql(f"INSERT INTO big SELECT g, 'user' || g || '@example.com', 'n' FROM "
                          f"generate_series(1, {rows}) g")
        c.exec_driver_sql("ANALYZE big")
    eng.dispose()


def test_pg_sampling_bernoulli_then_system_rows():
    _need("pg")
    with srv.database("pg") as name:
        _bulk_pg_table(name, 60_000)
        c = connector(srv.url_for("pg", name), sample_rows=1000)
        [item] = [x for x in c.list_items() if getattr(x, "ref", None)]
        assert json.loads(item.ref)["plan"][0] == "bernoulli"
        recs = [x for x in scan_items(c, [item]) if isinstance(x, ItemRecord)]
        table = recs[-1]
        assert table.part == "" and 500 <= table.rows_scanned <= 1000, table
        assert "BERNOULLI" in table.reason
        eng = srv.admin_engine("pg", name)
        with eng.connect() as conn:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS tsm_system_rows")
        eng.dispose()
        c2 = connector(srv.url_for("pg", name), sample_rows=1000)
        [item] = [x for x in c2.list_items() if getattr(x, "ref", None)]
        assert json.loads(item.ref)["plan"][0] == "system_rows"
        recs = [x for x in scan_items(c2, [item]) if isinstance(x, ItemRecord)]
        assert recs[-1].rows_scanned == 1000 and "SYSTEM_ROWS" in recs[-1].reason
        email = [r for r in recs if r.part == "email"][0]
        assert email.rows_matched == 1000
        full = connector(srv.url_for("pg", name), full=True)
        [item] = [x for x in full.list_items() if getattr(x, "ref", None)]
        recs = [x for x in scan_items(full, [item]) if isinstance(x, ItemRecord)]
        assert recs[-1].rows_scanned == 60_000
        for x in (c, c2, full):
            x.close()


def test_pg_schemas_views_include_exclude_and_denied_table():
    _need("pg")
    with srv.database("pg") as name:
        role = srv.new_name()
        eng = srv.admin_engine("pg", name)
        with eng.connect() as c:
            c.exec_driver_sql("CREATE SCHEMA crm")
            c.exec_driver_sql("CREATE TABLE crm.customers (id int PRIMARY KEY, ssn text, created date)")
            c.exec_driver_sql("INSERT INTO crm.customers VALUES (1, '234-56-7890', now()), (2, NULL, now())")
            c.exec_driver_sql("CREATE TABLE crm.secret (id int PRIMARY KEY, email text)")
            c.exec_driver_sql("INSERT INTO crm.secret VALUES (1, 'x@example.com')")
            c.exec_driver_sql("CREATE TABLE crm.only_dates (id smallint, d date)")
            c.exec_driver_sql("CREATE VIEW crm.v_customers AS SELECT id, ssn FROM crm.customers")
            c.exec_driver_sql("CREATE TABLE public.audit (msg text)")
            c.exec_driver_sql("INSERT INTO public.audit VALUES ('mail me: y@example.org')")
            c.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
            c.exec_driver_sql(f"GRANT USAGE ON SCHEMA crm TO {role}")
            c.exec_driver_sql(f"GRANT SELECT ON crm.customers, crm.v_customers, public.audit TO {role}")
        try:
            def listed(**opts):
                conn = connector(srv.url_for("pg", name, user=role), **opts)
                out = list(conn.list_items())
                conn.close()
                return {x.location.rsplit("/", 1)[-1]: x for x in out}

            everything = listed()
            assert set(everything) == {"crm.customers", "crm.secret", "crm.only_dates", "public.audit"}
            assert everything["crm.only_dates"].status == "skipped"
            assert set(listed(views=True)) >= {"crm.v_customers"}
            assert set(listed(schema=("crm",))) == {"crm.customers", "crm.secret", "crm.only_dates"}
            assert set(listed(include=("crm.cust*", "audit"))) == {"crm.customers", "public.audit"}
            assert set(listed(excludes_setting=("secret", "public.*"))) == {"crm.customers", "crm.only_dates"}

            conn = connector(srv.url_for("pg", name, user=role), schema=("crm",))
            its = [x for x in conn.list_items() if hasattr(x, "ref")]
            out = scan_items(conn, its)
            recs = {(r.location.rsplit("/", 1)[-1], r.part): r for r in out if isinstance(r, ItemRecord)}
            assert recs[("crm.secret", "")].status == "error"
            assert "permission denied" in recs[("crm.secret", "")].reason
            assert recs[("crm.customers", "")].status == "scanned"
            assert recs[("crm.customers", "ssn")].rows_matched == 1
            assert recs[("crm.customers", "ssn")].rows_scanned == 2
            conn.close()
            with pytest.raises(TargetError, match="no schema nope"):
                connector(srv.url_for("pg", name, user=role), schema=("nope",)).check()
        finally:
            with eng.connect() as c:
                c.exec_driver_sql(f"DROP OWNED BY {role}")
                c.exec_driver_sql(f"DROP ROLE {role}")
            eng.dispose()


def test_pg_reconnects_after_the_connection_is_killed(fixture_db):
    _need("pg")
    path, _ = fixture_db
    with srv.database("pg") as name:
        GEN.load(path, srv.url_for("pg", name, driver=True))
        conn = connector(srv.url_for("pg", name), include=("customers", "payments"))
        its = [x for x in conn.list_items() if hasattr(x, "ref")]
        first = scan_items(conn, its[:1])
        assert [r for r in first if isinstance(r, ItemRecord)][-1].status == "scanned"
        eng = srv.admin_engine("pg", name)
        with eng.connect() as c:
            killed = c.exec_driver_sql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'piiscout' AND datname = current_database()").scalar()
        eng.dispose()
        assert killed >= 1
        second = scan_items(conn, its[1:])
        assert [r for r in second if isinstance(r, ItemRecord)][-1].status == "scanned"
        conn.close()


# -- incremental rescans ----------------------------------------------------------------------

def _statuses(inv: Path) -> dict[str, str]:
    i = Inventory(inv)
    sid = i.resolve_scan(None)
    t = i.items(sid, columns=["location", "part", "status"])
    rows = t.to_pylist()
    return {r["location"].rsplit("/", 1)[-1]: r["status"] for r in rows if r["part"] == ""}


def test_incremental_sqlite(fixture_db, tmp_path):
    import shutil
    import sqlite3

    path, _ = fixture_db
    db = tmp_path / "copy.db"
    shutil.copy(path, db)
    inv = tmp_path / "inv"
    args = ("scan", f"sqlite:///{db}", "-i", str(inv), "--incremental", "--include", "customers",
            "--include", "products")
    first = run_piiscout(*args, check=True)
    assert first.returncode == 0
    again = run_piiscout(*args, check=True)
    # Two tables and their columns: unchanged at every level, nothing read.
    assert "(0 scanned, 14 unchanged)" in again.stdout, again.stdout
    assert set(_statuses(inv).values()) == {"unchanged"}
    con = sqlite3.connect(db)
    con.execute("UPDATE products SET name = 'x' WHERE sku = 1")
    con.commit()
    con.close()
    run_piiscout(*args, check=True)
    assert set(_statuses(inv).values()) == {"scanned"}  # one write rescans the whole file


def test_incremental_pg_uses_table_statistics(fixture_db, tmp_path):
    _need("pg")
    path, _ = fixture_db
    with srv.database("pg") as name:
        GEN.load(path, srv.url_for("pg", name, driver=True))
        url = srv.url_for("pg", name)
        inv = tmp_path / "inv"
        args = ("scan", url, "-i", str(inv), "--incremental", "--include", "customers", "--include", "products")
        eng = srv.admin_engine("pg", name)

        def settle():
            # Statistics reach pg_stat_* when the writing session flushes them.
            with eng.connect() as c:
                c.exec_driver_sql("SELECT pg_stat_force_next_flush()")
                c.exec_driver_sql("SELECT 1")
            time.sleep(1.2)

        settle()
        run_piiscout(*args, check=True)
        run_piiscout(*args, check=True)
        assert set(_statuses(inv).values()) == {"unchanged"}
        writer = srv.admin_engine("pg", name)
        with writer.connect() as c:
            c.exec_driver_sql("UPDATE products SET name = 'x' WHERE sku = 1")
            c.exec_driver_sql("SELECT pg_stat_force_next_flush()")
            c.exec_driver_sql("SELECT 1")
        writer.dispose()  # a backend flushes its statistics when it exits, at the latest
        settle()
        run_piiscout(*args, check=True)
        assert _statuses(inv) == {"public.products": "scanned", "public.customers": "unchanged"}
        eng.dispose()


def test_incremental_mariadb_uses_update_time(fixture_db, tmp_path):
    _need("mysql")
    path, _ = fixture_db
    with srv.database("mysql") as name:
        GEN.load(path, srv.url_for("mysql", name, driver=True))
        time.sleep(3)  # a table changed in the last seconds is always rescanned
        inv = tmp_path / "inv"
        args = ("scan", srv.url_for("mysql", name), "-i", str(inv), "--incremental", "--include", "customers",
                "--include", "products")
        run_piiscout(*args, check=True)
        run_piiscout(*args, check=True)
        assert set(_statuses(inv).values()) == {"unchanged"}
        eng = srv.admin_engine("mysql", name)
        with eng.connect() as c:
            c.exec_driver_sql("UPDATE products SET name = 'x' WHERE sku = 1")
        eng.dispose()
        time.sleep(3)
        run_piiscout(*args, check=True)
        statuses = {k.split(".", 1)[1]: v for k, v in _statuses(inv).items()}
        assert statuses == {"products": "scanned", "customers": "unchanged"}


def test_pg_connection_lost_mid_table_is_recorded_and_the_next_table_reconnects():
    _need("pg")
    with srv.database("pg") as name:
        _bulk_pg_table(name, 30_000)
        eng = srv.admin_engine("pg", name)
        with eng.connect() as c:
            c.exec_driver_sql("CREATE TABLE after_big (id int PRIMARY KEY, email text)")
            c.exec_driver_sql("INSERT INTO after_big VALUES (1, 'z@example.com')")
        conn = connector(srv.url_for("pg", name), full=True)
        its = {json.loads(x.ref)["table"]: x for x in conn.list_items() if hasattr(x, "ref")}
        from scanner.pipeline import ItemProcessor

        proc = ItemProcessor(Job(targets=(conn.spec,)))
        proc._connectors[conn.spec.name] = conn
        gen = proc.process(its["big"])
        first = next(gen)
        assert not isinstance(first, ItemRecord) and first.num_rows  # a batch of findings: the cursor is open, mid-table
        with eng.connect() as c:
            c.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE application_name = 'piiscout' AND datname = current_database()")
        rest = list(gen)
        rec = [r for r in rest if isinstance(r, ItemRecord)][-1]
        assert rec.part == "" and rec.status == "error", rec
        assert rec.reason.startswith("connection lost after"), rec.reason
        after = [r for r in proc.process(its["after_big"]) if isinstance(r, ItemRecord)]
        assert after[-1].status == "scanned" and after[-1].rows_matched == 1
        conn.close()
        eng.dispose()


def test_mariadb_connection_dropped_mid_table(tmp_path):
    """be6bffa: 28 lines of pymysql finalizer tracebacks on stderr, the table's
    rows_scanned left empty, and the scan recorded `complete`. Now: one clean
    run, `partial`, rows_scanned says how far it got, the current state keeps
    the previous scan's findings, and a rescan completes."""
    import subprocess
    import sys

    _need("mysql")
    with srv.database("mysql") as name:
        eng = srv.admin_engine("mysql", name)
        with eng.connect() as c:
            c.exec_driver_sql("CREATE TABLE big (id INT PRIMARY KEY, email VARCHAR(80), note TEXT)")
            rows = [(i, f"user{i}@harbourfreight-example.com", "x" * 200) for i in range(150_000)]
            for k in range(0, len(rows), 10_000):
                c.exec_driver_sql("INSERT INTO big VALUES (%s, %s, %s)", rows[k:k + 10_000])
        inv = tmp_path / "inv"
        args = ["scan", srv.url_for("mysql", name), "-i", str(inv), "--full", "-j", "1", "-q"]
        first = run_piiscout(*args)
        assert first.returncode == 0 and " complete: " in first.stdout, first.stdout + first.stderr
        proc = subprocess.Popen([sys.executable, "-m", "scanner.cli", *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=str(ROOT),
                                env={**os.environ, "PIISCOUT_HASH_KEY": "piiscout-test-key"})
        killed = 0
        deadline = time.monotonic() + 120
        try:
            with eng.connect() as c:
                while not killed and proc.poll() is None and time.monotonic() < deadline:
                    ids = [r[0] for r in c.exec_driver_sql(
                        "SELECT id FROM information_schema.processlist WHERE db = %s AND id <> CONNECTION_ID() "
                        "AND info LIKE 'SELECT%%big%%'",
                        (name,))]
                    for pid in ids:
                        c.exec_driver_sql(f"KILL {int(pid)}")
                        killed += 1
                    time.sleep(0.05)
            out, err = proc.communicate(timeout=300)
        finally:
            if proc.poll() is None:
                proc.kill()
        eng.dispose()
        assert killed, "the scan finished before its connection could be killed"
        assert proc.returncode == 1, out + err
        assert err == "", err  # no finalizer tracebacks, no warnings
        assert " partial: " in out
        i = Inventory(inv)
        sid = i.latest_scan_id()
        table = [r for r in i.items(sid).to_pylist() if not r["part"]][0]
        assert table["status"] == "error" and table["reason"].startswith("connection lost after ")
        assert table["rows_scanned"] is not None and table["rows_scanned"] > 0
        rep = json.loads(run_piiscout("report", str(inv), "--format", "json").stdout)
        assert rep["status"] == "partial" and rep["findings"] == 150_000  # as the complete scan found them
        again = run_piiscout(*args)
        assert again.returncode == 0 and " complete: " in again.stdout, again.stdout + again.stderr
