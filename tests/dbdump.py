"""A canonical dump of every table of a database, on SQLite and PostgreSQL alike.

"Nothing changed" tests compare `dump()` taken before and after an operation instead of trusting a
return code. Values are normalised so that both engines dump the same data the same way (booleans as
0/1, times and dates as ISO text, Decimal as its exact text), rows are sorted, and the column names
are part of the dump (a dropped or added column is a change too).

    before = dump()
    ...refused operation...
    assert_same(before, dump())

Tables can be left out by name (`exclude={"exchange_history"}`). Derived search tables (SQLite FTS5
and its shadow tables) are left out unless asked for: they are rebuilt from the base tables, which
are compared.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Iterable

import peewee

Dump = dict[str, tuple[tuple[str, ...], list[tuple]]]

_FTS_SHADOWS = ("_data", "_idx", "_content", "_docsize", "_config")


def _database(db: peewee.Database | None) -> peewee.Database:
    if db is not None:
        return db
    from store.db import database

    return database.obj


def _is_sqlite(db: peewee.Database) -> bool:
    return isinstance(db, peewee.SqliteDatabase)


def table_names(db: peewee.Database | None = None, *, derived: bool = False) -> list[str]:
    db = _database(db)
    if _is_sqlite(db):
        rows = db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                              "AND name NOT LIKE 'sqlite_%'").fetchall()
        virtual = {name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")}
        names = []
        for name, _sql in rows:
            is_shadow = any(name == v + s for v in virtual for s in _FTS_SHADOWS)
            if derived or (name not in virtual and not is_shadow):
                names.append(name)
        return sorted(names)
    rows = db.execute_sql("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                          "AND table_type = 'BASE TABLE'").fetchall()
    return sorted(r[0] for r in rows)


def _norm(value):
    if value is None or isinstance(value, (str, int)) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview, bytearray)):
        return bytes(value).hex()
    return str(value)


def _sort_key(row: tuple) -> tuple:
    # None sorts first; mixed types compare by (type name, value) so sorting never fails
    return tuple((0, "", "") if v is None else (1, type(v).__name__, v) for v in row)


def dump_table(table: str, db: peewee.Database | None = None) -> tuple[tuple[str, ...], list[tuple]]:
    db = _database(db)
    cursor = db.execute_sql(f'SELECT * FROM "{table}"')
    columns = tuple(d[0] for d in cursor.description)
    rows = [tuple(_norm(v) for v in row) for row in cursor.fetchall()]
    rows.sort(key=_sort_key)
    return columns, rows


def dump(db: peewee.Database | None = None, *, exclude: Iterable[str] = (), derived: bool = False) -> Dump:
    """Every table (but `exclude`) -> (column names, sorted normalised rows)."""
    skip = set(exclude)
    return {t: dump_table(t, db) for t in table_names(db, derived=derived) if t not in skip}


def diff(before: Dump, after: Dump, *, limit: int = 20) -> list[str]:
    """Human-readable differences (for assertion messages)."""
    out: list[str] = []
    for table in sorted(set(before) | set(after)):
        if table not in after:
            out.append(f"table {table} disappeared")
            continue
        if table not in before:
            out.append(f"table {table} appeared with {len(after[table][1])} rows")
            continue
        (cols_a, rows_a), (cols_b, rows_b) = before[table], after[table]
        if cols_a != cols_b:
            out.append(f"{table}: columns {cols_a} -> {cols_b}")
            continue
        if rows_a == rows_b:
            continue
        gone = [r for r in rows_a if r not in set(rows_b)] if len(rows_a) < 50_000 else []
        new = [r for r in rows_b if r not in set(rows_a)] if len(rows_b) < 50_000 else []
        out.append(f"{table}: {len(rows_a)} -> {len(rows_b)} rows")
        out.extend(f"  - {dict(zip(cols_a, r))}" for r in gone[:limit])
        out.extend(f"  + {dict(zip(cols_b, r))}" for r in new[:limit])
    return out


def assert_same(before: Dump, after: Dump) -> None:
    problems = diff(before, after)
    assert not problems, "the database changed:\n" + "\n".join(problems)
