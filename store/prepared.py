"""Statements built once per engine and re-executed with new values (the hot paths: approval, stock, numbering).

Building SQL is most of what peewee costs per statement (for a wide model ~1 ms, more than SQLite takes to run
it). A hot statement is built once by peewee, with placeholder values in the order the caller will pass them,
and its text is kept per engine and key:

    sql = prepared("doc.lock", lambda: for_update(Document.select().where(Document.id == 0)))
    row = run(sql, [document_id]).fetchone()
    doc = as_model(Document, row)

Values are passed as the database stores them (`field.db_value(x)`, see `db_values`); `as_model` converts a row
of the model's own columns back. Only for statements whose shape never varies (an IN list keys its length).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Callable, Iterable

import peewee

from store.db import database, is_sqlite

_TEXT: dict[tuple[str, bool], str] = {}


def prepared(key: str, build: Callable[[], peewee.Query]) -> str:
    engine = is_sqlite()
    sql = _TEXT.get((key, engine))
    if sql is None:
        sql, _params = build().sql()
        _TEXT[(key, engine)] = sql
    return sql


def text(key: str, sql: str) -> str:
    """Hand-written SQL (quoted identifiers, `?` for each value) in the engine's paramstyle, kept per engine: for
    what peewee cannot say in one statement (UPDATE … RETURNING, CASE on the row's key)."""
    engine = is_sqlite()
    out = _TEXT.get((key, engine))
    if out is None:
        out = sql if engine else sql.replace("?", database.obj.param)
        _TEXT[(key, engine)] = out
    return out


def run(sql: str, params: Iterable = ()):
    return database.obj.execute_sql(sql, list(params))


def db_values(model: type[peewee.Model], values: dict) -> list:
    """Values of the named fields, converted as the model stores them, in the dict's order."""
    fields = model._meta.fields
    return [fields[name].db_value(value) for name, value in values.items()]


_CONVERTERS: dict = {}
# Columns both drivers already return as the Python value (text as str, integers as int): no conversion.
_AS_READ = (peewee.CharField, peewee.TextField, peewee.IntegerField, peewee.BigIntegerField, peewee.AutoField)


def _as_read(field) -> bool:
    if type(field) is peewee.ForeignKeyField:
        return type(field.rel_field) in _AS_READ
    return type(field) in _AS_READ


def _fast_reader(field):
    """The field's python_value, or a quicker function giving the same value for what SQLite stores (a flag as
    0/1, a time as "YYYY-MM-DD HH:MM:SS[.ffffff]", a date as "YYYY-MM-DD"; anything else goes to peewee)."""
    if type(field) is peewee.BooleanField:
        return bool
    slow = field.python_value
    if type(field) is peewee.DateTimeField:
        def read_time(value):
            if type(value) is str and len(value) in (19, 26) and value[10] == " ":
                return datetime.fromisoformat(value)
            return slow(value)
        return read_time
    if type(field) is peewee.DateField:
        def read_date(value):
            if type(value) is str and len(value) == 10:
                return date.fromisoformat(value)
            return slow(value)
        return read_date
    return slow


def _converters(model, columns):
    """(field names in row order, [(position, name, converter)] of the columns the driver does not already
    return as the Python value)."""
    key = (model, tuple(columns) if columns else None)
    plan = _CONVERTERS.get(key)
    if plan is None:
        meta = model._meta
        fields = [meta.fields[n] for n in (columns or [f.name for f in meta.sorted_fields])]
        plan = (tuple(f.name for f in fields),
                tuple((i, f.name, _fast_reader(f)) for i, f in enumerate(fields) if not _as_read(f)))
        _CONVERTERS[key] = plan
    return plan


def as_model(model: type[peewee.Model], row, columns: list[str] | None = None):
    """A model instance from a row of `columns` (default: every field in declaration order), built the way peewee
    builds the rows of a query (no defaults, nothing dirty)."""
    if row is None:
        return None
    names, convert = _converters(model, columns)
    data = dict(zip(names, row))
    for i, name, read in convert:
        value = row[i]
        if value is not None:
            data[name] = read(value)
    return _instance(model, data)


def _instance(model: type[peewee.Model], data: dict):
    obj = model.__new__(model)
    obj.__data__ = data
    obj._dirty = set()
    obj.__rel__ = {}
    return obj


_NEW: dict = {}


def _stored_as(field) -> type | None:
    """The Python type the field stores unchanged (str in a text column, int in an integer one), else None."""
    if type(field) is peewee.ForeignKeyField:
        field = field.rel_field
    if type(field) in (peewee.CharField, peewee.TextField):
        return str
    if type(field) in (peewee.IntegerField, peewee.BigIntegerField, peewee.AutoField):
        return int
    return None


_LITERAL_TYPES = (type(None), bool, int, str)


def _new_plan(model: type[peewee.Model], given: tuple[str, ...]) -> tuple[str, list, dict]:
    """Per model and set of given fields, once: the INSERT of every field but the key with the constant defaults
    written into the SQL (an insert binds only what changes: ~20 of a document's 51 columns); the steps that make
    the bound values (given, or a called default: a fresh guid, the time); the constant defaults (Python values,
    for the row returned)."""
    key = (model, given, is_sqlite())
    plan = _NEW.get(key)
    if plan is None:
        steps, constants = [], {}
        for f in model._meta.sorted_fields:
            if f is model._meta.primary_key:
                continue
            if f.name not in given and not callable(f.default) and type(f.db_value(f.default)) in _LITERAL_TYPES:
                constants[f.name] = f.default
            else:
                made = None if f.name in given else f.default if callable(f.default) else (lambda d=f.default: d)
                steps.append((f.name, f.db_value, _stored_as(f), made))
        sql = insert_sql(model, [name for name, *_rest in steps], 1, constants)
        plan = _NEW[key] = (sql, steps, constants)
    return plan


def insert_new(model: type[peewee.Model], values: dict) -> tuple[int, dict]:
    """One new row as `Model.create()` makes it: every field's default (callables called: a fresh guid, the
    time), then `values`; a tracked row carries the session operator (TrackedModel.save). Returns the new id
    and the row's Python values (every field)."""
    if "modified_by" not in values and "modified_by" in model._meta.fields:
        from store.base import session_operator

        values = {**values, "modified_by": session_operator()}
    sql, steps, constants = _new_plan(model, tuple(values))
    row, params = dict(constants), []
    for name, to_db, as_is, default in steps:
        value = row[name] = values[name] if default is None else default()
        params.append(value if type(value) is as_is else to_db(value))
    cursor = run(sql, params)
    return (cursor.lastrowid if is_sqlite() else cursor.fetchall()[-1][0]), row


def from_values(model: type[peewee.Model], values: dict):
    """A model instance from Python values of its fields (a row just inserted), nothing dirty."""
    return _instance(model, dict(values))


def insert_sql(model: type[peewee.Model], columns: list[str], rows: int = 1, constants: dict | None = None) -> str:
    """INSERT of `rows` rows of the named fields (PostgreSQL returns the ids); `constants` (field -> Python
    value, the same in every row: flags, a version) are written into the SQL instead of bound each row."""
    engine = is_sqlite()
    key = (f"insert:{model._meta.table_name}:{','.join(columns)}:{rows}:{constants!r}", engine)
    sql = _TEXT.get(key)
    if sql is None:
        from store.bulk import sql_literal

        fields, mark = model._meta.fields, database.obj.param
        fixed = [(name, sql_literal(fields[name].db_value(v), not engine)) for name, v in (constants or {}).items()]
        cols = ", ".join(f'"{fields[c].column_name}"' for c in [*columns, *(n for n, _v in fixed)])
        one = "(" + ", ".join([mark] * len(columns) + [v for _n, v in fixed]) + ")"
        sql = f'INSERT INTO "{model._meta.table_name}" ({cols}) VALUES {", ".join([one] * rows)}'
        if not engine:
            sql += ' RETURNING "id"'
        _TEXT[key] = sql
    return sql


def insert(model: type[peewee.Model], rows: list[dict]) -> int:
    """Insert rows (dicts of the same fields, Python values); returns the (last) new id."""
    columns = list(rows[0])
    params = [v for row in rows for v in db_values(model, row)]
    cursor = run(insert_sql(model, columns, len(rows)), params)
    return cursor.lastrowid if is_sqlite() else cursor.fetchall()[-1][0]


def case_update_sql(model: type[peewee.Model], columns: list[str], rows: int) -> str:
    """UPDATE setting each named column from a CASE on id, for `rows` ids: params are, per column, (id, value)
    pairs, then the ids."""
    engine = is_sqlite()
    key = (f"case:{model._meta.table_name}:{','.join(columns)}:{rows}", engine)
    sql = _TEXT.get(key)
    if sql is None:
        m = database.obj.param
        table = model._meta.table_name
        cast = "" if engine else "::bigint"
        sets = ", ".join(f'"{model._meta.fields[c].column_name}" = CASE "id" '
                         + " ".join([f"WHEN {m} THEN {m}{cast}"] * rows) + " END" for c in columns)
        sql = f'UPDATE "{table}" SET {sets} WHERE "id" IN ({", ".join([m] * rows)})'
        _TEXT[key] = sql
    return sql


def update_sql(model: type[peewee.Model], columns: list[str], *, bump_version: bool = True) -> str:
    """UPDATE of the named fields of one row by id (params: the values in order, then the id); a tracked model's
    version goes up by one in SQL."""
    engine = is_sqlite()
    key = (f"update:{model._meta.table_name}:{','.join(columns)}:{bump_version}", engine)
    sql = _TEXT.get(key)
    if sql is None:
        m = database.obj.param
        sets = [f'"{model._meta.fields[c].column_name}" = {m}' for c in columns]
        if bump_version:
            sets.append('"version" = "version" + 1')
        sql = f'UPDATE "{model._meta.table_name}" SET {", ".join(sets)} WHERE "id" = {m}'
        _TEXT[key] = sql
    return sql
