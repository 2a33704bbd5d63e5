"""Who may SELECT a table: exposure from the database's own grants.

One catalog query per schema, run while the schema is listed, so every
table's row (an unchanged one in an incremental rescan too) carries its
current permissions:

* PostgreSQL: the table's ACL (`pg_class.relacl`, or the owner's default
  when it was never changed) and its columns' ACLs, expanded with
  `aclexplode`. `information_schema.role_table_grants` shows a non-superuser
  only the grants that involve its own roles; the catalog shows every
  grant to anyone who may connect. PUBLIC counts as `everyone`, a role that
  cannot log in (a group role) as `group`, a login role as a named user.
* MySQL / MariaDB: `information_schema.table_privileges`, `column_privileges`,
  `schema_privileges` and `user_privileges` (global SELECT); PUBLIC (MariaDB
  10.11) and anonymous accounts count as `everyone`, roles as `group`. A
  scanning account that may not read the `mysql` grant tables sees only its
  own privileges there: the permissions are then unknown (null), not narrow.
* SQLite: the database file's own permissions (scanner/exposure/posix.py).
* SQL Server: not read (null).
"""

from __future__ import annotations

import logging
import os

import sqlalchemy as sa

from connectors import sql_dialects as dialects
from scanner.exposure import access_of
from scanner.exposure.posix import file_access
from scanner.model import EVERYONE, GROUP, OWNER, Access

log = logging.getLogger(__name__)

PG_SELECT_GRANTS = sa.text("""
SELECT c.relname, a.grantee, r.rolname, r.rolcanlogin
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL aclexplode(COALESCE(c.relacl, acldefault('r', c.relowner))) a
LEFT JOIN pg_roles r ON r.oid = a.grantee
WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.privilege_type = 'SELECT'
UNION
SELECT c.relname, x.grantee, r.rolname, r.rolcanlogin
FROM pg_attribute t
JOIN pg_class c ON c.oid = t.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL aclexplode(t.attacl) x
LEFT JOIN pg_roles r ON r.oid = x.grantee
WHERE n.nspname = :schema AND t.attacl IS NOT NULL AND NOT t.attisdropped
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND x.privilege_type = 'SELECT'
""")

MYSQL_TABLE_GRANTS = sa.text("""
SELECT TABLE_NAME, GRANTEE FROM information_schema.table_privileges
WHERE TABLE_SCHEMA = :schema AND PRIVILEGE_TYPE = 'SELECT'
UNION
SELECT TABLE_NAME, GRANTEE FROM information_schema.column_privileges
WHERE TABLE_SCHEMA = :schema AND PRIVILEGE_TYPE = 'SELECT'
""")
MYSQL_SCHEMA_GRANTS = sa.text("""
SELECT GRANTEE FROM information_schema.schema_privileges
WHERE TABLE_SCHEMA = :schema AND PRIVILEGE_TYPE = 'SELECT'
UNION
SELECT GRANTEE FROM information_schema.user_privileges WHERE PRIVILEGE_TYPE = 'SELECT'
""")


def table_access(conn: sa.Connection, backend: str, schema: str, tables: list[str],
                 database_path: str | None = None) -> dict[str, Access]:
    """{table: Access} for `tables` of one schema; tables missing from the
    answer (and all of them where grants cannot be read) have no entry."""
    fam = dialects.family(backend)
    try:
        if fam == dialects.POSTGRESQL:
            return _postgresql(conn, schema, tables)
        if fam == dialects.MYSQL:
            return _mysql(conn, schema, tables)
    except sa.exc.SQLAlchemyError as e:
        log.info("cannot read the grants of schema %s: %s", schema, type(e).__name__)
        return {}
    if fam == dialects.SQLITE and database_path:
        try:
            access = file_access(database_path, os.stat(database_path))
        except OSError:
            return {}
        return {t: access for t in tables} if access is not None else {}
    return {}


def _postgresql(conn: sa.Connection, schema: str, tables: list[str]) -> dict[str, Access]:
    readers: dict[str, list[tuple[str, str]]] = {t: [] for t in tables}
    for table, grantee, role, can_login in conn.execute(PG_SELECT_GRANTS, {"schema": schema}):
        if table not in readers:
            continue
        if grantee == 0:
            readers[table].append(("PUBLIC", EVERYONE))
        elif role is not None:
            readers[table].append((role, OWNER if can_login else GROUP))
    return {t: access_of(r) for t, r in readers.items()}


def _mysql(conn: sa.Connection, schema: str, tables: list[str]) -> dict[str, Access]:
    try:
        conn.execute(sa.text("SELECT 1 FROM mysql.user LIMIT 1")).fetchall()
    except sa.exc.DBAPIError:
        # information_schema would list this account's own privileges only.
        log.info("the scanning account may not read the mysql grant tables: table permissions unknown")
        return {}
    roles = _mysql_roles(conn)
    everywhere = [_mysql_principal(g, roles) for (g,) in conn.execute(MYSQL_SCHEMA_GRANTS, {"schema": schema})]
    readers: dict[str, list[tuple[str, str]]] = {t: list(everywhere) for t in tables}
    for table, grantee in conn.execute(MYSQL_TABLE_GRANTS, {"schema": schema}):
        if table in readers:
            readers[table].append(_mysql_principal(grantee, roles))
    return {t: access_of(r) for t, r in readers.items()}


def _mysql_roles(conn: sa.Connection) -> set[str]:
    """Role names: MariaDB flags them in mysql.user, MySQL 8 lists granted ones in role_edges."""
    for query in ("SELECT User FROM mysql.user WHERE is_role = 'Y'",
                  "SELECT DISTINCT FROM_USER FROM mysql.role_edges"):
        try:
            return {r[0] for r in conn.execute(sa.text(query))}
        except sa.exc.DBAPIError:
            continue
    return set()


def _mysql_principal(grantee: str, roles: set[str]) -> tuple[str, str]:
    """"'app'@'%'" -> ("app@%", class)."""
    user, _, host = grantee.partition("@")
    user, host = user.strip("'"), host.strip("'")
    if user == "PUBLIC" and not host:
        return "PUBLIC", EVERYONE
    if not user:
        return f"(anonymous)@{host}", EVERYONE
    if user in roles or not host:
        return user, GROUP
    return f"{user}@{host}", OWNER
