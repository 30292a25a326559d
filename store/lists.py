"""The registry lists (what each shows and how it sorts and searches), and the indexes they need.

Each sortable text column of a big list has an index on (Polish sort key, id) (store.textkey), so the
keyset pages of every sort order are index range scans on both SQLite and PostgreSQL. The filter line
of the contractor and goods lists has a trigram index over its search columns: an FTS5 table with
`tokenize='trigram'` kept in step by triggers on SQLite, a pg_trgm GIN index on PostgreSQL.
"""
from __future__ import annotations

import logging
from decimal import Decimal

import peewee

from store import textkey
from store.catalog import Goods
from store.config import VatRate
from store.db import is_sqlite
from store.i18n import _
from store.paging import ListColumn, ListSpec
from store.parties import Contractor
from store.schema import Migration
from store.search import document as search_document

log = logging.getLogger(__name__)

CONTRACTOR_SORT_COLUMNS = ("code", "name", "city")
GOODS_SORT_COLUMNS = ("code", "name")
CONTRACTOR_SEARCH = ("code", "name", "nip", "city")
GOODS_SEARCH = ("code", "name", "ean")
# trigram index name -> (table, columns); the name is the FTS5 table on SQLite, the index on PostgreSQL
SEARCH_INDEXES = {"contractor_search": ("contractor", CONTRACTOR_SEARCH), "goods_search": ("goods", GOODS_SEARCH)}


# --- indexes -------------------------------------------------------------------------------------

def sort_index_sql(db: peewee.Database, table: str, column: str) -> str:
    key = textkey.ddl(db, textkey.sort_key_sql(peewee.Entity(column), not is_sqlite(db)))
    return f'CREATE INDEX IF NOT EXISTS "{table}_sk_{column}_id" ON "{table}" (({key}), "id")'


def _fts_sql(name: str, table: str, columns) -> list[str]:
    cols = ", ".join(f'"{c}"' for c in columns)
    new = ", ".join(f'new."{c}"' for c in columns)
    old = ", ".join(f'old."{c}"' for c in columns)
    delete = f"INSERT INTO \"{name}\"(\"{name}\", rowid, {cols}) VALUES ('delete', old.\"id\", {old});"
    insert = f'INSERT INTO "{name}"(rowid, {cols}) VALUES (new."id", {new});'
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS \"{name}\" USING fts5({cols}, content='{table}', content_rowid='id', "
        "tokenize='trigram')",
        f'CREATE TRIGGER IF NOT EXISTS "{name}_insert" AFTER INSERT ON "{table}" BEGIN {insert} END',
        f'CREATE TRIGGER IF NOT EXISTS "{name}_delete" AFTER DELETE ON "{table}" BEGIN {delete} END',
        f'CREATE TRIGGER IF NOT EXISTS "{name}_update" AFTER UPDATE OF {cols} ON "{table}" BEGIN {delete} {insert} END',
        f"INSERT INTO \"{name}\"(\"{name}\") VALUES ('rebuild')",
    ]


def _trigram_schema(db: peewee.Database) -> str | None:
    """The schema of pg_trgm, installing it (in public, which outlives any one schema) when missing."""
    find = ("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'")
    row = db.execute_sql(find).fetchone()
    if row is None:
        try:
            with db.atomic():  # a savepoint: a refused CREATE EXTENSION must not end the migration
                db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        except peewee.DatabaseError as exc:  # no right to install it, or another session just did
            log.warning("pg_trgm could not be installed (%s); the filter line works without its index", exc)
        row = db.execute_sql(find).fetchone()
    return row[0] if row else None


def create_search_index(db: peewee.Database, name: str) -> None:
    table, columns = SEARCH_INDEXES[name]
    if is_sqlite(db):
        try:
            with db.atomic():
                for sql in _fts_sql(name, table, columns):
                    db.execute_sql(sql)
        except peewee.OperationalError as exc:  # an SQLite built without FTS5 or older than 3.34
            log.warning("no trigram index %s (%s); the filter line tests rows one by one", name, exc)
        return
    schema = _trigram_schema(db)
    if schema is None:
        return
    document = textkey.ddl(db, search_document([peewee.Entity(c) for c in columns]))
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (({document}) "{schema}".gin_trgm_ops)')


def _v1(db: peewee.Database) -> None:
    """Version 1 made (lower(col), id) indexes; version 2 replaces them, so a new database skips them."""


def _v2(db: peewee.Database) -> None:
    for table, columns in (("contractor", CONTRACTOR_SORT_COLUMNS), ("goods", GOODS_SORT_COLUMNS)):
        for column in columns:
            db.execute_sql(f'DROP INDEX IF EXISTS "{table}_lower_{column}_id"')
            db.execute_sql(sort_index_sql(db, table, column))
    for name in SEARCH_INDEXES:
        create_search_index(db, name)


MIGRATIONS = [Migration(1, "sort indexes of contractor and goods lists", _v1),
              Migration(2, "Polish sort keys and trigram search of contractor and goods lists", _v2)]


# --- the lists -----------------------------------------------------------------------------------

def _money(value) -> str:
    if value is None:
        return ""
    return f"{Decimal(value):,.2f}".replace(",", " ").replace(".", ",")


def _one_line(value) -> str:
    return " ".join(str(value or "").split())


def contractor_list() -> ListSpec:
    """CTR-2's default columns that exist today, in its order (Należności/Zobowiązania PLN come with the
    settlements). On a narrow screen the least needed give way first; Kod always stays (CTR-4)."""
    return ListSpec(
        model=Contractor,
        columns=[
            ListColumn("code", _("Kod"), 14, sortable=True, priority=9),
            ListColumn("name", _("Nazwa"), 40, sortable=True, priority=9),
            ListColumn("nip", _("NIP"), 13, sortable=True, text=False, priority=6),
            ListColumn("ean", _("EAN"), 13, priority=1),
            ListColumn("postal_code", _("Kod pocztowy"), 6, priority=2),
            ListColumn("city", _("Miasto"), 16, sortable=True, priority=5),
            ListColumn("street", _("Ulica"), 20, priority=1),
            ListColumn("phone", _("Telefon"), 14, priority=3),
            ListColumn("notes", _("Uwagi"), 20, priority=0, format=_one_line),
        ],
        search=CONTRACTOR_SEARCH,
        search_index="contractor_search",
        filters={
            "active": lambda: Contractor.active == True,  # noqa: E712
            "inactive": lambda: Contractor.active == False,  # noqa: E712
        },
    )


def goods_list() -> ListSpec:
    return ListSpec(
        model=Goods,
        columns=[
            ListColumn("code", _("Kod"), 14, sortable=True, priority=9),
            ListColumn("name", _("Nazwa"), 40, sortable=True, priority=9),
            ListColumn("ean", _("EAN"), 14, sortable=True, text=False, priority=3),
            ListColumn("unit", _("J.m."), 5, priority=4),
            ListColumn("vat", _("VAT"), 4, expr=VatRate.code, priority=4),
            ListColumn("retail_price", _("Cena detal."), 12, align="right", format=_money, priority=6),
        ],
        search=GOODS_SEARCH,
        search_index="goods_search",
        filters={
            "goods": lambda: Goods.is_service == False,  # noqa: E712
            "services": lambda: Goods.is_service == True,  # noqa: E712
            "active": lambda: Goods.active == True,  # noqa: E712
        },
        joins=lambda q: q.join(VatRate, on=(Goods.vat_rate == VatRate.id)),
    )


LISTS = {"contractors": contractor_list, "goods": goods_list}
