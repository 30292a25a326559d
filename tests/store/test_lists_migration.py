"""A database made before the Polish sort keys (lists migration 1: lower(col) indexes, no trigram
search) gets them on open, on both engines: its rows sort and filter the Polish way at once, and no
row of any table changes (tests/dbdump.py)."""
from __future__ import annotations

from store.db import database, is_sqlite, open_database
from store.lists import contractor_list, goods_list
from store.paging import ListQuery
from tests.dbdump import assert_same, dump

NAMES = ["Łódź Handel", "Lis", "Żaba", "Zebra", "Śruba", "Sowa", "ąbc", "Abc"]


def _as_version_1(db) -> None:
    """What lists migration 1 left: (lower(col), id) indexes, no sort-key indexes, no search index."""
    for table, columns in (("contractor", ("code", "name", "city")), ("goods", ("code", "name"))):
        for column in columns:
            db.execute_sql(f'DROP INDEX IF EXISTS "{table}_sk_{column}_id"')
            db.execute_sql(f'CREATE INDEX "{table}_lower_{column}_id" ON "{table}" (lower("{column}"), "id")')
    for name in ("contractor_search", "goods_search"):
        if is_sqlite(db):
            for suffix in ("insert", "delete", "update"):
                db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}_{suffix}"')
            db.execute_sql(f'DROP TABLE IF EXISTS "{name}"')
        else:
            db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    db.execute_sql("DELETE FROM schema_migration WHERE area = 'lists' AND version >= 2")


def _index_names(db, table: str) -> set[str]:
    return {i.name for i in db.get_indexes(table)}


def test_a_version_1_database_gets_sort_keys_and_search_and_keeps_its_rows(db_url):
    from store.bulk import bulk_insert
    from store.catalog.goods import create_goods
    from store.catalog.seed import ensure_catalogue_defaults
    from store.config import ensure_default_vat_rates
    from store.db import write
    from store.parties import Contractor

    db = open_database(db_url, create=True)
    ensure_default_vat_rates()
    ensure_catalogue_defaults()
    _as_version_1(db)
    with write():   # rows written while there was no search index
        bulk_insert(Contractor, ({"code": f"K{i}", "name": n, "city": "Łódź" if i % 2 else "Kraków"}
                                 for i, n in enumerate(NAMES)))
    create_goods(code="ŻB-1", name="Żarówka LED", ean="")
    before = dump(exclude={"schema_migration"})
    db.close()
    database.initialize(None)

    db = open_database(db_url)
    try:
        assert {"contractor_sk_name_id", "goods_sk_code_id"} <= _index_names(db, "contractor") | _index_names(
            db, "goods")
        assert not {i for i in _index_names(db, "contractor") | _index_names(db, "goods") if "_lower_" in i}
        q = ListQuery(contractor_list(), sort="name")
        assert [r[2] for r in q.iter_all()] == ["Abc", "ąbc", "Lis", "Łódź Handel", "Sowa", "Śruba", "Zebra", "Żaba"]
        q.filter_text = "łódź"
        assert sorted(r[1] for r in q.iter_all()) == ["K0", "K1", "K3", "K5", "K7"]
        g = ListQuery(goods_list())
        g.filter_text = "żARÓW"
        assert [r[1] for r in g.iter_all()] == ["ŻB-1"]
        assert_same(before, dump(exclude={"schema_migration"}))
    finally:
        db.close()
        database.initialize(None)
