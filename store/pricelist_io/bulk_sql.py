"""Set-based writes for the price-list import: executemany with precomputed column lists.

The ORM's per-object path costs tens of microseconds a row; an import of 100,000 cards writes
several hundred thousand rows (cards, prices, EAN codes, group links) in one transaction, so
rows go to the driver as tuples: python-side defaults (new guid, modified_at) are computed once
per batch, Decimal columns are converted with the field's own db_value.
"""
from __future__ import annotations

from itertools import islice
from typing import Iterable, Sequence

import peewee

from store.base import new_guids, utcnow
from store.bulk import sql_literal
from store.db import database, is_sqlite

BATCH = 5000


def now_param():
    """utcnow() as the driver parameter: on SQLite the text sqlite3 would make of it, done once
    instead of once per row."""
    now = utcnow()
    return now.isoformat(" ") if is_sqlite() else now


def placeholder() -> str:
    return "?" if is_sqlite() else "%s"


def _executemany(sql: str, rows: Iterable[tuple]) -> int:
    """Rows to the driver in batches; driver errors come out as peewee's (IntegrityError, ...)."""
    cursor = database.cursor()
    done = 0
    iterator = iter(rows)
    if is_sqlite():
        def run(batch):
            cursor.executemany(sql, batch)
    else:
        from psycopg2.extras import execute_batch

        def run(batch):
            execute_batch(cursor, sql, batch, page_size=500)
    with peewee.__exception_wrapper__:
        while True:
            batch = list(islice(iterator, BATCH))
            if not batch:
                break
            run(batch)
            done += len(batch)
    return done


def column(model: type[peewee.Model], name: str) -> str:
    return model._meta.fields[name].column_name


def literal(value) -> str:
    """A constant as SQL text (model defaults only, never user input)."""
    return sql_literal(value, not is_sqlite())


def insert_rows(model: type[peewee.Model], fields: Sequence[str], rows: Iterable[tuple], *,
                conflict: str = "") -> int:
    """INSERT rows given as tuples of db values for `fields`; every other column gets its default,
    written once as an SQL literal (the driver binds only what varies): a fresh guid each row,
    modified_at = now. `conflict` is an optional ON CONFLICT clause."""
    now = now_param()
    consts: list[tuple[str, object]] = []
    need_guid = False
    for f in model._meta.sorted_fields:
        if f.name in fields or isinstance(f, peewee.AutoField):
            continue
        if f.name == "guid":
            need_guid = True
            continue
        default = f.default() if callable(f.default) else f.default
        consts.append((f.column_name, now if f.name == "modified_at" else f.db_value(default)))
    cols = [column(model, n) for n in fields] + (["guid"] if need_guid else []) + [c for c, _v in consts]
    ph = placeholder()
    values = [ph] * (len(fields) + need_guid) + [literal(v) for _c, v in consts]
    sql = 'INSERT INTO "{}" ({}) VALUES ({}) {}'.format(
        model._meta.table_name, ", ".join(f'"{c}"' for c in cols), ", ".join(values), conflict)
    if not need_guid:
        return _executemany(sql, rows)
    rows = rows if isinstance(rows, list) else list(rows)
    return _executemany(sql, map(tuple.__add__, rows, ((g,) for g in new_guids(len(rows)))))


def update_rows(model: type[peewee.Model], set_sql: Sequence[str], where_sql: str, rows: Iterable[tuple]) -> int:
    """UPDATE with a fixed SET list (fragments using {p} for a placeholder) for each parameter tuple."""
    ph = placeholder()
    sql = 'UPDATE "{}" SET {} WHERE {}'.format(model._meta.table_name, ", ".join(s.format(p=ph) for s in set_sql),
                                               where_sql.format(p=ph))
    return _executemany(sql, rows)


def distinct_from(left: str, right: str) -> str:
    """SQL that is true when two values differ, NULL counting as a value (SQLite's IS NOT is its
    IS DISTINCT FROM, which older SQLite lacks)."""
    return f"{left} IS NOT {right}" if is_sqlite() else f"{left} IS DISTINCT FROM {right}"


def delete_rows(model: type[peewee.Model], where_sql: str, rows: Iterable[tuple]) -> int:
    sql = 'DELETE FROM "{}" WHERE {}'.format(model._meta.table_name, where_sql.format(p=placeholder()))
    return _executemany(sql, rows)


# --- lookups for many keys at once ----------------------------------------------------------------

IN_CHUNK = 900


def _chunks(items: list, size: int = IN_CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _select_in(sql: str, values: list) -> Iterable[tuple]:
    """Run `sql` (with one "IN ({})" slot) for chunks of values; raw cursor, no per-row ORM work."""
    ph = placeholder()
    for chunk in _chunks(values):
        yield from database.execute_sql(sql.format(", ".join([ph] * len(chunk))), chunk).fetchall()


def _lookup(select_sql: str, key_sql: str, values: list, table: str) -> Iterable[tuple]:
    """Rows of `select_sql` (its first column is the key) whose key is one of `values`: by IN-lists,
    or, when `table` has no more rows than there are values (a first price list for a new branch),
    by one pass over the table filtered here: 100,000 codes would be 112 queries the other way."""
    if not values:
        return []
    size = database.execute_sql(f'SELECT MAX("id") FROM "{table}"').fetchone()[0] or 0
    if size <= len(values):
        wanted = set(values)
        return [row for row in database.execute_sql(select_sql).fetchall() if row[0] in wanted]
    return _select_in(f"{select_sql} WHERE {key_sql} IN ({{}})", values)


def existing_goods(codes: Iterable[str]) -> dict[str, tuple]:
    """code -> (id, vat_rate_id, purchase_vat_rate_id, last_purchase_price, item_type, ean, group_id) for codes
    in the DB."""
    from store.catalog.models import Goods

    to_price = Goods.last_purchase_price.python_value
    return {code: (gid, vat, pvat, to_price(lpp), item_type, ean, group) for code, gid, vat, pvat, lpp, item_type, ean,
            group in _lookup('SELECT "code", "id", "vat_rate_id", "purchase_vat_rate_id", "last_purchase_price", '
                             '"item_type", "ean", "group_id" FROM "goods"', '"code"', list(codes), "goods")}


def stored_prices(goods_ids: list[int]) -> dict[tuple[int, int], tuple[int, int]]:
    """(goods id, price type id) -> (net, gross) as stored (scaled integers) for these cards."""
    return {(gid, ptid): (net, gross) for gid, ptid, net, gross in _select_in(
        'SELECT "goods_id", "price_type_id", "net", "gross" FROM "goods_price" WHERE "goods_id" IN ({})', goods_ids)}


def ean_owners(eans: Iterable[str]) -> dict[str, str]:
    """EAN -> code of the item that has it (default or additional code), for the given EANs."""
    eans = list(eans)
    out = dict(_lookup('SELECT b."ean", g."code" FROM "goods_barcode" b JOIN "goods" g ON g."id" = b."goods_id"',
                       'b."ean"', eans, "goods_barcode"))
    for ean, code in _lookup('SELECT "ean", "code" FROM "goods"', '"ean"', eans, "goods"):
        out.setdefault(ean, code)
    return out
