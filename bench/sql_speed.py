"""SQL scan speed: rows/s and peak memory for one large table per dialect.

Builds a `customers` table of N synthetic rows (id, names, an e-mail and a
phone number on every row, an SSN on every tenth, a city, a note, an
amount) in SQLite, PostgreSQL and MariaDB (server-side generators: the
load is not what is measured), then measures per dialect:

  stream   the connector's own streamed SELECT of the scanned columns,
           no detection (one process): the transport cost
  scan     `piiscout scan URL --full` (every row, all detectors, one table
           = one worker): wall time, rows/s, peak RSS of the largest process

    .venv/bin/python bench/sql_speed.py [--rows 1000000] [--dialects sqlite,postgresql,mariadb]

Server URLs come from PIISCOUT_TEST_PG_URL / PIISCOUT_TEST_MYSQL_URL (admin
URLs, defaults 127.0.0.1 as in tests/connectors/sqlservers.py); the bench
database is dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.connectors import sqlservers as srv  # noqa: E402

COLUMNS = ("id", "first_name", "last_name", "email", "phone", "ssn", "city", "note", "amount")
SQLITE_FILL = """
WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {n})
INSERT INTO customers
SELECT x, 'First' || (x % 97), 'Last' || (x % 89), 'user' || x || '@example.com',
       '(212) ' || (200 + x % 700) || '-' || printf('%04d', x % 10000),
       CASE WHEN x % 10 = 0 THEN (100 + x % 500) || '-' || (10 + x % 89) || '-' || (1000 + x % 8999) END,
       'City' || (x % 50), 'order shipped, no issues', (x % 100000) / 100.0
FROM s
"""
PG_FILL = """
INSERT INTO customers
SELECT x, 'First' || (x % 97), 'Last' || (x % 89), 'user' || x || '@example.com',
       '(212) ' || (200 + x % 700) || '-' || lpad((x % 10000)::text, 4, '0'),
       CASE WHEN x % 10 = 0 THEN (100 + x % 500) || '-' || (10 + x % 89) || '-' || (1000 + x % 8999) END,
       'City' || (x % 50), 'order shipped, no issues', (x % 100000) / 100.0
FROM generate_series(1, {n}) x
"""
MYSQL_FILL = """
INSERT INTO customers
SELECT seq, CONCAT('First', seq % 97), CONCAT('Last', seq % 89), CONCAT('user', seq, '@example.com'),
       CONCAT('(212) ', 200 + seq % 700, '-', LPAD(seq % 10000, 4, '0')),
       IF(seq % 10 = 0, CONCAT(100 + seq % 500, '-', 10 + seq % 89, '-', 1000 + seq % 8999), NULL),
       CONCAT('City', seq % 50), 'order shipped, no issues', (seq % 100000) / 100.0
FROM seq_1_to_{n}
"""
DDL = ("CREATE TABLE customers (id BIGINT PRIMARY KEY, first_name VARCHAR(40), last_name VARCHAR(40), "
       "email VARCHAR(80), phone VARCHAR(24), ssn VARCHAR(12), city VARCHAR(40), note VARCHAR(200), "
       "amount NUMERIC(10, 2))")


def build(dialect: str, rows: int, tmp: Path):
    """Create the table; return (target URL, cleanup)."""
    t0 = time.monotonic()
    if dialect == "sqlite":
        import sqlite3

        path = tmp / "bench.db"
        con = sqlite3.connect(path)
        con.execute(DDL)
        con.execute(SQLITE_FILL.format(n=rows))
        con.commit()
        con.close()
        url, cleanup = f"sqlite:///{path}", lambda: None
    else:
        kind = "pg" if dialect == "postgresql" else "mysql"
        name = srv.new_name()
        admin = srv.admin_engine(kind)
        with admin.connect() as c:
            c.exec_driver_sql(f"CREATE DATABASE {name}")
        eng = srv.admin_engine(kind, name)
        with eng.connect() as c:
            c.exec_driver_sql(DDL)
            # psycopg and PyMySQL take % for placeholders: a literal one is %%.
            c.exec_driver_sql((PG_FILL if kind == "pg" else MYSQL_FILL).format(n=rows).replace("%", "%%"))
            c.exec_driver_sql("ANALYZE customers" if kind == "pg" else "ANALYZE TABLE customers")
        eng.dispose()

        def cleanup():
            with admin.connect() as c:
                c.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}" + (" WITH (FORCE)" if kind == "pg" else ""))
            admin.dispose()

        url = srv.url_for(kind, name)
    print(f"  built {rows:,} rows in {time.monotonic() - t0:.1f}s", file=sys.stderr)
    return url, cleanup


def stream(url: str) -> tuple[int, float]:
    """Rows/s of the connector's streamed read alone (no detection)."""
    from connectors import sql_dialects as d
    from connectors.registry import resolve
    from connectors.sql import FETCH_ROWS, SqlConnector
    from scanner.settings import ScanSettings

    conn = SqlConnector(resolve(url, options={"full": True}), ScanSettings())
    [item] = [x for x in conn.list_items() if hasattr(x, "ref")]
    ref = json.loads(item.ref)
    stmt = d.sample_select(conn.backend, None if conn.family == d.SQLITE else ref["schema"], ref["table"],
                           ref["columns"], ref["key"], ref["key_kind"], d.SamplePlan("full"))
    t0 = time.monotonic()
    n = 0
    with conn.engine.connect() as c:
        res = c.execution_options(stream_results=True, yield_per=FETCH_ROWS).execute(stmt)
        for part in res.partitions():
            n += len(part)
    took = time.monotonic() - t0
    conn.close()
    return n, took


def scan(url: str, inv: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KiB) of the largest process, summary line."""
    wrapper = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "print(p.stdout.strip().splitlines()[-1] if p.stdout.strip() else p.stderr.strip()); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    cmd = [sys.executable, "-c", wrapper, sys.executable, "-m", "scanner.cli", "scan", url, "--full",
           "-i", str(inv), "-q", "-j", "1"]
    env = dict(os.environ)
    env.setdefault("PIISCOUT_HASH_KEY", "bench-key")
    t0 = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(ROOT), check=True).stdout
    took = time.monotonic() - t0
    summary, rss = out.strip().splitlines()[-2:]
    return took, int(rss), summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="SQL scan speed per dialect")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dialects", default="sqlite,postgresql,mariadb")
    args = ap.parse_args(argv)
    results = []
    for dialect in [x.strip() for x in args.dialects.split(",") if x.strip()]:
        kind = {"postgresql": "pg", "mariadb": "mysql", "mysql": "mysql"}.get(dialect)
        if kind and srv.unavailable(kind):
            print(f"{dialect}: skipped ({srv.unavailable(kind)})", file=sys.stderr)
            continue
        print(f"{dialect}:", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="piiscout-sqlbench-") as tmp:
            url, cleanup = build(dialect, args.rows, Path(tmp))
            try:
                n, st = stream(url)
                took, rss, summary = scan(url, Path(tmp) / "inv")
            finally:
                cleanup()
        row = {"dialect": dialect, "rows": n, "stream_rows_per_s": round(n / st), "scan_s": round(took, 1),
               "scan_rows_per_s": round(n / took), "peak_rss_mb": round(rss / 1024), "summary": summary}
        results.append(row)
        print(f"  stream {row['stream_rows_per_s']:,} rows/s; scan {row['scan_rows_per_s']:,} rows/s "
              f"({took:.1f}s), peak RSS {row['peak_rss_mb']} MB\n  {summary}", file=sys.stderr)
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
