"""Keyset-paged list queries: the store side of every registry list.

A list asks only for the page it shows: `page_after(key)` / `page_before(key)` run
`WHERE (sort_expr, id) > (?, ?) ORDER BY sort_expr, id LIMIT n` on an index. Text columns sort
case-insensitively through `lower(col)` (each sortable column has an index on that expression).
OFFSET is used only for a jump to an arbitrary scrollbar position (`page_at`), never to walk.
Rows are returned as plain tuples with the record id first, so the caller never touches SQL.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import peewee

from store.db import database

Key = tuple[Any, int]  # (sort value as the database orders it, record id)


@dataclass(frozen=True)
class ListColumn:
    name: str                      # field name on the model (or a label for computed columns)
    title: str                     # Polish header
    width: int = 12
    sortable: bool = False
    text: bool = True              # text columns sort and locate case-insensitively
    align: str = "left"
    expr: Any = None               # peewee expression when not a plain field
    format: Callable[[Any], str] | None = None


@dataclass
class ListSpec:
    """What a list shows: model, columns, the filter-line search columns and named filters."""

    model: type[peewee.Model]
    columns: Sequence[ListColumn]
    search: Sequence[str] = ()     # columns the filter line searches (contains, case-insensitive)
    filters: dict[str, Callable[[], Any]] = field(default_factory=dict)  # name -> where-expression factory
    base_where: Callable[[], Any] | None = None
    joins: Callable[[peewee.ModelSelect], peewee.ModelSelect] | None = None
    count_needs_joins: bool = False


class ListQuery:
    """A sorted, filtered view over a ListSpec; every method runs one indexed query."""

    def __init__(self, spec: ListSpec, sort: str | None = None, descending: bool = False):
        self.spec = spec
        sortable = [c.name for c in spec.columns if c.sortable]
        self.sort = sort if sort in sortable else sortable[0]
        self.descending = descending
        self.filter_text = ""
        self.active_filters: set[str] = set()
        self.extra_where: list[Any] = []

    # --- building blocks -----------------------------------------------------------------
    def column(self, name: str) -> ListColumn:
        return next(c for c in self.spec.columns if c.name == name)

    def _expr(self, col: ListColumn):
        return col.expr if col.expr is not None else getattr(self.spec.model, col.name)

    def sort_expr(self):
        col = self.column(self.sort)
        expr = self._expr(col)
        return peewee.fn.LOWER(expr) if col.text else expr

    def _id(self):
        return self.spec.model._meta.primary_key

    def _where(self):
        conds = []
        if self.spec.base_where:
            conds.append(self.spec.base_where())
        for name in sorted(self.active_filters):
            conds.append(self.spec.filters[name]())
        conds.extend(self.extra_where)
        text = self.filter_text.strip()
        if text and self.spec.search:
            # peewee's contains(): ILIKE on PostgreSQL, LIKE (ASCII case-insensitive) on SQLite
            conds.append(_or([self._expr(self.column(c)).contains(text) for c in self.spec.search]))
        return _and(conds)

    def _select(self):
        model = self.spec.model
        exprs = [self._id()] + [self._expr(c) for c in self.spec.columns] + [self.sort_expr().alias("_sk")]
        query = model.select(*exprs)
        if self.spec.joins:
            query = self.spec.joins(query)
        where = self._where()
        return query.where(where) if where is not None else query

    # The leading `expr >= sk` (or <=) is implied by the OR that follows, but it is what lets the
    # planner seek into the (expr, id) index instead of scanning it from the start.
    def _after(self, key: Key, inclusive: bool = False):
        sk, ident = key
        expr, pk = self.sort_expr(), self._id()
        if self.descending:
            tie = (pk <= ident) if inclusive else (pk < ident)
            return (expr <= sk) & ((expr < sk) | tie)
        tie = (pk >= ident) if inclusive else (pk > ident)
        return (expr >= sk) & ((expr > sk) | tie)

    def _before(self, key: Key):
        sk, ident = key
        expr, pk = self.sort_expr(), self._id()
        if self.descending:
            return (expr >= sk) & ((expr > sk) | (pk > ident))
        return (expr <= sk) & ((expr < sk) | (pk < ident))

    def _order(self, reverse: bool = False):
        desc = self.descending != reverse
        expr, pk = self.sort_expr(), self._id()
        return (expr.desc(), pk.desc()) if desc else (expr.asc(), pk.asc())

    @staticmethod
    def _rows(query) -> list[tuple]:
        return list(query.tuples())

    # --- the list API --------------------------------------------------------------------
    def _count(self, *conds) -> int:
        # Joins only add display columns (mandatory many-to-one), so counts skip them unless a
        # filter needs the joined table.
        query = self.spec.model.select(peewee.fn.COUNT(peewee.SQL("*")))
        if self.spec.joins and self.spec.count_needs_joins:
            query = self.spec.joins(query)
        where = _and([self._where(), *conds])
        return (query.where(where) if where is not None else query).scalar() or 0

    def count(self) -> int:
        return self._count()

    def page_after(self, key: Key | None, limit: int, inclusive: bool = False) -> list[tuple]:
        """Rows after key in list order (from the start when key is None)."""
        query = self._select()
        if key is not None:
            query = query.where(self._after(key, inclusive))
        return self._rows(query.order_by(*self._order()).limit(limit))

    def page_before(self, key: Key | None, limit: int) -> list[tuple]:
        """Rows before key in list order (the last rows when key is None), returned in list order."""
        query = self._select()
        if key is not None:
            query = query.where(self._before(key))
        rows = self._rows(query.order_by(*self._order(reverse=True)).limit(limit))
        rows.reverse()
        return rows

    def page_at(self, offset: int, limit: int) -> list[tuple]:
        """Jump to an absolute position (scrollbar drag). The only OFFSET in the list engine."""
        return self._rows(self._select().order_by(*self._order()).offset(max(0, offset)).limit(limit))

    def index_of(self, key: Key) -> int:
        """How many rows come before key: the scroll position of a located row (two range counts)."""
        sk, ident = key
        expr, pk = self.sort_expr(), self._id()
        if self.descending:
            return self._count(expr > sk) + self._count(expr == sk, pk > ident)
        return self._count(expr < sk) + self._count(expr == sk, pk < ident)

    def key_of_id(self, record_id: int) -> Key | None:
        """The key of a record if it is visible under the current filters."""
        row = next(iter(self._rows(self._select().where(self._id() == record_id).limit(1))), None)
        return None if row is None else (row[-1], row[0])

    def locate(self, prefix: str) -> Key | None:
        """First row whose sorted column starts with prefix (or the next one after it)."""
        if self.descending:
            return None
        expr = self.sort_expr()
        value = peewee.fn.LOWER(prefix) if self.column(self.sort).text else prefix
        query = self._select().where(expr >= value).order_by(*self._order()).limit(1)
        row = next(iter(self._rows(query)), None)
        return None if row is None else (row[-1], row[0])

    def iter_all(self, batch: int = 2000):
        """Every filtered row in list order, by keyset batches (exports)."""
        key = None
        while True:
            rows = self.page_after(key, batch)
            if not rows:
                return
            yield from rows
            key = (rows[-1][-1], rows[-1][0])

    @staticmethod
    def key(row: tuple) -> Key:
        return (row[-1], row[0])


def _and(conds):
    conds = [c for c in conds if c is not None]
    if not conds:
        return None
    out = conds[0]
    for c in conds[1:]:
        out = out & c
    return out


def _or(conds):
    out = conds[0]
    for c in conds[1:]:
        out = out | c
    return out


def row_count(model: type[peewee.Model]) -> int:
    return model.select(peewee.fn.COUNT(model._meta.primary_key)).scalar() or 0


def lower_index_sql(table: str, column: str) -> str:
    return f'CREATE INDEX IF NOT EXISTS "{table}_lower_{column}_id" ON "{table}" (lower("{column}"), "id")'


def create_sort_indexes(table: str, columns: Sequence[str]) -> Callable[[peewee.Database], None]:
    """Migration step: one index (lower(col), id) per text column a list sorts by."""
    def run(db: peewee.Database) -> None:
        for column in columns:
            db.execute_sql(lower_index_sql(table, column))
    return run


def database_engine() -> str:
    return "sqlite" if isinstance(database.obj, peewee.SqliteDatabase) else "postgresql"
