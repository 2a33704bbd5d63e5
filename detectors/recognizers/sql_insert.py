"""Column names for the values of SQL INSERT statements in dump files.

`INSERT INTO employees (id, full_name, dob) VALUES (1, 'Maria Gonzalez',
'1985-03-12'), (2, ...)` names the column of every value, but the name is
many characters away from the value and says nothing about its neighbours:
a value's column is its position in its tuple. `insert_cells` reads every
statement of a text once (cached for the text being scanned) and gives
each quoted or bare value's span with its column; `column_at` answers for
a position. T-SQL `N'...'`, bracketed and back-quoted names, doubled
quotes and several tuples per statement are understood. mysqldump writes
`INSERT INTO `t` VALUES (...)` without a column list: its columns are read
from the table's `CREATE TABLE` earlier in the same text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

_INSERT = re.compile(r"INSERT\s+(?:IGNORE\s+)?(?:INTO\s+)?[^\s(]+\s*\(([^()]{1,4000})\)\s*VALUES\s*", re.IGNORECASE)
# mysqldump's `INSERT INTO `t` VALUES (...)`: no column list; the columns are
# those of the table's CREATE TABLE earlier in the dump.
_INSERT_BARE = re.compile(r"INSERT\s+(?:IGNORE\s+)?(?:INTO\s+)?([^\s(]+)\s+VALUES\s*(?=\()", re.IGNORECASE)
_CREATE = re.compile(r"CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([^\s(]+)\s*\(", re.IGNORECASE)
_NOT_A_COLUMN = re.compile(r"(?:PRIMARY|UNIQUE|KEY|INDEX|CONSTRAINT|FOREIGN|CHECK|FULLTEXT|SPATIAL|PERIOD)\b",
                           re.IGNORECASE)
_NAME_QUOTES = "[]`\" "


def _table_name(name: str) -> str:
    return name.split(".")[-1].strip(_NAME_QUOTES).lower()


def _create_columns(text: str, pos: int) -> list[str]:
    """The column names of a CREATE TABLE body starting at `pos` (after its
    opening parenthesis): the first word of each top-level definition."""
    cols, depth, start, n = [], 0, pos, min(len(text), pos + 20000)
    for i in range(pos, n):
        c = text[i]
        if c == "(":
            depth += 1
        elif c in ",)" and depth == 0:
            part = text[start:i].strip()
            if part and not _NOT_A_COLUMN.match(part):
                cols.append(part.split()[0].strip(_NAME_QUOTES))
            start = i + 1
            if c == ")":
                break
        elif c == ")":
            depth -= 1
    return cols


def _columns(spec: str) -> list[str]:
    return [c.strip().strip(_NAME_QUOTES) for c in spec.split(",")]


def _tuples(text: str, pos: int, columns: list[str], out: list) -> None:
    """Values of the tuples from `pos` (just after VALUES) until the
    statement ends; appends (start, end, column)."""
    n = len(text)
    while pos < n and text[pos] in " \t\r\n,":
        pos += 1
    while pos < n and text[pos] == "(":
        pos += 1
        col = 0
        while pos < n:
            while pos < n and text[pos] in " \t":
                pos += 1
            start = pos
            if pos < n and text[pos] in "NnEe" and pos + 1 < n and text[pos + 1] == "'":
                pos += 1
                start = pos
            if pos < n and text[pos] == "'":
                pos += 1
                start = pos
                while pos < n:
                    if text[pos] == "'":
                        if pos + 1 < n and text[pos + 1] == "'":
                            pos += 2
                            continue
                        break
                    pos += 1
                end = pos
                pos += 1
            else:
                while pos < n and text[pos] not in ",)\n":
                    pos += 1
                end = pos
                while end > start and text[end - 1] in " \t":
                    end -= 1
            if col < len(columns) and end > start:
                out.append((start, end, columns[col]))
            col += 1
            while pos < n and text[pos] in " \t":
                pos += 1
            if pos < n and text[pos] == ",":
                pos += 1
                continue
            break
        if pos < n and text[pos] == ")":
            pos += 1
        while pos < n and text[pos] in " \t\r\n,":
            if text[pos] == "\n" and not text.startswith("(", pos + 1):
                break
            pos += 1


@lru_cache(maxsize=8)
def insert_cells(text: str) -> tuple[tuple[int, ...], tuple[tuple[int, int, str], ...]]:
    """(starts, cells): every value of every INSERT statement in `text` as
    (start, end, column), sorted, and their starts for bisecting."""
    if "INSERT" not in text and "insert" not in text:
        return (), ()
    out: list[tuple[int, int, str]] = []
    for m in _INSERT.finditer(text):
        _tuples(text, m.end(), _columns(m.group(1)), out)
    bare = list(_INSERT_BARE.finditer(text))
    if bare:
        tables: dict[str, list[tuple[int, list[str]]]] = {}
        for c in _CREATE.finditer(text):
            tables.setdefault(_table_name(c.group(1)), []).append((c.start(), _create_columns(text, c.end())))
        for m in bare:
            defs = [cols for at, cols in tables.get(_table_name(m.group(1)), ()) if at < m.start()]
            if defs and defs[-1]:
                _tuples(text, m.end(), defs[-1], out)
    out.sort()
    return tuple(c[0] for c in out), tuple(out)


def column_at(text: str, pos: int) -> str | None:
    """The INSERT column of the value that starts at or holds `pos`."""
    starts, cells = insert_cells(text)
    i = bisect_right(starts, pos) - 1
    if i >= 0 and cells[i][0] <= pos <= cells[i][1]:
        return cells[i][2]
    return None
